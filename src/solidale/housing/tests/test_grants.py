from decimal import Decimal

import pytest

from solidale.core.errors import ConflictError, DomainError

from .. import services
from ..models import Grant, GrantStatus
from .factories import comune_household, grant_rules

pytestmark = pytest.mark.django_db


def _submit(personas, kind="rent", name="Affittuari", **data):
    grant_rules()
    household, head = comune_household(personas, name=name)
    base = {
        "isee": Decimal("9000"),
        "annual_income": Decimal("12000"),
        "annual_rent": Decimal("6000"),
        "lease_registered": True,
        "iban": "IT60X0542811101000000123456",
    }
    return services.grant_submit(
        actor=personas.social_worker,
        kind=kind,
        household=household,
        applicant=head,
        year=2026,
        data={**base, **data},
    )


def test_rent_contribution_is_rent_minus_the_incidence_share_capped(personas):
    grant = _submit(personas)
    assert grant.status == GrantStatus.ELIGIBLE
    # band A: 6000 - 14% of 12000 = 4320, capped at 3100
    assert grant.amount == Decimal("3100.00")
    low = _submit(personas, name="Bassi", annual_rent=Decimal("2000"))
    assert low.amount == Decimal("2000") - Decimal("12000") * Decimal("0.14")


def test_ineligible_rent_contribution_says_why(personas):
    grant = _submit(personas, annual_income=Decimal("40000"))
    assert grant.status == GrantStatus.INELIGIBLE
    assert grant.amount is None
    assert any(not check["ok"] and "fascia" in check["reason"].lower() for check in grant.checks)


def test_arrears_fund_checks_cause_and_caps_at_12000(personas):
    grant = _submit(
        personas,
        kind="arrears",
        arrears=Decimal("15000"),
        arrears_cause="dismissal",
        eviction_for_arrears=True,
        member_over_70=True,
    )
    assert grant.status == GrantStatus.ELIGIBLE
    assert grant.amount == Decimal("12000.00")
    assert grant.priority
    no_cause = _submit(
        personas,
        kind="arrears",
        name="Senzacausa",
        arrears=Decimal("3000"),
        eviction_for_arrears=True,
    )
    assert no_cause.status == GrantStatus.INELIGIBLE
    assert [c["code"] for c in no_cause.checks if not c["ok"]] == ["cause"]


def test_approval_needs_eligibility_and_an_iban(personas):
    grant = _submit(personas, iban="")
    with pytest.raises(DomainError):
        services.grant_approve(actor=personas.coordinator, grant=grant)
    ineligible = _submit(personas, name="Altri", annual_income=Decimal("40000"))
    with pytest.raises(ConflictError):
        services.grant_approve(actor=personas.coordinator, grant=ineligible)
    with pytest.raises(DomainError):
        services.grant_approve(actor=personas.desk_operator, grant=grant)


def test_impossible_values_are_refused_and_nothing_is_saved(personas):
    with pytest.raises(DomainError) as error:
        _submit(personas, isee=Decimal("-3"))
    assert error.value.field == "isee"
    with pytest.raises(DomainError):
        _submit(personas, name="Iban", iban="NOTANIBAN")
    assert not Grant.objects.exists()


def test_one_grant_of_a_kind_per_household_and_year(personas):
    grant = _submit(personas)
    with pytest.raises(ConflictError):
        services.grant_submit(
            actor=personas.social_worker,
            kind="rent",
            household=grant.household,
            applicant=grant.applicant,
            year=2026,
            data={"isee": Decimal(1), "annual_income": Decimal(1), "annual_rent": Decimal(1)},
        )
