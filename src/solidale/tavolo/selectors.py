"""Reads of the coordination table, always scoped to the user's organization."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    ACTIVE_ACTION_STATUSES,
    Action,
    AgendaItem,
    Decision,
    Meeting,
    Need,
    NeedStatus,
    Participant,
    Pledge,
)
from .permissions import (
    actions_visible_to,
    meetings_visible_to,
    needs_visible_to,
    organization_id_of,
)


def meeting_list(*, user: Any, upcoming: bool, limit: int = 100) -> list[Meeting]:
    """Upcoming meetings (soonest first) or past ones (latest first) the user takes part in."""
    now = timezone.now()
    meetings = (
        meetings_visible_to(user)
        .select_related("organization")
        .annotate(n_participants=Count("participants", distinct=True))
    )
    if upcoming:
        meetings = meetings.filter(starts_at__gte=now).order_by("starts_at", "id")
    else:
        meetings = meetings.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    return list(meetings[:limit])


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    """Agenda items with their decisions and each decision's actions, in order."""
    return list(
        meeting.agenda_items.prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=Action.objects.select_related("owner_organization", "owner"),
                    )
                ),
            )
        ).order_by("position")
    )


def meeting_participants(meeting: Meeting) -> list[Participant]:
    return list(meeting.participants.select_related("organization"))


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    overdue: bool = False
    mine: bool = False


def action_list(*, user: Any, filters: ActionFilters, limit: int = 200) -> list[Action]:
    actions = actions_visible_to(user).select_related("meeting", "owner_organization", "owner")
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.overdue()
    if filters.mine:
        actions = actions.filter(owner_organization_id=organization_id_of(user))
    return list(actions.order_by("deadline", "id")[:limit])


def overdue_actions_for(user: Any, *, today: date | None = None, limit: int = 10) -> list[Action]:
    """Overdue actions of the user's organization or of meetings it takes part in."""
    return list(
        actions_visible_to(user)
        .overdue(today)
        .select_related("owner_organization", "meeting")
        .order_by("deadline", "id")[:limit]
    )


@dataclass(frozen=True)
class NeedFilters:
    status: str = ""
    category: int | None = None
    neighbourhood: int | None = None
    urgency: str = ""
    active_only: bool = False


def need_list(*, user: Any, filters: NeedFilters, limit: int = 200) -> list[Need]:
    needs = needs_visible_to(user).select_related("organization", "category", "neighbourhood")
    if filters.status:
        needs = needs.filter(status=filters.status)
    if filters.active_only:
        needs = needs.filter(status__in=(NeedStatus.OPEN, NeedStatus.PARTIALLY_MET))
    if filters.category:
        needs = needs.filter(category_id=filters.category)
    if filters.neighbourhood:
        needs = needs.filter(neighbourhood_id=filters.neighbourhood)
    if filters.urgency:
        needs = needs.filter(urgency=filters.urgency)
    needs = needs.annotate(
        n_pledges=Count("pledges", distinct=True), n_actions=Count("actions", distinct=True)
    )
    return list(needs.order_by("-created_at", "-id")[:limit])


def need_pledges(need: Need) -> list[Pledge]:
    return list(need.pledges.select_related("organization", "pledged_by"))


def need_actions(user: Any, need: Need) -> QuerySet[Action]:
    """The actions addressing a need that the user may open."""
    return actions_visible_to(user).filter(needs=need).select_related("owner_organization")


def needs_map_data(needs: list[Need]) -> dict[str, Any]:
    """GeoJSON of the neighbourhoods with the count of active needs, for the map."""
    by_neighbourhood: dict[int, dict[str, Any]] = {}
    counts: dict[int, int] = defaultdict(int)
    for need in needs:
        if need.neighbourhood is None or need.status not in (
            NeedStatus.OPEN,
            NeedStatus.PARTIALLY_MET,
        ):
            continue
        counts[need.neighbourhood.pk] += 1
        by_neighbourhood[need.neighbourhood.pk] = {
            "name": need.neighbourhood.name,
            "boundary": need.neighbourhood.boundary,
            "lat": need.neighbourhood.centroid_lat,
            "lon": need.neighbourhood.centroid_lon,
        }
    features = []
    for pk, info in by_neighbourhood.items():
        if not info["boundary"]:
            continue
        geometry = info["boundary"].get("geometry", info["boundary"])
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"name": info["name"], "needs": counts[pk], "id": pk},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def need_counts_by_neighbourhood(needs: list[Need]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for need in needs:
        if need.status in (NeedStatus.OPEN, NeedStatus.PARTIALLY_MET):
            counts[need.neighbourhood.name if need.neighbourhood else ""] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


__all__ = [
    "ACTIVE_ACTION_STATUSES",
    "ActionFilters",
    "NeedFilters",
    "Q",
]
