"""Programs, enrolment and cards (tessere) with their printable QR code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError
from solidale.people.models import Household, HouseholdMember, Person
from solidale.referrals.charts import bar_chart

from .. import selectors, services
from ..forms import CardForm, ProgramEditForm, ProgramForm, ReasonForm, RenewForm
from ..models import CardStatus, Distribution, Program
from ..permissions import (
    can_create_program,
    can_decide_exceptions,
    can_use_counter,
    cards_managed_by,
    get_card_for_user,
    get_program_for_user,
    is_manager,
    membership_of,
    points_of,
    programs_managed_by,
    warehouses_of,
)
from ..qr import card_qr_svg
from .common import card_viewed, export_url, require, require_manager
from .counter import counter_card


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where food work starts: the counters the user may open, programs, stock alerts."""
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    counters = [point for point in points_of(request.user) if can_use_counter(request.user, point)]
    context = {"counters": counters, "is_manager": is_manager(request.user)}
    if is_manager(request.user):
        warehouses = warehouses_of(request.user)
        context.update(
            programs=selectors.program_list_for(programs_managed_by(request.user)),
            low_stock=selectors.low_stock(warehouses),
            expiring=selectors.expiring_lots(warehouses),
        )
    return render(request, "food/home.html", context)


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return render(
        request,
        "food/program_list.html",
        {
            "programs": selectors.program_list_for(programs_managed_by(request.user)),
            "can_create": can_create_program(request.user),
        },
    )


