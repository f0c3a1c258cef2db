"""Presidi (sessions with attendance) and participation events (registration, proposals,
decisions reported back)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import User
from solidale.core import duty
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Notification

from ..models import EventRegistration, ParticipationEvent, PresidioSession
from ..permissions import PRESIDIO_ACTIVITY, presidio_target
from ..services import (
    event_attendance_record,
    event_decisions_publish,
    event_register,
    presidio_session_record,
    proposal_answer,
    proposal_submit,
)
from .factories import event, presidio

pytestmark = pytest.mark.django_db


def test_an_organizer_records_a_session(personas: Personas) -> None:
    activity = presidio(personas)
    session = presidio_session_record(
        actor=personas.social_worker,
        presidio=activity,
        day=timezone.localdate(),
        attendance=14,
        volunteers="Vera, Mario",
        outcome="Molte richieste sul bando affitti",
    )
    assert session.attendance == 14
    again = presidio_session_record(
        actor=personas.social_worker, presidio=activity, day=timezone.localdate(), attendance=15
    )
    assert again.pk == session.pk and PresidioSession.objects.get().attendance == 15


def test_it_refuses_negative_future_or_off_schedule_sessions(personas: Personas) -> None:
    activity = presidio(personas)
    today = timezone.localdate()
    for day, attendance, field in (
        (today, -1, "attendance"),
        (today + timedelta(days=7), 3, "date"),
        (today - timedelta(days=1), 3, "date"),
    ):
        with pytest.raises(DomainError) as refused:
            presidio_session_record(
                actor=personas.social_worker, presidio=activity, day=day, attendance=attendance
            )
        assert refused.value.field == field
    assert not PresidioSession.objects.exists()


def test_a_volunteer_records_only_while_on_duty(personas: Personas) -> None:
    activity = presidio(personas, actor=personas.association_operator)
    with pytest.raises(PermissionDeniedError):
        presidio_session_record(
            actor=personas.volunteer, presidio=activity, day=timezone.localdate(), attendance=4
        )
    now = timezone.now()

    def provider(user: object, key: str, at: object) -> list[duty.Duty]:
        if user != personas.volunteer or key != PRESIDIO_ACTIVITY:
            return []
        return [
            duty.Duty(
                1,
                key,
                personas.cooperative.pk,
                now - timedelta(hours=1),
                now + timedelta(hours=1),
                presidio_target(activity),
            )
        ]

    saved = list(duty._provider)
    duty.register_provider(provider)
    try:
        session = presidio_session_record(
            actor=personas.volunteer, presidio=activity, day=timezone.localdate(), attendance=4
        )
    finally:
        duty._provider[:] = saved
    assert session.recorded_by == personas.volunteer


def test_citizens_register_until_the_seats_run_out(personas: Personas) -> None:
    assembly = event(personas, capacity=1)
    event_register(actor=personas.citizen, event=assembly)
    with pytest.raises(ConflictError):
        event_register(actor=personas.citizen, event=assembly)
    other = User.objects.create(
        email="altro@example.invalid", full_name="Altro Cittadino", is_citizen=True
    )
    with pytest.raises(ConflictError):
        event_register(actor=other, event=assembly)
    assert ParticipationEvent.objects.get().registered == 1
    with pytest.raises(PermissionDeniedError):
        event_register(actor=personas.social_worker, event=assembly)


def test_attendance_proposals_and_decisions(personas: Personas) -> None:
    assembly = event(personas)
    registration = event_register(actor=personas.citizen, event=assembly)
    proposal = proposal_submit(
        actor=personas.citizen,
        event=assembly,
        title="Panchine al parco",
        text="Servono panchine vicino ai giochi",
    )
    with pytest.raises(DomainError):
        event_attendance_record(
            actor=personas.social_worker, event=assembly, attended_ids=[registration.pk], total=0
        )
    event_attendance_record(
        actor=personas.social_worker, event=assembly, attended_ids=[registration.pk], total=23
    )
    assert EventRegistration.objects.get().attended
    with pytest.raises(DomainError):
        proposal_answer(
            actor=personas.social_worker, proposal=proposal, status="accepted", answer=""
        )
    proposal_answer(
        actor=personas.social_worker,
        proposal=proposal,
        status="accepted",
        answer="Le installiamo entro marzo",
    )
    event_decisions_publish(
        actor=personas.social_worker, event=assembly, decisions="Panchine e nuova illuminazione"
    )
    kinds = set(Notification.objects.filter(user=personas.citizen).values_list("kind", flat=True))
    assert kinds == {"neighbourhoods.proposal", "neighbourhoods.event"}
    with pytest.raises(DomainError):
        proposal_submit(
            actor=personas.citizen,
            event=assembly,
            title="Tardi",
            text="Una proposta arrivata tardi",
        )


def test_only_the_organizing_organization_answers(personas: Personas) -> None:
    assembly = event(personas)
    proposal = proposal_submit(
        actor=personas.citizen, event=assembly, title="Orti", text="Orti condivisi nel parco"
    )
    with pytest.raises(PermissionDeniedError):
        proposal_answer(
            actor=personas.association_operator, proposal=proposal, status="rejected", answer="No"
        )


def test_the_event_page_shows_the_decisions_to_everyone(client: Client, personas: Personas) -> None:
    assembly = event(personas)
    event_decisions_publish(
        actor=personas.social_worker, event=assembly, decisions="Aprire il centro civico il sabato"
    )
    page = client.get(reverse("neighbourhoods:event_detail", args=[assembly.pk])).content.decode()
    assert "Aprire il centro civico il sabato" in page


def test_a_citizen_registers_from_the_page(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    assembly = event(personas)
    client = login(personas.citizen)
    client.post(reverse("neighbourhoods:event_register", args=[assembly.pk]))
    assert (
        "Sei iscritto"
        in client.get(reverse("neighbourhoods:event_detail", args=[assembly.pk])).content.decode()
    )


def test_the_session_form_refuses_bad_input_next_to_the_field(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    activity = presidio(personas)
    response = login(personas.social_worker).post(
        reverse("neighbourhoods:presidio_session", args=[activity.pk]),
        {"date": (timezone.localdate() + timedelta(days=7)).isoformat(), "attendance": 3},
    )
    assert response.status_code == 400
    assert "futura" in response.content.decode()
    assert not PresidioSession.objects.exists()
