"""Forms of the volunteers app. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Membership, Role, User
from solidale.core import duty
from solidale.people.forms import AccessibleForm

from .models import Skill, Volunteer, Weekday

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class VolunteerForm(AccessibleForm):
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    user = forms.ModelChoiceField(
        label=_("Account del volontario"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Per iscriversi ai turni dal telefono: un account con ruolo di volontario."),
    )
    skills = forms.MultipleChoiceField(
        label=_("Competenze"), choices=Skill.choices, required=False, widget=_CHECKBOXES
    )
    languages = forms.CharField(label=_("Lingue parlate"), max_length=200, required=False)
    availability_days = forms.TypedMultipleChoiceField(
        label=_("Giorni di disponibilità"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=_CHECKBOXES,
    )
    availability_notes = forms.CharField(
        label=_("Note sulla disponibilità"), max_length=200, required=False
    )
    training_course = forms.CharField(label=_("Formazione svolta"), max_length=200, required=False)
    training_until = forms.DateField(
        label=_("Formazione valida fino al"), required=False, widget=_DATE
    )
    insurance_policy = forms.CharField(
        label=_("Polizza assicurativa"), max_length=100, required=False
    )
    insurance_until = forms.DateField(
        label=_("Assicurazione valida fino al"),
        required=False,
        widget=_DATE,
        help_text=_("Obbligatoria per prestare servizio (Codice del Terzo Settore, art. 18)."),
    )
    started_on = forms.DateField(label=_("Volontario dal"), widget=_DATE)
    consent = forms.BooleanField(
        label=_("Il volontario ha firmato il consenso al trattamento dei dati"), required=False
    )
    is_active = forms.BooleanField(label=_("Attivo"), required=False)

    def __init__(
        self, *args: Any, organization_id: int, volunteer: Volunteer | None = None, **kwargs: Any
    ) -> None:
        if volunteer is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(volunteer, name)
                    for name in (*self.base_fields, "user")
                    if hasattr(volunteer, name)
                },
            )
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(
            organization_id=organization_id, role=Role.VOLUNTEER
        )
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, pk__in=members.values("user_id")
        ).order_by("full_name")
        if volunteer is None:
            del self.fields["is_active"]
        else:
            del self.fields["consent"]


class ShiftForm(AccessibleForm):
    activity = forms.ChoiceField(label=_("Attività"))
    target = forms.ChoiceField(label=_("Per quale luogo o sessione"), required=False)
    title = forms.CharField(
        label=_("Titolo"),
        max_length=200,
        required=False,
        help_text=_("Se lo lasci vuoto: l'attività e il luogo."),
    )
    place = forms.CharField(label=_("Luogo di ritrovo"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Inizio"), widget=_DATETIME)
    ends_at = forms.DateTimeField(label=_("Fine"), widget=_DATETIME)
    capacity = forms.IntegerField(label=_("Volontari richiesti"), min_value=1, max_value=200)
    required_skills = forms.MultipleChoiceField(
        label=_("Competenze richieste"), choices=Skill.choices, required=False, widget=_CHECKBOXES
    )
    notes = forms.CharField(
        label=_("Note per i volontari"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organization_id: int, activity: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = duty.activities()
        self.fields["activity"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (a.key, str(a.label)) for a in activities
        ]
        chosen = next((a for a in activities if a.key == activity), None)
        targets = chosen.targets(organization_id) if chosen else []
        self.fields["target"].choices = [("", _("Qualsiasi")), *targets]  # type: ignore[attr-defined]


class HoursForm(AccessibleForm):
    hours = forms.CharField(
        label=_("Ore svolte"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Ad esempio 3 oppure 2,5."),
    )
    note = forms.CharField(label=_("Nota"), max_length=200, required=False)


class SwapForm(AccessibleForm):
    to_volunteer = forms.ModelChoiceField(
        label=_("A chi cedi il turno"), queryset=Volunteer.objects.none()
    )

    def __init__(self, *args: Any, candidates: list[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_volunteer"].queryset = Volunteer.objects.filter(  # type: ignore[attr-defined]
            pk__in=[v.pk for v in candidates]
        ).order_by("full_name")
