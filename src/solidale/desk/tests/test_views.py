from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from solidale.core.models import AuditEvent
from solidale.desk.models import Access, OnlineRequest
from solidale.desk.services import NeedInput, online_request_set_status
from solidale.people.models import Person
from solidale.people.tests.factories import make_person, person_data

from .factories import make_access, make_office, make_online_request, started_token

pytestmark = pytest.mark.django_db


def _intake_post(**extra):
    return {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "desk",
        "outcome": "orientation",
        "needs": ["housing"],
        "urgency_housing": "high",
    } | extra


def test_the_intake_page_focuses_the_search_and_loads_its_script(personas, login) -> None:
    response = login(personas.desk_operator).get(reverse("desk:intake"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_person_query"' in html and "autofocus" in html
    assert "desk-intake.js" in html
    assert "<script>" not in html


def test_the_intake_search_finds_a_returning_person_despite_a_typo(personas, login) -> None:
    make_person(personas.desk_operator, family_name="Bernardini", given_name="Giuseppina")
    response = login(personas.desk_operator).get(
        reverse("desk:intake_search"), {"q": "Bernardni"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Bernardini" in html
    assert "data-person-option" in html
    assert "<html" not in html


def test_the_intake_records_an_access_for_a_known_person(personas, login) -> None:
    person = make_person(personas.desk_operator)
    office = make_office(personas.comune)
    response = login(personas.desk_operator).post(
        reverse("desk:intake"), _intake_post(person=person.pk, office=office.pk)
    )
    assert response.status_code == 302
    access = Access.objects.get()
    assert access.person == person
    assert access.office == office
    assert list(access.access_needs.values_list("need__code", "urgency")) == [("housing", "high")]


def test_the_intake_registers_a_new_person_inline(personas, login) -> None:
    data = person_data(family_name="Pellegrini", given_name="Ottavio")
    response = login(personas.desk_operator).post(
        reverse("desk:intake"),
        _intake_post(
            family_name=data["family_name"],
            given_name=data["given_name"],
            codice_fiscale=data["codice_fiscale"],
            need_input="Lavoro",
            needs=[],
        ),
    )
    assert response.status_code == 302
    access = Access.objects.get()
    assert access.person is not None
    assert access.person.family_name == "Pellegrini"
    assert list(access.access_needs.values_list("need__code", flat=True)) == ["work"]


def test_the_intake_shows_a_duplicate_codice_fiscale_inline_and_saves_nothing(
    personas, login
) -> None:
    existing = make_person(personas.desk_operator)
    response = login(personas.desk_operator).post(
        reverse("desk:intake"),
        _intake_post(
            family_name="Altro", given_name="Nome", codice_fiscale=existing.codice_fiscale
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "codice fiscale" in html
    assert f'value="{existing.pk}"' in html  # offered as the person to pick
    assert not Access.objects.exists()


def test_the_intake_shows_an_unknown_need_next_to_the_needs(personas, login) -> None:
    person = make_person(personas.desk_operator)
    response = login(personas.desk_operator).post(
        reverse("desk:intake"), _intake_post(person=person.pk, needs=["astrology"])
    )
    assert response.status_code == 200
    assert 'id="needs-error"' in response.content.decode()
    assert not Access.objects.exists()


def test_the_intake_refuses_a_follow_up_in_the_past(personas, login) -> None:
    person = make_person(personas.desk_operator)
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = login(personas.desk_operator).post(
        reverse("desk:intake"), _intake_post(person=person.pk, follow_up_on=past)
    )
    assert response.status_code == 200
    assert "id_follow_up_on_error" in response.content.decode()
    assert not Access.objects.exists()


def test_the_duplicate_check_discloses_other_organizations_persons_by_initials_only(
    personas, login
) -> None:
    make_person(personas.association_operator, family_name="Zanardelli", given_name="Rosalba")
    response = login(personas.desk_operator).get(
        reverse("desk:intake_check"), {"family_name": "Zanardelli", "given_name": "Rosalba"}
    )
    html = response.content.decode()
    assert "Z. R." in html
    assert "Zanardelli" not in html


def test_outsiders_get_404_on_an_access(personas, login) -> None:
    access = make_access(personas.desk_operator)
    for user in (
        personas.outsider,
        personas.association_operator,
        personas.viewer,
        personas.citizen,
    ):
        client = login(user)
        assert client.get(reverse("desk:access_detail", args=[access.pk])).status_code == 404
        assert client.get(reverse("desk:access_update", args=[access.pk])).status_code == 404


def test_the_detail_page_records_the_reading_in_the_audit_trail(personas, login) -> None:
    access = make_access(personas.desk_operator)
    response = login(personas.social_worker).get(reverse("desk:access_detail", args=[access.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="view", person_id=access.person_id, object_type="desk.access"
    ).exists()


def test_the_edit_page_saves_changes(personas, login) -> None:
    access = make_access(personas.desk_operator)
    response = login(personas.desk_operator).post(
        reverse("desk:access_update", args=[access.pk]),
        {
            "occurred_at": timezone.localtime(access.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "outcome": "referral",
            "needs": ["income"],
            "urgency_income": "low",
        },
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.channel == "phone" and access.outcome == "referral"


def test_the_access_list_filters_and_its_queries_do_not_grow_with_rows(personas, login) -> None:
    client = login(personas.desk_operator)
    make_access(personas.desk_operator, channel="phone")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("desk:access_list"))
    for _index in range(6):
        make_access(
            personas.desk_operator, channel="phone", needs=[NeedInput("food"), NeedInput("work")]
        )
    make_access(personas.desk_operator, channel="email")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("desk:access_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
    response = client.get(reverse("desk:access_list"), {"channel": "email"})
    assert response.context["page"].paginator.count == 1


def test_other_organizations_list_only_their_own_accesses(personas, login) -> None:
    make_access(personas.desk_operator)
    response = login(personas.association_operator).get(reverse("desk:access_list"))
    assert response.context["page"].paginator.count == 0


def test_a_follow_up_is_marked_done_from_the_detail_page(personas, login) -> None:
    access = make_access(personas.desk_operator, follow_up_on=timezone.localdate())
    response = login(personas.desk_operator).post(
        reverse("desk:access_follow_up_done", args=[access.pk]), {"outcome": "information"}
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.follow_up_done_at is not None


# --- Public online requests ------------------------------------------------------------


def _request_post(**extra):
    return {
        "subject": "someone_else",
        "category": "homelessness",
        "text": "Un signore dorme da giorni sotto i portici di via Dante.",
        "contact_preference": "email",
        "contact_email": "vicina@example.invalid",
        "consent": "on",
        "website": "",
        "started": started_token(),
    } | extra


def test_anyone_sends_an_online_request_and_gets_a_tracking_code(client) -> None:
    response = client.post(reverse("desk:request_new"), _request_post())
    assert response.status_code == 200
    online_request = OnlineRequest.objects.get()
    assert online_request.tracking_code in response.content.decode()
    assert online_request.citizen is None


def test_a_filled_honeypot_is_refused_and_nothing_is_saved(client) -> None:
    response = client.post(
        reverse("desk:request_new"), _request_post(website="http://spam.example")
    )
    assert response.status_code == 200
    assert not OnlineRequest.objects.exists()


def test_a_submission_faster_than_a_person_can_type_is_refused(client) -> None:
    response = client.post(reverse("desk:request_new"), _request_post(started=started_token(0)))
    assert "troppo in fretta" in response.content.decode()
    assert not OnlineRequest.objects.exists()


def test_a_forged_start_stamp_is_refused(client) -> None:
    client.post(reverse("desk:request_new"), _request_post(started="123456"))
    assert not OnlineRequest.objects.exists()


def test_missing_consent_is_refused(client) -> None:
    data = _request_post()
    data.pop("consent")
    response = client.post(reverse("desk:request_new"), data)
    assert "id_consent_error" in response.content.decode()
    assert not OnlineRequest.objects.exists()


def test_online_requests_are_rate_limited_per_address(client, settings) -> None:
    settings.SOLIDALE_RATE_LIMIT_PUBLIC = "2/3600"
    for _index in range(2):
        assert client.post(reverse("desk:request_new"), _request_post()).status_code == 200
    response = client.post(reverse("desk:request_new"), _request_post())
    assert response.status_code == 429
    assert OnlineRequest.objects.count() == 2


def test_the_status_page_shows_status_and_answer_but_never_internal_notes(personas, client) -> None:
    online_request = make_online_request()
    online_request_set_status(
        actor=personas.desk_operator,
        online_request=online_request,
        status="answered",
        answer="Passi allo sportello di Romagnano giovedì mattina.",
        internal_notes="Segnalato anche dai vicini, NOTA-RISERVATA",
    )
    response = client.post(
        reverse("desk:request_status"), {"code": online_request.tracking_code.lower()}
    )
    html = response.content.decode()
    assert "Risposta data" in html
    assert "Romagnano giovedì" in html
    assert "NOTA-RISERVATA" not in html
    assert online_request.text not in html
    assert "mario.rossi" not in html


def test_a_guessed_code_learns_nothing(db, client) -> None:
    make_online_request()
    response = client.post(reverse("desk:request_status"), {"code": "SOL-0000000000"})
    html = response.content.decode()
    assert "Nessuna richiesta con questo codice" in html
    assert "mario.rossi" not in html


def test_status_lookups_are_rate_limited(db, client) -> None:
    statuses = {
        client.post(reverse("desk:request_status"), {"code": f"SOL-{n:010d}"}).status_code
        for n in range(31)
    }
    assert 429 in statuses


def test_a_citizen_sees_only_their_own_requests(personas, login) -> None:
    mine = make_online_request(citizen=personas.citizen)
    other = make_online_request()
    response = login(personas.citizen).get(reverse("desk:my_requests"))
    html = response.content.decode()
    assert mine.tracking_code in html
    assert other.tracking_code not in html


def test_a_logged_in_citizen_s_request_is_tied_to_the_account(personas, login) -> None:
    client = login(personas.citizen)
    client.post(reverse("desk:request_new"), _request_post(contact_email=""))
    online_request = OnlineRequest.objects.get()
    assert online_request.citizen == personas.citizen
    assert online_request.contact_email == personas.citizen.email


def test_only_the_comune_s_triage_roles_open_an_online_request(personas, login) -> None:
    online_request = make_online_request()
    url = reverse("desk:request_detail", args=[online_request.pk])
    assert login(personas.desk_operator).get(url).status_code == 200
    for user in (personas.association_admin, personas.outsider, personas.viewer, personas.citizen):
        assert login(user).get(url).status_code == 404


def test_staff_answer_an_online_request_from_its_page(personas, login) -> None:
    online_request = make_online_request()
    response = login(personas.social_worker).post(
        reverse("desk:request_detail", args=[online_request.pk]),
        {
            "status": "answered",
            "urgency": "high",
            "answer": "La richiamiamo domani.",
            "internal_notes": "",
        },
    )
    assert response.status_code == 302
    online_request.refresh_from_db()
    assert online_request.status == "answered"
    assert online_request.answered_at is not None


def test_person_pages_stay_unchanged_for_persons_the_desk_cannot_see(personas, login) -> None:
    person = make_person(personas.association_operator)
    response = login(personas.desk_operator).post(
        reverse("desk:intake"), _intake_post(person=person.pk)
    )
    assert response.status_code == 200
    assert not Access.objects.exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_citizen_finds_their_requests_in_the_menu(personas, login) -> None:
    home = login(personas.citizen).get(reverse("core:home"))
    assert reverse("desk:my_requests").encode() in home.content
    staff_home = login(personas.desk_operator).get(reverse("core:home"))
    assert reverse("desk:my_requests").encode() not in staff_home.content


def test_an_access_with_a_person_offers_a_referral_to_a_service(personas, login) -> None:
    access = make_access(personas.desk_operator)
    page = login(personas.desk_operator).get(reverse("desk:access_detail", args=[access.pk]))
    assert f"{reverse('referrals:create')}?access={access.pk}".encode() in page.content
