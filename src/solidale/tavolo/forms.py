"""Forms of the coordination table. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization, User
from solidale.core.models import Neighbourhood
from solidale.network.models import NeedCategory
from solidale.people.forms import AccessibleForm

from .models import ActionStatus, Need, NeedStatus, PledgeStatus, Urgency

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})
_ANY = [("", _("Tutti"))]


class MeetingForm(AccessibleForm):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Inizio"), widget=_DATETIME)
    ends_at = forms.DateTimeField(label=_("Fine prevista"), widget=_DATETIME, required=False)
    place = forms.CharField(label=_("Luogo"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Collegamento online"), required=False, assume_scheme="https"
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizzazioni invitate"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Tieni premuto Ctrl (o Cmd) per sceglierne più d'una."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = Organization.objects.exclude(  # type: ignore[attr-defined]
            pk=organization_id
        ).order_by("name")


class InviteForm(AccessibleForm):
    prefix = "invite"

    organization = forms.ModelChoiceField(
        label=_("Organizzazione da invitare"), queryset=Organization.objects.none()
    )

    def __init__(self, *args: Any, exclude: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.exclude(  # type: ignore[attr-defined]
            pk__in=exclude
        ).order_by("name")


class AttendeeForm(AccessibleForm):
    prefix = "attendee"

    organization = forms.ModelChoiceField(
        label=_("Per l'organizzazione"), queryset=Organization.objects.none()
    )
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    role = forms.CharField(label=_("Ruolo"), max_length=100, required=False)

    def __init__(self, *args: Any, organization_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=organization_ids
        ).order_by("name")


class AgendaItemForm(AccessibleForm):
    prefix = "agenda"

    title = forms.CharField(label=_("Nuovo punto all'ordine del giorno"), max_length=200)
    description = forms.CharField(label=_("Descrizione"), widget=_TEXTAREA, required=False)


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Verbale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class DecisionForm(AccessibleForm):
    text = forms.CharField(label=_("Decisione"), widget=_TEXTAREA)
    vote_note = forms.CharField(
        label=_("Voto o consenso"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: all'unanimità; 7 favorevoli, 1 astenuto."),
    )


class ActionForm(AccessibleForm):
    title = forms.CharField(label=_("Che cosa va fatto"), max_length=200)
    description = forms.CharField(label=_("Dettagli"), widget=_TEXTAREA, required=False)
    owner_organization = forms.ModelChoiceField(
        label=_("Organizzazione responsabile"), queryset=Organization.objects.none()
    )
    owner = forms.ModelChoiceField(
        label=_("Persona responsabile"), queryset=User.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Scadenza"), widget=_DATE)
    needs = forms.ModelMultipleChoiceField(
        label=_("Bisogni della bacheca affrontati"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    referrals = forms.CharField(
        label=_("Numeri degli invii collegati"),
        required=False,
        max_length=200,
        help_text=_("Separati da virgole; solo invii della tua organizzazione."),
    )

    def __init__(self, *args: Any, organization_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=organization_ids
        ).order_by("name")
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                memberships__organization_id__in=organization_ids,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["owner"].label_from_instance = lambda user: user.full_name or user.email  # type: ignore[attr-defined]
        self.fields["needs"].queryset = Need.objects.filter(  # type: ignore[attr-defined]
            status__in=(NeedStatus.OPEN, NeedStatus.PARTIALLY_MET)
        ).order_by("-created_at")

    def clean_referrals(self) -> list[int]:
        raw = self.cleaned_data["referrals"]
        numbers = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if not all(number.isdigit() for number in numbers):
            raise forms.ValidationError(_("Scrivi solo numeri di invio separati da virgole."))
        return [int(number) for number in numbers]


class ProgressForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Stato"), choices=ActionStatus.choices)
    note = forms.CharField(label=_("Nota sull'avanzamento"), widget=_TEXTAREA, required=False)


class ActionFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Stato"), choices=_ANY + list(ActionStatus.choices), required=False
    )
    overdue = forms.BooleanField(label=_("Solo in ritardo"), required=False)
    mine = forms.BooleanField(label=_("Solo della mia organizzazione"), required=False)


PERSONAL_DATA_WARNING = _(
    "Solo dati aggregati: non scrivere nomi, codici fiscali, telefoni, indirizzi e-mail "
    "o altri dati che permettano di riconoscere una persona."
)


class NeedForm(AccessibleForm):
    count = forms.IntegerField(label=_("Quanti"), min_value=1, max_value=100_000)
    unit = forms.CharField(
        label=_("Unità"), max_length=60, help_text=_("Per esempio: famiglie, persone, pasti.")
    )
    title = forms.CharField(
        label=_("Bisogno"), max_length=150, help_text=_("Per esempio: senza riscaldamento.")
    )
    category = forms.ModelChoiceField(
        label=_("Area di bisogno"), queryset=NeedCategory.objects.filter(is_active=True)
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        empty_label=_("Tutto il Comune"),
    )
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Urgency.choices, initial=Urgency.MEDIUM)
    description = forms.CharField(
        label=_("Descrizione"), widget=_TEXTAREA, required=False, help_text=PERSONAL_DATA_WARNING
    )


class NeedFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Stato"), choices=_ANY + list(NeedStatus.choices), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Area di bisogno"),
        queryset=NeedCategory.objects.all(),
        required=False,
        empty_label=_("Tutte"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        empty_label=_("Tutti"),
    )
    urgency = forms.ChoiceField(
        label=_("Urgenza"), choices=_ANY + list(Urgency.choices), required=False
    )


class PledgeForm(AccessibleForm):
    what = forms.CharField(label=_("Che cosa offri"), max_length=200)
    quantity = forms.IntegerField(
        label=_("Quanto"),
        min_value=1,
        max_value=100_000,
        help_text=_("Nella stessa unità del bisogno."),
    )
    by_date = forms.DateField(label=_("Entro il"), widget=_DATE, required=False)


class PledgeStatusForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Nuovo stato"), choices=PledgeStatus.choices)
