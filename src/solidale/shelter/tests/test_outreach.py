"""Street outreach: rounds, idempotent encounters, bad input, and the follow-up they feed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.cases.models import CaseArea
from solidale.cases.services import case_open
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.people.services import person_create

from .. import beds as board
from .. import followups, rounds
from ..followups import followups_generate, left_outside, met_often, repeated_stays
from ..models import (
    Answer,
    BedRequest,
    Encounter,
    EncounterGood,
    FollowUp,
    FollowUpKind,
    OutreachGood,
    Round,
)
from ..providers import contacts, encounters_count, refusals, timeline_entries
from ..selectors import situation_report
from . import factories

pytestmark = pytest.mark.django_db
CASE_AREA = CaseArea.ADULTS


def _data(**overrides: Any) -> dict[str, Any]:
    # "Now" always falls inside tonight's round, even in the minutes after the noon turn
    # of the night (five minutes earlier would then belong to last night).
    return {
        "met_at": timezone.now(),
        "latitude": 44.0365,
        "longitude": 10.1402,
        "alias": "Il Biondo",
        "description": "giaccone rosso",
        "conditions": ["asleep_outside", "cold"],
        **overrides,
    }


def _log(personas: Personas, outing: Round, **overrides: Any) -> tuple[Encounter, bool]:
    goods = {OutreachGood.objects.get(name="Coperta"): 1}
    return rounds.encounter_record(
        actor=personas.association_operator,
        outing=outing,
        key=overrides.pop("key", uuid.uuid4()),
        data=_data(**overrides),
        goods=goods,
    )


def test_a_retry_with_the_same_key_never_duplicates(personas: Personas) -> None:
    factories.season(personas)
    outing = factories.outing(personas)
    key = uuid.uuid4()
    first, created = _log(personas, outing, key=key)
    again, created_again = _log(personas, outing, key=key)
    assert created and not created_again and first.pk == again.pk
    assert Encounter.objects.count() == 1 and EncounterGood.objects.get().quantity == 1


def test_an_encounter_without_position_or_time_is_refused(personas: Personas) -> None:
    factories.season(personas)
    outing = factories.outing(personas)
    with pytest.raises(DomainError) as error:
        _log(personas, outing, latitude=None)
    assert error.value.field == "latitude"
    with pytest.raises(DomainError) as error:
        _log(personas, outing, met_at=None)
    assert error.value.field == "met_at"
    with pytest.raises(DomainError):
        _log(personas, outing, met_at=timezone.now() - timedelta(days=3))
    assert not Encounter.objects.exists()


def test_an_answer_needs_an_offer(personas: Personas) -> None:
    factories.season(personas)
    with pytest.raises(DomainError):
        _log(personas, factories.outing(personas), answer=Answer.REFUSED)


def test_an_accepted_bed_goes_on_the_waiting_list(personas: Personas) -> None:
    factories.season(personas)
    encounter, _ = _log(
        personas, factories.outing(personas), offered_bed=True, answer=Answer.ACCEPTED
    )
    request = BedRequest.objects.get()
    assert request.encounter == encounter and request.alias == "Il Biondo"


def test_an_organization_not_on_duty_cannot_go_out(personas: Personas) -> None:
    factories.season(personas)
    with pytest.raises(PermissionDeniedError):
        factories.outing(personas, actor=personas.outsider)


def test_a_volunteer_logs_only_while_on_duty(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from solidale.core import duty

    factories.season(personas)
    with pytest.raises(PermissionDeniedError):
        factories.outing(personas, actor=personas.volunteer)
    now = timezone.now()
    shift = duty.Duty(1, "shelter.outreach", personas.cooperative.pk, now, now + timedelta(hours=4))
    monkeypatch.setattr(
        duty,
        "_provider",
        [lambda user, activity, at: [shift] if activity == "shelter.outreach" else []],
    )
    outing = factories.outing(personas, actor=personas.volunteer)
    encounter, _ = rounds.encounter_record(
        actor=personas.volunteer, outing=outing, key=uuid.uuid4(), data=_data()
    )
    assert encounter.created_by == personas.volunteer


def test_refused_and_unplaced_people_on_a_cold_night_are_followed_up(personas: Personas) -> None:
    plan = factories.season(personas)
    factories.activation(personas, plan)
    outing = factories.outing(personas)
    _log(personas, outing, offered_bed=True, answer=Answer.REFUSED)
    placed, _ = _log(personas, outing, alias="Accolto", offered_bed=True, answer=Answer.ACCEPTED)
    bed = factories.first_bed(factories.facility(personas))
    board.bed_assign(
        actor=personas.association_operator,
        bed=bed,
        night=outing.night,
        request=placed.bed_request,
    )
    situations = left_outside(outing.night)
    assert [situation.alias for situation in situations] == ["Il Biondo"]
    created = followups_generate(day=outing.night + timedelta(days=1))
    assert created >= 1 and followups_generate(day=outing.night + timedelta(days=1)) == 0
    item = FollowUp.objects.get(kind=FollowUpKind.LEFT_OUTSIDE)
    with pytest.raises(DomainError):
        followups.followup_close(actor=personas.social_worker, followup=item, outcome="")
    followups.followup_close(
        actor=personas.social_worker, followup=item, outcome="contacted", note="Accolto al Mantello"
    )
    item.refresh_from_db()
    assert item.closed_at is not None and item.outcome == "contacted"


def test_people_met_three_times_without_a_case_are_proposed_to_the_desk(
    personas: Personas,
) -> None:
    factories.season(personas)
    person = person_create(
        actor=personas.desk_operator, data={"given_name": "Ugo", "family_name": "Randagi"}
    )
    outing = factories.outing(personas)
    for _ in range(3):
        _log(personas, outing, person=person, alias="")
    day = outing.night + timedelta(days=1)
    assert [situation.person_id for situation in met_often(day, times=3, days=30)] == [person.pk]
    assert met_often(day, times=4, days=30) == []
    case_open(
        actor=personas.social_worker,
        person=person,
        area=CASE_AREA,
        responsible=personas.social_worker,
        opening_reason="Senza dimora, incontrato più volte in strada",
    )
    assert met_often(day, times=3, days=30) == []


def test_repeated_stays_without_a_case_prompt_the_desk(personas: Personas) -> None:
    shelter = factories.facility(personas, beds=1)
    bed = factories.first_bed(shelter)
    night = factories.tonight()
    for offset in range(5):
        board.bed_assign(
            actor=personas.association_operator,
            bed=bed,
            night=night - timedelta(days=offset),
            alias="Il Biondo",
        )
    found = repeated_stays(night + timedelta(days=1), stays=5, days=30)
    assert [situation.subject for situation in found] == ["alias:il biondo"]


def test_the_situation_report_counts_the_night(personas: Personas) -> None:
    plan = factories.season(personas)
    factories.activation(personas, plan)
    shelter = factories.facility(personas)
    outing = factories.outing(personas)
    _log(personas, outing, offered_bed=True, answer=Answer.REFUSED)
    board.bed_assign(
        actor=personas.association_operator,
        bed=factories.first_bed(shelter),
        night=outing.night,
        alias="Ospite",
    )
    request = board.bed_request_add(
        actor=personas.association_operator, night=outing.night, alias="Senza posto"
    )
    board.bed_request_close(
        actor=personas.association_operator, request=request, status="turned_away"
    )
    report = situation_report(outing.night)
    assert (report.available, report.occupied) == (4, 1)
    assert (report.encounters, report.refusals, report.turned_away) == (1, 1, 1)
    assert report.goods == [("Coperta", 1, "pz")]
    assert [fact.value for fact in encounters_count(outing.night, outing.night)] == [1]
    assert [fact.value for fact in refusals(outing.night, outing.night)] == [1]


def test_stays_and_encounters_reach_the_timeline_and_contacts_within_scope(
    personas: Personas,
) -> None:
    factories.season(personas)
    person = person_create(
        actor=personas.desk_operator,
        data={"given_name": "Ugo", "family_name": "Randagi", "homeless": True},
    )
    shelter = factories.facility(personas)
    board.bed_assign(
        actor=personas.association_operator,
        bed=factories.first_bed(shelter),
        night=factories.tonight(),
        person=person,
    )
    _log(personas, factories.outing(personas), person=person, alias="")
    mine = list(timeline_entries(personas.association_operator, [person.pk]))
    assert len(mine) == 2 and all(entry.kind == "shelter" for entry in mine)
    assert list(timeline_entries(personas.outsider, [person.pk])) == []
    night = factories.tonight()
    assert len([c for c in contacts(night, night) if c.person_id == person.pk]) == 2


def test_the_registered_rules_and_exports_keep_the_scope(personas: Personas) -> None:
    from solidale.core import alerts, exports

    plan = factories.season(personas)
    factories.activation(personas, plan)
    outing = factories.outing(personas)
    _log(personas, outing, offered_bed=True, answer=Answer.REFUSED)
    board.bed_assign(
        actor=personas.association_operator,
        bed=factories.first_bed(factories.facility(personas)),
        night=outing.night,
        alias="Ospite",
    )
    rule = alerts.get("shelter.left_outside")
    assert rule is not None
    found = list(rule.evaluate(rule.defaults, outing.night + timedelta(days=1)))
    assert [candidate.title for candidate in found] == ["Da seguire: Il Biondo"]
    stays = exports.get("shelter.stays")
    assert stays is not None
    params = {"night": outing.night.isoformat()}
    assert [row[3] for row in stays.rows(personas.association_operator, params)] == ["Ospite"]
    assert not stays.allowed(personas.outsider)
    assert list(stays.rows(personas.outsider, params)) == []
    encounters = exports.get("shelter.encounters")
    assert encounters is not None
    assert encounters.count(personas.association_operator, params) == 1


def test_goods_given_are_drawn_from_the_round_warehouse(personas: Personas) -> None:
    from decimal import Decimal

    from solidale.food.models import Item, Lot, Warehouse
    from solidale.food.stock import IncomingLine, donation_record

    factories.season(personas)
    blankets = Item.objects.create(
        name="Coperte di lana", category="other", nutritional_group="none"
    )
    OutreachGood.objects.filter(name="Coperta").update(food_item=blankets)
    store = Warehouse.objects.create(organization=personas.cooperative, name="Magazzino Il Ponte")
    donation_record(
        actor=personas.association_operator,
        warehouse=store,
        donor="Parrocchia di San Martino",
        source="private",
        lines=[IncomingLine(item=blankets, quantity=2)],
    )
    outing = rounds.round_start(
        actor=personas.association_operator, team="Olga", area="Stazione", warehouse=store
    )
    _log(personas, outing)
    _log(personas, outing)
    assert sum(lot.quantity for lot in Lot.objects.filter(item=blankets)) == Decimal("0")
    with pytest.raises(ConflictError):
        _log(personas, outing)
    assert Encounter.objects.count() == 2
