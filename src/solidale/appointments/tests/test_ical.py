"""The operator's iCal feed: token-protected, RFC 5545 text, no names unless configured."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse

from .. import services
from ..ical import escape_text, fold, utc_stamp
from ..models import CalendarFeed
from .factories import next_weekday, slot_at


def test_text_is_escaped() -> None:
    assert (
        escape_text("Casa; affitto, sfratto\\\nnuova riga")
        == "Casa\\; affitto\\, sfratto\\\\\\nnuova riga"
    )


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    line = "SUMMARY:" + "è" * 80
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part.removeprefix(" ") if i else part for i, part in enumerate(parts)) == line


def _feed(client, token):
    return client.get(reverse("appointments:ical", args=[token]))


@pytest.mark.django_db
def test_the_feed_lists_the_operators_appointments_without_names(
    personas, login, client, office, person
) -> None:
    tuesday = next_weekday(1)
    appointment = services.appointment_book(
        slot=slot_at(office, tuesday, time(10)),
        person=person,
        need=None,
        notes="Porta l'ISEE",
        actor=personas.social_worker,
    )
    page = login(personas.desk_operator).post(reverse("appointments:calendar_regenerate"))
    token = page.content.decode().split("/appointments/ical/")[1].split(".ics")[0]
    client.logout()
    response = _feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    start = appointment.slot.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}\r\n" in body
    assert f"UID:appointment-{appointment.pk}@" in body
    assert "SUMMARY:Appuntamento\r\n" in body
    assert "Bernardini" not in body
    assert "Giuseppina" not in body
    assert "ISEE" not in body
    with override_settings(SOLIDALE_ICAL_INCLUDE_NAMES=True):
        assert "Bernardini Giuseppina" in _feed(client, token).content.decode()


@pytest.mark.django_db
def test_a_wrong_regenerated_or_revoked_token_answers_404(personas, client) -> None:
    assert _feed(client, "non-esiste").status_code == 404
    old = services.calendar_feed_regenerate(
        operator=personas.desk_operator, actor=personas.desk_operator
    )
    new = services.calendar_feed_regenerate(
        operator=personas.desk_operator, actor=personas.desk_operator
    )
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert _feed(client, new[:-1]).status_code == 404
    services.calendar_feed_revoke(operator=personas.desk_operator, actor=personas.desk_operator)
    assert _feed(client, new).status_code == 404


@pytest.mark.django_db
def test_only_the_digest_of_the_token_is_stored(personas) -> None:
    token = services.calendar_feed_regenerate(
        operator=personas.desk_operator, actor=personas.desk_operator
    )
    feed = CalendarFeed.objects.get(operator=personas.desk_operator)
    assert token not in feed.digest
    assert feed.digest == CalendarFeed.digest_of(token)


@pytest.mark.django_db
def test_an_operator_who_left_has_no_feed(personas, client) -> None:
    token = services.calendar_feed_regenerate(
        operator=personas.desk_operator, actor=personas.desk_operator
    )
    personas.desk_operator.is_active = False
    personas.desk_operator.save(update_fields=["is_active"])
    assert _feed(client, token).status_code == 404


def test_times_are_written_in_utc() -> None:
    assert (
        utc_stamp(datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Rome"))) == "20260701T100000Z"
    )
