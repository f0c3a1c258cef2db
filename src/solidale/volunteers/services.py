"""Writes of the volunteers app: atomic, audited, notifying after commit.

Capacity is kept by the database: a place on a shift is taken with a conditional
``UPDATE … SET signed_count = signed_count + 1 WHERE signed_count < capacity`` (and a
check constraint forbids going over), and a volunteer's sign-ups are serialized by
locking their row (on SQLite the IMMEDIATE transaction does it), so two sign-ups at the
same moment never over-fill a shift nor give a volunteer two overlapping shifts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership, Organization, Role, User
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify

from .models import (
    HoursStatus,
    Shift,
    ShiftStatus,
    Signup,
    SignupStatus,
    Skill,
    SwapOffer,
    SwapStatus,
    Volunteer,
    Weekday,
)
from .permissions import MANAGER_ROLES, is_own_signup, manages, volunteer_of
from .selectors import MAX_SHIFT_LENGTH, activity_get

VOLUNTEER_FIELDS = (
    "full_name",
    "email",
    "phone",
    "skills",
    "languages",
    "availability_days",
    "availability_notes",
    "training_course",
    "training_until",
    "insurance_policy",
    "insurance_until",
    "started_on",
    "is_active",
)
SHIFT_FIELDS = ("title", "place", "starts_at", "ends_at", "capacity", "required_skills", "notes")


def expiry_notice_days() -> int:
    return int(settings.SOLIDALE_VOLUNTEER_EXPIRY_NOTICE_DAYS)


def _manages(actor: Any, organization_id: int) -> bool:
    """A manager of the organization, or the system itself (``actor=None``: demo, imports)."""
    return actor is None or manages(actor, organization_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def shift_url(shift: Shift) -> str:
    return reverse("volunteers:shift_detail", kwargs={"pk": shift.pk})


def volunteer_url(volunteer: Volunteer) -> str:
    return reverse("volunteers:volunteer_detail", kwargs={"pk": volunteer.pk})


def managers_of(organization_id: int, *, admins_first: bool = False) -> list[User]:
    """The organization's managers; with ``admins_first``, only its admins when it has any."""
    members = Membership.objects.active().filter(organization_id=organization_id)
    if admins_first and members.filter(role=Role.ORG_ADMIN).exists():
        members = members.filter(role=Role.ORG_ADMIN)
    else:
        members = members.filter(role__in=MANAGER_ROLES)
    return list(User.objects.filter(is_active=True, pk__in=members.values("user_id")))


# --- Registry --------------------------------------------------------------------------------


def _volunteer_checked(data: dict[str, Any], organization_id: int) -> dict[str, Any]:
    if not (data.get("full_name") or "").strip():
        raise DomainError(_("Indica nome e cognome."), field="full_name")
    unknown = set(data.get("skills") or []) - set(Skill.values)
    if unknown:
        raise DomainError(_("Competenza sconosciuta."), field="skills")
    if set(data.get("availability_days") or []) - set(Weekday.values):
        raise DomainError(_("Giorno della settimana non valido."), field="availability_days")
    user = data.get("user")
    if user is not None and not (
        Membership.objects.active()
        .filter(user=user, organization_id=organization_id, role=Role.VOLUNTEER)
        .exists()
    ):
        raise DomainError(
            _("L'account indicato non è un volontario di questa organizzazione."), field="user"
        )
    return data


