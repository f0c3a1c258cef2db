"""The needs board: aggregate needs only, pledges, and the need's status following them."""

from __future__ import annotations

import pytest

from conftest import Personas
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import Notification
from solidale.network.models import NeedCategory

from ..models import Need, NeedStatus, PledgeStatus
from ..services import need_close, need_report, need_update, pledge_make, pledge_status_set
from ..validation import personal_data_found
from .factories import reported_need

pytestmark = pytest.mark.django_db


def _data(**overrides: object) -> dict[str, object]:
    return {
        "count": 4,
        "unit": "persone",
        "title": "senza pasto serale",
        "category": NeedCategory.objects.get(code="food"),
        "urgency": "medium",
        **overrides,
    }


def test_a_need_is_reported_in_aggregate_form(personas: Personas) -> None:
    need = reported_need(personas)
    assert str(need) == "10 famiglie senza riscaldamento"
    assert need.status == NeedStatus.OPEN
    assert need.organization == personas.comune


@pytest.mark.parametrize(
    "text",
    [
        "La signora RSSMRA80A01F023X chiede aiuto",
        "chiamare il 333 1234567",
        "tel. +39 0585 123987",
        "scrivere a mario.rossi@example.com",
    ],
)
def test_it_rejects_personal_data_in_the_description(personas: Personas, text: str) -> None:
    with pytest.raises(DomainError) as refused:
        need_report(actor=personas.social_worker, data=_data(description=text))
    assert refused.value.field == "description"
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "10 famiglie senza riscaldamento dal 01/11/2026",
        "servono 1.500 pasti, circa 20 a settimana",
        "Tre nuclei in via Roma 12, scala B",
    ],
)
def test_aggregate_text_is_accepted(text: str) -> None:
    assert personal_data_found(text) == ""


def test_personal_data_is_refused_on_update_too(personas: Personas) -> None:
    need = reported_need(personas)
    with pytest.raises(DomainError):
        need_update(actor=personas.social_worker, need=need, data={"title": "RSSMRA80A01F023X"})


def test_viewers_and_volunteers_do_not_report_needs(personas: Personas) -> None:
    for user in (personas.viewer, personas.volunteer, personas.citizen):
        with pytest.raises(PermissionDeniedError):
            need_report(actor=user, data=_data())


def test_a_pledge_notifies_the_reporter(personas: Personas) -> None:
    need = reported_need(personas)
    pledge_make(
        actor=personas.association_operator,
        need=need,
        data={"what": "Stufette elettriche", "quantity": 4},
    )
    assert Notification.objects.filter(user=personas.social_worker, kind="tavolo.pledge").exists()


def test_an_organization_does_not_pledge_on_its_own_need(personas: Personas) -> None:
    need = reported_need(personas)
    with pytest.raises(PermissionDeniedError):
        pledge_make(actor=personas.coordinator, need=need, data={"what": "x", "quantity": 1})


def test_the_need_status_follows_the_pledges_delivered(personas: Personas) -> None:
    need = reported_need(personas, count=10)
    first = pledge_make(
        actor=personas.association_operator, need=need, data={"what": "Stufette", "quantity": 4}
    )
    second = pledge_make(
        actor=personas.housing_officer, need=need, data={"what": "Alloggi ponte", "quantity": 6}
    )
    pledge_status_set(actor=personas.association_operator, pledge=first, status="confirmed")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    pledge_status_set(actor=personas.social_worker, pledge=first, status="delivered")
    need.refresh_from_db()
    assert (need.status, need.delivered) == (NeedStatus.PARTIALLY_MET, 4)
    pledge_status_set(actor=personas.housing_officer, pledge=second, status="delivered")
    need.refresh_from_db()
    assert (need.status, need.delivered) == (NeedStatus.MET, 10)
    with pytest.raises(PermissionDeniedError):
        pledge_make(actor=personas.outsider, need=need, data={"what": "Altro", "quantity": 1})


def test_a_pledge_only_moves_forward(personas: Personas) -> None:
    need = reported_need(personas)
    pledge = pledge_make(
        actor=personas.association_operator, need=need, data={"what": "Coperte", "quantity": 2}
    )
    pledge_status_set(actor=personas.association_operator, pledge=pledge, status="delivered")
    with pytest.raises(DomainError):
        pledge_status_set(actor=personas.association_operator, pledge=pledge, status="offered")
    assert pledge.status == PledgeStatus.DELIVERED


def test_a_third_organization_cannot_move_a_pledge(personas: Personas) -> None:
    need = reported_need(personas)
    pledge = pledge_make(
        actor=personas.association_operator, need=need, data={"what": "Coperte", "quantity": 2}
    )
    with pytest.raises(PermissionDeniedError):
        pledge_status_set(actor=personas.outsider, pledge=pledge, status="confirmed")


def test_a_closed_need_stays_closed_and_takes_no_pledges(personas: Personas) -> None:
    need = reported_need(personas)
    need_close(actor=personas.social_worker, need=need)
    assert need.status == NeedStatus.CLOSED
    with pytest.raises(PermissionDeniedError):
        pledge_make(
            actor=personas.association_operator, need=need, data={"what": "x", "quantity": 1}
        )
