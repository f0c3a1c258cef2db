"""Writes of the Segretariato Sociale: accesses, online requests, triage assignment.

Every write is atomic and audited; a refusal is a ``DomainError`` with a message an
operator can act on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Membership, Organization, Role
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.network.models import NeedCategory
from solidale.people.models import LinkReason, Person, PersonLink
from solidale.people.services import person_create, person_link_open

from .models import Access, AccessNeed, Channel, Office, OnlineRequest, Outcome, Urgency
from .permissions import COORDINATOR_ROLES, DESK_ROLES, TRIAGE_ROLES, can_triage_requests

#: The version of the privacy text shown on the public request page (recorded with the consent).
CONSENT_TEXT_VERSION = "richiesta-online-2026-11"
#: Tracking codes: "SOL-" and 10 symbols of Crockford's base32 (50 bits from ``secrets``).
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "SOL-"
TRACKING_LENGTH = 10
#: Clock skew tolerated on an access's date and time before it counts as "in the future".
FUTURE_TOLERANCE = timedelta(minutes=5)

ACCESS_FIELDS = (
    "occurred_at",
    "channel",
    "office",
    "unidentified_description",
    "referred_by",
    "request",
    "information_given",
    "outcome",
    "follow_up_on",
    "privacy_notice_given",
)


@dataclass(frozen=True)
class NeedInput:
    """A need expressed at an access: the code of a ``NeedCategory`` and its urgency."""

    code: str
    urgency: str = Urgency.MEDIUM


def _desk_organization(actor: Any) -> Organization:
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role not in DESK_ROLES:
        raise PermissionDeniedError(_("Il tuo ruolo non permette di registrare accessi."))
    return membership.organization


def _resolve_needs(needs: list[NeedInput]) -> list[tuple[NeedCategory, str]]:
    if not needs:
        raise DomainError(_("Indica almeno un bisogno espresso."), field="needs")
    codes = [need.code for need in needs]
    if len(set(codes)) != len(codes):
        raise DomainError(_("Lo stesso bisogno è indicato due volte."), field="needs")
    categories = {c.code: c for c in NeedCategory.objects.filter(code__in=codes, is_active=True)}
    resolved = []
    for need in needs:
        category = categories.get(need.code)
        if category is None:
            raise DomainError(
                _("Bisogno sconosciuto: %(code)s.") % {"code": need.code}, field="needs"
            )
        if need.urgency not in Urgency.values:
            raise DomainError(
                _("Urgenza non valida per «%(need)s».") % {"need": category.name}, field="needs"
            )
        resolved.append((category, need.urgency))
    return resolved


def _validate_access(access: Access, organization: Organization) -> None:
    if access.channel not in Channel.values:
        raise DomainError(_("Scegli un canale valido."), field="channel")
    if access.outcome not in Outcome.values:
        raise DomainError(_("Scegli un esito valido."), field="outcome")
    if access.occurred_at is None:
        raise DomainError(_("Indica data e ora dell'accesso."), field="occurred_at")
    if access.occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError(_("La data dell'accesso non può essere nel futuro."), field="occurred_at")
    if access.follow_up_on is not None and access.follow_up_on < timezone.localdate():
        raise DomainError(
            _("La data di ricontatto non può essere nel passato."), field="follow_up_on"
        )
    if access.office_id is not None:
        office = Office.objects.filter(pk=access.office_id).first()
        if office is None or office.organization_id != organization.pk or not office.is_active:
            raise DomainError(_("Scegli uno sportello della tua organizzazione."), field="office")
    access.unidentified_description = (access.unidentified_description or "").strip()
    if access.person_id is None and not access.unidentified_description:
        raise DomainError(
            _("Scegli la persona, registrala o descrivi chi si è presentato."), field="person"
        )


def _apply(access: Access, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name not in ACCESS_FIELDS:
            raise DomainError(
                _("Campo sconosciuto: %(name)s.") % {"name": name}, field=name, code="unknown_field"
            )
        if name in ("request", "information_given", "referred_by", "unidentified_description"):
            value = value or ""
        setattr(access, name, value)


def _replace_needs(access: Access, needs: list[tuple[NeedCategory, str]]) -> None:
    access.access_needs.all().delete()
    AccessNeed.objects.bulk_create(
        AccessNeed(access=access, need=category, urgency=urgency) for category, urgency in needs
    )


def _ensure_link(actor: Any, access: Access, organization: Organization) -> None:
    """The recording organization registers the person, if it saw them only for another reason."""
    if access.person is None:
        return
    has_link = PersonLink.objects.open().filter(
        person=access.person, organization=organization, reason=LinkReason.REGISTERED
    )
    if not has_link.exists():
        person_link_open(
            actor=actor,
            person=access.person,
            organization=organization,
            reason=LinkReason.REGISTERED,
            source=f"desk.access:{access.pk}",
        )


@transaction.atomic
def office_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    address: str = "",
    neighbourhood: Any = None,
) -> Office:
    """Open a door of the network (the Comune's coordinator, or the organization's admin)."""
    membership = getattr(actor, "membership", None)
    allowed = membership is not None and (
        (membership.role in COORDINATOR_ROLES and membership.organization_id == organization.pk)
        or (membership.role == Role.COORDINATOR and membership.organization.is_comune)
    )
    if not allowed:
        raise PermissionDeniedError(_("Il tuo ruolo non permette di aprire sportelli."))
    name = name.strip()
    if not name:
        raise DomainError(_("Indica il nome dello sportello."), field="name")
    if Office.objects.filter(organization=organization, name=name).exists():
        raise ConflictError(_("Esiste già uno sportello con questo nome."), field="name")
    office = Office.objects.create(
        organization=organization, name=name, address=address, neighbourhood=neighbourhood
    )
    audit_record(actor=actor, action=Action.CREATE, obj=office, changes={"name": name})
    return office


@transaction.atomic
def access_record(
    *,
    actor: Any,
    data: dict[str, Any],
    needs: list[NeedInput],
    person: Person | None = None,
    new_person: dict[str, Any] | None = None,
    confirm_similar: bool = False,
) -> Access:
    """Record an access for a known person, a person registered now, or an unidentified one."""
    organization = _desk_organization(actor)
    if person is not None and new_person:
        raise DomainError(_("Scegli una persona oppure registrane una nuova, non entrambe."))
    if person is not None and (
        person.merged_into_id is not None
        or not Person.objects.visible_to(actor).filter(pk=person.pk).exists()
    ):
        raise DomainError(_("Persona non trovata."), field="person")
    access = Access(organization=organization, operator=actor, person=person)
    _apply(access, data)
    resolved = _resolve_needs(needs)
    if new_person:
        access.person = person_create(actor=actor, data=new_person, confirm_similar=confirm_similar)
    _validate_access(access, organization)
    access.save()
    _replace_needs(access, resolved)
    _ensure_link(actor, access, organization)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=access,
        person_id=access.person_id,
        changes={"fields": sorted(data), "needs": sorted(c.code for c, _u in resolved)},
    )
    return access


def _lock_in_scope(actor: Any, access: Access) -> tuple[Access, Organization]:
    organization = _desk_organization(actor)
    locked = Access.objects.select_for_update().filter(pk=access.pk).first()
    if locked is None or locked.organization_id != organization.pk:
        raise DomainError(_("Accesso non trovato."))
    return locked, organization


@transaction.atomic
def access_update(
    *, actor: Any, access: Access, data: dict[str, Any], needs: list[NeedInput] | None = None
) -> Access:
    access, organization = _lock_in_scope(actor, access)
    before = {name: getattr(access, name) for name in ACCESS_FIELDS}
    follow_up_before = access.follow_up_on
    _apply(access, data)
    if access.follow_up_on == follow_up_before and follow_up_before is not None:
        # An unchanged follow-up date may lie in the past by now; only a new one is checked.
        kept, access.follow_up_on = access.follow_up_on, None
        _validate_access(access, organization)
        access.follow_up_on = kept
    else:
        _validate_access(access, organization)
    if access.follow_up_on != follow_up_before:
        access.follow_up_done_at = None
    access.save()
    changed = sorted(name for name in ACCESS_FIELDS if getattr(access, name) != before[name])
    if needs is not None:
        resolved = _resolve_needs(needs)
        current = sorted(access.access_needs.values_list("need__code", "urgency"))
        if sorted((c.code, u) for c, u in resolved) != current:
            _replace_needs(access, resolved)
            changed.append("needs")
    if changed:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=access,
            person_id=access.person_id,
            changes={"fields": changed},
        )
    return access


@transaction.atomic
def access_follow_up_done(*, actor: Any, access: Access, outcome: str = "") -> Access:
    """Mark the follow-up as done (and, if given, set the outcome of a pending access)."""
    access, _organization = _lock_in_scope(actor, access)
    if outcome and outcome not in Outcome.values:
        raise DomainError(_("Scegli un esito valido."), field="outcome")
    if access.follow_up_on is None and access.outcome != Outcome.PENDING:
        raise DomainError(_("Questo accesso non ha un ricontatto da fare."))
    access.follow_up_done_at = timezone.now()
    if outcome:
        access.outcome = outcome
    access.save(update_fields=["follow_up_done_at", "outcome", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=access,
        person_id=access.person_id,
        changes={"fields": ["follow_up_done_at"] + (["outcome"] if outcome else [])},
    )
    return access


# --- Online requests -------------------------------------------------------------------


def normalize_tracking_code(raw: str) -> str:
    """Upper-case, no spaces, Crockford's look-alikes mapped (O→0, I/L→1)."""
    text = "".join(raw.split()).upper()
    body = text.removeprefix(TRACKING_PREFIX.rstrip("-")).lstrip("-")
    body = body.translate(str.maketrans("OIL", "011"))
    return TRACKING_PREFIX + body


