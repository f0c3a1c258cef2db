"""Forms of the appointment pages. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import User
from solidale.network.models import NeedCategory
from solidale.people.forms import AccessibleForm

from .models import ReminderChannel, Status, Weekday

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DayForm(AccessibleForm):
    day = forms.DateField(label=_("Giorno"), required=False, widget=_DATE)


class BookForm(AccessibleForm):
    slot = forms.IntegerField(label=_("Orario"), widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(
        label=_("Nome e cognome (se la persona non è ancora registrata)"),
        max_length=150,
        required=False,
    )
    contact_phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    need = forms.ModelChoiceField(
        label=_("Motivo"),
        queryset=NeedCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("— da definire —"),
    )
    reminder_channel = forms.ChoiceField(
        label=_("Promemoria il giorno prima"),
        choices=ReminderChannel.choices,
        initial=ReminderChannel.NONE,
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(AccessibleForm):
    slot = forms.IntegerField(label=_("Nuovo orario"))


class CancelForm(AccessibleForm):
    reason = forms.CharField(label=_("Motivo dell'annullamento"), max_length=200)


class MarkForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Esito"),
        choices=[(Status.ATTENDED, Status.ATTENDED.label), (Status.NO_SHOW, Status.NO_SHOW.label)],
    )


class OpeningHoursForm(AccessibleForm):
    weekday = forms.TypedChoiceField(label=_("Giorno"), choices=Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("Apre alle"), widget=_TIME)
    end = forms.TimeField(label=_("Chiude alle"), widget=_TIME)


class ClosureForm(AccessibleForm):
    date = forms.DateField(label=_("Giorno di chiusura"), widget=_DATE)
    reason = forms.CharField(label=_("Motivo"), max_length=120, required=False)


class ScheduleForm(AccessibleForm):
    operator: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Operatore"), queryset=User.objects.none()
    )
    weekday = forms.TypedChoiceField(label=_("Giorno"), choices=Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("Dalle"), widget=_TIME)
    end = forms.TimeField(label=_("Alle"), widget=_TIME)
    slot_minutes = forms.IntegerField(
        label=_("Durata di ogni appuntamento (minuti)"), min_value=5, max_value=240, initial=30
    )

    def __init__(self, *args: Any, operators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[User], self.fields["operator"]).queryset = operators


class GenerateForm(AccessibleForm):
    start_date = forms.DateField(label=_("Dal"), widget=_DATE)
    end_date = forms.DateField(label=_("Al"), widget=_DATE)
