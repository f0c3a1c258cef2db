"""Home meal rounds: delivery schedules, route planning with OR-Tools, stop outcomes.

Routes are a capacitated vehicle routing problem with time windows, solved by OR-Tools
over a distance matrix. The default matrix is the great-circle (haversine) distance
between the recipients' coordinates; a road-distance provider (OSRM, Valhalla…) can be
plugged in through :data:`distance_provider` without touching the solver.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.people.models import Person

from .models import (
    Card,
    CardStatus,
    DistributionPoint,
    MealRecipient,
    ProgramKind,
    Round,
    RoundStop,
    StopOutcome,
)
from .permissions import can_use_counter
from .services import require_manager_of

Coordinate = tuple[float, float]
#: Average speed in town, for travel times (metres per minute: 25 km/h).
SPEED_M_PER_MIN = 25_000 / 60
#: Minutes spent at each door.
SERVICE_MIN = 4
#: Minutes the round may last at most.
HORIZON_MIN = 5 * 60
MISSED_ALERT = 2


def haversine_m(a: Coordinate, b: Coordinate) -> int:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6_371_000 * math.asin(math.sqrt(h)))


def haversine_matrix(points: Sequence[Coordinate]) -> list[list[int]]:
    return [[haversine_m(a, b) for b in points] for a in points]


#: ``points -> metres matrix``; replace with a road-distance provider when one is available.
distance_provider: Callable[[Sequence[Coordinate]], list[list[int]]] = haversine_matrix


@dataclass(frozen=True)
class Stop:
    at: Coordinate
    demand: int
    window: tuple[int, int]  # minutes after the departure


@dataclass(frozen=True)
class RoutePlan:
    routes: list[list[tuple[int, int]]]  # per vehicle: (stop index, arrival minute)
    distance_m: int
    dropped: list[int]


def solve_routes(
    *,
    depot: Coordinate,
    stops: Sequence[Stop],
    vehicles: int,
    capacity: int,
    time_limit_s: float = 2.0,
    matrix: list[list[int]] | None = None,
) -> RoutePlan:
    """Vehicle routing with capacity and time windows; unreachable stops are dropped."""
    if not stops:
        return RoutePlan([[] for _ in range(vehicles)], 0, [])
    distances = matrix or distance_provider([depot, *(stop.at for stop in stops)])
    manager = pywrapcp.RoutingIndexManager(len(distances), vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(from_index: int, to_index: int) -> int:
        return distances[manager.IndexToNode(from_index)][manager.IndexToNode(to_index)]

    def travel(from_index: int, to_index: int) -> int:
        node = manager.IndexToNode(from_index)
        metres = distances[node][manager.IndexToNode(to_index)]
        return math.ceil(metres / SPEED_M_PER_MIN) + (SERVICE_MIN if node else 0)

    def demand(index: int) -> int:
        node = manager.IndexToNode(index)
        return stops[node - 1].demand if node else 0

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(distance))
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(demand), 0, [capacity] * vehicles, True, "load"
    )
    routing.AddDimension(routing.RegisterTransitCallback(travel), 60, HORIZON_MIN, True, "time")
    clock = routing.GetDimensionOrDie("time")
    for node, stop in enumerate(stops, start=1):
        index = manager.NodeToIndex(node)
        clock.CumulVar(index).SetRange(max(stop.window[0], 0), min(stop.window[1], HORIZON_MIN))
        routing.AddDisjunction([index], 1_000_000)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(max(int(time_limit_s * 1000), 100))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        raise DomainError(_("Nessun percorso possibile con questi mezzi e orari."))
    routes: list[list[tuple[int, int]]] = []
    total = 0
    served: set[int] = set()
    for vehicle in range(vehicles):
        index = routing.Start(vehicle)
        route = []
        while not routing.IsEnd(index):
            following = solution.Value(routing.NextVar(index))
            node = manager.IndexToNode(index)
            if node:
                route.append((node - 1, solution.Min(clock.CumulVar(index))))
                served.add(node - 1)
            total += distances[node][manager.IndexToNode(following)]
            index = following
        routes.append(route)
    return RoutePlan(routes, total, [i for i in range(len(stops)) if i not in served])


def _minutes_after(start: time, moment: time) -> int:
    return (moment.hour * 60 + moment.minute) - (start.hour * 60 + start.minute)


def recipients_due(kitchen: DistributionPoint, day: date) -> list[MealRecipient]:
    weekday = str(day.isoweekday())
    return [
        recipient
        for recipient in MealRecipient.objects.filter(
            is_active=True,
            card__status=CardStatus.ACTIVE,
            card__valid_until__gte=day,
            card__program__kind=ProgramKind.HOME_MEALS,
            card__program__points=kitchen,
        )
        .select_related("person")
        .order_by("pk")
        if weekday in recipient.weekdays
    ]


@transaction.atomic
def meal_recipient_add(
    *, actor: Any, card: Card, person: Person, data: dict[str, Any]
) -> MealRecipient:
    require_manager_of(actor, card.program.organization_id)
    if card.program.kind != ProgramKind.HOME_MEALS:
        raise DomainError(_("La tessera non è di un programma di pasti a domicilio."), field="card")
    if not card.household.members.filter(person=person, end_date__isnull=True).exists():
        raise DomainError(_("La persona non fa parte del nucleo della tessera."), field="person")
    weekdays = "".join(sorted(set(str(data.get("weekdays", "")))))
    if not weekdays or not set(weekdays) <= set("1234567"):
        raise DomainError(_("Indica i giorni con i numeri da 1 a 7."), field="weekdays")
    recipient = MealRecipient(card=card, person=person, **{**data, "weekdays": weekdays})
    recipient.full_clean(exclude=["card", "person"], validate_constraints=False)
    if recipient.window_end <= recipient.window_start:
        raise DomainError(_("La fascia oraria deve finire dopo l'inizio."), field="window_end")
    recipient.save()
    audit_record(actor=actor, action=Action.CREATE, obj=recipient, person_id=person.pk)
    return recipient


@transaction.atomic
def round_plan(
    *,
    actor: Any,
    kitchen: DistributionPoint,
    day: date,
    vehicles: int,
    capacity: int,
    start_time: time,
    time_limit_s: float = 2.0,
) -> Round:
    """Plan (or plan again, while no stop is confirmed) the day's round from the kitchen."""
    require_manager_of(actor, kitchen.organization_id)
    if kitchen.latitude is None or kitchen.longitude is None:
        raise DomainError(_("La cucina non ha coordinate."), field="kitchen")
    if not 1 <= vehicles <= 20:
        raise DomainError(_("Da 1 a 20 mezzi."), field="vehicles")
    if not 1 <= capacity <= 500:
        raise DomainError(_("Da 1 a 500 pasti per mezzo."), field="capacity")
    existing = Round.objects.select_for_update().filter(kitchen=kitchen, day=day).first()
    if existing is not None:
        if existing.stops.exclude(outcome="").exists():
            raise ConflictError(_("Il giro è già iniziato: non si può ripianificare."))
        existing.delete()
    recipients = recipients_due(kitchen, day)
    stops = [
        Stop(
            at=(recipient.latitude, recipient.longitude),
            demand=recipient.meals,
            window=(
                _minutes_after(start_time, recipient.window_start),
                _minutes_after(start_time, recipient.window_end),
            ),
        )
        for recipient in recipients
    ]
    plan = solve_routes(
        depot=(kitchen.latitude, kitchen.longitude),
        stops=stops,
        vehicles=vehicles,
        capacity=capacity,
        time_limit_s=time_limit_s,
    )
    round_ = Round.objects.create(
        kitchen=kitchen,
        day=day,
        vehicles=vehicles,
        capacity=capacity,
        start_time=start_time,
        distance_m=plan.distance_m,
        planned_by=actor,
    )
    departure = datetime.combine(day, start_time)
    RoundStop.objects.bulk_create(
        RoundStop(
            round=round_,
            recipient=recipients[stop_index],
            vehicle=vehicle + 1,
            sequence=sequence,
            eta=(departure + timedelta(minutes=minute)).time(),
        )
        for vehicle, route in enumerate(plan.routes)
        for sequence, (stop_index, minute) in enumerate(route, start=1)
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=round_,
        changes={"stops": len(recipients) - len(plan.dropped), "dropped": len(plan.dropped)},
    )
    return round_