def new_tracking_code() -> str:
    return TRACKING_PREFIX + "".join(
        secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH)
    )


def _comune() -> Organization | None:
    return Organization.objects.filter(kind=Organization.Kind.COMUNE).order_by("pk").first()


@transaction.atomic
def online_request_submit(*, data: dict[str, Any], citizen: Any = None) -> OnlineRequest:
    """A citizen's request for help (for themselves or for someone in difficulty)."""
    if not data.get("consent"):
        raise DomainError(
            _("Per inviare la richiesta serve il consenso al trattamento dei dati."),
            field="consent",
        )
    category = NeedCategory.objects.filter(code=data.get("category") or "", is_active=True).first()
    if category is None:
        raise DomainError(_("Scegli l'area della richiesta."), field="category")
    text = (data.get("text") or "").strip()
    if len(text) < 10:
        raise DomainError(_("Descrivi la situazione in almeno qualche parola."), field="text")
    subject = data.get("subject") or OnlineRequest.Subject.SELF
    if subject not in OnlineRequest.Subject.values:
        raise DomainError(_("Indica per chi è la richiesta."), field="subject")
    preference = data.get("contact_preference") or OnlineRequest.ContactPreference.NONE
    if preference not in OnlineRequest.ContactPreference.values:
        raise DomainError(
            _("Scegli come preferisci essere contattato."), field="contact_preference"
        )
    phone = (data.get("contact_phone") or "").strip()
    email = (data.get("contact_email") or "").strip()
    if citizen is not None and not email:
        email = citizen.email
    if preference == OnlineRequest.ContactPreference.PHONE and not phone:
        raise DomainError(_("Indica il numero di telefono."), field="contact_phone")
    if preference == OnlineRequest.ContactPreference.EMAIL and not email:
        raise DomainError(_("Indica l'indirizzo e-mail."), field="contact_email")
    online_request = OnlineRequest(
        subject=subject,
        category=category,
        text=text,
        requester_name=(data.get("requester_name") or "").strip(),
        contact_preference=preference,
        contact_phone=phone,
        contact_email=email,
        consent_text_version=CONSENT_TEXT_VERSION,
        citizen=citizen,
        organization=_comune(),
    )
    online_request.full_clean(exclude=["tracking_code"])
    for _attempt in range(5):
        online_request.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                online_request.save()
            break
        except IntegrityError:
            online_request.pk = None
    else:
        raise ConflictError(_("Non è stato possibile generare il codice: riprova."))
    audit_record(
        actor=citizen,
        action=Action.CREATE,
        obj=online_request,
        changes={"category": category.code, "subject": subject},
    )
    return online_request


