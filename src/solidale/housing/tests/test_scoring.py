"""The scoring engine against the rule table, with property tests (hypothesis)."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..scoring import Candidate, RuleError, compile_rules, dwelling_fits, rank, score
from ..services.erp import RULES_DIR

DEFINITION = json.loads((RULES_DIR / "erp_lrt_2_2019_v2.json").read_text(encoding="utf-8"))
RULES = compile_rules(DEFINITION)
DECLARABLE = sorted(rule["code"] for rule in RULES.points if rule["when"].get("declared"))

facts_strategy = st.fixed_dictionaries(
    {
        "household_size": st.integers(1, 8),
        "minors": st.integers(0, 4),
        "over_65": st.integers(0, 2),
        "isee": st.decimals(0, 30000, places=2),
        "real_estate_assets": st.decimals(0, 40000, places=2),
        "movable_assets": st.decimals(0, 40000, places=2),
        "owns_suitable_dwelling": st.booleans(),
        "serious_conviction": st.booleans(),
        "residence_years": st.integers(0, 40),
        "waiting_list_years": st.integers(0, 10),
    }
)
declared_strategy = st.sets(st.sampled_from(DECLARABLE)).map(
    lambda codes: {code: f"doc {code}" for code in codes}
)


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy, declared=declared_strategy, extra=st.sampled_from(DECLARABLE))
def test_adding_a_condition_never_lowers_the_score(facts, declared, extra):
    before = score(RULES, facts, declared)
    after = score(RULES, facts, {**declared, extra: "nuovo documento"})
    assert after.total >= before.total


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy, declared=declared_strategy)
def test_the_total_is_the_sum_of_the_traced_items(facts, declared):
    result = score(RULES, facts, declared)
    assert result.total == sum(item.points for item in result.items)
    assert all(item.article and item.document for item in result.items)


@settings(max_examples=100, deadline=None)
@given(applications=st.lists(st.tuples(facts_strategy, declared_strategy), min_size=1, max_size=30))
def test_excluded_applications_never_rank(applications):
    candidates = []
    for key, (facts, declared) in enumerate(applications):
        result = score(RULES, facts, declared)
        candidates.append(
            Candidate(
                key,
                f"P{key:03d}",
                result.total,
                result.section_b,
                facts["isee"],
                None,
                result.excluded,
            )
        )
    ordered = rank(RULES, candidates)
    assert all(not candidate.excluded for candidate in ordered)
    assert {c.key for c in ordered} == {c.key for c in candidates if not c.excluded}
    totals = [candidate.total for candidate in ordered]
    assert totals == sorted(totals, reverse=True)


ELIGIBLE = {
    "household_size": 3,
    "minors": 1,
    "over_65": 0,
    "isee": Decimal("5000"),
    "real_estate_assets": Decimal(0),
    "movable_assets": Decimal(0),
    "owns_suitable_dwelling": False,
    "serious_conviction": False,
    "residence_years": 6,
    "waiting_list_years": 0,
}


def test_it_traces_each_point_to_condition_document_and_article():
    result = score(RULES, ELIGIBLE, {"b-5": "Convalida n. 3/2026"})
    codes = {item.code: item for item in result.items}
    assert set(codes) == {"a-1", "a-6", "b-5"}
    assert codes["b-5"].document == "Convalida n. 3/2026"
    assert codes["b-5"].article == "L.R. 2/2019, All. B, b-5"
    assert result.total == 2 + 1 + 3


def test_alternatives_in_a_group_count_once():
    result = score(RULES, ELIGIBLE, {"a-4": "verbale 80%", "a-4.1": "verbale 100%"})
    assert [item.code for item in result.items if item.code.startswith("a-4")] == ["a-4.1"]


def test_it_explains_why_an_application_is_excluded():
    result = score(RULES, {**ELIGIBLE, "isee": Decimal("17000"), "residence_years": 2}, {})
    assert result.excluded and result.total == 0
    assert {exclusion.code for exclusion in result.exclusions} == {"A-2.c", "A-2.a"}
    assert "17000" in result.exclusions[0].reason


def test_the_2026_version_drops_the_residence_points():
    old = compile_rules(json.loads((RULES_DIR / "erp_lrt_2_2019_v1.json").read_text("utf-8")))
    facts = {**ELIGIBLE, "residence_years": 15}
    assert "c-1" in {item.code for item in score(old, facts, {}).items}
    assert "c-1" not in {item.code for item in score(RULES, facts, {}).items}


def test_ties_break_on_housing_points_then_isee_then_submission():
    a = Candidate(1, "A", 5, 3, Decimal(9000), "2026-01-02", False)
    b = Candidate(2, "B", 5, 2, Decimal(1000), "2026-01-01", False)
    c = Candidate(3, "C", 5, 3, Decimal(8000), "2026-01-03", False)
    assert [x.protocol for x in rank(RULES, [a, b, c])] == ["C", "A", "B"]


def test_a_malformed_rule_table_is_refused():
    with pytest.raises(RuleError):
        compile_rules(
            {"requirements": [{"code": "x", "field": "isee", "op": "~", "value": 1}], "points": []}
        )


def test_dwelling_size_suitability_follows_the_standard():
    assert dwelling_fits(DEFINITION, 3, 60)
    assert not dwelling_fits(DEFINITION, 1, 80)
    assert dwelling_fits(DEFINITION, 9, 100)


@pytest.mark.django_db
def test_the_command_loads_the_bundled_tables_once():
    from io import StringIO

    from django.core.management import call_command

    from ..models import RuleSet

    out = StringIO()
    call_command("housing_rules", stdout=out)
    call_command("housing_rules", stdout=out)
    assert RuleSet.objects.filter(code="erp-lrt-2-2019").count() == 2
    assert "contributi-massa v1" in out.getvalue()