@transaction.atomic
def stop_outcome_record(*, actor: Any, stop: RoundStop, outcome: str) -> RoundStop:
    """The driver confirms a stop; a second "not at home" in a row alerts the social worker."""
    kitchen = stop.round.kitchen
    if actor is not None and not can_use_counter(actor, kitchen):
        raise PermissionDeniedError(_("Non sei in turno per questo giro."))
    if outcome not in (StopOutcome.DELIVERED, StopOutcome.NOT_HOME, StopOutcome.REFUSED):
        raise DomainError(_("Esito sconosciuto."), field="outcome")
    if not RoundStop.objects.filter(pk=stop.pk, outcome="").update(
        outcome=outcome, recorded_at=timezone.now(), recorded_by=actor
    ):
        raise ConflictError(_("L'esito di questa consegna è già stato registrato."))
    recipients = MealRecipient.objects.filter(pk=stop.recipient_id)
    if outcome == StopOutcome.NOT_HOME:
        recipients.update(missed_in_a_row=F("missed_in_a_row") + 1)
    else:
        recipients.update(missed_in_a_row=0)
    recipient = recipients.select_related("person", "social_worker").get()
    if outcome == StopOutcome.NOT_HOME and recipient.missed_in_a_row == MISSED_ALERT:
        notify(
            users=[recipient.social_worker],
            kind="food.not_home",
            title=_("Pasti a domicilio: nessuno risponde per la seconda volta"),
            body=_("%(person)s non era in casa in due consegne di fila. Verifica che stia bene.")
            % {"person": recipient.person},
            url=reverse("food:meal_recipient_list"),
        )
    stop.refresh_from_db()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=stop.round,
        person_id=recipient.person_id,
        changes={"stop": stop.pk, "outcome": outcome},
    )
    return stop
