"""The summary tables and the dashboards that read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import PermissionDeniedError

from ..models import DailyFact, JobState, LastContact, MonthlyFact, PeriodKind, PeriodReach, Refresh
from ..selectors import filters_from, sections
from ..services import refresh_request, refresh_run
from ..summary import month_start
from .factories import accesses, neighbourhood, old_case, paid_intervention, refreshed

pytestmark = pytest.mark.django_db


def test_the_refresh_stores_daily_facts_and_unique_people(personas: Personas) -> None:
    area = neighbourhood()
    made = accesses(personas, 3, area=area)
    old_case(personas, made[0].person, days=1)  # the same person met twice: counted once
    refreshed()
    today = timezone.localdate()
    fact = DailyFact.objects.get(indicator="desk.accesses", day=today, neighbourhood_id=area.pk)
    assert fact.value == 3
    assert fact.organization_id == personas.comune.pk
    reach = PeriodReach.objects.get(
        kind=PeriodKind.MONTH, start=month_start(today), neighbourhood_id=None, organization_id=None
    )
    assert reach.people == 3
    assert LastContact.objects.get(person_id=made[0].person_id).day == today


def test_a_second_refresh_replaces_the_facts_instead_of_adding(personas: Personas) -> None:
    accesses(personas, 2)
    refreshed()
    refreshed()
    total = sum(DailyFact.objects.filter(indicator="desk.accesses").values_list("value", flat=True))
    assert total == 2


def test_only_one_refresh_is_active_and_only_coordinators_ask(personas: Personas) -> None:
    first = refresh_request(actor=personas.coordinator)
    assert refresh_request(actor=personas.coordinator).pk == first.pk
    with pytest.raises(PermissionDeniedError):
        refresh_request(actor=personas.social_worker)
    done = refresh_run(first.pk)
    assert done.state == JobState.DONE and done.percent == 100 and done.active is None


def test_sections_compare_with_the_previous_period_and_suppress_small_counts(
    personas: Personas,
) -> None:
    accesses(personas, 2)
    last_month = month_start(timezone.localdate()) - timedelta(days=3)
    refreshed()
    MonthlyFact.objects.create(indicator="desk.accesses", month=month_start(last_month), value=4)
    filters = filters_from({}, today=timezone.localdate())
    figures = {f.key: f for s in sections(filters, suppress=True) for f in s.figures}
    assert figures["desk.accesses"].value == 2
    assert figures["desk.accesses"].display == "<5"
    assert figures["desk.accesses"].change == "—"
    plain = {f.key: f for s in sections(filters, suppress=False) for f in s.figures}
    assert plain["desk.accesses"].display == "2"
    assert plain["desk.accesses"].change == "-50%"


def test_spend_by_intervention_type_reaches_the_dashboard(personas: Personas, login) -> None:
    case = old_case(personas, days=1)
    paid_intervention(personas, case, amount="150")
    refreshed()
    client = login(personas.coordinator)
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 200
    figures = {f.key: f for s in response.context["sections"] for f in s.figures}
    assert figures["cases.spend.a1"].value == 150
    assert figures["cases.provisions.a1"].value == 1


def test_the_dashboard_reads_only_the_summary(personas: Personas, login) -> None:
    accesses(personas, 6, area=neighbourhood())
    refreshed()
    client = login(personas.coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "desk_access" not in tables and "cases_case" not in tables
    assert b"Romagnano" in response.content


def test_viewer_sees_small_counts_suppressed(personas: Personas, login) -> None:
    accesses(personas, 2, area=neighbourhood())
    refreshed()
    response = login(personas.viewer).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    assert response.context["suppress"] is True
    areas = response.context["map_data"]["areas"]
    assert [a["value"] for a in areas if a["name"] == "Romagnano"] == [None]


def test_filters_reject_bad_input_with_a_message(personas: Personas, login) -> None:
    client = login(personas.coordinator)
    response = client.get(reverse("insights:dashboard"), {"month": "2999-01"})
    assert response.status_code == 200
    assert "Il periodo scelto è nel futuro." in response.content.decode()
    response = client.get(reverse("insights:dashboard"), {"neighbourhood": "x"})
    assert response.status_code == 200


def test_organization_dashboard_is_scoped_to_the_own_organization(
    personas: Personas, login
) -> None:
    accesses(personas, 6)
    refreshed()
    client = login(personas.association_operator)
    assert client.get(reverse("insights:dashboard")).status_code == 403
    response = client.get(reverse("insights:organization"), {"organization": personas.comune.pk})
    assert response.status_code == 200
    assert response.context["filters"].organization_id == personas.cooperative.pk
    figures = {f.key: f for s in response.context["sections"] for f in s.figures}
    assert figures["desk.accesses"].value == 0


def test_neighbourhood_dashboard_and_refresh_progress(personas: Personas, login) -> None:
    area = neighbourhood()
    accesses(personas, 5, area=area)
    client = login(personas.coordinator)
    response = client.post(reverse("insights:refresh"))
    assert response.status_code == 302
    refresh = Refresh.objects.get()
    progress = client.get(reverse("insights:refresh"))
    assert b"progress" in progress.content
    refresh_run(refresh.pk)
    response = client.get(reverse("insights:neighbourhood", args=[area.slug]))
    assert response.status_code == 200
    assert response.context["filters"].neighbourhood_id == area.pk
    assert (
        login(personas.volunteer)
        .get(reverse("insights:neighbourhood", args=[area.slug]))
        .status_code
        == 403
    )
