"""Housing cases: opening, the eviction procedure, the housing plan, the agency's share."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Organization
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.people.models import Household, Person

from ..models import (
    AccessOutcome,
    CaseNote,
    EventKind,
    HousingCase,
    HousingCaseStatus,
    NoteKind,
    ProcedureEvent,
)
from ..permissions import is_agency_officer, is_comune_staff
from ._common import (
    check_isee,
    household_person_ids,
    members_of,
    officers_of,
    open_housing_links,
    organization_of,
    require_comune,
)

CASE_FIELDS = (
    "situation",
    "risk",
    "landlord",
    "landlord_contact",
    "lease_kind",
    "lease_registered",
    "monthly_rent",
    "arrears",
    "annual_income",
    "isee",
    "social_case",
    "notes",
)


def _validate_money(data: dict[str, Any]) -> None:
    check_isee(data.get("isee"))
    for name in ("monthly_rent", "arrears", "annual_income"):
        value = data.get(name)
        if value is not None and value < 0:
            raise DomainError(_("L'importo non può essere negativo."), field=name)


def _case_url(case: HousingCase) -> str:
    return reverse("housing:case_detail", kwargs={"pk": case.pk})


@transaction.atomic
def housing_case_open(
    *, actor: Any, household: Household, person: Person, data: dict[str, Any]
) -> HousingCase:
    organization = require_comune(actor)
    if person.pk not in household_person_ids(household.pk):
        raise DomainError(_("La persona di riferimento deve far parte del nucleo."), field="person")
    _validate_money(data)
    case = HousingCase(
        organization=organization, household=household, person=person, responsible=actor
    )
    for name in CASE_FIELDS:
        if name in data:
            setattr(case, name, data[name])
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ConflictError(
            _("Il nucleo ha già un caso abitativo aperto."), field="household"
        ) from None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=case,
        person_id=person.pk,
        changes={"situation": case.situation, "risk": case.risk, "household_id": household.pk},
    )
    return case


def _locked(case: HousingCase) -> HousingCase:
    locked = HousingCase.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ConflictError(_("Il caso abitativo è chiuso."))
    return locked


@transaction.atomic
def housing_case_update(*, actor: Any, case: HousingCase, data: dict[str, Any]) -> HousingCase:
    require_comune(actor)
    case = _locked(case)
    _validate_money(data)
    changed = {}
    for name in CASE_FIELDS:
        if name in data and getattr(case, name) != data[name]:
            setattr(case, name, data[name])
            changed[name] = str(data[name])
    case.full_clean(validate_constraints=False)
    case.save()
    if changed:
        audit_record(
            actor=actor, action=Action.UPDATE, obj=case, person_id=case.person_id, changes=changed
        )
    return case


@transaction.atomic
def housing_plan_set(*, actor: Any, case: HousingCase, plan: str, agreed_on: date) -> HousingCase:
    require_comune(actor)
    case = _locked(case)
    if not plan.strip():
        raise DomainError(_("Descrivi il progetto abitativo concordato."), field="plan")
    if agreed_on > timezone.localdate():
        raise DomainError(_("La data del progetto non può essere futura."), field="agreed_on")
    case.plan, case.plan_agreed_on = plan.strip(), agreed_on
    case.save(update_fields=["plan", "plan_agreed_on", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"plan_agreed_on": agreed_on.isoformat()},
    )
    return case


@transaction.atomic
def housing_case_close(*, actor: Any, case: HousingCase, notes: str) -> HousingCase:
    require_comune(actor)
    case = _locked(case)
    if not notes.strip():
        raise DomainError(_("Scrivi l'esito del caso prima di chiuderlo."), field="notes")
    case.status, case.closed_at, case.closing_notes = (
        HousingCaseStatus.CLOSED,
        timezone.now(),
        notes.strip(),
    )
    case.save(update_fields=["status", "closed_at", "closing_notes", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"status": "closed"},
    )
    return case


@transaction.atomic
def procedure_event_add(
    *,
    actor: Any,
    case: HousingCase,
    kind: str,
    on: date,
    outcome: str = "",
    note: str = "",
) -> ProcedureEvent:
    """Record a step of the eviction procedure (a bailiff access may be in the future)."""
    require_comune(actor)
    case = _locked(case)
    if kind not in EventKind.values:
        raise DomainError(_("Fase della procedura sconosciuta."), field="kind")
    if outcome and kind != EventKind.ACCESS:
        raise DomainError(_("L'esito si registra solo per gli accessi."), field="outcome")
    if outcome and on > timezone.localdate():
        raise DomainError(
            _("Un accesso futuro non ha ancora un esito: lascialo «da svolgere»."), field="outcome"
        )
    if kind != EventKind.ACCESS and on > timezone.localdate() + timedelta(days=365 * 2):
        raise DomainError(_("Data troppo lontana: controlla l'anno."), field="on")
    if kind == EventKind.ACCESS and not outcome and on < timezone.localdate():
        raise DomainError(
            _("Per un accesso già avvenuto indica l'esito (rinviato, eseguito, sospeso)."),
            field="outcome",
        )
    event = ProcedureEvent.objects.create(
        case=case, kind=kind, on=on, outcome=outcome, note=note.strip(), recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=event,
        person_id=case.person_id,
        changes={"kind": kind, "on": on.isoformat(), "outcome": outcome},
    )
    return event


@transaction.atomic
def access_outcome_record(
    *,
    actor: Any,
    event: ProcedureEvent,
    outcome: str,
    next_access_on: date | None = None,
    note: str = "",
) -> ProcedureEvent:
    """The outcome of a bailiff access; a postponement schedules the next access."""
    require_comune(actor)
    _locked(event.case)
    event = ProcedureEvent.objects.select_for_update().get(pk=event.pk)
    if event.kind != EventKind.ACCESS:
        raise DomainError(_("L'esito si registra solo per gli accessi."), field="outcome")
    if event.outcome:
        raise ConflictError(_("L'esito di questo accesso è già registrato."), field="outcome")
    if outcome not in AccessOutcome.values or not outcome:
        raise DomainError(_("Scegli l'esito dell'accesso."), field="outcome")
    if event.on > timezone.localdate():
        raise DomainError(_("L'accesso non è ancora avvenuto."), field="outcome")
    if outcome == AccessOutcome.POSTPONED and (
        next_access_on is None or next_access_on <= event.on
    ):
        raise DomainError(
            _("Per un rinvio indica la data del nuovo accesso, dopo questo."),
            field="next_access_on",
        )
    event.outcome = outcome
    event.note = note.strip() or event.note
    event.save(update_fields=["outcome", "note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        person_id=event.case.person_id,
        changes={"outcome": outcome},
    )
    if outcome == AccessOutcome.POSTPONED and next_access_on is not None:
        ProcedureEvent.objects.create(
            case=event.case, kind=EventKind.ACCESS, on=next_access_on, recorded_by=actor
        )
    return event


@transaction.atomic
def housing_case_refer(*, actor: Any, case: HousingCase, agency: Organization) -> HousingCase:
    """Share the household with the housing agency (its officers see it from now on)."""
    require_comune(actor)
    case = _locked(case)
    if agency.kind != Organization.Kind.ERP:
        raise DomainError(_("Scegli un ente gestore ERP."), field="agency")
    if case.agency_id == agency.pk:
        raise ConflictError(_("Il caso è già condiviso con questo ente."), field="agency")
    case.agency, case.referred_at = agency, timezone.now()
    case.save(update_fields=["agency", "referred_at", "updated_at"])
    open_housing_links(
        actor=actor,
        household_id=case.household_id,
        organization=agency,
        source=f"housing.case:{case.pk}",
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"agency": agency.name},
    )
    url = _case_url(case)
    transaction.on_commit(
        lambda: notify(
            users=officers_of(agency.pk),
            kind="housing.referral",
            title=_("Nuovo nucleo condiviso dal Comune: caso abitativo n. %(id)s")
            % {"id": case.pk},
            url=url,
        )
    )
    return case


@transaction.atomic
def case_note_add(
    *, actor: Any, case: HousingCase, kind: str, text: str, due_on: date | None = None
) -> CaseNote:
    """A message or a task on the shared workspace of the household."""
    if not (is_comune_staff(actor) or is_agency_officer(actor)):
        raise PermissionDeniedError(_("Spazio riservato al Comune e all'ente gestore."))
    organization = organization_of(actor)
    if kind not in NoteKind.values:
        raise DomainError(_("Tipo di nota sconosciuto."), field="kind")
    if not text.strip():
        raise DomainError(_("Scrivi il testo."), field="text")
    if kind == NoteKind.MESSAGE and due_on is not None:
        raise DomainError(_("Solo le attività hanno una scadenza."), field="due_on")
    note = CaseNote.objects.create(
        case=case,
        kind=kind,
        text=text.strip(),
        due_on=due_on,
        author=actor,
        organization=organization,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=note,
        person_id=case.person_id,
        changes={"kind": kind, "due_on": due_on.isoformat() if due_on else None},
    )
    other = case.organization_id if organization.pk != case.organization_id else case.agency_id
    if other is not None:
        url = _case_url(case)
        recipients = [user for user in members_of(other) if user.pk != actor.pk]
        transaction.on_commit(
            lambda: notify(
                users=recipients,
                kind="housing.note",
                title=_("Caso abitativo n. %(id)s: nuova nota di %(org)s")
                % {"id": case.pk, "org": organization.name},
                url=url,
            )
        )
    return note


@transaction.atomic
def case_note_done(*, actor: Any, note: CaseNote) -> CaseNote:
    if not (is_comune_staff(actor) or is_agency_officer(actor)):
        raise PermissionDeniedError(_("Spazio riservato al Comune e all'ente gestore."))
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if note.kind != NoteKind.TASK:
        raise DomainError(_("Solo le attività si segnano come svolte."))
    if note.done_at is not None:
        raise ConflictError(_("L'attività è già segnata come svolta."))
    note.done_at = timezone.now()
    note.save(update_fields=["done_at"])
    audit_record(actor=actor, action=Action.UPDATE, obj=note, changes={"done": True})
    return note
