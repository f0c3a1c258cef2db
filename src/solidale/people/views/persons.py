"""Person pages: search, registration with duplicate checks, record, edits, consents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError, RateLimitedError
from solidale.core.models import AuditEvent
from solidale.core.ratelimit import client_key, rate_limit_hit

from ..forms import (
    PERSON_FORM_FIELDS,
    AliasForm,
    ClaimForm,
    ConsentForm,
    IdentifierForm,
    PersonForm,
    PersonSearchForm,
)
from ..models import FieldSet, HouseholdMember, Person
from ..permissions import (
    PERSON_FIELDS_BY_FIELDSET,
    can_edit_person,
    can_merge,
    can_use_registry,
    can_view_person_access_log,
    get_person_for_user,
    merged_record_target_for_user,
    person_fieldsets_for,
    persons_visible_to,
)
from ..selectors import (
    DuplicateCandidate,
    person_duplicate_candidates,
    person_get_by_codice_fiscale,
    person_list_recent,
    person_search,
)
from ..services import (
    DuplicateCodiceFiscale,
    SimilarPersonsFound,
    alias_add,
    consent_record,
    consent_withdraw,
    identifier_add,
    person_claim,
    person_create,
    person_update,
    person_view,
)

PAGE_SIZE = 25

REASON_LABELS = {
    "codice_fiscale": gettext_lazy("stesso codice fiscale"),
    "birth_date": gettext_lazy("stessa data di nascita"),
    "birth_date_swapped": gettext_lazy("data di nascita con giorno e mese invertiti"),
    "same_name": gettext_lazy("stesso nome"),
    "similar_name": gettext_lazy("nome simile"),
    "swapped_name": gettext_lazy("nome e cognome invertiti"),
}


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def field_label(name: str) -> str:
    return str(cast(models.Field[Any, Any], Person._meta.get_field(name)).verbose_name)


def require_registry(request: HttpRequest) -> None:
    """Roles that never see persons get the same 404 as an out-of-scope record."""
    if not can_use_registry(request.user):
        raise Http404


@dataclass(frozen=True)
class CandidateView:
    """A possible duplicate as the current user may see it: whole, or initials and birth year."""

    person: Person
    visible: bool
    score: float
    reasons: list[str]

    @property
    def initials(self) -> str:
        return " ".join(
            f"{name[0].upper()}."
            for name in (self.person.family_name, self.person.given_name)
            if name
        )


def _candidate_views(user: Any, candidates: list[DuplicateCandidate]) -> list[CandidateView]:
    ids = [candidate.person.pk for candidate in candidates]
    visible = (
        set(persons_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    return [
        CandidateView(
            person=candidate.person,
            visible=candidate.person.pk in visible,
            score=candidate.score,
            reasons=[str(REASON_LABELS.get(reason, reason)) for reason in candidate.reasons],
        )
        for candidate in candidates
    ]


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type: the input asks for the ``results`` partial; without JS the form submits."""
    require_registry(request)
    form = PersonSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "query": query, "rate_limited": False}
    status = 200
    if query:
        try:
            rate_limit_hit(
                scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
            )
        except RateLimitedError as error:
            context.update(persons=[], rate_limited=True, rate_message=error.message)
            status = 429
        else:
            context["persons"] = person_search(user=request.user, query=query, limit=PAGE_SIZE)
    else:
        page = page_number(request)
        rows = person_list_recent(
            user=request.user, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        context.update(persons=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)
    template = "people/person_list.html#results" if is_htmx(request) else "people/person_list.html"
    return render(request, template, context, status=status)


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    require_registry(request)
    context: dict[str, Any] = {"candidates": [], "duplicate": None, "claim_form": None}
    if request.method == "POST":
        form = PersonForm(request.POST, creating=True)
        if form.is_valid():
            try:
                person = person_create(
                    actor=request.user,
                    data=form.person_data(),
                    confirm_similar=form.cleaned_data["confirm_similar"],
                )
            except DuplicateCodiceFiscale as error:
                form.add_service_error(error)
                context["duplicate"] = _candidate_views(
                    request.user, [DuplicateCandidate(error.existing, 100.0, ("codice_fiscale",))]
                )[0]
                context["claim_form"] = ClaimForm(
                    initial={"codice_fiscale": error.existing.codice_fiscale}
                )
            except SimilarPersonsFound as error:
                form.add_error("confirm_similar", error.message)
                context["candidates"] = _candidate_views(request.user, error.candidates)
            except (DomainError, ValidationError) as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Persona registrata."))
                return redirect("people:detail", pk=person.pk)
    else:
        form = PersonForm(creating=True)
    context["form"] = form
    return render(request, "people/person_form.html", context)


@login_required
@require_GET
def person_duplicate_check(request: HttpRequest) -> HttpResponse:
    """While the operator types: possible duplicates, disclosed as the user may see them."""
    require_registry(request)
    try:
        rate_limit_hit(
            scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
        )
    except RateLimitedError as error:
        return HttpResponse(error.message, status=429, content_type="text/plain; charset=utf-8")
    form = PersonForm(request.GET, creating=True)
    form.is_valid()
    data = form.cleaned_data
    candidates: list[DuplicateCandidate] = []
    if data.get("family_name") or data.get("given_name") or data.get("codice_fiscale"):
        candidates = person_duplicate_candidates(
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            birth_date=data.get("birth_date"),
            codice_fiscale=data.get("codice_fiscale"),
        )
    context = {"candidates": _candidate_views(request.user, candidates), "checked": True}
    return render(request, "people/person_form.html#candidates", context)


@login_required
@require_POST
def person_claim_view(request: HttpRequest) -> HttpResponse:
    """Register at my organization the person who already holds this codice fiscale."""
    require_registry(request)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Indica la base giuridica e il motivo per registrare la persona.")
        )
        return redirect("people:create")
    person = person_get_by_codice_fiscale(form.cleaned_data["codice_fiscale"])
    if person is None:
        raise Http404
    try:
        person_claim(
            actor=request.user,
            person=person,
            legal_basis=form.cleaned_data["legal_basis"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:create")
    messages.success(request, _("La persona è ora registrata anche presso la tua organizzazione."))
    return redirect("people:detail", pk=person.pk)


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, Any]]


