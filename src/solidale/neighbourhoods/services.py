"""Writes of the neighbourhoods app: reports and their closed loop, presidi, events.

Every write is atomic and audited; a refusal is a ``DomainError`` on the field at fault,
and nothing is changed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Membership, Organization
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Neighbourhood
from solidale.core.notifications import notify
from solidale.desk.models import Channel
from solidale.desk.services import NeedInput, access_record
from solidale.people.models import Person
from solidale.tavolo.validation import personal_data_found

from . import geo
from .models import (
    OPEN_STATUSES,
    ContactPreference,
    EventRegistration,
    Open311Client,
    ParticipationEvent,
    Presidio,
    PresidioKind,
    PresidioSession,
    Proposal,
    ProposalStatus,
    Report,
    ReportCategory,
    ReportEvent,
    ReportStatus,
    settings_reopen_days,
)
from .permissions import (
    HANDLER_ROLES,
    can_configure,
    can_handle_reports,
    can_organize,
    can_record_session,
    is_citizen,
    reports_visible_to,
)

TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "SEG-"
#: Nearby duplicates: same category, within this distance and this many days.
DUPLICATE_METRES = 50
DUPLICATE_DAYS = 7
MIN_DESCRIPTION = 10

#: The status changes staff may make (reopening by the reporter is separate).
TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.RECEIVED: frozenset(
        {
            ReportStatus.ASSIGNED,
            ReportStatus.IN_PROGRESS,
            ReportStatus.RESOLVED,
            ReportStatus.CLOSED,
        }
    ),
    ReportStatus.ASSIGNED: frozenset(
        {ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.CLOSED}
    ),
    ReportStatus.IN_PROGRESS: frozenset({ReportStatus.RESOLVED, ReportStatus.CLOSED}),
    ReportStatus.RESOLVED: frozenset({ReportStatus.IN_PROGRESS, ReportStatus.CLOSED}),
    ReportStatus.CLOSED: frozenset(),
}


def normalize_tracking_code(raw: str) -> str:
    text = "".join((raw or "").split()).upper()
    body = text.removeprefix(TRACKING_PREFIX.rstrip("-")).lstrip("-")
    return TRACKING_PREFIX + body.translate(str.maketrans("OIL", "011"))


def _new_code() -> str:
    return TRACKING_PREFIX + "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(10))


def _comune() -> Organization | None:
    return Organization.objects.filter(kind=Organization.Kind.COMUNE).order_by("pk").first()


def _position(data: dict[str, Any]) -> tuple[float | None, float | None, int | None]:
    """Latitude, longitude and neighbourhood of the report; refused outside the town."""
    raw_lat, raw_lon = data.get("latitude"), data.get("longitude")
    neighbourhood = data.get("neighbourhood")
    neighbourhood_id = neighbourhood.pk if isinstance(neighbourhood, Neighbourhood) else None
    if raw_lat in (None, "") and raw_lon in (None, ""):
        if not (data.get("address") or "").strip():
            raise DomainError(
                _("Indica il luogo: metti un segnaposto sulla mappa o scrivi l'indirizzo."),
                field="address",
            )
        return None, None, neighbourhood_id
    try:
        lat, lon = float(raw_lat), float(raw_lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise DomainError(_("La posizione non è valida."), field="latitude") from error
    inside, found = geo.locate(lat, lon)
    if not inside:
        raise DomainError(
            _("La posizione è fuori dal territorio comunale: controlla il segnaposto."),
            field="latitude",
        )
    return lat, lon, found or neighbourhood_id


def _contacts(data: dict[str, Any], reporter: Any) -> tuple[str, str, str]:
    preference = data.get("contact_preference") or ContactPreference.NONE
    if preference not in ContactPreference.values:
        raise DomainError(_("Scegli come vuoi essere aggiornato."), field="contact_preference")
    email = (data.get("contact_email") or "").strip()
    phone = (data.get("contact_phone") or "").strip()[:30]
    if email:
        try:
            validate_email(email)
        except Exception as error:
            raise DomainError(
                _("L'indirizzo e-mail non è valido."), field="contact_email"
            ) from error
    if preference == ContactPreference.EMAIL and not email:
        if reporter is None or not reporter.email:
            raise DomainError(_("Indica l'indirizzo e-mail."), field="contact_email")
        email = reporter.email
    if preference == ContactPreference.PHONE and not phone:
        raise DomainError(_("Indica il numero di telefono."), field="contact_phone")
    if preference == ContactPreference.IN_APP and reporter is None:
        raise DomainError(
            _("Per gli aggiornamenti nell'area personale devi accedere."),
            field="contact_preference",
        )
    return preference, email, phone


def _find_duplicate(report: Report) -> Report | None:
    """An open report of the same category, within metres and days of this one."""
    if report.latitude is None or report.longitude is None:
        return None
    dlat, dlon = geo.degrees_around(report.latitude, DUPLICATE_METRES)
    candidates = (
        Report.objects.filter(
            category_id=report.category_id,
            status__in=OPEN_STATUSES,
            duplicate_of__isnull=True,
            created_at__gte=timezone.now() - timedelta(days=DUPLICATE_DAYS),
            latitude__range=(report.latitude - dlat, report.latitude + dlat),
            longitude__range=(report.longitude - dlon, report.longitude + dlon),
        )
        .exclude(pk=report.pk)
        .only("pk", "latitude", "longitude")
        .order_by("created_at")
    )
    for candidate in candidates:
        if candidate.latitude is None or candidate.longitude is None:
            continue
        distance = geo.distance_m(
            report.latitude, report.longitude, candidate.latitude, candidate.longitude
        )
        if distance <= DUPLICATE_METRES:
            return candidate
    return None


def _handlers(report: Report) -> list[Any]:
    if report.organization_id is None:
        return []
    memberships = Membership.objects.filter(
        organization_id=report.organization_id, role__in=list(HANDLER_ROLES), is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


@transaction.atomic
def report_submit(
    *,
    data: dict[str, Any],
    reporter: Any = None,
    photo: bytes | None = None,
    client: Open311Client | None = None,
) -> Report:
    """A citizen's report (from the public form, the API or an Open311 app)."""
    if reporter is not None and not getattr(reporter, "is_authenticated", False):
        reporter = None
    category = data.get("category")
    if not isinstance(category, ReportCategory) or not category.is_active:
        raise DomainError(_("Scegli la categoria della segnalazione."), field="category")
    description = (data.get("description") or "").strip()
    if len(description) < MIN_DESCRIPTION:
        raise DomainError(
            _("Descrivi la situazione in almeno qualche parola."), field="description"
        )
    lat, lon, neighbourhood_id = _position(data)
    preference, email, phone = _contacts(data, reporter)
    found = "" if category.is_sensitive else personal_data_found(description)
    report = Report(
        category=category,
        is_sensitive=category.is_sensitive,
        description=description[:4000],
        latitude=lat,
        longitude=lon,
        address=(data.get("address") or "").strip()[:200],
        neighbourhood_id=neighbourhood_id,
        photo=photo,
        contact_preference=preference,
        contact_email=email,
        contact_phone=phone,
        reporter=reporter,
        client=client,
        organization=category.organization or _comune(),
        moderation_note=(
            _("La descrizione sembra contenere %(what)s: toglilo prima di pubblicare.")
            % {"what": found}
            if found
            else ""
        ),
    )
    report.duplicate_of = _find_duplicate(report)
    for _attempt in range(5):
        report.tracking_code = _new_code()
        report.token = secrets.token_hex(16)
        try:
            with transaction.atomic():
                report.save()
            break
        except IntegrityError:
            report.pk = None
    else:
        raise ConflictError(_("Non è stato possibile generare il codice: riprova."))
    ReportEvent.objects.create(report=report, status=ReportStatus.RECEIVED, actor=reporter)
    audit_record(
        actor=reporter,
        action=Action.CREATE,
        obj=report,
        changes={
            "category": category.code,
            "sensitive": report.is_sensitive,
            "duplicate_of": report.duplicate_of_id,
            "client": client.name if client else "",
        },
    )
    handlers = _handlers(report)
    if handlers:
        title = (
            _("Nuova segnalazione sociale riservata da prendere in carico")
            if report.is_sensitive
            else _("Nuova segnalazione da verificare: %(category)s") % {"category": category.name}
        )
        url = reverse("neighbourhoods:report_manage", args=[report.pk])
        notify(users=handlers, kind="neighbourhoods.report", title=title, url=url)
    return report


