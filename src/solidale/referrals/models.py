"""Closed-loop referrals (invii) between the organizations of the network.

A referral goes from a case, an access or an online request of the sending
organization to a service of another organization. The receiving organization owns
it from acceptance; the status moves only by conditional updates (``services``), so
two operators racing on the same referral can never both win.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.people.models import Consent, FieldSet, Person, PersonLink


class Urgency(models.TextChoices):
    LOW = "low", _("bassa")
    NORMAL = "normal", _("ordinaria")
    HIGH = "high", _("alta")
    URGENT = "urgent", _("urgente")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("inviato")
    ACCEPTED = "accepted", _("accettato")
    DECLINED = "declined", _("rifiutato")
    IN_PROGRESS = "in_progress", _("in corso")
    COMPLETED = "completed", _("concluso")
    CANCELLED = "cancelled", _("ritirato")


#: The states in which the receiving organization owns the referral.
OWNED_BY_RECEIVER = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS})
#: The states nothing moves out of.
CLOSED_STATUSES = frozenset(
    {ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED}
)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("nessuna disponibilità al momento")
    NOT_ELIGIBLE = "not_eligible", _("la persona non ha i requisiti del servizio")
    OUT_OF_AREA = "out_of_area", _("fuori dalla zona servita")
    NOT_OUR_SERVICE = "not_our_service", _("il bisogno non riguarda questo servizio")
    ALREADY_FOLLOWED = "already_followed", _("la persona è già seguita da noi")
    OTHER = "other", _("altro motivo")


class Outcome(models.TextChoices):
    MET = "met", _("bisogno soddisfatto")
    PARTIALLY_MET = "partially_met", _("bisogno soddisfatto in parte")
    NOT_MET = "not_met", _("bisogno non soddisfatto")
    PERSON_WITHDREW = "person_withdrew", _("la persona ha rinunciato")
    UNREACHABLE = "unreachable", _("persona non rintracciabile")
    OTHER = "other", _("altro esito")


#: The groups of person fields a sender may share with a referral (a referral reason
#: opens no more than these, see ``people.permissions.FIELDSETS_BY_REASON``).
SHAREABLE_FIELDSETS = (FieldSet.IDENTITY, FieldSet.CONTACTS)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, now: datetime | None = None) -> ReferralQuerySet:
        """Sent and not yet accepted or declined past the target time."""
        return self.filter(status=ReferralStatus.SENT, accept_due_at__lt=now or timezone.now())


class Referral(models.Model):
    """An invio: a person sent by one organization to another organization's service."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("cartella sociale"),
        related_name="referrals",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    access = models.ForeignKey(
        "desk.Access",
        verbose_name=_("accesso"),
        related_name="referrals",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    online_request = models.ForeignKey(
        "desk.OnlineRequest",
        verbose_name=_("richiesta online"),
        related_name="referrals",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), related_name="referrals", on_delete=models.PROTECT
    )
    service = models.ForeignKey(
        "network.Service",
        verbose_name=_("servizio"),
        related_name="referrals",
        on_delete=models.PROTECT,
    )
    need = models.ForeignKey(
        "network.NeedCategory",
        verbose_name=_("area di bisogno"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    sender_organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione inviante"),
        related_name="referrals_sent",
        on_delete=models.PROTECT,
    )
    receiver_organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione ricevente"),
        related_name="referrals_received",
        on_delete=models.PROTECT,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inviato da"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    reason = models.TextField(_("motivo dell'invio"))
    urgency = models.CharField(
        _("urgenza"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    shared_fieldsets = models.JSONField(
        _("dati condivisi"),
        default=list,
        help_text=_("I gruppi di dati della persona che l'organizzazione ricevente può vedere."),
    )
    summary = models.TextField(
        _("sintesi per chi riceve"),
        blank=True,
        help_text=_("Solo ciò che serve al servizio per prendere in carico la richiesta."),
    )
    show_identity_before_acceptance = models.BooleanField(
        _("mostra nome e contatti prima dell'accettazione"), default=False
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consenso alla condivisione"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    legal_basis = models.CharField(
        _("base giuridica"), max_length=20, choices=Consent.LegalBasis.choices, blank=True
    )
    consent_override_reason = models.TextField(_("motivo della deroga al consenso"), blank=True)
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deroga autorizzata da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    status = models.CharField(
        _("stato"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField(_("inviato il"), default=timezone.now)
    accept_due_at = models.DateTimeField(_("da accettare entro"))
    handled_at = models.DateTimeField(_("accettato o rifiutato il"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestito da"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    decline_reason = models.CharField(
        _("motivo del rifiuto"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("spiegazione del rifiuto"), blank=True)
    outcome = models.CharField(_("esito"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note sull'esito"), blank=True)
    cancel_reason = models.TextField(_("motivo del ritiro"), blank=True)
    person_link = models.ForeignKey(
        PersonLink,
        verbose_name=_("accesso alla persona"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("invio")
        verbose_name_plural = _("invii")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, access__isnull=True, online_request__isnull=True)
                    | Q(case__isnull=True, access__isnull=False, online_request__isnull=True)
                    | Q(case__isnull=True, access__isnull=True, online_request__isnull=False)
                ),
                name="referral_exactly_one_source",
                violation_error_message=_(
                    "Un invio parte da una sola cartella, accesso o richiesta online."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(sender_organization=models.F("receiver_organization")),
                name="referral_between_two_organizations",
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=False)
                | ~Q(legal_basis="")
                | ~Q(consent_override_reason=""),
                name="referral_has_a_basis_for_sharing",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="referral_completed_has_an_outcome",
            ),
        ]
        indexes = [
            models.Index(
                fields=["receiver_organization", "-sent_at", "-id"], name="referral_inbox_order"
            ),
            models.Index(
                fields=["sender_organization", "-sent_at", "-id"], name="referral_outbox_order"
            ),
            models.Index(
                fields=["status", "accept_due_at"],
                name="referral_pending_due",
                condition=Q(status="sent"),
            ),
            models.Index(fields=["person", "-sent_at"], name="referral_person"),
        ]

    def __str__(self) -> str:
        return str(_("Invio n. %(id)s") % {"id": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SENT and self.accept_due_at < timezone.now()

    @property
    def owner_organization_id(self) -> int | None:
        """One owner at a time: the sender until acceptance, then the receiver; none when closed."""
        if self.status == ReferralStatus.SENT:
            return self.sender_organization_id
        if self.status in OWNED_BY_RECEIVER:
            return self.receiver_organization_id
        return None

    @property
    def source_label(self) -> str:
        if self.case_id:
            return str(_("cartella sociale n. %(id)s") % {"id": self.case_id})
        if self.access_id:
            return str(_("accesso n. %(id)s") % {"id": self.access_id})
        return str(_("richiesta online n. %(id)s") % {"id": self.online_request_id})


class ReferralEvent(models.Model):
    """The append-only status timeline of a referral."""

    referral = models.ForeignKey(Referral, related_name="events", on_delete=models.CASCADE)
    status = models.CharField(_("stato"), max_length=12, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("passaggio dell'invio")
        verbose_name_plural = _("passaggi dell'invio")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.get_status_display()}"


class ReferralComment(models.Model):
    """A message on the referral's thread, from either side."""

    referral = models.ForeignKey(Referral, related_name="comments", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.PROTECT)
    body = models.TextField(_("messaggio"))
    created_at = models.DateTimeField(_("scritto il"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commento")
        verbose_name_plural = _("commenti")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.body[:40]}"
