""" "Nobody left on the street": who needs someone to act the day after.

Three situations, each found by a function shared by the daily follow-up task and the
alert rules registered with ``core.alerts``:

* people met outside on a cold night (below the plan's threshold, or during an
  activation) who refused or did not get a bed;
* people met at least three times on the street without an open case;
* people with repeated stays in the shelters without an open case.

The task turns them into :class:`~.models.FollowUp` items, each of which closes only
with an outcome; a situation already listed is never listed twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.cases.models import Case, CaseStatus
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError

from .models import (
    HOLDING,
    Answer,
    BedRequestStatus,
    Encounter,
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    Forecast,
    Stay,
)
from .services import activation_for, is_cold, night_of, season_for

#: The defaults of the alert rules (tunable by the coordinator through insights).
MET_OFTEN = {"times": 3, "days": 60}
REPEATED_STAYS = {"stays": 5, "days": 30}


@dataclass(frozen=True)
class Situation:
    kind: str
    subject: str
    day: date
    detail: str
    person_id: int | None = None
    alias: str = ""
    encounter_id: int | None = None
    organization_id: int | None = None


def cold_night(night: date) -> bool:
    """Below the plan's threshold, or an activation was on."""
    if activation_for(night) is not None:
        return True
    season = season_for(night)
    forecast = Forecast.objects.filter(day=night).first()
    return season is not None and forecast is not None and is_cold(season, forecast)


def _open_case(person_field: str = "person_id") -> Exists:
    return Exists(Case.objects.filter(person_id=OuterRef(person_field), status=CaseStatus.OPEN))


def left_outside(night: date) -> list[Situation]:
    """Met outside on a cold night and refused, or never got a bed."""
    if not cold_night(night):
        return []
    placed = Q(bed_request__status=BedRequestStatus.PLACED)
    encounters = (
        Encounter.objects.filter(round__night=night)
        .exclude(placed)
        .select_related("round")
        .order_by("met_at")
    )
    situations = []
    for encounter in encounters:
        why = (
            _("ha rifiutato il posto offerto")
            if encounter.answer == Answer.REFUSED
            else _("non ha avuto un posto letto")
        )
        situations.append(
            Situation(
                kind=FollowUpKind.LEFT_OUTSIDE,
                subject=f"encounter:{encounter.pk}",
                day=night + timedelta(days=1),
                detail=_("Incontrato in %(area)s la notte del %(night)s: %(why)s.")
                % {"area": encounter.round.area, "night": night.strftime("%d/%m/%Y"), "why": why},
                person_id=encounter.person_id,
                alias=encounter.alias or encounter.description[:60],
                encounter_id=encounter.pk,
                organization_id=encounter.round.organization_id,
            )
        )
    return situations


def _who(person_id: int | None, alias: str) -> str:
    return f"person:{person_id}" if person_id else f"alias:{alias.strip().lower()}"


def _repeated(
    rows: Iterable[tuple[int | None, str, bool, int]],
    *,
    kind: str,
    day: date,
    at_least: int,
    detail: Callable[[int], str],
) -> list[Situation]:
    """Count the rows (person or alias, has an open case, organization) per person without
    a case, and list those reaching ``at_least``."""
    counts: Counter[str] = Counter()
    sample: dict[str, tuple[int | None, str, int]] = {}
    for person_id, alias, has_case, organization_id in rows:
        if has_case:
            continue
        who = _who(person_id, alias)
        counts[who] += 1
        sample[who] = (person_id, alias, organization_id)
    return [
        Situation(
            kind=kind,
            subject=who,
            day=day,
            detail=detail(count),
            person_id=sample[who][0],
            alias=sample[who][1],
            organization_id=sample[who][2],
        )
        for who, count in sorted(counts.items())
        if count >= at_least
    ]


def met_often(day: date, *, times: int, days: int) -> list[Situation]:
    """Met on the street ``times`` times in ``days`` days, without an open case."""
    rows = (
        Encounter.objects.filter(round__night__gte=day - timedelta(days=days), round__night__lt=day)
        .exclude(person__isnull=True, alias="")
        .annotate(has_case=_open_case())
        .values_list("person_id", "alias", "has_case", "round__organization_id")
    )
    return _repeated(
        rows,
        kind=FollowUpKind.MET_OFTEN,
        day=day,
        at_least=times,
        detail=lambda n: (
            _(
                "Incontrato %(n)s volte in strada negli ultimi %(days)s giorni, senza una presa in carico."
            )
            % {"n": n, "days": days}
        ),
    )


def repeated_stays(day: date, *, stays: int, days: int) -> list[Situation]:
    """``stays`` nights in the shelters in ``days`` days, without an open case."""
    rows = (
        Stay.objects.filter(
            night__gte=day - timedelta(days=days), night__lt=day, status__in=HOLDING
        )
        .annotate(has_case=_open_case())
        .values_list("person_id", "alias", "has_case", "bed__facility__organization_id")
    )
    return _repeated(
        rows,
        kind=FollowUpKind.REPEATED_STAYS,
        day=day,
        at_least=stays,
        detail=lambda n: (
            _(
                "%(n)s notti in struttura negli ultimi %(days)s giorni, senza una presa in carico: proporre allo sportello di aprirne una."
            )
            % {"n": n, "days": days}
        ),
    )


def followups_generate(*, day: date | None = None) -> int:
    """List yesterday night's situations (and the repeated ones) for follow-up today."""
    day = day or timezone.localdate()
    night = day - timedelta(days=1)
    situations = [
        *left_outside(night),
        *met_often(day, **MET_OFTEN),
        *repeated_stays(day, **REPEATED_STAYS),
    ]
    created = 0
    for situation in situations:
        if FollowUp.objects.filter(kind=situation.kind, subject=situation.subject).exists():
            continue
        try:
            with transaction.atomic():
                FollowUp.objects.create(
                    kind=situation.kind,
                    subject=situation.subject,
                    day=situation.day,
                    person_id=situation.person_id,
                    alias=situation.alias,
                    encounter_id=situation.encounter_id,
                    detail=situation.detail[:300],
                )
        except IntegrityError:
            continue  # another run listed it a moment ago
        created += 1
    return created


@task()
def followups_task() -> int:
    return followups_generate(day=night_of(timezone.now()) + timedelta(days=1))


def followup_close(*, actor: Any, followup: FollowUp, outcome: str, note: str = "") -> FollowUp:
    if outcome not in FollowUpOutcome.values:
        raise DomainError(_("Scegli un esito."), field="outcome")
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=followup.pk, closed_at__isnull=True).update(
            outcome=outcome, outcome_note=note.strip(), closed_by=actor, closed_at=timezone.now()
        )
        if not updated:
            raise ConflictError(_("Questa segnalazione ha già un esito."))
        followup.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=followup,
            person_id=followup.person_id,
            changes={"outcome": outcome, "note": note},
        )
    return followup