@transaction.atomic
def volunteer_register(
    *, actor: Any, organization: Organization, data: dict[str, Any], consent: bool
) -> Volunteer:
    """Add a volunteer to the organization's registry; their consent is required."""
    _require(
        _manages(actor, organization.pk),
        _("Solo chi gestisce l'organizzazione iscrive i volontari."),
    )
    if not consent:
        raise DomainError(
            _("Serve il consenso del volontario al trattamento dei dati."), field="consent"
        )
    data = _volunteer_checked(data, organization.pk)
    fields = {name: data[name] for name in VOLUNTEER_FIELDS if data.get(name) is not None}
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                organization=organization,
                user=data.get("user"),
                consent_at=timezone.now(),
                **fields,
            )
    except IntegrityError as error:
        raise ConflictError(
            _("Questo account ha già una scheda di volontario qui."), field="user"
        ) from error
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=volunteer,
        changes={"organization": organization.pk, "user": volunteer.user_id},
    )
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: Any, volunteer: Volunteer, data: dict[str, Any]) -> Volunteer:
    _require(
        _manages(actor, volunteer.organization_id),
        _("Solo chi gestisce l'organizzazione modifica la scheda."),
    )
    data = _volunteer_checked({"full_name": volunteer.full_name, **data}, volunteer.organization_id)
    changes = {}
    for name in VOLUNTEER_FIELDS:
        if name in data and getattr(volunteer, name) != data[name]:
            changes[name] = data[name]
            setattr(volunteer, name, data[name])
    if "user" in data and data["user"] != volunteer.user:
        volunteer.user = data["user"]
        changes["user"] = getattr(data["user"], "pk", None)
    if "insurance_until" in changes:
        volunteer.insurance_alerted_for = None
    if "training_until" in changes:
        volunteer.training_alerted_for = None
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as error:
        raise ConflictError(
            _("Questo account ha già una scheda di volontario qui."), field="user"
        ) from error
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=volunteer, changes=changes)
    return volunteer


# --- Shifts ----------------------------------------------------------------------------------


@transaction.atomic
def shift_create(*, actor: Any, organization: Organization, data: dict[str, Any]) -> Shift:
    """Open a shift of a registered activity for one of its targets."""
    _require(
        _manages(actor, organization.pk),
        _("Solo chi gestisce l'organizzazione apre i turni."),
    )
    activity = activity_get(data.get("activity") or "")
    if activity is None:
        raise DomainError(_("Attività sconosciuta."), field="activity")
    target = data.get("target") or ""
    target_label = ""
    if target:
        targets = dict(activity.targets(organization.pk))
        if target not in targets:
            raise DomainError(_("Scegli un luogo o una sessione dell'elenco."), field="target")
        target_label = targets[target]
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("La fine deve venire dopo l'inizio."), field="ends_at")
    if data["ends_at"] - data["starts_at"] > MAX_SHIFT_LENGTH:
        raise DomainError(_("Un turno dura al massimo 24 ore."), field="ends_at")
    if not data.get("capacity") or int(data["capacity"]) < 1:
        raise DomainError(_("Serve almeno un volontario."), field="capacity")
    if set(data.get("required_skills") or []) - set(Skill.values):
        raise DomainError(_("Competenza sconosciuta."), field="required_skills")
    title = (data.get("title") or "").strip() or (
        f"{activity.label} — {target_label}" if target_label else str(activity.label)
    )
    shift = Shift.objects.create(
        organization=organization,
        activity=activity.key,
        target=target,
        target_label=target_label,
        title=title[:200],
        place=data.get("place") or "",
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        capacity=int(data["capacity"]),
        required_skills=list(data.get("required_skills") or []),
        notes=data.get("notes") or "",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=shift,
        changes={"activity": shift.activity, "target": target, "capacity": shift.capacity},
    )
    return shift


@transaction.atomic
def shift_cancel(*, actor: Any, shift: Shift, reason: str = "") -> Shift:
    """Cancel a shift not yet started; every volunteer signed up is told."""
    _require(
        _manages(actor, shift.organization_id),
        _("Solo chi gestisce l'organizzazione annulla i turni."),
    )
    cancelled = Shift.objects.filter(
        pk=shift.pk, status=ShiftStatus.OPEN, starts_at__gt=timezone.now()
    ).update(status=ShiftStatus.CANCELLED, updated_at=timezone.now())
    if not cancelled:
        raise ConflictError(_("Il turno è già iniziato o è già stato annullato."))
    shift.status = ShiftStatus.CANCELLED
    SwapOffer.objects.filter(signup__shift=shift, status=SwapStatus.PENDING).update(
        status=SwapStatus.WITHDRAWN, decided_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=shift,
        changes={"status": "cancelled", "reason": reason},
    )
    signed = User.objects.filter(
        volunteer_records__signups__shift=shift,
        volunteer_records__signups__status=SignupStatus.ACTIVE,
    ).distinct()
    notify(
        users=signed,
        kind="volunteers.shift_cancelled",
        title=_("Turno annullato: «%(title)s» del %(when)s")
        % {"title": shift.title, "when": _when(shift.starts_at)},
        body=reason,
        url=shift_url(shift),
    )
    return shift


