"""What food support contributes to the shared registries: landing page, timeline,
indicators and contacts, "nobody left behind" alerts, duty activities and exports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidale.core.alerts import AlertCandidate
from solidale.core.attention import AttentionItem
from solidale.core.indicators import Contact, Fact
from solidale.core.timeline import TimelineEntry
from solidale.people.models import HouseholdMember

from . import selectors
from .models import (
    AnonymousDistribution,
    CardStatus,
    Distribution,
    DistributionPoint,
    MealRecipient,
    Program,
    ProgramKind,
    RoundStop,
    StopOutcome,
)
from .permissions import (
    cards_managed_by,
    distributions_visible_to,
    is_manager,
    warehouses_of,
)
from .rounds import MISSED_ALERT
from .services import REMINDER_DAYS

# --- Landing page ---------------------------------------------------------------------------


def attention_items(user: Any) -> list[AttentionItem]:
    if not is_manager(user):
        return []
    warehouses = warehouses_of(user)
    items = [
        AttentionItem(
            title=_("Scorta bassa: %(item)s") % {"item": line.item.name},
            detail=_("%(warehouse)s: %(quantity)s (minimo %(minimum)s)")
            % {
                "warehouse": warehouse.name,
                "quantity": line.quantity,
                "minimum": line.item.low_stock_threshold,
            },
            url=reverse("food:warehouse_detail", args=[warehouse.pk]),
            severity="warning",
        )
        for warehouse, line in selectors.low_stock(warehouses)
    ]
    items += [
        AttentionItem(
            title=_("Lotto in scadenza: %(item)s") % {"item": lot.item.name},
            detail=_("%(warehouse)s: %(quantity)s, scade il %(day)s")
            % {
                "warehouse": lot.warehouse.name,
                "quantity": lot.quantity,
                "day": lot.expiry.strftime("%d/%m/%Y") if lot.expiry else "",
            },
            url=reverse("food:warehouse_detail", args=[lot.warehouse_id]),
            severity="danger" if lot.expiry and lot.expiry <= timezone.localdate() else "info",
        )
        for lot in selectors.expiring_lots(warehouses)[:20]
    ]
    today = timezone.localdate()
    expiring = cards_managed_by(user).filter(
        status=CardStatus.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=REMINDER_DAYS),
    )
    items += [
        AttentionItem(
            title=_("Tessera %(code)s da rinnovare") % {"code": card.code},
            detail=_("Scade il %(day)s") % {"day": card.valid_until.strftime("%d/%m/%Y")},
            url=reverse("food:card_detail", args=[card.pk]),
        )
        for card in expiring[:20]
    ]
    return items


# --- Timeline -------------------------------------------------------------------------------


def _households_of(person_ids: list[int]) -> list[int]:
    return list(
        HouseholdMember.objects.filter(person_id__in=person_ids).values_list(
            "household_id", flat=True
        )
    )


def timeline_entries(user: Any, person_ids: list[int]) -> Iterable[TimelineEntry]:
    households = _households_of(person_ids)
    if not households:
        return []
    distributions = (
        distributions_visible_to(user)
        .filter(household_id__in=households)
        .select_related("point", "organization", "program")[:200]
    )
    entries = [
        TimelineEntry(
            at=distribution.at,
            kind="food",
            title=_("Distribuzione: %(program)s") % {"program": distribution.program.name},
            detail=_("%(quantity)s %(unit)s a %(point)s")
            % {
                "quantity": distribution.quantity,
                "unit": distribution.program.get_unit_display(),
                "point": distribution.point.name,
            },
            url=reverse("food:card_detail", args=[distribution.card_id]),
            organization=distribution.organization.name,
        )
        for distribution in distributions
    ]
    cards = cards_managed_by(user).filter(household_id__in=households).select_related("program")
    entries += [
        TimelineEntry(
            at=card.created_at,
            kind="food",
            title=_("Iscrizione a %(program)s") % {"program": card.program.name},
            detail=_("Tessera %(code)s, %(status)s")
            % {"code": card.code, "status": card.get_status_display()},
            url=reverse("food:card_detail", args=[card.pk]),
            organization=card.program.organization.name,
        )
        for card in cards.select_related("program__organization")
    ]
    return entries


# --- Indicators and contacts ----------------------------------------------------------------


def program_key(program_id: int) -> str:
    return f"food.program:{program_id}"


def programs() -> list[tuple[str, str, int | None]]:
    """The food programs the indicators' facts name, for the dashboards' program filter."""
    return [
        (program_key(pk), name, organization_id)
        for pk, name, organization_id in Program.objects.values_list(
            "pk", "name", "organization_id"
        )
    ]


def _distribution_facts(start: date, end: date, kinds: Sequence[str], *, count: bool) -> list[Fact]:
    rows = (
        Distribution.objects.filter(day__gte=start, day__lte=end, program__kind__in=kinds)
        .values("day", "household__neighbourhood_id", "organization_id", "program_id")
        .annotate(value=Count("id") if count else Sum("quantity"))
    )
    return [
        Fact(
            row["day"],
            int(row["value"] or 0),
            row["household__neighbourhood_id"],
            row["organization_id"],
            program_key(row["program_id"]),
        )
        for row in rows
    ]


def parcels_facts(start: date, end: date) -> list[Fact]:
    return _distribution_facts(start, end, [ProgramKind.PARCEL], count=False)


def meals_facts(start: date, end: date) -> list[Fact]:
    facts = _distribution_facts(start, end, [ProgramKind.CANTEEN], count=False)
    delivered: dict[tuple[date, int, int], int] = defaultdict(int)
    for day, organization_id, program_id, meals in RoundStop.objects.filter(
        round__day__gte=start, round__day__lte=end, outcome=StopOutcome.DELIVERED
    ).values_list(
        "round__day",
        "round__kitchen__organization_id",
        "recipient__card__program_id",
        "recipient__meals",
    ):
        delivered[(day, organization_id, program_id)] += meals
    facts += [
        Fact(day, value, None, organization_id, program_key(program_id))
        for (day, organization_id, program_id), value in delivered.items()
    ]
    return facts


def distributions_facts(start: date, end: date) -> list[Fact]:
    return _distribution_facts(start, end, ProgramKind.values, count=True)


def anonymous_facts(start: date, end: date) -> list[Fact]:
    rows = (
        AnonymousDistribution.objects.filter(day__gte=start, day__lte=end)
        .values("day", "neighbourhood_id", "organization_id")
        .annotate(value=Sum("count"))
    )
    return [
        Fact(row["day"], row["value"], row["neighbourhood_id"], row["organization_id"])
        for row in rows
    ]


def households_facts(start: date, end: date) -> list[Fact]:
    """Households reached per day (each counted once a day per organization and program)."""
    seen: dict[tuple[date, int | None, int, int], set[int]] = defaultdict(set)
    for (
        day,
        neighbourhood_id,
        organization_id,
        program_id,
        household_id,
    ) in Distribution.objects.filter(day__gte=start, day__lte=end).values_list(
        "day", "household__neighbourhood_id", "organization_id", "program_id", "household_id"
    ):
        seen[(day, neighbourhood_id, organization_id, program_id)].add(household_id)
    return [
        Fact(day, len(ids), hood, org, program_key(program))
        for (day, hood, org, program), ids in seen.items()
    ]


def contacts(start: date, end: date) -> Iterable[Contact]:
    for person_id, day, organization_id in Distribution.objects.filter(
        day__gte=start, day__lte=end
    ).values_list("card__holder_id", "day", "organization_id"):
        yield Contact(person_id, day, organization_id, "food")
    for person_id, day, organization_id in RoundStop.objects.filter(
        round__day__gte=start, round__day__lte=end, outcome=StopOutcome.DELIVERED
    ).values_list("recipient__person_id", "round__day", "round__kitchen__organization_id"):
        yield Contact(person_id, day, organization_id, "food")


# --- Alert rules ----------------------------------------------------------------------------


def card_expired_with_needs(parameters: dict[str, Any], day: date) -> Iterable[AlertCandidate]:
    for card in selectors.cards_expired_with_needs(day=day, within_days=int(parameters["days"])):
        yield AlertCandidate(
            subject=f"food.card:{card.pk}",
            title=_("Tessera alimentare %(code)s scaduta e non rinnovata") % {"code": card.code},
            reason=_(
                "La tessera di «%(program)s» è scaduta il %(day)s; il nucleo ritirava ancora "
                "negli ultimi 60 giorni di validità e non ha rinnovato."
            )
            % {"program": card.program.name, "day": card.valid_until.strftime("%d/%m/%Y")},
            url=reverse("food:card_detail", args=[card.pk]),
            organization_id=card.program.organization_id,
            person_id=card.holder_id,
        )


def not_home_twice(parameters: dict[str, Any], day: date) -> Iterable[AlertCandidate]:
    recipients = MealRecipient.objects.filter(
        is_active=True, missed_in_a_row__gte=int(parameters["times"])
    ).select_related("card__program")
    for recipient in recipients:
        yield AlertCandidate(
            subject=f"food.meal_recipient:{recipient.pk}",
            title=_("Pasti a domicilio: nessuno apre la porta"),
            reason=_("La persona non era in casa in %(n)s consegne di fila.")
            % {"n": recipient.missed_in_a_row},
            url=reverse("food:meal_recipient_list"),
            organization_id=recipient.card.program.organization_id,
            assignee_id=recipient.social_worker_id,
            person_id=recipient.person_id,
        )


ALERT_DEFAULTS = {"food.card_expired": {"days": 30}, "food.not_home": {"times": MISSED_ALERT}}
ALERT_PARAMETERS: dict[str, dict[str, str | Promise]] = {
    "food.card_expired": {"days": gettext_lazy("Scadute da non più di (giorni)")},
    "food.not_home": {"times": gettext_lazy("Consegne di fila senza risposta")},
}


# --- Duty -----------------------------------------------------------------------------------


def duty_targets(organization_id: int) -> list[tuple[str, str]]:
    return [
        (point.duty_target, point.name)
        for point in DistributionPoint.objects.filter(
            organization_id=organization_id, is_active=True
        )
    ]


def duty_url(target: str) -> str:
    point_id = target.rsplit(":", 1)[-1]
    if not point_id.isdigit():
        return reverse("food:counter_home")
    return reverse("food:counter", args=[int(point_id)])


# --- Exports --------------------------------------------------------------------------------


def _card_rows(user: Any, params: dict[str, str]) -> Any:
    cards = cards_managed_by(user).select_related("program", "holder").order_by("pk")
    if params.get("status") in CardStatus.values:
        cards = cards.filter(status=params["status"])
    return cards


CARD_COLUMNS = (
    gettext_lazy("Codice"),
    gettext_lazy("Programma"),
    gettext_lazy("Intestatario"),
    gettext_lazy("Componenti"),
    gettext_lazy("Stato"),
    gettext_lazy("Valida dal"),
    gettext_lazy("Valida fino al"),
)


def card_export_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    for card in _card_rows(user, params):
        yield (
            card.code,
            card.program.name,
            str(card.holder),
            card.household_size,
            card.get_status_display(),
            card.valid_from,
            card.valid_until,
        )


def card_export_count(user: Any, params: dict[str, str]) -> int:
    return int(_card_rows(user, params).count())


def _distribution_rows(user: Any, params: dict[str, str]) -> Any:
    distributions = distributions_visible_to(user).select_related(
        "card", "program", "point", "organization"
    )
    for key, lookup in (("start", "day__gte"), ("end", "day__lte")):
        try:
            distributions = distributions.filter(**{lookup: date.fromisoformat(params[key])})
        except (KeyError, ValueError):
            continue
    return distributions.order_by("day", "pk")


DISTRIBUTION_COLUMNS = (
    gettext_lazy("Giorno"),
    gettext_lazy("Tessera"),
    gettext_lazy("Programma"),
    gettext_lazy("Punto"),
    gettext_lazy("Organizzazione"),
    gettext_lazy("Quantità"),
    gettext_lazy("Componenti"),
    gettext_lazy("Ritirato da"),
)


def distribution_export_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    for distribution in _distribution_rows(user, params):
        yield (
            distribution.day,
            distribution.card.code,
            distribution.program.name,
            distribution.point.name,
            distribution.organization.name,
            distribution.quantity,
            distribution.household_size,
            distribution.get_collected_by_display(),
        )


def distribution_export_count(user: Any, params: dict[str, str]) -> int:
    return int(_distribution_rows(user, params).count())
