"""The rules of the cartella sociale, through its services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Notification
from solidale.people.models import LinkReason, Person, PersonLink

from .. import services
from ..models import (
    CaseEvent,
    CaseStatus,
    InterventionStatus,
    Note,
    TeamRole,
)
from ..permissions import cases_visible_to, notes_visible_to
from ..selectors import assessment_comparison
from .factories import comune_person, open_case, second_social_worker, siuss

pytestmark = pytest.mark.django_db


def _case_links(case, organization) -> list[PersonLink]:
    return list(
        PersonLink.objects.open().filter(
            person=case.person, organization=organization, reason=LinkReason.CASE
        )
    )


# --- Taking charge ------------------------------------------------------------------------


def test_taking_charge_opens_a_case_reason_for_the_comune(personas) -> None:
    case = open_case(personas)
    assert case.status == CaseStatus.OPEN
    assert len(_case_links(case, personas.comune)) == 1
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED]
    member = case.members.get()
    assert (member.user, member.role) == (personas.social_worker, TeamRole.RESPONSIBLE)


def test_a_desk_operator_cannot_take_charge(personas) -> None:
    person = comune_person(personas)
    with pytest.raises(PermissionDeniedError):
        services.case_open(
            actor=personas.desk_operator,
            person=person,
            area="adults",
            responsible=personas.social_worker,
            opening_reason="x",
        )


def test_a_partner_operator_cannot_take_charge(personas) -> None:
    person = comune_person(personas)
    with pytest.raises(PermissionDeniedError):
        services.case_open(
            actor=personas.association_operator,
            person=person,
            area="adults",
            responsible=personas.social_worker,
            opening_reason="x",
        )


def test_it_refuses_a_second_open_case_in_the_same_area(personas) -> None:
    case = open_case(personas)
    with pytest.raises(ConflictError):
        open_case(personas, person=case.person)
    assert open_case(personas, person=case.person, area="elderly").is_open


def test_a_partner_in_the_team_sees_the_person_until_they_leave(personas) -> None:
    case = open_case(personas)
    member = services.case_member_add(
        actor=personas.social_worker,
        case=case,
        user=personas.association_operator,
        role=TeamRole.PARTNER,
    )
    assert member.organization == personas.cooperative
    assert len(_case_links(case, personas.cooperative)) == 1
    assert Person.objects.visible_to(personas.association_operator).filter(pk=case.person_id)
    assert cases_visible_to(personas.association_operator).filter(pk=case.pk).exists()
    services.case_member_remove(actor=personas.social_worker, member=member)
    assert _case_links(case, personas.cooperative) == []
    assert not cases_visible_to(personas.association_operator).filter(pk=case.pk).exists()
    assert not Person.objects.visible_to(personas.association_operator).filter(pk=case.person_id)


def test_the_history_keeps_every_change_of_social_worker(personas) -> None:
    case = open_case(personas)
    services.case_responsible_change(
        actor=personas.coordinator, case=case, responsible=personas.coordinator
    )
    case.refresh_from_db()
    assert case.responsible == personas.coordinator
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEvent.Kind.OPENED, CaseEvent.Kind.RESPONSIBLE_CHANGED]
    roles = dict(case.members.current().values_list("user_id", "role"))
    assert roles == {
        personas.social_worker.pk: TeamRole.SOCIAL_WORKER,
        personas.coordinator.pk: TeamRole.RESPONSIBLE,
    }


def test_closing_ends_the_reasons_and_reopening_restores_them(personas) -> None:
    case = open_case(personas)
    services.case_close(actor=personas.social_worker, case=case, outcome="goals_reached")
    case.refresh_from_db()
    assert (case.status, case.phase) == (CaseStatus.CLOSED, "E")
    assert _case_links(case, personas.comune) == []
    with pytest.raises(DomainError):
        services.note_add(actor=personas.social_worker, case=case, kind="phone", text="x")
    services.case_reopen(actor=personas.social_worker, case=case, reason="Nuovo sfratto")
    case.refresh_from_db()
    assert case.is_open
    assert len(_case_links(case, personas.comune)) == 1
    assert list(case.events.values_list("kind", flat=True)) == [
        CaseEvent.Kind.OPENED,
        CaseEvent.Kind.CLOSED,
        CaseEvent.Kind.REOPENED,
    ]


def test_closing_needs_an_outcome(personas) -> None:
    case = open_case(personas)
    with pytest.raises(DomainError) as error:
        services.case_close(actor=personas.social_worker, case=case, outcome="")
    assert error.value.field == "outcome"


# --- Assessment and plan ------------------------------------------------------------------


def test_assessments_are_compared_domain_by_domain(personas) -> None:
    case = open_case(personas)
    first = timezone.localdate() - timedelta(days=20)
    services.assessment_record(
        actor=personas.social_worker,
        case=case,
        scores={"housing": (1, "sfratto"), "work": (2, "")},
        assessed_on=first,
    )
    services.assessment_record(
        actor=personas.social_worker,
        case=case,
        scores={"housing": (3, "alloggio temporaneo"), "work": (2, "")},
    )
    latest, previous, rows = assessment_comparison(case)
    assert latest is not None and previous is not None
    assert previous.assessed_on == first
    changes = {row.domain.code: row.change for row in rows}
    assert changes == {"housing": 2, "work": 0}
    case.refresh_from_db()
    assert case.phase == "B"


def test_it_refuses_a_score_out_of_range(personas) -> None:
    case = open_case(personas)
    with pytest.raises(DomainError) as error:
        services.assessment_record(
            actor=personas.social_worker, case=case, scores={"work": (6, "")}
        )
    assert error.value.field == "work"


def test_plan_deadlines_before_the_opening_are_refused(personas) -> None:
    case = open_case(personas)
    before = timezone.localdate(case.opened_at) - timedelta(days=1)
    with pytest.raises(DomainError) as error:
        services.plan_save(actor=personas.social_worker, case=case, data={"review_on": before})
    assert error.value.field == "review_on"
    assert "precedente all'apertura" in error.value.message
    goal = services.plan_goal_add(actor=personas.social_worker, case=case, title="Trovare casa")
    with pytest.raises(DomainError) as error:
        services.plan_action_add(
            actor=personas.social_worker,
            goal=goal,
            title="Domanda ERP",
            owner_organization=personas.comune,
            due_on=before,
        )
    assert error.value.field == "due_on"


def test_the_plan_follows_the_gepi_stages_and_sets_the_review(personas) -> None:
    case = open_case(personas)
    review = timezone.localdate() + timedelta(days=60)
    plan = services.plan_save(
        actor=personas.social_worker,
        case=case,
        data={"stage": "framework", "framework": "Quadro", "review_on": review},
    )
    with pytest.raises(DomainError):
        services.plan_save(actor=personas.social_worker, case=case, data={"stage": "pact"})
    case.refresh_from_db()
    assert (plan.stage, case.next_review_on, case.phase) == ("framework", review, "C")


def test_a_partner_records_the_progress_of_their_action(personas) -> None:
    case = open_case(personas)
    goal = services.plan_goal_add(actor=personas.social_worker, case=case, title="Lavoro")
    action = services.plan_action_add(
        actor=personas.social_worker,
        goal=goal,
        title="Tirocinio",
        owner_organization=personas.cooperative,
        owner_user=personas.association_operator,
    )
    action = services.plan_action_progress(
        actor=personas.association_operator, action=action, status="in_progress", progress=40
    )
    assert action.progress == 40
    with pytest.raises(DomainError):
        services.plan_action_progress(
            actor=personas.association_operator, action=action, status="in_progress", progress=140
        )


def test_an_action_owner_must_work_for_the_chosen_organization(personas) -> None:
    case = open_case(personas)
    goal = services.plan_goal_add(actor=personas.social_worker, case=case, title="Lavoro")
    with pytest.raises(DomainError) as error:
        services.plan_action_add(
            actor=personas.social_worker,
            goal=goal,
            title="Tirocinio",
            owner_organization=personas.cooperative,
            owner_user=personas.outsider,
        )
    assert error.value.field == "owner_user"


# --- Interventions ------------------------------------------------------------------------


def _request(personas, case, amount, actor=None):
    return services.intervention_request(
        actor=actor or personas.social_worker,
        case=case,
        type=siuss("A1.04"),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount=amount,
    )


def test_below_the_threshold_an_intervention_is_approved_at_once(personas) -> None:
    case = open_case(personas)
    intervention = _request(personas, case, "500.00")
    assert intervention.status == InterventionStatus.APPROVED
    assert intervention.character == "periodic"


def test_above_the_threshold_a_coordinator_approves(personas) -> None:
    case = open_case(personas)
    intervention = _request(personas, case, "750")
    assert intervention.status == InterventionStatus.REQUESTED
    assert Notification.objects.filter(user=personas.coordinator, kind="cases.approval").exists()
    with pytest.raises(PermissionDeniedError):
        services.intervention_decide(
            actor=personas.social_worker, intervention=intervention, approve=True
        )
    approved = services.intervention_decide(
        actor=personas.coordinator, intervention=intervention, approve=True
    )
    assert (approved.status, approved.decided_by) == (
        InterventionStatus.APPROVED,
        personas.coordinator,
    )
    with pytest.raises(ConflictError):
        services.intervention_decide(
            actor=personas.coordinator, intervention=intervention, approve=False, notes="no"
        )


@override_settings(SOLIDALE_CASES_APPROVAL_THRESHOLD_EUR="100")
def test_the_threshold_is_configurable(personas) -> None:
    assert _request(personas, open_case(personas), "150").status == InterventionStatus.REQUESTED


def test_the_requester_cannot_approve_their_own_request(personas) -> None:
    case = open_case(personas)
    intervention = _request(personas, case, "900", actor=personas.coordinator)
    with pytest.raises(PermissionDeniedError):
        services.intervention_decide(
            actor=personas.coordinator, intervention=intervention, approve=True
        )
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.REQUESTED


def test_a_refusal_needs_a_reason(personas) -> None:
    intervention = _request(personas, open_case(personas), "900")
    with pytest.raises(DomainError):
        services.intervention_decide(
            actor=personas.coordinator, intervention=intervention, approve=False
        )


@pytest.mark.parametrize("amount", ["-1", "50000.01", "molti"])
def test_it_refuses_negative_over_limit_or_unreadable_amounts(personas, amount) -> None:
    case = open_case(personas)
    with pytest.raises(DomainError) as error:
        _request(personas, case, amount)
    assert error.value.field == "amount"
    assert not case.interventions.exists()


def test_an_economic_intervention_needs_an_amount(personas) -> None:
    with pytest.raises(DomainError):
        _request(personas, open_case(personas), None)


def test_provisions_are_recorded_apart_from_the_intervention(personas) -> None:
    intervention = _request(personas, open_case(personas), "300")
    services.intervention_set_status(
        actor=personas.social_worker, intervention=intervention, status="active"
    )
    provision = services.provision_record(
        actor=personas.social_worker,
        intervention=intervention,
        provided_on=timezone.localdate(),
        amount="300",
        reference="Mandato 12/2026",
    )
    assert provision.amount == Decimal("300.00")
    with pytest.raises(DomainError):
        services.provision_record(
            actor=personas.social_worker,
            intervention=intervention,
            provided_on=timezone.localdate(),
            amount="-5",
        )


def test_a_requested_intervention_has_no_provisions(personas) -> None:
    intervention = _request(personas, open_case(personas), "900")
    with pytest.raises(DomainError):
        services.provision_record(
            actor=personas.social_worker,
            intervention=intervention,
            provided_on=timezone.localdate(),
            amount="100",
        )


# --- Diary and documents ------------------------------------------------------------------


def test_reserved_notes_are_for_the_author_and_the_team_only(personas) -> None:
    case = open_case(personas)
    services.case_member_add(
        actor=personas.social_worker,
        case=case,
        user=personas.association_operator,
        role=TeamRole.PARTNER,
    )
    reserved = services.note_add(
        actor=personas.social_worker, case=case, kind="interview", text="Violenza", reserved=True
    )
    public = services.note_add(actor=personas.social_worker, case=case, kind="phone", text="Ok")
    other_worker = second_social_worker(personas)
    other_case = open_case(
        personas, person=comune_person(personas, family_name="Altri"), responsible=other_worker
    )
    assert other_case.members.filter(user=other_worker).exists()

    def readable(user) -> set[int]:
        return set(notes_visible_to(user).values_list("pk", flat=True))

    assert readable(personas.social_worker) == {reserved.pk, public.pk}
    assert readable(personas.association_operator) == {reserved.pk, public.pk}
    # A team member of another case, and an organization member outside the team.
    assert readable(other_worker) == {public.pk}
    assert readable(personas.coordinator) == {public.pk}
    # Partners outside the team see no note at all.
    assert readable(personas.association_admin) == set()
    assert readable(personas.outsider) == set()


def test_the_author_keeps_reading_their_reserved_note_after_leaving_the_team(personas) -> None:
    case = open_case(personas)
    member = services.case_member_add(
        actor=personas.social_worker, case=case, user=personas.coordinator, role="social_worker"
    )
    note = services.note_add(
        actor=personas.coordinator, case=case, kind="meeting", text="Riservata", reserved=True
    )
    services.case_member_remove(actor=personas.social_worker, member=member)
    assert Note.objects.readable_by(personas.coordinator).filter(pk=note.pk).exists()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_document_is_stored_privately_under_a_random_name(personas, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = open_case(personas)
    document = services.document_upload(
        actor=personas.social_worker,
        case=case,
        title="ISEE 2026",
        upload=SimpleUploadedFile("isee rossi.pdf", PDF, content_type="application/pdf"),
    )
    stored = tmp_path / "private" / "cases" / document.path
    assert stored.read_bytes() == PDF
    assert document.kind == "pdf"
    assert "rossi" not in document.path


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00 executable", b"PK\x03\x04zip"],
)
def test_it_refuses_a_file_whose_content_is_not_an_accepted_type(
    personas, settings, tmp_path, content
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = open_case(personas)
    with pytest.raises(DomainError) as error:
        services.document_upload(
            actor=personas.social_worker,
            case=case,
            title="finto",
            upload=SimpleUploadedFile("finto.pdf", content, content_type="application/pdf"),
        )
    assert error.value.field == "file"
    assert not case.documents.exists()


def test_it_refuses_a_file_over_ten_megabytes(personas, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(DomainError):
        services.document_upload(
            actor=personas.social_worker, case=open_case(personas), title="big", upload=big
        )


def test_a_follow_up_goes_to_a_team_member(personas) -> None:
    case = open_case(personas)
    with pytest.raises(DomainError):
        services.followup_add(
            actor=personas.social_worker,
            case=case,
            title="Richiamare",
            due_on=timezone.localdate(),
            assigned_to=personas.coordinator,
        )
    followup = services.followup_add(
        actor=personas.social_worker,
        case=case,
        title="Richiamare",
        due_on=timezone.localdate(),
        assigned_to=personas.social_worker,
    )
    assert services.followup_done(actor=personas.social_worker, followup=followup).done_at


# --- Review reminders ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_review_reminder_once(personas, mailoutbox) -> None:
    from ..tasks import case_review_reminders_send

    case = open_case(personas)
    services.plan_save(
        actor=personas.social_worker,
        case=case,
        data={"review_on": timezone.localdate() + timedelta(days=3)},
    )
    case_review_reminders_send.enqueue()
    case_review_reminders_send.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reminders = Notification.objects.filter(user=personas.social_worker, kind="cases.review")
    assert reminders.count() == 1
    assert f"n. {case.pk}" in reminders.get().title