def _check_can_serve(
    volunteer: Volunteer, shift: Shift, *, now: datetime, attendance: bool = False
) -> None:
    """The rules a volunteer must meet to take a place on a shift (else a clear error).

    With ``attendance`` a manager records who served on a shift already started.
    """
    if not volunteer.is_active or volunteer.organization_id != shift.organization_id:
        raise DomainError(_("Il volontario non è attivo in questa organizzazione."))
    if shift.status != ShiftStatus.OPEN:
        raise ConflictError(_("Il turno è stato annullato."))
    if shift.starts_at <= now and not attendance:
        raise ConflictError(_("Il turno è già iniziato: non si accettano più iscrizioni."))
    if volunteer.consent_at is None:
        raise DomainError(_("Manca il consenso al trattamento dei dati del volontario."))
    if not volunteer.insured_on(timezone.localtime(shift.ends_at).date()):
        raise DomainError(
            _(
                "L'assicurazione del volontario non copre la data del turno: "
                "rinnovarla prima di iscriversi."
            )
        )
    missing = set(shift.required_skills) - set(volunteer.skills)
    if missing:
        labels = ", ".join(sorted(Shift(required_skills=sorted(missing)).required_skill_labels))
        raise DomainError(
            _("Per questo turno servono competenze che mancano: %(skills)s.") % {"skills": labels}
        )
    overlapping = (
        Signup.objects.filter(volunteer=volunteer, status=SignupStatus.ACTIVE)
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .exclude(shift__status=ShiftStatus.CANCELLED)
        .select_related("shift")
        .first()
    )
    if overlapping is not None:
        if overlapping.shift_id == shift.pk:
            raise ConflictError(_("Sei già iscritto a questo turno."))
        raise ConflictError(
            _("Si sovrappone a un altro turno a cui sei iscritto: «%(title)s» (%(when)s).")
            % {"title": overlapping.shift.title, "when": _when(overlapping.shift.starts_at)}
        )


def _lock_volunteer(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


@transaction.atomic
def shift_signup(*, actor: Any, shift: Shift, volunteer: Volunteer | None = None) -> Signup:
    """Take a place on the shift: the volunteer themself, or a manager for a volunteer.

    A manager may also record a volunteer on a shift already started (attendance).
    """
    own = volunteer_of(actor) if actor is not None else None
    volunteer = volunteer or own
    if volunteer is None:
        raise PermissionDeniedError(_("Solo i volontari si iscrivono ai turni."))
    by_manager = _manages(actor, shift.organization_id)
    _require(
        (own is not None and own.pk == volunteer.pk) or by_manager,
        _("Puoi iscrivere solo te stesso."),
    )
    volunteer = _lock_volunteer(volunteer)
    shift = Shift.objects.get(pk=shift.pk)
    _check_can_serve(volunteer, shift, now=timezone.now(), attendance=by_manager)
    taken = Shift.objects.filter(
        pk=shift.pk, status=ShiftStatus.OPEN, signed_count__lt=F("capacity")
    ).update(signed_count=F("signed_count") + 1)
    if not taken:
        raise ConflictError(_("Il turno è al completo."), code="full")
    try:
        with transaction.atomic():
            signup = Signup.objects.create(shift=shift, volunteer=volunteer)
    except IntegrityError as error:
        raise ConflictError(_("Sei già iscritto a questo turno.")) from error
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=signup,
        changes={"shift": shift.pk, "volunteer": volunteer.pk},
    )
    return signup


def _release(signup: Signup, status: str) -> None:
    changed = Signup.objects.filter(pk=signup.pk, status=SignupStatus.ACTIVE).update(
        status=status, updated_at=timezone.now()
    )
    if not changed:
        raise ConflictError(_("L'iscrizione non è più attiva."))
    signup.status = status


