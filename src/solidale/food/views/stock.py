"""Warehouses, lots and movements; donations, waste, transfers, stock-take; reports by source."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.accounts.models import Organization
from solidale.core.errors import DomainError

from .. import selectors, services, stock
from ..forms import DonationForm, ItemForm, PointForm, ReportForm, TransferForm, WasteForm
from ..models import AnonymousDistribution, Distribution, Item, Movement, StockTake, Warehouse
from ..permissions import (
    get_transfer_for_user,
    get_warehouse_for_user,
    membership_of,
    points_of,
    transfers_visible_to,
    warehouses_of,
)
from .common import export_url, require_figures, require_manager


@login_required
@require_GET
def warehouse_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    warehouses = warehouses_of(request.user).select_related("point")
    return render(
        request,
        "food/warehouse_list.html",
        {
            "warehouses": warehouses,
            "low_stock": selectors.low_stock(warehouses),
            "expiring": selectors.expiring_lots(warehouses),
        },
    )


@login_required
@require_GET
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    warehouse = get_warehouse_for_user(request.user, pk)
    return render(
        request,
        "food/warehouse_detail.html",
        _warehouse_context(warehouse, WasteForm(warehouse=warehouse)),
    )


def _warehouse_context(warehouse: Warehouse, waste_form: WasteForm) -> dict[str, object]:
    return {
        "warehouse": warehouse,
        "stock": selectors.warehouse_stock(warehouse),
        "lots": warehouse.lots.filter(quantity__gt=0).select_related("item", "donation"),
        "movements": Movement.objects.filter(lot__warehouse=warehouse).select_related(
            "lot__item", "actor"
        )[:30],
        "waste_form": waste_form,
        "open_stocktake": warehouse.stocktakes.filter(status=StockTake.Status.OPEN).first(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def donation_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    warehouse = get_warehouse_for_user(request.user, pk)
    form = DonationForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stock.donation_record(
                actor=request.user,
                warehouse=warehouse,
                donor=data["donor"],
                source=data["source"],
                received_on=data["received_on"],
                note=data["note"],
                lines=[
                    stock.IncomingLine(item, quantity, expiry)
                    for item, quantity, expiry in form.lines()
                ],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Carico registrato."))
            return redirect("food:warehouse_detail", pk=warehouse.pk)
    return render(
        request,
        "food/donation_form.html",
        {"warehouse": warehouse, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def waste_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    warehouse = get_warehouse_for_user(request.user, pk)
    form = WasteForm(request.POST, warehouse=warehouse)
    if form.is_valid():
        try:
            stock.waste_record(
                actor=request.user,
                lot=form.cleaned_data["lot"],
                quantity=form.cleaned_data["quantity"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Scarto registrato."))
            return redirect("food:warehouse_detail", pk=warehouse.pk)
    return render(
        request, "food/warehouse_detail.html", _warehouse_context(warehouse, form), status=400
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    warehouse = get_warehouse_for_user(request.user, pk)
    form = TransferForm(request.POST or None, warehouse=warehouse)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stock.transfer_send(
                actor=request.user,
                from_warehouse=warehouse,
                to_warehouse=data["to_warehouse"],
                lines=[(data["lot"], data["quantity"])],
                note=data["note"],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Trasferimento spedito: attende la conferma di ricezione."))
            return redirect("food:transfer_list")
    return render(
        request,
        "food/transfer_form.html",
        {"warehouse": warehouse, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    mine = set(warehouses_of(request.user).values_list("pk", flat=True))
    transfers = (
        transfers_visible_to(request.user)
        .select_related("from_warehouse__organization", "to_warehouse__organization")
        .prefetch_related("lines__lot__item")[:100]
    )
    return render(request, "food/transfer_list.html", {"transfers": transfers, "mine": mine})


@login_required
@require_POST
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    transfer = get_transfer_for_user(request.user, pk)
    try:
        stock.transfer_receive(actor=request.user, transfer=transfer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ricezione confermata: la merce è nel magazzino."))
    return redirect("food:transfer_list")


@login_required
@require_http_methods(["GET", "POST"])
def stocktake(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a stock-take, type the counted quantities, close it: differences are adjusted."""
    require_manager(request)
    warehouse = get_warehouse_for_user(request.user, pk)
    current = warehouse.stocktakes.filter(status=StockTake.Status.OPEN).first()
    error = ""
    if request.method == "POST":
        try:
            if current is None:
                stock.stocktake_start(actor=request.user, warehouse=warehouse)
                messages.success(request, _("Inventario avviato: conta e scrivi le quantità."))
            else:
                counts = {
                    line.pk: request.POST.get(f"line_{line.pk}", "") for line in current.lines.all()
                }
                adjusted = stock.stocktake_close(
                    actor=request.user, stocktake=current, counts=counts
                )
                messages.success(
                    request,
                    _("Inventario chiuso: %(n)s rettifiche registrate.") % {"n": len(adjusted)},
                )
                return redirect("food:warehouse_detail", pk=warehouse.pk)
        except DomainError as failure:
            error = failure.message
        else:
            return redirect("food:stocktake", pk=warehouse.pk)
    lines = current.lines.select_related("lot__item") if current else []
    return render(
        request,
        "food/stocktake.html",
        {"warehouse": warehouse, "stocktake": current, "lines": lines, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Reports by source (FSE+): quantities by product and period, beneficiaries by category."""
    require_figures(request)
    today = timezone.localdate()
    form = ReportForm(request.GET or {"start": today.replace(day=1), "end": today})
    start, end = today.replace(day=1), today
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    membership = membership_of(request.user)
    network = membership.organization.kind == Organization.Kind.COMUNE
    warehouses = (
        Warehouse.objects.all()
        if network
        else Warehouse.objects.filter(organization_id=membership.organization_id)
    )
    distributions = (
        Distribution.objects.all()
        if network
        else Distribution.objects.filter(organization_id=membership.organization_id)
    )
    anonymous = (
        AnonymousDistribution.objects.all()
        if network
        else (AnonymousDistribution.objects.filter(organization_id=membership.organization_id))
    )
    period = distributions.filter(day__gte=start, day__lte=end)
    return render(
        request,
        "food/report.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "network": network,
            "sources": selectors.report_by_source(warehouses, start, end),
            "beneficiaries": selectors.beneficiaries(distributions, anonymous, start, end),
            "by_program": selectors.breakdown(period, "program", "program__name"),
            "by_point": selectors.breakdown(period, "point", "point__name"),
            "by_neighbourhood": selectors.breakdown(
                period, "household__neighbourhood", "household__neighbourhood__name"
            ),
            "anonymous": selectors.anonymous_counts(anonymous.filter(day__gte=start, day__lte=end)),
            "export_url": export_url(
                "food.distributions", start=start.isoformat(), end=end.isoformat()
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_list(request: HttpRequest) -> HttpResponse:
    """The network's shared catalogue; any operator adds an item."""
    require_manager(request)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Articolo aggiunto al catalogo."))
            return redirect("food:item_list")
    return render(
        request,
        "food/item_list.html",
        {"items": Item.objects.all(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def point_list(request: HttpRequest) -> HttpResponse:
    """The organization's distribution points (each with its warehouse)."""
    require_manager(request)
    form = PointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.point_create(
                actor=request.user,
                organization_id=membership_of(request.user).organization_id,
                data=form.cleaned_data,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Punto di distribuzione creato, con il suo magazzino."))
            return redirect("food:point_list")
    return render(
        request,
        "food/point_list.html",
        {"points": points_of(request.user).prefetch_related("programs"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def point_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A point's name, address and place; its warehouse and past distributions stay."""
    require_manager(request)
    point = get_object_or_404(points_of(request.user), pk=pk)
    initial = {name: getattr(point, name) for name in PointForm.base_fields}
    form = PointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.point_update(actor=request.user, point=point, data=form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Punto di distribuzione modificato."))
            return redirect("food:point_list")
    return render(
        request,
        "food/point_form.html",
        {"form": form, "point": point},
        status=400 if request.method == "POST" else 200,
    )