#: The status changes staff may make.
TRANSITIONS: dict[str, frozenset[str]] = {
    OnlineRequest.Status.RECEIVED: frozenset(
        {OnlineRequest.Status.IN_TRIAGE, OnlineRequest.Status.ANSWERED, OnlineRequest.Status.CLOSED}
    ),
    OnlineRequest.Status.IN_TRIAGE: frozenset(
        {OnlineRequest.Status.ANSWERED, OnlineRequest.Status.CLOSED}
    ),
    OnlineRequest.Status.ANSWERED: frozenset(
        {OnlineRequest.Status.IN_TRIAGE, OnlineRequest.Status.CLOSED}
    ),
    OnlineRequest.Status.CLOSED: frozenset({OnlineRequest.Status.IN_TRIAGE}),
}


def _tell_citizen(online_request: OnlineRequest) -> None:
    """Tell whoever sent the request that its status changed (never the internal notes)."""
    status = online_request.get_status_display()
    title = _("La tua richiesta %(code)s: %(status)s") % {
        "code": online_request.tracking_code,
        "status": status,
    }
    body = _(
        "Lo stato della tua richiesta è cambiato: %(status)s. Puoi vederlo con il codice "
        "%(code)s alla pagina %(url)s."
    ) % {
        "status": status,
        "code": online_request.tracking_code,
        "url": settings.SOLIDALE_BASE_URL.rstrip("/") + reverse("desk:request_status"),
    }
    if online_request.citizen is not None:
        notify(
            users=[online_request.citizen],
            kind="desk.online_request",
            title=title,
            body=body,
            url=reverse("desk:my_requests"),
        )
    elif online_request.contact_email:
        recipient = online_request.contact_email
        transaction.on_commit(lambda: send_mail(title, body, None, [recipient], fail_silently=True))


