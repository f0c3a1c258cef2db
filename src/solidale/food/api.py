"""The food API, mounted at ``/api/v1/food/``: programs, enrolments (cards), distributions
(an association's own tool pushes them), stock movements and meal rounds — over the same
services and scoping as the pages."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.people.models import Household, Person

from . import rounds, services, stock
from .models import Card, Distribution, Item, Movement, Program, Round, RoundStop
from .permissions import (
    cards_managed_by,
    distributions_visible_to,
    get_card_for_user,
    get_counter_card,
    get_counter_point,
    get_program_for_user,
    get_round_for_user,
    get_warehouse_for_user,
    is_manager,
    points_of,
    programs_managed_by,
    rounds_visible_to,
)
from .services import ItemLine

router = Router(tags=["food"])


def _require_manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDeniedError(_("Riservato agli operatori delle organizzazioni."))


# --- Schemas --------------------------------------------------------------------------------


class EntitlementOut(Schema):
    household_size: int
    quantity: int


class ProgramOut(Schema):
    id: int
    name: str
    kind: str
    unit: str
    isee_ceiling: Decimal | None
    min_household_size: int
    max_household_size: int | None
    residence_municipality: str
    validity_months: int
    max_per_day: int
    min_interval_days: int
    exclusive_group: str
    presence_required: bool
    entitlements: list[EntitlementOut]
    point_ids: list[int]


class CardOut(Schema):
    id: int
    code: str
    program_id: int
    household_id: int
    holder_id: int
    holder: str
    household_size: int
    status: str
    valid_from: date
    valid_until: date
    eligibility: list[dict[str, Any]]


class CardIn(Schema):
    household_id: int
    holder_id: int
    isee: Decimal | None = Field(None, ge=0)
    exception_reason: str = ""
    delegate_name: str = Field("", max_length=150)


class CounterStatusOut(Schema):
    code: str
    holder: str
    household_size: int
    status: str
    valid_until: date
    entitlement: int
    left: int
    problems: list[str]
    warnings: list[str]


class ItemQuantity(Schema):
    item_id: int
    quantity: Decimal


class DistributionIn(Schema):
    point_id: int
    card_code: str = Field(..., max_length=12)
    quantity: int
    items: list[ItemQuantity] = []
    collected_by: str = "holder"
    delegate_name: str = ""
    override_reason: str = ""
    day: date | None = Field(None, description="For a distribution of an earlier day.")


class DistributionOut(Schema):
    id: int
    card_code: str
    program_id: int
    point_id: int
    organization: str
    day: date
    quantity: int
    household_size: int
    collected_by: str
    warnings: list[str]


class DistributionFilters(Schema):
    start: date | None = None
    end: date | None = None


class MovementOut(Schema):
    id: int
    at: datetime
    kind: str
    item: str
    lot_id: int
    expiry: date | None
    source: str
    quantity: Decimal
    reason: str
    reference: str


class DonationLineIn(Schema):
    item_id: int
    quantity: Decimal
    expiry: date | None = None


class DonationIn(Schema):
    donor: str = Field(..., max_length=150)
    source: str
    received_on: date | None = None
    lines: list[DonationLineIn]


class IssueIn(Schema):
    item_id: int
    quantity: Decimal
    reason: str = Field(..., max_length=255)
    reference: str = Field("", max_length=100)


class StopOut(Schema):
    id: int
    vehicle: int
    sequence: int
    eta: time | None
    person: str
    address: str
    latitude: float
    longitude: float
    outcome: str


class RoundOut(Schema):
    id: int
    kitchen_id: int
    day: date
    vehicles: int
    capacity: int
    distance_m: int
    stops: list[StopOut]


class RoundIn(Schema):
    kitchen_id: int
    day: date
    vehicles: int = 1
    capacity: int = 30
    start_time: time = time(11, 0)


class OutcomeIn(Schema):
    outcome: str


# --- Serializers ----------------------------------------------------------------------------


def _program(program: Program) -> dict[str, Any]:
    return {
        **{
            name: getattr(program, name)
            for name in (
                "id",
                "name",
                "kind",
                "unit",
                "isee_ceiling",
                "min_household_size",
                "max_household_size",
                "residence_municipality",
                "validity_months",
                "max_per_day",
                "min_interval_days",
                "exclusive_group",
                "presence_required",
            )
        },
        "entitlements": [
            {"household_size": row.household_size, "quantity": row.quantity}
            for row in program.entitlements.all()
        ],
        "point_ids": [point.pk for point in program.points.all()],
    }


def _card(card: Card) -> dict[str, Any]:
    return {
        "id": card.pk,
        "code": card.code,
        "program_id": card.program_id,
        "household_id": card.household_id,
        "holder_id": card.holder_id,
        "holder": str(card.holder),
        "household_size": card.household_size,
        "status": card.status,
        "valid_from": card.valid_from,
        "valid_until": card.valid_until,
        "eligibility": card.eligibility,
    }


def _distribution(distribution: Distribution) -> dict[str, Any]:
    return {
        "id": distribution.pk,
        "card_code": distribution.card.code,
        "program_id": distribution.program_id,
        "point_id": distribution.point_id,
        "organization": distribution.organization.name,
        "day": distribution.day,
        "quantity": distribution.quantity,
        "household_size": distribution.household_size,
        "collected_by": distribution.collected_by,
        "warnings": distribution.warnings,
    }


def _movement(movement: Movement) -> dict[str, Any]:
    return {
        "id": movement.pk,
        "at": movement.at,
        "kind": movement.kind,
        "item": movement.lot.item.name,
        "lot_id": movement.lot_id,
        "expiry": movement.lot.expiry,
        "source": movement.lot.source,
        "quantity": movement.quantity,
        "reason": movement.reason,
        "reference": movement.reference,
    }


def _round(planned: Round) -> dict[str, Any]:
    return {
        "id": planned.pk,
        "kitchen_id": planned.kitchen_id,
        "day": planned.day,
        "vehicles": planned.vehicles,
        "capacity": planned.capacity,
        "distance_m": planned.distance_m,
        "stops": [
            {
                "id": stop.pk,
                "vehicle": stop.vehicle,
                "sequence": stop.sequence,
                "eta": stop.eta,
                "person": str(stop.recipient.person),
                "address": stop.recipient.address,
                "latitude": stop.recipient.latitude,
                "longitude": stop.recipient.longitude,
                "outcome": stop.outcome,
            }
            for stop in planned.stops.select_related("recipient__person")
        ],
    }


def _item(item_id: int, field: str) -> Item:
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("Articolo inesistente."), field=field)
    return item


# --- Programs and enrolments ----------------------------------------------------------------


@router.get("/programs", response=list[ProgramOut], summary="The programs your organization runs")
def program_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_manager(request)
    programs = programs_managed_by(request.user).prefetch_related("entitlements", "points")
    return [_program(program) for program in programs]


@router.get("/programs/{int:program_id}", response=ProgramOut, summary="One program")
def program_detail(request: HttpRequest, program_id: int) -> dict[str, Any]:
    _require_manager(request)
    return _program(get_program_for_user(request.user, program_id))


@router.post(
    "/programs/{int:program_id}/enrollments",
    response={201: CardOut},
    summary="Enrol a household after the eligibility check; issues its card",
)
def enrollment_create(request: HttpRequest, program_id: int, payload: CardIn) -> Status:
    _require_manager(request)
    program = get_program_for_user(request.user, program_id)
    visible = Person.objects.visible_to(request.user)
    holder = visible.filter(pk=payload.holder_id).first()
    if holder is None:
        raise DomainError(_("Persona inesistente o non visibile."), field="holder_id")
    household = Household.objects.filter(
        pk=payload.household_id, members__person=holder, members__end_date__isnull=True
    ).first()
    if household is None:
        raise DomainError(_("L'intestatario deve far parte del nucleo."), field="household_id")
    card = services.card_issue(
        actor=request.user,
        program=program,
        household=household,
        holder=holder,
        isee=payload.isee,
        exception_reason=payload.exception_reason,
        delegate_name=payload.delegate_name,
    )
    return Status(201, _card(card))


@router.get("/enrollments", response=list[CardOut], summary="Cards of your programs")
def enrollment_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_manager(request)
    cards = cards_managed_by(request.user).select_related("holder").order_by("-pk")[:500]
    return [_card(card) for card in cards]


@router.get("/enrollments/{int:card_id}", response=CardOut, summary="One card")
def enrollment_detail(request: HttpRequest, card_id: int) -> dict[str, Any]:
    _require_manager(request)
    card = get_card_for_user(request.user, card_id)
    return _card(card)


# --- Distributions --------------------------------------------------------------------------


@router.get(
    "/points/{int:point_id}/cards/{code}",
    response=CounterStatusOut,
    summary="What the counter shows for a card: entitlement left, problems, warnings",
)
def counter_status(request: HttpRequest, point_id: int, code: str) -> dict[str, Any]:
    point = get_counter_point(request.user, point_id)
    card = get_counter_card(point, code)
    status = services.counter_status(card=card, point=point)
    return {
        "code": card.code,
        "holder": str(card.holder),
        "household_size": card.household_size,
        "status": card.status,
        "valid_until": card.valid_until,
        "entitlement": status.entitlement,
        "left": status.left,
        "problems": status.problems,
        "warnings": status.warnings,
    }


@router.post(
    "/distributions",
    response={201: DistributionOut},
    summary="Register a distribution at a point (the same checks as the counter)",
)
def distribution_create(request: HttpRequest, payload: DistributionIn) -> Status:
    point = get_counter_point(request.user, payload.point_id)
    card = get_counter_card(point, payload.card_code)
    distribution = services.distribution_record(
        actor=request.user,
        point=point,
        card=card,
        quantity=payload.quantity,
        items=[ItemLine(_item(line.item_id, "items"), line.quantity) for line in payload.items],
        collected_by=payload.collected_by,
        delegate_name=payload.delegate_name,
        override_reason=payload.override_reason,
        day=payload.day,
    )
    return Status(201, _distribution(distribution))


@router.get(
    "/distributions", response=list[DistributionOut], summary="Distributions at your points"
)
def distribution_list(
    request: HttpRequest, filters: Query[DistributionFilters]
) -> list[dict[str, Any]]:
    _require_manager(request)
    distributions = distributions_visible_to(request.user).select_related("card", "organization")
    if filters.start:
        distributions = distributions.filter(day__gte=filters.start)
    if filters.end:
        distributions = distributions.filter(day__lte=filters.end)
    return [_distribution(distribution) for distribution in distributions[:1000]]


# --- Stock ----------------------------------------------------------------------------------


@router.get(
    "/warehouses/{int:warehouse_id}/movements",
    response=list[MovementOut],
    summary="The latest stock movements of one of your warehouses",
)
def movement_list(request: HttpRequest, warehouse_id: int) -> list[dict[str, Any]]:
    _require_manager(request)
    warehouse = get_warehouse_for_user(request.user, warehouse_id)
    movements = Movement.objects.filter(lot__warehouse=warehouse).select_related("lot__item")
    return [_movement(movement) for movement in movements[:500]]


@router.post(
    "/warehouses/{int:warehouse_id}/donations",
    response={201: list[MovementOut]},
    summary="Goods in: a donation or purchase, by source, one lot per line",
)
def donation_create(request: HttpRequest, warehouse_id: int, payload: DonationIn) -> Status:
    _require_manager(request)
    warehouse = get_warehouse_for_user(request.user, warehouse_id)
    donation = stock.donation_record(
        actor=request.user,
        warehouse=warehouse,
        donor=payload.donor,
        source=payload.source,
        received_on=payload.received_on,
        lines=[
            stock.IncomingLine(_item(line.item_id, "lines"), line.quantity, line.expiry)
            for line in payload.lines
        ],
    )
    movements = Movement.objects.filter(lot__donation=donation).select_related("lot__item")
    return Status(201, [_movement(movement) for movement in movements])


@router.post(
    "/warehouses/{int:warehouse_id}/issues",
    response={201: list[MovementOut]},
    summary="Goods out for another service (first expiry first out)",
)
def issue_create(request: HttpRequest, warehouse_id: int, payload: IssueIn) -> Status:
    _require_manager(request)
    warehouse = get_warehouse_for_user(request.user, warehouse_id)
    movements = stock.goods_issue(
        actor=request.user,
        warehouse=warehouse,
        item=_item(payload.item_id, "item_id"),
        quantity=payload.quantity,
        reason=payload.reason,
        reference=payload.reference,
    )
    return Status(201, [_movement(movement) for movement in movements])


# --- Rounds ---------------------------------------------------------------------------------


@router.get("/rounds", response=list[RoundOut], summary="Home meal rounds of your kitchens")
def round_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_manager(request)
    return [_round(planned) for planned in rounds_visible_to(request.user)[:60]]


@router.post("/rounds", response={201: RoundOut}, summary="Plan the day's round with OR-Tools")
def round_create(request: HttpRequest, payload: RoundIn) -> Status:
    _require_manager(request)
    kitchen = points_of(request.user).filter(pk=payload.kitchen_id).first()
    if kitchen is None:
        raise DomainError(_("Cucina inesistente."), field="kitchen_id")
    planned = rounds.round_plan(
        actor=request.user,
        kitchen=kitchen,
        day=payload.day,
        vehicles=payload.vehicles,
        capacity=payload.capacity,
        start_time=payload.start_time,
    )
    return Status(201, _round(planned))


@router.get("/rounds/{int:round_id}", response=RoundOut, summary="One round, stops in order")
def round_detail(request: HttpRequest, round_id: int) -> dict[str, Any]:
    _require_manager(request)
    return _round(get_round_for_user(request.user, round_id))


@router.post(
    "/stops/{int:stop_id}/outcome",
    response=StopOut,
    summary="The driver confirms a stop: delivered, not at home, refused",
)
def stop_outcome(request: HttpRequest, stop_id: int, payload: OutcomeIn) -> dict[str, Any]:
    _require_manager(request)
    stop = (
        RoundStop.objects.filter(pk=stop_id, round__in=rounds_visible_to(request.user))
        .select_related("round__kitchen", "recipient__person")
        .first()
    )
    if stop is None:
        raise Http404
    stop = rounds.stop_outcome_record(actor=request.user, stop=stop, outcome=payload.outcome)
    recipient = stop.recipient
    return {
        "id": stop.pk,
        "vehicle": stop.vehicle,
        "sequence": stop.sequence,
        "eta": stop.eta,
        "person": str(recipient.person),
        "address": recipient.address,
        "latitude": recipient.latitude,
        "longitude": recipient.longitude,
        "outcome": stop.outcome,
    }
