"""Writes on the cartella sociale. Each runs in one transaction and writes the audit trail.

Pages, API, demo seed and tasks call these functions; none of them checks a rule of
its own. Opening a case gives the Comune (and each partner organization in the team) a
``case`` reason to see the person through ``people.services.person_link_open``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Membership, Organization
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.desk.models import Access
from solidale.people.models import Household, HouseholdMember, LinkReason, Person, PersonLink
from solidale.people.services import person_link_close, person_link_open

from .models import (
    SCORE_MAX,
    SCORE_MIN,
    ActionStatus,
    Assessment,
    AssessmentScore,
    Case,
    CaseAccess,
    CaseEvent,
    CaseMember,
    CasePhase,
    CaseStatus,
    Character,
    Document,
    DocumentKind,
    FollowUp,
    Intervention,
    InterventionStatus,
    InterventionType,
    LifeDomain,
    Note,
    NoteKind,
    Plan,
    PlanAction,
    PlanGoal,
    PlanStage,
    Provision,
    TeamRole,
)
from .permissions import CASE_ROLES, TEAM_ROLES, can_decide_intervention, can_manage_case

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PHASE_ORDER = [phase.value for phase in CasePhase]


# --- Helpers ------------------------------------------------------------------------------


def approval_threshold() -> Decimal:
    return Decimal(str(settings.SOLIDALE_CASES_APPROVAL_THRESHOLD_EUR))


def max_amount() -> Decimal:
    return Decimal(str(settings.SOLIDALE_CASES_MAX_AMOUNT_EUR))


def _require_manager(actor: Any, case: Case | None = None) -> None:
    if not can_manage_case(actor, case):
        raise PermissionDeniedError(
            _("Solo gli assistenti sociali e i coordinatori del Comune possono farlo.")
        )


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise DomainError(_("La cartella è chiusa: riaprila prima di modificarla."))


def _not_before_opening(case: Case, value: date | None, field: str) -> None:
    if value is not None and value < timezone.localdate(case.opened_at):
        raise DomainError(
            _("La data non può essere precedente all'apertura della cartella (%(d)s).")
            % {"d": timezone.localdate(case.opened_at).strftime("%d/%m/%Y")},
            field=field,
        )


def _event(case: Case, kind: str, actor: Any, detail: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor if getattr(actor, "pk", None) else None, detail=detail
    )


def _advance_phase(case: Case, phase: str, actor: Any) -> None:
    """Move the case forward to ``phase`` (never back), recording the change."""
    if PHASE_ORDER.index(phase) <= PHASE_ORDER.index(case.phase):
        return
    case.phase = phase
    case.save(update_fields=["phase", "updated_at"])
    _event(case, CaseEvent.Kind.PHASE_CHANGED, actor, str(CasePhase(phase).label))


def _source(case: Case) -> str:
    return f"cases.case:{case.pk}"


def _case_person_ids(case: Case) -> list[int]:
    """The person in charge and, for a household case, its current members."""
    ids = [case.person_id]
    if case.household_id:
        ids += list(
            HouseholdMember.objects.filter(
                household_id=case.household_id, end_date__isnull=True
            ).values_list("person_id", flat=True)
        )
    return list(dict.fromkeys(ids))


def _open_links(case: Case, organization: Organization, actor: Any) -> None:
    for person in Person.objects.filter(pk__in=_case_person_ids(case)):
        person_link_open(
            actor=actor,
            person=person,
            organization=organization,
            reason=LinkReason.CASE,
            source=_source(case),
        )


def _close_links(case: Case, actor: Any, organization_id: int | None = None) -> None:
    links = PersonLink.objects.open().filter(source=_source(case), reason=LinkReason.CASE)
    if organization_id is not None:
        links = links.filter(organization_id=organization_id)
    for link in links:
        person_link_close(actor=actor, link=link)


def _member_organization(user: Any, organization: Organization | None) -> Organization:
    memberships = Membership.objects.active().filter(user=user, role__in=TEAM_ROLES)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    membership = memberships.select_related("organization").first()
    if membership is None:
        raise DomainError(
            _("Questa persona non è un operatore attivo di un'organizzazione della rete."),
            field="user",
        )
    return membership.organization


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


# --- Taking charge ------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor: Any,
    person: Person,
    area: str,
    responsible: Any,
    opening_reason: str,
    household: Household | None = None,
    accesses: Iterable[Access] = (),
    opened_at: datetime | None = None,
) -> Case:
    """Take a person (and their household) in charge: phase A of the cartella."""
    _require_manager(actor)
    organization = actor.membership.organization
    if not opening_reason.strip():
        raise DomainError(_("Scrivi il motivo della presa in carico."), field="opening_reason")
    if (
        not Membership.objects.active()
        .filter(user=responsible, organization=organization, role__in=CASE_ROLES)
        .exists()
    ):
        raise DomainError(
            _("Il responsabile deve essere un assistente sociale o un coordinatore del Comune."),
            field="responsible",
        )
    if (
        household is not None
        and not HouseholdMember.objects.filter(
            household=household, person=person, end_date__isnull=True
        ).exists()
    ):
        raise DomainError(_("La persona non fa parte di questo nucleo."), field="household")
    case = Case(
        organization=organization,
        person=person,
        household=household,
        area=area,
        responsible=responsible,
        opening_reason=opening_reason.strip(),
        opened_at=opened_at or timezone.now(),
    )
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:
        raise ConflictError(
            _("La persona ha già una cartella aperta in quest'area."), field="area"
        ) from error
    CaseMember.objects.create(
        case=case, user=responsible, organization=organization, role=TeamRole.RESPONSIBLE
    )
    _event(case, CaseEvent.Kind.OPENED, actor, case.get_area_display())
    _open_links(case, organization, actor)
    for access in accesses:
        _link_access(case, access, actor)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=case,
        person_id=person.pk,
        changes={"area": area, "responsible_id": responsible.pk},
    )
    if responsible.pk != actor.pk:
        notify(
            users=[responsible],
            kind="cases.assigned",
            title=_("Ti è stata assegnata la cartella n. %(id)s") % {"id": case.pk},
            url=reverse("cases:detail", args=[case.pk]),
        )
    return case


def _link_access(case: Case, access: Access, actor: Any) -> CaseAccess:
    if access.person_id not in _case_person_ids(case):
        raise DomainError(_("L'accesso riguarda un'altra persona."), field="accesses")
    if access.organization_id != case.organization_id:
        raise DomainError(
            _("Si collegano solo gli accessi registrati dal Comune."), field="accesses"
        )
    link, created = CaseAccess.objects.get_or_create(
        case=case, access=access, defaults={"linked_by": actor}
    )
    if created:
        _event(case, CaseEvent.Kind.ACCESS_LINKED, actor, str(access))
    return link


@transaction.atomic
def case_access_link(*, actor: Any, case: Case, access: Access) -> CaseAccess:
    """Link a desk access (contact) of the same person to the case."""
    _require_manager(actor, case)
    link = _link_access(case, access, actor)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"access_id": access.pk},
    )
    return link


@transaction.atomic
def case_member_add(
    *,
    actor: Any,
    case: Case,
    user: Any,
    role: str,
    organization: Organization | None = None,
) -> CaseMember:
    """Add a Comune user or a partner's operator to the team, with their role in the case."""
    _require_manager(actor, case)
    case = _lock(case)
    _require_open(case)
    if role not in TeamRole.values or role == TeamRole.RESPONSIBLE:
        raise DomainError(_("Scegli il ruolo nell'équipe."), field="role")
    member_organization = _member_organization(user, organization)
    if case.members.current().filter(user=user).exists():
        raise ConflictError(_("Questa persona fa già parte dell'équipe."), field="user")
    member = CaseMember.objects.create(
        case=case, user=user, organization=member_organization, role=role
    )
    _event(case, CaseEvent.Kind.MEMBER_ADDED, actor, f"{user} — {member_organization}")
    if member_organization.pk != case.organization_id:
        _open_links(case, member_organization, actor)
    audit_record(
        actor=actor,
        action=Action.GRANT,
        obj=member,
        person_id=case.person_id,
        changes={"user_id": user.pk, "organization_id": member_organization.pk, "role": role},
    )
    return member


