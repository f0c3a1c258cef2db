"""The person registry pages: search, registration, record, edits, households, merges."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from solidale.core.models import AuditEvent
from solidale.people.models import Consent, Household, LinkReason, Person
from solidale.people.services import consent_record, person_link_open, person_merge

from .factories import codice_fiscale_for, make_household, make_person

BIRTH = date(1950, 3, 12)
CF = codice_fiscale_for(
    family_name="Bernardini", given_name="Giuseppina", sex="F", birth_date=BIRTH
)


@pytest.fixture
def giuseppina(personas):
    return make_person(
        personas.desk_operator,
        family_name="Bernardini",
        given_name="Giuseppina",
        sex="F",
        birth_date=BIRTH,
        codice_fiscale=CF,
        phone="0585 000111",
        accessibility_notes="Usa la sedia a rotelle",
    )


def form_data(**overrides):
    data = {
        "family_name": "Bernardini",
        "given_name": "Giuseppina",
        "codice_fiscale": CF,
        "sex": "F",
        "birth_date": BIRTH.isoformat(),
        "is_identified": "on",
    }
    data.update(overrides)
    return data


def test_search_finds_a_person_despite_a_typo_and_links_to_the_record(personas, login, giuseppina):
    response = login(personas.desk_operator).get(reverse("people:list"), {"q": "Bernardni"})

    assert response.status_code == 200
    assert reverse("people:detail", args=[giuseppina.pk]) in response.text
    assert 'name="q"' in response.text
    assert "Cerca persona" in response.text


def test_search_as_you_type_answers_with_the_results_partial(personas, login, giuseppina):
    response = login(personas.desk_operator).get(
        reverse("people:list"), {"q": "bernard"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "Bernardini Giuseppina" in response.text
    assert "<html" not in response.text


def test_search_never_shows_persons_of_other_organizations(personas, login, giuseppina):
    response = login(personas.outsider).get(reverse("people:list"), {"q": "Bernardini"})

    assert response.status_code == 200
    assert "Giuseppina" not in response.text


def test_search_is_rate_limited(personas, login, settings, giuseppina):
    settings.SOLIDALE_RATE_LIMIT_SEARCH = "2/60"
    client = login(personas.desk_operator)

    statuses = [client.get(reverse("people:list"), {"q": "bern"}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def _queries(client, *args):
    """All queries of one request, and those on the registry's own tables."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(*args)
    registry = [query for query in captured.captured_queries if '"people_' in query["sql"]]
    return response, len(captured.captured_queries), len(registry)


def test_the_list_page_runs_a_fixed_number_of_queries(personas, login):
    client = login(personas.desk_operator)
    for _ in range(3):
        make_person(personas.desk_operator)
    _response, few_total, few_registry = _queries(client, reverse("people:list"))
    for _ in range(30):
        make_person(personas.desk_operator)

    response, many_total, many_registry = _queries(client, reverse("people:list"))

    assert len(response.context["persons"]) == 25
    assert (many_total, many_registry) == (few_total, few_registry)
    assert many_registry == 2


def test_the_search_page_runs_a_fixed_number_of_queries(personas, login):
    client = login(personas.desk_operator)
    make_person(personas.desk_operator, family_name="Bernardini")
    client.get(reverse("people:list"), {"q": "warm up the rate-limit counter"})
    _response, few_total, few_registry = _queries(
        client, reverse("people:list"), {"q": "bernardini"}
    )
    for _ in range(14):
        make_person(personas.desk_operator, family_name="Bernardini")

    response, many_total, many_registry = _queries(
        client, reverse("people:list"), {"q": "bernardini"}
    )

    assert len(response.context["persons"]) == 15
    assert (many_total, many_registry) == (few_total, few_registry)
    assert many_registry <= 7


def test_registration_creates_the_person_and_opens_the_record(personas, login):
    response = login(personas.desk_operator).post(reverse("people:create"), form_data())

    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person.pk])
    assert person.registered_by == personas.comune


def test_registration_shows_the_checksum_error_next_to_the_field(personas, login):
    wrong = CF[:15] + ("A" if CF[15] != "A" else "B")

    response = login(personas.desk_operator).post(
        reverse("people:create"), form_data(codice_fiscale=wrong)
    )

    assert response.status_code == 200
    assert 'id="id_codice_fiscale_error"' in response.text
    assert 'aria-describedby="id_codice_fiscale_error"' in response.text
    assert "carattere di controllo" in response.text
    assert not Person.objects.exists()


def test_registration_refuses_a_future_birth_date(personas, login):
    response = login(personas.desk_operator).post(
        reverse("people:create"),
        form_data(
            codice_fiscale="", birth_date=date(timezone.localdate().year + 1, 1, 1).isoformat()
        ),
    )

    assert 'id="id_birth_date_error"' in response.text
    assert not Person.objects.exists()


