from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent
from solidale.desk.models import Access, OnlineRequest, Outcome
from solidale.desk.services import (
    TRACKING_ALPHABET,
    NeedInput,
    access_follow_up_done,
    access_record,
    access_update,
    normalize_tracking_code,
    office_create,
    online_request_set_status,
    triage_assign,
    triage_bulk_assign,
)
from solidale.people.models import LinkReason, PersonLink
from solidale.people.services import SimilarPersonsFound
from solidale.people.tests.factories import make_person, person_data

from .factories import make_access, make_office, make_online_request

pytestmark = pytest.mark.django_db


def test_an_access_records_the_needs_with_their_urgency_and_is_audited(personas) -> None:
    office = make_office(personas.comune)
    access = make_access(
        personas.desk_operator,
        office=office,
        channel="phone",
        needs=[NeedInput("housing", "urgent"), NeedInput("work", "low")],
    )
    assert sorted(access.access_needs.values_list("need__code", "urgency")) == [
        ("housing", "urgent"),
        ("work", "low"),
    ]
    assert access.organization == personas.comune
    assert access.outcome == Outcome.PENDING
    assert AuditEvent.objects.filter(
        action="create", object_type="desk.access", object_id=str(access.pk)
    ).exists()


def test_information_alone_opens_no_case_only_a_registered_link(personas) -> None:
    access = make_access(personas.desk_operator, outcome=Outcome.INFORMATION)
    reasons = set(PersonLink.objects.filter(person=access.person).values_list("reason", flat=True))
    assert reasons == {LinkReason.REGISTERED}


def test_an_access_registers_the_person_at_an_organization_that_saw_them_for_another_reason(
    personas,
) -> None:
    person = make_person(personas.social_worker)
    PersonLink.objects.create(
        person=person, organization=personas.cooperative, reason=LinkReason.REFERRAL
    )
    access = make_access(personas.association_operator, person=person)
    assert (
        PersonLink.objects.open()
        .filter(
            person=person,
            organization=personas.cooperative,
            reason=LinkReason.REGISTERED,
            source=f"desk.access:{access.pk}",
        )
        .exists()
    )


def test_a_person_the_organization_cannot_see_is_refused(personas) -> None:
    person = make_person(personas.social_worker)
    with pytest.raises(DomainError) as error:
        make_access(personas.association_operator, person=person)
    assert error.value.field == "person"
    assert not Access.objects.exists()


def test_a_new_person_is_registered_with_the_access_and_the_duplicate_check(personas) -> None:
    data = person_data(family_name="Bernardini", given_name="Giuseppina")
    access = access_record(
        actor=personas.desk_operator,
        data={"occurred_at": timezone.now()},
        needs=[NeedInput("food")],
        new_person=data,
    )
    assert access.person is not None
    assert access.person.family_name == "Bernardini"
    similar = person_data(
        family_name="Bernardini", given_name="Giuseppina", birth_date=data["birth_date"]
    )
    similar.pop("codice_fiscale")
    with pytest.raises(SimilarPersonsFound):
        access_record(
            actor=personas.desk_operator,
            data={"occurred_at": timezone.now()},
            needs=[NeedInput("food")],
            new_person=similar,
        )
    assert Access.objects.count() == 1


def test_an_unidentified_person_needs_a_description(personas) -> None:
    with pytest.raises(DomainError) as error:
        access_record(
            actor=personas.desk_operator,
            data={"occurred_at": timezone.now()},
            needs=[NeedInput("food")],
        )
    assert error.value.field == "person"
    access = make_access(personas.desk_operator, unidentified_description="Uomo sui 50, barba")
    assert access.person is None


def test_it_refuses_a_follow_up_date_in_the_past(personas) -> None:
    with pytest.raises(DomainError) as error:
        make_access(personas.desk_operator, follow_up_on=timezone.localdate() - timedelta(days=1))
    assert error.value.field == "follow_up_on"
    assert not Access.objects.exists()


def test_it_refuses_an_access_in_the_future(personas) -> None:
    with pytest.raises(DomainError) as error:
        make_access(personas.desk_operator, occurred_at=timezone.now() + timedelta(hours=2))
    assert error.value.field == "occurred_at"


