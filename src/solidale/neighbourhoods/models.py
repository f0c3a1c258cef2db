"""Neighbourhoods and citizens: reports (segnalazioni), presidi, participation events.

Neighbourhoods themselves are ``core.Neighbourhood`` (shared reference data); this app
adds what happens in them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood, TimeStampedModel
from solidale.people.models import Person


class ReportCategory(models.Model):
    """What a citizen can report, and who answers it (configurable by the coordinator).

    ``code`` is the Open311 ``service_code``. Sensitive (social) categories are never
    public: they go privately to the desk or the outreach team of ``organization``.
    """

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    description = models.CharField(_("descrizione"), max_length=300, blank=True)
    is_sensitive = models.BooleanField(_("segnalazione sociale riservata"), default=False)
    #: The needs-taxonomy code of the desk access a sensitive report becomes.
    need_code = models.SlugField(_("area di bisogno"), max_length=40, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("ufficio o organizzazione responsabile"),
        related_name="report_categories",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_active = models.BooleanField(_("attiva"), default=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("categoria di segnalazione")
        verbose_name_plural = _("categorie di segnalazione")

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("ricevuta")
    ASSIGNED = "assigned", _("presa in carico")
    IN_PROGRESS = "in_progress", _("in lavorazione")
    RESOLVED = "resolved", _("risolta")
    CLOSED = "closed", _("chiusa")


#: Statuses Open311 calls "open".
OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.ASSIGNED, ReportStatus.IN_PROGRESS)


class ContactPreference(models.TextChoices):
    NONE = "none", _("non voglio essere ricontattato")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("telefono")
    IN_APP = "in_app", _("nell'area personale")


class ReportQuerySet(models.QuerySet["Report"]):
    def public(self) -> ReportQuerySet:
        """What anyone may see: non-sensitive reports a moderator published."""
        return self.filter(is_sensitive=False, is_published=True)

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Report(TimeStampedModel):
    """A citizen's report about a place (public) or a person in difficulty (private)."""

    tracking_code = models.CharField(_("codice di verifica"), max_length=20, unique=True)
    #: The Open311 token given to the client that created it (GET tokens/{token}).
    token = models.CharField(_("token"), max_length=40, unique=True)
    category = models.ForeignKey(
        ReportCategory,
        verbose_name=_("categoria"),
        related_name="reports",
        on_delete=models.PROTECT,
    )
    is_sensitive = models.BooleanField(_("riservata"), default=False, editable=False)
    description = models.TextField(_("descrizione"))
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartiere"),
        related_name="reports",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    photo = models.BinaryField(_("foto"), null=True, blank=True, editable=False)
    contact_preference = models.CharField(
        _("come preferisci essere aggiornato"),
        max_length=8,
        choices=ContactPreference.choices,
        default=ContactPreference.NONE,
    )
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("telefono"), max_length=30, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("segnalante"),
        related_name="neighbourhood_reports",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    #: The Open311 client that sent it, when it came through the API.
    client = models.ForeignKey(
        "Open311Client",
        verbose_name=_("applicazione"),
        related_name="reports",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione responsabile"),
        related_name="neighbourhood_reports",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.RECEIVED,
    )
    status_note = models.TextField(_("nota per il segnalante"), blank=True)
    status_changed_at = models.DateTimeField(_("aggiornata il"), default=timezone.now)
    resolved_at = models.DateTimeField(_("risolta il"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata a"),
        related_name="assigned_neighbourhood_reports",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    #: The desk access a sensitive report became when someone took it in charge.
    access = models.OneToOneField(
        "desk.Access",
        verbose_name=_("accesso"),
        related_name="neighbourhood_report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persona"),
        related_name="neighbourhood_reports",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doppione di"),
        related_name="duplicates",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
    )
    reopen_count = models.PositiveSmallIntegerField(_("riaperture"), default=0)
    #: Moderation: a public report is shown only once staff published it, with the
    #: description they checked (the original stays visible to staff only).
    is_published = models.BooleanField(_("pubblicata"), default=False)
    public_description = models.TextField(_("descrizione pubblica"), blank=True)
    show_photo = models.BooleanField(_("foto pubblicata"), default=False)
    moderation_note = models.CharField(_("motivo della verifica"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pubblicata da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    objects: ClassVar[ReportQuerySet] = ReportQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        indexes = [
            # The public map and Open311 read public reports newest first: partial indexes
            # whose condition is the query's own filter (SQLite and PostgreSQL use them).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_sensitive=False, duplicate_of__isnull=True),
                name="report_public_map_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_sensitive=False),
                name="report_public_time_idx",
            ),
            # Duplicates are few: index only them, so "not a duplicate" reads the above.
            models.Index(
                fields=["duplicate_of"],
                condition=Q(duplicate_of__isnull=False),
                name="report_duplicate_of_idx",
            ),
            models.Index(fields=["category", "-created_at"], name="report_category_idx"),
            models.Index(fields=["neighbourhood", "-created_at"], name="report_area_idx"),
            models.Index(fields=["organization", "status"], name="report_org_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="report_position_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="report_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=models.F("pk")),
                name="report_not_its_own_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(is_sensitive=False, published_at__isnull=False),
                name="report_published_is_public",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def awaits_moderation(self) -> bool:
        return not self.is_sensitive and not self.is_published

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def reopen_deadline(self) -> datetime | None:
        if self.status != ReportStatus.RESOLVED or self.resolved_at is None:
            return None
        return self.resolved_at + timedelta(days=settings_reopen_days())


def settings_reopen_days() -> int:
    """How many days after resolution the reporter may reopen (setting, default 14)."""
    return int(settings.SOLIDALE_REPORT_REOPEN_DAYS)


class ReportEvent(models.Model):
    """One step of a report's history: the closed loop the reporter sees."""

    report = models.ForeignKey(Report, related_name="events", on_delete=models.CASCADE)
    status = models.CharField(_("stato"), max_length=12, choices=ReportStatus.choices)
    note = models.TextField(_("nota"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    at = models.DateTimeField(_("quando"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("passaggio della segnalazione")
        verbose_name_plural = _("passaggi della segnalazione")

    def __str__(self) -> str:
        return f"{self.report_id} {self.status}"


class Open311Client(TimeStampedModel):
    """An application allowed to create reports through the Open311 API (its ``api_key``)."""

    name = models.CharField(_("nome dell'applicazione"), max_length=100, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("applicazione Open311")
        verbose_name_plural = _("applicazioni Open311")

    def __str__(self) -> str:
        return self.name


class PresidioKind(models.TextChoices):
    PRESENCE_POINT = "presence_point", _("punto di presenza")
    WALK = "walk", _("passeggiata con i volontari")
    COMMUNITY_HUB = "community_hub", _("spazio di comunità")
    HOMEWORK = "homework", _("aiuto compiti")
    OTHER = "other", _("altro")


class Presidio(TimeStampedModel):
    """A recurring social-presence activity in a neighbourhood (weekly)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lunedì")
        TUESDAY = 1, _("martedì")
        WEDNESDAY = 2, _("mercoledì")
        THURSDAY = 3, _("giovedì")
        FRIDAY = 4, _("venerdì")
        SATURDAY = 5, _("sabato")
        SUNDAY = 6, _("domenica")

    title = models.CharField(_("titolo"), max_length=150)
    kind = models.CharField(_("tipo"), max_length=16, choices=PresidioKind.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), related_name="presidi", on_delete=models.PROTECT
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione"),
        related_name="presidi",
        on_delete=models.PROTECT,
    )
    place = models.CharField(_("luogo"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    start_time = models.TimeField(_("dalle"))
    end_time = models.TimeField(_("alle"))
    description = models.TextField(_("descrizione"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["neighbourhood__name", "weekday", "start_time"]
        verbose_name = _("presidio")
        verbose_name_plural = _("presidi")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="presidio_times_in_order"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="presidio_weekday_range"),
        ]

    def __str__(self) -> str:
        return self.title


class PresidioSession(TimeStampedModel):
    """One session of a presidio: who was on duty, how many came, how it went."""

    presidio = models.ForeignKey(
        Presidio, verbose_name=_("presidio"), related_name="sessions", on_delete=models.CASCADE
    )
    date = models.DateField(_("data"))
    volunteers = models.CharField(_("volontari in servizio"), max_length=300, blank=True)
    attendance = models.PositiveIntegerField(_("presenze"), default=0)
    outcome = models.CharField(_("esito in breve"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrato da"),
        related_name="+",
        null=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("uscita del presidio")
        verbose_name_plural = _("uscite del presidio")
        constraints = [
            models.UniqueConstraint(fields=["presidio", "date"], name="presidio_session_one_a_day"),
            models.CheckConstraint(condition=Q(attendance__gte=0), name="presidio_attendance_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.presidio} {self.date:%d/%m/%Y}"


class EventKind(models.TextChoices):
    ASSEMBLY = "assembly", _("assemblea di quartiere")
    MEETING = "meeting", _("incontro")


class ParticipationEvent(TimeStampedModel):
    """A neighbourhood assembly or meeting: registration, attendance, proposals, decisions."""

    title = models.CharField(_("titolo"), max_length=150)
    kind = models.CharField(_("tipo"), max_length=10, choices=EventKind.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartiere"),
        related_name="participation_events",
        on_delete=models.PROTECT,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione"),
        related_name="participation_events",
        on_delete=models.PROTECT,
    )
    starts_at = models.DateTimeField(_("inizio"))
    place = models.CharField(_("luogo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    capacity = models.PositiveIntegerField(_("posti"), null=True, blank=True)
    registered = models.PositiveIntegerField(_("iscritti"), default=0, editable=False)
    attendance = models.PositiveIntegerField(_("presenti"), null=True, blank=True)
    decisions = models.TextField(_("decisioni"), blank=True)
    decisions_published_at = models.DateTimeField(_("decisioni pubblicate il"), null=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("evento di partecipazione")
        verbose_name_plural = _("eventi di partecipazione")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(registered__lte=models.F("capacity")),
                name="event_not_over_capacity",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered, 0)


class EventRegistration(TimeStampedModel):
    event = models.ForeignKey(
        ParticipationEvent,
        verbose_name=_("evento"),
        related_name="registrations",
        on_delete=models.CASCADE,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cittadino"),
        related_name="event_registrations",
        on_delete=models.CASCADE,
    )
    attended = models.BooleanField(_("presente"), default=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="event_registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.user_id}"


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("presentata")
    UNDER_REVIEW = "under_review", _("in esame")
    ACCEPTED = "accepted", _("accolta")
    REJECTED = "rejected", _("non accolta")
    IMPLEMENTED = "implemented", _("realizzata")


class Proposal(TimeStampedModel):
    """A citizen's proposal to a participation event, with the official answer."""

    event = models.ForeignKey(
        ParticipationEvent,
        verbose_name=_("evento"),
        related_name="proposals",
        on_delete=models.CASCADE,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        related_name="neighbourhood_proposals",
        on_delete=models.CASCADE,
    )
    title = models.CharField(_("titolo"), max_length=150)
    text = models.TextField(_("proposta"))
    status = models.CharField(
        _("stato"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    answer = models.TextField(_("risposta ufficiale"), blank=True)
    answered_at = models.DateTimeField(_("risposta data il"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")

    def __str__(self) -> str:
        return self.title
