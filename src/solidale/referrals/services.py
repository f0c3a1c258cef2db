"""Writes on referrals. Each runs in one transaction, writes the audit trail and notifies
both sides (in-app now, e-mail after commit).

The status moves only by a conditional ``UPDATE … WHERE status IN (…)``: when two
operators accept or decline the same referral at once, exactly one update matches and
the other gets "già gestito da …". This holds on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership, Organization, User
from solidale.cases.models import Case, NoteKind
from solidale.cases.permissions import cases_visible_to
from solidale.cases.services import note_add
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.desk.models import Access, OnlineRequest
from solidale.network.models import NeedCategory, Service, ServiceStatus
from solidale.people.models import Consent, LinkReason, Person, PersonLink
from solidale.people.services import person_link_close, person_link_open

from .models import (
    OWNED_BY_RECEIVER,
    SHAREABLE_FIELDSETS,
    DeclineReason,
    Outcome,
    Referral,
    ReferralComment,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)
from .permissions import REFERRAL_ROLES, can_override_consent, is_receiver, is_sender

NOTIFICATION_KIND = "referral"


def accept_hours(urgency: str) -> int:
    """The target, in hours, to accept or decline a referral of this urgency."""
    return int(getattr(settings, f"SOLIDALE_REFERRALS_ACCEPT_HOURS_{urgency.upper()}"))


def _organization_of(actor: Any) -> Organization:
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role not in REFERRAL_ROLES:
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire gli invii."))
    return membership.organization


def _staff_of(organization_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(organization_id=organization_id, role__in=REFERRAL_ROLES)
            .values("user_id"),
        )
    )


def _url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def _notify(referral: Referral, users: Iterable[Any], title: str, body: str = "") -> None:
    notify(users=users, kind=NOTIFICATION_KIND, title=title, body=body, url=_url(referral))


def _sender_side(referral: Referral) -> list[Any]:
    return [referral.sent_by]


def _receiver_side(referral: Referral) -> list[Any]:
    if referral.handled_by_id is not None and referral.status in OWNED_BY_RECEIVER:
        return [referral.handled_by]
    return _staff_of(referral.receiver_organization_id)


def _event(
    referral: Referral,
    *,
    actor: Any,
    organization: Organization,
    note: str = "",
    at: datetime | None = None,
) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        status=referral.status,
        actor=actor,
        organization=organization,
        note=note,
        at=at or timezone.now(),
    )


def _source_person(
    actor: Any, organization: Organization, source: Case | Access | OnlineRequest
) -> Person | None:
    """The person the source is about, once the source is checked to be the actor's."""
    if isinstance(source, Case):
        if not cases_visible_to(actor).filter(pk=source.pk).exists():
            raise PermissionDeniedError(_("Non puoi inviare da questa cartella sociale."))
        if not source.is_open:
            raise DomainError(_("La cartella sociale è chiusa."), field="case")
        return source.person
    if source.organization_id != organization.pk:
        raise PermissionDeniedError(_("Puoi inviare solo dagli accessi della tua organizzazione."))
    return source.person


def _sharing_basis(
    *, actor: Any, person: Person, legal_basis: str, override_reason: str
) -> dict[str, Any]:
    """Consent to network sharing, else a legal basis, else a coordinator's stated override."""
    consent = (
        Consent.objects.filter(
            person=person,
            purpose=Consent.Purpose.NETWORK_SHARING,
            withdrawn_at__isnull=True,
        )
        .order_by("-given_at")
        .first()
    )
    if consent is not None:
        return {"consent": consent}
    if legal_basis:
        if (
            legal_basis not in Consent.LegalBasis.values
            or legal_basis == Consent.LegalBasis.CONSENT
        ):
            raise DomainError(
                _("Scegli una base giuridica diversa dal consenso, che non è registrato."),
                field="legal_basis",
            )
        return {"legal_basis": legal_basis}
    if override_reason.strip():
        if not can_override_consent(actor):
            raise PermissionDeniedError(
                _("Solo un coordinatore del Comune può inviare senza consenso."),
                field="override_reason",
            )
        return {"consent_override_reason": override_reason.strip(), "consent_overridden_by": actor}
    raise DomainError(
        _(
            "Manca il consenso della persona alla condivisione con la rete: registralo "
            "sulla scheda della persona o indica la base giuridica dell'invio."
        ),
        field="legal_basis",
    )