def test_a_duplicate_codice_fiscale_links_to_the_visible_record(personas, login, giuseppina):
    response = login(personas.social_worker).post(
        reverse("people:create"), form_data(given_name="Giuseppa")
    )

    assert response.status_code == 200
    assert reverse("people:detail", args=[giuseppina.pk]) in response.text
    assert Person.objects.count() == 1


def test_a_duplicate_out_of_scope_shows_initials_and_offers_to_register_it(
    personas, login, giuseppina
):
    client = login(personas.association_operator)

    response = client.post(reverse("people:create"), form_data(given_name="Giuseppa"))

    assert reverse("people:detail", args=[giuseppina.pk]) not in response.text
    assert "B. G." in response.text
    assert "0585 000111" not in response.text
    assert reverse("people:claim") in response.text

    claimed = client.post(
        reverse("people:claim"),
        {
            "codice_fiscale": CF,
            "legal_basis": Consent.LegalBasis.CONSENT,
            "note": "Accesso al banco alimentare",
        },
    )
    assert claimed.url == reverse("people:detail", args=[giuseppina.pk])
    assert client.get(claimed.url).status_code == 200


def test_claim_with_an_unknown_codice_fiscale_is_404(personas, login):
    response = login(personas.association_operator).post(
        reverse("people:claim"), {"codice_fiscale": CF, "legal_basis": "consent", "note": "x"}
    )

    assert response.status_code == 404


def test_a_similar_person_is_shown_and_saved_only_after_confirmation(personas, login, giuseppina):
    client = login(personas.association_operator)
    data = form_data(codice_fiscale="", family_name="Bernardin")

    warned = client.post(reverse("people:create"), data)

    assert "B. G." in warned.text
    assert "confermo" in warned.text.lower()
    assert Person.objects.count() == 1
    saved = client.post(reverse("people:create"), {**data, "confirm_similar": "on"})
    assert saved.status_code == 302
    assert Person.objects.count() == 2


