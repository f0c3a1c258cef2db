"""Forms of the accounts pages: input validation only, the writes live in services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.apps import apps
from django.contrib.auth import forms as auth_forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from solidale.core.models import AuditEvent

from .models import Organization, Role, User
from .permissions import assignable_roles


class StyledFormMixin:
    """Gives every widget the Bootstrap Italia class it needs."""

    fields: dict[str, forms.Field]

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "E-mail o password non corretti. Attenzione: maiuscole e minuscole contano."
        ),
        "inactive": _("Questo utente è disattivato."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_username(self) -> str:
        """Addresses are stored in lower case: ``Anna@…`` logs in as ``anna@…``."""
        return str(self.cleaned_data["username"]).lower()


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.style_fields()

    def get_users(self, email: str) -> Iterator[Any]:
        """Active users with this address, including those invited who never set a password."""
        return iter(User.objects.filter(email__iexact=email, is_active=True))


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nuova password")
        self.fields["new_password2"].label = _("Ripeti la nuova password")
        self.style_fields()


class OtpTokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Codice"),
        max_length=16,
        help_text=_("Le 6 cifre mostrate dall'app di autenticazione, oppure un codice di riserva."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class OtpSetupForm(OtpTokenForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _(
            "Le 6 cifre che l'app mostra adesso, per confermare la configurazione."
        )


class MemberAddForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(
        label=_("Nome e cognome"),
        max_length=150,
        required=False,
        help_text=_("Necessario solo se la persona non ha ancora un utente."),
    )
    role = forms.ChoiceField(label=_("Ruolo"))

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = role_choices(organization)
        self.style_fields()


class MembershipRoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Nuovo ruolo"))

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = role_choices(organization)
        self.style_fields()


def role_choices(organization: Organization) -> list[tuple[str, str | Promise]]:
    allowed = assignable_roles(organization)
    return [(value, label) for value, label in Role.choices if value in allowed]


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nome del token"),
        max_length=80,
        help_text=_("A cosa serve, per riconoscerlo nell'elenco (es. «gestionale della mensa»)."),
    )
    expires_on = forms.DateField(
        label=_("Scade il"),
        required=False,
        help_text=_("Facoltativo: dopo questa data il token non funziona più."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def expires_at(self) -> datetime | None:
        """The end of the chosen day, in the local time zone."""
        expires_on: date | None = self.cleaned_data.get("expires_on")
        if expires_on is None:
            return None
        return timezone.make_aware(datetime.combine(expires_on, time.max))


class AuditFilterForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("Dal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Al"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    user = forms.CharField(label=_("Utente (e-mail)"), required=False, max_length=254)
    action = forms.ChoiceField(label=_("Azione"), required=False)
    object_type = forms.ChoiceField(label=_("Tipo di oggetto"), required=False)
    person_id = forms.IntegerField(label=_("Id persona"), required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("tutte")),
            *AuditEvent.Action.choices,
        ]
        cast(forms.ChoiceField, self.fields["object_type"]).choices = [
            ("", _("tutti")),
            *sorted(
                (
                    (
                        model._meta.label_lower,
                        f"{model._meta.verbose_name} ({model._meta.label_lower})",
                    )
                    for model in apps.get_models()
                ),
                key=lambda choice: choice[1],
            ),
        ]
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("La data finale precede quella iniziale."))
        return cleaned