@transaction.atomic
def referral_send(
    *,
    actor: Any,
    source: Case | Access | OnlineRequest,
    service: Service,
    reason: str,
    urgency: str = Urgency.NORMAL,
    need: NeedCategory | None = None,
    shared_fieldsets: Iterable[str] = SHAREABLE_FIELDSETS,
    summary: str = "",
    show_identity_before_acceptance: bool = False,
    legal_basis: str = "",
    override_reason: str = "",
    now: datetime | None = None,
) -> Referral:
    """Send the person of a case, access or online request to another organization's service."""
    organization = _organization_of(actor)
    person = _source_person(actor, organization, source)
    if person is None:
        raise DomainError(_("Collega prima una persona a questo accesso o richiesta."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDeniedError(_("La tua organizzazione non vede questa persona."))
    service = Service.objects.select_related("organization").get(pk=service.pk)
    if service.status != ServiceStatus.ACTIVE or not service.organization.is_active:
        raise DomainError(
            _("Il servizio «%(service)s» non è attivo (%(status)s): scegline un altro.")
            % {"service": service.name, "status": service.get_status_display()},
            field="service",
        )
    if service.organization_id == organization.pk:
        raise DomainError(
            _("Il servizio è della tua organizzazione: un invio va a un'altra organizzazione."),
            field="service",
        )
    if not reason.strip():
        raise DomainError(_("Scrivi il motivo dell'invio."), field="reason")
    if urgency not in Urgency.values:
        raise DomainError(_("Scegli l'urgenza."), field="urgency")
    shared = sorted(set(shared_fieldsets))
    if not set(shared) <= set(SHAREABLE_FIELDSETS):
        raise DomainError(
            _("Con un invio si possono condividere solo identità e contatti."),
            field="shared_fieldsets",
        )
    basis = _sharing_basis(
        actor=actor, person=person, legal_basis=legal_basis, override_reason=override_reason
    )
    sent_at = now or timezone.now()
    referral = Referral(
        person=person,
        service=service,
        need=need,
        sender_organization=organization,
        receiver_organization=service.organization,
        sent_by=actor,
        reason=reason.strip(),
        urgency=urgency,
        shared_fieldsets=shared,
        summary=summary.strip(),
        show_identity_before_acceptance=show_identity_before_acceptance,
        sent_at=sent_at,
        accept_due_at=sent_at + timedelta(hours=accept_hours(urgency)),
        **basis,
        **{_source_field(source): source},
    )
    referral.full_clean()
    referral.save()
    _event(referral, actor=actor, organization=organization, note=referral.reason, at=sent_at)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=referral,
        person_id=person.pk,
        changes={
            "service": service.pk,
            "receiver": service.organization_id,
            "urgency": urgency,
            "shared_fieldsets": shared,
            "show_identity_before_acceptance": show_identity_before_acceptance,
            "basis": "consent"
            if "consent" in basis
            else ("legal_basis" if legal_basis else "override"),
        },
        purpose=basis.get("consent_override_reason", ""),
    )
    _notify(
        referral,
        _staff_of(service.organization_id),
        _("Nuovo invio da %(org)s per «%(service)s»")
        % {"org": organization, "service": service.name},
        _("Urgenza: %(urgency)s. Da accettare o rifiutare entro %(hours)s ore.")
        % {"urgency": referral.get_urgency_display(), "hours": accept_hours(urgency)},
    )
    return referral


def _source_field(source: Case | Access | OnlineRequest) -> str:
    if isinstance(source, Case):
        return "case"
    if isinstance(source, Access):
        return "access"
    return "online_request"


def _require_receiver(actor: Any, referral: Referral) -> Organization:
    organization = _organization_of(actor)
    if not is_receiver(actor, referral):
        raise PermissionDeniedError(_("Solo l'organizzazione che riceve l'invio può farlo."))
    return organization


def _lost_race(referral: Referral) -> ConflictError:
    """The message for the operator whose conditional update matched nothing."""
    current = Referral.objects.select_related("handled_by").get(pk=referral.pk)
    if current.status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED) or current.handled_by:
        return ConflictError(
            _("Invio già gestito da %(who)s (%(status)s).")
            % {"who": current.handled_by, "status": current.get_status_display()}
        )
    return ConflictError(
        _("L'invio è ora «%(status)s»: l'azione non è più possibile.")
        % {"status": current.get_status_display()}
    )


def _move(
    referral: Referral, *, allowed: Iterable[str], to: str, values: dict[str, Any]
) -> Referral:
    """Move the status with one conditional UPDATE; a lost race raises ``ConflictError``."""
    updated = Referral.objects.filter(pk=referral.pk, status__in=list(allowed)).update(
        status=to, **values
    )
    if updated != 1:
        raise _lost_race(referral)
    return Referral.objects.select_related(
        "person", "service", "sender_organization", "receiver_organization", "sent_by", "handled_by"
    ).get(pk=referral.pk)


