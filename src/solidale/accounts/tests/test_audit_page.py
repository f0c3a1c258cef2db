"""The audit trail page: a Comune coordinator sees the network, an org_admin their organization."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from solidale.accounts.models import Role
from solidale.accounts.services import membership_add
from solidale.core.audit import Action, audit_record
from solidale.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/account/audit/"


def _events_of(user, count: int = 1, **fields):
    return [
        audit_record(
            actor=user,
            action=fields.get("action", Action.VIEW),
            object_type="people.person",
            object_id=index,
            person_id=fields.get("person_id"),
            purpose=fields.get("purpose", ""),
        )
        for index in range(count)
    ]


def test_a_comune_coordinator_sees_every_organization(login, personas) -> None:
    _events_of(personas.association_operator, purpose="evento della cooperativa")
    _events_of(personas.outsider, purpose="evento di Altrove")
    body = login(personas.coordinator).get(URL).content.decode()
    assert "evento della cooperativa" in body
    assert "evento di Altrove" in body


def test_an_org_admin_sees_only_their_organization(login, personas) -> None:
    _events_of(personas.association_operator, purpose="evento della cooperativa")
    _events_of(personas.outsider, purpose="evento di Altrove")
    _events_of(personas.social_worker, purpose="evento del Comune")
    response = login(personas.association_admin).get(URL)
    body = response.content.decode()
    assert "evento della cooperativa" in body
    assert "evento di Altrove" not in body
    assert "evento del Comune" not in body
    organizations = {event.organization_id for event in response.context["page"]}
    assert organizations == {personas.cooperative.pk}


def test_a_coordinator_outside_the_comune_sees_only_their_organization(login, personas) -> None:
    coordinator = membership_add(
        actor=None,
        user=personas.outsider,
        organization=personas.other_association,
        role=Role.COORDINATOR,
    )
    _events_of(personas.association_operator, purpose="evento della cooperativa")
    client = login(personas.outsider)
    client.post(reverse("accounts:switch_membership"), {"membership": coordinator.pk})
    response = client.get(URL)
    assert response.status_code == 200
    assert "evento della cooperativa" not in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    ["social_worker", "desk_operator", "association_operator", "volunteer", "viewer", "citizen"],
)
def test_other_roles_get_403(login, personas, persona: str) -> None:
    assert login(getattr(personas, persona)).get(URL).status_code == 403


def test_it_filters_by_action_user_and_person(login, personas) -> None:
    _events_of(personas.social_worker, person_id=41, purpose="letto da Anna")
    _events_of(personas.desk_operator, person_id=42, purpose="letto da Sara")
    _events_of(personas.desk_operator, action=Action.EXPORT, purpose="esportato da Sara")
    client = login(personas.coordinator)

    def purposes(**query: object) -> set[str]:
        return {event.purpose for event in client.get(URL, query).context["page"] if event.purpose}

    assert purposes(person_id=42) == {"letto da Sara"}
    assert purposes(user="sportello@") == {"letto da Sara", "esportato da Sara"}
    assert purposes(action="export") == {"esportato da Sara"}
    assert purposes(object_type="people.person", action="view") == {
        "letto da Anna",
        "letto da Sara",
    }


def test_it_filters_by_date_range(login, personas) -> None:
    _events_of(personas.social_worker, purpose="oggi")
    client = login(personas.coordinator)
    today = timezone.localdate()
    assert (
        client.get(URL, {"date_from": today.isoformat(), "date_to": today.isoformat()})
        .context["page"]
        .paginator.count
        >= 1
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert client.get(URL, {"date_from": tomorrow}).context["page"].paginator.count == 0
    yesterday = (today - timedelta(days=1)).isoformat()
    assert client.get(URL, {"date_to": yesterday}).context["page"].paginator.count == 0


def test_an_inverted_date_range_is_reported_next_to_the_field(login, personas) -> None:
    response = login(personas.coordinator).get(
        URL, {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert 'id="id_date_to_error"' in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_it_pages_fifty_events_at_a_time(login, personas) -> None:
    _events_of(personas.association_operator, count=120)
    client = login(personas.association_admin)
    first = client.get(URL, {"object_type": "people.person"})
    assert len(first.context["page"]) == 50
    assert first.context["page"].paginator.num_pages == 3
    assert "page=2" in first.content.decode()
    last = client.get(URL, {"object_type": "people.person", "page": 3})
    assert len(last.context["page"]) == 20


def test_the_page_has_a_fixed_number_of_queries(login, personas, django_assert_num_queries) -> None:
    client = login(personas.coordinator)
    _events_of(personas.social_worker, count=3)
    # session, user, current membership, the switcher's memberships, count, page
    with django_assert_num_queries(7):
        client.get(URL)
    _events_of(personas.social_worker, count=80)
    with django_assert_num_queries(7):
        client.get(URL)


def test_an_htmx_request_gets_only_the_results(login, personas) -> None:
    _events_of(personas.social_worker, purpose="risultato")
    response = login(personas.coordinator).get(URL, {"action": "view"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "risultato" in body
    assert "<html" not in body


def test_changed_values_are_not_shown_only_the_field_names(login, personas) -> None:
    audit_record(
        actor=personas.social_worker,
        action=Action.UPDATE,
        object_type="people.person",
        object_id=1,
        changes={"family_name": ["Rossi", "Bianchi"]},
    )
    body = login(personas.coordinator).get(URL).content.decode()
    assert "family_name" in body
    assert "Bianchi" not in body


def test_logins_appear_in_the_trail(client, personas) -> None:
    client.post(
        reverse("accounts:login"), {"username": personas.coordinator.email, "password": "sbagliata"}
    )
    client.post(
        reverse("accounts:login"), {"username": personas.coordinator.email, "password": PASSWORD}
    )
    actions = {event.action for event in client.get(URL).context["page"]}
    assert {AuditEvent.Action.LOGIN, AuditEvent.Action.LOGIN_FAILED} <= actions
