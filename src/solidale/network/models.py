"""The network: shared reference data (the needs taxonomy), organization profiles and
agreements with the Comune, and the services directory shaped like Open Referral HSDS 3.0
(program, service, location, service at location, schedule) with live capacity.

Nothing here holds personal data: the directory is public.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood, TimeStampedModel

#: iCalendar weekday codes (RFC 5545 BYDAY), Monday first as ``date.weekday()``.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class NeedCategory(models.Model):
    """An area of need (DOMAIN.md needs taxonomy), kept as data: accesses, services and the
    needs board all speak of needs in these terms."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("area di bisogno")
        verbose_name_plural = _("aree di bisogno")

    def __str__(self) -> str:
        return self.name


class LegalForm(models.TextChoices):
    ODV = "odv", _("organizzazione di volontariato (ODV)")
    APS = "aps", _("associazione di promozione sociale (APS)")
    COOPERATIVA_SOCIALE = "coop_sociale", _("cooperativa sociale")
    IMPRESA_SOCIALE = "impresa_sociale", _("impresa sociale")
    FONDAZIONE = "fondazione", _("fondazione")
    ENTE_RELIGIOSO = "ente_religioso", _("ente religioso civilmente riconosciuto")
    ENTE_PUBBLICO = "ente_pubblico", _("ente pubblico")
    ALTRO = "altro", _("altro")


