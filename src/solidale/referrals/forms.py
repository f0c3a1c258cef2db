"""Forms of the referral pages. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidale.core.models import Neighbourhood
from solidale.network.models import NeedCategory
from solidale.people.forms import AccessibleForm
from solidale.people.models import Consent, FieldSet

from .models import DeclineReason, Outcome, ReferralStatus, Urgency

_TEXTAREA = forms.Textarea(attrs={"rows": 3})
_SHAREABLE_CHOICES = [
    (FieldSet.IDENTITY, _("identità (nome, cognome, sesso, data di nascita)")),
    (FieldSet.CONTACTS, _("contatti (telefono, e-mail, domicilio, lingue)")),
]


class ServiceFilterForm(AccessibleForm):
    """Filters of the services directory while choosing where to send."""

    need = forms.ModelChoiceField(
        label=_("Area di bisogno"),
        queryset=NeedCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("tutte"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"),
        queryset=Neighbourhood.objects.order_by("name"),
        required=False,
        empty_label=_("tutti"),
    )


class ReferralForm(AccessibleForm):
    service = forms.IntegerField(
        label=_("Servizio"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Scegli un servizio dall'elenco."),
            "invalid": _("Scegli un servizio dall'elenco."),
        },
    )
    need = forms.ModelChoiceField(
        label=_("Area di bisogno"),
        queryset=NeedCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("non indicata"),
    )
    reason = forms.CharField(label=_("Motivo dell'invio"), widget=_TEXTAREA, max_length=2000)
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Urgency.choices, initial=Urgency.NORMAL)
    shared_fieldsets = forms.MultipleChoiceField(
        label=_("Dati della persona da condividere"),
        choices=_SHAREABLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[FieldSet.IDENTITY, FieldSet.CONTACTS],
        help_text=_("L'organizzazione che riceve li vedrà solo dopo aver accettato l'invio."),
    )
    summary = forms.CharField(
        label=_("Sintesi per chi riceve"),
        widget=_TEXTAREA,
        required=False,
        max_length=4000,
        help_text=_("Solo ciò che serve al servizio: niente note riservate."),
    )
    show_identity_before_acceptance = forms.BooleanField(
        label=_("Mostra nome e contatti già prima dell'accettazione"), required=False
    )
    legal_basis = forms.ChoiceField(
        label=_("Base giuridica, se manca il consenso alla condivisione"),
        choices=[("", _("— c'è il consenso registrato —"))]
        + [
            choice
            for choice in Consent.LegalBasis.choices
            if choice[0] != Consent.LegalBasis.CONSENT
        ],
        required=False,
    )

    def __init__(self, *args: Any, can_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Deroga al consenso: motivo (solo coordinatori del Comune)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=1000,
            )
            self.style_widgets()
        self.fields["shared_fieldsets"].widget.attrs["class"] = "form-check-input"


class NoteForm(AccessibleForm):
    note = forms.CharField(label=_("Nota"), widget=_TEXTAREA, required=False)


class DeclineForm(AccessibleForm):
    reason = forms.ChoiceField(
        label=_("Motivo del rifiuto"),
        choices=[("", _("— scegli —")), *DeclineReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Spiegazione"), widget=_TEXTAREA, required=False)


class CompleteForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label=_("Esito"), choices=[("", _("— scegli —")), *Outcome.choices], required=False
    )
    note = forms.CharField(label=_("Note sull'esito"), widget=_TEXTAREA, required=False)


class CancelForm(AccessibleForm):
    reason = forms.CharField(label=_("Perché ritiri l'invio"), widget=_TEXTAREA, required=False)


class CommentForm(AccessibleForm):
    body = forms.CharField(label=_("Messaggio"), widget=_TEXTAREA, required=False, max_length=4000)


class ReferralFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Stato"), choices=[("", _("tutti")), *ReferralStatus.choices], required=False
    )
    urgency = forms.ChoiceField(
        label=_("Urgenza"), choices=[("", _("tutte")), *Urgency.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Solo in ritardo"), required=False)
