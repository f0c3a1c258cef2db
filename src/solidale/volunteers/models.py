"""Volunteers and their shifts.

A :class:`Volunteer` is registered by an organization of the Third Sector (its registry
of volunteers, required by the Codice del Terzo Settore, art. 17): skills, languages,
availability, the training course and the mandatory insurance (art. 18) with their
expiry dates, and the consent to the processing of their data. A volunteer may be
linked to a user account with the volunteer role, to sign up from a phone.

A :class:`Shift` is a time window of a registered duty activity (a food distribution,
an outreach round, a presidio, an event) for one target, with the skills it requires
and the number of volunteers it needs. A :class:`Signup` holds a volunteer on a shift:
the database keeps ``signed_count <= capacity`` (conditional UPDATE plus a check
constraint) and one active sign-up per volunteer and shift. A signup can be offered to
another volunteer (:class:`SwapOffer`); after the shift the volunteer logs the hours
and the organization confirms them. Volunteering is unpaid (art. 17): only hours are
recorded, never amounts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import TimeStampedModel


class Skill(models.TextChoices):
    FOOD_HYGIENE = "haccp", _("igiene degli alimenti (HACCP)")
    FIRST_AID = "first_aid", _("primo soccorso")
    DRIVING = "driving", _("guida di automezzi")
    LOGISTICS = "logistics", _("magazzino e carichi")
    OUTREACH = "outreach", _("unità di strada")
    LISTENING = "listening", _("ascolto e accoglienza")
    MEDIATION = "mediation", _("mediazione linguistica")
    CHILDREN = "children", _("attività con bambini e ragazzi")
    ELDERLY = "elderly", _("compagnia e aiuto ad anziani")
    DIGITAL = "digital", _("facilitazione digitale")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunedì")
    TUESDAY = 1, _("martedì")
    WEDNESDAY = 2, _("mercoledì")
    THURSDAY = 3, _("giovedì")
    FRIDAY = 4, _("venerdì")
    SATURDAY = 5, _("sabato")
    SUNDAY = 6, _("domenica")


def skill_labels(codes: list[str]) -> list[str]:
    labels = dict(Skill.choices)
    return [str(labels.get(code, code)) for code in codes]


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def active(self) -> VolunteerQuerySet:
        return self.filter(is_active=True)

    def expiring(self, *, field: str, until: date) -> VolunteerQuerySet:
        """Active volunteers whose insurance or training ends by ``until`` (or has ended)."""
        return self.active().filter(**{f"{field}__isnull": False, f"{field}__lte": until})


class Volunteer(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione"),
        related_name="volunteers",
        on_delete=models.PROTECT,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        related_name="volunteer_records",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    full_name = models.CharField(_("nome e cognome"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    skills = models.JSONField(_("competenze"), default=list, blank=True)
    languages = models.CharField(
        _("lingue parlate"), max_length=200, blank=True, help_text=_("Ad esempio: inglese, arabo.")
    )
    availability_days = models.JSONField(_("giorni di disponibilità"), default=list, blank=True)
    availability_notes = models.CharField(
        _("note sulla disponibilità"),
        max_length=200,
        blank=True,
        help_text=_("Ad esempio: solo la mattina, non in agosto."),
    )
    training_course = models.CharField(_("formazione svolta"), max_length=200, blank=True)
    training_until = models.DateField(_("formazione valida fino al"), null=True, blank=True)
    insurance_policy = models.CharField(_("polizza assicurativa"), max_length=100, blank=True)
    insurance_until = models.DateField(_("assicurazione valida fino al"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consenso al trattamento dei dati"), null=True, blank=True)
    started_on = models.DateField(_("volontario dal"), default=timezone.localdate)
    is_active = models.BooleanField(_("attivo"), default=True)
    #: The expiry dates already announced to the organization (one notice per date).
    insurance_alerted_for = models.DateField(null=True, blank=True, editable=False)
    training_alerted_for = models.DateField(null=True, blank=True, editable=False)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("volontario")
        verbose_name_plural = _("volontari")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False),
                name="volunteer_one_record_per_user_and_organization",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def skill_labels(self) -> list[str]:
        return skill_labels(self.skills)

    @property
    def availability_labels(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [str(labels[day]) for day in sorted(self.availability_days) if day in labels]

    def insured_on(self, day: date) -> bool:
        return self.insurance_until is not None and self.insurance_until >= day


class ShiftStatus(models.TextChoices):
    OPEN = "open", _("aperto")
    CANCELLED = "cancelled", _("annullato")


class ShiftQuerySet(models.QuerySet["Shift"]):
    def open(self) -> ShiftQuerySet:
        return self.filter(status=ShiftStatus.OPEN)

    def upcoming(self, now: datetime | None = None) -> ShiftQuerySet:
        return self.open().filter(ends_at__gt=now or timezone.now())


class Shift(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    activity = models.CharField(_("attività"), max_length=60)
    target = models.CharField(_("per"), max_length=100, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    title = models.CharField(_("titolo"), max_length=200)
    place = models.CharField(_("luogo di ritrovo"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    capacity = models.PositiveSmallIntegerField(_("volontari richiesti"))
    signed_count = models.PositiveSmallIntegerField(default=0, editable=False)
    required_skills = models.JSONField(_("competenze richieste"), default=list, blank=True)
    notes = models.TextField(_("note per i volontari"), blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("turno")
        verbose_name_plural = _("turni")
        indexes = [models.Index(fields=["organization", "starts_at"], name="shift_org_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_capacity_positive"),
            models.CheckConstraint(
                condition=Q(signed_count__lte=models.F("capacity")),
                name="shift_never_over_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.signed_count, 0)

    @property
    def required_skill_labels(self) -> list[str]:
        return skill_labels(self.required_skills)

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(
            Decimal("0.01")
        )


class SignupStatus(models.TextChoices):
    ACTIVE = "active", _("iscritto")
    CANCELLED = "cancelled", _("ritirato")
    SWAPPED = "swapped", _("ceduto a un altro volontario")


class HoursStatus(models.TextChoices):
    NONE = "", _("da registrare")
    LOGGED = "logged", _("da confermare")
    CONFIRMED = "confirmed", _("confermate")
    REJECTED = "rejected", _("non confermate")


class Signup(TimeStampedModel):
    shift = models.ForeignKey(
        Shift, verbose_name=_("turno"), related_name="signups", on_delete=models.CASCADE
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volontario"), related_name="signups", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.ACTIVE
    )
    hours = models.DecimalField(_("ore"), max_digits=4, decimal_places=2, null=True, blank=True)
    hours_note = models.CharField(_("nota sulle ore"), max_length=200, blank=True)
    hours_status = models.CharField(
        _("ore"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.NONE, blank=True
    )
    hours_logged_at = models.DateTimeField(null=True, blank=True)
    hours_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    hours_confirmed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shift__starts_at", "pk"]
        verbose_name = _("iscrizione al turno")
        verbose_name_plural = _("iscrizioni ai turni")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status="active"),
                name="signup_one_active_per_volunteer_and_shift",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0, hours__lte=24),
                name="signup_hours_within_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.shift}"


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("in attesa di risposta")
    ACCEPTED = "accepted", _("accettato")
    DECLINED = "declined", _("rifiutato")
    WITHDRAWN = "withdrawn", _("ritirato")


class SwapOffer(TimeStampedModel):
    signup = models.ForeignKey(Signup, related_name="swap_offers", on_delete=models.CASCADE)
    to_volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("a chi cedi il turno"),
        related_name="swap_offers_received",
        on_delete=models.PROTECT,
    )
    status = models.CharField(max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["signup"],
                condition=Q(status="pending"),
                name="swap_one_pending_offer_per_signup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.signup} → {self.to_volunteer}"