def test_the_duplicate_check_while_typing_answers_a_partial(personas, login, giuseppina):
    response = login(personas.desk_operator).get(
        reverse("people:duplicate_check"),
        {"family_name": "Bernardini", "given_name": "Giusepina", "birth_date": BIRTH.isoformat()},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert reverse("people:detail", args=[giuseppina.pk]) in response.text
    assert "<html" not in response.text


def test_the_record_writes_a_view_row_and_shows_who_accessed_it_to_a_coordinator(
    personas, login, giuseppina
):
    login(personas.desk_operator).get(reverse("people:detail", args=[giuseppina.pk]))

    assert (
        AuditEvent.objects.for_person(giuseppina.pk)
        .filter(action=AuditEvent.Action.VIEW, actor_id=personas.desk_operator.pk)
        .exists()
    )
    response = login(personas.coordinator).get(reverse("people:detail", args=[giuseppina.pk]))
    assert "Chi ha consultato questa scheda" in response.text
    assert personas.desk_operator.email in response.text


def test_an_operator_does_not_see_the_access_panel(personas, login, giuseppina):
    response = login(personas.desk_operator).get(reverse("people:detail", args=[giuseppina.pk]))

    assert response.status_code == 200
    assert "Chi ha consultato questa scheda" not in response.text


@pytest.mark.parametrize(
    "name", ["outsider", "viewer", "volunteer", "citizen", "association_operator"]
)
def test_out_of_scope_users_get_404_and_no_data(personas, login, giuseppina, name):
    client = login(getattr(personas, name))

    for url in (
        reverse("people:detail", args=[giuseppina.pk]),
        reverse("people:update", args=[giuseppina.pk]),
        reverse("people:alias_add", args=[giuseppina.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Bernardini" not in response.text
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_a_program_link_shows_identity_but_no_contacts(personas, login, giuseppina):
    person_link_open(
        actor=None,
        person=giuseppina,
        organization=personas.cooperative,
        reason=LinkReason.PROGRAM,
        source="food:1",
    )

    response = login(personas.association_operator).get(
        reverse("people:detail", args=[giuseppina.pk])
    )

    assert response.status_code == 200
    assert "Bernardini" in response.text
    assert "0585 000111" not in response.text
    assert CF not in response.text
    assert "sedia a rotelle" not in response.text
    assert (
        login(personas.association_operator)
        .get(reverse("people:update", args=[giuseppina.pk]))
        .status_code
        == 403
    )


def test_update_saves_and_audits(personas, login, giuseppina):
    client = login(personas.social_worker)

    response = client.post(
        reverse("people:update", args=[giuseppina.pk]), form_data(phone="333 1234567")
    )

    assert response.status_code == 302
    giuseppina.refresh_from_db()
    assert giuseppina.phone == "333 1234567"
    assert (
        AuditEvent.objects.for_person(giuseppina.pk)
        .filter(action=AuditEvent.Action.UPDATE)
        .exists()
    )


def test_alias_identifier_and_consent_pages_add_and_withdraw(personas, login, giuseppina):
    client = login(personas.desk_operator)

    client.post(reverse("people:alias_add", args=[giuseppina.pk]), {"alias": "Pina"})
    client.post(
        reverse("people:identifier_add", args=[giuseppina.pk]),
        {"kind": "passport", "value": "YA123"},
    )
    client.post(
        reverse("people:consent_add", args=[giuseppina.pk]),
        {"purpose": "privacy_notice", "legal_basis": "public_task", "text_version": "2026-01"},
    )
    consent = giuseppina.consents.get()
    client.post(reverse("people:consent_withdraw", args=[giuseppina.pk, consent.pk]))

    consent.refresh_from_db()
    assert giuseppina.aliases.get().alias == "Pina"
    assert giuseppina.identifiers.get().value == "YA123"
    assert consent.withdrawn_at is not None
    found_by_alias = client.get(reverse("people:list"), {"q": "pina"})
    assert reverse("people:detail", args=[giuseppina.pk]) in found_by_alias.text


def test_mutations_refuse_get_and_need_csrf(personas, giuseppina, client):
    consent = consent_record(
        actor=personas.desk_operator,
        person=giuseppina,
        purpose="photo",
        legal_basis="consent",
        text_version="v1",
    )
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.desk_operator)
    url = reverse("people:consent_withdraw", args=[giuseppina.pk, consent.pk])

    assert strict.get(url).status_code == 405
    assert strict.post(url).status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_households_create_add_members_and_end_membership(personas, login, giuseppina):
    client = login(personas.desk_operator)

    response = client.post(
        reverse("people:household_create"), {"name": "Nucleo Bernardini", "address": "Via Roma 1"}
    )
    household = Household.objects.get()
    assert response.url == reverse("people:household_detail", args=[household.pk])
    search = client.get(
        reverse("people:household_detail", args=[household.pk]), {"q": "bernardini"}
    )
    assert reverse("people:household_member_add", args=[household.pk]) in search.text
    client.post(
        reverse("people:household_member_add", args=[household.pk]),
        {"person": giuseppina.pk, "relationship": "head"},
    )
    member = household.members.get()
    client.post(
        reverse("people:household_member_end", args=[household.pk, member.pk]),
        {"end_date": timezone.localdate().isoformat()},
    )

    member.refresh_from_db()
    assert member.end_date == timezone.localdate()
    assert client.get(reverse("people:household_list")).status_code == 200


def test_households_of_other_organizations_are_404(personas, login, giuseppina):
    household = make_household(personas.desk_operator, (giuseppina, "head"))

    response = login(personas.outsider).get(reverse("people:household_detail", args=[household.pk]))

    assert response.status_code == 404
    assert "Bernardini" not in response.text


def test_a_coordinator_merges_with_a_comparison_and_undoes(personas, login, giuseppina):
    duplicate = make_person(
        personas.desk_operator, family_name="Bernardini", given_name="Giusepina", birth_date=BIRTH
    )
    client = login(personas.coordinator)
    merge_url = reverse("people:merge", args=[giuseppina.pk])

    page = client.get(merge_url)
    assert f"?merged={duplicate.pk}" in page.text
    compared = client.get(merge_url, {"merged": duplicate.pk})
    assert "Giusepina" in compared.text
    merged = client.post(
        merge_url, {"merged": duplicate.pk, "reason": "stessa persona, nome scritto male"}
    )

    assert merged.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == giuseppina
    moved_on = client.get(reverse("people:detail", args=[duplicate.pk]))
    assert moved_on.url == reverse("people:detail", args=[giuseppina.pk])
    outsider = login(personas.outsider).get(reverse("people:detail", args=[duplicate.pk]))
    assert outsider.status_code == 404
    client = login(personas.coordinator)
    merge = giuseppina.merges_kept.get()
    assert "Giuseppina" in client.get(reverse("people:merge_list")).text
    client.post(reverse("people:merge_undo", args=[merge.pk]))
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_only_coordinators_reach_the_merge_pages(personas, login, giuseppina):
    other = make_person(personas.desk_operator)
    merge = person_merge(
        actor=personas.coordinator, kept=giuseppina, merged=other, reason="doppione"
    )
    client = login(personas.social_worker)

    assert client.get(reverse("people:merge", args=[giuseppina.pk])).status_code == 403
    assert client.get(reverse("people:merge_list")).status_code == 404
    assert client.post(reverse("people:merge_undo", args=[merge.pk])).status_code == 404


def test_the_duplicate_check_is_rate_limited_like_the_search(personas, login, settings):
    settings.SOLIDALE_RATE_LIMIT_SEARCH = "1/60"
    client = login(personas.desk_operator)
    url = reverse("people:duplicate_check")

    statuses = [client.get(url, {"family_name": "Rossi"}).status_code for _ in range(2)]

    assert statuses == [200, 429]
