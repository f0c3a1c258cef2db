"""Public housing: rule tables, calls, applications, rankings, appeals, allocation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from solidale.accounts.models import Organization
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError
from solidale.people.models import Household, Person

from ..models import (
    FACT_FIELDS,
    Allocation,
    AllocationStatus,
    Appeal,
    AppealStatus,
    Application,
    ApplicationCondition,
    ApplicationStatus,
    Call,
    DwellingOffer,
    OfferStatus,
    Ranking,
    RankingEntry,
    RankingKind,
    RuleScope,
    RuleSet,
)
from ..scoring import Candidate, RuleError, Score, compile_rules, dwelling_fits, rank, score
from ._common import (
    check_isee,
    household_person_ids,
    open_housing_links,
    require_agency,
    require_comune,
    require_decider,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


# --- Rule tables ----------------------------------------------------------------------------


def ruleset_load(*, actor: Any, definition: Mapping[str, Any]) -> RuleSet:
    """Store a rule table version (a law or a municipal variant); versions are immutable."""
    try:
        code, version, scope = definition["code"], int(definition["version"]), definition["scope"]
        valid_from = parse_date(definition["valid_from"])
    except (KeyError, TypeError, ValueError) as error:
        raise DomainError(_("Tabella senza %(key)s.") % {"key": error}) from None
    if scope not in RuleScope.values or valid_from is None:
        raise DomainError(_("Ambito o data di validità non validi."))
    if scope == RuleScope.ERP:
        try:
            compile_rules(definition)
        except RuleError as error:
            raise DomainError(str(error)) from None
    existing = RuleSet.objects.filter(code=code, version=version).first()
    if existing is not None:
        if existing.definition != dict(definition):
            raise ConflictError(
                _(
                    "La versione %(version)s di %(code)s esiste già con un contenuto diverso: "
                    "pubblica una nuova versione."
                )
                % {"version": version, "code": code}
            )
        return existing
    ruleset = RuleSet.objects.create(
        code=code,
        version=version,
        scope=scope,
        title=definition.get("title", code),
        law=definition.get("law", ""),
        valid_from=valid_from,
        is_demo=bool(definition.get("is_demo", False)),
        definition=dict(definition),
    )
    audit_record(
        actor=actor, action=Action.CREATE, obj=ruleset, changes={"code": code, "version": version}
    )
    return ruleset


def rulesets_load_bundled(*, actor: Any = None) -> list[RuleSet]:
    """The rule tables shipped with Solidale (``housing/rules/*.json``)."""
    return [
        ruleset_load(actor=actor, definition=json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(RULES_DIR.glob("*.json"))
    ]


# --- Calls ------------------------------------------------------------------------------------


@transaction.atomic
def call_create(*, actor: Any, data: dict[str, Any]) -> Call:
    organization = require_decider(actor)
    if data["closes_on"] < data["opens_on"]:
        raise DomainError(_("La chiusura deve seguire l'apertura."), field="closes_on")
    ruleset: RuleSet = data["ruleset"]
    if ruleset.scope != RuleScope.ERP:
        raise DomainError(
            _("Scegli una tabella di regole per la graduatoria ERP."), field="ruleset"
        )
    agency: Organization = data["agency"]
    if agency.kind != Organization.Kind.ERP:
        raise DomainError(_("Scegli un ente gestore ERP."), field="agency")
    call = Call.objects.create(
        organization=organization,
        agency=agency,
        title=data["title"],
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        ruleset=ruleset,
        appeal_days=data.get("appeal_days", 30),
    )
    audit_record(actor=actor, action=Action.CREATE, obj=call, changes={"title": call.title})
    return call


# --- Applications -----------------------------------------------------------------------------


def _declared(conditions: Iterable[tuple[str, str]], ruleset: RuleSet) -> dict[str, str]:
    rules = compile_rules(ruleset.definition)
    declared: dict[str, str] = {}
    for code, document in conditions:
        rule = rules.point_rule(code)
        if rule is None:
            raise DomainError(
                _("Condizione sconosciuta per queste regole: %(code)s") % {"code": code},
                field="conditions",
            )
        if not rule["when"].get("declared"):
            raise DomainError(
                _("La condizione %(code)s si ricava dai dati della domanda, non si dichiara.")
                % {"code": code},
                field="conditions",
            )
        if not document.strip():
            raise DomainError(
                _("Indica il documento che prova la condizione %(code)s.") % {"code": code},
                field="conditions",
            )
        declared[code] = document.strip()
    return declared


def _validate_facts(facts: Mapping[str, Any]) -> None:
    missing = [name for name in FACT_FIELDS if facts.get(name) is None]
    if missing:
        raise DomainError(
            _("Dati obbligatori mancanti: %(fields)s") % {"fields": ", ".join(missing)},
            field=missing[0],
        )
    check_isee(facts["isee"])
    if facts["household_size"] < 1:
        raise DomainError(_("Il nucleo ha almeno un componente."), field="household_size")
    if facts["minors"] + facts["over_65"] > facts["household_size"]:
        raise DomainError(
            _("Minori e anziani sono più dei componenti del nucleo."), field="household_size"
        )
    for name in ("real_estate_assets", "movable_assets"):
        if facts[name] < 0:
            raise DomainError(_("L'importo non può essere negativo."), field=name)
    if facts["residence_years"] > 120 or facts["waiting_list_years"] > 60:
        raise DomainError(_("Numero di anni impossibile."), field="residence_years")


def application_preview(
    *, call: Call, facts: Mapping[str, Any], conditions: Iterable[tuple[str, str]]
) -> Score:
    """The score an application would get, without saving anything."""
    _validate_facts(facts)
    return score(compile_rules(call.ruleset.definition), facts, _declared(conditions, call.ruleset))


def _next_protocol(call: Call) -> str:
    last = Application.objects.filter(call=call).aggregate(last=Max("protocol"))["last"]
    number = int(last.rsplit("/", 1)[1]) + 1 if last else 1
    return f"{call.opens_on.year}/{call.pk:03d}/{number:05d}"


def _apply_score(application: Application, result: Score) -> None:
    application.points = result.total
    application.trace = result.as_trace()
    application.scored_at = timezone.now()
    if application.status != ApplicationStatus.ALLOCATED:
        application.status = (
            ApplicationStatus.EXCLUDED if result.excluded else ApplicationStatus.ELIGIBLE
        )


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    call: Call,
    household: Household,
    applicant: Person,
    facts: dict[str, Any],
    conditions: Iterable[tuple[str, str]] = (),
    submitted_on: date | None = None,
) -> Application:
    require_comune(actor)
    submitted_on = submitted_on or timezone.localdate()
    if not call.opens_on <= submitted_on <= call.closes_on:
        raise DomainError(
            _("Domanda fuori dal periodo del bando (%(start)s - %(end)s).")
            % {
                "start": call.opens_on.strftime("%d/%m/%Y"),
                "end": call.closes_on.strftime("%d/%m/%Y"),
            },
            field="submitted_on",
        )
    if applicant.pk not in household_person_ids(household.pk):
        raise DomainError(_("Il richiedente deve far parte del nucleo."), field="applicant")
    conditions = list(conditions)
    result = application_preview(call=call, facts=facts, conditions=conditions)
    Call.objects.select_for_update().filter(pk=call.pk).first()
    if call.rankings.filter(kind=RankingKind.FINAL).exists():
        raise ConflictError(_("La graduatoria definitiva è già approvata."), field="submitted_on")
    application = Application(
        call=call,
        protocol=_next_protocol(call),
        household=household,
        applicant=applicant,
        submitted_on=submitted_on,
        **{name: facts[name] for name in FACT_FIELDS},
    )
    _apply_score(application, result)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ConflictError(
            _("Il nucleo ha già presentato domanda per questo bando."), field="household"
        ) from None
    ApplicationCondition.objects.bulk_create(
        ApplicationCondition(application=application, code=code, document=document)
        for code, document in _declared(conditions, call.ruleset).items()
    )
    open_housing_links(
        actor=actor,
        household_id=household.pk,
        organization=call.agency,
        source=f"housing.application:{application.pk}",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=application,
        person_id=applicant.pk,
        changes={"protocol": application.protocol, "points": application.points},
    )
    return application


def _conditions_of(application: Application) -> dict[str, str]:
    return dict(application.conditions.values_list("code", "document"))


# --- Rankings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecalculationResult:
    ranking: Ranking
    scored: int
    ranked: int
    excluded: int


def _rescore_call(call: Call) -> list[Candidate]:
    """Score every application of the call again with its rule table; saves what changed."""
    rules = compile_rules(call.ruleset.definition)
    declared: dict[int, dict[str, str]] = {}
    for application_id, code, document in ApplicationCondition.objects.filter(
        application__call=call
    ).values_list("application_id", "code", "document"):
        declared.setdefault(application_id, {})[code] = document
    changed: list[tuple[int, int, dict[str, Any], str]] = []
    candidates: list[Candidate] = []
    head = ("pk", "protocol", "submitted_on", "status", "points", "trace")
    for row in Application.objects.filter(call=call).values_list(*head, *FACT_FIELDS):
        pk, protocol, submitted_on, status, points, trace = row[: len(head)]
        facts = dict(zip(FACT_FIELDS, row[len(head) :], strict=True))
        result = score(rules, facts, declared.get(pk, {}))
        new_trace = result.as_trace()
        if trace != new_trace or points != result.total:
            if status != ApplicationStatus.ALLOCATED:
                status = (
                    ApplicationStatus.EXCLUDED if result.excluded else ApplicationStatus.ELIGIBLE
                )
            changed.append((pk, result.total, new_trace, status))
        candidates.append(
            Candidate(
                key=pk,
                protocol=protocol,
                total=result.total,
                section_b=result.section_b,
                isee=facts["isee"],
                submitted_on=submitted_on,
                excluded=result.excluded,
            )
        )
    now = timezone.now()
    _write_many(
        Application,
        "UPDATE {table} SET {points} = %s, {trace} = %s, {scored_at} = %s, {status} = %s "
        "WHERE {id} = %s",
        [[points, trace, now, status, pk] for pk, points, trace, status in changed],
        ("points", "trace", "scored_at", "status", "id"),
    )
    return candidates


def _write_many(
    model: type[Any], template: str, rows: list[list[Any]], names: tuple[str, ...]
) -> None:
    """One parameterized statement per row, sent as a batch (``executemany``).

    ``bulk_update`` and ``bulk_create`` spend more time building expressions through the
    ORM than the ranking spends scoring; here each value still goes through its field's own
    database preparation, so JSON and datetimes are stored exactly as the ORM stores them.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = template.format(
        table=quote(meta.db_table),
        **{f.name: quote(f.column) for f in fields},
    )
    prepared = [
        [f.get_db_prep_value(value, connection) for f, value in zip(fields, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


@transaction.atomic
def ranking_compute(*, actor: Any, call: Call, kind: str) -> RecalculationResult:
    """Score all applications again and (re)build the provisional or the final ranking."""
    require_decider(actor)
    call = Call.objects.select_for_update().select_related("ruleset").get(pk=call.pk)
    if kind not in RankingKind.values:
        raise DomainError(_("Tipo di graduatoria sconosciuto."), field="kind")
    existing = Ranking.objects.filter(call=call, kind=kind).first()
    if existing is not None and existing.published_on is not None:
        raise ConflictError(_("Questa graduatoria è già pubblicata: non si ricalcola."))
    if kind == RankingKind.FINAL:
        provisional = Ranking.objects.filter(call=call, kind=RankingKind.PROVISIONAL).first()
        if provisional is None or provisional.appeal_deadline is None:
            raise DomainError(_("Pubblica prima la graduatoria provvisoria."))
        if timezone.localdate() <= provisional.appeal_deadline:
            raise DomainError(
                _("Il termine per le opposizioni scade il %(date)s.")
                % {"date": provisional.appeal_deadline.strftime("%d/%m/%Y")}
            )
        if Appeal.objects.filter(application__call=call, status=AppealStatus.PENDING).exists():
            raise DomainError(_("Decidi prima tutte le opposizioni."))
    candidates = _rescore_call(call)
    ordered = rank(compile_rules(call.ruleset.definition), candidates)
    if existing is None:
        ranking = Ranking.objects.create(
            call=call, kind=kind, ruleset=call.ruleset, created_by=actor
        )
    else:
        ranking = existing
        ranking.entries.all().delete()
        ranking.computed_at, ranking.ruleset, ranking.created_by = (
            timezone.now(),
            call.ruleset,
            actor,
        )
        ranking.save(update_fields=["computed_at", "ruleset", "created_by"])
    rows: list[list[Any]] = [
        [ranking.pk, c.key, i, c.total, False] for i, c in enumerate(ordered, start=1)
    ]
    rows += [[ranking.pk, c.key, None, 0, True] for c in candidates if c.excluded]
    _write_many(
        RankingEntry,
        "INSERT INTO {table} ({ranking}, {application}, {position}, {points}, {excluded}) "
        "VALUES (%s, %s, %s, %s, %s)",
        rows,
        ("ranking", "application", "position", "points", "excluded"),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=ranking,
        changes={"kind": kind, "ranked": len(ordered), "applications": len(candidates)},
    )
    return RecalculationResult(
        ranking=ranking,
        scored=len(candidates),
        ranked=len(ordered),
        excluded=len(candidates) - len(ordered),
    )


@transaction.atomic
def ranking_publish(*, actor: Any, ranking: Ranking, published_on: date) -> Ranking:
    require_decider(actor)
    ranking = Ranking.objects.select_for_update().select_related("call").get(pk=ranking.pk)
    if ranking.published_on is not None:
        raise ConflictError(_("La graduatoria è già pubblicata."))
    if published_on > timezone.localdate():
        raise DomainError(
            _("La data di pubblicazione non può essere futura."), field="published_on"
        )
    ranking.published_on = published_on
    if ranking.kind == RankingKind.PROVISIONAL:
        ranking.appeal_deadline = published_on + timedelta(days=ranking.call.appeal_days)
    ranking.save(update_fields=["published_on", "appeal_deadline"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=ranking,
        changes={"published_on": published_on.isoformat()},
    )
    return ranking


# --- Appeals --------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *,
    actor: Any,
    application: Application,
    filed_on: date,
    grounds: str,
    conditions: Iterable[tuple[str, str]] = (),
) -> Appeal:
    require_comune(actor)
    provisional = Ranking.objects.filter(
        call_id=application.call_id, kind=RankingKind.PROVISIONAL
    ).first()
    if provisional is None or provisional.published_on is None:
        raise DomainError(
            _("La graduatoria provvisoria non è ancora pubblicata."), field="filed_on"
        )
    deadline = provisional.appeal_deadline or provisional.published_on
    if filed_on > timezone.localdate():
        raise DomainError(_("La data non può essere futura."), field="filed_on")
    if filed_on < provisional.published_on:
        raise DomainError(_("L'opposizione precede la pubblicazione."), field="filed_on")
    if filed_on > deadline:
        raise DomainError(
            _("Opposizione fuori termine: il termine è scaduto il %(date)s.")
            % {"date": deadline.strftime("%d/%m/%Y")},
            field="filed_on",
        )
    if not grounds.strip():
        raise DomainError(_("Scrivi i motivi dell'opposizione."), field="grounds")
    declared = _declared(conditions, application.call.ruleset)
    appeal = Appeal.objects.create(
        application=application,
        filed_on=filed_on,
        grounds=grounds.strip(),
        conditions=[{"code": code, "document": doc} for code, doc in declared.items()],
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=appeal,
        person_id=application.applicant_id,
        changes={"conditions": sorted(declared)},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Any, appeal: Appeal, accept: bool, note: str) -> Appeal:
    """Decide an appeal; accepted, its conditions join the application and it is rescored."""
    require_decider(actor)
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("application__call__ruleset")
        .get(pk=appeal.pk)
    )
    if appeal.status != AppealStatus.PENDING:
        raise ConflictError(_("L'opposizione è già decisa."))
    if not note.strip():
        raise DomainError(_("Motiva la decisione."), field="note")
    application = appeal.application
    appeal.points_before = application.points
    if accept:
        for condition in appeal.conditions:
            ApplicationCondition.objects.update_or_create(
                application=application,
                code=condition["code"],
                defaults={"document": condition["document"]},
            )
        rules = compile_rules(application.call.ruleset.definition)
        _apply_score(application, score(rules, application.facts(), _conditions_of(application)))
        application.save(update_fields=["points", "trace", "scored_at", "status"])
    appeal.points_after = application.points
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decision_note, appeal.decided_at = note.strip(), timezone.now()
    appeal.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=appeal,
        person_id=application.applicant_id,
        changes={
            "status": appeal.status,
            "points_before": appeal.points_before,
            "points_after": appeal.points_after,
        },
    )
    return appeal


# --- Offers and allocation ----------------------------------------------------------------------


@transaction.atomic
def offer_create(*, actor: Any, call: Call, data: dict[str, Any]) -> DwellingOffer:
    agency = require_agency(actor)
    if call.agency_id != agency.pk:
        raise DomainError(_("Il bando non è gestito dal tuo ente."), field="call")
    if data.get("rooms", 0) < 1 or data.get("floor_area", 0) < 1:
        raise DomainError(_("Indica vani e superficie dell'alloggio."), field="floor_area")
    offer = DwellingOffer(agency=agency, call=call, **data)
    offer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        raise ConflictError(_("Esiste già un alloggio con questo codice."), field="code") from None
    audit_record(actor=actor, action=Action.CREATE, obj=offer, changes={"code": offer.code})
    return offer


@dataclass(frozen=True)
class Proposal:
    allocation: Allocation
    skipped: list[tuple[str, str]]  # (protocol, reason) of the households passed over


@transaction.atomic
def offer_propose_next(*, actor: Any, offer: DwellingOffer) -> Proposal:
    """Propose the dwelling to the first household of the final ranking it suits."""
    agency = require_agency(actor)
    offer = (
        DwellingOffer.objects.select_for_update().select_related("call__ruleset").get(pk=offer.pk)
    )
    if offer.agency_id != agency.pk:
        raise DomainError(_("L'alloggio non è del tuo ente."))
    if offer.status != OfferStatus.OPEN:
        raise ConflictError(_("L'alloggio ha già una proposta in corso o è assegnato."))
    final = Ranking.objects.filter(call=offer.call, kind=RankingKind.FINAL).first()
    if final is None:
        raise DomainError(_("Serve la graduatoria definitiva del bando."))
    already = set(offer.allocations.values_list("application_id", flat=True))
    busy = set(
        Allocation.objects.filter(status=AllocationStatus.PROPOSED).values_list(
            "application_id", flat=True
        )
    )
    definition = offer.call.ruleset.definition
    skipped: list[tuple[str, str]] = []
    for entry in (
        final.entries.filter(excluded=False).select_related("application").order_by("position")
    ):
        application = entry.application
        if application.status == ApplicationStatus.ALLOCATED or application.pk in already:
            continue
        if application.pk in busy:
            skipped.append((application.protocol, _("ha già una proposta in corso")))
            continue
        if not dwelling_fits(definition, application.household_size, offer.floor_area):
            skipped.append(
                (
                    application.protocol,
                    _("%(size)s m² non adatti a %(n)s persone")
                    % {"size": offer.floor_area, "n": application.household_size},
                )
            )
            continue
        allocation = Allocation.objects.create(offer=offer, application=application)
        offer.status = OfferStatus.PROPOSED
        offer.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=allocation,
            person_id=application.applicant_id,
            changes={"offer": offer.code, "protocol": application.protocol, "skipped": skipped},
        )
        return Proposal(allocation=allocation, skipped=skipped)
    raise DomainError(_("Nessun nucleo in graduatoria è idoneo per questo alloggio."))


@transaction.atomic
def allocation_decide(
    *, actor: Any, allocation: Allocation, accepted: bool, reason: str = ""
) -> Allocation:
    agency = require_agency(actor)
    allocation = (
        Allocation.objects.select_for_update()
        .select_related("offer", "application")
        .get(pk=allocation.pk)
    )
    offer = DwellingOffer.objects.select_for_update().get(pk=allocation.offer_id)
    if offer.agency_id != agency.pk:
        raise DomainError(_("L'alloggio non è del tuo ente."))
    if allocation.status != AllocationStatus.PROPOSED:
        raise ConflictError(_("La proposta è già decisa."))
    if not accepted and not reason.strip():
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    allocation.decided_at = timezone.now()
    application = allocation.application
    if accepted:
        allocation.status = AllocationStatus.ACCEPTED
        offer.status = OfferStatus.ALLOCATED
        application.status = ApplicationStatus.ALLOCATED
        application.save(update_fields=["status", "updated_at"])
    else:
        allocation.status, allocation.refusal_reason = AllocationStatus.REFUSED, reason.strip()
        offer.status = OfferStatus.OPEN
    allocation.save(update_fields=["status", "decided_at", "refusal_reason"])
    offer.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=allocation,
        person_id=application.applicant_id,
        changes={"status": allocation.status, "reason": allocation.refusal_reason},
    )
    return allocation
