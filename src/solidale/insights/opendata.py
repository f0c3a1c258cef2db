"""Open data: aggregated indicators by neighbourhood and month, with small-cell suppression.

Rules that keep people from being re-identified:
- a count of people under 5 is never published (primary suppression);
- each indicator's row (the neighbourhoods, the "not attributed" remainder and the
  published total) adds up, so when a row has exactly one suppressed cell the next
  smallest cell is suppressed too (secondary suppression): the total minus the others
  never reveals a hidden cell;
- only closed months are published, once: a release is frozen (later corrections of the
  data never produce a second version of the same month to subtract from the first), and
  no overlapping aggregate (quarter, year) is published beside the months.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.core import indicators
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Neighbourhood

from .models import JobState, MonthlyFact, OpenDataRelease, PeriodKind, PeriodReach, Refresh
from .permissions import is_comune_coordinator
from .selectors import SMALL_CELL
from .summary import period_bounds

PEOPLE_REACHED = "insights.people_reached"
UNATTRIBUTED = "non_attribuito"
TOTAL = "totale"


def suppress_row(
    cells: dict[str, int], *, counts_people: bool
) -> tuple[dict[str, int | None], int | None]:
    """Primary and secondary suppression of one indicator's row, whose cells add up to
    the total; returns the cells and the total as published (None: suppressed)."""
    total = sum(cells.values())
    if not counts_people:
        return dict(cells), total
    shown: dict[str, int | None] = {
        key: None if 0 < value < SMALL_CELL else value for key, value in cells.items()
    }
    hidden = [key for key, value in shown.items() if value is None]
    if len(hidden) == 1:
        candidates = sorted(
            (value, key) for key, value in shown.items() if value is not None and value > 0
        )
        if not candidates:  # nothing else to hide: the total would give the cell away
            return shown, None
        shown[candidates[0][1]] = None
    return shown, None if 0 < total < SMALL_CELL else total


def build(month: date) -> dict[str, Any]:
    start = month.replace(day=1)
    areas = list(Neighbourhood.objects.order_by("name"))
    rows: list[dict[str, Any]] = []
    described = []
    facts = (
        MonthlyFact.objects.filter(month=start)
        .values("indicator", "neighbourhood_id")
        .annotate(total=Sum("value"))
    )
    values: dict[str, dict[int | None, int]] = {}
    for fact in facts:
        by_area = values.setdefault(fact["indicator"], {})
        by_area[fact["neighbourhood_id"]] = by_area.get(fact["neighbourhood_id"], 0) + fact["total"]
    reach = PeriodReach.objects.filter(kind=PeriodKind.MONTH, start=start, organization_id=None)
    values[PEOPLE_REACHED] = {row.neighbourhood_id: row.people for row in reach}
    catalogue = [
        (i.key, str(i.label), str(i.unit), str(i.section), i.counts_people)
        for i in indicators.registered()
    ]
    catalogue.append(
        (PEOPLE_REACHED, _("Persone raggiunte dalla rete"), _("persone"), _("Rete"), True)
    )
    for key, label, unit, section, counts_people in catalogue:
        by_area = values.get(key, {})
        total = by_area.get(None, 0) + sum(v for k, v in by_area.items() if k is not None)
        if key == PEOPLE_REACHED:
            total = by_area.get(None, 0)  # the network's unique count, not a sum
        cells = {area.slug: by_area.get(area.pk, 0) for area in areas}
        cells[UNATTRIBUTED] = max(total - sum(cells.values()), 0)
        shown, published_total = suppress_row(cells, counts_people=counts_people)
        shown[TOTAL] = published_total
        if published_total is None:
            shown = dict.fromkeys(shown)
        described.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "section": section,
                "counts_people": counts_people,
            }
        )
        rows.extend(
            {"indicator": key, "neighbourhood": area_key, "value": value}
            for area_key, value in shown.items()
        )
    return {
        "month": start.strftime("%Y-%m"),
        "indicators": described,
        "neighbourhoods": [{"key": a.slug, "name": a.name} for a in areas]
        + [
            {"key": UNATTRIBUTED, "name": _("quartiere non indicato")},
            {"key": TOTAL, "name": _("tutta la città")},
        ],
        "cells": rows,
    }


def publish(*, actor: Any, month: date) -> OpenDataRelease:
    if not is_comune_coordinator(actor):
        raise PermissionDeniedError(_("Solo un coordinatore del Comune pubblica i dati aperti."))
    month = month.replace(day=1)
    _start, end = period_bounds(PeriodKind.MONTH, month)
    if end >= timezone.localdate():
        raise DomainError(_("Si pubblicano solo i mesi già chiusi."), field="month")
    refreshed = Refresh.objects.filter(
        state=JobState.DONE, finished_at__date__gt=end, start__lte=month, end__gte=end
    ).exists()
    if not refreshed:
        raise DomainError(
            _("Aggiorna il cruscotto dopo la chiusura del mese, poi pubblica."), field="month"
        )
    data = build(month)
    suppressed = sum(1 for cell in data["cells"] if cell["value"] is None)
    try:
        with transaction.atomic():
            release = OpenDataRelease.objects.create(
                month=month, published_by=actor, data=data, suppressed_cells=suppressed
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=release,
                changes={"cells": len(data["cells"]), "suppressed": suppressed},
            )
    except IntegrityError:
        raise ConflictError(
            _("Questo mese è già pubblicato: i rilasci non si modificano.")
        ) from None
    return release


def as_csv(release: OpenDataRelease) -> str:
    labels = {i["key"]: i for i in release.data["indicators"]}
    names = {n["key"]: n["name"] for n in release.data["neighbourhoods"]}
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        [
            "mese",
            "indicatore",
            "descrizione",
            "unita",
            "quartiere",
            "nome_quartiere",
            "valore",
            "soppresso",
        ]
    )
    for cell in release.data["cells"]:
        indicator = labels.get(cell["indicator"], {})
        writer.writerow(
            [
                release.data["month"],
                cell["indicator"],
                indicator.get("label", ""),
                indicator.get("unit", ""),
                cell["neighbourhood"],
                names.get(cell["neighbourhood"], ""),
                "" if cell["value"] is None else cell["value"],
                1 if cell["value"] is None else 0,
            ]
        )
    return output.getvalue()


def as_json(release: OpenDataRelease) -> str:
    return json.dumps(
        {
            **release.data,
            "published_at": release.published_at.isoformat(),
            "small_cell_threshold": SMALL_CELL,
        },
        ensure_ascii=False,
        indent=1,
    )


def last_closed_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