@transaction.atomic
def case_member_remove(*, actor: Any, member: CaseMember) -> CaseMember:
    case = _lock(member.case)
    _require_manager(actor, case)
    member = CaseMember.objects.select_for_update().get(pk=member.pk)
    if member.left_at is not None:
        return member
    if member.user_id == case.responsible_id:
        raise DomainError(
            _("Il responsabile non può lasciare l'équipe: cambia prima il responsabile.")
        )
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    _event(case, CaseEvent.Kind.MEMBER_LEFT, actor, f"{member.user} — {member.organization}")
    still_there = case.members.current().filter(organization_id=member.organization_id).exists()
    if member.organization_id != case.organization_id and not still_there:
        _close_links(case, actor, organization_id=member.organization_id)
    audit_record(
        actor=actor,
        action=Action.REVOKE,
        obj=member,
        person_id=case.person_id,
        changes={"user_id": member.user_id, "organization_id": member.organization_id},
    )
    return member


@transaction.atomic
def case_responsible_change(*, actor: Any, case: Case, responsible: Any) -> Case:
    """Hand the case to another social worker; the previous one stays in the team."""
    _require_manager(actor, case)
    case = _lock(case)
    _require_open(case)
    if responsible.pk == case.responsible_id:
        return case
    if (
        not Membership.objects.active()
        .filter(user=responsible, organization_id=case.organization_id, role__in=CASE_ROLES)
        .exists()
    ):
        raise DomainError(
            _("Il responsabile deve essere un assistente sociale o un coordinatore del Comune."),
            field="responsible",
        )
    previous = case.responsible
    case.members.current().filter(user_id=previous.pk).update(role=TeamRole.SOCIAL_WORKER)
    current = case.members.current().filter(user=responsible).first()
    if current is None:
        CaseMember.objects.create(
            case=case,
            user=responsible,
            organization_id=case.organization_id,
            role=TeamRole.RESPONSIBLE,
        )
    else:
        current.role = TeamRole.RESPONSIBLE
        current.save(update_fields=["role"])
    case.responsible = responsible
    case.save(update_fields=["responsible", "updated_at"])
    _event(case, CaseEvent.Kind.RESPONSIBLE_CHANGED, actor, f"{previous} → {responsible}")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"fields": ["responsible"]},
    )
    notify(
        users=[responsible],
        kind="cases.assigned",
        title=_("Ti è stata assegnata la cartella n. %(id)s") % {"id": case.pk},
        url=reverse("cases:detail", args=[case.pk]),
    )
    return case