def _lock_request(actor: Any, online_request: OnlineRequest) -> OnlineRequest:
    if not can_triage_requests(actor):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire le richieste online."))
    locked = OnlineRequest.objects.select_for_update().filter(pk=online_request.pk).first()
    if locked is None or locked.organization_id != actor.organization.pk:
        raise DomainError(_("Richiesta non trovata."))
    return locked


@transaction.atomic
def online_request_set_status(
    *,
    actor: Any,
    online_request: OnlineRequest,
    status: str,
    answer: str = "",
    internal_notes: str | None = None,
    urgency: str = "",
) -> OnlineRequest:
    """Move a request on (in triage, answered with a text for the citizen, closed)."""
    online_request = _lock_request(actor, online_request)
    changed: list[str] = []
    if urgency and urgency != online_request.urgency:
        if urgency not in Urgency.values:
            raise DomainError(_("Urgenza non valida."), field="urgency")
        online_request.urgency = urgency
        changed.append("urgency")
    if internal_notes is not None and internal_notes != online_request.internal_notes:
        online_request.internal_notes = internal_notes
        changed.append("internal_notes")
    answer = (answer or "").strip()
    if status == OnlineRequest.Status.ANSWERED and not answer and not online_request.answer:
        raise DomainError(_("Scrivi la risposta da mostrare al cittadino."), field="answer")
    if answer and answer != online_request.answer:
        online_request.answer = answer
        changed.append("answer")
    status_changed = status != online_request.status
    if status_changed:
        if status not in TRANSITIONS.get(online_request.status, frozenset()):
            raise DomainError(
                _("Non si può passare da «%(old)s» a «%(new)s».")
                % {
                    "old": online_request.get_status_display(),
                    "new": OnlineRequest.Status(status).label
                    if status in OnlineRequest.Status.values
                    else status,
                },
                field="status",
            )
        online_request.status = status
        online_request.status_changed_at = timezone.now()
        if status == OnlineRequest.Status.ANSWERED and online_request.answered_at is None:
            online_request.answered_at = online_request.status_changed_at
        changed.append("status")
    if not changed:
        return online_request
    online_request.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=online_request,
        person_id=online_request.person_id,
        changes={"fields": changed, "status": online_request.status},
    )
    if status_changed:
        _tell_citizen(online_request)
    return online_request


