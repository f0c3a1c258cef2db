"""The persons and households API: same scoping, validation and audit as the pages."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from solidale.accounts.models import ApiToken, hash_token
from solidale.core.models import AuditEvent
from solidale.people.models import Household, LinkReason, Person
from solidale.people.services import person_link_open

from .factories import make_household, make_person, person_data

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    secret = ApiToken.generate_secret()
    ApiToken.objects.create(
        user=user,
        membership=user.memberships.first(),
        name="test",
        prefix=secret[:8],
        digest=hash_token(secret),
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post_json(client: Client, url: str, body: dict, method: str = "post"):
    return getattr(client, method)(
        url, data=json.dumps(body, default=str), content_type="application/json"
    )


def test_it_requires_authentication(personas) -> None:
    response = Client().get("/api/v1/persons")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_it_lists_only_persons_of_my_organization(personas) -> None:
    mine = make_person(personas.desk_operator, family_name="Bernardini", given_name="Giuseppina")
    make_person(personas.association_operator, family_name="Ferrari", given_name="Lucia")
    body = token_client(personas.desk_operator).get("/api/v1/persons").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["count"] == 1


def test_search_tolerates_a_typo(personas) -> None:
    person = make_person(personas.desk_operator, family_name="Bernardini", given_name="Giuseppina")
    body = token_client(personas.desk_operator).get("/api/v1/persons", {"q": "Bernardni"}).json()
    assert person.pk in [row["id"] for row in body["results"]]


def test_detail_is_logged_in_the_audit_trail(personas) -> None:
    person = make_person(personas.desk_operator)
    response = token_client(personas.social_worker).get(f"/api/v1/persons/{person.pk}")
    assert response.status_code == 200
    assert response.json()["codice_fiscale"] == person.codice_fiscale
    event = AuditEvent.objects.for_person(person.pk).filter(action=AuditEvent.Action.VIEW).get()
    assert event.actor_id == personas.social_worker.pk
    assert event.purpose == "api"


@pytest.mark.parametrize(
    "persona", ["outsider", "association_operator", "volunteer", "viewer", "housing_officer"]
)
def test_outsiders_get_404_and_no_data(personas, persona) -> None:
    person = make_person(personas.desk_operator, family_name="Riservati", given_name="Nadia")
    response = token_client(getattr(personas, persona)).get(f"/api/v1/persons/{person.pk}")
    assert response.status_code in (403, 404)
    assert b"Riservati" not in response.content
    assert person.codice_fiscale is not None
    assert person.codice_fiscale.encode() not in response.content


def test_a_program_reason_opens_identity_but_not_contacts(personas) -> None:
    person = make_person(personas.desk_operator, phone="3331234567")
    person_link_open(
        actor=personas.coordinator,
        person=person,
        organization=personas.cooperative,
        reason=LinkReason.PROGRAM,
        source="food.enrollment:1",
    )
    body = token_client(personas.association_operator).get(f"/api/v1/persons/{person.pk}").json()
    assert body["family_name"] == person.family_name
    assert "phone" not in body
    assert "codice_fiscale" not in body
    assert body["visible_fieldsets"] == ["household_size", "identity"]


def test_it_creates_a_person_and_opens_the_registration_reason(personas) -> None:
    data = person_data(family_name="Nuovi", given_name="Arrivo")
    response = post_json(token_client(personas.desk_operator), "/api/v1/persons", data)
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.links.get().organization == personas.comune
    assert AuditEvent.objects.filter(
        action="create", object_type="people.person", object_id=str(person.pk)
    ).exists()


def test_it_refuses_an_invalid_codice_fiscale_with_the_error_shape(personas) -> None:
    data = person_data(codice_fiscale="RSSMRA80A01F023X")
    response = post_json(token_client(personas.desk_operator), "/api/v1/persons", data)
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert "codice_fiscale" in error["fields"]
    assert not Person.objects.exists()


def test_it_refuses_a_duplicate_codice_fiscale(personas) -> None:
    existing = make_person(personas.desk_operator)
    data = person_data(
        family_name=existing.family_name,
        given_name=existing.given_name,
        sex=existing.sex,
        birth_date=existing.birth_date,
        codice_fiscale=existing.codice_fiscale,
        confirm_similar=True,
    )
    response = post_json(token_client(personas.desk_operator), "/api/v1/persons", data)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_codice_fiscale"
    assert Person.objects.count() == 1


def test_an_outsider_learns_no_identity_from_a_duplicate_codice_fiscale(personas) -> None:
    existing = make_person(personas.desk_operator, family_name="Nascosti")
    data = person_data(
        family_name="Nascosti",
        given_name=existing.given_name,
        sex=existing.sex,
        birth_date=existing.birth_date,
        codice_fiscale=existing.codice_fiscale,
        confirm_similar=True,
    )
    response = post_json(token_client(personas.outsider), "/api/v1/persons", data)
    assert response.status_code == 409
    assert str(existing.pk) not in response.json()["error"]["message"]


def test_it_refuses_unknown_fields_and_malformed_json(personas) -> None:
    client = token_client(personas.desk_operator)
    unknown = post_json(client, "/api/v1/persons", person_data() | {"favourite_colour": "blu"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"]["favourite_colour"] == ["Campo sconosciuto."]
    malformed = client.post("/api/v1/persons", data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["error"] == {
        "code": "malformed",
        "message": "Il corpo della richiesta non è JSON valido.",
    }
    english = client.post(
        "/api/v1/persons",
        data="{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["error"]["message"] == "The request body is not valid JSON."
    assert not Person.objects.exists()


def test_it_refuses_a_future_birth_date(personas) -> None:
    data = person_data(birth_date=date(2999, 1, 1), codice_fiscale=None)
    response = post_json(token_client(personas.desk_operator), "/api/v1/persons", data)
    assert response.status_code in (400, 422)
    assert "birth_date" in response.json()["error"]["fields"]


def test_it_updates_a_person_and_audits_the_change(personas) -> None:
    person = make_person(personas.desk_operator)
    response = post_json(
        token_client(personas.social_worker),
        f"/api/v1/persons/{person.pk}",
        {"phone": "0585 123456"},
        method="patch",
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.phone == "0585 123456"
    assert AuditEvent.objects.filter(action="update", object_id=str(person.pk)).exists()


def test_an_outsider_cannot_update(personas) -> None:
    person = make_person(personas.desk_operator)
    response = post_json(
        token_client(personas.outsider),
        f"/api/v1/persons/{person.pk}",
        {"phone": "000"},
        method="patch",
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.phone == ""


def test_session_writes_need_csrf(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.desk_operator)
    response = post_json(client, "/api/v1/persons", person_data())
    assert response.status_code in (401, 403)
    assert not Person.objects.exists()


def test_households_show_only_visible_members(personas) -> None:
    mine = make_person(personas.desk_operator, family_name="Conti")
    theirs = make_person(personas.association_operator, family_name="Segreti")
    household = make_household(personas.desk_operator, (mine, "head"))
    household.members.create(person=theirs, relationship="child")
    body = token_client(personas.desk_operator).get(f"/api/v1/households/{household.pk}").json()
    assert [m["person_id"] for m in body["members"]] == [mine.pk]
    assert b"Segreti" not in json.dumps(body).encode()


def test_it_creates_and_updates_a_household(personas) -> None:
    client = token_client(personas.desk_operator)
    created = post_json(
        client, "/api/v1/households", {"name": "Nucleo Conti", "address": "Via Roma 1"}
    )
    assert created.status_code == 201, created.content
    household_id = created.json()["id"]
    updated = post_json(
        client, f"/api/v1/households/{household_id}", {"address": "Via Aurelia 2"}, method="patch"
    )
    assert updated.status_code == 200
    assert Household.objects.get(pk=household_id).address == "Via Aurelia 2"


def test_household_list_pages(personas, django_assert_max_num_queries) -> None:
    for number in range(3):
        person = make_person(personas.desk_operator)
        make_household(personas.desk_operator, (person, "head"), name=f"Nucleo {number}")
    client = token_client(personas.desk_operator)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/households", {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
