"""Writes of the coordination table: atomic, audited, notifying after commit.

Status changes go through conditional updates (``UPDATE … WHERE status = …``) so two
coordinators closing, or two editors saving the same minutes, never both win.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership, Organization, User
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.referrals.models import Referral

from .models import (
    ACTIVE_ACTION_STATUSES,
    PLEDGE_ORDER,
    Action,
    ActionProgress,
    ActionStatus,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    Need,
    NeedStatus,
    Participant,
    Pledge,
    PledgeStatus,
)
from .permissions import (
    WRITE_ROLES,
    can_convene,
    can_edit_need,
    can_pledge,
    can_publish,
    can_run,
    can_update_action,
    can_update_pledge,
    can_write,
    is_convener,
    organization_id_of,
)
from .validation import reject_personal_data

MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url")
NEED_FIELDS = ("count", "unit", "title", "category", "neighbourhood", "urgency", "description")


def members_of(organization_ids: Iterable[int]) -> list[User]:
    """The active members of these organizations (any role): they take part in the table."""
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(organization_id__in=list(organization_ids))
            .values("user_id"),
        )
    )


def _staff_of(organization_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(organization_id=organization_id, role__in=WRITE_ROLES)
            .values("user_id"),
        )
    )


def meeting_url(meeting: Meeting) -> str:
    return reverse("tavolo:meeting_detail", kwargs={"pk": meeting.pk})


def action_url(action: Action) -> str:
    return reverse("tavolo:action_detail", kwargs={"pk": action.pk})


def need_url(need: Need) -> str:
    return reverse("tavolo:need_detail", kwargs={"pk": need.pk})


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _when(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_convene(
    *, actor: Any, data: dict[str, Any], organizations: Iterable[Organization]
) -> Meeting:
    """Convene a meeting and invite organizations (the convening one takes part too)."""
    _require(can_convene(actor), _("Solo un coordinatore del Comune convoca il tavolo."))
    if not data.get("place") and not data.get("online_url"):
        raise DomainError(_("Indica il luogo o il collegamento online."), field="place")
    ends_at = data.get("ends_at")
    if ends_at and ends_at <= data["starts_at"]:
        raise DomainError(_("La fine deve venire dopo l'inizio."), field="ends_at")
    meeting = Meeting.objects.create(
        **{name: data.get(name) or "" for name in ("title", "place", "online_url")},
        starts_at=data["starts_at"],
        ends_at=ends_at,
        organization_id=actor.membership.organization_id,
        convened_by=actor,
    )
    invited = {actor.membership.organization_id, *(org.pk for org in organizations)}
    Participant.objects.bulk_create(
        Participant(meeting=meeting, organization_id=pk) for pk in sorted(invited)
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        changes={"title": meeting.title, "invited": sorted(invited)},
    )
    notify(
        users=[user for user in members_of(invited) if user.pk != actor.pk],
        kind="tavolo.meeting",
        title=_("Convocazione del tavolo: «%(title)s» il %(when)s")
        % {"title": meeting.title, "when": _when(meeting)},
        body=meeting.place or meeting.online_url,
        url=meeting_url(meeting),
    )
    return meeting


@transaction.atomic
def meeting_invite(*, actor: Any, meeting: Meeting, organization: Organization) -> Participant:
    _require(can_run(actor, meeting), _("Solo chi conduce la seduta invita altre organizzazioni."))
    if Participant.objects.filter(meeting=meeting, organization=organization).exists():
        raise ConflictError(_("Questa organizzazione è già invitata."), field="organization")
    participant = Participant.objects.create(meeting=meeting, organization=organization)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meeting,
        changes={"invited": organization.pk},
    )
    notify(
        users=members_of([organization.pk]),
        kind="tavolo.meeting",
        title=_("Convocazione del tavolo: «%(title)s» il %(when)s")
        % {"title": meeting.title, "when": _when(meeting)},
        body=meeting.place or meeting.online_url,
        url=meeting_url(meeting),
    )
    return participant


@transaction.atomic
def participant_attendance_set(*, actor: Any, participant: Participant, attended: bool) -> None:
    _require(can_run(actor, participant.meeting), _("La seduta non è aperta."))
    Participant.objects.filter(pk=participant.pk).update(attended=attended)
    participant.attended = attended
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=participant.meeting,
        changes={"attended": {str(participant.organization_id): attended}},
    )


@transaction.atomic
def attendee_add(
    *, actor: Any, meeting: Meeting, organization: Organization, full_name: str, role: str = ""
) -> Attendee:
    """Record a person present for one of the invited organizations (which then attended)."""
    _require(can_run(actor, meeting), _("La seduta non è aperta."))
    participant = Participant.objects.filter(meeting=meeting, organization=organization).first()
    if participant is None:
        raise DomainError(_("L'organizzazione non è tra le invitate."), field="organization")
    if not full_name.strip():
        raise DomainError(_("Scrivi il nome di chi è presente."), field="full_name")
    attendee = Attendee.objects.create(
        meeting=meeting, organization=organization, full_name=full_name.strip(), role=role.strip()
    )
    Participant.objects.filter(pk=participant.pk).update(attended=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=attendee)
    return attendee


@transaction.atomic
def agenda_item_add(
    *, actor: Any, meeting: Meeting, title: str, description: str = ""
) -> AgendaItem:
    _require(can_run(actor, meeting), _("L'ordine del giorno si cambia solo a seduta aperta."))
    if not title.strip():
        raise DomainError(_("Scrivi il titolo del punto."), field="title")
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting, position=last + 1, title=title.strip(), description=description.strip()
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item)
    return item


@transaction.atomic
def minutes_save(*, actor: Any, item: AgendaItem, text: str, base_version: int) -> MinutesVersion:
    """Save the minutes of an agenda item as a new version.

    ``base_version`` is the version the editor started from: if somebody saved in the
    meantime the save is refused (nothing is lost, the editor merges and saves again).
    """
    _require(can_run(actor, item.meeting), _("Il verbale si scrive solo a seduta aperta."))
    updated = AgendaItem.objects.filter(pk=item.pk, minutes_version=base_version).update(
        minutes=text, minutes_version=base_version + 1
    )
    if not updated:
        raise ConflictError(
            _(
                "Qualcun altro ha salvato questo punto del verbale nel frattempo: "
                "ricarica la pagina, riprendi il suo testo e salva di nuovo."
            ),
            field="text",
        )
    item.minutes, item.minutes_version = text, base_version + 1
    version = MinutesVersion.objects.create(
        agenda_item=item, number=item.minutes_version, text=text, author=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=item,
        changes={"minutes_version": item.minutes_version},
    )
    return version


@transaction.atomic
def decision_record(*, actor: Any, item: AgendaItem, text: str, vote_note: str = "") -> Decision:
    _require(can_run(actor, item.meeting), _("Le decisioni si registrano a seduta aperta."))
    if not text.strip():
        raise DomainError(_("Scrivi il testo della decisione."), field="text")
    decision = Decision.objects.create(
        agenda_item=item, text=text.strip(), vote_note=vote_note.strip(), recorded_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=decision)
    return decision


@transaction.atomic
def meeting_close(*, actor: Any, meeting: Meeting) -> Meeting:
    _require(is_convener(actor, meeting), _("Solo chi ha convocato la seduta la chiude."))
    closed = Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.SCHEDULED).update(
        status=MeetingStatus.CLOSED, closed_at=timezone.now()
    )
    if not closed:
        raise ConflictError(_("La seduta è già chiusa."))
    meeting.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=meeting, changes={"status": "closed"})
    return meeting


@transaction.atomic
def minutes_publish(*, actor: Any, meeting: Meeting) -> Meeting:
    """Publish the minutes of a closed meeting to every participant."""
    _require(
        can_publish(actor, meeting), _("Solo chi ha convocato la seduta ne pubblica il verbale.")
    )
    published = Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.CLOSED).update(
        status=MeetingStatus.PUBLISHED, published_at=timezone.now()
    )
    if not published:
        raise ConflictError(_("Chiudi la seduta prima di pubblicarne il verbale."))
    meeting.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=meeting, changes={"status": "published"}
    )
    participants = meeting.participants.values_list("organization_id", flat=True)
    notify(
        users=[user for user in members_of(participants) if user.pk != actor.pk],
        kind="tavolo.minutes",
        title=_("Pubblicato il verbale del tavolo «%(title)s» del %(when)s")
        % {"title": meeting.title, "when": _when(meeting)},
        url=reverse("tavolo:minutes", kwargs={"pk": meeting.pk}),
    )
    return meeting


# --- Actions --------------------------------------------------------------------------------


def _notify_action_owner(action: Action, title: str, kind: str) -> None:
    users = [action.owner] if action.owner is not None else _staff_of(action.owner_organization_id)
    notify(
        users=users,
        kind=kind,
        title=title,
        body=action.description[:500],
        url=action_url(action),
    )


@transaction.atomic
def action_assign(
    *,
    actor: Any,
    decision: Decision,
    data: dict[str, Any],
    needs: Iterable[Need] = (),
    referrals: Iterable[Referral] = (),
) -> Action:
    """Assign an action born from a decision to an organization (and one of its members)."""
    meeting = decision.agenda_item.meeting
    _require(is_convener(actor, meeting), _("Solo chi conduce il tavolo assegna le azioni."))
    if not (data.get("title") or "").strip():
        raise DomainError(_("Scrivi che cosa va fatto."), field="title")
    owner_organization = data["owner_organization"]
    if not meeting.participants.filter(organization=owner_organization).exists():
        raise DomainError(
            _("L'azione va assegnata a un'organizzazione che partecipa al tavolo."),
            field="owner_organization",
        )
    owner = data.get("owner")
    if (
        owner is not None
        and not Membership.objects.active()
        .filter(user=owner, organization=owner_organization)
        .exists()
    ):
        raise DomainError(
            _("La persona responsabile deve far parte dell'organizzazione responsabile."),
            field="owner",
        )
    referral_list = list(referrals)
    actor_org = organization_id_of(actor)
    if any(
        actor_org not in (r.sender_organization_id, r.receiver_organization_id)
        for r in referral_list
    ):
        raise DomainError(
            _("Puoi collegare solo invii della tua organizzazione."), field="referrals"
        )
    action = Action.objects.create(
        decision=decision,
        meeting=meeting,
        title=data["title"].strip(),
        description=(data.get("description") or "").strip(),
        owner_organization=owner_organization,
        owner=owner,
        deadline=data["deadline"],
        created_by=actor,
    )
    action.needs.set(list(needs))
    action.referrals.set(referral_list)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=action,
        changes={
            "owner_organization": owner_organization.pk,
            "deadline": action.deadline.isoformat(),
        },
    )
    _notify_action_owner(
        action,
        _("Nuova azione assegnata dal tavolo: «%(title)s», entro il %(deadline)s")
        % {
            "title": action.title,
            "deadline": formats.date_format(action.deadline, "SHORT_DATE_FORMAT"),
        },
        "tavolo.action",
    )
    return action


@transaction.atomic
def action_progress_record(
    *, actor: Any, action: Action, status: str, note: str = ""
) -> ActionProgress:
    """Record progress on an active action, moving it to ``status``."""
    _require(can_update_action(actor, action), _("Non puoi aggiornare questa azione."))
    if status not in ActionStatus.values:
        raise DomainError(_("Scegli uno stato valido."), field="status")
    if status == action.status and not note.strip():
        raise DomainError(_("Scrivi una nota o cambia lo stato."), field="note")
    moved = Action.objects.filter(pk=action.pk, status__in=ACTIVE_ACTION_STATUSES).update(
        status=status, updated_at=timezone.now()
    )
    if not moved:
        raise ConflictError(_("L'azione è già conclusa o annullata."))
    previous, action.status = action.status, status
    progress = ActionProgress.objects.create(
        action=action,
        note=note.strip(),
        status=status,
        author=actor,
        organization_id=actor.membership.organization_id,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=action,
        changes={"status": [previous, status]},
    )
    return progress


def actions_overdue_notify(*, today: date | None = None) -> int:
    """Tell each owner, once, about each active action past its deadline."""
    today = today or timezone.localdate()
    count = 0
    overdue = Action.objects.overdue(today).filter(overdue_notified_at__isnull=True)
    for action in overdue.select_related("owner", "meeting"):
        with transaction.atomic():
            claimed = Action.objects.filter(pk=action.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=timezone.now()
            )
            if not claimed:
                continue
            _notify_action_owner(
                action,
                _("Azione del tavolo in ritardo: «%(title)s» scadeva il %(deadline)s")
                % {
                    "title": action.title,
                    "deadline": formats.date_format(action.deadline, "SHORT_DATE_FORMAT"),
                },
                "tavolo.action_overdue",
            )
            count += 1
    return count


@task()
def actions_overdue_task() -> int:
    """The task worker's entry point, enqueued daily at 7:00 by ``solidale scheduler``."""
    return actions_overdue_notify()


