"""Writes of food support: programs, cards, distributions at the counter, emergency counts.

Inventory writes live in :mod:`.stock`; :func:`goods_issue` is re-exported here for the
other apps (the shelter's street outreach gives blankets and meals out of a warehouse)::

    from solidale.food.services import goods_issue
    goods_issue(actor=user, warehouse=w, item=i, quantity=2, reason="Unità di strada",
                reference="shelter.encounter:12")
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.people.models import Household, LinkReason, Person, Sex
from solidale.people.services import person_link_open

from .models import (
    AgeBand,
    AnonymousDistribution,
    Card,
    CardStatus,
    Distribution,
    DistributionPoint,
    Entitlement,
    Item,
    Program,
    ProgramKind,
    Warehouse,
)
from .permissions import (
    MANAGER_ROLES,
    can_create_program,
    can_decide_exceptions,
    can_use_counter,
    membership_of,
)
from .stock import goods_issue, positive_quantity, take_fefo

__all__ = [
    "card_issue",
    "card_reactivate",
    "card_renew",
    "card_suspend",
    "distribution_record",
    "eligibility_check",
    "goods_issue",
]

#: Days before expiry when the renewal reminder goes out.
REMINDER_DAYS = 14

KIND_UNITS = {
    ProgramKind.PARCEL: "parcels",
    ProgramKind.CANTEEN: "meals",
    ProgramKind.EMPORIO: "points",
    ProgramKind.HOME_MEALS: "meals",
    ProgramKind.VOUCHER: "euro",
}


def require_manager_of(actor: Any, organization_id: int) -> None:
    if actor is None:
        return
    membership = membership_of(actor)
    if (
        membership is None
        or membership.role not in MANAGER_ROLES
        or membership.organization_id != organization_id
    ):
        raise PermissionDeniedError(_("Solo l'ente che gestisce il programma può farlo."))


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: date) -> date:
    return day.replace(day=1)


# --- Programs -------------------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    actor: Any,
    organization_id: int,
    data: dict[str, Any],
    entitlements: list[tuple[int, int]],
    points: list[DistributionPoint] | None = None,
) -> Program:
    """A program with its monthly entitlement table ``[(from household size, quantity)]``."""
    require_manager_of(actor, organization_id)
    _check_entitlements(entitlements)
    kind = data.get("kind")
    if kind not in ProgramKind.values:
        raise DomainError(_("Tipo di programma sconosciuto."), field="kind")
    program = Program(organization_id=organization_id, unit=KIND_UNITS[ProgramKind(kind)])
    for name, value in data.items():
        setattr(program, name, value)
    program.full_clean(exclude=["points"])
    program.save()
    Entitlement.objects.bulk_create(
        Entitlement(program=program, household_size=size, quantity=quantity)
        for size, quantity in entitlements
    )
    if points:
        program.points.set(points)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=program,
        changes={"kind": kind, "entitlements": entitlements},
    )
    return program


#: What an edit may change: the kind (and so the unit past distributions were counted in) stays.
PROGRAM_EDITABLE = frozenset(
    {
        "name",
        "isee_ceiling",
        "min_household_size",
        "max_household_size",
        "residence_municipality",
        "validity_months",
        "max_per_day",
        "min_interval_days",
        "exclusive_group",
        "presence_required",
    }
)
POINT_EDITABLE = frozenset({"name", "address", "neighbourhood", "latitude", "longitude"})


def _check_entitlements(entitlements: list[tuple[int, int]]) -> None:
    if not entitlements:
        raise DomainError(
            _("Indica il diritto mensile per almeno una dimensione del nucleo."),
            field="entitlements",
        )
    sizes = [size for size, _quantity in entitlements]
    if min(sizes) < 1 or len(set(sizes)) != len(sizes):
        raise DomainError(
            _("Ogni riga del diritto mensile ha un numero di componenti diverso."),
            field="entitlements",
        )
    if any(quantity < 1 for _size, quantity in entitlements):
        raise DomainError(_("Il diritto mensile deve essere almeno 1."), field="entitlements")


def _apply_changes(obj: Any, data: dict[str, Any], editable: frozenset[str]) -> dict[str, Any]:
    """Set the editable fields on ``obj``; return ``{field: [before, after]}`` of what changed."""
    unknown = set(data) - editable
    if unknown:
        raise DomainError(_("Campo non modificabile: %(field)s.") % {"field": min(unknown)})
    changes = {}
    for name, value in data.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [
                str(before) if before is not None else None,
                str(value) if value is not None else None,
            ]
        setattr(obj, name, value)
    try:
        obj.full_clean(exclude=["points"])
    except ValidationError as error:
        field, messages = (
            next(iter(error.message_dict.items()))
            if hasattr(error, "error_dict")
            else (None, error.messages)
        )
        raise DomainError(" ".join(messages), field=field) from error
    return changes


@transaction.atomic
def program_update(
    *,
    actor: Any,
    program: Program,
    data: dict[str, Any],
    entitlements: list[tuple[int, int]],
    points: list[DistributionPoint],
) -> Program:
    """Change a program's rules from now on.

    Past distributions keep the quantities and program they were recorded with; the new
    entitlement table and rules apply to the counter from the next registration.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    require_manager_of(actor, program.organization_id)
    if actor is not None and not can_create_program(actor):
        raise PermissionDeniedError(_("Solo chi può creare i programmi può modificarli."))
    _check_entitlements(entitlements)
    changes = _apply_changes(program, data, PROGRAM_EDITABLE)
    program.save()
    before = sorted(program.entitlements.values_list("household_size", "quantity"))
    if before != sorted(entitlements):
        program.entitlements.all().delete()
        Entitlement.objects.bulk_create(
            Entitlement(program=program, household_size=size, quantity=quantity)
            for size, quantity in entitlements
        )
        changes["entitlements"] = [before, sorted(entitlements)]
    points_before = sorted(program.points.values_list("pk", flat=True))
    if points_before != sorted(point.pk for point in points):
        program.points.set(points)
        changes["points"] = [points_before, sorted(point.pk for point in points)]
    audit_record(actor=actor, action=Action.UPDATE, obj=program, changes=changes)
    return program