def _tell_reporter(report: Report, *, title: str = "", body: str = "") -> None:
    """Tell the reporter the new status (in-app for accounts, e-mail when one was left)."""
    status = report.get_status_display()
    url = reverse("neighbourhoods:report_track") + f"?code={report.tracking_code}"
    if not title:
        title = _("La tua segnalazione %(code)s: %(status)s") % {
            "code": report.tracking_code,
            "status": status,
        }
        body = _("Nuovo stato: %(status)s.") % {"status": status}
        if report.status_note:
            body += "\n" + report.status_note
    if report.reporter is not None:
        notify(
            users=[report.reporter], kind="neighbourhoods.report", title=title, body=body, url=url
        )
    elif report.contact_email and report.contact_preference == ContactPreference.EMAIL:
        recipient = report.contact_email
        link = settings.SOLIDALE_BASE_URL.rstrip("/") + url
        message = f"{body}\n{link}"
        transaction.on_commit(
            lambda: send_mail(title, message, None, [recipient], fail_silently=True)
        )


def _lock_for_handler(actor: Any, report: Report) -> Report:
    if not can_handle_reports(actor):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire le segnalazioni."))
    locked = reports_visible_to(actor).select_for_update().filter(pk=report.pk).first()
    if locked is None:
        raise DomainError(_("Segnalazione non trovata."))
    return locked