@transaction.atomic
def case_close(*, actor: Any, case: Case, outcome: str, notes: str = "") -> Case:
    """Phase E: final assessment and closure; the case reasons to see the person end."""
    _require_manager(actor, case)
    case = _lock(case)
    _require_open(case)
    if not outcome:
        raise DomainError(_("Indica l'esito della presa in carico."), field="outcome")
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.outcome = outcome
    case.closing_notes = notes.strip()
    case.phase = CasePhase.CLOSURE
    case.full_clean(exclude=["person", "household", "responsible", "organization"])
    case.save()
    _event(case, CaseEvent.Kind.CLOSED, actor, case.get_outcome_display())
    _close_links(case, actor)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"status": "closed", "outcome": outcome},
    )
    return case


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, reason: str) -> Case:
    _require_manager(actor, case)
    case = _lock(case)
    if case.is_open:
        raise DomainError(_("La cartella è già aperta."))
    if not reason.strip():
        raise DomainError(_("Scrivi il motivo della riapertura."), field="reason")
    case.status = CaseStatus.OPEN
    case.closed_at = None
    case.outcome = ""
    case.phase = CasePhase.ASSESSMENT
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:
        raise ConflictError(
            _("La persona ha già un'altra cartella aperta in quest'area.")
        ) from error
    _event(case, CaseEvent.Kind.REOPENED, actor, reason.strip()[:300])
    organizations = {case.organization_id} | set(
        case.members.current().values_list("organization_id", flat=True)
    )
    for organization in Organization.objects.filter(pk__in=organizations):
        _open_links(case, organization, actor)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        person_id=case.person_id,
        changes={"status": "open"},
    )
    return case