_SECTION_TITLES = {
    FieldSet.IDENTITY: gettext_lazy("Identità"),
    FieldSet.CONTACTS: gettext_lazy("Contatti"),
    FieldSet.REGISTRY: gettext_lazy("Dati anagrafici"),
    FieldSet.SENSITIVE: gettext_lazy("Esigenze di accessibilità"),
}


def display_value(person: Person, name: str) -> Any:
    field = Person._meta.get_field(name)
    if getattr(field, "choices", None):
        return getattr(person, f"get_{name}_display")()
    value = getattr(person, name)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    return value if value not in (None, "") else "—"


def _sections(person: Person, allowed: set[str]) -> list[Section]:
    return [
        Section(
            title=str(title),
            rows=[
                (field_label(name), display_value(person, name))
                for name in PERSON_FIELDS_BY_FIELDSET[fieldset]
            ],
        )
        for fieldset, title in _SECTION_TITLES.items()
        if fieldset in allowed
    ]


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = get_person_for_user(request.user, pk)
    except Http404:
        kept = merged_record_target_for_user(request.user, pk)
        if kept is None:
            raise
        messages.info(request, _("Quella scheda è stata unita a questa."))
        return redirect("people:detail", pk=kept.pk)
    person_view(actor=request.user, person=person, purpose=request.GET.get("purpose", "")[:255])
    allowed = person_fieldsets_for(request.user, person)
    membership = (
        HouseholdMember.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .first()
    )
    context: dict[str, Any] = {
        "person": person,
        "sections": _sections(person, allowed),
        "allowed": allowed,
        "membership": membership,
        "household_size": (
            HouseholdMember.objects.filter(
                household_id=membership.household_id, end_date__isnull=True
            ).count()
            if membership
            else None
        ),
        "can_edit": FieldSet.REGISTRY in allowed,
        "can_merge": can_merge(request.user),
        "links": person.links.open().select_related("organization"),
    }
    if FieldSet.IDENTITY in allowed:
        context["aliases"] = list(person.aliases.all())
    if FieldSet.REGISTRY in allowed:
        context["identifiers"] = list(person.identifiers.all())
        context["consents"] = list(person.consents.select_related("organization"))
    context["access_log"] = (
        list(AuditEvent.objects.for_person(person.pk).order_by("-at", "-id")[:50])
        if can_view_person_access_log(request.user)
        else None
    )
    return render(request, "people/person_detail.html", context)


def _editable_person(request: HttpRequest, pk: int) -> Person:
    person = get_person_for_user(request.user, pk)
    if not can_edit_person(request.user, person):
        raise PermissionDenied
    return person


@login_required
@require_http_methods(["GET", "POST"])
def person_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                person_update(actor=request.user, person=person, data=form.person_data())
            except (DomainError, ValidationError) as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Scheda aggiornata."))
                return redirect("people:detail", pk=person.pk)
    else:
        form = PersonForm(initial={name: getattr(person, name) for name in PERSON_FORM_FIELDS})
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _subform(
    request: HttpRequest, pk: int, form_class: type[Any], title: str, save: Any
) -> HttpResponse:
    """A small form page that adds one thing to a person (alias, document, consent)."""
    person = _editable_person(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(person, form.cleaned_data)
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Salvato."))
            return redirect("people:detail", pk=person.pk)
    context = {"form": form, "person": person, "title": title}
    return render(request, "people/person_subform.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def alias_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _subform(
        request,
        pk,
        AliasForm,
        _("Aggiungi un alias"),
        lambda person, data: alias_add(actor=request.user, person=person, alias=data["alias"]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def identifier_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _subform(
        request,
        pk,
        IdentifierForm,
        _("Aggiungi un documento"),
        lambda person, data: identifier_add(actor=request.user, person=person, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _subform(
        request,
        pk,
        ConsentForm,
        _("Registra un consenso o una base giuridica"),
        lambda person, data: consent_record(actor=request.user, person=person, **data),
    )


@login_required
@require_POST
def consent_withdraw_view(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    consent = get_object_or_404(person.consents, pk=consent_pk)
    try:
        consent_withdraw(actor=request.user, consent=consent)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Consenso revocato."))
    return redirect("people:detail", pk=person.pk)