def _move(report: Report, *, actor: Any, status: str, note: str) -> Report:
    """Apply a status change with a conditional UPDATE on the status the actor saw."""
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "status_changed_at": now, "status_note": note}
    if status == ReportStatus.RESOLVED:
        fields["resolved_at"] = now
    if actor is not None and status == ReportStatus.ASSIGNED and report.assigned_to_id is None:
        fields["assigned_to"] = actor
    updated = Report.objects.filter(pk=report.pk, status=report.status).update(**fields)
    if not updated:
        raise ConflictError(
            _("Nel frattempo qualcun altro ha cambiato lo stato: ricarica la pagina."),
            field="status",
        )
    old = report.status
    report.refresh_from_db()
    ReportEvent.objects.create(report=report, status=status, note=note, actor=actor, at=now)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=report,
        person_id=report.person_id,
        changes={"status": [old, status]},
    )
    _tell_reporter(report)
    return report


@transaction.atomic
def report_set_status(
    *, actor: Any, report: Report, status: str, note: str = "", expected_status: str | None = None
) -> Report:
    """Move a report on; closing needs a note for the reporter."""
    seen = expected_status or report.status
    report = _lock_for_handler(actor, report)
    if report.status != seen:
        raise ConflictError(
            _("Nel frattempo qualcun altro ha cambiato lo stato: ricarica la pagina."),
            field="status",
        )
    note = (note or "").strip()
    if status not in ReportStatus.values or status not in TRANSITIONS[report.status]:
        raise DomainError(
            _("Non si può passare da «%(old)s» a «%(new)s».")
            % {
                "old": report.get_status_display(),
                "new": ReportStatus(status).label if status in ReportStatus.values else status,
            },
            field="status",
        )
    if status == ReportStatus.CLOSED and not note:
        raise DomainError(_("Per chiudere scrivi una nota per il segnalante."), field="note")
    if report.is_sensitive and report.access_id is None and status != ReportStatus.CLOSED:
        raise DomainError(
            _("Una segnalazione sociale si prende in carico registrando l'accesso."),
            field="status",
        )
    return _move(report, actor=actor, status=status, note=note)