def test_it_refuses_an_unknown_need_and_no_need_at_all(personas) -> None:
    with pytest.raises(DomainError, match="sconosciuto"):
        make_access(personas.desk_operator, needs=[NeedInput("astrology")])
    with pytest.raises(DomainError) as error:
        access_record(
            actor=personas.desk_operator,
            data={"occurred_at": timezone.now()},
            needs=[],
            person=make_person(personas.desk_operator),
        )
    assert error.value.field == "needs"


def test_it_refuses_an_office_of_another_organization(personas) -> None:
    office = make_office(personas.cooperative, "Sportello del Ponte")
    with pytest.raises(DomainError) as error:
        make_access(personas.desk_operator, office=office)
    assert error.value.field == "office"


def test_roles_without_a_desk_cannot_record_accesses(personas) -> None:
    for user in (personas.viewer, personas.volunteer, personas.citizen):
        with pytest.raises(PermissionDeniedError):
            access_record(
                actor=user,
                data={"occurred_at": timezone.now()},
                needs=[NeedInput("food")],
                new_person=person_data(),
            )


def test_an_update_changes_fields_and_needs_and_another_organization_cannot(personas) -> None:
    access = make_access(personas.desk_operator)
    access_update(
        actor=personas.social_worker,
        access=access,
        data={"outcome": Outcome.ORIENTATION, "information_given": "Orari del CPI"},
        needs=[NeedInput("work", "high")],
    )
    access.refresh_from_db()
    assert access.outcome == Outcome.ORIENTATION
    assert list(access.access_needs.values_list("need__code", "urgency")) == [("work", "high")]
    with pytest.raises(DomainError):
        access_update(
            actor=personas.association_operator, access=access, data={"outcome": "information"}
        )


def test_a_follow_up_is_marked_done(personas) -> None:
    access = make_access(personas.desk_operator, follow_up_on=timezone.localdate())
    access = access_follow_up_done(
        actor=personas.desk_operator, access=access, outcome=Outcome.REFERRAL
    )
    assert access.follow_up_done_at is not None
    assert access.outcome == Outcome.REFERRAL
    assert not access.needs_answer


def test_a_tracking_code_has_the_prefix_and_ten_symbols_of_the_alphabet(db) -> None:
    online_request = make_online_request()
    code = online_request.tracking_code
    assert code.startswith("SOL-") and len(code) == 14
    assert set(code[4:]) <= set(TRACKING_ALPHABET)
    assert normalize_tracking_code(" sol-" + code[4:].lower() + " ") == code


def test_an_online_request_needs_consent_a_category_and_a_contact(db) -> None:
    with pytest.raises(DomainError) as error:
        make_online_request(consent=False)
    assert error.value.field == "consent"
    with pytest.raises(DomainError) as error:
        make_online_request(category="astrology")
    assert error.value.field == "category"
    with pytest.raises(DomainError) as error:
        make_online_request(contact_preference="phone", contact_phone="")
    assert error.value.field == "contact_phone"
    assert not OnlineRequest.objects.exists()


def test_the_consent_text_version_is_recorded_and_the_comune_answers(personas) -> None:
    online_request = make_online_request()
    assert online_request.consent_text_version
    assert online_request.organization == personas.comune
    assert online_request.status == OnlineRequest.Status.RECEIVED


