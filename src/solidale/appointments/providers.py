"""What appointments add to the shell: the person timeline and the landing page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.core.attention import AttentionItem
from solidale.core.timeline import TimelineEntry

from .models import Appointment, Status
from .selectors import day_bounds


def timeline_entries(user: Any, person_ids: list[int]) -> Iterable[TimelineEntry]:
    """The persons' appointments at the offices the user's organization runs."""
    appointments = (
        Appointment.objects.visible_to(user)
        .filter(person_id__in=person_ids)
        .select_related("slot__office__organization", "need")
        .order_by("-slot__start")[:200]
    )
    for appointment in appointments:
        office = appointment.slot.office
        reason = appointment.need.name if appointment.need else _("appuntamento")
        yield TimelineEntry(
            at=appointment.slot.start,
            kind="appointments",
            title=_("Appuntamento (%(status)s): %(reason)s")
            % {"status": appointment.get_status_display(), "reason": reason},
            detail=office.name,
            url=reverse("appointments:detail", args=[appointment.pk]),
            organization=str(office.organization),
        )


def my_appointments_today(user: Any) -> list[AttentionItem]:
    """The current user's bookings of today, at their organization's offices."""
    start, end = day_bounds(timezone.localdate())
    appointments = (
        Appointment.objects.visible_to(user)
        .filter(
            slot__operator_id=user.pk,
            status=Status.BOOKED,
            slot__start__gte=start,
            slot__start__lt=end,
        )
        .select_related("slot__office", "person", "need")
        .order_by("slot__start")[:30]
    )
    now = timezone.now()
    return [
        AttentionItem(
            title=_("%(time)s — %(who)s")
            % {"time": timezone.localtime(a.slot.start).strftime("%H:%M"), "who": a.who},
            detail=" · ".join(
                str(part) for part in (a.need.name if a.need else "", a.slot.office.name) if part
            ),
            url=reverse("appointments:detail", args=[a.pk]),
            severity="warning" if a.slot.end < now else "info",
        )
        for a in appointments
    ]
