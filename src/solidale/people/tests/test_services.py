"""The person registry's writes: validation, duplicates, links, households, consents, merge."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent
from solidale.people.models import (
    Consent,
    HouseholdMember,
    LinkReason,
    Person,
    PersonLink,
    PersonMerge,
)
from solidale.people.services import (
    DuplicateCodiceFiscale,
    SimilarPersonsFound,
    alias_add,
    consent_record,
    consent_withdraw,
    household_member_add,
    household_member_end,
    identifier_add,
    person_claim,
    person_create,
    person_link_open,
    person_merge,
    person_merge_undo,
    person_update,
    person_view,
)

from .factories import codice_fiscale_for, make_household, make_person, person_data

BIRTH = date(1950, 3, 12)
CF_GIUSEPPINA = codice_fiscale_for(
    family_name="Bernardini", given_name="Giuseppina", sex="F", birth_date=BIRTH
)


def giuseppina(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "family_name": "Bernardini",
        "given_name": "Giuseppina",
        "sex": "F",
        "birth_date": BIRTH,
        "codice_fiscale": CF_GIUSEPPINA,
    }
    data.update(overrides)
    return data


def test_it_registers_a_person_with_a_link_for_the_organization_and_an_audit_row(personas):
    person = person_create(actor=personas.desk_operator, data=giuseppina())

    assert person.codice_fiscale == CF_GIUSEPPINA
    assert person.registered_by == personas.comune
    assert person.family_norm == "bernardini"
    assert person.links.get().reason == LinkReason.REGISTERED
    event = AuditEvent.objects.for_person(person.pk).get(action=AuditEvent.Action.CREATE)
    assert event.actor_id == personas.desk_operator.pk
    assert "codice_fiscale" in event.changes["fields"]
    assert CF_GIUSEPPINA not in str(event.changes)


def test_it_fills_birth_data_from_the_codice_fiscale(personas):
    person = person_create(
        actor=personas.desk_operator,
        data={
            "family_name": "Bernardini",
            "given_name": "Giuseppina",
            "codice_fiscale": CF_GIUSEPPINA.lower(),
        },
    )

    assert person.birth_date == BIRTH
    assert person.sex == "F"
    assert person.birth_place_code == "F023"


def test_it_refuses_an_invalid_checksum(personas):
    wrong = CF_GIUSEPPINA[:15] + ("A" if CF_GIUSEPPINA[15] != "A" else "B")

    with pytest.raises(DomainError) as error:
        person_create(actor=personas.desk_operator, data=giuseppina(codice_fiscale=wrong))

    assert error.value.field == "codice_fiscale"
    assert "controllo" in error.value.message
    assert not Person.objects.exists()


def test_it_refuses_a_malformed_codice_fiscale(personas):
    with pytest.raises(DomainError) as error:
        person_create(actor=personas.desk_operator, data=giuseppina(codice_fiscale="BRNGPP50"))

    assert error.value.field == "codice_fiscale"


@pytest.mark.parametrize(
    ("field", "value"),
    [("birth_date", date(1951, 3, 12)), ("sex", "M"), ("birth_place_code", "H501")],
)
def test_it_refuses_a_codice_fiscale_inconsistent_with_the_birth_data(personas, field, value):
    with pytest.raises(DomainError) as error:
        person_create(actor=personas.desk_operator, data=giuseppina(**{field: value}))

    assert error.value.field == "codice_fiscale"
    assert error.value.code == "inconsistent_codice_fiscale"


def test_it_accepts_an_omocode_codice_fiscale(personas):
    omocode = "BRNGPP50C52F02PW"

    person = person_create(actor=personas.desk_operator, data=giuseppina(codice_fiscale=omocode))

    assert person.codice_fiscale == omocode
    assert person.birth_place_code == "F023"


def test_it_refuses_a_future_birth_date(personas):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(DomainError) as error:
        person_create(
            actor=personas.desk_operator,
            data={"family_name": "Futuri", "given_name": "Ada", "birth_date": tomorrow},
        )

    assert error.value.field == "birth_date"


def test_it_refuses_a_duplicate_codice_fiscale_and_points_at_the_existing_person(personas):
    existing = person_create(actor=personas.desk_operator, data=giuseppina())

    with pytest.raises(DuplicateCodiceFiscale) as error:
        person_create(actor=personas.association_operator, data=giuseppina(given_name="Giuseppa"))

    assert error.value.existing == existing
    assert error.value.field == "codice_fiscale"
    assert Person.objects.count() == 1


def test_the_database_refuses_a_duplicate_codice_fiscale_among_current_records(personas):
    existing = person_create(actor=personas.desk_operator, data=giuseppina())
    twin = Person(family_name="Altra", given_name="Persona", codice_fiscale=existing.codice_fiscale)

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_it_refuses_a_person_without_name_unless_unidentified(personas):
    with pytest.raises(ValidationError):
        person_create(actor=personas.desk_operator, data={"family_name": "", "given_name": ""})

    person = person_create(
        actor=personas.desk_operator,
        data={"is_identified": False, "description": "Uomo sui 50 anni, stazione"},
    )
    assert "non identificata" in str(person)


def test_it_warns_about_a_similar_person_with_the_same_birth_date(personas):
    existing = person_create(actor=personas.desk_operator, data=giuseppina())
    similar = {"family_name": "Bernardin", "given_name": "Giuseppina", "birth_date": BIRTH}

    with pytest.raises(SimilarPersonsFound) as error:
        person_create(actor=personas.association_operator, data=similar)

    assert [candidate.person for candidate in error.value.candidates] == [existing]
    created = person_create(actor=personas.association_operator, data=similar, confirm_similar=True)
    assert created.pk != existing.pk


def test_it_does_not_warn_about_a_different_person_born_the_same_day(personas):
    person_create(actor=personas.desk_operator, data=giuseppina())

    other = person_create(
        actor=personas.desk_operator,
        data={"family_name": "Esposito", "given_name": "Carmine", "birth_date": BIRTH},
    )

    assert other.pk


def test_a_role_without_registry_access_cannot_register(personas):
    for actor in (personas.volunteer, personas.viewer, personas.citizen):
        with pytest.raises(PermissionDeniedError):
            person_create(actor=actor, data=giuseppina())


def test_it_updates_and_audits_the_changed_fields(personas):
    person = person_create(actor=personas.desk_operator, data=giuseppina())

    person_update(
        actor=personas.social_worker, person=person, data={"phone": "0585 123456", "homeless": True}
    )

    person.refresh_from_db()
    assert person.phone == "0585 123456"
    event = AuditEvent.objects.for_person(person.pk).get(action=AuditEvent.Action.UPDATE)
    assert event.changes == {"fields": ["homeless", "phone"]}


def test_update_refuses_unknown_fields(personas):
    person = person_create(actor=personas.desk_operator, data=giuseppina())

    with pytest.raises(DomainError) as error:
        person_update(actor=personas.desk_operator, person=person, data={"merged_into": 3})

    assert error.value.field == "merged_into"


def test_update_refuses_a_codice_fiscale_held_by_someone_else(personas):
    first = person_create(actor=personas.desk_operator, data=giuseppina())
    second = make_person(personas.desk_operator)

    with pytest.raises(DuplicateCodiceFiscale) as error:
        person_update(
            actor=personas.desk_operator,
            person=second,
            data={**giuseppina(), "given_name": second.given_name},
        )

    assert error.value.existing == first


def test_person_view_writes_a_view_row(personas):
    person = make_person(personas.desk_operator)

    person_view(actor=personas.social_worker, person=person, purpose="colloquio")

    event = AuditEvent.objects.for_person(person.pk).get(action=AuditEvent.Action.VIEW)
    assert event.purpose == "colloquio"
    assert event.organization_id == personas.comune.pk


def test_claim_registers_a_network_person_at_my_organization(personas):
    person = make_person(personas.desk_operator)
    assert (
        not Person.objects.visible_to(personas.association_operator).filter(pk=person.pk).exists()
    )

    link = person_claim(
        actor=personas.association_operator,
        person=person,
        legal_basis=Consent.LegalBasis.CONSENT,
        note="Si è presentata allo sportello alimentare",
    )

    assert link.organization == personas.cooperative
    assert Person.objects.visible_to(personas.association_operator).filter(pk=person.pk).exists()
    assert AuditEvent.objects.for_person(person.pk).filter(action=AuditEvent.Action.GRANT).exists()


def test_claim_needs_a_legal_basis_and_a_note(personas):
    person = make_person(personas.desk_operator)

    with pytest.raises(DomainError) as error:
        person_claim(actor=personas.association_operator, person=person, legal_basis="", note="x")
    assert error.value.field == "legal_basis"
    with pytest.raises(DomainError) as error:
        person_claim(
            actor=personas.association_operator, person=person, legal_basis="consent", note=" "
        )
    assert error.value.field == "note"


def test_aliases_identifiers_and_consents_are_recorded_and_audited(personas):
    person = make_person(personas.desk_operator)

    alias_add(actor=personas.desk_operator, person=person, alias="Pina")
    identifier_add(actor=personas.desk_operator, person=person, kind="passport", value="ya1234567")
    consent = consent_record(
        actor=personas.desk_operator,
        person=person,
        purpose=Consent.Purpose.PRIVACY_NOTICE,
        legal_basis=Consent.LegalBasis.PUBLIC_TASK,
        text_version="2026-01",
    )
    consent_withdraw(actor=personas.desk_operator, consent=consent)

    assert person.aliases.get().alias_norm == "pina"
    assert person.identifiers.get().value == "YA1234567"
    consent.refresh_from_db()
    assert not consent.is_active
    assert AuditEvent.objects.for_person(person.pk).count() == 5
    with pytest.raises(ConflictError):
        consent_withdraw(actor=personas.desk_operator, consent=consent)


def test_a_person_belongs_to_one_current_household(personas):
    person = make_person(personas.desk_operator)
    first = make_household(personas.desk_operator, (person, HouseholdMember.Relationship.HEAD))
    second = make_household(personas.desk_operator, name="Secondo nucleo")

    with pytest.raises(ConflictError) as error:
        household_member_add(
            actor=personas.desk_operator, household=second, person=person, relationship="head"
        )
    assert error.value.field == "person"

    member = first.members.get()
    household_member_end(actor=personas.desk_operator, member=member, end_date=timezone.localdate())
    household_member_add(
        actor=personas.desk_operator, household=second, person=person, relationship="head"
    )
    assert person.household_memberships.filter(end_date__isnull=True).get().household == second


def test_household_member_end_refuses_a_date_before_the_start(personas):
    person = make_person(personas.desk_operator)
    household = make_household(personas.desk_operator, (person, "head"))

    with pytest.raises(DomainError) as error:
        household_member_end(
            actor=personas.desk_operator,
            member=household.members.get(),
            end_date=timezone.localdate() - timedelta(days=3),
        )
    assert error.value.field == "end_date"


def _linked_rows(person: Person) -> dict[str, int]:
    return {
        "links": person.links.count(),
        "aliases": person.aliases.count(),
        "identifiers": person.identifiers.count(),
        "consents": person.consents.count(),
        "households": person.household_memberships.count(),
    }


def test_merge_moves_every_linked_row_and_undo_restores_them(personas):
    kept = make_person(personas.desk_operator, family_name="Bernardini", given_name="Giuseppina")
    merged = make_person(
        personas.association_operator, family_name="Bernardini", given_name="Giusepina"
    )
    alias_add(actor=personas.association_operator, person=merged, alias="Pina")
    identifier_add(
        actor=personas.association_operator, person=merged, kind="stp", value="STP0450001"
    )
    consent_record(
        actor=personas.association_operator,
        person=merged,
        purpose="privacy_notice",
        legal_basis="consent",
        text_version="v1",
    )
    make_household(personas.association_operator, (merged, "head"))
    before_kept, before_merged = _linked_rows(kept), _linked_rows(merged)

    merge = person_merge(
        actor=personas.coordinator, kept=kept, merged=merged, reason="stessa persona"
    )

    merged.refresh_from_db()
    assert merged.merged_into == kept
    assert _linked_rows(merged) == dict.fromkeys(before_merged, 0)
    assert _linked_rows(kept) == {
        name: before_kept[name] + before_merged[name] for name in before_kept
    }
    assert len(merge.moved) == sum(before_merged.values())
    assert Person.objects.visible_to(personas.association_operator).filter(pk=kept.pk).exists()
    assert AuditEvent.objects.for_person(merged.pk).filter(action=AuditEvent.Action.MERGE).exists()
    assert AuditEvent.objects.for_person(kept.pk).filter(action=AuditEvent.Action.MERGE).exists()

    person_merge_undo(actor=personas.coordinator, merge=merge)

    merged.refresh_from_db()
    assert merged.merged_into is None
    assert _linked_rows(kept) == before_kept
    assert _linked_rows(merged) == before_merged
    assert (
        AuditEvent.objects.for_person(merged.pk).filter(action=AuditEvent.Action.UNMERGE).exists()
    )


def test_merge_allows_the_codice_fiscale_again_once_undone_only_if_free(personas):
    kept = make_person(personas.desk_operator)
    merged = make_person(personas.desk_operator)
    merge = person_merge(actor=personas.coordinator, kept=kept, merged=merged, reason="doppione")

    reused = person_create(
        actor=personas.desk_operator,
        data=person_data(
            family_name=merged.family_name,
            given_name=merged.given_name,
            sex=merged.sex,
            birth_date=merged.birth_date,
            codice_fiscale=merged.codice_fiscale,
        ),
        confirm_similar=True,
    )

    assert reused.codice_fiscale == merged.codice_fiscale
    with pytest.raises(ConflictError):
        person_merge_undo(actor=personas.coordinator, merge=merge)
    merged.refresh_from_db()
    assert merged.merged_into == kept


def test_only_a_coordinator_merges(personas):
    kept, merged = make_person(personas.desk_operator), make_person(personas.desk_operator)

    for actor in (personas.social_worker, personas.association_admin):
        with pytest.raises(PermissionDeniedError):
            person_merge(actor=actor, kept=kept, merged=merged, reason="x")


def test_it_refuses_merging_an_already_merged_record(personas):
    kept, merged, third = (make_person(personas.desk_operator) for _ in range(3))
    person_merge(actor=personas.coordinator, kept=kept, merged=merged, reason="doppione")

    with pytest.raises(ConflictError):
        person_merge(actor=personas.coordinator, kept=third, merged=merged, reason="ancora")
    with pytest.raises(ConflictError):
        person_merge(actor=personas.coordinator, kept=merged, merged=third, reason="ancora")


def test_merge_refuses_two_current_households(personas):
    kept, merged = make_person(personas.desk_operator), make_person(personas.desk_operator)
    make_household(personas.desk_operator, (kept, "head"))
    make_household(personas.desk_operator, (merged, "head"), name="Altro")

    with pytest.raises(ConflictError):
        person_merge(actor=personas.coordinator, kept=kept, merged=merged, reason="doppione")
    assert Person.objects.get(pk=merged.pk).merged_into is None


def test_undo_is_refused_twice(personas):
    kept, merged = make_person(personas.desk_operator), make_person(personas.desk_operator)
    merge = person_merge(actor=personas.coordinator, kept=kept, merged=merged, reason="doppione")
    person_merge_undo(actor=personas.coordinator, merge=merge)

    with pytest.raises(ConflictError):
        person_merge_undo(actor=personas.coordinator, merge=merge)


def test_link_open_is_idempotent_and_audited(personas):
    person = make_person(personas.desk_operator)

    first = person_link_open(
        actor=None,
        person=person,
        organization=personas.cooperative,
        reason=LinkReason.PROGRAM,
        source="food:1",
    )
    again = person_link_open(
        actor=None,
        person=person,
        organization=personas.cooperative,
        reason=LinkReason.PROGRAM,
        source="food:1",
    )

    assert first == again
    assert PersonLink.objects.filter(person=person).count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks between two connections; SQLite serializes writers with IMMEDIATE transactions",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_merges_of_the_same_record_let_only_one_win(personas):
    kept, other_kept, merged = (make_person(personas.desk_operator) for _ in range(3))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge_into(target: Person) -> None:
        try:
            barrier.wait()
            person_merge(actor=personas.coordinator, kept=target, merged=merged, reason="gara")
            outcomes.append("merged")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=merge_into, args=(target,)) for target in (kept, other_kept)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "merged"]
    assert PersonMerge.objects.filter(merged=merged).count() == 1
