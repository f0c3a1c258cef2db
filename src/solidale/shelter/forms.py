"""Forms of the cold emergency. They only parse input: the services decide and save."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.food.models import Warehouse
from solidale.people.forms import AccessibleForm
from solidale.people.models import Person

from .models import (
    Answer,
    Bed,
    BedRequest,
    Condition,
    Facility,
    FacilityKind,
    FollowUpOutcome,
    Guest,
    OutreachGood,
    Stay,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class SeasonForm(AccessibleForm):
    name = forms.CharField(label=_("Nome del piano"), max_length=120)
    starts_on = forms.DateField(label=_("Inizio della finestra"), widget=_DATE)
    ends_on = forms.DateField(label=_("Fine della finestra"), widget=_DATE)
    min_temperature = forms.DecimalField(
        label=_("Soglia di temperatura minima (°C)"), max_digits=4, decimal_places=1
    )
    apparent_temperature = forms.DecimalField(
        label=_("Soglia di temperatura percepita (°C)"),
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("Freddo percepito con il vento; lascia vuoto per non usarla."),
    )
    consecutive_nights = forms.IntegerField(label=_("Notti consecutive"), min_value=1, max_value=7)
    no_show_release_at = forms.TimeField(
        label=_("Ora di rilascio dei posti non occupati"), widget=_TIME
    )
    facilities = forms.ModelMultipleChoiceField(
        label=_("Strutture aperte"), queryset=Facility.objects.all(), required=False
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizzazioni di turno"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )
    contacts = forms.CharField(label=_("Contatti"), widget=_TEXTAREA, required=False)


class ActivationOpenForm(AccessibleForm):
    starts_on = forms.DateField(label=_("Prima notte"), widget=_DATE)
    ends_on = forms.DateField(label=_("Ultima notte"), widget=_DATE)
    ordinance = forms.CharField(
        label=_("Riferimento dell'ordinanza"), max_length=120, required=False
    )
    reason = forms.CharField(label=_("Motivazione"), widget=_TEXTAREA, required=False)
    opens_surge_beds = forms.BooleanField(label=_("Apre i posti di emergenza"), required=False)


class ActivationApproveForm(AccessibleForm):
    opens_surge_beds = forms.BooleanField(label=_("Apre i posti di emergenza"), required=False)


class ActivationExtendForm(AccessibleForm):
    ends_on = forms.DateField(label=_("Nuova ultima notte"), widget=_DATE)


class FacilityForm(AccessibleForm):
    name = forms.CharField(label=_("Nome"), max_length=120)
    kind = forms.ChoiceField(label=_("Tipo"), choices=FacilityKind.choices)
    organization = forms.ModelChoiceField(
        label=_("Ente gestore"), queryset=Organization.objects.filter(is_active=True)
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=200)
    opening_times = forms.CharField(label=_("Orari"), max_length=200, required=False)
    rules = forms.CharField(label=_("Regole"), widget=_TEXTAREA, required=False)
    latitude = forms.FloatField(label=_("Latitudine"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitudine"), required=False, min_value=-180, max_value=180
    )


class BedsForm(AccessibleForm):
    count = forms.IntegerField(label=_("Quanti posti"), min_value=1, max_value=200, initial=1)
    name_prefix = forms.CharField(
        label=_("Prefisso dei nomi"),
        max_length=8,
        required=False,
        initial="L",
        help_text=_("I posti si chiamano prefisso + numero (L1, L2…)."),
    )
    for_men = forms.BooleanField(label=_("Uomini"), required=False)
    for_women = forms.BooleanField(label=_("Donne"), required=False)
    for_families = forms.BooleanField(label=_("Famiglie"), required=False)
    accessible = forms.BooleanField(label=_("Accessibile"), required=False)
    pets_allowed = forms.BooleanField(label=_("Animali ammessi"), required=False)
    surge_only = forms.BooleanField(label=_("Solo in emergenza"), required=False)


def guests_choices_for(user: Any) -> Any:
    """The homeless persons the user's organization may see, for the person fields."""
    return (
        Person.objects.visible_to(user).filter(homeless=True).order_by("family_name", "given_name")
    )


class _PersonOrAlias(AccessibleForm):
    person = forms.ModelChoiceField(
        label=_("Persona registrata"), queryset=Person.objects.none(), required=False
    )
    alias = forms.CharField(
        label=_("Nome d'uso o soprannome"),
        max_length=60,
        required=False,
        help_text=_("Per chi non è ancora identificato."),
    )
    description = forms.CharField(label=_("Descrizione"), max_length=200, required=False)
    guest = forms.ChoiceField(label=_("Ospite"), choices=Guest.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", guests_choices_for(user))


class AssignForm(_PersonOrAlias):
    bed = forms.ModelChoiceField(label=_("Posto"), queryset=Bed.objects.none())
    request = forms.ModelChoiceField(
        queryset=BedRequest.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, beds: Any, requests: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "bed", beds)
        _set_queryset(self, "request", requests)


class _StayChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.choice_label)