@transaction.atomic
def referral_accept(
    *, actor: Any, referral: Referral, note: str = "", at: datetime | None = None
) -> Referral:
    """The receiving organization takes the referral: it owns it from now on.

    ``at`` back-dates a step (demo data, imports); pages and API leave it out.
    """
    organization = _require_receiver(actor, referral)
    now = at or timezone.now()
    referral = _move(
        referral,
        allowed=[ReferralStatus.SENT],
        to=ReferralStatus.ACCEPTED,
        values={"handled_at": now, "handled_by": actor},
    )
    link = person_link_open(
        actor=actor,
        person=referral.person,
        organization=organization,
        reason=LinkReason.REFERRAL,
        source=f"referrals.referral:{referral.pk}",
        fieldsets=referral.shared_fieldsets,
    )
    Referral.objects.filter(pk=referral.pk).update(person_link=link)
    referral.person_link = link
    _event(referral, actor=actor, organization=organization, note=note.strip(), at=now)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=referral,
        person_id=referral.person_id,
        changes={"status": [ReferralStatus.SENT, ReferralStatus.ACCEPTED]},
    )
    _notify(
        referral,
        _sender_side(referral),
        _("%(org)s ha accettato l'invio n. %(id)s") % {"org": organization, "id": referral.pk},
    )
    return referral


@transaction.atomic
def referral_decline(
    *, actor: Any, referral: Referral, reason: str, note: str = "", at: datetime | None = None
) -> Referral:
    organization = _require_receiver(actor, referral)
    if reason not in DeclineReason.values:
        raise DomainError(_("Scegli il motivo del rifiuto."), field="reason")
    if reason == DeclineReason.OTHER and not note.strip():
        raise DomainError(_("Spiega il motivo del rifiuto."), field="note")
    now = at or timezone.now()
    referral = _move(
        referral,
        allowed=[ReferralStatus.SENT],
        to=ReferralStatus.DECLINED,
        values={
            "handled_at": now,
            "handled_by": actor,
            "closed_at": now,
            "decline_reason": reason,
            "decline_note": note.strip(),
        },
    )
    _event(
        referral,
        actor=actor,
        organization=organization,
        note=f"{referral.get_decline_reason_display()}. {note.strip()}".strip(),
        at=now,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=referral,
        person_id=referral.person_id,
        changes={"status": [ReferralStatus.SENT, ReferralStatus.DECLINED], "reason": reason},
    )
    _notify(
        referral,
        _sender_side(referral),
        _("%(org)s ha rifiutato l'invio n. %(id)s") % {"org": organization, "id": referral.pk},
        referral.get_decline_reason_display(),
    )
    return referral


@transaction.atomic
def referral_start(
    *, actor: Any, referral: Referral, note: str = "", at: datetime | None = None
) -> Referral:
    organization = _require_receiver(actor, referral)
    now = at or timezone.now()
    referral = _move(
        referral,
        allowed=[ReferralStatus.ACCEPTED],
        to=ReferralStatus.IN_PROGRESS,
        values={"started_at": now},
    )
    _event(referral, actor=actor, organization=organization, note=note.strip(), at=now)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=referral,
        person_id=referral.person_id,
        changes={"status": [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]},
    )
    _notify(
        referral,
        _sender_side(referral),
        _("%(org)s ha iniziato a seguire l'invio n. %(id)s")
        % {"org": organization, "id": referral.pk},
    )
    return referral


def _close_link(actor: Any, referral: Referral) -> None:
    links = PersonLink.objects.open().filter(
        organization_id=referral.receiver_organization_id,
        reason=LinkReason.REFERRAL,
        source=f"referrals.referral:{referral.pk}",
    )
    for link in links:
        person_link_close(actor=actor, link=link)


def _write_back(actor: Any, referral: Referral, *, at: datetime) -> None:
    """The outcome goes back to the sender's case diary (through the cases services).

    Accesses and online requests have no service to record it: there the outcome stays
    on the referral, and the person's timeline shows it (``timeline.py``).
    """
    if referral.case_id is None:
        return
    text = _("Esito dell'invio n. %(id)s a «%(service)s» (%(org)s): %(outcome)s.") % {
        "id": referral.pk,
        "service": referral.service.name,
        "org": referral.receiver_organization,
        "outcome": referral.get_outcome_display(),
    }
    if referral.outcome_note:
        text = f"{text}\n{referral.outcome_note}"
    case = Case.objects.get(pk=referral.case_id)
    note_add(actor=actor, case=case, kind=NoteKind.OTHER, text=text, at=at)