# --- Assessment ---------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    case: Case,
    scores: dict[str, tuple[int, str]],
    summary: str = "",
    assessed_on: date | None = None,
) -> Assessment:
    """Phase B: a score (1 to 5) and notes per life domain (code → (score, notes))."""
    _require_manager(actor, case)
    _require_open(case)
    assessed_on = assessed_on or timezone.localdate()
    _not_before_opening(case, assessed_on, "assessed_on")
    if not scores:
        raise DomainError(_("Valuta almeno un ambito di vita."))
    domains = {domain.code: domain for domain in LifeDomain.objects.filter(code__in=scores)}
    for code, (score, _notes) in scores.items():
        if code not in domains:
            raise DomainError(_("Ambito di vita sconosciuto: %(c)s.") % {"c": code}, field=code)
        if not SCORE_MIN <= int(score) <= SCORE_MAX:
            raise DomainError(
                _("Il punteggio va da %(min)s a %(max)s.") % {"min": SCORE_MIN, "max": SCORE_MAX},
                field=code,
            )
    assessment = Assessment.objects.create(
        case=case, assessed_on=assessed_on, assessed_by=actor, summary=summary.strip()
    )
    AssessmentScore.objects.bulk_create(
        AssessmentScore(
            assessment=assessment, domain=domains[code], score=int(score), notes=notes.strip()
        )
        for code, (score, notes) in scores.items()
    )
    _advance_phase(case, CasePhase.ASSESSMENT, actor)
    audit_record(actor=actor, action=Action.CREATE, obj=assessment, person_id=case.person_id)
    return assessment


# --- Individual plan ----------------------------------------------------------------------

PLAN_FIELDS = ("stage", "preliminary_analysis", "framework", "pact_signed_on", "review_on")


@transaction.atomic
def plan_save(*, actor: Any, case: Case, data: dict[str, Any]) -> Plan:
    """Phase C: create or update the plan (GePI stages: analysis → framework → pact)."""
    _require_manager(actor, case)
    case = _lock(case)
    _require_open(case)
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(_("Campo sconosciuto: %(name)s.") % {"name": sorted(unknown)[0]})
    if data.get("stage", PlanStage.PRELIMINARY) not in PlanStage.values:
        raise DomainError(_("Fase del progetto sconosciuta."), field="stage")
    for name in ("pact_signed_on", "review_on"):
        _not_before_opening(case, data.get(name), name)
    if data.get("stage") == PlanStage.PACT and not data.get("pact_signed_on"):
        raise DomainError(
            _("Indica la data in cui il patto è stato sottoscritto."), field="pact_signed_on"
        )
    plan = Plan.objects.filter(case=case).first()
    created = plan is None
    if plan is None:
        plan = Plan(case=case, created_by=actor)
    for name, value in data.items():
        is_date = name in ("pact_signed_on", "review_on")
        setattr(plan, name, value if value is not None or is_date else "")
    plan.save()
    if plan.review_on and plan.review_on != case.next_review_on:
        case.next_review_on = plan.review_on
        case.save(update_fields=["next_review_on", "updated_at"])
    _advance_phase(case, CasePhase.PLAN, actor)
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=plan,
        person_id=case.person_id,
        changes={"fields": sorted(data)},
    )
    return plan


def _plan_of(case: Case, actor: Any) -> Plan:
    plan = Plan.objects.filter(case=case).first()
    return plan or plan_save(actor=actor, case=case, data={})


@transaction.atomic
def plan_goal_add(
    *,
    actor: Any,
    case: Case,
    title: str,
    domain: LifeDomain | None = None,
    target_on: date | None = None,
) -> PlanGoal:
    _require_manager(actor, case)
    _require_open(case)
    if not title.strip():
        raise DomainError(_("Scrivi l'obiettivo."), field="title")
    _not_before_opening(case, target_on, "target_on")
    goal = PlanGoal.objects.create(
        plan=_plan_of(case, actor), title=title.strip(), domain=domain, target_on=target_on
    )
    audit_record(actor=actor, action=Action.CREATE, obj=goal, person_id=case.person_id)
    return goal


@transaction.atomic
def plan_action_add(
    *,
    actor: Any,
    goal: PlanGoal,
    title: str,
    owner_organization: Organization,
    owner_user: Any = None,
    due_on: date | None = None,
) -> PlanAction:
    """Who does what by when: the Comune or a partner organization (and one of its operators)."""
    case = goal.plan.case
    _require_manager(actor, case)
    _require_open(case)
    if not title.strip():
        raise DomainError(_("Scrivi l'azione."), field="title")
    _not_before_opening(case, due_on, "due_on")
    if (
        owner_user is not None
        and not Membership.objects.active()
        .filter(user=owner_user, organization=owner_organization)
        .exists()
    ):
        raise DomainError(
            _("L'operatore indicato non lavora per l'organizzazione scelta."), field="owner_user"
        )
    action = PlanAction.objects.create(
        goal=goal,
        title=title.strip(),
        owner_organization=owner_organization,
        owner_user=owner_user,
        due_on=due_on,
    )
    audit_record(actor=actor, action=Action.CREATE, obj=action, person_id=case.person_id)
    return action


