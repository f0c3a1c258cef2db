import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError
from solidale.people.models import LinkReason, PersonLink

from .. import services
from ..models import (
    AllocationStatus,
    Application,
    ApplicationStatus,
    OfferStatus,
    RankingEntry,
    RankingKind,
)
from ..permissions import housing_cases_visible_to
from .factories import application, housing_case, open_call

pytestmark = pytest.mark.django_db


def test_it_scores_and_traces_an_application_and_opens_the_agency_link(personas):
    call = open_call(personas)
    submitted = application(personas, call)
    assert submitted.status == ApplicationStatus.ELIGIBLE
    assert submitted.points == sum(item["points"] for item in submitted.trace["items"])
    assert submitted.protocol.endswith("/00001")
    assert PersonLink.objects.filter(
        person=submitted.applicant, organization=personas.housing_agency, reason=LinkReason.HOUSING
    ).exists()


def test_a_household_holding_an_application_is_seen_by_the_agency(personas):
    case = housing_case(personas)
    call = open_call(personas)
    services.application_submit(
        actor=personas.social_worker,
        call=call,
        household=case.household,
        applicant=case.person,
        facts={
            "household_size": 3,
            "minors": 1,
            "over_65": 0,
            "isee": Decimal(4000),
            "real_estate_assets": Decimal(0),
            "movable_assets": Decimal(0),
            "owns_suitable_dwelling": False,
            "serious_conviction": False,
            "residence_years": 8,
            "waiting_list_years": 0,
        },
    )
    assert list(housing_cases_visible_to(personas.housing_officer)) == [case]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"isee": Decimal("-1")}, "isee"),
        ({"isee": Decimal("999999")}, "isee"),
        ({"residence_years": None}, "residence_years"),
        ({"minors": 3, "over_65": 2}, "household_size"),
    ],
)
def test_bad_facts_are_refused_and_nothing_changes(personas, change, field):
    call = open_call(personas)
    with pytest.raises(DomainError) as error:
        application(personas, call, **change)
    assert error.value.field == field
    assert not Application.objects.exists()


def test_an_application_outside_the_call_period_is_refused(personas):
    call = open_call(personas)
    with pytest.raises(DomainError) as error:
        services.application_submit(
            actor=personas.social_worker,
            call=call,
            household=None,  # type: ignore[arg-type]
            applicant=None,  # type: ignore[arg-type]
            facts={},
            submitted_on=call.closes_on + timedelta(days=1),
        )
    assert error.value.field == "submitted_on"


def test_a_condition_without_its_document_is_refused(personas):
    call = open_call(personas)
    with pytest.raises(DomainError) as error:
        application(personas, call, conditions=(("b-1", "  "),))
    assert "documento" in error.value.message
    assert not Application.objects.exists()


def _ranked_call(personas, *, n=4):
    call = open_call(personas)
    apps = [
        application(
            personas,
            call,
            name=f"Famiglia{i}",
            isee=Decimal(3000 + 1000 * i),
            conditions=(("b-5", "convalida"),) if i % 2 == 0 else (),
        )
        for i in range(n)
    ]
    excluded = application(personas, call, name="Ricchi", isee=Decimal(30000))
    return call, apps, excluded


def test_the_provisional_ranking_orders_by_points_and_leaves_out_the_excluded(personas):
    call, _apps, excluded = _ranked_call(personas)
    result = services.ranking_compute(actor=personas.coordinator, call=call, kind="provisional")
    assert (result.scored, result.ranked, result.excluded) == (5, 4, 1)
    entries = list(result.ranking.entries.filter(excluded=False).order_by("position"))
    points = [entry.points for entry in entries]
    assert points == sorted(points, reverse=True)
    assert RankingEntry.objects.get(ranking=result.ranking, application=excluded).position is None


def test_an_appeal_changes_the_points_and_the_final_ranking(personas):
    call, apps, _ = _ranked_call(personas)
    provisional = services.ranking_compute(
        actor=personas.coordinator, call=call, kind="provisional"
    ).ranking
    today = timezone.localdate()
    services.ranking_publish(
        actor=personas.coordinator, ranking=provisional, published_on=today - timedelta(days=31)
    )
    last = apps[-1]
    appeal = services.appeal_file(
        actor=personas.social_worker,
        application=last,
        filed_on=today - timedelta(days=5),
        grounds="Vive in auto da un anno",
        conditions=[("b-1", "Relazione del servizio sociale")],
    )
    with pytest.raises(DomainError):
        services.ranking_compute(actor=personas.coordinator, call=call, kind="final")
    decided = services.appeal_decide(
        actor=personas.coordinator, appeal=appeal, accept=True, note="Condizione documentata"
    )
    assert decided.points_after == (decided.points_before or 0) + 3
    final = services.ranking_compute(actor=personas.coordinator, call=call, kind="final").ranking
    assert RankingEntry.objects.get(ranking=final, application=last).points == decided.points_after


