"""Desk pages: fast intake, accesses, triage queue, and the citizens' online requests."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.accounts.models import User
from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, RateLimitedError
from solidale.core.ratelimit import client_key, rate_limit_hit
from solidale.network.models import NeedCategory
from solidale.people.models import Person
from solidale.people.selectors import person_duplicate_candidates, person_search
from solidale.people.services import DuplicateCodiceFiscale, SimilarPersonsFound

from .forms import (
    AccessEditForm,
    AccessFilterForm,
    FollowUpDoneForm,
    IntakeForm,
    OnlineRequestForm,
    RequestHandleForm,
    RequestStatusForm,
    parse_needs,
)
from .models import OnlineRequest, Urgency
from .permissions import (
    TRIAGE_ROLES,
    can_coordinate,
    can_triage_requests,
    can_use_desk,
    citizen_requests,
    get_access_for_user,
    get_online_request_for_user,
    is_citizen,
    online_requests_visible_to,
)
from .selectors import (
    access_list,
    desk_colleagues,
    online_request_by_code,
    triage_items_by_key,
    triage_queue,
)
from .services import (
    NeedInput,
    access_follow_up_done,
    access_record,
    access_update,
    online_request_set_status,
    online_request_submit,
    triage_assign,
    triage_bulk_assign,
)

PAGE_SIZE = 25
#: Lookups of a tracking code per client and window: codes have 50 random bits, and this
#: keeps guessing them hopeless.
STATUS_LOOKUP_RATE = "30/600"


def require_desk(request: HttpRequest) -> None:
    """Roles that do not work at a desk get the same 404 as an out-of-scope record."""
    if not can_use_desk(request.user):
        raise Http404


def _ip_key(request: HttpRequest) -> str:
    return "ip" + (request.META.get("REMOTE_ADDR") or "unknown")


def _needs_context(needs: list[NeedInput]) -> dict[str, Any]:
    categories = list(NeedCategory.objects.filter(is_active=True))
    names = {category.code: category.name for category in categories}
    chosen = [
        {"code": need.code, "name": names.get(need.code, need.code), "urgency": need.urgency}
        for need in needs
    ]
    return {"need_categories": categories, "chosen_needs": chosen, "urgencies": Urgency.choices}


def _search_context(user: Any, query: str) -> dict[str, Any]:
    persons = person_search(user=user, query=query, limit=8) if query else []
    return {"query": query, "persons": persons}


def _candidates_context(user: Any, candidates: list[Any]) -> list[dict[str, Any]]:
    ids = [candidate.person.pk for candidate in candidates]
    visible = set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = []
    for candidate in candidates:
        person = candidate.person
        initials = " ".join(
            f"{name[0].upper()}." for name in (person.family_name, person.given_name) if name
        )
        rows.append({"person": person, "visible": person.pk in visible, "initials": initials})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Fast intake: find or register the person and record the access, keyboard only."""
    require_desk(request)
    organization = request.user.organization  # type: ignore[union-attr]
    needs: list[NeedInput] = []
    candidates: list[dict[str, Any]] = []
    selected: Person | None = None
    needs_error = ""
    if request.method == "POST":
        form = IntakeForm(request.POST, organization=organization)
        needs = parse_needs(request.POST)
        raw_person = request.POST.get("person") or request.POST.get("person_pick") or ""
        if raw_person.isdigit():
            selected = Person.objects.visible_to(request.user).filter(pk=int(raw_person)).first()
        if form.is_valid():
            try:
                access = access_record(
                    actor=request.user,
                    data=form.access_data(),
                    needs=needs,
                    person=selected,
                    new_person=None if selected else form.new_person_data(),
                    confirm_similar=form.cleaned_data["confirm_similar"],
                )
            except DuplicateCodiceFiscale as error:
                form.add_error("codice_fiscale", error.message)
                candidates = _candidates_context(request.user, [_Candidate(error.existing)])
            except SimilarPersonsFound as error:
                form.add_error("confirm_similar", error.message)
                candidates = _candidates_context(request.user, error.candidates)
            except DomainError as error:
                if error.field == "needs":
                    needs_error = error.message
                elif error.field == "person":
                    form.add_error("unidentified_description", error.message)
                else:
                    form.add_service_error(error)
            else:
                who = str(access.person) if access.person else _("persona non identificata")
                messages.success(
                    request,
                    _("Accesso registrato: %(who)s.") % {"who": who},
                )
                return redirect(f"{request.path}?last={access.pk}")
    else:
        form = IntakeForm(organization=organization)
        first_office = form.fields["office"].queryset.first()  # type: ignore[attr-defined]
        form.fields["office"].initial = first_office
    last = None
    last_pk = request.GET.get("last", "")
    if last_pk.isdigit():
        last = access_list(request.user).filter(pk=int(last_pk)).first()
    context = {
        "form": form,
        "selected": selected,
        "candidates": candidates,
        "needs_error": needs_error,
        "last": last,
        **_needs_context(needs),
    }
    return render(request, "desk/intake.html", context)


