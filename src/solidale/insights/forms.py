"""Forms of the cruscotto. They only parse input: the services decide and save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core import alerts, indicators
from solidale.core.models import Neighbourhood
from solidale.people.forms import AccessibleForm

from .models import AlertOutcome, ExportFormat, PeriodKind

_MONTH = forms.DateInput(attrs={"type": "month"})


class DashboardFilterForm(AccessibleForm):
    period = forms.ChoiceField(label=_("Periodo"), choices=PeriodKind.choices, required=False)
    month = forms.CharField(
        label=_("Mese di riferimento"),
        widget=_MONTH,
        required=False,
        help_text=_("Il trimestre o l'anno che contiene questo mese."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartiere"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        empty_label=_("Tutti i quartieri"),
    )
    organization = forms.ModelChoiceField(
        label=_("Organizzazione"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Tutte le organizzazioni"),
    )
    program = forms.CharField(
        label=_("Programma"),
        required=False,
        widget=forms.Select,
        help_text=_("Con un programma scelto si vedono solo gli indicatori contati per programma."),
    )

    def __init__(
        self,
        *args: Any,
        with_organization: bool = True,
        with_neighbourhood: bool = True,
        programs: Sequence[indicators.Program] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_organization:
            del self.fields["organization"]
        if not with_neighbourhood:
            del self.fields["neighbourhood"]
        if programs:
            widget = cast(forms.Select, self.fields["program"].widget)
            widget.choices = [
                ("", _("Tutti i programmi")),
                *((program.key, program.label) for program in programs),
            ]
        else:
            del self.fields["program"]


class AlertCloseForm(AccessibleForm):
    outcome = forms.ChoiceField(label=_("Esito"), choices=[("", "—"), *AlertOutcome.choices])
    note = forms.CharField(
        label=_("Cosa è stato fatto"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class RuleForm(AccessibleForm):
    enabled = forms.BooleanField(label=_("Regola attiva"), required=False)

    def __init__(
        self, *args: Any, rule: alerts.AlertRule, params: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, default in rule.defaults.items():
            label = str(rule.parameters.get(name, name))
            if isinstance(default, bool):
                self.fields[name] = forms.BooleanField(label=label, required=False)
            else:
                self.fields[name] = forms.CharField(label=label, max_length=100)
            self.initial.setdefault(name, params.get(name, default))
        self.style_widgets()


class ExportForm(AccessibleForm):
    format = forms.ChoiceField(
        label=_("Formato"),
        choices=ExportFormat.choices,
        widget=forms.RadioSelect,
        initial=ExportFormat.XLSX,
    )
    purpose = forms.CharField(
        label=_("Finalità"),
        max_length=255,
        required=False,
        help_text=_("Perché ti servono questi dati: resta nel registro degli accessi."),
    )
    date_from = forms.DateField(
        label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SiussForm(AccessibleForm):
    month = forms.CharField(label=_("Mese delle erogazioni"), widget=_MONTH)
    operator_cf = forms.CharField(
        label=_("Codice fiscale dell'operatore che trasmette"), max_length=16
    )
    purpose = forms.CharField(
        label=_("Finalità"),
        max_length=255,
        initial=_("Trasmissione al Casellario dell'assistenza (SIUSS)"),
    )


class ReportForm(AccessibleForm):
    period = forms.ChoiceField(
        label=_("Periodo"),
        choices=[(PeriodKind.QUARTER, _("trimestre")), (PeriodKind.YEAR, _("anno"))],
        required=False,
    )
    month = forms.CharField(
        label=_("Mese di riferimento"),
        widget=_MONTH,
        required=False,
        help_text=_("Il trimestre o l'anno che contiene questo mese."),
    )
