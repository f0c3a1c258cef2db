"""The single timeline of a person and of a household: every app's entries, in time order.

The entries come from the ``core.timeline`` registry; each provider applies its own
app's scoping, so the page never imports another app's models.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from solidale.core.timeline import timeline_for

from ..permissions import get_household_for_user, get_person_for_user, persons_visible_to
from ..services import person_view

#: The most entries one timeline page shows (newest first).
TIMELINE_LIMIT = 500


@login_required
@require_GET
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    person_view(actor=request.user, person=person, purpose="timeline")
    entries = timeline_for(request.user, [person.pk], limit=TIMELINE_LIMIT + 1)
    context = {
        "person": person,
        "entries": entries[:TIMELINE_LIMIT],
        "capped": len(entries) > TIMELINE_LIMIT,
        "limit": TIMELINE_LIMIT,
    }
    return render(request, "people/timeline.html", context)


@login_required
@require_GET
def household_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    members = list(
        persons_visible_to(request.user).filter(
            household_memberships__household=household,
            household_memberships__end_date__isnull=True,
        )
    )
    for member in members:
        person_view(actor=request.user, person=member, purpose="household timeline")
    entries = timeline_for(request.user, [m.pk for m in members], limit=TIMELINE_LIMIT + 1)
    context = {
        "household": household,
        "members": members,
        "entries": entries[:TIMELINE_LIMIT],
        "capped": len(entries) > TIMELINE_LIMIT,
        "limit": TIMELINE_LIMIT,
    }
    return render(request, "people/timeline.html", context)
