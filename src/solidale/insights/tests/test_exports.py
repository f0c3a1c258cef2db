"""Exports: a purpose, the same scoping as the page, an access-log row, only for the requester."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import Personas
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent

from .. import services
from ..models import ExportJob, JobState
from ..services import export_create, export_run
from .factories import accesses

pytestmark = pytest.mark.django_db
PURPOSE = "Verifica mensile degli accessi"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_an_export_of_personal_data_needs_a_purpose_and_logs_it(personas: Personas) -> None:
    accesses(personas, 3)
    with pytest.raises(DomainError) as error:
        export_create(
            actor=personas.desk_operator,
            source_key="desk.accesses",
            fmt="csv",
            purpose="",
            params={},
        )
    assert error.value.field == "purpose"
    assert not ExportJob.objects.exists()
    job = export_create(
        actor=personas.desk_operator,
        source_key="desk.accesses",
        fmt="csv",
        purpose=PURPOSE,
        params={},
    )
    assert job.state == JobState.DONE and job.rows_total == 3 and job.is_downloadable
    rows = list(
        csv.reader(io.StringIO(services.export_file(job).read_text("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 4 and rows[0][0] == "N."
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.purpose == PURPOSE and event.actor_id == personas.desk_operator.pk


def test_the_export_has_the_same_scoping_as_the_page(personas: Personas) -> None:
    accesses(personas, 2)
    job = export_create(
        actor=personas.association_operator,
        source_key="desk.accesses",
        fmt="xlsx",
        purpose=PURPOSE,
        params={},
    )
    sheet = load_workbook(services.export_file(job)).active
    assert sheet.max_row == 1  # the header only: the Comune's accesses are not theirs
    with pytest.raises(PermissionDeniedError):
        export_create(
            actor=personas.volunteer,
            source_key="cases.cases",
            fmt="csv",
            purpose=PURPOSE,
            params={},
        )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
        ({"date_from": "2024-01-01", "date_to": "2026-01-01"}, "date_from"),
        ({"date_from": "ieri"}, "date_from"),
    ],
)
def test_reversed_unreadable_or_too_wide_ranges_are_refused(
    personas: Personas, params: dict[str, str], field: str
) -> None:
    with pytest.raises(DomainError) as error:
        export_create(
            actor=personas.desk_operator,
            source_key="desk.accesses",
            fmt="csv",
            purpose=PURPOSE,
            params=params,
        )
    assert error.value.field == field
    assert not ExportJob.objects.exists()


def test_a_coordinator_may_export_a_wide_range(personas: Personas) -> None:
    job = export_create(
        actor=personas.coordinator,
        source_key="desk.accesses",
        fmt="csv",
        purpose=PURPOSE,
        params={"date_from": "2024-01-01", "date_to": "2026-01-01"},
    )
    assert job.state == JobState.DONE


def test_long_exports_go_to_the_worker_with_progress(personas: Personas, monkeypatch) -> None:
    monkeypatch.setattr(services, "INLINE_EXPORT_ROWS", 1)
    accesses(personas, 3)
    job = export_create(
        actor=personas.desk_operator,
        source_key="desk.accesses",
        fmt="csv",
        purpose=PURPOSE,
        params={},
    )
    assert job.state == JobState.QUEUED and job.percent == 0
    export_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.percent == 100


def test_pages_progress_and_download_only_for_the_requester(personas: Personas, login) -> None:
    accesses(personas, 2)
    client = login(personas.desk_operator)
    url = reverse("insights:export_create") + "?source=desk.accesses"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"format": "csv", "purpose": ""})
    assert response.status_code == 200 and not ExportJob.objects.exists()
    response = client.post(url, {"format": "csv", "purpose": PURPOSE, "date_from": "2026-01-01"})
    job = ExportJob.objects.get()
    assert response.url == reverse("insights:export_detail", args=[job.pk])
    progress = client.get(reverse("insights:export_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"export-progress" in progress.content
    download = client.get(reverse("insights:export_download", args=[job.pk]))
    assert download.status_code == 200
    other = login(personas.social_worker)
    assert other.get(reverse("insights:export_download", args=[job.pk])).status_code == 404
    assert other.get(reverse("insights:export_detail", args=[job.pk])).status_code == 404


def test_the_aggregate_figures_export_needs_no_purpose(personas: Personas) -> None:
    job = export_create(
        actor=personas.viewer, source_key="insights.figures", fmt="csv", purpose="", params={}
    )
    assert job.state == JobState.DONE
    text = services.export_file(job).read_text("utf-8-sig")
    assert "Accessi agli sportelli" in text