@transaction.atomic
def report_take_in_charge(
    *, actor: Any, report: Report, person: Person | None = None, note: str = ""
) -> Report:
    """A sensitive report becomes a desk access (linked to the person when identified)."""
    report = _lock_for_handler(actor, report)
    if not report.is_sensitive:
        raise DomainError(_("Solo le segnalazioni sociali diventano un accesso."))
    if report.access_id is not None or report.status != ReportStatus.RECEIVED:
        raise ConflictError(_("La segnalazione è già stata presa in carico."))
    description = _("Segnalazione %(code)s (%(category)s): %(text)s") % {
        "code": report.tracking_code,
        "category": report.category.name,
        "text": report.description,
    }
    where = ", ".join(p for p in (report.address, str(report.neighbourhood or "")) if p)
    data: dict[str, Any] = {
        "channel": Channel.ONLINE,
        "referred_by": _("Segnalazione di un cittadino"),
        "request": description + (f"\n{where}" if where else ""),
    }
    if person is None:
        data["unidentified_description"] = description[:1000]
    access = access_record(
        actor=actor,
        data=data,
        needs=[NeedInput(code=report.category.need_code or "loneliness")],
        person=person,
    )
    Report.objects.filter(pk=report.pk).update(access=access, person=person)
    report.access, report.person = access, person
    return _move(
        report,
        actor=actor,
        status=ReportStatus.ASSIGNED,
        note=note.strip() or _("La segnalazione è stata presa in carico dai servizi."),
    )


@transaction.atomic
def report_publish(
    *, actor: Any, report: Report, public_description: str, show_photo: bool
) -> Report:
    """A moderator publishes a public report with the description they checked (the
    original stays for staff) and, if they choose, its photo."""
    report = _lock_for_handler(actor, report)
    if report.is_sensitive:
        raise DomainError(_("Una segnalazione sociale riservata non si pubblica mai."))
    if report.is_published:
        raise ConflictError(_("La segnalazione è già stata pubblicata."))
    text = (public_description or "").strip()
    if len(text) < MIN_DESCRIPTION:
        raise DomainError(
            _("Scrivi la descrizione da pubblicare in almeno qualche parola."),
            field="public_description",
        )
    found = personal_data_found(text)
    if found:
        raise DomainError(
            _("La descrizione pubblica contiene ancora %(what)s: toglilo e riprova.")
            % {"what": found},
            field="public_description",
        )
    now = timezone.now()
    updated = Report.objects.filter(pk=report.pk, is_published=False).update(
        is_published=True,
        public_description=text[:4000],
        show_photo=bool(show_photo) and report.photo is not None,
        published_at=now,
        published_by=actor,
    )
    if not updated:
        raise ConflictError(_("La segnalazione è già stata pubblicata."))
    report.refresh_from_db()
    ReportEvent.objects.create(
        report=report,
        status=report.status,
        note=_("Pubblicata sulla mappa delle segnalazioni."),
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=report,
        changes={
            "published": True,
            "description_edited": text != report.description,
            "show_photo": report.show_photo,
        },
    )
    _tell_reporter(
        report,
        title=_("La tua segnalazione %(code)s è stata pubblicata") % {"code": report.tracking_code},
        body=_("Dopo la verifica è visibile sulla mappa pubblica delle segnalazioni."),
    )
    return report


