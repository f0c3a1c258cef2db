import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from solidale.core.errors import ConflictError
from solidale.desk.models import Access, Outcome
from solidale.desk.rules import DEFAULT_RULES, TriageRules
from solidale.desk.selectors import (
    attention_items,
    first_response_due,
    timeline_entries,
    triage_queue,
)
from solidale.desk.services import NeedInput, triage_assign
from solidale.network.models import NeedCategory
from solidale.people.tests.factories import make_person

from .factories import make_access, make_online_request


def test_the_rule_table_puts_urgency_vulnerability_waiting_and_overdue_in_order() -> None:
    rules = DEFAULT_RULES
    low = rules.score(urgencies=["low"], need_codes=["food"], waiting_days=0, overdue=False)
    urgent = rules.score(urgencies=["urgent"], need_codes=["food"], waiting_days=0, overdue=False)
    violence = rules.score(
        urgencies=["medium"], need_codes=["violence"], waiting_days=0, overdue=False
    )
    waited = rules.score(urgencies=["low"], need_codes=["food"], waiting_days=4, overdue=True)
    assert urgent > low and violence > urgent and waited > low
    custom = TriageRules(vulnerable_need_bonus={})
    assert (
        custom.score(urgencies=["medium"], need_codes=["violence"], waiting_days=0, overdue=False)
        < urgent
    )


def test_the_first_response_is_due_after_the_configured_working_days(settings) -> None:
    settings.SOLIDALE_DESK_FIRST_RESPONSE_DAYS = 2
    assert first_response_due(date(2026, 12, 24)) == date(2026, 12, 29)
    settings.SOLIDALE_DESK_FIRST_RESPONSE_DAYS = 1
    assert first_response_due(date(2026, 12, 24)) == date(2026, 12, 28)


@pytest.mark.django_db
def test_the_queue_orders_violence_and_urgency_first_and_highlights_overdue(personas) -> None:
    calm = make_access(personas.desk_operator, needs=[NeedInput("digital", "low")])
    violence = make_access(personas.desk_operator, needs=[NeedInput("violence", "medium")])
    urgent = make_access(personas.desk_operator, needs=[NeedInput("income", "urgent")])
    done = make_access(personas.desk_operator, outcome=Outcome.INFORMATION)
    old = make_access(personas.desk_operator, needs=[NeedInput("digital", "low")])
    Access.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - timedelta(days=15))
    request = make_online_request()
    keys = [item.key for item in triage_queue(personas.desk_operator)]
    assert f"access:{done.pk}" not in keys
    assert keys.index(f"access:{violence.pk}") < keys.index(f"access:{urgent.pk}")
    assert keys.index(f"access:{urgent.pk}") < keys.index(f"access:{calm.pk}")
    assert keys.index(f"access:{old.pk}") < keys.index(f"access:{calm.pk}")
    assert f"request:{request.pk}" in keys
    overdue = {item.key for item in triage_queue(personas.desk_operator) if item.overdue}
    assert overdue == {f"access:{old.pk}"}


@pytest.mark.django_db
def test_a_partner_s_queue_holds_only_its_own_accesses_and_no_online_requests(personas) -> None:
    make_access(personas.desk_operator)
    make_online_request()
    mine = make_access(personas.association_operator)
    keys = [item.key for item in triage_queue(personas.association_operator)]
    assert keys == [f"access:{mine.pk}"]


@pytest.mark.django_db
def test_the_triage_page_and_bulk_assignment(personas, login) -> None:
    first, second = make_access(personas.desk_operator), make_access(personas.desk_operator)
    client = login(personas.coordinator)
    response = client.get(reverse("desk:triage"))
    assert response.status_code == 200
    assert f"access:{first.pk}" in response.content.decode()
    response = client.post(
        reverse("desk:triage_bulk_assign"),
        {
            "items": [f"access:{first.pk}", f"access:{second.pk}"],
            "assignee": personas.desk_operator.pk,
        },
    )
    assert response.status_code == 302
    assert Access.objects.filter(assigned_to=personas.desk_operator).count() == 2
    operator = login(personas.desk_operator)
    assert (
        operator.post(
            reverse("desk:triage_bulk_assign"), {"items": [f"access:{first.pk}"]}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_taking_an_item_from_the_queue(personas, login) -> None:
    access = make_access(personas.desk_operator)
    client = login(personas.social_worker)
    client.post(reverse("desk:triage_assign"), {"item": f"access:{access.pk}", "assignee": "me"})
    access.refresh_from_db()
    assert access.assigned_to == personas.social_worker
    outsider = login(personas.outsider)
    response = outsider.post(
        reverse("desk:triage_assign"), {"item": f"access:{access.pk}", "assignee": "me"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_my_follow_ups_and_assigned_items_need_my_attention(personas) -> None:
    due = make_access(
        personas.desk_operator, follow_up_on=timezone.localdate(), outcome=Outcome.ORIENTATION
    )
    assigned = make_access(personas.social_worker)
    triage_assign(actor=personas.social_worker, item=assigned, assignee=personas.social_worker)
    operator_urls = [item.url for item in attention_items(personas.desk_operator)]
    worker_urls = [item.url for item in attention_items(personas.social_worker)]
    assert reverse("desk:access_detail", args=[due.pk]) in operator_urls
    assert reverse("desk:access_detail", args=[assigned.pk]) in worker_urls
    assert attention_items(personas.outsider) == []


@pytest.mark.django_db
def test_the_timeline_shows_accesses_only_to_the_organization_that_recorded_them(personas) -> None:
    person = make_person(personas.desk_operator)
    make_access(personas.desk_operator, person=person)
    assert len(timeline_entries(personas.social_worker, [person.pk])) == 1
    assert timeline_entries(personas.association_operator, [person.pk]) == []
    assert timeline_entries(personas.outsider, [person.pk]) == []


@pytest.mark.django_db(transaction=True)
def test_two_people_assigning_the_same_item_at_once_leave_exactly_one_assignee() -> None:
    from conftest import build_personas

    NeedCategory.objects.get_or_create(code="housing", defaults={"name": "Casa e abitare"})
    personas = build_personas()
    access = make_access(personas.desk_operator)
    takers = [personas.desk_operator, personas.social_worker, personas.coordinator]
    barrier = threading.Barrier(len(takers))
    outcomes: list[str] = []

    def take(user) -> None:
        try:
            barrier.wait()
            triage_assign(actor=user, item=Access.objects.get(pk=access.pk), assignee=user)
            outcomes.append("assigned")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(user,)) for user in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["assigned", "conflict", "conflict"]
    access.refresh_from_db()
    assert access.assigned_to in takers


@pytest.mark.django_db
def test_the_triage_and_request_pages_do_not_grow_in_queries_with_items(personas, login) -> None:
    client = login(personas.coordinator)
    make_access(personas.desk_operator)
    make_online_request()
    pages = (reverse("desk:triage"), reverse("desk:request_list"))
    few = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        few.append(len(queries.captured_queries))
    for _index in range(5):
        access = make_access(personas.desk_operator, needs=[NeedInput("food"), NeedInput("work")])
        triage_assign(actor=personas.coordinator, item=access, assignee=personas.social_worker)
        make_online_request()
    many = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        many.append(len(queries.captured_queries))
    assert many == few