def test_an_appeal_after_the_deadline_is_refused(personas):
    call, apps, _ = _ranked_call(personas, n=1)
    provisional = services.ranking_compute(
        actor=personas.coordinator, call=call, kind="provisional"
    ).ranking
    today = timezone.localdate()
    services.ranking_publish(
        actor=personas.coordinator, ranking=provisional, published_on=today - timedelta(days=40)
    )
    with pytest.raises(DomainError) as error:
        services.appeal_file(
            actor=personas.social_worker,
            application=apps[0],
            filed_on=today,
            grounds="Tardiva",
            conditions=[],
        )
    assert error.value.field == "filed_on"
    assert not apps[0].appeals.exists()


def _final(personas, call):
    ranking = services.ranking_compute(
        actor=personas.coordinator, call=call, kind=RankingKind.PROVISIONAL
    ).ranking
    services.ranking_publish(
        actor=personas.coordinator,
        ranking=ranking,
        published_on=timezone.localdate() - timedelta(days=31),
    )
    return services.ranking_compute(actor=personas.coordinator, call=call, kind="final").ranking


def test_the_dwelling_goes_to_the_next_suitable_household_and_a_refusal_passes_it_on(personas):
    call = open_call(personas)
    single = application(
        personas,
        call,
        name="Solo",
        household_size=1,
        minors=0,
        conditions=(("b-1", "relazione"), ("b-2", "ASL")),
    )
    first = application(personas, call, name="Primi", conditions=(("b-5", "convalida"),))
    second = application(personas, call, name="Secondi")
    _final(personas, call)
    offer = services.offer_create(
        actor=personas.housing_officer,
        call=call,
        data={"code": "MS-0102", "address": "Via Carducci 4", "rooms": 3, "floor_area": 62},
    )
    proposal = services.offer_propose_next(actor=personas.housing_officer, offer=offer)
    assert proposal.allocation.application == first
    assert [protocol for protocol, _ in proposal.skipped] == [single.protocol]
    with pytest.raises(DomainError):
        services.allocation_decide(
            actor=personas.housing_officer, allocation=proposal.allocation, accepted=False
        )
    services.allocation_decide(
        actor=personas.housing_officer,
        allocation=proposal.allocation,
        accepted=False,
        reason="Troppo lontano dalla scuola dei figli",
    )
    again = services.offer_propose_next(actor=personas.housing_officer, offer=offer)
    assert again.allocation.application == second
    services.allocation_decide(
        actor=personas.housing_officer, allocation=again.allocation, accepted=True
    )
    offer.refresh_from_db()
    second.refresh_from_db()
    assert offer.status == OfferStatus.ALLOCATED
    assert second.status == ApplicationStatus.ALLOCATED
    assert again.allocation.status == AllocationStatus.PROPOSED  # the old copy
    with pytest.raises(ConflictError):
        services.offer_propose_next(actor=personas.housing_officer, offer=offer)


def test_the_comune_cannot_allocate_the_agencys_dwellings(personas):
    call = open_call(personas)
    with pytest.raises(DomainError):
        services.offer_create(
            actor=personas.social_worker,
            call=call,
            data={"code": "X", "address": "Via", "rooms": 2, "floor_area": 50},
        )


def test_a_new_rule_version_is_a_configuration_change(personas):
    services.rulesets_load_bundled()
    definition = json.loads(
        (services.erp.RULES_DIR / "erp_lrt_2_2019_v2.json").read_text(encoding="utf-8")
    )
    definition.update(code="erp-massa-variante", version=1)
    definition["points"] = [
        *definition["points"],
        {
            "code": "m-1",
            "article": "Regolamento comunale, art. 5",
            "description": "Variante comunale",
            "points": 4,
            "when": {"declared": True},
            "document": "Attestazione",
        },
    ]
    variant = services.ruleset_load(actor=personas.coordinator, definition=definition)
    call = open_call(personas, ruleset=variant)
    scored = application(personas, call, conditions=(("m-1", "Attestazione"),))
    assert "m-1" in {item["code"] for item in scored.trace["items"]}
    definition["points"][0]["points"] = 9
    with pytest.raises(ConflictError):
        services.ruleset_load(actor=personas.coordinator, definition=definition)
