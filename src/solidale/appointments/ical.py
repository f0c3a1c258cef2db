"""The operator's appointments as an iCalendar feed, written by hand per RFC 5545.

Calendars get synced to phones and shared, so a VEVENT says the reason and the office but
no person's name unless ``SOLIDALE_ICAL_INCLUDE_NAMES`` is on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Appointment

FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character;
    continuation lines start with one space."""
    chunks: list[str] = []
    current, size, limit = "", 0, FOLD_AT
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, FOLD_AT - 1
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _summary(appointment: Appointment) -> str:
    reason = appointment.need.name if appointment.need else _("Appuntamento")
    if settings.SOLIDALE_ICAL_INCLUDE_NAMES and appointment.who:
        return f"{reason} — {appointment.who}"
    return str(reason)


def calendar_render(*, name: str, appointments: Iterable[Appointment]) -> str:
    host = urlsplit(settings.SOLIDALE_BASE_URL).hostname or "solidale.invalid"
    stamp = utc_stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Solidale//Appuntamenti//IT",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for appointment in appointments:
        slot = appointment.slot
        office = slot.office
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{appointment.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(slot.start)}",
            f"DTEND:{utc_stamp(slot.end)}",
            f"SUMMARY:{escape_text(_summary(appointment))}",
            f"LOCATION:{escape_text(', '.join(p for p in (office.name, office.address) if p))}",
            "STATUS:CONFIRMED",
            f"X-SOLIDALE-STATUS:{appointment.status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