def entitlement_for(program: Program, household_size: int) -> int:
    """The monthly quantity for a household of this size (0 when no row applies)."""
    row = (
        Entitlement.objects.filter(program=program, household_size__lte=household_size)
        .order_by("-household_size")
        .first()
    )
    return row.quantity if row else 0


@transaction.atomic
def point_create(*, actor: Any, organization_id: int, data: dict[str, Any]) -> DistributionPoint:
    """A distribution point of the organization, with the warehouse its counter gives from."""
    require_manager_of(actor, organization_id)
    point = DistributionPoint(organization_id=organization_id)
    for name, value in data.items():
        setattr(point, name, value)
    point.full_clean()
    point.save()
    Warehouse.objects.create(
        organization_id=organization_id,
        name=_("Magazzino — %(name)s") % {"name": point.name},
        point=point,
    )
    audit_record(actor=actor, action=Action.CREATE, obj=point, changes={"name": point.name})
    return point


@transaction.atomic
def point_update(
    *, actor: Any, point: DistributionPoint, data: dict[str, Any]
) -> DistributionPoint:
    """Change a point's name, address and place; its distributions and warehouse stay."""
    point = DistributionPoint.objects.select_for_update().get(pk=point.pk)
    require_manager_of(actor, point.organization_id)
    changes = _apply_changes(point, data, POINT_EDITABLE)
    point.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=point, changes=changes)
    return point


@transaction.atomic
def item_create(*, actor: Any, data: dict[str, Any]) -> Item:
    """An item of the network's shared catalogue."""
    if actor is not None and membership_of(actor) is None:
        raise PermissionDeniedError(_("Riservato agli operatori delle organizzazioni."))
    item = Item()
    for name, value in data.items():
        setattr(item, name, value)
    if Item.objects.filter(name__iexact=item.name.strip()).exists():
        raise ConflictError(_("Un articolo con questo nome è già nel catalogo."), field="name")
    item.full_clean()
    item.save()
    audit_record(actor=actor, action=Action.CREATE, obj=item, changes={"name": item.name})
    return item


# --- Eligibility and cards ------------------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    rule: str
    label: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label,
            "passed": self.passed,
            "detail": self.detail,
        }


