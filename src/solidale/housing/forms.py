"""Forms of the housing area. They only parse input: the services decide and save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.cases.models import Case
from solidale.cases.permissions import cases_visible_to
from solidale.people.forms import AccessibleForm
from solidale.people.models import Household, HouseholdMember, Person

from .models import (
    FACT_FIELDS,
    AccessOutcome,
    ArrearsCause,
    Call,
    EventKind,
    GrantKind,
    LeaseKind,
    NoteKind,
    PlacementCause,
    Risk,
    RuleScope,
    RuleSet,
    Situation,
    TemporaryUnit,
    UnitKind,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _money(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=10, decimal_places=2, localize=True
    )


class MemberChoiceField(forms.ModelChoiceField):
    """A person shown with the household they belong to, so the operator picks the right one."""

    def label_from_instance(self, obj: Any) -> str:
        households = [m.household.name for m in obj.current_memberships]
        return f"{obj} ({', '.join(households)})" if households else str(obj)


class HouseholdChoiceForm(AccessibleForm):
    """Pick a household the user's organization sees, and its reference person."""

    household = forms.ModelChoiceField(
        label=_("Nucleo familiare"), queryset=Household.objects.none()
    )
    person = MemberChoiceField(label=_("Persona di riferimento"), queryset=Person.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = Person.objects.visible_to(user)
        members = HouseholdMember.objects.filter(end_date__isnull=True, person__in=visible)
        self.fields["household"].queryset = Household.objects.filter(  # type: ignore[attr-defined]
            pk__in=members.values("household_id")
        )
        self.fields["person"].queryset = visible.filter(  # type: ignore[attr-defined]
            pk__in=members.values("person_id")
        ).prefetch_related(
            Prefetch(
                "household_memberships",
                queryset=HouseholdMember.objects.filter(end_date__isnull=True).select_related(
                    "household"
                ),
                to_attr="current_memberships",
            )
        )


class HousingCaseForm(HouseholdChoiceForm):
    situation = forms.ChoiceField(label=_("Situazione"), choices=Situation.choices)
    risk = forms.ChoiceField(label=_("Livello di rischio"), choices=Risk.choices)
    landlord = forms.CharField(label=_("Proprietario"), max_length=200, required=False)
    landlord_contact = forms.CharField(
        label=_("Recapito del proprietario"), max_length=200, required=False
    )
    lease_kind = forms.ChoiceField(label=_("Contratto"), choices=LeaseKind.choices, required=False)
    lease_registered = forms.BooleanField(label=_("Contratto registrato"), required=False)
    monthly_rent = _money(_("Canone mensile (€)"))
    arrears = _money(_("Morosità accumulata (€)"))
    annual_income = _money(_("Reddito annuo (€)"))
    isee = _money(_("ISEE (€)"))
    social_case = forms.ModelChoiceField(
        label=_("Cartella sociale collegata"), queryset=Case.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Note"), widget=_TEXTAREA, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["social_case"].queryset = cases_visible_to(user).filter(  # type: ignore[attr-defined]
            status="open"
        )


class EventForm(AccessibleForm):
    prefix = "event"
    kind = forms.ChoiceField(label=_("Fase"), choices=EventKind.choices)
    on = forms.DateField(label=_("Data"), widget=_DATE)
    outcome = forms.ChoiceField(
        label=_("Esito (solo accessi già avvenuti)"), choices=AccessOutcome.choices, required=False
    )
    note = forms.CharField(label=_("Nota"), max_length=300, required=False)


class OutcomeForm(AccessibleForm):
    prefix = "outcome"
    outcome = forms.ChoiceField(
        label=_("Esito dell'accesso"),
        choices=[c for c in AccessOutcome.choices if c[0]],
    )
    next_access_on = forms.DateField(
        label=_("Nuovo accesso (se rinviato)"), widget=_DATE, required=False
    )
    note = forms.CharField(label=_("Nota"), max_length=300, required=False)


class PlanForm(AccessibleForm):
    prefix = "plan"
    plan = forms.CharField(label=_("Progetto abitativo concordato"), widget=_TEXTAREA)
    agreed_on = forms.DateField(label=_("Concordato il"), widget=_DATE, initial=timezone.localdate)


class ReferForm(AccessibleForm):
    prefix = "refer"
    agency = forms.ModelChoiceField(
        label=_("Ente gestore"),
        queryset=Organization.objects.filter(kind=Organization.Kind.ERP, is_active=True),
    )


class NoteForm(AccessibleForm):
    prefix = "note"
    kind = forms.ChoiceField(label=_("Tipo"), choices=NoteKind.choices)
    text = forms.CharField(label=_("Testo"), widget=_TEXTAREA)
    due_on = forms.DateField(label=_("Entro il (attività)"), widget=_DATE, required=False)


class CloseForm(AccessibleForm):
    prefix = "close"
    notes = forms.CharField(label=_("Esito del caso"), widget=_TEXTAREA)


class CallForm(AccessibleForm):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    opens_on = forms.DateField(label=_("Apertura"), widget=_DATE)
    closes_on = forms.DateField(label=_("Chiusura"), widget=_DATE)
    ruleset = forms.ModelChoiceField(
        label=_("Tabella di regole"), queryset=RuleSet.objects.filter(scope=RuleScope.ERP)
    )
    agency = forms.ModelChoiceField(
        label=_("Ente gestore"),
        queryset=Organization.objects.filter(kind=Organization.Kind.ERP, is_active=True),
    )
    appeal_days = forms.IntegerField(
        label=_("Giorni per le opposizioni"), min_value=0, max_value=120, initial=30
    )


class ApplicationFactsForm(AccessibleForm):
    household_size = forms.IntegerField(label=_("Componenti del nucleo"), min_value=1, max_value=30)
    minors = forms.IntegerField(label=_("Minori"), min_value=0, max_value=30, initial=0)
    over_65 = forms.IntegerField(
        label=_("Ultrasessantacinquenni"), min_value=0, max_value=30, initial=0
    )
    isee = _money(_("ISEE (€)"), required=True)
    real_estate_assets = _money(_("Patrimonio immobiliare (€)"), required=True)
    movable_assets = _money(_("Patrimonio mobiliare (€)"), required=True)
    owns_suitable_dwelling = forms.BooleanField(
        label=_("Titolare di un alloggio adeguato entro 50 km"), required=False
    )
    serious_conviction = forms.BooleanField(
        label=_("Condanna definitiva per reati gravi"), required=False
    )
    residence_years = forms.IntegerField(
        label=_("Anni di residenza o lavoro in Toscana"), min_value=0, max_value=120
    )
    waiting_list_years = forms.IntegerField(
        label=_("Anni di presenza in graduatoria"), min_value=0, max_value=60, initial=0
    )

    def __init__(self, *args: Any, ruleset: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declarable = [
            rule for rule in ruleset.definition["points"] if rule["when"].get("declared")
        ]
        for rule in self.declarable:
            self.fields[f"doc_{rule['code']}"] = forms.CharField(
                label=f"{rule['code']} — {rule['description']} (+{rule['points']})",
                help_text=_("Documento: %(doc)s. Lascia vuoto se la condizione non c'è.")
                % {"doc": rule["document"]},
                max_length=200,
                required=False,
            )
        self.style_widgets()

    def facts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FACT_FIELDS}

    def conditions(self) -> list[tuple[str, str]]:
        return [
            (rule["code"], self.cleaned_data[f"doc_{rule['code']}"])
            for rule in self.declarable
            if self.cleaned_data.get(f"doc_{rule['code']}")
        ]


class ApplicationForm(HouseholdChoiceForm, ApplicationFactsForm):
    submitted_on = forms.DateField(
        label=_("Presentata il"), widget=_DATE, initial=timezone.localdate
    )

    def __init__(self, *args: Any, user: Any, ruleset: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, user=user, ruleset=ruleset, **kwargs)
        self.fields["person"].label = _("Richiedente")


class PublishForm(AccessibleForm):
    prefix = "publish"
    published_on = forms.DateField(
        label=_("Pubblicata all'albo il"), widget=_DATE, initial=timezone.localdate
    )


class AppealForm(AccessibleForm):
    prefix = "appeal"
    filed_on = forms.DateField(label=_("Presentata il"), widget=_DATE, initial=timezone.localdate)
    grounds = forms.CharField(label=_("Motivi"), widget=_TEXTAREA)
    code = forms.CharField(
        label=_("Condizione richiesta (codice)"),
        max_length=20,
        required=False,
        help_text=_("Es. b-1; lascia vuoto se l'opposizione non chiede punti."),
    )
    document = forms.CharField(label=_("Documento"), max_length=200, required=False)

    def conditions(self) -> list[tuple[str, str]]:
        code = self.cleaned_data.get("code", "").strip()
        return [(code, self.cleaned_data.get("document", ""))] if code else []


class DecisionForm(AccessibleForm):
    prefix = "decision"
    accept = forms.TypedChoiceField(
        label=_("Decisione"),
        choices=[("1", _("Accolta")), ("0", _("Respinta"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Motivazione"), widget=_TEXTAREA)


class OfferForm(AccessibleForm):
    call = forms.ModelChoiceField(label=_("Graduatoria del bando"), queryset=Call.objects.none())
    code = forms.CharField(label=_("Codice alloggio"), max_length=30)
    address = forms.CharField(label=_("Indirizzo"), max_length=200)
    rooms = forms.IntegerField(label=_("Vani"), min_value=1, max_value=20)
    floor_area = forms.IntegerField(label=_("Superficie utile (m²)"), min_value=1, max_value=1000)
    notes = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, calls: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls  # type: ignore[attr-defined]


class AllocationDecisionForm(AccessibleForm):
    prefix = "allocation"
    accepted = forms.TypedChoiceField(
        label=_("Risposta del nucleo"),
        choices=[("1", _("Accetta l'alloggio")), ("0", _("Rifiuta"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=_("Motivo del rifiuto"), max_length=300, required=False)


class UnitForm(AccessibleForm):
    name = forms.CharField(label=_("Nome"), max_length=120)
    kind = forms.ChoiceField(label=_("Tipo"), choices=UnitKind.choices)
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Posti"), min_value=1, max_value=30, initial=4)


class PlacementForm(AccessibleForm):
    unit = forms.ModelChoiceField(label=_("Unità"), queryset=TemporaryUnit.objects.none())
    household = forms.ModelChoiceField(label=_("Nucleo"), queryset=Household.objects.none())
    cause = forms.ChoiceField(label=_("Causa"), choices=PlacementCause.choices)
    starts_on = forms.DateField(label=_("Ingresso"), widget=_DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Uscita prevista"), widget=_DATE)

    def __init__(self, *args: Any, units: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        members = HouseholdMember.objects.filter(
            end_date__isnull=True, person__in=Person.objects.visible_to(user)
        )
        self.fields["household"].queryset = Household.objects.filter(  # type: ignore[attr-defined]
            pk__in=members.values("household_id")
        )


class ExtendForm(AccessibleForm):
    prefix = "extend"
    ends_on = forms.DateField(label=_("Nuova uscita prevista"), widget=_DATE)


class PlacementCloseForm(AccessibleForm):
    prefix = "close"
    closed_on = forms.DateField(label=_("Uscita il"), widget=_DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Esito"), max_length=300)


class GrantForm(HouseholdChoiceForm):
    kind = forms.ChoiceField(label=_("Contributo"), choices=GrantKind.choices)
    year = forms.IntegerField(label=_("Anno"), min_value=2000, max_value=2100)
    isee = _money(_("ISEE (€)"), required=True)
    annual_income = _money(_("Reddito annuo del nucleo (€)"), required=True)
    annual_rent = _money(_("Canone annuo (€)"), required=True)
    arrears = _money(_("Morosità (€)"))
    arrears_cause = forms.ChoiceField(
        label=_("Causa della morosità"), choices=ArrearsCause.choices, required=False
    )
    lease_registered = forms.BooleanField(label=_("Contratto registrato"), required=False)
    eviction_for_arrears = forms.BooleanField(
        label=_("Sfratto per morosità in corso"), required=False
    )
    member_over_70 = forms.BooleanField(label=_("Componente ultrasettantenne"), required=False)
    member_invalid = forms.BooleanField(
        label=_("Componente invalido almeno al 74%"), required=False
    )
    member_minor = forms.BooleanField(label=_("Componente minorenne"), required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=40, required=False)
    deadline = forms.DateField(label=_("Scadenza"), widget=_DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].label = _("Richiedente")
        self.fields["year"].initial = timezone.localdate().year

    def data_for_service(self) -> dict[str, Any]:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("household", "person", "kind", "year")
        }
        data["arrears"] = data.get("arrears") or Decimal(0)
        return data


class RulesetUploadForm(AccessibleForm):
    file = forms.FileField(
        label=_("File JSON della tabella"),
        help_text=_(
            "Una nuova versione o una variante comunale: codice, versione, requisiti, punti."
        ),
    )