@transaction.atomic
def plan_action_progress(
    *, actor: Any, action: PlanAction, status: str, progress: int, notes: str | None = None
) -> PlanAction:
    """Any team member records how far an action is (the plan's progress, visible to the team)."""
    action = (
        PlanAction.objects.select_for_update().select_related("goal__plan__case").get(pk=action.pk)
    )
    case = action.goal.plan.case
    _require_open(case)
    if status not in ActionStatus.values:
        raise DomainError(_("Stato sconosciuto."), field="status")
    if not 0 <= int(progress) <= 100:
        raise DomainError(_("L'avanzamento va da 0 a 100."), field="progress")
    action.status = status
    action.progress = 100 if status == ActionStatus.DONE else int(progress)
    if notes is not None:
        action.notes = notes.strip()
    action.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=action,
        person_id=case.person_id,
        changes={"status": status, "progress": action.progress},
    )
    return action


# --- Interventions ------------------------------------------------------------------------


def _clean_amount(value: Any, field: str = "amount") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise DomainError(_("Scrivi un importo in euro, es. 250,00."), field=field) from error
    if amount < 0:
        raise DomainError(_("L'importo non può essere negativo."), field=field)
    if amount > max_amount():
        raise DomainError(
            _("L'importo supera il massimo consentito (%(max)s €).") % {"max": max_amount()},
            field=field,
        )
    return amount


def needs_approval(amount: Decimal | None) -> bool:
    return amount is not None and amount > approval_threshold()


@transaction.atomic
def intervention_request(
    *,
    actor: Any,
    case: Case,
    type: InterventionType,
    provider: Organization,
    start_on: date,
    end_on: date | None = None,
    quantity: Any = None,
    unit: str = "",
    amount: Any = None,
    character: str = "",
    notes: str = "",
) -> Intervention:
    """Phase D: plan an intervention. Above the threshold it waits for a coordinator."""
    _require_manager(actor, case)
    _require_open(case)
    clean_amount = _clean_amount(amount)
    if type.is_economic and clean_amount is None:
        raise DomainError(_("Per una prestazione economica indica l'importo."), field="amount")
    _not_before_opening(case, start_on, "start_on")
    if end_on is not None and end_on < start_on:
        raise DomainError(_("La fine non può precedere l'inizio."), field="end_on")
    character = character or type.default_character
    if character not in Character.values:
        raise DomainError(_("Carattere della prestazione sconosciuto."), field="character")
    if quantity not in (None, ""):
        try:
            quantity = Decimal(str(quantity))
        except InvalidOperation as error:
            raise DomainError(_("Scrivi una quantità numerica."), field="quantity") from error
        if quantity <= 0:
            raise DomainError(_("La quantità deve essere positiva."), field="quantity")
    else:
        quantity = None
    approval = needs_approval(clean_amount)
    intervention = Intervention.objects.create(
        case=case,
        type=type,
        provider=provider,
        start_on=start_on,
        end_on=end_on,
        quantity=quantity,
        unit=unit,
        amount=clean_amount,
        character=character,
        notes=notes.strip(),
        requested_by=actor,
        status=InterventionStatus.REQUESTED if approval else InterventionStatus.APPROVED,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=intervention,
        person_id=case.person_id,
        changes={"code": type.code, "amount": str(clean_amount) if clean_amount else None},
    )
    if approval:
        coordinators = [
            membership.user
            for membership in Membership.objects.active()
            .filter(organization_id=case.organization_id, role="coordinator")
            .exclude(user=actor)
            .select_related("user")
        ]
        notify(
            users=coordinators,
            kind="cases.approval",
            title=_("Prestazione da approvare: %(code)s, %(amount)s €")
            % {"code": type.code, "amount": clean_amount},
            url=reverse("cases:detail", args=[case.pk]),
        )
    else:
        _advance_phase(case, CasePhase.INTERVENTIONS, actor)
    return intervention


