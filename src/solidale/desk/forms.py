"""Forms of the desk pages. They only parse input: the services decide and save."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.network.models import NeedCategory
from solidale.people.forms import AccessibleForm
from solidale.people.models import Sex

from .models import Channel, Office, OnlineRequest, Outcome, Urgency
from .services import NeedInput

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXTAREA = forms.Textarea(attrs={"rows": 2})
_FILL_SALT = "solidale.desk.online_request.started"


def need_choices() -> list[tuple[str, str]]:
    return list(NeedCategory.objects.filter(is_active=True).values_list("code", "name"))


def parse_needs(data: Any) -> list[NeedInput]:
    """The needs chosen on the page: chips (``needs`` + ``urgency_<code>``) and, without
    JavaScript, the name or code typed in the type-ahead box."""
    codes: list[str] = [code for code in data.getlist("needs") if code]
    typed = (data.get("need_input") or "").strip()
    if typed:
        match = NeedCategory.objects.filter(is_active=True, name__iexact=typed).first()
        code = match.code if match else typed
        if code not in codes:
            codes.append(code)
    return [
        NeedInput(code=code, urgency=data.get(f"urgency_{code}") or Urgency.MEDIUM)
        for code in codes
    ]


class AccessFieldsForm(AccessibleForm):
    """The access's own fields (shared by the intake and the edit page)."""

    occurred_at = forms.DateTimeField(label=_("Data e ora"), widget=_DATETIME)
    channel = forms.ChoiceField(label=_("Canale"), choices=Channel.choices, initial=Channel.DESK)
    office = forms.ModelChoiceField(
        label=_("Sportello"), queryset=Office.objects.none(), required=False
    )
    referred_by = forms.CharField(label=_("Inviato da"), max_length=200, required=False)
    request = forms.CharField(label=_("Richiesta"), widget=_TEXTAREA, required=False)
    information_given = forms.CharField(label=_("Informazioni date"), required=False)
    outcome = forms.ChoiceField(label=_("Esito"), choices=Outcome.choices, initial=Outcome.PENDING)
    follow_up_on = forms.DateField(label=_("Data di ricontatto"), widget=_DATE, required=False)
    privacy_notice_given = forms.BooleanField(
        label=_("Informativa privacy consegnata"), required=False
    )

    def __init__(self, *args: Any, organization: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        assert isinstance(office, forms.ModelChoiceField)  # noqa: S101  (declared above)
        office.queryset = Office.objects.filter(organization=organization, is_active=True)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def access_data(self) -> dict[str, Any]:
        names = (
            "occurred_at",
            "channel",
            "office",
            "referred_by",
            "request",
            "information_given",
            "outcome",
            "follow_up_on",
            "privacy_notice_given",
        )
        return {name: self.cleaned_data[name] for name in names}


class AccessEditForm(AccessFieldsForm):
    unidentified_description = forms.CharField(
        label=_("Descrizione della persona non identificata"), widget=_TEXTAREA, required=False
    )

    def access_data(self) -> dict[str, Any]:
        data = super().access_data()
        data["unidentified_description"] = self.cleaned_data["unidentified_description"]
        return data


class IntakeForm(AccessFieldsForm):
    """Fast intake: the person (found, new or undescribed) and the access, on one page."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    family_name = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Nome"), max_length=100, required=False)
    codice_fiscale = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    birth_date = forms.DateField(label=_("Data di nascita"), widget=_DATE, required=False)
    sex = forms.ChoiceField(label=_("Sesso"), choices=[("", "—"), *Sex.choices], required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    confirm_similar = forms.BooleanField(
        label=_("Ho controllato: è una persona diversa da quelle simili"), required=False
    )
    unidentified_description = forms.CharField(
        label=_("Oppure descrivi chi si è presentato (persona non identificata)"),
        widget=_TEXTAREA,
        required=False,
    )

    NEW_PERSON_FIELDS = (
        "family_name",
        "given_name",
        "codice_fiscale",
        "birth_date",
        "sex",
        "phone",
    )

    def new_person_data(self) -> dict[str, Any] | None:
        data = {name: self.cleaned_data.get(name) for name in self.NEW_PERSON_FIELDS}
        if not (data["family_name"] or data["given_name"] or data["codice_fiscale"]):
            return None
        return {name: value for name, value in data.items() if value not in (None, "")}

    def access_data(self) -> dict[str, Any]:
        data = super().access_data()
        if self.new_person_data() is None and not self.cleaned_data.get("person"):
            data["unidentified_description"] = self.cleaned_data["unidentified_description"]
        return data


class AccessFilterForm(AccessibleForm):
    channel = forms.ChoiceField(
        label=_("Canale"), choices=[("", _("tutti")), *Channel.choices], required=False
    )
    outcome = forms.ChoiceField(
        label=_("Esito"), choices=[("", _("tutti")), *Outcome.choices], required=False
    )
    need = forms.ChoiceField(label=_("Bisogno"), required=False)
    office = forms.ModelChoiceField(
        label=_("Sportello"), queryset=Office.objects.none(), required=False, empty_label=_("tutti")
    )
    date_from = forms.DateField(label=_("Dal"), widget=_DATE, required=False)
    date_to = forms.DateField(label=_("Al"), widget=_DATE, required=False)
    needs_answer = forms.BooleanField(label=_("Solo in attesa di risposta"), required=False)

    def __init__(self, *args: Any, organization: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("tutti")), *need_choices()]  # type: ignore[attr-defined]
        office = self.fields["office"]
        assert isinstance(office, forms.ModelChoiceField)  # noqa: S101  (declared above)
        office.queryset = Office.objects.filter(organization=organization)


def fill_started_token() -> str:
    return signing.dumps(time.time(), salt=_FILL_SALT)


class OnlineRequestForm(AccessibleForm):
    """The public request page. ``website`` is a honeypot (hidden from people), ``started``
    a signed timestamp: a form filled by a robot in a blink is refused."""

    subject = forms.ChoiceField(
        label=_("Per chi chiedi aiuto?"),
        choices=OnlineRequest.Subject.choices,
        widget=forms.RadioSelect,
        initial=OnlineRequest.Subject.SELF,
    )
    category = forms.ChoiceField(label=_("Di che cosa hai bisogno?"))
    text = forms.CharField(
        label=_("Descrivi la situazione"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Non scrivere dati sulla salute se non servono a capire la richiesta."),
    )
    requester_name = forms.CharField(label=_("Il tuo nome"), max_length=150, required=False)
    contact_preference = forms.ChoiceField(
        label=_("Come preferisci essere contattato?"),
        choices=OnlineRequest.ContactPreference.choices,
        initial=OnlineRequest.ContactPreference.EMAIL,
    )
    contact_phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    consent = forms.BooleanField(
        label=_(
            "Ho letto l'informativa e acconsento al trattamento dei dati per rispondere "
            "a questa richiesta"
        ),
        required=True,
        error_messages={"required": _("Per inviare la richiesta serve il consenso.")},
    )
    website = forms.CharField(label=_("Lascia vuoto questo campo"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *need_choices()]  # type: ignore[attr-defined]
        self.fields["started"].initial = fill_started_token()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Richiesta non accettata."))
        return ""

    def clean_started(self) -> float:
        try:
            started = float(
                signing.loads(self.cleaned_data["started"], salt=_FILL_SALT, max_age=86400)
            )
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("Il modulo è scaduto: ricarica la pagina e riprova.")
            ) from None
        if time.time() - started < settings.SOLIDALE_DESK_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Inviata troppo in fretta: rileggi la richiesta e inviala di nuovo.")
            )
        return started

    def request_data(self) -> dict[str, Any]:
        names = (
            "subject",
            "category",
            "text",
            "requester_name",
            "contact_preference",
            "contact_phone",
            "contact_email",
            "consent",
        )
        return {name: self.cleaned_data[name] for name in names}


class RequestStatusForm(AccessibleForm):
    code = forms.CharField(
        label=_("Codice della richiesta"),
        max_length=30,
        help_text=_("Il codice che hai ricevuto all'invio, ad esempio SOL-7K3M9QX2HD."),
    )


class RequestHandleForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Stato"), choices=OnlineRequest.Status.choices)
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Urgency.choices)
    answer = forms.CharField(
        label=_("Risposta al cittadino (visibile con il codice)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    internal_notes = forms.CharField(
        label=_("Note interne (mai visibili al cittadino)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class FollowUpDoneForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label=_("Esito"), choices=[("", _("invariato")), *Outcome.choices], required=False
    )
