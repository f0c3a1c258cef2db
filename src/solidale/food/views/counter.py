"""The counter: a card scanned or typed, the entitlement left, the goods given — on a phone.

Volunteers reach these pages only while on duty at the point (``food.distribution``
shift); the pages show what the counter needs: name, household size, card status and
entitlement — never case notes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from solidale.core.errors import DomainError

from .. import selectors, services
from ..forms import AnonymousForm, CounterForm
from ..models import AnonymousDistribution, Card, CardStatus, Distribution, Item, Warehouse
from ..permissions import (
    can_use_counter,
    get_counter_card,
    get_counter_point,
    membership_of,
    points_of,
)
from ..services import ItemLine
from .common import card_viewed


@login_required
@require_GET
def counter_home(request: HttpRequest) -> HttpResponse:
    """The counters the user may open now (a volunteer's only while on duty there)."""
    if membership_of(request.user) is None:
        raise Http404
    points = [point for point in points_of(request.user) if can_use_counter(request.user, point)]
    return render(request, "food/counter_home.html", {"points": points})


@login_required
@require_GET
def counter(request: HttpRequest, point_id: int) -> HttpResponse:
    """Scan or type a card code, or search the holder's name."""
    point = get_counter_point(request.user, point_id)
    code = request.GET.get("code", "").strip().upper()
    if "/c/" in code:  # a scanner that typed the whole QR URL
        code = code.rstrip("/").rsplit("/", 1)[-1]
    not_found = False
    if code:
        if Card.objects.filter(code=code, program__points=point).exists():
            return redirect("food:counter_card", point_id=point.pk, code=code)
        not_found = True
    query = request.GET.get("q", "").strip()
    results = []
    if len(query) >= 2:
        results = list(
            Card.objects.filter(program__points=point, holder__family_name__istartswith=query)
            .exclude(status=CardStatus.CLOSED)
            .select_related("holder", "program")[:10]
        )
    today = timezone.localdate()
    return render(
        request,
        "food/counter.html",
        {
            "point": point,
            "code": code,
            "not_found": not_found,
            "q": query,
            "results": results,
            "today_count": Distribution.objects.filter(point=point, day=today).count(),
        },
    )


def _point_items(warehouse: Warehouse | None) -> list[Item]:
    if warehouse is None:
        return []
    lines = selectors.warehouse_stock(warehouse)
    return [line.item for line in lines if line.quantity > 0]


@login_required
@require_http_methods(["GET", "POST"])
def counter_card(request: HttpRequest, point_id: int, code: str) -> HttpResponse:
    point = get_counter_point(request.user, point_id)
    card = get_counter_card(point, code)
    warehouse = Warehouse.objects.filter(point=point).first()
    items = _point_items(warehouse)
    form = CounterForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.distribution_record(
                actor=request.user,
                point=point,
                card=card,
                quantity=data["quantity"],
                items=[ItemLine(item, quantity) for item, quantity in form.item_lines()],
                collected_by=data["collected_by"],
                delegate_name=data["delegate_name"],
                override_reason=data["override_reason"],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Distribuzione registrata per la tessera %(code)s.") % {"code": card.code},
            )
            return redirect("food:counter", point_id=point.pk)
    else:
        card_viewed(request, card, purpose="food.counter")
    return render(
        request,
        "food/counter_card.html",
        {
            "point": point,
            "card": card,
            "status": services.counter_status(card=card, point=point),
            "form": form,
            "stock": [line for line in selectors.warehouse_stock(warehouse) if line.quantity > 0]
            if warehouse
            else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def counter_emergency(request: HttpRequest, point_id: int) -> HttpResponse:
    """Emergency mode: count anonymous distributions by kind, age band and sex."""
    point = get_counter_point(request.user, point_id)
    form = AnonymousForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.anonymous_distribution_record(
                actor=request.user,
                point=point,
                kind=data["kind"],
                count=data["count"],
                age_band=data["age_band"] or "",
                sex=data["sex"] or "",
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Registrato."))
            return redirect("food:counter_emergency", point_id=point.pk)
    today = AnonymousDistribution.objects.filter(point=point, day=timezone.localdate())
    return render(
        request,
        "food/counter_emergency.html",
        {
            "point": point,
            "form": form,
            "counts": selectors.anonymous_counts(today),
        },
        status=400 if request.method == "POST" else 200,
    )
