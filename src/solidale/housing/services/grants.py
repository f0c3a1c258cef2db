"""Rent contribution and the involuntary-arrears fund: eligibility with reasons, amount by
the rules, approval."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.cases.models import Case, CaseStatus
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError
from solidale.people.models import Household, Person

from ..models import ArrearsCause, Grant, GrantKind, GrantStatus, HousingCase, RuleScope, RuleSet
from ._common import check_isee, household_person_ids, require_comune, require_decider

CENT = Decimal("0.01")
IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    reason: str


@dataclass(frozen=True)
class Evaluation:
    checks: list[Check]
    amount: Decimal | None
    priority: bool

    @property
    def eligible(self) -> bool:
        return all(check.ok for check in self.checks)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def evaluate_rent(rules: dict[str, Any], facts: dict[str, Any]) -> Evaluation:
    """Contributo affitto: the first band the household fits; amount = rent minus the incidence share."""
    income, rent, isee = facts["annual_income"], facts["annual_rent"], facts["isee"]
    checks = []
    if rules.get("require_registered_lease"):
        checks.append(
            Check(
                "lease",
                bool(facts["lease_registered"]),
                _("Contratto di locazione registrato")
                if facts["lease_registered"]
                else _("Manca un contratto di locazione registrato"),
            )
        )
    incidence = (rent / income) if income > 0 else Decimal("1")
    chosen = None
    for band in rules["bands"]:
        if (
            income <= _money(band["max_income"])
            and isee <= _money(band["max_isee"])
            and incidence > Decimal(str(band["min_incidence"]))
        ):
            chosen = band
            break
    if chosen is None:
        checks.append(
            Check(
                "band",
                False,
                _(
                    "Nessuna fascia: reddito %(income)s €, ISEE %(isee)s €, incidenza del canone %(inc)s%%."
                )
                % {
                    "income": income,
                    "isee": isee,
                    "inc": (incidence * 100).quantize(Decimal("0.1")),
                },
            )
        )
        return Evaluation(checks, None, False)
    checks.append(
        Check(
            "band",
            True,
            _("%(band)s (incidenza del canone %(inc)s%%)")
            % {"band": chosen["description"], "inc": (incidence * 100).quantize(Decimal("0.1"))},
        )
    )
    if not all(check.ok for check in checks):
        return Evaluation(checks, None, False)
    amount = min(
        rent - income * Decimal(str(chosen["min_incidence"])), _money(chosen["max_amount"])
    )
    return Evaluation(checks, _money(max(amount, Decimal(0))), False)


def evaluate_arrears(rules: dict[str, Any], facts: dict[str, Any]) -> Evaluation:
    """Morosità incolpevole: ISEE, registered lease, eviction for arrears, a listed cause."""
    max_isee = _money(rules["max_isee"])
    cause = facts["arrears_cause"]
    checks = [
        Check(
            "isee",
            facts["isee"] <= max_isee,
            _("ISEE %(isee)s € (massimo %(max)s €)") % {"isee": facts["isee"], "max": max_isee},
        ),
        Check(
            "lease",
            bool(facts["lease_registered"]),
            _("Contratto registrato")
            if facts["lease_registered"]
            else _("Manca un contratto di locazione registrato"),
        ),
        Check(
            "eviction",
            bool(facts["eviction_for_arrears"]),
            _("Sfratto per morosità in corso")
            if facts["eviction_for_arrears"]
            else _("Non risulta uno sfratto per morosità"),
        ),
        Check(
            "cause",
            cause in rules["causes"],
            _("Causa: %(cause)s") % {"cause": ArrearsCause(cause).label}
            if cause in rules["causes"]
            else _(
                "La morosità non deriva da una delle cause previste (perdita o riduzione del reddito)"
            ),
        ),
        Check(
            "arrears",
            facts["arrears"] > 0,
            _("Morosità di %(a)s €") % {"a": facts["arrears"]}
            if facts["arrears"] > 0
            else _("Indica l'importo della morosità"),
        ),
    ]
    priority = any(facts.get(flag) for flag in rules.get("priority", []))
    if not all(check.ok for check in checks):
        return Evaluation(checks, None, priority)
    return Evaluation(checks, _money(min(facts["arrears"], _money(rules["max_amount"]))), priority)


GRANT_FIELDS = (
    "isee",
    "annual_income",
    "annual_rent",
    "arrears",
    "arrears_cause",
    "lease_registered",
    "eviction_for_arrears",
    "member_over_70",
    "member_invalid",
    "member_minor",
    "iban",
    "deadline",
)


def grant_evaluate(grant: Grant) -> Evaluation:
    facts = {name: getattr(grant, name) for name in GRANT_FIELDS}
    facts["in_social_care"] = Case.objects.filter(
        person_id=grant.applicant_id, status=CaseStatus.OPEN
    ).exists()
    rules = grant.ruleset.definition[grant.kind]
    if grant.kind == GrantKind.RENT:
        return evaluate_rent(rules, facts)
    return evaluate_arrears(rules, facts)


def current_grant_rules() -> RuleSet:
    ruleset = (
        RuleSet.objects.filter(scope=RuleScope.GRANTS).order_by("-valid_from", "-version").first()
    )
    if ruleset is None:
        raise DomainError(_("Nessuna tabella di regole per i contributi: caricala prima."))
    return ruleset


@transaction.atomic
def grant_submit(
    *,
    actor: Any,
    kind: str,
    household: Household,
    applicant: Person,
    year: int,
    data: dict[str, Any],
    housing_case: HousingCase | None = None,
) -> Grant:
    """Record the application and check it at once: reasons, amount and priority."""
    organization = require_comune(actor)
    if kind not in GrantKind.values:
        raise DomainError(_("Tipo di contributo sconosciuto."), field="kind")
    if applicant.pk not in household_person_ids(household.pk):
        raise DomainError(_("Il richiedente deve far parte del nucleo."), field="applicant")
    check_isee(data.get("isee"))
    for name in ("annual_income", "annual_rent", "arrears"):
        if data.get(name) is not None and data[name] < 0:
            raise DomainError(_("L'importo non può essere negativo."), field=name)
    iban = (data.get("iban") or "").replace(" ", "").upper()
    if iban and not IBAN.match(iban):
        raise DomainError(_("IBAN non valido."), field="iban")
    grant = Grant(
        organization=organization,
        kind=kind,
        ruleset=current_grant_rules(),
        household=household,
        applicant=applicant,
        housing_case=housing_case,
        year=year,
        **{name: data[name] for name in GRANT_FIELDS if name in data and name != "iban"},
        iban=iban,
    )
    grant.full_clean(exclude=["checks"], validate_constraints=False)
    result = grant_evaluate(grant)
    grant.checks = [asdict(check) for check in result.checks]
    grant.amount, grant.priority = result.amount, result.priority
    grant.status = GrantStatus.ELIGIBLE if result.eligible else GrantStatus.INELIGIBLE
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise ConflictError(
            _("Il nucleo ha già una domanda di questo contributo per l'anno."), field="year"
        ) from None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=grant,
        person_id=applicant.pk,
        changes={"kind": kind, "status": grant.status, "amount": str(grant.amount)},
    )
    return grant


@transaction.atomic
def grant_approve(*, actor: Any, grant: Grant) -> Grant:
    require_decider(actor)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != GrantStatus.ELIGIBLE:
        raise ConflictError(_("Si approvano solo le domande ammissibili non ancora approvate."))
    if not grant.iban:
        raise DomainError(_("Serve l'IBAN per il pagamento."), field="iban")
    grant.status, grant.approved_at, grant.approved_by = GrantStatus.APPROVED, timezone.now(), actor
    grant.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=grant,
        person_id=grant.applicant_id,
        changes={"status": grant.status, "amount": str(grant.amount)},
    )
    return grant