def test_an_answer_needs_a_text_and_emails_an_anonymous_citizen_after_commit(
    personas, django_capture_on_commit_callbacks
) -> None:
    online_request = make_online_request()
    with pytest.raises(DomainError) as error:
        online_request_set_status(
            actor=personas.desk_operator, online_request=online_request, status="answered"
        )
    assert error.value.field == "answer"
    with django_capture_on_commit_callbacks(execute=True):
        online_request_set_status(
            actor=personas.desk_operator,
            online_request=online_request,
            status="answered",
            answer="La aspettiamo allo sportello di Marina di Massa martedì.",
            internal_notes="Nucleo già noto al servizio",
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mario.rossi@example.invalid"]
    assert online_request.tracking_code in mail.outbox[0].body
    assert "Nucleo già noto" not in mail.outbox[0].body


def test_a_status_change_notifies_a_citizen_with_an_account(personas) -> None:
    online_request = make_online_request(citizen=personas.citizen)
    online_request_set_status(
        actor=personas.desk_operator, online_request=online_request, status="in_triage"
    )
    assert personas.citizen.notifications.filter(kind="desk.online_request").count() == 1


def test_a_closed_request_cannot_be_answered_directly_and_others_cannot_touch_it(personas) -> None:
    online_request = make_online_request()
    online_request_set_status(
        actor=personas.coordinator, online_request=online_request, status="closed"
    )
    with pytest.raises(DomainError) as error:
        online_request_set_status(
            actor=personas.coordinator, online_request=online_request, status="answered", answer="x"
        )
    assert error.value.field == "status"
    with pytest.raises(PermissionDeniedError):
        online_request_set_status(
            actor=personas.association_operator, online_request=online_request, status="in_triage"
        )


def test_assigning_an_assigned_item_again_is_a_conflict(personas) -> None:
    access = make_access(personas.desk_operator)
    triage_assign(actor=personas.desk_operator, item=access, assignee=personas.desk_operator)
    with pytest.raises(ConflictError):
        triage_assign(actor=personas.social_worker, item=access, assignee=personas.social_worker)
    access.refresh_from_db()
    assert access.assigned_to == personas.desk_operator


def test_an_operator_takes_items_only_for_themselves(personas) -> None:
    access = make_access(personas.desk_operator)
    with pytest.raises(PermissionDeniedError):
        triage_assign(actor=personas.desk_operator, item=access, assignee=personas.social_worker)


def test_a_coordinator_reassigns_only_from_the_assignee_seen(personas) -> None:
    access = make_access(personas.desk_operator)
    triage_assign(actor=personas.desk_operator, item=access, assignee=personas.desk_operator)
    triage_assign(
        actor=personas.coordinator,
        item=access,
        assignee=personas.social_worker,
        expected_assignee_id=personas.desk_operator.pk,
    )
    with pytest.raises(ConflictError):
        triage_assign(
            actor=personas.coordinator,
            item=access,
            assignee=personas.coordinator,
            expected_assignee_id=personas.desk_operator.pk,
        )


def test_assignment_to_someone_outside_the_organization_is_refused(personas) -> None:
    access = make_access(personas.desk_operator)
    with pytest.raises(DomainError) as error:
        triage_assign(
            actor=personas.coordinator, item=access, assignee=personas.association_operator
        )
    assert error.value.field == "assignee"


def test_assigning_an_online_request_puts_it_in_triage(personas) -> None:
    online_request = make_online_request()
    item = triage_assign(
        actor=personas.desk_operator, item=online_request, assignee=personas.desk_operator
    )
    assert isinstance(item, OnlineRequest)
    assert item.status == OnlineRequest.Status.IN_TRIAGE


def test_bulk_assignment_skips_what_is_already_assigned(personas) -> None:
    first, second = make_access(personas.desk_operator), make_access(personas.desk_operator)
    request = make_online_request()
    triage_assign(actor=personas.desk_operator, item=second, assignee=personas.desk_operator)
    assigned, skipped = triage_bulk_assign(
        actor=personas.coordinator, items=[first, second, request], assignee=personas.social_worker
    )
    assert (assigned, skipped) == (2, 1)
    with pytest.raises(PermissionDeniedError):
        triage_bulk_assign(
            actor=personas.desk_operator, items=[first], assignee=personas.desk_operator
        )


def test_offices_are_opened_by_coordinators_and_admins_only(personas) -> None:
    office = office_create(
        actor=personas.coordinator, organization=personas.comune, name="Sportello Quercioli"
    )
    assert office.organization == personas.comune
    office_create(
        actor=personas.association_admin, organization=personas.cooperative, name="Punto ascolto"
    )
    with pytest.raises(ConflictError):
        office_create(
            actor=personas.coordinator, organization=personas.comune, name="Sportello Quercioli"
        )
    with pytest.raises(PermissionDeniedError):
        office_create(actor=personas.desk_operator, organization=personas.comune, name="Altro")
    with pytest.raises(PermissionDeniedError):
        office_create(
            actor=personas.association_admin, organization=personas.comune, name="Intruso"
        )
