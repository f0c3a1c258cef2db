from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.people.models import LinkReason, PersonLink

from .. import services
from ..models import AccessOutcome, EventKind, HousingCase, ProcedureEvent
from ..permissions import housing_cases_visible_to
from .factories import comune_household, housing_case

pytestmark = pytest.mark.django_db


def test_it_opens_a_case_with_the_next_date_of_the_procedure(personas):
    case = housing_case(personas, access_in_days=20)
    annotated = HousingCase.objects.with_next_event().get(pk=case.pk)
    assert annotated.next_on == timezone.localdate() + timedelta(days=20)
    assert annotated.next_kind == EventKind.ACCESS


def test_it_refuses_a_second_open_case_for_the_household(personas):
    case = housing_case(personas)
    with pytest.raises(ConflictError):
        services.housing_case_open(
            actor=personas.social_worker,
            household=case.household,
            person=case.person,
            data={"situation": "homeless", "risk": "low"},
        )


def test_it_refuses_an_impossible_isee_and_changes_nothing(personas):
    household, head = comune_household(personas)
    with pytest.raises(DomainError) as error:
        services.housing_case_open(
            actor=personas.social_worker,
            household=household,
            person=head,
            data={"situation": "homeless", "risk": "low", "isee": Decimal("-5")},
        )
    assert error.value.field == "isee"
    assert not HousingCase.objects.exists()


def test_a_postponed_access_schedules_the_next_one(personas):
    case = housing_case(personas, access_in_days=None)
    today = timezone.localdate()
    access = services.procedure_event_add(
        actor=personas.social_worker,
        case=case,
        kind=EventKind.ACCESS,
        on=today,
    )
    services.access_outcome_record(
        actor=personas.social_worker,
        event=access,
        outcome=AccessOutcome.POSTPONED,
        next_access_on=today + timedelta(days=45),
    )
    annotated = HousingCase.objects.with_next_event().get(pk=case.pk)
    assert annotated.next_on == today + timedelta(days=45)
    assert ProcedureEvent.objects.filter(case=case, kind=EventKind.ACCESS).count() == 2


def test_a_future_access_has_no_outcome_yet(personas):
    case = housing_case(personas, access_in_days=None)
    with pytest.raises(DomainError):
        services.procedure_event_add(
            actor=personas.social_worker,
            case=case,
            kind=EventKind.ACCESS,
            on=timezone.localdate() + timedelta(days=3),
            outcome=AccessOutcome.EXECUTED,
        )


def test_access_within_finds_only_cases_without_a_plan_when_asked(personas):
    near = housing_case(personas, access_in_days=10, name="Vicini")
    housing_case(personas, access_in_days=80, name="Lontani")
    assert list(HousingCase.objects.access_within(30)) == [near]
    services.housing_plan_set(
        actor=personas.social_worker,
        case=near,
        plan="Utilizzo autorizzato",
        agreed_on=timezone.localdate(),
    )
    assert not HousingCase.objects.access_within(30).filter(plan_agreed_on__isnull=True).exists()


def test_the_agency_sees_a_case_only_once_referred(personas):
    case = housing_case(personas)
    assert not housing_cases_visible_to(personas.housing_officer).exists()
    services.housing_case_refer(
        actor=personas.social_worker, case=case, agency=personas.housing_agency
    )
    assert list(housing_cases_visible_to(personas.housing_officer)) == [case]
    assert PersonLink.objects.filter(
        organization=personas.housing_agency, reason=LinkReason.HOUSING, person=case.person
    ).exists()
    assert not housing_cases_visible_to(personas.outsider).exists()


def test_the_agency_writes_shared_tasks_but_not_the_case(personas):
    case = housing_case(personas)
    services.housing_case_refer(
        actor=personas.social_worker, case=case, agency=personas.housing_agency
    )
    task = services.case_note_add(
        actor=personas.housing_officer,
        case=case,
        kind="task",
        text="Sopralluogo alloggio",
        due_on=timezone.localdate(),
    )
    services.case_note_done(actor=personas.social_worker, note=task)
    with pytest.raises(PermissionDeniedError):
        services.housing_case_update(
            actor=personas.housing_officer, case=case, data={"risk": "low"}
        )
