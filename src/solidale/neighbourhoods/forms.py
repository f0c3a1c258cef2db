"""Forms of the neighbourhoods app. They only parse input: the services decide and save."""

from __future__ import annotations

import time
from typing import Any, cast

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood
from solidale.people.forms import AccessibleForm

from .models import (
    ContactPreference,
    EventKind,
    Presidio,
    PresidioKind,
    ProposalStatus,
    ReportCategory,
    ReportStatus,
)

_TEXTAREA = forms.Textarea(attrs={"rows": 4})
_SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
#: A human takes longer than this to fill in the report form; spam bots don't.
MIN_FILL_SECONDS = 3
FORM_TOKEN_SALT = "neighbourhoods.report-form"  # noqa: S105 (a signing salt, not a secret)


def form_token(at: float | None = None) -> str:
    """A signed timestamp of when the form was shown."""
    return signing.dumps(at if at is not None else time.time(), salt=FORM_TOKEN_SALT)


class ReportForm(AccessibleForm):
    category = forms.ModelChoiceField(
        label=_("Categoria"),
        queryset=ReportCategory.objects.filter(is_active=True),
        empty_label=_("Scegli…"),
    )
    description = forms.CharField(
        label=_("Descrizione"),
        widget=_TEXTAREA,
        max_length=4000,
        help_text=_("Cosa hai visto e dove. Per una persona in difficoltà non serve il nome."),
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Indirizzo o punto di riferimento"),
        max_length=200,
        required=False,
        help_text=_("Scrivilo se non metti il segnaposto sulla mappa."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        empty_label=_("Non lo so"),
    )
    photo = forms.FileField(
        label=_("Foto"),
        required=False,
        help_text=_(
            "JPEG, PNG o WebP fino a 5 MB. Posizione e dati della fotocamera vengono rimossi."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    contact_preference = forms.ChoiceField(
        label=_("Vuoi essere aggiornato?"),
        choices=ContactPreference.choices,
        initial=ContactPreference.NONE,
    )
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    #: Honeypot: hidden from people (CSS and aria-hidden), bots fill it in.
    website = forms.CharField(label=_("Lascia vuoto questo campo"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = form_token()

    def is_spam(self) -> bool:
        """The honeypot was filled in, or the form came back faster than a person types."""
        if self.data.get("website"):
            return True
        try:
            shown = float(
                signing.loads(self.data.get("started", ""), salt=FORM_TOKEN_SALT, max_age=86400)
            )
        except (signing.BadSignature, TypeError, ValueError):
            return True
        return time.time() - shown < MIN_FILL_SECONDS


class TrackForm(AccessibleForm):
    code = forms.CharField(label=_("Codice di verifica"), max_length=30)


class ReopenForm(AccessibleForm):
    code = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Perché il problema non è risolto?"), widget=_SHORT_TEXTAREA)


class StatusForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Nuovo stato"), choices=ReportStatus.choices)
    note = forms.CharField(
        label=_("Nota per il segnalante"),
        widget=_SHORT_TEXTAREA,
        required=False,
        help_text=_("La legge chi ha segnalato: niente dati personali."),
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)


class PublishForm(AccessibleForm):
    public_description = forms.CharField(
        label=_("Descrizione da pubblicare"),
        widget=_TEXTAREA,
        help_text=_(
            "Togli nomi, numeri di telefono, indirizzi e-mail e ogni dato personale: "
            "l'originale resta visibile solo al personale."
        ),
    )
    show_photo = forms.BooleanField(label=_("Pubblica anche la foto"), required=False)


class TakeInChargeForm(AccessibleForm):
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Nota per il segnalante"),
        widget=_SHORT_TEXTAREA,
        required=False,
        help_text=_("Facoltativa. Non scrivere nulla sulla persona."),
    )


class QueueFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti")), ("open", _("Aperte")), *ReportStatus.choices],
    )
    category = forms.ChoiceField(label=_("Categoria"), required=False)
    sensitive = forms.ChoiceField(
        label=_("Tipo"),
        required=False,
        choices=[("", _("Tutte")), ("1", _("Sociali riservate")), ("0", _("Pubbliche"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [
            ("", _("Tutte")),
            *((c.code, c.name) for c in ReportCategory.objects.all()),
        ]


class PublicFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti")), ("open", _("Aperte")), *ReportStatus.choices],
    )
    category = forms.ChoiceField(label=_("Categoria"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Quartiere"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        neighbourhood = cast(forms.ChoiceField, self.fields["neighbourhood"])
        category.choices = [
            ("", _("Tutte")),
            *((c.code, c.name) for c in ReportCategory.objects.filter(is_sensitive=False)),
        ]
        neighbourhood.choices = [
            ("", _("Tutti")),
            *((n.slug, n.name) for n in Neighbourhood.objects.all()),
        ]


class CategoryRouteForm(AccessibleForm):
    organization = forms.ModelChoiceField(
        label=_("Responsabile"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        empty_label=_("Comune (predefinito)"),
    )


class ClientForm(AccessibleForm):
    name = forms.CharField(label=_("Nome dell'applicazione"), max_length=100)


class PresidioForm(AccessibleForm):
    title = forms.CharField(label=_("Titolo"), max_length=150)
    kind = forms.ChoiceField(label=_("Tipo"), choices=PresidioKind.choices)
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"), queryset=Neighbourhood.objects.all()
    )
    place = forms.CharField(label=_("Luogo"), max_length=200)
    weekday = forms.TypedChoiceField(
        label=_("Giorno"), choices=Presidio.Weekday.choices, coerce=int
    )
    start_time = forms.TimeField(label=_("Dalle"), widget=_TIME)
    end_time = forms.TimeField(label=_("Alle"), widget=_TIME)
    description = forms.CharField(label=_("Descrizione"), widget=_SHORT_TEXTAREA, required=False)


class SessionForm(AccessibleForm):
    date = forms.DateField(label=_("Data"), widget=_DATE)
    attendance = forms.IntegerField(label=_("Presenze"), min_value=0)
    volunteers = forms.CharField(
        label=_("Volontari in servizio"),
        max_length=300,
        required=False,
        help_text=_("I nomi di chi era in servizio, separati da virgole."),
    )
    outcome = forms.CharField(
        label=_("Com'è andata (in breve)"), max_length=500, widget=_SHORT_TEXTAREA, required=False
    )


class EventForm(AccessibleForm):
    title = forms.CharField(label=_("Titolo"), max_length=150)
    kind = forms.ChoiceField(label=_("Tipo"), choices=EventKind.choices)
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"), queryset=Neighbourhood.objects.all()
    )
    starts_at = forms.DateTimeField(label=_("Inizio"), widget=_DATETIME)
    place = forms.CharField(label=_("Luogo"), max_length=200)
    capacity = forms.IntegerField(label=_("Posti"), min_value=1, required=False)
    description = forms.CharField(label=_("Descrizione"), widget=_TEXTAREA, required=False)


class AttendanceForm(AccessibleForm):
    attendance = forms.IntegerField(
        label=_("Presenti in totale"), min_value=0, help_text=_("Iscritti e non iscritti.")
    )


class ProposalForm(AccessibleForm):
    title = forms.CharField(label=_("Titolo della proposta"), max_length=150)
    text = forms.CharField(label=_("La tua proposta"), widget=_TEXTAREA)


class ProposalAnswerForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Esito"),
        choices=[c for c in ProposalStatus.choices if c[0] != ProposalStatus.SUBMITTED],
    )
    answer = forms.CharField(label=_("Risposta ufficiale"), widget=_SHORT_TEXTAREA, required=False)


class DecisionsForm(AccessibleForm):
    decisions = forms.CharField(label=_("Decisioni prese"), widget=_TEXTAREA)