@transaction.atomic
def referral_complete(
    *,
    actor: Any,
    referral: Referral,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
) -> Referral:
    """Close the loop: the outcome goes back to the sender; the person's record closes."""
    organization = _require_receiver(actor, referral)
    if outcome not in Outcome.values:
        raise DomainError(_("Scegli l'esito."), field="outcome")
    if outcome == Outcome.OTHER and not note.strip():
        raise DomainError(_("Descrivi l'esito."), field="note")
    now = at or timezone.now()
    referral = _move(
        referral,
        allowed=list(OWNED_BY_RECEIVER),
        to=ReferralStatus.COMPLETED,
        values={"closed_at": now, "outcome": outcome, "outcome_note": note.strip()},
    )
    _close_link(actor, referral)
    _write_back(actor, referral, at=now)
    _event(
        referral,
        actor=actor,
        organization=organization,
        note=f"{referral.get_outcome_display()}. {note.strip()}".strip(),
        at=now,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=referral,
        person_id=referral.person_id,
        changes={"status": [None, ReferralStatus.COMPLETED], "outcome": outcome},
    )
    _notify(
        referral,
        _sender_side(referral),
        _("Invio n. %(id)s concluso da %(org)s: %(outcome)s")
        % {"id": referral.pk, "org": organization, "outcome": referral.get_outcome_display()},
        note.strip(),
    )
    return referral


@transaction.atomic
def referral_cancel(
    *, actor: Any, referral: Referral, reason: str, at: datetime | None = None
) -> Referral:
    """The sender withdraws the referral, at any point before it is closed."""
    organization = _organization_of(actor)
    if not is_sender(actor, referral):
        raise PermissionDeniedError(_("Solo l'organizzazione che ha inviato può ritirare l'invio."))
    if not reason.strip():
        raise DomainError(_("Scrivi perché ritiri l'invio."), field="reason")
    receiver_side = _receiver_side(referral)
    now = at or timezone.now()
    referral = _move(
        referral,
        allowed=[ReferralStatus.SENT, *OWNED_BY_RECEIVER],
        to=ReferralStatus.CANCELLED,
        values={"closed_at": now, "cancel_reason": reason.strip()},
    )
    _close_link(actor, referral)
    _event(referral, actor=actor, organization=organization, note=reason.strip(), at=now)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=referral,
        person_id=referral.person_id,
        changes={"status": [None, ReferralStatus.CANCELLED]},
    )
    _notify(
        referral,
        receiver_side,
        _("%(org)s ha ritirato l'invio n. %(id)s") % {"org": organization, "id": referral.pk},
        reason.strip(),
    )
    return referral


@transaction.atomic
def referral_comment_add(
    *, actor: Any, referral: Referral, body: str, at: datetime | None = None
) -> ReferralComment:
    """A message on the thread, from either side, while the referral is open."""
    organization = _organization_of(actor)
    sender = is_sender(actor, referral)
    if not sender and not is_receiver(actor, referral):
        raise PermissionDeniedError(_("Non partecipi a questo invio."))
    if not body.strip():
        raise DomainError(_("Scrivi il messaggio."), field="body")
    current = Referral.objects.select_related("sent_by").get(pk=referral.pk)
    if current.is_closed:
        raise ConflictError(_("L'invio è chiuso: non si possono aggiungere messaggi."))
    comment = ReferralComment.objects.create(
        referral=current,
        author=actor,
        organization=organization,
        body=body.strip(),
        created_at=at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=comment,
        person_id=current.person_id,
        changes={"referral": current.pk},
    )
    other_side = _receiver_side(current) if sender else _sender_side(current)
    _notify(
        current,
        [user for user in other_side if user.pk != actor.pk],
        _("Nuovo messaggio sull'invio n. %(id)s da %(org)s")
        % {"id": current.pk, "org": organization},
        body.strip()[:500],
    )
    return comment


def referrals_overdue_notify(*, now: datetime | None = None) -> int:
    """Tell both sides, once, about each referral not accepted within its target time."""
    now = now or timezone.now()
    count = 0
    overdue = Referral.objects.overdue(now).filter(overdue_notified_at__isnull=True)
    for referral in overdue.select_related("service", "sent_by", "receiver_organization"):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=referral.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue
            title = _("Invio n. %(id)s per «%(service)s» in ritardo: non ancora accettato") % {
                "id": referral.pk,
                "service": referral.service.name,
            }
            _notify(
                referral, [*_staff_of(referral.receiver_organization_id), referral.sent_by], title
            )
            count += 1
    return count


@task()
def referrals_overdue_task() -> int:
    """The task worker's entry point; ``solidale referrals_overdue`` runs the same from cron."""
    return referrals_overdue_notify()
