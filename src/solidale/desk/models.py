"""Segretariato Sociale: the doors of the network (offices), every access (contatto) at any
door, and the online requests citizens send from the public site."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood, TimeStampedModel
from solidale.network.models import NeedCategory
from solidale.people.models import Person


class Office(models.Model):
    """A door of the network: a Comune desk in a neighbourhood, a partner's help desk."""

    organization = models.ForeignKey(Organization, related_name="offices", on_delete=models.CASCADE)
    name = models.CharField(_("nome"), max_length=120)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="office_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    DESK = "desk", _("sportello")
    PHONE = "phone", _("telefono")
    EMAIL = "email", _("e-mail")
    ONLINE = "online", _("online")
    HOME_VISIT = "home_visit", _("visita domiciliare")
    STREET = "street", _("unità di strada")
    PARTNER = "partner", _("organizzazione partner")


class Outcome(models.TextChoices):
    PENDING = "pending", _("in attesa di risposta")
    INFORMATION = "information", _("solo informazione")
    ORIENTATION = "orientation", _("orientamento")
    REFERRAL = "referral", _("invio a un servizio")
    TAKING_CHARGE = "taking_charge", _("presa in carico")
    NO_FOLLOW_UP = "no_follow_up", _("nessun seguito")


class Urgency(models.TextChoices):
    LOW = "low", _("bassa")
    MEDIUM = "medium", _("media")
    HIGH = "high", _("alta")
    URGENT = "urgent", _("urgente")


class Access(TimeStampedModel):
    """A contact at any door of the network. Recorded lightly: information alone does not
    open a social record (taking charge is a separate step, in the cases app)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione"),
        related_name="accesses",
        on_delete=models.PROTECT,
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("sportello"),
        related_name="accesses",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore"),
        related_name="desk_accesses",
        on_delete=models.PROTECT,
    )
    occurred_at = models.DateTimeField(_("data e ora"), default=timezone.now, db_index=True)
    channel = models.CharField(
        _("canale"), max_length=12, choices=Channel.choices, default=Channel.DESK
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persona"),
        related_name="accesses",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    unidentified_description = models.TextField(
        _("descrizione della persona non identificata"), blank=True
    )
    referred_by = models.CharField(_("inviato da"), max_length=200, blank=True)
    request = models.TextField(_("richiesta"), blank=True)
    information_given = models.TextField(_("informazioni date"), blank=True)
    outcome = models.CharField(
        _("esito"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    follow_up_on = models.DateField(_("data di ricontatto"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("ricontatto fatto il"), null=True, blank=True)
    privacy_notice_given = models.BooleanField(_("informativa privacy consegnata"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnato a"),
        related_name="assigned_accesses",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    assigned_at = models.DateTimeField(_("assegnato il"), null=True, blank=True)
    needs: models.ManyToManyField[NeedCategory, AccessNeed] = models.ManyToManyField(
        NeedCategory, through="AccessNeed", related_name="accesses", verbose_name=_("bisogni")
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("accesso")
        verbose_name_plural = _("accessi")
        indexes = [
            models.Index(fields=["organization", "-occurred_at"], name="access_org_time_idx"),
            models.Index(fields=["person", "-occurred_at"], name="access_person_time_idx"),
            models.Index(fields=["follow_up_on"], name="access_follow_up_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(unidentified_description=""),
                name="access_person_or_description",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%d/%m/%Y %H:%M}"

    @property
    def needs_answer(self) -> bool:
        return self.outcome == Outcome.PENDING or (
            self.follow_up_on is not None and self.follow_up_done_at is None
        )


class AccessNeed(models.Model):
    """A need expressed at an access, with its urgency."""

    access = models.ForeignKey(Access, related_name="access_needs", on_delete=models.CASCADE)
    need = models.ForeignKey(
        NeedCategory, verbose_name=_("bisogno"), related_name="+", on_delete=models.PROTECT
    )
    urgency = models.CharField(
        _("urgenza"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM
    )

    class Meta:
        ordering = ["need__order", "need__name"]
        verbose_name = _("bisogno espresso")
        verbose_name_plural = _("bisogni espressi")
        constraints = [
            models.UniqueConstraint(fields=["access", "need"], name="access_need_unique")
        ]

    def __str__(self) -> str:
        return f"{self.need} ({self.get_urgency_display()})"


class OnlineRequest(TimeStampedModel):
    """A request for help sent by a citizen from the public site (for themselves or
    reporting someone in difficulty). It enters the triage queue."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("ricevuta")
        IN_TRIAGE = "in_triage", _("in valutazione")
        ANSWERED = "answered", _("risposta data")
        CLOSED = "closed", _("chiusa")

    class Subject(models.TextChoices):
        SELF = "self", _("per me")
        SOMEONE_ELSE = "someone_else", _("per un'altra persona in difficoltà")

    class ContactPreference(models.TextChoices):
        PHONE = "phone", _("telefono")
        EMAIL = "email", _("e-mail")
        NONE = "none", _("nessun contatto")

    tracking_code = models.CharField(_("codice di verifica"), max_length=20, unique=True)
    subject = models.CharField(
        _("la richiesta è"), max_length=14, choices=Subject.choices, default=Subject.SELF
    )
    category = models.ForeignKey(
        NeedCategory, verbose_name=_("area di bisogno"), related_name="+", on_delete=models.PROTECT
    )
    text = models.TextField(_("descrizione"))
    requester_name = models.CharField(_("nome di chi scrive"), max_length=150, blank=True)
    contact_preference = models.CharField(
        _("come preferisce essere contattato"),
        max_length=6,
        choices=ContactPreference.choices,
        default=ContactPreference.EMAIL,
    )
    contact_phone = models.CharField(_("telefono"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    consent_text_version = models.CharField(_("versione dell'informativa accettata"), max_length=40)
    consent_given_at = models.DateTimeField(_("consenso espresso il"), default=timezone.now)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cittadino"),
        related_name="online_requests",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione che risponde"),
        related_name="online_requests",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persona"),
        related_name="online_requests",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("ultimo aggiornamento"), default=timezone.now)
    urgency = models.CharField(
        _("urgenza"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    answer = models.TextField(_("risposta al cittadino"), blank=True)
    answered_at = models.DateTimeField(_("risposta data il"), null=True, blank=True)
    internal_notes = models.TextField(_("note interne"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata a"),
        related_name="assigned_online_requests",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    assigned_at = models.DateTimeField(_("assegnata il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("richiesta online")
        verbose_name_plural = _("richieste online")
        indexes = [models.Index(fields=["status", "created_at"], name="online_request_status_idx")]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.IN_TRIAGE)
