"""Forms of the network pages. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood
from solidale.people.forms import AccessibleForm

from .models import (
    WEEKDAY_CODES,
    Agreement,
    CapacityKind,
    Location,
    NeedCategory,
    OrganizationProfile,
    Program,
    Service,
)
from .selectors import LANGUAGE_NAMES, DirectoryFilters
from .services import LOCATION_DATA_FIELDS, PROFILE_DATA_FIELDS, SERVICE_DATA_FIELDS

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})
WEEKDAY_LABELS = (
    _("lunedì"),
    _("martedì"),
    _("mercoledì"),
    _("giovedì"),
    _("venerdì"),
    _("sabato"),
    _("domenica"),
)


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return cast(forms.Field, field.formfield(**kwargs))


def _model_fields(form: AccessibleForm, model: Any, names: tuple[str, ...], **widgets: Any) -> None:
    generated = fields_for_model(
        model, fields=names, widgets=widgets, formfield_callback=_formfield
    )
    for name, field in generated.items():
        if field is not None:
            form.fields[name] = field
    form.style_widgets()


class DirectoryFilterForm(AccessibleForm):
    q = forms.CharField(label=_("Cerca"), required=False, max_length=100)
    need = forms.ChoiceField(label=_("Bisogno"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Quartiere"), required=False)
    language = forms.ChoiceField(label=_("Lingua parlata"), required=False)
    open_now = forms.BooleanField(label=_("Solo aperti ora"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("tutti"))]
        cast(forms.ChoiceField, self.fields["need"]).choices = everything + list(
            NeedCategory.objects.filter(is_active=True).values_list("code", "name")
        )
        cast(forms.ChoiceField, self.fields["neighbourhood"]).choices = everything + list(
            Neighbourhood.objects.order_by("name").values_list("slug", "name")
        )
        languages = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("tutte")), *languages]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Per esempio: mensa, dormitorio, CAF")}
        )

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data["q"],
            need=data["need"],
            neighbourhood=data["neighbourhood"],
            language=data["language"],
            open_now=data["open_now"],
        )


class OrganizationProfileForm(AccessibleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_fields(self, OrganizationProfile, PROFILE_DATA_FIELDS, description=_TEXTAREA)
        self.fields["areas"] = forms.ModelMultipleChoiceField(
            label=_("Aree di intervento"),
            queryset=NeedCategory.objects.filter(is_active=True),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["neighbourhoods"] = forms.ModelMultipleChoiceField(
            label=_("Quartieri serviti"),
            queryset=Neighbourhood.objects.order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    def profile_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROFILE_DATA_FIELDS}


class AgreementForm(AccessibleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_fields(
            self,
            Agreement,
            ("kind", "title", "reference", "valid_from", "valid_to", "notes"),
            valid_from=_DATE,
            valid_to=_DATE,
            notes=_TEXTAREA,
        )


class ServiceForm(AccessibleForm):
    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_fields(
            self,
            Service,
            SERVICE_DATA_FIELDS,
            description=_TEXTAREA,
            eligibility_description=_TEXTAREA,
            required_documents=_TEXTAREA,
            application_process=_TEXTAREA,
        )
        program = cast(forms.ModelChoiceField, self.fields["program"])
        program.queryset = Program.objects.filter(organization=organization)
        self.fields["need_categories"] = forms.ModelMultipleChoiceField(
            label=_("Aree di bisogno"),
            queryset=NeedCategory.objects.filter(is_active=True),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SERVICE_DATA_FIELDS}


class LocationForm(AccessibleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_fields(self, Location, LOCATION_DATA_FIELDS, description=_TEXTAREA)

    def location_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LOCATION_DATA_FIELDS}


class ServiceLocationForm(AccessibleForm):
    location = forms.ModelChoiceField(label=_("Luogo"), queryset=Location.objects.none())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = cast(forms.ModelChoiceField, self.fields["location"])
        location.queryset = Location.objects.filter(organization=organization)


class ScheduleForm(AccessibleForm):
    byday = forms.MultipleChoiceField(
        label=_("Giorni"),
        choices=list(zip(WEEKDAY_CODES, WEEKDAY_LABELS, strict=True)),
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.TimeField(label=_("Apre alle"), widget=_TIME)
    closes_at = forms.TimeField(
        label=_("Chiude alle"),
        widget=_TIME,
        help_text=_("Un orario precedente all'apertura vuol dire: fino al giorno dopo."),
    )
    valid_from = forms.DateField(label=_("Valido dal"), required=False, widget=_DATE)
    valid_to = forms.DateField(label=_("Valido fino al"), required=False, widget=_DATE)
    description = forms.CharField(label=_("Note"), required=False, max_length=255)

    def schedule_data(self) -> dict[str, Any]:
        return {**self.cleaned_data, "byday": ",".join(self.cleaned_data["byday"])}


class CapacityForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Che cosa"), choices=CapacityKind.choices)
    total = forms.IntegerField(label=_("Totale"), min_value=0)
    available = forms.IntegerField(label=_("Disponibili ora"), min_value=0)


class CapacityUpdateForm(AccessibleForm):
    """Either a step (``delta``: the +/- buttons) or the counted number (``available``)."""

    delta = forms.IntegerField(required=False, widget=forms.HiddenInput)
    available = forms.IntegerField(label=_("Disponibili ora"), required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["available"].widget.attrs.update(
            {"inputmode": "numeric", "class": "form-control form-control-lg text-center"}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delta") is None and data.get("available") is None:
            raise forms.ValidationError(_("Indica quanti sono disponibili."))
        return data