# --- Needs board ----------------------------------------------------------------------------


def _need_checked(data: dict[str, Any]) -> dict[str, Any]:
    for field in ("title", "unit", "description"):
        reject_personal_data(str(data.get(field) or ""), field=field)
    if not data.get("count") or int(data["count"]) < 1:
        raise DomainError(_("Indica quanti (almeno 1)."), field="count")
    if not (data.get("title") or "").strip():
        raise DomainError(_("Descrivi il bisogno in poche parole."), field="title")
    if not (data.get("unit") or "").strip():
        raise DomainError(_("Indica l'unità: famiglie, persone, pasti…"), field="unit")
    return {name: data[name] for name in NEED_FIELDS if name in data}


@transaction.atomic
def need_report(*, actor: Any, data: dict[str, Any]) -> Need:
    """Report a need in aggregate form; personal data in the text is refused."""
    _require(can_write(actor), _("Il tuo ruolo non permette di segnalare bisogni."))
    cleaned = _need_checked(data)
    need = Need.objects.create(
        **cleaned, organization_id=actor.membership.organization_id, reported_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=need, changes={"title": need.title})
    return need


@transaction.atomic
def need_update(*, actor: Any, need: Need, data: dict[str, Any]) -> Need:
    _require(
        can_edit_need(actor, need),
        _("Solo l'organizzazione che l'ha segnalato modifica il bisogno."),
    )
    cleaned = _need_checked({**{name: getattr(need, name) for name in NEED_FIELDS}, **data})
    changes = {name: str(value) for name, value in cleaned.items() if getattr(need, name) != value}
    for name, value in cleaned.items():
        setattr(need, name, value)
    need.save()
    _need_refresh_status(need)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=need, changes=changes)
    return need