class _Candidate:
    """The person already holding a codice fiscale, shaped like a duplicate candidate."""

    def __init__(self, person: Person) -> None:
        self.person = person


@login_required
@require_GET
def intake_search(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type for the intake: results to pick with the arrow keys and Enter."""
    require_desk(request)
    query = request.GET.get("q", "").strip()[:100]
    try:
        rate_limit_hit(
            scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
        )
    except RateLimitedError as error:
        return render(
            request, "desk/intake.html#results", {"rate_message": error.message, "query": query}
        )
    return render(request, "desk/intake.html#results", _search_context(request.user, query))


@login_required
@require_GET
def intake_check(request: HttpRequest) -> HttpResponse:
    """While a new person is typed in: who may already be registered (the duplicate check)."""
    require_desk(request)
    try:
        rate_limit_hit(
            scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
        )
    except RateLimitedError as error:
        return HttpResponse(error.message, status=429, content_type="text/plain; charset=utf-8")
    form = IntakeForm(request.GET, organization=None)
    form.is_valid()
    data = form.cleaned_data
    found: list[Any] = []
    if data.get("family_name") or data.get("given_name") or data.get("codice_fiscale"):
        found = person_duplicate_candidates(
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            birth_date=data.get("birth_date"),
            codice_fiscale=data.get("codice_fiscale"),
        )
    context = {"candidates": _candidates_context(request.user, found), "checked": True}
    return render(request, "desk/intake.html#candidates", context)


@login_required
@require_GET
def access_list_view(request: HttpRequest) -> HttpResponse:
    require_desk(request)
    organization = request.user.organization  # type: ignore[union-attr]
    form = AccessFilterForm(request.GET or None, organization=organization)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(access_list(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if getattr(request, "htmx", False):
        return render(request, "desk/access_list.html#rows", context)
    return render(request, "desk/access_list.html", context)


@login_required
@require_GET
def access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_desk(request)
    access = get_access_for_user(request.user, pk)
    if access.person_id is not None:
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            obj=access,
            person_id=access.person_id,
            purpose="desk.access_detail",
        )
    context = {
        "access": access,
        "access_needs": access.access_needs.select_related("need"),
        "follow_up_form": FollowUpDoneForm(),
    }
    return render(request, "desk/access_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def access_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_desk(request)
    access = get_access_for_user(request.user, pk)
    organization = request.user.organization  # type: ignore[union-attr]
    needs_error = ""
    if request.method == "POST":
        form = AccessEditForm(request.POST, organization=organization)
        needs = parse_needs(request.POST)
        if form.is_valid():
            try:
                access_update(
                    actor=request.user, access=access, data=form.access_data(), needs=needs
                )
            except DomainError as error:
                if error.field == "needs":
                    needs_error = error.message
                else:
                    form.add_service_error(error)
            else:
                messages.success(request, _("Accesso aggiornato."))
                return redirect("desk:access_detail", pk=access.pk)
    else:
        form = AccessEditForm(
            organization=organization,
            initial={
                name: getattr(access, name)
                for name in (
                    "occurred_at",
                    "channel",
                    "referred_by",
                    "request",
                    "information_given",
                    "outcome",
                    "follow_up_on",
                    "privacy_notice_given",
                    "unidentified_description",
                )
            }
            | {"office": access.office_id},
        )
        needs = [
            NeedInput(code=n.need.code, urgency=n.urgency)
            for n in access.access_needs.select_related("need")
        ]
    context = {"form": form, "access": access, "needs_error": needs_error, **_needs_context(needs)}
    return render(request, "desk/access_form.html", context)


@login_required
@require_POST
def access_follow_up_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_desk(request)
    access = get_access_for_user(request.user, pk)
    form = FollowUpDoneForm(request.POST)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    try:
        access_follow_up_done(actor=request.user, access=access, outcome=outcome)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ricontatto segnato come fatto."))
    return redirect("desk:access_detail", pk=access.pk)


@login_required
@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    require_desk(request)
    items = triage_queue(request.user)
    mine = request.GET.get("mine") == "1"
    if mine:
        items = [item for item in items if item.obj.assigned_to_id == request.user.pk]
    context = {
        "items": items,
        "mine": mine,
        "colleagues": desk_colleagues(request.user),
        "can_coordinate": can_coordinate(request.user),
        "first_response_days": settings.SOLIDALE_DESK_FIRST_RESPONSE_DAYS,
    }
    return render(request, "desk/triage.html", context)


def _assignee(request: HttpRequest) -> User | None:
    raw = request.POST.get("assignee", "")
    if raw == "me":
        return request.user  # type: ignore[return-value]
    if not raw.isdigit():
        return None
    return User.objects.filter(pk=int(raw), is_active=True).first()


@login_required
@require_POST
def triage_assign_view(request: HttpRequest) -> HttpResponse:
    """Assign one item (to me, or a coordinator to someone): refused if it changed meanwhile."""
    require_desk(request)
    items = triage_items_by_key(request.user, [request.POST.get("item", "")])
    if not items:
        raise Http404
    expected = request.POST.get("expected", "")
    assignee = _assignee(request)
    if assignee is None and request.POST.get("assignee") != "none":
        messages.error(request, _("Scegli a chi assegnare."))
        return redirect("desk:triage")
    try:
        triage_assign(
            actor=request.user,
            item=items[0],
            assignee=assignee,
            expected_assignee_id=int(expected) if expected.isdigit() else None,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assegnazione registrata."))
    return redirect("desk:triage")


@login_required
@require_POST
def triage_bulk_assign_view(request: HttpRequest) -> HttpResponse:
    require_desk(request)
    if not can_coordinate(request.user):
        raise Http404
    keys = request.POST.getlist("items")
    if not keys:
        messages.error(request, _("Seleziona almeno un elemento della coda."))
        return redirect("desk:triage")
    items = triage_items_by_key(request.user, keys)
    if not items:
        raise Http404
    try:
        assigned, skipped = triage_bulk_assign(
            actor=request.user, items=items, assignee=_assignee(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Assegnati: %(assigned)d. Già assegnati ad altri, lasciati com'erano: %(skipped)d.")
            % {"assigned": assigned, "skipped": skipped},
        )
    return redirect("desk:triage")


# --- Online requests -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Public page: ask for help, for oneself or for someone in difficulty."""
    citizen = cast(User, request.user) if is_citizen(request.user) else None
    rate_message = ""
    if request.method == "POST":
        form = OnlineRequestForm(request.POST)
        try:
            rate_limit_hit(
                scope="online_request",
                key=_ip_key(request),
                rate=settings.SOLIDALE_RATE_LIMIT_PUBLIC,
            )
        except RateLimitedError as error:
            rate_message = error.message
        else:
            if form.is_valid():
                try:
                    online_request = online_request_submit(
                        data=form.request_data(), citizen=citizen
                    )
                except DomainError as error:
                    form.add_service_error(error)
                else:
                    return render(
                        request, "desk/request_sent.html", {"online_request": online_request}
                    )
        status = 429 if rate_message else 200
    else:
        initial = {"contact_email": citizen.email} if citizen is not None else {}
        form = OnlineRequestForm(initial=initial)
        status = 200
    context = {"form": form, "rate_message": rate_message, "citizen": citizen}
    return render(request, "desk/request_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def request_status(request: HttpRequest) -> HttpResponse:
    """Public page: the status of a request by its code. A wrong code gets the same answer
    as an unknown one, and lookups are rate-limited so codes cannot be guessed."""
    found: OnlineRequest | None = None
    not_found = False
    rate_message = ""
    status = 200
    if request.method == "POST":
        form = RequestStatusForm(request.POST)
        try:
            rate_limit_hit(
                scope="online_request_status", key=_ip_key(request), rate=STATUS_LOOKUP_RATE
            )
        except RateLimitedError as error:
            rate_message, status = error.message, 429
        else:
            if form.is_valid():
                found = online_request_by_code(form.cleaned_data["code"])
                not_found = found is None
    else:
        form = RequestStatusForm()
    context = {"form": form, "found": found, "not_found": not_found, "rate_message": rate_message}
    return render(request, "desk/request_status.html", context, status=status)


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    if not is_citizen(request.user):
        raise Http404
    requests = citizen_requests(request.user).select_related("category").order_by("-created_at")
    return render(request, "desk/my_requests.html", {"requests": requests})


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    if not can_triage_requests(request.user):
        raise Http404
    status = request.GET.get("status", "")
    requests = online_requests_visible_to(request.user).select_related("category", "assigned_to")
    if status in OnlineRequest.Status.values:
        requests = requests.filter(status=status)
    page = Paginator(requests.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "statuses": OnlineRequest.Status.choices}
    return render(request, "desk/request_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_triage_requests(request.user):
        raise Http404
    online_request = get_online_request_for_user(request.user, pk)
    if request.method == "POST":
        form = RequestHandleForm(request.POST)
        if form.is_valid():
            try:
                online_request_set_status(
                    actor=request.user,
                    online_request=online_request,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    internal_notes=form.cleaned_data["internal_notes"],
                    urgency=form.cleaned_data["urgency"],
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Richiesta aggiornata."))
                return redirect("desk:request_detail", pk=online_request.pk)
    else:
        form = RequestHandleForm(
            initial={
                "status": online_request.status,
                "urgency": online_request.urgency,
                "answer": online_request.answer,
                "internal_notes": online_request.internal_notes,
            }
        )
    context = {
        "online_request": online_request,
        "form": form,
        "colleagues": desk_colleagues(request.user, roles=TRIAGE_ROLES),
        "can_coordinate": can_coordinate(request.user),
    }
    return render(request, "desk/request_detail.html", context)