@transaction.atomic
def signup_cancel(*, actor: Any, signup: Signup) -> Signup:
    """Give the place back before the shift starts; pending swap offers lapse."""
    _require(
        is_own_signup(actor, signup) or _manages(actor, signup.shift.organization_id),
        _("Puoi ritirare solo le tue iscrizioni."),
    )
    if signup.shift.starts_at <= timezone.now():
        raise ConflictError(_("Il turno è già iniziato: non si può più ritirare l'iscrizione."))
    _release(signup, SignupStatus.CANCELLED)
    Shift.objects.filter(pk=signup.shift_id, signed_count__gt=0).update(
        signed_count=F("signed_count") - 1
    )
    signup.swap_offers.filter(status=SwapStatus.PENDING).update(
        status=SwapStatus.WITHDRAWN, decided_at=timezone.now()
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=signup, changes={"status": "cancelled"}
    )
    if not is_own_signup(actor, signup) and signup.volunteer.user is not None:
        notify(
            users=[signup.volunteer.user],
            kind="volunteers.signup_cancelled",
            title=_("Sei stato tolto dal turno «%(title)s» del %(when)s")
            % {"title": signup.shift.title, "when": _when(signup.shift.starts_at)},
            url=shift_url(signup.shift),
        )
    return signup


# --- Swaps -----------------------------------------------------------------------------------


@transaction.atomic
def swap_offer(*, actor: Any, signup: Signup, to_volunteer: Volunteer) -> SwapOffer:
    """Offer one's place on a shift to another volunteer, who must accept it."""
    _require(is_own_signup(actor, signup), _("Puoi cedere solo i tuoi turni."))
    if signup.status != SignupStatus.ACTIVE:
        raise ConflictError(_("L'iscrizione non è più attiva."))
    if signup.shift.starts_at <= timezone.now():
        raise ConflictError(_("Il turno è già iniziato: non si può più cedere."))
    if (
        to_volunteer.pk == signup.volunteer_id
        or to_volunteer.organization_id != signup.shift.organization_id
        or not to_volunteer.is_active
        or to_volunteer.user_id is None
    ):
        raise DomainError(
            _("Scegli un altro volontario attivo della tua organizzazione."), field="to_volunteer"
        )
    try:
        with transaction.atomic():
            offer = SwapOffer.objects.create(signup=signup, to_volunteer=to_volunteer)
    except IntegrityError as error:
        raise ConflictError(_("Hai già offerto questo turno: attendi la risposta.")) from error
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=offer,
        changes={"signup": signup.pk, "to_volunteer": to_volunteer.pk},
    )
    notify(
        users=[to_volunteer.user],
        kind="volunteers.swap_offered",
        title=_("%(name)s ti offre il turno «%(title)s» del %(when)s")
        % {
            "name": signup.volunteer.full_name,
            "title": signup.shift.title,
            "when": _when(signup.shift.starts_at),
        },
        url=reverse("volunteers:my_shift"),
    )
    return offer


def _decide(offer: SwapOffer, status: str) -> None:
    decided = SwapOffer.objects.filter(pk=offer.pk, status=SwapStatus.PENDING).update(
        status=status, decided_at=timezone.now()
    )
    if not decided:
        raise ConflictError(_("Questa offerta non è più valida."))
    offer.status = status