# --- Triage assignment -----------------------------------------------------------------


def _check_assignee(actor: Any, assignee: Any, item: Access | OnlineRequest) -> None:
    organization = actor.organization
    roles = TRIAGE_ROLES if isinstance(item, OnlineRequest) else DESK_ROLES
    if assignee is None:
        return
    if assignee.pk != actor.pk and actor.role not in COORDINATOR_ROLES:
        raise PermissionDeniedError(_("Puoi prendere in carico solo per te stesso."))
    member = Membership.objects.filter(
        user=assignee, organization=organization, role__in=list(roles), is_active=True
    ).exists()
    if not member:
        raise DomainError(
            _("Puoi assegnare solo a un operatore della tua organizzazione."), field="assignee"
        )


def _in_scope(actor: Any, item: Access | OnlineRequest) -> bool:
    if isinstance(item, OnlineRequest):
        return can_triage_requests(actor) and item.organization_id == actor.organization.pk
    return item.organization_id == _desk_organization(actor).pk


@transaction.atomic
def triage_assign(
    *,
    actor: Any,
    item: Access | OnlineRequest,
    assignee: Any,
    expected_assignee_id: int | None = None,
) -> Access | OnlineRequest:
    """Assign an item of the queue; refused if someone else changed the assignee meanwhile.

    The assignment is one conditional UPDATE on the assignee the actor saw, so two people
    assigning the same item at once leave exactly one assignee.
    """
    if not _in_scope(actor, item):
        raise DomainError(_("Elemento non trovato."))
    _check_assignee(actor, assignee, item)
    model = type(item)
    now = timezone.now()
    condition = (
        Q(assigned_to__isnull=True)
        if expected_assignee_id is None
        else Q(assigned_to_id=expected_assignee_id)
    )
    updated = model.objects.filter(condition, pk=item.pk).update(
        assigned_to=assignee, assigned_at=now if assignee is not None else None
    )
    if not updated:
        raise ConflictError(
            _("Nel frattempo qualcun altro ha assegnato questo elemento: ricarica la coda.")
        )
    item.refresh_from_db()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=item,
        person_id=item.person_id,
        changes={"fields": ["assigned_to"], "assigned_to": assignee.pk if assignee else None},
    )
    if (
        isinstance(item, OnlineRequest)
        and assignee is not None
        and item.status == OnlineRequest.Status.RECEIVED
    ):
        item = online_request_set_status(
            actor=actor, online_request=item, status=OnlineRequest.Status.IN_TRIAGE
        )
    if assignee is not None and assignee.pk != actor.pk:
        notify(
            users=[assignee],
            kind="desk.triage_assigned",
            title=_("Ti è stato assegnato un elemento della coda di triage"),
            url=reverse("desk:triage"),
        )
    return item


def triage_bulk_assign(
    *, actor: Any, items: list[Access | OnlineRequest], assignee: Any
) -> tuple[int, int]:
    """A coordinator assigns many unassigned items at once: (assigned, skipped)."""
    if actor.role not in COORDINATOR_ROLES:
        raise PermissionDeniedError(_("Solo il coordinamento assegna in blocco."))
    if assignee is None:
        raise DomainError(_("Scegli a chi assegnare."), field="assignee")
    assigned = skipped = 0
    for item in items:
        try:
            triage_assign(actor=actor, item=item, assignee=assignee)
        except ConflictError:
            skipped += 1
        else:
            assigned += 1
    return assigned, skipped