@transaction.atomic
def intervention_decide(
    *, actor: Any, intervention: Intervention, approve: bool, notes: str = ""
) -> Intervention:
    """A coordinator of the Comune, other than the requester, approves or refuses."""
    if not can_decide_intervention(actor):
        raise PermissionDeniedError(_("Solo un coordinatore può approvare le prestazioni."))
    if intervention.requested_by_id == actor.pk:
        raise PermissionDeniedError(
            _("Chi ha richiesto la prestazione non può approvarla: serve un secondo coordinatore.")
        )
    if not approve and not notes.strip():
        raise DomainError(_("Scrivi la motivazione del rifiuto."), field="notes")
    status = InterventionStatus.APPROVED if approve else InterventionStatus.REFUSED
    updated = (
        Intervention.objects.filter(pk=intervention.pk, status=InterventionStatus.REQUESTED)
        .exclude(requested_by=actor)
        .update(
            status=status,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_notes=notes.strip(),
            updated_at=timezone.now(),
        )
    )
    if not updated:
        raise ConflictError(_("La prestazione non è più in attesa di approvazione."))
    intervention.refresh_from_db()
    case = intervention.case
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=intervention,
        person_id=case.person_id,
        changes={"status": status},
    )
    if approve:
        _advance_phase(case, CasePhase.INTERVENTIONS, actor)
    notify(
        users=[intervention.requested_by],
        kind="cases.decision",
        title=(
            _("Prestazione approvata: %(code)s") if approve else _("Prestazione respinta: %(code)s")
        )
        % {"code": intervention.type.code},
        url=reverse("cases:detail", args=[case.pk]),
    )
    return intervention


_TRANSITIONS = {
    InterventionStatus.ACTIVE: (InterventionStatus.APPROVED,),
    InterventionStatus.ENDED: (InterventionStatus.APPROVED, InterventionStatus.ACTIVE),
}


@transaction.atomic
def intervention_set_status(
    *, actor: Any, intervention: Intervention, status: str, end_on: date | None = None
) -> Intervention:
    """Start an approved intervention, or end it."""
    _require_manager(actor, intervention.case)
    allowed = _TRANSITIONS.get(InterventionStatus(status)) if status in _TRANSITIONS else None
    if allowed is None:
        raise DomainError(_("Passaggio di stato non previsto."), field="status")
    changes: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status == InterventionStatus.ENDED:
        end_on = end_on or timezone.localdate()
        if end_on < intervention.start_on:
            raise DomainError(_("La fine non può precedere l'inizio."), field="end_on")
        changes["end_on"] = end_on
    updated = Intervention.objects.filter(pk=intervention.pk, status__in=allowed).update(**changes)
    if not updated:
        raise ConflictError(_("La prestazione non è in uno stato che lo permette."))
    intervention.refresh_from_db()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=intervention,
        person_id=intervention.case.person_id,
        changes={"status": status},
    )
    return intervention


@transaction.atomic
def provision_record(
    *,
    actor: Any,
    intervention: Intervention,
    provided_on: date,
    amount: Any,
    reference: str = "",
) -> Provision:
    """A payment or delivery of an approved intervention (what the SIUSS export reads)."""
    _require_manager(actor, intervention.case)
    if intervention.status not in (InterventionStatus.APPROVED, InterventionStatus.ACTIVE):
        raise DomainError(_("Si registrano erogazioni solo per prestazioni approvate o in corso."))
    clean_amount = _clean_amount(amount)
    if clean_amount is None:
        raise DomainError(_("Indica l'importo erogato."), field="amount")
    if provided_on < intervention.start_on:
        raise DomainError(
            _("L'erogazione non può precedere l'inizio della prestazione."), field="provided_on"
        )
    provision = Provision.objects.create(
        intervention=intervention,
        provided_on=provided_on,
        amount=clean_amount,
        reference=reference.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=provision,
        person_id=intervention.case.person_id,
        changes={"amount": str(clean_amount)},
    )
    return provision


# --- Diary, documents, follow-ups ---------------------------------------------------------


@transaction.atomic
def note_add(
    *,
    actor: Any,
    case: Case,
    kind: str,
    text: str,
    reserved: bool = False,
    at: datetime | None = None,
) -> Note:
    """Any member who sees the case writes in its diary."""
    _require_open(case)
    if kind not in NoteKind.values:
        raise DomainError(_("Scegli il tipo di nota."), field="kind")
    if not text.strip():
        raise DomainError(_("Scrivi il testo della nota."), field="text")
    note = Note.objects.create(
        case=case,
        kind=kind,
        text=text.strip(),
        reserved=reserved,
        author=actor,
        at=at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=note,
        person_id=case.person_id,
        changes={"reserved": reserved},
    )
    return note