def household_size_of(household: Household) -> int:
    return household.members.filter(end_date__isnull=True).count()


def eligibility_check(
    *, program: Program, household_size: int, isee: Decimal | None, residence: str
) -> list[RuleResult]:
    """Each rule of the program, passed or failed, with the facts that decided it."""
    results = []
    if program.isee_ceiling is not None:
        if isee is None:
            results.append(RuleResult("isee", _("Soglia ISEE"), False, _("ISEE non indicato.")))
        else:
            results.append(
                RuleResult(
                    "isee",
                    _("Soglia ISEE"),
                    isee <= program.isee_ceiling,
                    _("ISEE € %(isee)s, soglia € %(ceiling)s")
                    % {"isee": isee, "ceiling": program.isee_ceiling},
                )
            )
    top = program.max_household_size
    size_ok = household_size >= program.min_household_size and (
        top is None or household_size <= top
    )
    results.append(
        RuleResult(
            "household_size",
            _("Componenti del nucleo"),
            size_ok,
            _("%(size)s componenti, ammessi da %(min)s a %(max)s")
            % {"size": household_size, "min": program.min_household_size, "max": top or "∞"},
        )
    )
    if program.residence_municipality:
        wanted = program.residence_municipality.strip().casefold()
        results.append(
            RuleResult(
                "residence",
                _("Residenza"),
                residence.strip().casefold() == wanted,
                _("Residenza: %(residence)s; richiesta: %(wanted)s")
                % {
                    "residence": residence or _("non indicata"),
                    "wanted": program.residence_municipality,
                },
            )
        )
    if entitlement_for(program, household_size) < 1:
        results.append(
            RuleResult(
                "entitlement",
                _("Diritto mensile"),
                False,
                _("Nessun diritto previsto per %(size)s componenti.") % {"size": household_size},
            )
        )
    return results


@transaction.atomic
def card_issue(
    *,
    actor: Any,
    program: Program,
    household: Household,
    holder: Person | None,
    isee: Decimal | None,
    exception_reason: str = "",
    delegate_name: str = "",
    valid_from: date | None = None,
) -> Card:
    """Enrol a household after the eligibility check and issue its card.

    A failed rule blocks the enrolment unless a social worker of the Comune records an
    exception with its reason. The program's organization gets a ``PROGRAM`` reason to
    see the holder (name and household size, never case notes).
    """
    require_manager_of(actor, program.organization_id)
    if not program.is_active:
        raise DomainError(_("Il programma non è attivo."), field="program")
    if (
        holder is None
        or not household.members.filter(person=holder, end_date__isnull=True).exists()
    ):
        raise DomainError(_("L'intestatario deve far parte del nucleo."), field="holder")
    if isee is not None and isee < 0:
        raise DomainError(_("L'ISEE non può essere negativo."), field="isee")
    size = household_size_of(household)
    results = eligibility_check(
        program=program,
        household_size=size,
        isee=isee,
        residence=holder.residence_municipality,
    )
    failed = [result for result in results if not result.passed]
    exception_reason = exception_reason.strip()
    if failed and not exception_reason:
        raise DomainError(
            _(
                "Requisiti non soddisfatti: %(rules)s. Serve una deroga motivata dell'assistente sociale."
            )
            % {"rules": ", ".join(result.label for result in failed)},
            field="isee" if failed[0].rule == "isee" else None,
            code="not_eligible",
        )
    if failed and not can_decide_exceptions(actor):
        raise PermissionDeniedError(
            _("Solo un'assistente sociale del Comune può decidere una deroga ai requisiti.")
        )
    start = valid_from or timezone.localdate()
    card = Card(
        program=program,
        household=household,
        holder=holder,
        household_size=size,
        isee=isee,
        eligibility=[result.as_dict() for result in results],
        exception_reason=exception_reason if failed else "",
        exception_by=actor if failed else None,
        delegate_name=delegate_name.strip(),
        valid_from=start,
        valid_until=add_months(start, program.validity_months) - timedelta(days=1),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as error:
        raise ConflictError(
            _("Il nucleo ha già una tessera per questo programma."), field="household"
        ) from error
    person_link_open(
        actor=actor,
        person=holder,
        organization=program.organization,
        reason=LinkReason.PROGRAM,
        source=f"food.card:{card.pk}",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=card,
        person_id=holder.pk,
        changes={
            "program": program.name,
            "household_size": size,
            "failed_rules": [result.rule for result in failed],
            "exception_reason": card.exception_reason,
        },
    )
    return card


def _locked(card: Card) -> Card:
    return Card.objects.select_for_update().select_related("program").get(pk=card.pk)


def _card_status_set(*, actor: Any, card: Card, status: str, reason: str, allowed: str) -> Card:
    require_manager_of(actor, card.program.organization_id)
    if not reason.strip():
        raise DomainError(_("Indica il motivo."), field="reason")
    card = _locked(card)
    if card.status != allowed:
        raise ConflictError(
            _("La tessera è %(status)s: operazione non possibile.")
            % {"status": card.get_status_display()}
        )
    card.status = status
    card.status_reason = reason.strip()
    card.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=card,
        person_id=card.holder_id,
        changes={"status": status, "reason": card.status_reason},
    )
    return card