@transaction.atomic
def swap_accept(*, actor: Any, offer: SwapOffer) -> Signup:
    """The recipient takes the place: the offering volunteer's signup becomes 'swapped'."""
    own = volunteer_of(actor)
    _require(own is not None and own.pk == offer.to_volunteer_id, _("L'offerta non è per te."))
    volunteer = _lock_volunteer(offer.to_volunteer)
    signup = Signup.objects.select_related("shift", "volunteer__user").get(pk=offer.signup_id)
    if signup.status != SignupStatus.ACTIVE:
        raise ConflictError(_("Questa offerta non è più valida."))
    _check_can_serve(volunteer, signup.shift, now=timezone.now())
    _decide(offer, SwapStatus.ACCEPTED)
    _release(signup, SignupStatus.SWAPPED)
    try:
        with transaction.atomic():
            taken = Signup.objects.create(shift=signup.shift, volunteer=volunteer)
    except IntegrityError as error:
        raise ConflictError(_("Sei già iscritto a questo turno.")) from error
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=offer,
        changes={"status": "accepted", "from_signup": signup.pk, "to_signup": taken.pk},
    )
    if signup.volunteer.user is not None:
        notify(
            users=[signup.volunteer.user],
            kind="volunteers.swap_accepted",
            title=_("%(name)s ha accettato il tuo turno «%(title)s»")
            % {"name": volunteer.full_name, "title": signup.shift.title},
            url=reverse("volunteers:my_shift"),
        )
    return taken


@transaction.atomic
def swap_decline(*, actor: Any, offer: SwapOffer) -> SwapOffer:
    own = volunteer_of(actor)
    _require(own is not None and own.pk == offer.to_volunteer_id, _("L'offerta non è per te."))
    _decide(offer, SwapStatus.DECLINED)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, changes={"status": "declined"})
    user = offer.signup.volunteer.user
    if user is not None:
        notify(
            users=[user],
            kind="volunteers.swap_declined",
            title=_("%(name)s non può prendere il tuo turno «%(title)s»")
            % {"name": offer.to_volunteer.full_name, "title": offer.signup.shift.title},
            url=reverse("volunteers:my_shift"),
        )
    return offer


# --- Hours -----------------------------------------------------------------------------------


def _hours_value(raw: Any, shift: Shift) -> Decimal:
    try:
        hours = Decimal(str(raw).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(_("Scrivi le ore come numero, ad esempio 3,5."), field="hours") from error
    if hours <= 0:
        raise DomainError(_("Le ore devono essere più di zero."), field="hours")
    limit = min(shift.hours + 2, Decimal(24))
    if hours > limit:
        raise DomainError(
            _("Al massimo %(limit)s ore per questo turno.")
            % {"limit": formats.number_format(limit, 2)},
            field="hours",
        )
    return hours


@transaction.atomic
def hours_log(*, actor: Any, signup: Signup, hours: Any, note: str = "") -> Signup:
    """Record the hours served; a manager's record is confirmed at once."""
    by_manager = _manages(actor, signup.shift.organization_id)
    _require(is_own_signup(actor, signup) or by_manager, _("Puoi registrare solo le tue ore."))
    if signup.status != SignupStatus.ACTIVE:
        raise ConflictError(_("L'iscrizione non è più attiva."))
    if signup.shift.starts_at > timezone.now():
        raise DomainError(_("Le ore si registrano dopo l'inizio del turno."), field="hours")
    value = _hours_value(hours, signup.shift)
    now = timezone.now()
    status = HoursStatus.CONFIRMED if by_manager else HoursStatus.LOGGED
    updated = Signup.objects.filter(
        pk=signup.pk, hours_status__in=[HoursStatus.NONE, HoursStatus.LOGGED, HoursStatus.REJECTED]
    ).update(
        hours=value,
        hours_note=note[:200],
        hours_status=status,
        hours_logged_at=now,
        hours_confirmed_by=actor if by_manager else None,
        hours_confirmed_at=now if by_manager else None,
    )
    if not updated:
        raise ConflictError(_("Le ore sono già state confermate dall'organizzazione."))
    signup.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=signup,
        changes={"hours": str(value), "hours_status": status},
    )
    if not by_manager:
        notify(
            users=managers_of(signup.shift.organization_id),
            kind="volunteers.hours_logged",
            title=_("Ore da confermare: %(name)s, turno «%(title)s»")
            % {"name": signup.volunteer.full_name, "title": signup.shift.title},
            url=reverse("volunteers:hours_pending"),
        )
    return signup