@transaction.atomic
def need_close(*, actor: Any, need: Need) -> Need:
    _require(
        can_edit_need(actor, need), _("Solo l'organizzazione che l'ha segnalato chiude il bisogno.")
    )
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.CLOSED, updated_at=timezone.now())
    need.status = NeedStatus.CLOSED
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=need, changes={"status": "closed"})
    return need


def _need_refresh_status(need: Need) -> None:
    """The need's status follows the quantity delivered (a closed need stays closed)."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    delivered = (
        locked.pledges.filter(status=PledgeStatus.DELIVERED).aggregate(total=Sum("quantity"))[
            "total"
        ]
        or 0
    )
    status = locked.status
    if status != NeedStatus.CLOSED:
        if delivered >= locked.count:
            status = NeedStatus.MET
        elif delivered:
            status = NeedStatus.PARTIALLY_MET
        else:
            status = NeedStatus.OPEN
    Need.objects.filter(pk=need.pk).update(status=status, delivered=delivered)
    need.status, need.delivered = status, delivered


@transaction.atomic
def pledge_make(*, actor: Any, need: Need, data: dict[str, Any]) -> Pledge:
    """Another organization pledges to answer a need; the reporter is told."""
    _require(
        can_pledge(actor, need),
        _("Puoi offrire un impegno solo sui bisogni aperti di altre organizzazioni."),
    )
    reject_personal_data(str(data.get("what") or ""), field="what")
    if not (data.get("what") or "").strip():
        raise DomainError(_("Scrivi che cosa offri."), field="what")
    if not data.get("quantity") or int(data["quantity"]) < 1:
        raise DomainError(_("Indica quanto offri (almeno 1)."), field="quantity")
    by_date = data.get("by_date")
    if by_date and by_date < timezone.localdate():
        raise DomainError(_("La data è già passata."), field="by_date")
    pledge = Pledge.objects.create(
        need=need,
        organization_id=actor.membership.organization_id,
        pledged_by=actor,
        what=data["what"].strip(),
        quantity=int(data["quantity"]),
        by_date=by_date,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=pledge)
    notify(
        users=[need.reported_by] if need.reported_by.pk != actor.pk else [],
        kind="tavolo.pledge",
        title=_("%(org)s offre «%(what)s» per il bisogno «%(need)s»")
        % {"org": actor.membership.organization, "what": pledge.what, "need": need},
        url=need_url(need),
    )
    return pledge


@transaction.atomic
def pledge_status_set(*, actor: Any, pledge: Pledge, status: str) -> Pledge:
    """Move a pledge forward (offered → confirmed → delivered); the need follows."""
    _require(can_update_pledge(actor, pledge), _("Non puoi aggiornare questo impegno."))
    if status not in PledgeStatus.values:
        raise DomainError(_("Scegli uno stato valido."), field="status")
    if PLEDGE_ORDER.index(PledgeStatus(status)) <= PLEDGE_ORDER.index(PledgeStatus(pledge.status)):
        raise DomainError(
            _("Un impegno va solo avanti: offerto, confermato, consegnato."), field="status"
        )
    moved = Pledge.objects.filter(pk=pledge.pk, status=pledge.status).update(
        status=status, updated_at=timezone.now()
    )
    if not moved:
        raise ConflictError(_("L'impegno è stato aggiornato nel frattempo: ricarica la pagina."))
    previous, pledge.status = pledge.status, status
    _need_refresh_status(pledge.need)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=pledge, changes={"status": [previous, status]}
    )
    return pledge
