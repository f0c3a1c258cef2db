"""The referral lifecycle, as the services enforce it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.cases.models import Note
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent, Notification
from solidale.network.models import ServiceStatus
from solidale.people.models import LinkReason, Person, PersonLink

from ..models import Referral, ReferralStatus
from ..services import (
    referral_accept,
    referral_cancel,
    referral_comment_add,
    referral_complete,
    referral_decline,
    referral_send,
    referral_start,
    referrals_overdue_notify,
    referrals_overdue_task,
)
from .factories import comune_person, cooperative_service, desk_access, open_case, sent_referral

pytestmark = pytest.mark.django_db


def _titles(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_it_sends_a_referral_from_an_open_case_with_a_target_for_acceptance(
    personas: Personas, settings: object
) -> None:
    referral = sent_referral(personas, urgency="high")
    assert referral.status == ReferralStatus.SENT
    assert referral.receiver_organization == personas.cooperative
    assert referral.sender_organization == personas.comune
    assert referral.accept_due_at - referral.sent_at == timedelta(hours=24)
    assert referral.consent is not None
    assert list(referral.events.values_list("status", flat=True)) == ["sent"]


def test_the_acceptance_target_follows_the_setting(personas: Personas, settings: object) -> None:
    settings.SOLIDALE_REFERRALS_ACCEPT_HOURS_URGENT = 2  # type: ignore[attr-defined]
    referral = sent_referral(personas, urgency="urgent")
    assert referral.accept_due_at - referral.sent_at == timedelta(hours=2)


def test_it_sends_from_a_desk_access(personas: Personas) -> None:
    person = comune_person(personas)
    access = desk_access(personas, person)
    referral = sent_referral(personas, source=access)
    assert referral.access == access
    assert referral.case is None


def test_it_refuses_a_referral_to_an_inactive_service(personas: Personas) -> None:
    closed = cooperative_service(personas, status=ServiceStatus.TEMPORARILY_CLOSED)
    with pytest.raises(DomainError, match="non è attivo") as error:
        sent_referral(personas, service=closed)
    assert error.value.field == "service"
    assert not Referral.objects.exists()


def test_it_refuses_a_referral_to_the_senders_own_organization(personas: Personas) -> None:
    from solidale.network.services import service_create

    own = service_create(
        organization=personas.comune, data={"name": "Segretariato"}, actor=personas.coordinator
    )
    with pytest.raises(DomainError, match="altra organizzazione"):
        sent_referral(personas, service=own)


def test_it_refuses_a_referral_without_consent_or_legal_basis(personas: Personas) -> None:
    case = open_case(personas, consent=False)
    with pytest.raises(DomainError, match="consenso") as error:
        sent_referral(personas, source=case)
    assert error.value.field == "legal_basis"
    assert not Referral.objects.exists()


def test_a_recorded_legal_basis_stands_in_for_consent(personas: Personas) -> None:
    case = open_case(personas, consent=False)
    referral = sent_referral(personas, source=case, legal_basis="public_task")
    assert referral.consent is None
    assert referral.legal_basis == "public_task"


def test_only_a_comune_coordinator_may_override_missing_consent(personas: Personas) -> None:
    case = open_case(personas, consent=False)
    service = cooperative_service(personas)
    with pytest.raises(PermissionDeniedError):
        sent_referral(personas, source=case, service=service, override_reason="Urgenza sanitaria")
    referral = referral_send(
        actor=personas.coordinator,
        source=case,
        service=service,
        reason="Rischio per la salute",
        override_reason="Persona non raggiungibile per il consenso, rischio per la salute",
    )
    assert referral.consent_overridden_by == personas.coordinator
    event = AuditEvent.objects.get(object_type="referrals.referral", action="create")
    assert event.purpose.startswith("Persona non raggiungibile")


def test_it_shares_no_more_than_identity_and_contacts(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        sent_referral(personas, shared_fieldsets=["identity", "registry"])
    assert error.value.field == "shared_fieldsets"


def test_accepting_gives_the_receiver_a_referral_reason_to_see_the_person(
    personas: Personas,
) -> None:
    referral = sent_referral(personas)
    operator = personas.association_operator
    assert not Person.objects.visible_to(operator).filter(pk=referral.person_id).exists()
    referral = referral_accept(actor=operator, referral=referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.handled_by == operator
    link = PersonLink.objects.open().get(organization=personas.cooperative)
    assert link.reason == LinkReason.REFERRAL
    assert link.source == f"referrals.referral:{referral.pk}"
    assert Person.objects.visible_to(operator).filter(pk=referral.person_id).exists()


def test_a_decline_without_reason_is_refused_and_nothing_changes(personas: Personas) -> None:
    referral = sent_referral(personas)
    with pytest.raises(DomainError, match="motivo") as error:
        referral_decline(actor=personas.association_operator, referral=referral, reason="")
    assert error.value.field == "reason"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_decline_for_another_reason_needs_an_explanation(personas: Personas) -> None:
    referral = sent_referral(personas)
    with pytest.raises(DomainError) as error:
        referral_decline(actor=personas.association_operator, referral=referral, reason="other")
    assert error.value.field == "note"
    referral = referral_decline(
        actor=personas.association_operator, referral=referral, reason="no_capacity"
    )
    assert referral.status == ReferralStatus.DECLINED
    assert referral.closed_at is not None


@pytest.mark.parametrize("who", ["social_worker", "outsider", "housing_officer"])
def test_nobody_outside_the_receiving_organization_may_accept(personas: Personas, who: str) -> None:
    referral = sent_referral(personas)
    with pytest.raises(PermissionDeniedError):
        referral_accept(actor=getattr(personas, who), referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_second_operator_learns_who_handled_it_first(personas: Personas) -> None:
    referral = sent_referral(personas)
    referral_accept(actor=personas.association_operator, referral=referral)
    with pytest.raises(ConflictError, match="già gestito da Olga Operatrice"):
        referral_decline(actor=personas.association_admin, referral=referral, reason="no_capacity")
    with pytest.raises(ConflictError, match="già gestito"):
        referral_accept(actor=personas.association_admin, referral=referral)


def test_completing_writes_the_outcome_back_to_the_case_and_closes_the_persons_record(
    personas: Personas,
) -> None:
    referral = sent_referral(personas)
    operator = personas.association_operator
    referral_accept(actor=operator, referral=referral)
    referral_start(actor=operator, referral=referral, note="Primo colloquio fissato")
    referral = referral_complete(
        actor=operator, referral=referral, outcome="met", note="Assunta con contratto di 6 mesi"
    )
    assert referral.status == ReferralStatus.COMPLETED
    note = Note.objects.get(case=referral.case)
    assert "bisogno soddisfatto" in note.text
    assert "Assunta con contratto di 6 mesi" in note.text
    assert not PersonLink.objects.open().filter(organization=personas.cooperative).exists()
    assert not Person.objects.visible_to(operator).filter(pk=referral.person_id).exists()
    assert list(referral.events.values_list("status", flat=True)) == [
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]


def test_complete_needs_an_outcome_and_the_ownership(personas: Personas) -> None:
    referral = sent_referral(personas)
    with pytest.raises(ConflictError):
        referral_complete(actor=personas.association_operator, referral=referral, outcome="met")
    referral_accept(actor=personas.association_operator, referral=referral)
    with pytest.raises(DomainError) as error:
        referral_complete(actor=personas.association_operator, referral=referral, outcome="")
    assert error.value.field == "outcome"
    with pytest.raises(PermissionDeniedError):
        referral_complete(actor=personas.social_worker, referral=referral, outcome="met")


def test_the_sender_withdraws_with_a_reason_and_the_receiver_loses_the_person(
    personas: Personas,
) -> None:
    referral = sent_referral(personas)
    referral_accept(actor=personas.association_operator, referral=referral)
    with pytest.raises(DomainError):
        referral_cancel(actor=personas.social_worker, referral=referral, reason=" ")
    with pytest.raises(PermissionDeniedError):
        referral_cancel(actor=personas.association_operator, referral=referral, reason="No")
    referral = referral_cancel(
        actor=personas.social_worker, referral=referral, reason="La persona ha trovato lavoro"
    )
    assert referral.status == ReferralStatus.CANCELLED
    assert not PersonLink.objects.open().filter(organization=personas.cooperative).exists()
    with pytest.raises(ConflictError):
        referral_cancel(actor=personas.social_worker, referral=referral, reason="di nuovo")


def test_both_sides_are_notified_at_each_step(personas: Personas) -> None:
    referral = sent_referral(personas)
    operator, admin, sender = (
        personas.association_operator,
        personas.association_admin,
        personas.social_worker,
    )
    assert any("Nuovo invio" in title for title in _titles(operator))
    assert any("Nuovo invio" in title for title in _titles(admin))
    assert not any("Nuovo invio" in title for title in _titles(personas.outsider))
    referral_accept(actor=operator, referral=referral)
    assert any("ha accettato" in title for title in _titles(sender))
    referral_comment_add(actor=sender, referral=referral, body="Grazie, la persona vi chiamerà")
    assert any("Nuovo messaggio" in title for title in _titles(operator))
    referral_comment_add(actor=operator, referral=referral, body="Ricevuto")
    assert any("Nuovo messaggio" in title for title in _titles(sender))
    referral_start(actor=operator, referral=referral)
    referral_complete(actor=operator, referral=referral, outcome="partially_met")
    assert any("concluso" in title for title in _titles(sender))


def test_a_closed_referral_takes_no_more_messages(personas: Personas) -> None:
    referral = sent_referral(personas)
    referral_decline(actor=personas.association_operator, referral=referral, reason="out_of_area")
    with pytest.raises(ConflictError):
        referral_comment_add(actor=personas.social_worker, referral=referral, body="Perché?")
    with pytest.raises(PermissionDeniedError):
        referral_comment_add(actor=personas.outsider, referral=referral, body="Ciao")


def test_overdue_referrals_are_notified_once_to_both_sides(personas: Personas) -> None:
    referral = sent_referral(personas, urgency="urgent")
    later = timezone.now() + timedelta(hours=5)
    assert referrals_overdue_notify(now=timezone.now()) == 0
    assert referrals_overdue_notify(now=later) == 1
    assert referrals_overdue_notify(now=later) == 0
    assert any("in ritardo" in title for title in _titles(personas.association_operator))
    assert any("in ritardo" in title for title in _titles(personas.social_worker))
    referral.refresh_from_db()
    assert referral.overdue_notified_at is not None


def test_the_overdue_command_notifies_through_the_same_service(personas: Personas) -> None:
    from io import StringIO

    from django.core.management import call_command

    referral = sent_referral(personas)
    Referral.objects.filter(pk=referral.pk).update(
        accept_due_at=timezone.now() - timedelta(hours=1)
    )
    out = StringIO()
    call_command("referrals_overdue", stdout=out)
    assert out.getvalue().strip().endswith("1")
    assert referrals_overdue_task.call() == 0
