"""Appointments at the doors of the network: opening hours, operators' schedules, slots and
bookings. One slot holds at most one active booking: the database says so."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import REGISTRY_ROLES, hash_token
from solidale.core.models import TimeStampedModel
from solidale.desk.models import Office
from solidale.network.models import NeedCategory
from solidale.people.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunedì")
    TUESDAY = 1, _("martedì")
    WEDNESDAY = 2, _("mercoledì")
    THURSDAY = 3, _("giovedì")
    FRIDAY = 4, _("venerdì")
    SATURDAY = 5, _("sabato")
    SUNDAY = 6, _("domenica")


class OpeningHours(models.Model):
    """One opening range of an office on a weekday (a day may have several)."""

    office = models.ForeignKey(Office, related_name="opening_hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    start = models.TimeField(_("apre alle"))
    end = models.TimeField(_("chiude alle"))

    class Meta:
        ordering = ["office", "weekday", "start"]
        verbose_name = _("orario di apertura")
        verbose_name_plural = _("orari di apertura")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="opening_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class OfficeClosure(models.Model):
    """A day the office stays closed (holiday, strike, works): no slots, no bookings."""

    office = models.ForeignKey(Office, related_name="closures", on_delete=models.CASCADE)
    date = models.DateField(_("data"))
    reason = models.CharField(_("motivo"), max_length=120, blank=True)

    class Meta:
        ordering = ["office", "date"]
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="office_closure_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.reason}".strip()


class OperatorSchedule(models.Model):
    """When an operator receives at an office: a weekday, a time range and the slot length."""

    office = models.ForeignKey(Office, related_name="operator_schedules", on_delete=models.CASCADE)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore"),
        related_name="appointment_schedules",
        on_delete=models.CASCADE,
    )
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    start = models.TimeField(_("dalle"))
    end = models.TimeField(_("alle"))
    slot_minutes = models.PositiveSmallIntegerField(_("durata di ogni appuntamento (minuti)"))

    class Meta:
        ordering = ["office", "operator", "weekday", "start"]
        verbose_name = _("disponibilità dell'operatore")
        verbose_name_plural = _("disponibilità degli operatori")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="operator_schedule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="operator_schedule_slot_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class SlotQuerySet(models.QuerySet["Slot"]):
    def free(self) -> SlotQuerySet:
        """Slots without an active booking."""
        return self.exclude(
            models.Exists(
                Appointment.objects.filter(slot=models.OuterRef("pk"), status=Status.BOOKED)
            )
        )


class Slot(models.Model):
    """A bookable time with one operator at one office, generated from the schedules."""

    office = models.ForeignKey(Office, related_name="slots", on_delete=models.CASCADE)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore"),
        related_name="appointment_slots",
        on_delete=models.CASCADE,
    )
    start = models.DateTimeField(_("inizio"))
    end = models.DateTimeField(_("fine"))

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["start", "operator_id"]
        verbose_name = _("fascia oraria")
        verbose_name_plural = _("fasce orarie")
        indexes = [
            models.Index(fields=["office", "start"], name="slot_office_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "start"], name="slot_unique_operator_start"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="slot_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.start):%d/%m/%Y %H:%M}"


class Status(models.TextChoices):
    BOOKED = "booked", _("prenotato")
    MOVED = "moved", _("spostato")
    CANCELLED = "cancelled", _("annullato")
    ATTENDED = "attended", _("presentato")
    NO_SHOW = "no_show", _("non presentato")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    NONE = "none", _("nessun promemoria")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def visible_to(self, user: User | AnonymousUser) -> AppointmentQuerySet:
        """Appointments at the offices of the user's current organization (registry roles)."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None or membership.role not in REGISTRY_ROLES:
            return self.none()
        return self.filter(slot__office__organization_id=membership.organization_id)


class Appointment(TimeStampedModel):
    """A booking of a slot for a registered person or for a citizen not yet registered."""

    slot = models.ForeignKey(
        Slot, verbose_name=_("fascia oraria"), related_name="appointments", on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persona"),
        related_name="appointments",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    contact_name = models.CharField(_("nome e cognome"), max_length=150, blank=True)
    contact_phone = models.CharField(_("telefono"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    need = models.ForeignKey(
        NeedCategory,
        verbose_name=_("motivo"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    notes = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.BOOKED, db_index=True
    )
    reminder_channel = models.CharField(
        _("promemoria"), max_length=5, choices=ReminderChannel.choices, default=ReminderChannel.NONE
    )
    reminder_sent_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prenotato da"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    moved_to = models.OneToOneField(
        "self",
        verbose_name=_("spostato a"),
        related_name="moved_from",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    closed_reason = models.CharField(_("motivo dell'annullamento"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["slot__start", "pk"]
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        indexes = [
            models.Index(fields=["person", "status"], name="appointment_person_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="booked"),
                name="appointment_one_active_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(contact_name=""),
                name="appointment_person_or_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} — {self.get_status_display()}"

    @property
    def who(self) -> str:
        return str(self.person) if self.person_id else self.contact_name


class CalendarFeed(models.Model):
    """An operator's secret iCal address: only the SHA-256 of the token is stored."""

    operator = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="appointment_calendar_feed", on_delete=models.CASCADE
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)

    class Meta:
        verbose_name = _("calendario iCal")
        verbose_name_plural = _("calendari iCal")

    def __str__(self) -> str:
        return str(self.operator)

    @staticmethod
    def generate_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(token: str) -> str:
        return hash_token(token)