@transaction.atomic
def card_suspend(*, actor: Any, card: Card, reason: str) -> Card:
    return _card_status_set(
        actor=actor,
        card=card,
        status=CardStatus.SUSPENDED,
        reason=reason,
        allowed=CardStatus.ACTIVE,
    )


@transaction.atomic
def card_reactivate(*, actor: Any, card: Card, reason: str) -> Card:
    return _card_status_set(
        actor=actor,
        card=card,
        status=CardStatus.ACTIVE,
        reason=reason,
        allowed=CardStatus.SUSPENDED,
    )


@transaction.atomic
def card_renew(*, actor: Any, card: Card, isee: Decimal | None, exception_reason: str = "") -> Card:
    """Extend the card by the program's validity after a new eligibility check; same code."""
    require_manager_of(actor, card.program.organization_id)
    card = _locked(card)
    if card.status == CardStatus.CLOSED:
        raise ConflictError(_("La tessera è chiusa."))
    size = household_size_of(card.household)
    results = eligibility_check(
        program=card.program,
        household_size=size,
        isee=isee,
        residence=card.holder.residence_municipality,
    )
    failed = [result for result in results if not result.passed]
    if failed and not exception_reason.strip():
        raise DomainError(
            _(
                "Requisiti non soddisfatti: %(rules)s. Serve una deroga motivata dell'assistente sociale."
            )
            % {"rules": ", ".join(result.label for result in failed)},
            code="not_eligible",
        )
    if failed and not can_decide_exceptions(actor):
        raise PermissionDeniedError(
            _("Solo un'assistente sociale del Comune può decidere una deroga ai requisiti.")
        )
    start = max(timezone.localdate(), card.valid_until + timedelta(days=1))
    card.valid_until = add_months(start, card.program.validity_months) - timedelta(days=1)
    card.household_size = size
    card.isee = isee
    card.eligibility = [result.as_dict() for result in results]
    card.exception_reason = exception_reason.strip() if failed else ""
    card.exception_by = actor if failed else None
    card.reminded_at = None
    card.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=card,
        person_id=card.holder_id,
        changes={"renewed_until": card.valid_until, "household_size": size},
    )
    return card


