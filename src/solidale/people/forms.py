"""Forms of the person registry pages. They only parse input: the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from solidale.core.errors import DomainError

from .models import Consent, Household, HouseholdMember, Person, PersonIdentifier

PERSON_FORM_FIELDS = (
    "family_name",
    "given_name",
    "codice_fiscale",
    "sex",
    "birth_date",
    "birth_place",
    "birth_place_code",
    "citizenship",
    "languages",
    "is_identified",
    "description",
    "homeless",
    "residence_address",
    "residence_municipality",
    "domicile_address",
    "neighbourhood",
    "phone",
    "email",
    "accessibility_notes",
)
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AccessibleForm(forms.Form):
    """Bootstrap Italia classes on every widget; each error is tied to its input.

    The error block next to a field has the id ``<input id>_error`` and the input
    points at it with ``aria-describedby`` (and ``aria-invalid``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        """Give each widget its Bootstrap Italia class (call again after adding fields)."""
        for field in self.fields.values():
            widget = field.widget
            if "class" in widget.attrs or isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if bound.help_text:
                described.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def add_service_error(self, error: DomainError | ValidationError) -> None:
        """Show an error raised by a service next to its field (or on top of the form)."""
        if isinstance(error, DomainError):
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return
        self.add_error(None, error.messages)


class PersonSearchForm(AccessibleForm):
    q = forms.CharField(label=_("Cerca persona"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Cognome, nome o codice fiscale"),
            }
        )


class PersonForm(AccessibleForm):
    """The person's data; on create, also the confirmation that a similar person is another one."""

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        generated = fields_for_model(
            Person,
            fields=PERSON_FORM_FIELDS,
            widgets={
                "birth_date": _DATE,
                "description": _TEXTAREA,
                "accessibility_notes": _TEXTAREA,
            },
        )
        for name, field in generated.items():
            if field is not None:
                self.fields[name] = field
        self.fields["codice_fiscale"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )
        if creating:
            self.fields["confirm_similar"] = forms.BooleanField(
                label=_("Confermo che è una persona diversa da quelle indicate"), required=False
            )
        self.style_widgets()

    def person_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FORM_FIELDS}


class ClaimForm(AccessibleForm):
    codice_fiscale = forms.CharField(
        label=_("Codice fiscale"), max_length=16, widget=forms.HiddenInput
    )
    legal_basis = forms.ChoiceField(
        label=_("Base giuridica"), choices=[("", "—"), *Consent.LegalBasis.choices]
    )
    note = forms.CharField(
        label=_("Perché la registri presso la tua organizzazione"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AliasForm(AccessibleForm):
    alias = forms.CharField(label=_("Alias o soprannome"), max_length=100)


class IdentifierForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Tipo"), choices=PersonIdentifier.Kind.choices)
    value = forms.CharField(label=_("Numero"), max_length=40)
    issuer = forms.CharField(label=_("Rilasciato da"), max_length=100, required=False)
    expires_on = forms.DateField(label=_("Scadenza"), required=False, widget=_DATE)


class ConsentForm(AccessibleForm):
    purpose = forms.ChoiceField(label=_("Finalità"), choices=Consent.Purpose.choices)
    legal_basis = forms.ChoiceField(label=_("Base giuridica"), choices=Consent.LegalBasis.choices)
    text_version = forms.CharField(
        label=_("Versione del testo mostrato alla persona"),
        max_length=40,
        help_text=_("Es. «informativa 2026-01»: serve a sapere che cosa ha letto."),
    )


class HouseholdForm(AccessibleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(
            Household, fields=("name", "address", "neighbourhood")
        ).items():
            if field is not None:
                self.fields[name] = field
        self.style_widgets()

    def household_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("name", "address", "neighbourhood")}


class HouseholdMemberForm(AccessibleForm):
    person = forms.IntegerField(widget=forms.HiddenInput)
    relationship = forms.ChoiceField(
        label=_("Relazione con l'intestatario"), choices=HouseholdMember.Relationship.choices
    )
    start_date = forms.DateField(label=_("Nel nucleo dal"), required=False, widget=_DATE)


class HouseholdMemberEndForm(AccessibleForm):
    end_date = forms.DateField(label=_("Uscita dal nucleo il"), widget=_DATE)


class MergeForm(AccessibleForm):
    merged = forms.IntegerField(
        label=_("Numero della scheda doppia da unire a questa"),
        min_value=1,
        help_text=_(
            "La scheda doppia sparisce dalle ricerche; tutti i suoi dati passano a questa."
        ),
    )
    reason = forms.CharField(
        label=_("Perché sono la stessa persona"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
