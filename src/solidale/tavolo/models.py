"""The coordination table (Tavolo Solidale): meetings, minutes, decisions, action items,
and the shared needs board with pledges.

A meeting is convened by a Comune coordinator for the organizations it invites. Its
minutes are written during the meeting, one text per agenda item, and every save is kept
as a version (author and time); once the meeting is closed the minutes are published to
the participants. Decisions give birth to action items owned by an organization, with a
deadline; an open action past its deadline is overdue.

The needs board holds needs in AGGREGATE form only ("10 famiglie senza riscaldamento"),
never personal data; other organizations answer with pledges, and the need's status
follows the quantity delivered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood, TimeStampedModel
from solidale.network.models import NeedCategory
from solidale.referrals.models import Referral


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("convocata")
    CLOSED = "closed", _("chiusa")
    PUBLISHED = "published", _("verbale pubblicato")


class Meeting(TimeStampedModel):
    title = models.CharField(_("titolo"), max_length=200)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine prevista"), null=True, blank=True)
    place = models.CharField(_("luogo"), max_length=200, blank=True)
    online_url = models.URLField(_("collegamento online"), blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione che convoca"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("convocata da"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    published_at = models.DateTimeField(_("verbale pubblicato il"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("seduta del tavolo")
        verbose_name_plural = _("sedute del tavolo")
        constraints = [
            models.CheckConstraint(
                name="tavolo_meeting_place_or_link",
                condition=~Q(place="") | ~Q(online_url=""),
            ),
            models.CheckConstraint(
                name="tavolo_meeting_published_has_date",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tavolo:meeting_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED


class Participant(models.Model):
    """An organization invited to a meeting, and whether it attended."""

    meeting = models.ForeignKey(Meeting, related_name="participants", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    attended = models.BooleanField(_("presente"), default=False)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("organizzazione invitata")
        verbose_name_plural = _("organizzazioni invitate")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"], name="tavolo_participant_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Attendee(models.Model):
    """A person present at the meeting, for an organization."""

    meeting = models.ForeignKey(Meeting, related_name="attendees", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    full_name = models.CharField(_("nome e cognome"), max_length=150)
    role = models.CharField(_("ruolo"), max_length=100, blank=True)

    class Meta:
        ordering = ["organization__name", "full_name"]
        verbose_name = _("presente")
        verbose_name_plural = _("presenti")

    def __str__(self) -> str:
        return self.full_name


class AgendaItem(models.Model):
    """A point of the agenda, with its current minutes (the latest version)."""

    meeting = models.ForeignKey(Meeting, related_name="agenda_items", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("posizione"))
    title = models.CharField(_("punto all'ordine del giorno"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    minutes = models.TextField(_("verbale"), blank=True)
    minutes_version = models.PositiveIntegerField(_("versione del verbale"), default=0)

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("punto all'ordine del giorno")
        verbose_name_plural = _("ordine del giorno")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="tavolo_agenda_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class MinutesVersion(models.Model):
    """Every save of an agenda item's minutes, kept with its author and time."""

    agenda_item = models.ForeignKey(AgendaItem, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField(_("versione"))
    text = models.TextField(_("testo"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    saved_at = models.DateTimeField(_("salvato il"), default=timezone.now)

    class Meta:
        ordering = ["agenda_item", "-number"]
        verbose_name = _("versione del verbale")
        verbose_name_plural = _("versioni del verbale")
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "number"], name="tavolo_minutes_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item_id} v{self.number}"


class Decision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, related_name="decisions", on_delete=models.CASCADE)
    text = models.TextField(_("decisione"))
    vote_note = models.CharField(
        _("voto o consenso"),
        max_length=200,
        blank=True,
        help_text=_("Per esempio: all'unanimità; 7 favorevoli, 1 astenuto."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("registrata il"), default=timezone.now)

    class Meta:
        ordering = ["agenda_item__position", "recorded_at", "id"]
        verbose_name = _("decisione")
        verbose_name_plural = _("decisioni")

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("da avviare")
    IN_PROGRESS = "in_progress", _("in corso")
    DONE = "done", _("conclusa")
    CANCELLED = "cancelled", _("annullata")


ACTIVE_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionQuerySet(models.QuerySet["Action"]):
    def active(self) -> ActionQuerySet:
        return self.filter(status__in=ACTIVE_ACTION_STATUSES)

    def overdue(self, today: date | None = None) -> ActionQuerySet:
        return self.active().filter(deadline__lt=today or timezone.localdate())


class Action(TimeStampedModel):
    """An action item born from a decision, owned by one organization."""

    decision = models.ForeignKey(Decision, related_name="actions", on_delete=models.PROTECT)
    meeting = models.ForeignKey(Meeting, related_name="actions", on_delete=models.PROTECT)
    title = models.CharField(_("azione"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione responsabile"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona responsabile"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    deadline = models.DateField(_("scadenza"))
    status = models.CharField(
        _("stato"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    needs: models.ManyToManyField[Need, Any] = models.ManyToManyField(
        "Need", verbose_name=_("bisogni affrontati"), related_name="actions", blank=True
    )
    referrals = models.ManyToManyField(
        Referral, verbose_name=_("invii collegati"), related_name="+", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        indexes = [models.Index(fields=["status", "deadline"], name="tavolo_action_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_active and self.deadline < timezone.localdate()


class ActionProgress(models.Model):
    """A progress note on an action, with the status it moved to."""

    action = models.ForeignKey(Action, related_name="progress", on_delete=models.CASCADE)
    note = models.TextField(_("nota"), blank=True)
    status = models.CharField(_("stato"), max_length=12, choices=ActionStatus.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("avanzamento")
        verbose_name_plural = _("avanzamenti")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.get_status_display()}"


class Urgency(models.TextChoices):
    LOW = "low", _("bassa")
    MEDIUM = "medium", _("media")
    HIGH = "high", _("alta")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("aperto")
    PARTIALLY_MET = "partially_met", _("in parte coperto")
    MET = "met", _("coperto")
    CLOSED = "closed", _("chiuso")


class Need(TimeStampedModel):
    """A need reported in aggregate form: how many, of what, where."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("segnalato da"), related_name="+", on_delete=models.PROTECT
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    count = models.PositiveIntegerField(_("quanti"))
    unit = models.CharField(
        _("unità"), max_length=60, help_text=_("Per esempio: famiglie, persone, pasti.")
    )
    title = models.CharField(
        _("bisogno"), max_length=150, help_text=_("Per esempio: senza riscaldamento.")
    )
    category = models.ForeignKey(
        NeedCategory, verbose_name=_("area di bisogno"), related_name="+", on_delete=models.PROTECT
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartiere"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    urgency = models.CharField(
        _("urgenza"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    description = models.TextField(_("descrizione"), blank=True)
    status = models.CharField(
        _("stato"), max_length=14, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    delivered = models.PositiveIntegerField(_("quantità consegnata"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bisogno")
        verbose_name_plural = _("bisogni")
        constraints = [
            models.CheckConstraint(name="tavolo_need_count_positive", condition=Q(count__gt=0))
        ]
        indexes = [models.Index(fields=["status", "urgency"], name="tavolo_need_status")]

    def __str__(self) -> str:
        return f"{self.count} {self.unit} {self.title}"


class PledgeStatus(models.TextChoices):
    OFFERED = "offered", _("offerto")
    CONFIRMED = "confirmed", _("confermato")
    DELIVERED = "delivered", _("consegnato")


PLEDGE_ORDER = [PledgeStatus.OFFERED, PledgeStatus.CONFIRMED, PledgeStatus.DELIVERED]


class Pledge(TimeStampedModel):
    """An organization's answer to a need: what, how much, by when."""

    need = models.ForeignKey(Need, related_name="pledges", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organizzazione"), related_name="+", on_delete=models.PROTECT
    )
    pledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    what = models.CharField(_("che cosa"), max_length=200)
    quantity = models.PositiveIntegerField(_("quanto"))
    by_date = models.DateField(_("entro il"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.OFFERED
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("impegno")
        verbose_name_plural = _("impegni")
        constraints = [
            models.CheckConstraint(
                name="tavolo_pledge_quantity_positive", condition=Q(quantity__gt=0)
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.what}"