def card_reminders_send(*, day: date | None = None) -> int:
    """Tell the program's operators which cards expire within ``REMINDER_DAYS``; once a card."""
    day = day or timezone.localdate()
    due = Card.objects.filter(
        status=CardStatus.ACTIVE,
        reminded_at__isnull=True,
        valid_until__gte=day,
        valid_until__lte=day + timedelta(days=REMINDER_DAYS),
    ).select_related("program", "holder")
    sent = 0
    for card in due:
        with transaction.atomic():
            if not Card.objects.filter(pk=card.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            users = [
                membership.user
                for membership in Membership.objects.active()
                .filter(organization_id=card.program.organization_id, role__in=MANAGER_ROLES)
                .select_related("user")
            ]
            notify(
                users=users,
                kind="food.card_renewal",
                title=_("Tessera %(code)s in scadenza il %(day)s")
                % {"code": card.code, "day": card.valid_until.strftime("%d/%m/%Y")},
                body=_("Programma: %(program)s. Verifica i requisiti e rinnova la tessera.")
                % {"program": card.program.name},
                url=reverse("food:card_detail", args=[card.pk]),
            )
            sent += 1
    return sent


@task()
def card_reminders_task() -> int:
    """Enqueued daily by ``solidale scheduler``."""
    return card_reminders_send()


# --- The counter ----------------------------------------------------------------------------


@dataclass
class CounterStatus:
    """What the counter shows for a card today: the door every check goes through."""

    card: Card
    entitlement: int
    used: int
    problems: list[str] = field(default_factory=list)  # block the distribution
    elsewhere: list[str] = field(default_factory=list)  # other organizations this period

    @property
    def left(self) -> int:
        return max(self.entitlement - self.used, 0)

    @property
    def warnings(self) -> list[str]:
        if not self.elsewhere:
            return []
        return [
            _("Il nucleo ha già ritirato questo mese presso: %(orgs)s.")
            % {"orgs": ", ".join(self.elsewhere)}
        ]


def counter_status(
    *, card: Card, point: DistributionPoint, day: date | None = None
) -> CounterStatus:
    day = day or timezone.localdate()
    program = card.program
    period = month_start(day)
    mine = Distribution.objects.filter(card=card, period=period)
    used = mine.aggregate(total=Sum("quantity"))["total"] or 0
    status = CounterStatus(
        card=card, entitlement=entitlement_for(program, card.household_size), used=used
    )
    if card.status != CardStatus.ACTIVE:
        status.problems.append(
            _("Tessera %(status)s: %(reason)s")
            % {"status": card.get_status_display(), "reason": card.status_reason or "—"}
        )
    if card.is_expired(day):
        status.problems.append(
            _("Tessera scaduta il %(day)s: va rinnovata.")
            % {"day": card.valid_until.strftime("%d/%m/%Y")}
        )
    elif day < card.valid_from:
        status.problems.append(_("La tessera non è ancora valida."))
    if status.left < 1:
        status.problems.append(_("Diritto del mese già esaurito."))
    today = list(mine.filter(day=day).values_list("pk", flat=True))
    if len(today) >= program.max_per_day:
        status.problems.append(
            _("Raggiunto il massimo di %(n)s ritiri al giorno.") % {"n": program.max_per_day}
        )
    if program.min_interval_days:
        last = (
            Distribution.objects.filter(card=card)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        if last is not None and (day - last).days < program.min_interval_days and last != day:
            status.problems.append(
                _("Ultimo ritiro il %(day)s: devono passare almeno %(n)s giorni.")
                % {"day": last.strftime("%d/%m/%Y"), "n": program.min_interval_days}
            )
    household_this_month = Distribution.objects.filter(
        household_id=card.household_id, period=period
    )
    if program.exclusive_group:
        other = (
            household_this_month.filter(program__exclusive_group=program.exclusive_group)
            .exclude(program=program)
            .select_related("program")
            .first()
        )
        if other is not None:
            status.problems.append(
                _("Questo mese il nucleo ha già usato «%(program)s», che esclude questo programma.")
                % {"program": other.program.name}
            )
    status.elsewhere = sorted(
        set(
            household_this_month.filter(program__kind=program.kind)
            .exclude(organization_id=point.organization_id)
            .values_list("organization__name", flat=True)
        )
    )
    return status


@dataclass(frozen=True)
class ItemLine:
    item: Item
    quantity: Any


@transaction.atomic
def distribution_record(
    *,
    actor: Any,
    point: DistributionPoint,
    card: Card,
    quantity: int,
    items: list[ItemLine],
    collected_by: str = Distribution.CollectedBy.HOLDER,
    delegate_name: str = "",
    override_reason: str = "",
    day: date | None = None,
) -> Distribution:
    """Register a distribution at the counter: the checks, the goods out of the point's stock.

    ``day`` lets an association's own tool push a distribution of an earlier day (never a
    future one); every rule is checked as of that day.
    """
    if actor is not None and not can_use_counter(actor, point):
        raise PermissionDeniedError(_("Non sei in turno a questo punto di distribuzione."))
    if not card.program.points.filter(pk=point.pk).exists():
        raise DomainError(_("Questo punto non distribuisce il programma della tessera."))
    card = _locked(card)
    if not isinstance(quantity, int) or quantity < 1:
        raise DomainError(_("La quantità deve essere almeno 1."), field="quantity")
    if collected_by not in Distribution.CollectedBy.values:
        raise DomainError(_("Indica chi ritira."), field="collected_by")
    if collected_by == Distribution.CollectedBy.DELEGATE:
        if card.program.presence_required:
            raise DomainError(
                _("Per questo programma il ritiro è solo di persona."), field="collected_by"
            )
        delegate_name = delegate_name.strip() or card.delegate_name
        if not delegate_name:
            raise DomainError(_("Indica il nome del delegato."), field="delegate_name")
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise DomainError(_("Una distribuzione non può avere una data futura."), field="day")
    status = counter_status(card=card, point=point, day=day)
    if status.problems:
        raise DomainError(" ".join(status.problems), code="refused")
    if quantity > status.left:
        raise DomainError(
            _("Oltre il diritto: restano %(left)s su %(total)s questo mese.")
            % {"left": status.left, "total": status.entitlement},
            field="quantity",
            code="over_entitlement",
        )
    override_reason = override_reason.strip()
    if status.warnings and not override_reason:
        raise ConflictError(
            " ".join(status.warnings) + " " + _("Per procedere indica il motivo."),
            field="override_reason",
        )
    warehouse = Warehouse.objects.filter(point=point).first()
    if items and warehouse is None:
        raise DomainError(_("Il punto non ha un magazzino."), field="items")
    lines = [(warehouse, line) for line in items if warehouse is not None]
    distribution = Distribution.objects.create(
        card=card,
        program=card.program,
        household_id=card.household_id,
        point=point,
        organization_id=point.organization_id,
        at=timezone.now() if day == today else timezone.make_aware(datetime.combine(day, time(11))),
        day=day,
        period=month_start(day),
        quantity=quantity,
        household_size=card.household_size,
        collected_by=collected_by,
        delegate_name=delegate_name if collected_by == Distribution.CollectedBy.DELEGATE else "",
        override_reason=override_reason if status.warnings else "",
        warnings=status.warnings,
        recorded_by=actor,
    )
    for point_warehouse, line in lines:
        take_fefo(
            warehouse=point_warehouse,
            item=line.item,
            quantity=positive_quantity(line.quantity, field="items"),
            kind="distribution",
            actor=actor,
            reference=f"food.distribution:{distribution.pk}",
            distribution=distribution,
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=distribution,
        person_id=card.holder_id,
        changes={
            "card": card.code,
            "point": point.name,
            "quantity": quantity,
            "items": {str(line.item): str(line.quantity) for line in items},
        },
    )
    if status.warnings:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=distribution,
            person_id=card.holder_id,
            changes={"override": status.warnings},
            purpose=override_reason,
        )
    return distribution


@transaction.atomic
def anonymous_distribution_record(
    *,
    actor: Any,
    point: DistributionPoint,
    kind: str,
    count: int = 1,
    age_band: str = "",
    sex: str = "",
) -> AnonymousDistribution:
    """Emergency mode: count what was given without a person record."""
    if actor is not None and not can_use_counter(actor, point):
        raise PermissionDeniedError(_("Non sei in turno a questo punto di distribuzione."))
    if kind not in AnonymousDistribution.Kind.values:
        raise DomainError(_("Tipo sconosciuto."), field="kind")
    if age_band not in AgeBand.values:
        raise DomainError(_("Fascia d'età sconosciuta."), field="age_band")
    if sex and sex not in Sex.values:
        raise DomainError(_("Sesso sconosciuto."), field="sex")
    if not isinstance(count, int) or count < 1 or count > 500:
        raise DomainError(_("Indica un numero tra 1 e 500."), field="count")
    record = AnonymousDistribution.objects.create(
        organization_id=point.organization_id,
        point=point,
        neighbourhood_id=point.neighbourhood_id,
        kind=kind,
        count=count,
        age_band=age_band,
        sex=sex,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        changes={"kind": kind, "count": count, "age_band": age_band, "sex": sex},
    )
    return record
