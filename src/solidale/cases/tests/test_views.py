"""The pages of the cartella sociale and the person timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from solidale.core.models import AuditEvent
from solidale.people.services import household_create, household_member_add

from .. import services
from ..models import Case, Document, InterventionStatus
from .factories import comune_person, open_case, second_social_worker, siuss

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_social_worker_takes_charge_through_the_page(personas, login) -> None:
    person = comune_person(personas)
    client = login(personas.social_worker)
    url = reverse("cases:open", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "area": "adults",
            "responsible": personas.social_worker.pk,
            "opening_reason": "Perdita dell'alloggio",
        },
    )
    case = Case.objects.get(person=person)
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_the_opening_form_shows_errors_next_to_the_fields(personas, login) -> None:
    person = comune_person(personas)
    response = login(personas.social_worker).post(
        reverse("cases:open", args=[person.pk]), {"area": "adults"}
    )
    assert response.status_code == 400
    assert b'aria-describedby="id_opening_reason_error' in response.content


def test_a_desk_operator_cannot_open_the_taking_charge_page(personas, login) -> None:
    person = comune_person(personas)
    response = login(personas.desk_operator).get(reverse("cases:open", args=[person.pk]))
    assert response.status_code == 404


def test_outsider_gets_404_on_a_case(personas, login) -> None:
    case = open_case(personas)
    for user in (personas.outsider, personas.association_operator, personas.desk_operator):
        assert login(user).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_detail_page_is_audited(personas, login) -> None:
    case = open_case(personas)
    assert (
        login(personas.coordinator).get(reverse("cases:detail", args=[case.pk])).status_code == 200
    )
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.case", person_id=case.person_id
    ).exists()


def test_a_reserved_note_is_not_on_the_page_of_a_colleague_outside_the_team(
    personas, login
) -> None:
    case = open_case(personas)
    services.note_add(
        actor=personas.social_worker, case=case, kind="interview", text="Segreto", reserved=True
    )
    other = second_social_worker(personas)
    open_case(personas, person=comune_person(personas, family_name="Altri"), responsible=other)
    assert (
        b"Segreto"
        in login(personas.social_worker).get(reverse("cases:detail", args=[case.pk])).content
    )
    for user in (other, personas.coordinator):
        page = login(user).get(reverse("cases:detail", args=[case.pk]))
        assert page.status_code == 200
        assert b"Segreto" not in page.content
        timeline = login(user).get(reverse("people:timeline", args=[case.person_id]))
        assert b"Segreto" not in timeline.content


def _document(personas, settings, tmp_path) -> Document:
    settings.MEDIA_ROOT = tmp_path
    case = open_case(personas)
    return services.document_upload(
        actor=personas.social_worker,
        case=case,
        title="Relazione",
        upload=SimpleUploadedFile("relazione.pdf", PDF, "application/pdf"),
    )


def test_a_document_downloads_as_an_attachment_and_is_audited(
    personas, login, settings, tmp_path
) -> None:
    document = _document(personas, settings, tmp_path)
    url = reverse("cases:document_download", args=[document.case_id, document.pk])
    response = login(personas.coordinator).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.document", purpose="download"
    ).exists()


def test_outsider_gets_404_on_a_document(personas, login, settings, tmp_path) -> None:
    document = _document(personas, settings, tmp_path)
    url = reverse("cases:document_download", args=[document.case_id, document.pk])
    for user in (personas.outsider, personas.association_operator, personas.desk_operator):
        assert login(user).get(url).status_code == 404
    for public_url in (f"/media/private/cases/{document.path}", f"/private/cases/{document.path}"):
        assert login(personas.social_worker).get(public_url).status_code == 404


def test_an_upload_of_the_wrong_type_is_refused_with_a_clear_error(
    personas, login, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = open_case(personas)
    response = login(personas.social_worker).post(
        reverse("cases:document_upload", args=[case.pk]),
        {"title": "Foto", "file": SimpleUploadedFile("foto.png", b"GIF89a....", "image/png")},
    )
    assert response.status_code == 400
    assert "Formato non accettato" in response.content.decode()
    assert not case.documents.exists()


def test_a_coordinator_approves_through_the_page(personas, login) -> None:
    case = open_case(personas)
    intervention = services.intervention_request(
        actor=personas.social_worker,
        case=case,
        type=siuss("A1.05"),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount="1200",
    )
    url = reverse("cases:intervention_decide", args=[case.pk, intervention.pk])
    assert login(personas.social_worker).post(url, {"decision": "approve"}).status_code == 403
    response = login(personas.coordinator).post(url, {"decision": "approve"})
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.APPROVED


def test_plan_dates_before_the_opening_show_a_clear_error(personas, login) -> None:
    case = open_case(personas)
    before = timezone.localdate(case.opened_at) - timedelta(days=3)
    response = login(personas.social_worker).post(
        reverse("cases:plan_edit", args=[case.pk]),
        {"stage": "preliminary", "review_on": before.isoformat()},
    )
    assert response.status_code == 400
    assert "precedente all&#x27;apertura" in response.content.decode()


def test_the_timeline_shows_case_entries_in_time_order_and_is_audited(personas, login) -> None:
    case = open_case(personas)
    services.note_add(actor=personas.social_worker, case=case, kind="phone", text="Prima nota")
    services.intervention_request(
        actor=personas.social_worker,
        case=case,
        type=siuss("A1.06"),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount="80",
    )
    page = login(personas.social_worker).get(reverse("people:timeline", args=[case.person_id]))
    content = page.content.decode()
    assert page.status_code == 200
    assert content.index("A1.06") < content.index("Prima nota") < content.index("presa in carico")
    assert AuditEvent.objects.filter(
        action="view", person_id=case.person_id, purpose="timeline"
    ).exists()


def test_the_timeline_is_404_outside_the_scope(personas, login) -> None:
    case = open_case(personas)
    assert (
        login(personas.outsider).get(reverse("people:timeline", args=[case.person_id])).status_code
        == 404
    )


def test_the_household_timeline_gathers_the_current_members(personas, login) -> None:
    first = open_case(personas)
    partner = comune_person(personas, family_name="Bertolucci", given_name="Marco")
    household = household_create(actor=personas.social_worker, data={"name": "Nucleo Bertolucci"})
    for person, relationship in ((first.person, "head"), (partner, "spouse")):
        household_member_add(
            actor=personas.social_worker,
            household=household,
            person=person,
            relationship=relationship,
            start_date=timezone.localdate() - timedelta(days=400),
        )
    second = open_case(personas, person=partner, area="elderly")
    page = login(personas.social_worker).get(
        reverse("people:household_timeline", args=[household.pk])
    )
    content = page.content.decode()
    assert str(first) in content and str(second) in content


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_cases_page_runs_the_same_queries_for_many_cases(personas, login) -> None:
    client = login(personas.social_worker)
    open_case(personas)
    few = _query_count(client, reverse("cases:mine"))
    for n in range(5):
        open_case(personas, person=comune_person(personas, family_name=f"Caso{n}"))
    assert _query_count(client, reverse("cases:mine")) == few


def test_the_timeline_runs_the_same_queries_for_many_entries(personas, login) -> None:
    case = open_case(personas)
    client = login(personas.social_worker)
    url = reverse("people:timeline", args=[case.person_id])
    few = _query_count(client, url)
    for n in range(10):
        services.note_add(actor=personas.social_worker, case=case, kind="phone", text=f"n{n}")
    assert _query_count(client, url) == few


def test_the_caseload_shows_every_worker_as_a_table_and_a_chart(personas, login) -> None:
    open_case(personas)
    assert login(personas.social_worker).get(reverse("cases:caseload")).status_code == 404
    page = login(personas.coordinator).get(reverse("cases:caseload"))
    content = page.content.decode()
    assert "<svg" in content and "<table" in content
    assert personas.social_worker.full_name in content


def test_follow_ups_appear_on_the_landing_page(personas, login) -> None:
    case = open_case(personas)
    services.followup_add(
        actor=personas.social_worker,
        case=case,
        title="Richiamare il proprietario",
        due_on=timezone.localdate(),
        assigned_to=personas.social_worker,
    )
    assert "Richiamare il proprietario" in login(personas.social_worker).get("/").content.decode()


def test_an_open_case_offers_a_referral_to_a_service(personas, login) -> None:
    case = open_case(personas)
    page = login(personas.social_worker).get(reverse("cases:detail", args=[case.pk]))
    assert f"{reverse('referrals:create')}?case={case.pk}".encode() in page.content
