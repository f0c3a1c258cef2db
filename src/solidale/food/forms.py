"""Forms of food support. They only parse input: the services decide and save."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from solidale.core.models import Neighbourhood
from solidale.people.forms import AccessibleForm
from solidale.people.models import Household, Person, Sex

from .models import (
    AgeBand,
    AnonymousDistribution,
    Card,
    Distribution,
    DistributionPoint,
    Item,
    ItemCategory,
    Lot,
    NutritionalGroup,
    Program,
    ProgramKind,
    Source,
    Warehouse,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_TEXTAREA = forms.Textarea(attrs={"rows": 2})
ENTITLEMENT_RE = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")


class ProgramForm(AccessibleForm):
    name = forms.CharField(label=_("Nome"), max_length=150)
    kind = forms.ChoiceField(label=_("Tipo"), choices=ProgramKind.choices)
    isee_ceiling = forms.DecimalField(
        label=_("Soglia ISEE (€)"), required=False, min_value=0, decimal_places=2
    )
    min_household_size = forms.IntegerField(label=_("Componenti minimi"), min_value=1, initial=1)
    max_household_size = forms.IntegerField(
        label=_("Componenti massimi"), min_value=1, required=False
    )
    residence_municipality = forms.CharField(
        label=_("Residenza richiesta nel comune di"), max_length=100, required=False
    )
    validity_months = forms.IntegerField(
        label=_("Validità della tessera (mesi)"), min_value=1, max_value=24, initial=3
    )
    entitlements = forms.CharField(
        label=_("Diritto mensile per componenti"),
        initial="1:1, 4:2",
        help_text=_(
            "«da componenti:quantità» separati da virgola; es. «1:1, 4:2» = 1 al mese, 2 dai 4 componenti."
        ),
    )
    max_per_day = forms.IntegerField(label=_("Massimo di ritiri al giorno"), min_value=1, initial=1)
    min_interval_days = forms.IntegerField(
        label=_("Giorni minimi tra due ritiri"), min_value=0, initial=0
    )
    exclusive_group = forms.CharField(
        label=_("Gruppo di esclusione"),
        max_length=40,
        required=False,
        help_text=_("Programmi con lo stesso gruppo si escludono nello stesso mese."),
    )
    presence_required = forms.BooleanField(label=_("Ritiro solo di persona"), required=False)
    points = forms.ModelMultipleChoiceField(
        label=_("Punti di distribuzione"),
        queryset=DistributionPoint.objects.filter(is_active=True).select_related("organization"),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_entitlements(self) -> list[tuple[int, int]]:
        rows = []
        for chunk in self.cleaned_data["entitlements"].split(","):
            match = ENTITLEMENT_RE.match(chunk)
            if not match:
                raise ValidationError(_("Scrivi le righe come «componenti:quantità»."))
            rows.append((int(match[1]), int(match[2])))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_household_size"), data.get("max_household_size")
        if low is not None and high is not None and high < low:
            self.add_error("max_household_size", _("Non può essere minore dei componenti minimi."))
        return data


class ProgramEditForm(ProgramForm):
    """The rules of an existing program; its kind (and unit) stays as created."""

    kind = None  # type: ignore[assignment]

    @classmethod
    def initial_for(cls, program: Program) -> dict[str, Any]:
        rows = program.entitlements.order_by("household_size")
        return {
            **{
                name: getattr(program, name)
                for name in cls.base_fields
                if name not in ("points", "entitlements")
            },
            "entitlements": ", ".join(f"{row.household_size}:{row.quantity}" for row in rows),
            "points": list(program.points.all()),
        }


class HouseholdChoiceField(forms.ModelChoiceField[Household]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.address}" if obj.address else str(obj.name)


class CardForm(AccessibleForm):
    household = HouseholdChoiceField(label=_("Nucleo familiare"), queryset=Household.objects.none())
    holder = forms.ModelChoiceField(
        label=_("Intestatario"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Un componente del nucleo, che ritira per tutti; di norma l'intestatario."),
    )
    isee = forms.DecimalField(label=_("ISEE (€)"), required=False, min_value=0, decimal_places=2)
    delegate_name = forms.CharField(label=_("Delegato al ritiro"), max_length=150, required=False)
    exception_reason = forms.CharField(
        label=_("Motivo della deroga"),
        required=False,
        widget=_TEXTAREA,
        help_text=_("Solo se un requisito non è soddisfatto: la decide l'assistente sociale."),
    )

    def __init__(
        self, *args: Any, households: QuerySet[Household], persons: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["holder"].queryset = persons  # type: ignore[attr-defined]


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Motivo"), widget=_TEXTAREA, max_length=500)


class RenewForm(AccessibleForm):
    isee = forms.DecimalField(label=_("ISEE aggiornato (€)"), required=False, min_value=0)
    exception_reason = forms.CharField(
        label=_("Motivo della deroga"), required=False, widget=_TEXTAREA
    )


class CounterForm(AccessibleForm):
    """Quantity, who collects, the items given (one number field per item in stock)."""

    quantity = forms.IntegerField(label=_("Quantità del diritto"), min_value=1, initial=1)
    collected_by = forms.ChoiceField(
        label=_("Ritira"), choices=Distribution.CollectedBy.choices, initial="holder"
    )
    delegate_name = forms.CharField(label=_("Nome del delegato"), max_length=150, required=False)
    override_reason = forms.CharField(
        label=_("Motivo per procedere comunque"), required=False, widget=_TEXTAREA
    )

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=f"{item.name} ({item.get_unit_display()})",
                required=False,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
        self.style_widgets()

    def item_fields(self) -> list[Any]:
        return [self[f"item_{item.pk}"] for item in self.items]

    def item_lines(self) -> list[tuple[Item, Any]]:
        lines = []
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if value is not None and value != 0:
                lines.append((item, value))
        return lines


class AnonymousForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Cosa"), choices=AnonymousDistribution.Kind.choices)
    count = forms.IntegerField(label=_("Quante"), min_value=1, max_value=500, initial=1)
    age_band = forms.ChoiceField(label=_("Fascia d'età"), choices=AgeBand.choices, required=False)
    sex = forms.ChoiceField(
        label=_("Sesso"), choices=[("", _("non noto")), *Sex.choices], required=False
    )


class DonationForm(AccessibleForm):
    LINES = 5

    donor = forms.CharField(label=_("Donatore"), max_length=150)
    source = forms.ChoiceField(label=_("Fonte"), choices=Source.choices)
    received_on = forms.DateField(label=_("Ricevuta il"), widget=_DATE)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = Item.objects.filter(is_active=True)
        for index in range(1, self.LINES + 1):
            self.fields[f"item_{index}"] = forms.ModelChoiceField(
                label=_("Articolo %(n)s") % {"n": index}, queryset=items, required=False
            )
            self.fields[f"quantity_{index}"] = forms.DecimalField(
                label=_("Quantità %(n)s") % {"n": index}, required=False, decimal_places=2
            )
            self.fields[f"expiry_{index}"] = forms.DateField(
                label=_("Scadenza %(n)s") % {"n": index}, required=False, widget=_DATE
            )
        self.style_widgets()

    def line_rows(self) -> list[list[Any]]:
        return [
            [self[f"item_{i}"], self[f"quantity_{i}"], self[f"expiry_{i}"]]
            for i in range(1, self.LINES + 1)
        ]

    def lines(self) -> list[tuple[Item, Any, Any]]:
        return [
            (
                self.cleaned_data[f"item_{i}"],
                self.cleaned_data[f"quantity_{i}"],
                self.cleaned_data[f"expiry_{i}"],
            )
            for i in range(1, self.LINES + 1)
            if self.cleaned_data.get(f"item_{i}") is not None
        ]


class WasteForm(AccessibleForm):
    prefix = "waste"

    lot = forms.ModelChoiceField(label=_("Lotto"), queryset=Lot.objects.none())
    quantity = forms.DecimalField(label=_("Quantità"), decimal_places=2)
    reason = forms.CharField(
        label=_("Motivo"), max_length=255, help_text=_("Es. scaduto, confezione danneggiata.")
    )

    def __init__(self, *args: Any, warehouse: Warehouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = warehouse.lots.filter(  # type: ignore[attr-defined]
            quantity__gt=0
        ).select_related("item")


class TransferForm(AccessibleForm):
    to_warehouse = forms.ModelChoiceField(
        label=_("Magazzino di destinazione"),
        queryset=Warehouse.objects.select_related("organization"),
    )
    lot = forms.ModelChoiceField(label=_("Lotto"), queryset=Lot.objects.none())
    quantity = forms.DecimalField(label=_("Quantità"), decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, warehouse: Warehouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = warehouse.lots.filter(  # type: ignore[attr-defined]
            quantity__gt=0
        ).select_related("item")


class ReportForm(AccessibleForm):
    start = forms.DateField(label=_("Dal"), widget=_DATE)
    end = forms.DateField(label=_("Al"), widget=_DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La data finale viene dopo quella iniziale."))
        return data


class MealRecipientForm(AccessibleForm):
    card = forms.ModelChoiceField(
        label=_("Tessera pasti a domicilio"), queryset=Card.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Persona"), queryset=Person.objects.none())
    address = forms.CharField(label=_("Indirizzo di consegna"), max_length=200)
    latitude = forms.FloatField(label=_("Latitudine"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitudine"), min_value=-180, max_value=180)
    weekdays = forms.CharField(
        label=_("Giorni di consegna"), initial="12345", help_text=_("1 = lunedì … 7 = domenica.")
    )
    window_start = forms.TimeField(label=_("Consegna dalle"), widget=_TIME, initial="11:30")
    window_end = forms.TimeField(label=_("Consegna entro le"), widget=_TIME, initial="13:30")
    meals = forms.IntegerField(label=_("Pasti per consegna"), min_value=1, max_value=10, initial=1)

    def __init__(
        self, *args: Any, cards: QuerySet[Any], persons: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["card"].queryset = cards  # type: ignore[attr-defined]
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]


class RoundForm(AccessibleForm):
    kitchen = forms.ModelChoiceField(label=_("Cucina"), queryset=DistributionPoint.objects.none())
    day = forms.DateField(label=_("Giorno"), widget=_DATE)
    vehicles = forms.IntegerField(label=_("Mezzi"), min_value=1, max_value=20, initial=2)
    capacity = forms.IntegerField(
        label=_("Pasti per mezzo"), min_value=1, max_value=500, initial=30
    )
    start_time = forms.TimeField(label=_("Partenza"), widget=_TIME, initial="11:00")

    def __init__(self, *args: Any, kitchens: QuerySet[DistributionPoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kitchen"].queryset = kitchens  # type: ignore[attr-defined]


class ItemForm(AccessibleForm):
    name = forms.CharField(label=_("Nome"), max_length=150)
    category = forms.ChoiceField(label=_("Categoria"), choices=ItemCategory.choices)
    unit = forms.ChoiceField(label=_("Unità"), choices=Item.Unit.choices)
    unit_weight_kg = forms.DecimalField(
        label=_("Peso per unità (kg)"), min_value=0, decimal_places=3, initial=1
    )
    nutritional_group = forms.ChoiceField(
        label=_("Gruppo nutrizionale"), choices=NutritionalGroup.choices
    )
    perishable = forms.BooleanField(label=_("Deperibile"), required=False)
    low_stock_threshold = forms.DecimalField(
        label=_("Scorta minima"), min_value=0, decimal_places=2, initial=0
    )


class PointForm(AccessibleForm):
    name = forms.CharField(label=_("Nome"), max_length=150)
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"), queryset=Neighbourhood.objects.all(), required=False
    )
    latitude = forms.FloatField(label=_("Latitudine"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(
        label=_("Longitudine"), min_value=-180, max_value=180, required=False
    )