@transaction.atomic
def hours_confirm(*, actor: Any, signup: Signup, confirm: bool, note: str = "") -> Signup:
    """The organization confirms (or does not confirm) the hours a volunteer logged."""
    _require(
        _manages(actor, signup.shift.organization_id),
        _("Solo chi gestisce l'organizzazione conferma le ore."),
    )
    status = HoursStatus.CONFIRMED if confirm else HoursStatus.REJECTED
    now = timezone.now()
    updated = Signup.objects.filter(pk=signup.pk, hours_status=HoursStatus.LOGGED).update(
        hours_status=status, hours_confirmed_by=actor, hours_confirmed_at=now
    )
    if not updated:
        raise ConflictError(_("Non ci sono ore in attesa di conferma su questa iscrizione."))
    signup.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=signup,
        changes={"hours_status": status, "note": note},
    )
    if signup.volunteer.user is not None:
        title = (
            _("Ore confermate: %(hours)s per il turno «%(title)s»")
            if confirm
            else _("Ore non confermate (%(hours)s) per il turno «%(title)s»")
        )
        notify(
            users=[signup.volunteer.user],
            kind="volunteers.hours_decided",
            title=title
            % {"hours": formats.number_format(signup.hours or 0, 2), "title": signup.shift.title},
            body=note,
            url=shift_url(signup.shift),
        )
    return signup


# --- Periodic work ---------------------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind each volunteer, once, of the shifts that start tomorrow (local time)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    end = start + timedelta(days=1)
    due = Signup.objects.filter(
        status=SignupStatus.ACTIVE,
        reminded_at__isnull=True,
        volunteer__is_active=True,
        volunteer__user__isnull=False,
        shift__status=ShiftStatus.OPEN,
        shift__starts_at__gte=start,
        shift__starts_at__lt=end,
    ).select_related("shift", "volunteer__user")
    sent = 0
    for signup in due:
        with transaction.atomic():
            claimed = Signup.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            shift = signup.shift
            notify(
                users=[signup.volunteer.user],
                kind="volunteers.reminder",
                title=_("Domani sei di turno: «%(title)s» alle %(time)s")
                % {
                    "title": shift.title,
                    "time": formats.time_format(timezone.localtime(shift.starts_at), "H:i"),
                },
                body=shift.place,
                url=shift_url(shift),
            )
            sent += 1
    return sent


@task()
def reminders_task() -> int:
    """Enqueued daily at 17:00 by ``solidale scheduler``."""
    return reminders_send()


EXPIRY_FIELDS = ("insurance_until", "training_until")


def expiry_notices_send(*, today: date | None = None) -> int:
    """Tell the organization's admins, once per date, about insurance and training expiring."""
    today = today or timezone.localdate()
    until = today + timedelta(days=expiry_notice_days())
    sent = 0
    for field in EXPIRY_FIELDS:
        alerted = field.replace("_until", "_alerted_for")
        expiring = Volunteer.objects.expiring(field=field, until=until).exclude(
            **{alerted: F(field)}
        )
        for volunteer in expiring:
            with transaction.atomic():
                claimed = (
                    Volunteer.objects.filter(pk=volunteer.pk)
                    .exclude(**{alerted: F(field)})
                    .update(**{alerted: F(field)})
                )
                if not claimed:
                    continue
                notify(
                    users=managers_of(volunteer.organization_id, admins_first=True),
                    kind=f"volunteers.{field}",
                    title=expiry_text(volunteer, field, today),
                    url=volunteer_url(volunteer),
                )
                sent += 1
    return sent


def expiry_text(volunteer: Volunteer, field: str, today: date) -> str:
    day: date = getattr(volunteer, field)
    values = {"name": volunteer.full_name, "date": formats.date_format(day, "SHORT_DATE_FORMAT")}
    if field == "insurance_until":
        if day < today:
            return _("Assicurazione scaduta il %(date)s: %(name)s") % values
        return _("Assicurazione in scadenza il %(date)s: %(name)s") % values
    if day < today:
        return _("Formazione scaduta il %(date)s: %(name)s") % values
    return _("Formazione in scadenza il %(date)s: %(name)s") % values


@task()
def expiry_notices_task() -> int:
    """Enqueued daily at 7:30 by ``solidale scheduler``."""
    return expiry_notices_send()
