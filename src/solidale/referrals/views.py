"""Referral pages: send from a case/access/online request, detail with actions, inbox and
outbox per organization, statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.cases.models import Case
from solidale.cases.permissions import get_case_for_user
from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.desk.models import Access, OnlineRequest
from solidale.network.models import Service
from solidale.people.models import Person
from solidale.people.permissions import PERSON_FIELDS_BY_FIELDSET

from . import services
from .charts import bar_chart
from .forms import (
    CancelForm,
    CommentForm,
    CompleteForm,
    DeclineForm,
    NoteForm,
    ReferralFilterForm,
    ReferralForm,
    ServiceFilterForm,
)
from .models import SHAREABLE_FIELDSETS, Referral
from .permissions import (
    can_cancel,
    can_comment,
    can_handle,
    can_override_consent,
    can_use_referrals,
    can_view_stats,
    can_work_on,
    comments_for,
    events_for,
    get_referral_for_user,
    is_receiver,
    is_sender,
    shared_fieldsets_for,
    shows_case_details,
)
from .selectors import (
    ReferralFilters,
    referral_list_inbox,
    referral_list_outbox,
    referral_stats,
    service_choices,
)

PAGE_SIZE = 50
SOURCE_PARAMS = ("case", "access", "online_request")
_FIELDSET_TITLES = {"identity": _("Identità"), "contacts": _("Contatti")}


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def require_referrals(request: HttpRequest) -> None:
    """Roles that never handle referrals get the same 404 as an out-of-scope referral."""
    if not can_use_referrals(request.user):
        raise Http404


def _page(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


# --- Sending ------------------------------------------------------------------------------


def _source_for(request: HttpRequest, params: Any) -> Case | Access | OnlineRequest:
    """The case, access or online request named in the request, if the user's organization owns it."""
    organization_id = request.user.membership.organization_id  # type: ignore[union-attr]
    for name in SOURCE_PARAMS:
        value = params.get(name)
        if not value:
            continue
        if not str(value).isdigit():
            raise Http404
        if name == "case":
            return get_case_for_user(request.user, value)
        if name == "access":
            return get_object_or_404(
                Access.objects.select_related("person").filter(organization_id=organization_id),
                pk=value,
            )
        return get_object_or_404(
            OnlineRequest.objects.select_related("person").filter(organization_id=organization_id),
            pk=value,
        )
    raise Http404


def _visible_person(request: HttpRequest, source: Case | Access | OnlineRequest) -> Person:
    person_id = source.person_id
    if (
        person_id is None
        or not Person.objects.visible_to(request.user).filter(pk=person_id).exists()
    ):
        raise Http404
    return source.person  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    """Choose a service (filters by need and neighbourhood, live capacity) and send."""
    require_referrals(request)
    source = _source_for(request, request.POST if request.method == "POST" else request.GET)
    person = _visible_person(request, source)
    filters = ServiceFilterForm(request.GET)
    filters.is_valid()
    chosen = filters.cleaned_data if filters.is_bound else {}
    can_override = can_override_consent(request.user)
    form = ReferralForm(request.POST or None, can_override=can_override)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = Service.objects.filter(pk=data["service"]).first()
        if service is None:
            form.add_error("service", _("Scegli un servizio dall'elenco."))
        else:
            try:
                referral = services.referral_send(
                    actor=request.user,
                    source=source,
                    service=service,
                    reason=data["reason"],
                    urgency=data["urgency"],
                    need=data["need"],
                    shared_fieldsets=data["shared_fieldsets"],
                    summary=data["summary"],
                    show_identity_before_acceptance=data["show_identity_before_acceptance"],
                    legal_basis=data["legal_basis"],
                    override_reason=data.get("override_reason", ""),
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Invio spedito."))
                return redirect("referrals:detail", pk=referral.pk)
    choices = service_choices(
        exclude_organization_id=request.user.membership.organization_id,  # type: ignore[union-attr]
        need=chosen.get("need"),
        neighbourhood_id=getattr(chosen.get("neighbourhood"), "pk", None),
    )
    source_field = next(name for name in SOURCE_PARAMS if _source_matches(source, name))
    context = {
        "form": form,
        "filters": filters,
        "choices": choices,
        "person": person,
        "source": source,
        "source_field": source_field,
        "selected_service": str(form["service"].value() or ""),
    }
    template = "referrals/referral_form.html"
    if is_htmx(request) and request.method == "GET":
        template += "#services"
    return render(request, template, context, status=400 if form.errors else 200)


def _source_matches(source: Any, name: str) -> bool:
    return {"case": Case, "access": Access, "online_request": OnlineRequest}[name] is type(source)


# --- Detail and actions -------------------------------------------------------------------


def _display(person: Person, name: str) -> Any:
    field = Person._meta.get_field(name)
    if getattr(field, "choices", None):
        return getattr(person, f"get_{name}_display")()
    value = getattr(person, name)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    return value if value not in (None, "") else "—"


def _field_label(name: str) -> str:
    return str(cast(Field[Any, Any], Person._meta.get_field(name)).verbose_name)


def _person_sections(
    person: Person, fieldsets: set[str]
) -> list[tuple[str, list[tuple[str, Any]]]]:
    return [
        (
            str(_FIELDSET_TITLES[fieldset]),
            [
                (_field_label(name), _display(person, name))
                for name in PERSON_FIELDS_BY_FIELDSET[fieldset]
            ],
        )
        for fieldset in SHAREABLE_FIELDSETS
        if fieldset in fieldsets
    ]


def _detail_context(request: HttpRequest, referral: Referral, **forms: Any) -> dict[str, Any]:
    user = request.user
    fieldsets = shared_fieldsets_for(user, referral)
    return {
        "referral": referral,
        "sections": _person_sections(referral.person, fieldsets),
        "shows_name": "identity" in fieldsets,
        "shows_details": shows_case_details(user, referral),
        "is_sender": is_sender(user, referral),
        "is_receiver": is_receiver(user, referral),
        "events": events_for(user, referral),
        "comments": list(comments_for(user, referral)),
        "can_handle": can_handle(user, referral),
        "can_work_on": can_work_on(user, referral),
        "can_cancel": can_cancel(user, referral),
        "can_comment": can_comment(user, referral),
        "accept_form": forms.get("accept_form") or NoteForm(prefix="accept"),
        "decline_form": forms.get("decline_form") or DeclineForm(prefix="decline"),
        "start_form": forms.get("start_form") or NoteForm(prefix="start"),
        "complete_form": forms.get("complete_form") or CompleteForm(prefix="complete"),
        "cancel_form": forms.get("cancel_form") or CancelForm(prefix="cancel"),
        "comment_form": forms.get("comment_form") or CommentForm(),
    }


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, pk)
    context = _detail_context(request, referral)
    if context["sections"] or context["shows_details"]:
        audit_record(
            actor=request.user, action=Action.VIEW, obj=referral, person_id=referral.person_id
        )
    return render(request, "referrals/referral_detail.html", context)