#: Magic numbers at the start of each accepted format.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", DocumentKind.PDF),
    (b"\xff\xd8\xff", DocumentKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", DocumentKind.PNG),
)


def detect_document_kind(head: bytes) -> str | None:
    """The format from the content (never from the name): PDF, JPEG, PNG, ODT or DOCX."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/vnd.oasis.opendocument.text" in head[:100]:
            return DocumentKind.ODT
        if b"[Content_Types].xml" in head or b"word/" in head:
            return DocumentKind.DOCX
    return None


def private_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "private" / "cases"


@transaction.atomic
def document_upload(*, actor: Any, case: Case, title: str, upload: Any) -> Document:
    """Store a document privately under a random name, after checking its content and size."""
    _require_open(case)
    size = int(upload.size)
    if size > MAX_DOCUMENT_BYTES:
        raise DomainError(_("Il file supera i 10 MB."), field="file")
    if size == 0:
        raise DomainError(_("Il file è vuoto."), field="file")
    upload.seek(0)
    head = upload.read(4096)
    kind = detect_document_kind(head)
    if kind is None:
        raise DomainError(
            _("Formato non accettato: carica un PDF, JPEG, PNG, ODT o DOCX."), field="file"
        )
    upload.seek(0)
    name = f"{secrets.token_hex(20)}.{kind}"
    root = private_root()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with (root / name).open("xb") as target:
        for chunk in upload.chunks():
            digest.update(chunk)
            target.write(chunk)
    document = Document.objects.create(
        case=case,
        title=(title or upload.name or kind).strip()[:200],
        kind=kind,
        original_name=str(upload.name or "")[:200],
        path=name,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=document,
        person_id=case.person_id,
        changes={"kind": kind, "size": size},
    )
    return document


def document_open(*, actor: Any, document: Document) -> Path:
    """The stored file of a document, recording the download in the audit trail."""
    audit_record(
        actor=actor,
        action=Action.VIEW,
        obj=document,
        person_id=document.case.person_id,
        purpose="download",
    )
    return private_root() / document.path


@transaction.atomic
def followup_add(*, actor: Any, case: Case, title: str, due_on: date, assigned_to: Any) -> FollowUp:
    _require_open(case)
    if not title.strip():
        raise DomainError(_("Scrivi cosa fare."), field="title")
    _not_before_opening(case, due_on, "due_on")
    if not case.members.current().filter(user=assigned_to).exists():
        raise DomainError(
            _("La scadenza si assegna a un componente dell'équipe."), field="assigned_to"
        )
    followup = FollowUp.objects.create(
        case=case, title=title.strip(), due_on=due_on, assigned_to=assigned_to, created_by=actor
    )
    audit_record(actor=actor, action=Action.CREATE, obj=followup, person_id=case.person_id)
    return followup


@transaction.atomic
def followup_done(*, actor: Any, followup: FollowUp) -> FollowUp:
    updated = FollowUp.objects.filter(pk=followup.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    )
    followup.refresh_from_db()
    if updated:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=followup,
            person_id=followup.case.person_id,
            changes={"done": True},
        )
    return followup


# --- Review reminders ---------------------------------------------------------------------


def review_reminders_send(*, today: date | None = None) -> int:
    """Notify each responsible of the open cases whose review is due soon, once per date."""
    today = today or timezone.localdate()
    horizon = date.fromordinal(today.toordinal() + settings.SOLIDALE_CASES_REVIEW_REMINDER_DAYS)
    due = (
        Case.objects.open()
        .filter(next_review_on__isnull=False, next_review_on__lte=horizon)
        .filter(Q(review_reminded_on__isnull=True) | ~Q(review_reminded_on=F("next_review_on")))
        .select_related("responsible")
    )
    sent = 0
    for case in due:
        with transaction.atomic():
            claimed = (
                Case.objects.filter(pk=case.pk)
                .filter(
                    Q(review_reminded_on__isnull=True) | ~Q(review_reminded_on=F("next_review_on"))
                )
                .update(review_reminded_on=F("next_review_on"))
            )
            if not claimed:
                continue
            notify(
                users=[case.responsible],
                kind="cases.review",
                title=_("Verifica della cartella n. %(id)s entro il %(d)s")
                % {"id": case.pk, "d": f"{case.next_review_on:%d/%m/%Y}"},
                url=reverse("cases:detail", args=[case.pk]),
            )
            sent += 1
    return sent