def _program_input(form: ProgramForm) -> dict[str, Any]:
    """The form's rules, entitlement table and points, as the program services take them."""
    data = dict(form.cleaned_data)
    return {
        "entitlements": data.pop("entitlements"),
        "points": list(data.pop("points")),
        "data": data,
    }


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    require(can_create_program(request.user))
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(
                actor=request.user,
                organization_id=membership_of(request.user).organization_id,
                **_program_input(form),
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Programma creato."))
            return redirect("food:program_detail", pk=program.pk)
    return render(request, "food/program_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def program_update(request: HttpRequest, pk: int) -> HttpResponse:
    """The rules of a program, from now on (past distributions stay as recorded)."""
    require_manager(request)
    program = get_program_for_user(request.user, pk)
    require(can_create_program(request.user))
    form = ProgramEditForm(request.POST or None, initial=ProgramEditForm.initial_for(program))
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(actor=request.user, program=program, **_program_input(form))
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Programma modificato."))
            return redirect("food:program_detail", pk=program.pk)
    return render(
        request,
        "food/program_form.html",
        {"form": form, "program": program},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    program = get_program_for_user(request.user, pk)
    distributions = Distribution.objects.filter(program=program)
    months = selectors.monthly_figures(distributions)
    labels = [figure.month.strftime("%m/%Y") for figure in months]
    chart = bar_chart(
        labels=labels,
        series=[
            (str(program.get_unit_display()), "quantity", [f.quantity for f in months]),
            (_("nuclei"), "households", [f.households for f in months]),
            (_("persone"), "persons", [f.persons for f in months]),
        ],
        title=_("Ultimi sei mesi"),
    )
    return render(
        request,
        "food/program_detail.html",
        {
            "program": program,
            "entitlements": program.entitlements.all(),
            "points": program.points.select_related("organization"),
            "months": months,
            "chart": chart,
            "by_point": selectors.breakdown(distributions, "point", "point__name"),
            "by_neighbourhood": selectors.breakdown(
                distributions, "household__neighbourhood", "household__neighbourhood__name"
            ),
            "cards": program.cards.select_related("holder").order_by("-created_at")[:50],
            "can_edit": can_create_program(request.user),
        },
    )


def _enrolable(request: HttpRequest, program: Program) -> tuple[Any, Any]:
    """Households with a member the user sees, not yet holding an open card of the program."""
    visible = Person.objects.visible_to(request.user)
    households = Household.objects.filter(
        Exists(
            HouseholdMember.objects.filter(
                household=OuterRef("pk"), end_date__isnull=True, person__in=visible
            )
        )
    ).exclude(pk__in=program.cards.exclude(status=CardStatus.CLOSED).values("household_id"))
    return households, visible


def _holder(household: Household) -> Person | None:
    """The household's head (or its longest-standing member)."""
    members = household.members.filter(end_date__isnull=True).select_related("person")
    head = (
        members.filter(relationship=HouseholdMember.Relationship.HEAD).first()
        or members.order_by("start_date", "pk").first()
    )
    return head.person if head else None


@login_required
@require_http_methods(["GET", "POST"])
def card_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a household: the eligibility check shows each rule passed or failed."""
    require_manager(request)
    program = get_program_for_user(request.user, pk)
    households, persons = _enrolable(request, program)
    form = CardForm(request.POST or None, households=households, persons=persons)
    results = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        holder = data["holder"] or _holder(data["household"])
        results = services.eligibility_check(
            program=program,
            household_size=services.household_size_of(data["household"]),
            isee=data["isee"],
            residence=holder.residence_municipality if holder else "",
        )
        try:
            card = services.card_issue(
                actor=request.user,
                program=program,
                household=data["household"],
                holder=holder,
                isee=data["isee"],
                exception_reason=data["exception_reason"],
                delegate_name=data["delegate_name"],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Nucleo iscritto: stampa la tessera."))
            return redirect("food:card_detail", pk=card.pk)
    return render(
        request,
        "food/card_form.html",
        {
            "program": program,
            "form": form,
            "results": results,
            "can_decide_exceptions": can_decide_exceptions(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def card_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    cards = cards_managed_by(request.user).select_related("program", "holder")
    status = request.GET.get("status", "")
    if status in CardStatus.values:
        cards = cards.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        cards = cards.filter(Q(code__iexact=query) | Q(holder__family_name__icontains=query))
    return render(
        request,
        "food/card_list.html",
        {
            "cards": cards[:200],
            "status": status,
            "q": query,
            "statuses": CardStatus.choices,
            "export_url": export_url("food.cards", status=status),
        },
    )


@login_required
@require_GET
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    card = get_card_for_user(request.user, pk)
    card_viewed(request, card, purpose="food.card_detail")
    return render(
        request,
        "food/card_detail.html",
        {
            "card": card,
            "distributions": card.distributions.select_related("point", "organization")[:50],
            "entitlement": services.entitlement_for(card.program, card.household_size),
            "reason_form": ReasonForm(),
            "renew_form": RenewForm(initial={"isee": card.isee}),
            "expired": card.is_expired(),
        },
    )


@login_required
@require_GET
def card_print(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    card = get_card_for_user(request.user, pk)
    card_viewed(request, card, purpose="food.card_print")
    url = request.build_absolute_uri(reverse("food:card_scan", args=[card.code]))
    return render(
        request, "food/card_print.html", {"card": card, "qr": card_qr_svg(url), "url": url}
    )


def _card_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_manager(request)
    card = get_card_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        if action == "suspend":
            services.card_suspend(actor=request.user, card=card, reason=reason)
            messages.success(request, _("Tessera sospesa."))
        else:
            services.card_reactivate(actor=request.user, card=card, reason=reason)
            messages.success(request, _("Tessera riattivata."))
    except DomainError as error:
        form.is_valid()
        form.add_service_error(error)
        messages.error(request, error.message)
    return redirect("food:card_detail", pk=card.pk)


@login_required
@require_POST
def card_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _card_action(request, pk, "suspend")


@login_required
@require_POST
def card_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _card_action(request, pk, "reactivate")


@login_required
@require_POST
def card_renew(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    card = get_card_for_user(request.user, pk)
    form = RenewForm(request.POST)
    if form.is_valid():
        try:
            services.card_renew(
                actor=request.user,
                card=card,
                isee=form.cleaned_data["isee"],
                exception_reason=form.cleaned_data["exception_reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Tessera rinnovata."))
    else:
        messages.error(request, _("Controlla l'ISEE indicato."))
    return redirect("food:card_detail", pk=card.pk)


@login_required
@require_GET
def card_scan(request: HttpRequest, code: str) -> HttpResponse:
    """Where the card's QR code leads: the counter of the user's point that serves it."""
    points = [
        point
        for point in points_of(request.user)
        .filter(programs__cards__code=code.strip().upper())
        .distinct()
        if can_use_counter(request.user, point)
    ]
    if not points:
        raise Http404
    if len(points) == 1:
        return counter_card(request, point_id=points[0].pk, code=code)
    return render(request, "food/card_scan.html", {"points": points, "code": code.upper()})