class OrganizationProfile(TimeStampedModel):
    """What the network knows of an organization beyond the account data (ADR 0002)."""

    organization = models.OneToOneField(
        Organization, related_name="profile", on_delete=models.CASCADE
    )
    legal_form = models.CharField(
        _("forma giuridica"), max_length=20, choices=LegalForm.choices, blank=True
    )
    description = models.TextField(_("descrizione"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    public_email = models.EmailField(_("e-mail pubblica"), blank=True)
    public_phone = models.CharField(_("telefono pubblico"), max_length=30, blank=True)
    contact_role = models.CharField(
        _("riferimento (ruolo o ufficio)"),
        max_length=120,
        blank=True,
        help_text=_("Un ruolo o un ufficio, non il nome di una persona."),
    )
    areas = models.ManyToManyField(
        NeedCategory, verbose_name=_("aree di intervento"), related_name="profiles", blank=True
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("quartieri serviti"), related_name="profiles", blank=True
    )

    class Meta:
        verbose_name = _("profilo dell'organizzazione")
        verbose_name_plural = _("profili delle organizzazioni")

    def __str__(self) -> str:
        return str(self.organization)


class AgreementKind(models.TextChoices):
    CONVENZIONE = "convenzione", _("convenzione")
    COPROGETTAZIONE = "coprogettazione", _("co-progettazione (art. 55 CTS)")
    ACCREDITAMENTO = "accreditamento", _("accreditamento")
    ALTRO = "altro", _("altro accordo")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def expiring_within(self, days: int, *, today: date | None = None) -> AgreementQuerySet:
        today = today or timezone.localdate()
        return self.filter(valid_to__gte=today, valid_to__lte=today + timedelta(days=days))

    def in_force(self, *, today: date | None = None) -> AgreementQuerySet:
        today = today or timezone.localdate()
        return self.filter(valid_from__lte=today).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )


class Agreement(TimeStampedModel):
    """An agreement between an organization and the Comune, with its validity."""

    organization = models.ForeignKey(
        Organization, related_name="agreements", on_delete=models.CASCADE
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=AgreementKind.choices)
    title = models.CharField(_("oggetto"), max_length=200)
    reference = models.CharField(_("estremi dell'atto"), max_length=100, blank=True)
    valid_from = models.DateField(_("valido dal"))
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["valid_to", "title"]
        verbose_name = _("accordo con il Comune")
        verbose_name_plural = _("accordi con il Comune")
        indexes = [models.Index(fields=["valid_to"], name="agreement_valid_to_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="agreement_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Program(TimeStampedModel):
    """HSDS ``program``: a group of services run together by one organization."""

    organization = models.ForeignKey(
        Organization, related_name="programs", on_delete=models.CASCADE
    )
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="program_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("attivo")
    INACTIVE = "inactive", _("non attivo")
    DEFUNCT = "defunct", _("cessato")
    TEMPORARILY_CLOSED = "temporarily closed", _("temporaneamente chiuso")


class ServiceQuerySet(models.QuerySet["Service"]):
    def active(self) -> ServiceQuerySet:
        return self.filter(status=ServiceStatus.ACTIVE)

    def listed(self) -> ServiceQuerySet:
        """What the public directory shows: everything but defunct services."""
        return self.exclude(status=ServiceStatus.DEFUNCT)

    def stale(self, days: int, *, now: datetime | None = None) -> ServiceQuerySet:
        limit = (now or timezone.now()) - timedelta(days=days)
        return self.listed().filter(
            Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=limit)
        )


class Service(TimeStampedModel):
    """HSDS ``service``: what an organization offers to citizens."""

    organization = models.ForeignKey(
        Organization, related_name="services", on_delete=models.CASCADE
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programma"),
        related_name="services",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    need_categories = models.ManyToManyField(
        NeedCategory, verbose_name=_("aree di bisogno"), related_name="services", blank=True
    )
    eligibility_description = models.TextField(_("a chi si rivolge"), blank=True)
    languages = models.CharField(
        _("lingue"),
        max_length=100,
        blank=True,
        help_text=_("Codici ISO 639-1 separati da virgole, per esempio: it,en,ar"),
    )
    is_free = models.BooleanField(_("gratuito"), default=True)
    fees_description = models.CharField(_("costi"), max_length=255, blank=True)
    required_documents = models.TextField(_("documenti richiesti"), blank=True)
    application_process = models.TextField(_("come accedere"), blank=True)
    url = models.URLField(_("sito web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    last_confirmed_at = models.DateTimeField(_("ultima conferma"), null=True, blank=True)
    last_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confermato da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        indexes = [
            models.Index(fields=["status", "name"], name="service_status_name_idx"),
            models.Index(fields=["organization", "status"], name="service_org_status_idx"),
            models.Index(fields=["last_confirmed_at"], name="service_confirmed_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


class Location(TimeStampedModel):
    """HSDS ``location``: a physical place where services are delivered."""

    organization = models.ForeignKey(
        Organization, related_name="locations", on_delete=models.CASCADE
    )
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    city = models.CharField(_("comune"), max_length=80, default="Massa")
    postal_code = models.CharField(_("CAP"), max_length=10, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartiere"),
        related_name="locations",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    latitude = models.FloatField(_("latitudine"), null=True, blank=True)
    longitude = models.FloatField(_("longitudine"), null=True, blank=True)
    accessibility = models.CharField(
        _("accessibilità"),
        max_length=255,
        blank=True,
        help_text=_("Per esempio: ingresso senza gradini, bagno accessibile."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("luogo")
        verbose_name_plural = _("luoghi")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    """HSDS ``service_at_location``: a service delivered at a location."""

    service = models.ForeignKey(
        Service, related_name="service_at_locations", on_delete=models.CASCADE
    )
    location = models.ForeignKey(
        Location, related_name="service_at_locations", on_delete=models.CASCADE
    )
    description = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("servizio in un luogo")
        verbose_name_plural = _("servizi nei luoghi")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class ScheduleFreq(models.TextChoices):
    WEEKLY = "WEEKLY", _("settimanale")
    DAILY = "DAILY", _("giornaliera")


class Schedule(models.Model):
    """HSDS ``schedule``: opening hours as an iCalendar-like recurrence.

    ``byday`` lists RFC 5545 weekday codes (``MO,WE``); a ``closes_at`` not after
    ``opens_at`` means the opening runs past midnight into the next day.
    """

    service = models.ForeignKey(Service, related_name="schedules", on_delete=models.CASCADE)
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        related_name="schedules",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    freq = models.CharField(
        _("frequenza"), max_length=10, choices=ScheduleFreq.choices, default=ScheduleFreq.WEEKLY
    )
    byday = models.CharField(_("giorni"), max_length=30, blank=True)
    opens_at = models.TimeField(_("apre alle"))
    closes_at = models.TimeField(_("chiude alle"))
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_to = models.DateField(_("valido fino al"), null=True, blank=True)
    description = models.CharField(_("descrizione"), max_length=255, blank=True)

    class Meta:
        ordering = ["service", "opens_at"]
        verbose_name = _("orario")
        verbose_name_plural = _("orari")

    def __str__(self) -> str:
        return f"{self.byday or self.freq} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    @property
    def days(self) -> list[str]:
        if self.freq == ScheduleFreq.DAILY:
            return list(WEEKDAY_CODES)
        return [code.strip().upper() for code in self.byday.split(",") if code.strip()]

    @property
    def crosses_midnight(self) -> bool:
        return self.closes_at <= self.opens_at

    def _opens_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        return WEEKDAY_CODES[day.weekday()] in self.days

    def is_open_at(self, moment: datetime) -> bool:
        """Whether this recurrence is open at ``moment`` (local time of the site)."""
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        today, now = local.date(), local.time()
        if self.crosses_midnight:
            if now >= self.opens_at and self._opens_on(today):
                return True
            return now < self.closes_at and self._opens_on(today - timedelta(days=1))
        return self.opens_at <= now < self.closes_at and self._opens_on(today)


def open_schedules_q(moment: datetime, prefix: str = "") -> Q:
    """The same rule as ``Schedule.is_open_at`` as a database filter (``prefix`` reaches
    the schedule from another model, e.g. ``"schedules__"``)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    today, now = local.date(), local.time()
    yesterday = today - timedelta(days=1)

    def p(name: str) -> str:
        return prefix + name

    def opens_on(day: date) -> Q:
        return (
            (Q(**{p("valid_from__isnull"): True}) | Q(**{p("valid_from__lte"): day}))
            & (Q(**{p("valid_to__isnull"): True}) | Q(**{p("valid_to__gte"): day}))
            & (
                Q(**{p("freq"): ScheduleFreq.DAILY})
                | Q(**{p("byday__icontains"): WEEKDAY_CODES[day.weekday()]})
            )
        )

    same_day = Q(**{p("opens_at__lte"): now, p("closes_at__gt"): now}) & Q(
        **{p("closes_at__gt"): F(p("opens_at"))}
    )
    overnight_start = Q(**{p("closes_at__lte"): F(p("opens_at")), p("opens_at__lte"): now})
    overnight_end = Q(**{p("closes_at__lte"): F(p("opens_at")), p("closes_at__gt"): now})
    return ((same_day | overnight_start) & opens_on(today)) | (overnight_end & opens_on(yesterday))


class CapacityKind(models.TextChoices):
    BEDS = "beds", _("posti letto")
    PLACES = "places", _("posti")
    APPOINTMENTS = "appointments", _("appuntamenti disponibili")
    PARCELS_WEEK = "parcels_week", _("pacchi alimentari questa settimana")
    MEALS = "meals", _("pasti oggi")


class Capacity(models.Model):
    """Live capacity of a service: how many of what, how many still available."""

    service = models.ForeignKey(Service, related_name="capacities", on_delete=models.CASCADE)
    kind = models.CharField(_("tipo"), max_length=20, choices=CapacityKind.choices)
    total = models.PositiveIntegerField(_("totale"))
    available = models.PositiveIntegerField(_("disponibili"))
    updated_at = models.DateTimeField(_("aggiornato il"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aggiornato da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["service", "kind"]
        verbose_name = _("disponibilità")
        verbose_name_plural = _("disponibilità")
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="capacity_unique_kind"),
            models.CheckConstraint(
                condition=Q(available__gte=0) & Q(available__lte=F("total")),
                name="capacity_available_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.available}/{self.total}"