class TransferForm(AccessibleForm):
    stay = _StayChoice(label=_("Ospite"), queryset=Stay.objects.none())
    bed = forms.ModelChoiceField(label=_("Nuovo posto"), queryset=Bed.objects.none())

    def __init__(self, *args: Any, stays: Any, beds: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transfer_%s")
        super().__init__(*args, **kwargs)
        _set_queryset(self, "stay", stays.select_related("bed__facility", "person"))
        _set_queryset(self, "bed", beds)


class IdentifyForm(AccessibleForm):
    stay = _StayChoice(label=_("Ospite"), queryset=Stay.objects.none())
    person = forms.ModelChoiceField(label=_("Persona registrata"), queryset=Person.objects.none())

    def __init__(self, *args: Any, user: Any, stays: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "identify_%s")
        super().__init__(*args, **kwargs)
        _set_queryset(self, "stay", stays.select_related("bed__facility", "person"))
        _set_queryset(
            self, "person", Person.objects.visible_to(user).order_by("family_name", "given_name")
        )


class BedRequestForm(_PersonOrAlias):
    needs_accessible = forms.BooleanField(label=_("Serve un posto accessibile"), required=False)
    with_pet = forms.BooleanField(label=_("Con un animale"), required=False)


class RoundForm(AccessibleForm):
    team = forms.CharField(label=_("Squadra"), max_length=200, help_text=_("Chi esce stasera."))
    vehicle = forms.CharField(label=_("Mezzo"), max_length=60, required=False)
    area = forms.CharField(label=_("Zona"), max_length=120)
    warehouse = forms.ModelChoiceField(
        label=_("Magazzino da cui attingere"),
        queryset=Warehouse.objects.none(),
        required=False,
        help_text=_("I beni dati si scaricano dalle scorte di questo magazzino."),
    )

    def __init__(self, *args: Any, organization_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.filter(organization_id=organization_id or 0)
        if warehouses.exists():
            _set_queryset(self, "warehouse", warehouses)
        else:
            del self.fields["warehouse"]


NO_POSITION = _("Manca la posizione: usa il GPS del telefono o tocca la mappa.")


class EncounterForm(AccessibleForm):
    """Logged in seconds from a phone; the key makes a resent form harmless."""

    key = forms.UUIDField(widget=forms.HiddenInput)
    met_at = forms.DateTimeField(
        label=_("Ora"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    latitude = forms.FloatField(
        label=_("Latitudine"),
        widget=forms.NumberInput(attrs={"step": "any"}),
        error_messages={"required": NO_POSITION},
    )
    longitude = forms.FloatField(
        label=_("Longitudine"),
        widget=forms.NumberInput(attrs={"step": "any"}),
        error_messages={"required": NO_POSITION},
    )
    person = forms.ModelChoiceField(
        label=_("Persona registrata"), queryset=Person.objects.none(), required=False
    )
    alias = forms.CharField(label=_("Nome d'uso o soprannome"), max_length=60, required=False)
    description = forms.CharField(
        label=_("Descrizione"),
        max_length=200,
        required=False,
        help_text=_("Se non conosci il nome: aspetto, abiti, età apparente."),
    )
    conditions = forms.MultipleChoiceField(
        label=_("Condizioni"),
        choices=Condition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offered_bed = forms.BooleanField(label=_("Offerto un posto letto"), required=False)
    offered_referral = forms.BooleanField(label=_("Offerto un invio ai servizi"), required=False)
    answer = forms.ChoiceField(
        label=_("Risposta"), choices=Answer.choices, required=False, widget=forms.RadioSelect
    )
    guest = forms.ChoiceField(label=_("Il posto è per"), choices=Guest.choices, required=False)
    health_alert = forms.BooleanField(label=_("Allertato il 112/118"), required=False)
    notes = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, user: Any, goods: list[OutreachGood], with_persons: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"key": uuid.uuid4(), "met_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        )
        super().__init__(*args, **kwargs)
        if with_persons:
            _set_queryset(self, "person", guests_choices_for(user))
        else:
            del self.fields["person"]
        self.goods = goods
        for good in goods:
            self.fields[f"good_{good.pk}"] = forms.IntegerField(
                label=f"{good.name} ({good.unit})",
                min_value=0,
                max_value=50,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.style_widgets()
        for name in ("conditions", "answer"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def good_fields(self) -> list[Any]:
        return [self[f"good_{good.pk}"] for good in self.goods]

    def given(self) -> dict[OutreachGood, int]:
        return {
            good: self.cleaned_data[f"good_{good.pk}"]
            for good in self.goods
            if self.cleaned_data.get(f"good_{good.pk}")
        }


class FollowUpCloseForm(AccessibleForm):
    outcome = forms.ChoiceField(label=_("Esito"), choices=[("", "—"), *FollowUpOutcome.choices])
    note = forms.CharField(label=_("Nota sull'esito"), max_length=300, required=False)
