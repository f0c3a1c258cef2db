"""Forms of the cartella sociale pages. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization, User
from solidale.desk.models import Access
from solidale.people.forms import AccessibleForm
from solidale.people.models import Household

from .models import (
    SCORE_MAX,
    SCORE_MIN,
    ActionStatus,
    Case,
    CaseArea,
    CaseOutcome,
    Character,
    InterventionType,
    LifeDomain,
    NoteKind,
    PlanGoal,
    PlanStage,
    TeamRole,
    Unit,
)
from .permissions import CASE_ROLES, TEAM_ROLES

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _case_staff(organization_id: int) -> Any:
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=CASE_ROLES,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class CaseOpenForm(AccessibleForm):
    area = forms.ChoiceField(label=_("Area"), choices=CaseArea.choices)
    responsible = UserChoiceField(
        label=_("Assistente sociale responsabile"), queryset=User.objects.none()
    )
    opening_reason = forms.CharField(label=_("Motivo della presa in carico"), widget=_TEXTAREA)
    household = forms.ModelChoiceField(
        label=_("Prendi in carico anche il nucleo familiare"),
        queryset=Household.objects.none(),
        required=False,
    )
    accesses = forms.ModelMultipleChoiceField(
        label=_("Accessi collegati"),
        queryset=Access.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, organization_id: int, households: Any, accesses: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _case_staff(organization_id)  # type: ignore[attr-defined]
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["accesses"].queryset = accesses  # type: ignore[attr-defined]
        self.fields["accesses"].widget.attrs["class"] = "form-check-input"


class MemberAddForm(AccessibleForm):
    user = UserChoiceField(label=_("Operatore"), queryset=User.objects.none())
    organization = forms.ModelChoiceField(
        label=_("Per l'organizzazione"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("Se l'operatore lavora per più organizzazioni."),
    )
    role = forms.ChoiceField(
        label=_("Ruolo nella cartella"),
        choices=[(v, label) for v, label in TeamRole.choices if v != TeamRole.RESPONSIBLE],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True, memberships__is_active=True, memberships__role__in=TEAM_ROLES
            )
            .distinct()
            .order_by("full_name")
        )


class ResponsibleForm(AccessibleForm):
    responsible = UserChoiceField(
        label=_("Nuovo assistente sociale responsabile"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _case_staff(organization_id)  # type: ignore[attr-defined]


class CloseForm(AccessibleForm):
    outcome = forms.ChoiceField(label=_("Esito"), choices=CaseOutcome.choices)
    notes = forms.CharField(label=_("Valutazione finale"), widget=_TEXTAREA, required=False)


class ReopenForm(AccessibleForm):
    reason = forms.CharField(label=_("Motivo della riapertura"), widget=_TEXTAREA)


class AssessmentForm(AccessibleForm):
    """One score (1 to 5, or not assessed) and a note per life domain."""

    assessed_on = forms.DateField(label=_("Data della valutazione"), widget=_DATE)
    summary = forms.CharField(label=_("Sintesi"), widget=_TEXTAREA, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("non valutato"))] + [
            (str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)
        ]
        self.domains = list(LifeDomain.objects.all())
        for domain in self.domains:
            self.fields[f"score_{domain.code}"] = forms.ChoiceField(
                label=_("%(domain)s: punteggio (1 = molto critico, 5 = buono)")
                % {"domain": domain.name},
                choices=choices,
                required=False,
            )
            self.fields[f"notes_{domain.code}"] = forms.CharField(
                label=_("%(domain)s: note") % {"domain": domain.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.style_widgets()

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {
            domain.code: (int(data[f"score_{domain.code}"]), data[f"notes_{domain.code}"])
            for domain in self.domains
            if data.get(f"score_{domain.code}")
        }


class PlanForm(AccessibleForm):
    stage = forms.ChoiceField(label=_("Fase (GePI)"), choices=PlanStage.choices)
    preliminary_analysis = forms.CharField(
        label=_("Analisi preliminare"), widget=_TEXTAREA, required=False
    )
    framework = forms.CharField(label=_("Quadro di analisi"), widget=_TEXTAREA, required=False)
    pact_signed_on = forms.DateField(label=_("Patto sottoscritto il"), widget=_DATE, required=False)
    review_on = forms.DateField(label=_("Data di verifica"), widget=_DATE, required=False)


class GoalForm(AccessibleForm):
    title = forms.CharField(label=_("Obiettivo"), max_length=200)
    domain = forms.ModelChoiceField(
        label=_("Ambito di vita"), queryset=LifeDomain.objects.all(), required=False
    )
    target_on = forms.DateField(label=_("Entro il"), widget=_DATE, required=False)


class ActionForm(AccessibleForm):
    goal = forms.ModelChoiceField(label=_("Obiettivo"), queryset=PlanGoal.objects.none())
    title = forms.CharField(label=_("Azione"), max_length=200)
    owner_organization = forms.ModelChoiceField(
        label=_("Chi la svolge"), queryset=Organization.objects.filter(is_active=True)
    )
    owner_user = UserChoiceField(
        label=_("Operatore"),
        queryset=User.objects.filter(is_active=True, is_citizen=False).order_by("full_name"),
        required=False,
    )
    due_on = forms.DateField(label=_("Scadenza"), widget=_DATE, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = PlanGoal.objects.filter(plan__case=case)  # type: ignore[attr-defined]


class ProgressForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Stato"), choices=ActionStatus.choices)
    progress = forms.IntegerField(label=_("Avanzamento (%)"), min_value=0, max_value=100)


class InterventionForm(AccessibleForm):
    type = forms.ModelChoiceField(
        label=_("Prestazione (codice SIUSS)"),
        queryset=InterventionType.objects.filter(is_active=True),
    )
    provider = forms.ModelChoiceField(
        label=_("Ente erogatore"), queryset=Organization.objects.filter(is_active=True)
    )
    start_on = forms.DateField(label=_("Inizio"), widget=_DATE)
    end_on = forms.DateField(label=_("Fine"), widget=_DATE, required=False)
    quantity = forms.DecimalField(label=_("Quantità"), required=False, decimal_places=2)
    unit = forms.ChoiceField(label=_("Unità"), choices=[("", "—"), *Unit.choices], required=False)
    amount = forms.CharField(
        label=_("Importo (€)"),
        required=False,
        help_text=_("Per le prestazioni economiche. Oltre la soglia serve l'approvazione."),
    )
    character = forms.ChoiceField(
        label=_("Carattere"),
        choices=[("", _("quello abituale")), *Character.choices],
        required=False,
    )
    notes = forms.CharField(label=_("Note"), widget=_TEXTAREA, required=False)

    def clean_amount(self) -> str:
        return str(self.cleaned_data["amount"]).strip().replace(",", ".")


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("Decisione"), choices=[("approve", _("approva")), ("refuse", _("respingi"))]
    )
    notes = forms.CharField(label=_("Motivazione"), widget=_TEXTAREA, required=False)


class InterventionStatusForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Nuovo stato"), choices=[("active", _("avvia")), ("ended", _("concludi"))]
    )


class ProvisionForm(AccessibleForm):
    provided_on = forms.DateField(label=_("Data dell'erogazione"), widget=_DATE)
    amount = forms.CharField(label=_("Importo (€)"))
    reference = forms.CharField(label=_("Riferimento (mandato, protocollo)"), required=False)

    def clean_amount(self) -> str:
        return str(self.cleaned_data["amount"]).strip().replace(",", ".")


class NoteForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Tipo"), choices=NoteKind.choices)
    text = forms.CharField(label=_("Testo"), widget=forms.Textarea(attrs={"rows": 5}))
    reserved = forms.BooleanField(
        label=_("Riservata: visibile solo a me e all'équipe della cartella"), required=False
    )


class DocumentForm(AccessibleForm):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG, PNG, ODT o DOCX, al massimo 10 MB.")
    )


class FollowUpForm(AccessibleForm):
    title = forms.CharField(label=_("Cosa fare"), max_length=200)
    due_on = forms.DateField(label=_("Entro il"), widget=_DATE)
    assigned_to = UserChoiceField(label=_("A chi"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=case.members.current().values("user_id")
        ).order_by("full_name")
