"""Citizen reports: routing, privacy of social reports, the closed loop, duplicates, photos."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError
from solidale.core.models import Notification
from solidale.desk.models import Access

from ..models import Report, ReportStatus
from ..photos import MAX_UPLOAD_BYTES, photo_clean
from ..services import category_route, report_reopen, report_set_status, report_take_in_charge
from .factories import (
    ELDERLY_TEXT,
    OUTSIDE,
    category,
    centro,
    elderly_report,
    jpeg_with_gps,
    streetlight_report,
)

pytestmark = pytest.mark.django_db


def test_it_routes_a_public_report_to_the_comune_and_finds_its_neighbourhood(
    personas: Personas,
) -> None:
    report = streetlight_report()
    assert report.organization == personas.comune
    assert report.neighbourhood == centro()
    assert report.tracking_code.startswith("SEG-")
    assert not report.is_sensitive
    assert list(report.events.values_list("status", flat=True)) == ["received"]


def test_it_routes_a_category_to_the_configured_organization(personas: Personas) -> None:
    category_route(
        actor=personas.coordinator,
        category=category("illuminazione"),
        organization=personas.cooperative,
    )
    assert streetlight_report().organization == personas.cooperative


def test_only_the_comune_coordinator_configures_routing(personas: Personas) -> None:
    with pytest.raises(DomainError):
        category_route(
            actor=personas.association_admin, category=category("illuminazione"), organization=None
        )


def test_it_refuses_a_position_outside_the_town(personas: Personas) -> None:
    with pytest.raises(DomainError) as refused:
        streetlight_report(latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    assert refused.value.field == "latitude"
    assert not Report.objects.exists()


def test_it_needs_a_pin_or_an_address(personas: Personas) -> None:
    with pytest.raises(DomainError) as refused:
        streetlight_report(latitude=None, longitude=None, address="")
    assert refused.value.field == "address"


def test_a_sensitive_report_is_private_and_notifies_the_desk(personas: Personas) -> None:
    report = elderly_report()
    assert report.is_sensitive
    assert not Report.objects.public().filter(pk=report.pk).exists()
    notified = set(
        Notification.objects.filter(kind="neighbourhoods.report").values_list("user_id", flat=True)
    )
    assert personas.desk_operator.pk in notified
    assert personas.association_operator.pk not in notified
    assert ELDERLY_TEXT not in "".join(Notification.objects.values_list("title", flat=True))


def test_taking_a_sensitive_report_in_charge_records_a_desk_access(personas: Personas) -> None:
    report = elderly_report(reporter=personas.citizen)
    report = report_take_in_charge(actor=personas.desk_operator, report=report)
    access = report.access
    assert access is not None
    assert access.organization == personas.comune
    assert access.channel == "online"
    assert ELDERLY_TEXT in access.request
    assert report.status == ReportStatus.ASSIGNED
    assert list(access.needs.values_list("code", flat=True)) == ["loneliness"]
    told = Notification.objects.get(user=personas.citizen)
    assert "presa in carico" in told.title
    assert "Zanobetti" not in told.title + told.body


def test_a_sensitive_report_is_linked_to_the_person_when_identified(personas: Personas) -> None:
    from tests.access_matrix_registry import comune_person

    person = comune_person(personas)
    report = report_take_in_charge(
        actor=personas.social_worker, report=elderly_report(), person=person
    )
    assert report.person == person
    assert report.access is not None and report.access.person == person


def test_it_refuses_a_second_taking_in_charge(personas: Personas) -> None:
    report = report_take_in_charge(actor=personas.desk_operator, report=elderly_report())
    with pytest.raises(ConflictError):
        report_take_in_charge(actor=personas.social_worker, report=report)
    assert Access.objects.count() == 1


def test_another_organization_cannot_handle_the_report(personas: Personas) -> None:
    report = elderly_report()
    with pytest.raises(DomainError):
        report_take_in_charge(actor=personas.association_operator, report=report)
    assert not Access.objects.exists()


def test_status_changes_notify_the_reporter_by_email(personas: Personas) -> None:
    report = streetlight_report()
    with pytest.raises(DomainError):
        report_set_status(actor=personas.desk_operator, report=report, status="closed")
    report = report_set_status(actor=personas.desk_operator, report=report, status="in_progress")
    report = report_set_status(
        actor=personas.desk_operator, report=report, status="resolved", note="Lampada sostituita"
    )
    assert report.resolved_at is not None
    assert [e.status for e in report.events.all()] == ["received", "in_progress", "resolved"]


@pytest.mark.django_db(transaction=True)
def test_the_email_leaves_after_commit(personas: Personas) -> None:
    report = streetlight_report()
    report_set_status(actor=personas.desk_operator, report=report, status="resolved", note="Fatto")
    assert [m.to for m in mail.outbox] == [["vicino@example.invalid"]]
    assert "Fatto" in mail.outbox[0].body


def test_a_citizen_with_an_account_is_told_in_app(personas: Personas) -> None:
    report = streetlight_report(
        reporter=personas.citizen, contact_preference="in_app", contact_email=""
    )
    report_set_status(actor=personas.desk_operator, report=report, status="assigned")
    assert (
        Notification.objects.filter(user=personas.citizen, kind="neighbourhoods.report").count()
        == 1
    )


def test_it_refuses_a_stale_status_change(personas: Personas) -> None:
    report = streetlight_report()
    report_set_status(actor=personas.desk_operator, report=report, status="assigned")
    with pytest.raises(ConflictError):
        report_set_status(
            actor=personas.social_worker,
            report=report,
            status="closed",
            note="x",
            expected_status="received",
        )


def test_the_reporter_reopens_within_the_period(personas: Personas) -> None:
    report = streetlight_report()
    report = report_set_status(actor=personas.desk_operator, report=report, status="resolved")
    report = report_reopen(report=report, reason="Il lampione è di nuovo spento")
    assert report.status == ReportStatus.IN_PROGRESS
    assert report.reopen_count == 1


def test_it_refuses_to_reopen_after_the_period(personas: Personas, settings: object) -> None:
    report = streetlight_report()
    report = report_set_status(actor=personas.desk_operator, report=report, status="resolved")
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - timedelta(days=30))
    with pytest.raises(DomainError):
        report_reopen(report=report, reason="Ancora spento")
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED


def test_nearby_reports_of_the_same_category_are_grouped(personas: Personas) -> None:
    first = streetlight_report()
    assert first.latitude is not None
    second = streetlight_report(latitude=first.latitude + 0.0002)  # about 22 m away
    far = streetlight_report(latitude=first.latitude + 0.003)  # about 330 m away
    other = elderly_report(latitude=first.latitude, longitude=first.longitude)
    assert second.duplicate_of == first
    assert far.duplicate_of is None
    assert other.duplicate_of is None


def test_old_reports_are_not_duplicates(personas: Personas) -> None:
    first = streetlight_report()
    Report.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert streetlight_report().duplicate_of is None


def _upload(data: bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_the_photo_loses_its_gps_and_camera_metadata() -> None:
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert 0x8825 in image.getexif()
    cleaned = photo_clean(_upload(original))
    with Image.open(io.BytesIO(cleaned)) as image:
        exif = image.getexif()
        assert 0x8825 not in exif
        assert 0x0110 not in exif
        assert not image.info.get("exif")
        assert image.size == (64, 48)
    assert b"Telefono Segreto" not in cleaned


def test_it_refuses_a_file_that_is_not_an_image() -> None:
    with pytest.raises(DomainError) as refused:
        photo_clean(_upload(b"%PDF-1.4 not an image", "doc.pdf"))
    assert refused.value.field == "photo"


def test_it_refuses_an_oversized_photo() -> None:
    with pytest.raises(DomainError) as refused:
        photo_clean(_upload(b"\xff\xd8" + b"0" * MAX_UPLOAD_BYTES))
    assert "5 MB" in refused.value.message


def test_it_refuses_an_image_format_that_is_not_allowed() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    with pytest.raises(DomainError):
        photo_clean(_upload(out.getvalue(), "x.gif"))