@transaction.atomic
def report_reopen(*, report: Report, reason: str, actor: Any = None) -> Report:
    """The reporter reopens a resolved report within the set period (the tracking code
    or their account proves who they are)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(_("Spiega perché il problema non è risolto."), field="reason")
    limit = timezone.now() - timedelta(days=settings_reopen_days())
    note = _("Riaperta dal segnalante: %(reason)s") % {"reason": reason[:1000]}
    updated = Report.objects.filter(
        pk=report.pk, status=ReportStatus.RESOLVED, resolved_at__gte=limit
    ).update(
        status=ReportStatus.IN_PROGRESS,
        status_changed_at=timezone.now(),
        status_note=note,
        resolved_at=None,
        reopen_count=F("reopen_count") + 1,
    )
    if not updated:
        raise DomainError(
            _("Si può riaprire solo una segnalazione risolta, entro %(days)s giorni.")
            % {"days": settings_reopen_days()},
            field="reason",
        )
    report.refresh_from_db()
    ReportEvent.objects.create(
        report=report, status=ReportStatus.IN_PROGRESS, note=note, actor=actor
    )
    audit_record(actor=actor, action=Action.UPDATE, obj=report, changes={"reopened": True})
    handlers = _handlers(report)
    if handlers:
        notify(
            users=handlers,
            kind="neighbourhoods.report",
            title=_("Segnalazione %(code)s riaperta dal segnalante")
            % {"code": report.tracking_code},
            url=reverse("neighbourhoods:report_manage", args=[report.pk]),
        )
    return report


@transaction.atomic
def category_route(
    *, actor: Any, category: ReportCategory, organization: Organization | None
) -> ReportCategory:
    if not can_configure(actor):
        raise PermissionDeniedError(
            _("Solo il coordinamento del Comune configura l'instradamento.")
        )
    old = category.organization_id
    category.organization = organization
    category.save(update_fields=["organization"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=category,
        changes={"organization": [old, organization.pk if organization else None]},
    )
    return category


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_client_create(*, actor: Any, name: str) -> tuple[Open311Client, str]:
    """A new Open311 application and its ``api_key`` (shown once, stored hashed)."""
    if not can_configure(actor):
        raise PermissionDeniedError(_("Solo il coordinamento del Comune rilascia le chiavi."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Indica il nome dell'applicazione."), field="name")
    if Open311Client.objects.filter(name=name).exists():
        raise ConflictError(_("Esiste già un'applicazione con questo nome."), field="name")
    key = secrets.token_urlsafe(24)
    client = Open311Client.objects.create(name=name, digest=hash_key(key))
    audit_record(actor=actor, action=Action.CREATE, obj=client, changes={"name": name})
    return client, key


@transaction.atomic
def open311_client_revoke(*, actor: Any, client: Open311Client) -> None:
    if not can_configure(actor):
        raise PermissionDeniedError(_("Solo il coordinamento del Comune revoca le chiavi."))
    Open311Client.objects.filter(pk=client.pk).update(is_active=False)
    audit_record(actor=actor, action=Action.UPDATE, obj=client, changes={"is_active": False})


def open311_client_for_key(key: str) -> Open311Client | None:
    if not key:
        return None
    return Open311Client.objects.filter(digest=hash_key(key), is_active=True).first()


# --- Presidi ---------------------------------------------------------------------------


@transaction.atomic
def presidio_create(*, actor: Any, data: dict[str, Any]) -> Presidio:
    if not can_organize(actor):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di organizzare presidi."))
    presidio = Presidio(organization=actor.organization)
    for name in (
        "title",
        "kind",
        "neighbourhood",
        "place",
        "weekday",
        "start_time",
        "end_time",
        "description",
    ):
        if name in data:
            setattr(presidio, name, data[name])
    if presidio.kind not in PresidioKind.values:
        raise DomainError(_("Scegli il tipo di presidio."), field="kind")
    if not (presidio.title or "").strip():
        raise DomainError(_("Indica il titolo."), field="title")
    if (
        presidio.start_time is None
        or presidio.end_time is None
        or presidio.end_time <= presidio.start_time
    ):
        raise DomainError(_("L'orario di fine deve seguire quello di inizio."), field="end_time")
    presidio.save()
    audit_record(actor=actor, action=Action.CREATE, obj=presidio, changes={"title": presidio.title})
    return presidio


@transaction.atomic
def presidio_session_record(
    *,
    actor: Any,
    presidio: Presidio,
    day: date,
    attendance: int,
    volunteers: str = "",
    outcome: str = "",
) -> PresidioSession:
    """Record (or correct) one session: volunteers on duty, attendance, a short outcome."""
    if not can_record_session(actor, presidio):
        raise PermissionDeniedError(
            _("Puoi registrare le uscite solo dei presidi in cui sei in turno.")
        )
    if day > timezone.localdate():
        raise DomainError(_("Non si registra un'uscita futura."), field="date")
    if attendance is None or attendance < 0:
        raise DomainError(_("Le presenze non possono essere negative."), field="attendance")
    if day.weekday() != presidio.weekday:
        raise DomainError(
            _("Il presidio si tiene di %(day)s.") % {"day": presidio.get_weekday_display()},
            field="date",
        )
    session, created = PresidioSession.objects.update_or_create(
        presidio=presidio,
        date=day,
        defaults={
            "attendance": attendance,
            "volunteers": (volunteers or "").strip()[:300],
            "outcome": (outcome or "").strip()[:500],
            "recorded_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=session,
        changes={"attendance": attendance},
    )
    return session


def presidio_next_dates(presidio: Presidio, *, start: date, count: int = 4) -> list[datetime]:
    """The next ``count`` sessions from ``start`` (the schedule shown to citizens)."""
    offset = (presidio.weekday - start.weekday()) % 7
    first = start + timedelta(days=offset)
    zone = timezone.get_current_timezone()
    return [
        datetime.combine(first + timedelta(weeks=i), presidio.start_time or time(0), tzinfo=zone)
        for i in range(count)
    ]


# --- Participation events --------------------------------------------------------------


@transaction.atomic
def event_create(*, actor: Any, data: dict[str, Any]) -> ParticipationEvent:
    if not can_organize(actor):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di organizzare eventi."))
    event = ParticipationEvent(organization=actor.organization)
    for name in ("title", "kind", "neighbourhood", "starts_at", "place", "description", "capacity"):
        if name in data:
            setattr(event, name, data[name])
    if not (event.title or "").strip():
        raise DomainError(_("Indica il titolo."), field="title")
    if event.starts_at is None or event.starts_at < timezone.now():
        raise DomainError(_("L'evento deve essere nel futuro."), field="starts_at")
    event.save()
    audit_record(actor=actor, action=Action.CREATE, obj=event, changes={"title": event.title})
    return event


@transaction.atomic
def event_register(*, actor: Any, event: ParticipationEvent) -> EventRegistration:
    """A citizen registers; the seat is taken with a conditional UPDATE (never overbooked)."""
    if not is_citizen(actor):
        raise PermissionDeniedError(_("Per iscriverti accedi come cittadino."))
    if event.is_past:
        raise DomainError(_("L'evento si è già svolto."))
    if EventRegistration.objects.filter(event=event, user=actor).exists():
        raise ConflictError(_("Sei già iscritto a questo evento."))
    seats = ParticipationEvent.objects.filter(pk=event.pk)
    seats = seats.filter(Q(capacity__isnull=True) | Q(registered__lt=F("capacity")))
    if not seats.update(registered=F("registered") + 1):
        raise ConflictError(_("Posti esauriti."))
    try:
        with transaction.atomic():
            registration = EventRegistration.objects.create(event=event, user=actor)
    except IntegrityError as error:
        raise ConflictError(_("Sei già iscritto a questo evento.")) from error
    audit_record(actor=actor, action=Action.CREATE, obj=registration, changes={"event": event.pk})
    return registration


@transaction.atomic
def event_attendance_record(
    *, actor: Any, event: ParticipationEvent, attended_ids: list[int], total: int
) -> ParticipationEvent:
    """Mark who of the registered came, and the total attendance (walk-ins included)."""
    if not can_organize(actor, event.organization_id):
        raise PermissionDeniedError(_("Solo chi organizza l'evento registra le presenze."))
    if total is None or total < 0:
        raise DomainError(_("Le presenze non possono essere negative."), field="attendance")
    registrations = event.registrations.all()
    registrations.update(attended=False)
    marked = registrations.filter(pk__in=attended_ids).update(attended=True)
    if total < marked:
        raise DomainError(
            _("Il totale dei presenti non può essere minore degli iscritti presenti."),
            field="attendance",
        )
    event.attendance = total
    event.save(update_fields=["attendance", "updated_at"])
    audit_record(actor=actor, action=Action.UPDATE, obj=event, changes={"attendance": total})
    return event


@transaction.atomic
def proposal_submit(*, actor: Any, event: ParticipationEvent, title: str, text: str) -> Proposal:
    if not is_citizen(actor):
        raise PermissionDeniedError(_("Per presentare una proposta accedi come cittadino."))
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise DomainError(_("Dai un titolo alla proposta."), field="title")
    if len(text) < MIN_DESCRIPTION:
        raise DomainError(_("Descrivi la proposta in qualche riga."), field="text")
    if event.decisions_published_at is not None:
        raise DomainError(_("Le proposte per questo evento sono chiuse."))
    proposal = Proposal.objects.create(
        event=event, author=actor, title=title[:150], text=text[:4000]
    )
    audit_record(actor=actor, action=Action.CREATE, obj=proposal, changes={"event": event.pk})
    return proposal


@transaction.atomic
def proposal_answer(*, actor: Any, proposal: Proposal, status: str, answer: str) -> Proposal:
    if not can_organize(actor, proposal.event.organization_id):
        raise PermissionDeniedError(_("Solo chi organizza l'evento risponde alle proposte."))
    if status not in ProposalStatus.values or status == ProposalStatus.SUBMITTED:
        raise DomainError(_("Scegli l'esito della proposta."), field="status")
    answer = (answer or "").strip()
    if status != ProposalStatus.UNDER_REVIEW and not answer:
        raise DomainError(_("Scrivi la risposta ufficiale."), field="answer")
    proposal.status, proposal.answer = status, answer
    proposal.answered_at = timezone.now()
    proposal.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=proposal, changes={"status": status})
    notify(
        users=[proposal.author],
        kind="neighbourhoods.proposal",
        title=_("La tua proposta «%(title)s»: %(status)s")
        % {"title": proposal.title, "status": proposal.get_status_display()},
        body=answer,
        url=reverse("neighbourhoods:event_detail", args=[proposal.event_id]),
    )
    return proposal


@transaction.atomic
def event_decisions_publish(
    *, actor: Any, event: ParticipationEvent, decisions: str
) -> ParticipationEvent:
    """Report the decisions back to everyone (registered citizens are notified)."""
    if not can_organize(actor, event.organization_id):
        raise PermissionDeniedError(_("Solo chi organizza l'evento pubblica le decisioni."))
    decisions = (decisions or "").strip()
    if not decisions:
        raise DomainError(_("Scrivi le decisioni prese."), field="decisions")
    event.decisions = decisions
    event.decisions_published_at = timezone.now()
    event.save(update_fields=["decisions", "decisions_published_at", "updated_at"])
    audit_record(actor=actor, action=Action.UPDATE, obj=event, changes={"decisions": True})
    users = [r.user for r in event.registrations.select_related("user")]
    users += [p.author for p in event.proposals.select_related("author")]
    notify(
        users=users,
        kind="neighbourhoods.event",
        title=_("Le decisioni di «%(title)s»") % {"title": event.title},
        url=reverse("neighbourhoods:event_detail", args=[event.pk]),
    )
    return event