def _act(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Any],
    form_key: str,
    prefix: str | None,
    action: Callable[[Referral, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Run one lifecycle action from its form; errors go back next to their fields."""
    referral = get_referral_for_user(request.user, pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            action(referral, form.cleaned_data)
        except PermissionDeniedError as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            if error.field not in form.fields:
                # A lost race or a state that moved on: the form is gone from the page.
                messages.error(request, error.message)
                return redirect("referrals:detail", pk=referral.pk)
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, referral, **{form_key: form})
    return render(request, "referrals/referral_detail.html", context, status=400)


@login_required
@require_POST
def referral_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=NoteForm,
        form_key="accept_form",
        prefix="accept",
        action=lambda referral, data: services.referral_accept(
            actor=request.user, referral=referral, note=data["note"]
        ),
        done=_("Invio accettato: ora è della tua organizzazione."),
    )


@login_required
@require_POST
def referral_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=DeclineForm,
        form_key="decline_form",
        prefix="decline",
        action=lambda referral, data: services.referral_decline(
            actor=request.user, referral=referral, reason=data["reason"], note=data["note"]
        ),
        done=_("Invio rifiutato."),
    )


@login_required
@require_POST
def referral_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=NoteForm,
        form_key="start_form",
        prefix="start",
        action=lambda referral, data: services.referral_start(
            actor=request.user, referral=referral, note=data["note"]
        ),
        done=_("Presa in carico dell'invio iniziata."),
    )


@login_required
@require_POST
def referral_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=CompleteForm,
        form_key="complete_form",
        prefix="complete",
        action=lambda referral, data: services.referral_complete(
            actor=request.user, referral=referral, outcome=data["outcome"], note=data["note"]
        ),
        done=_("Invio concluso: l'esito è stato comunicato a chi ha inviato."),
    )


@login_required
@require_POST
def referral_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=CancelForm,
        form_key="cancel_form",
        prefix="cancel",
        action=lambda referral, data: services.referral_cancel(
            actor=request.user, referral=referral, reason=data["reason"]
        ),
        done=_("Invio ritirato."),
    )


@login_required
@require_POST
def referral_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the thread; an HTMX request gets the re-rendered thread."""
    referral = get_referral_for_user(request.user, pk)
    form = CommentForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.referral_comment_add(
                actor=request.user, referral=referral, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            saved = True
    if saved and not is_htmx(request):
        messages.success(request, _("Messaggio aggiunto."))
        return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, referral, comment_form=None if saved else form)
    template = "referrals/referral_detail.html"
    if is_htmx(request):
        template += "#thread"
    return render(request, template, context, status=200 if saved or is_htmx(request) else 400)


# --- Inbox, outbox, statistics ------------------------------------------------------------


def _list(request: HttpRequest, *, box: str) -> HttpResponse:
    require_referrals(request)
    form = ReferralFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ReferralFilters(
        status=data.get("status", ""),
        urgency=data.get("urgency", ""),
        overdue=bool(data.get("overdue")),
    )
    page = _page(request)
    select = referral_list_inbox if box == "inbox" else referral_list_outbox
    rows = select(
        user=request.user, filters=filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "box": box,
        "form": form,
        "referrals": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(),
    }
    template = "referrals/referral_list.html"
    if is_htmx(request):
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def referral_inbox(request: HttpRequest) -> HttpResponse:
    return _list(request, box="inbox")


@login_required
@require_GET
def referral_outbox(request: HttpRequest) -> HttpResponse:
    return _list(request, box="outbox")


@login_required
@require_GET
def referral_stats_view(request: HttpRequest) -> HttpResponse:
    if not can_view_stats(request.user):
        raise Http404
    stats = referral_stats(user=request.user)
    chart_rows = stats.by_organization[:15]
    chart = bar_chart(
        labels=[row.label for row in chart_rows],
        series=[
            (_("inviati"), "sent", [row.sent for row in chart_rows]),
            (_("accettati"), "accepted", [row.accepted for row in chart_rows]),
            (_("rifiutati"), "declined", [row.declined for row in chart_rows]),
        ],
        title=_("Invii per organizzazione ricevente"),
    )
    return render(request, "referrals/referral_stats.html", {"stats": stats, "chart": chart})
