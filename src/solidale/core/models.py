from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("creato il"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        abstract = True


class Neighbourhood(models.Model):
    """A neighbourhood (quartiere/frazione) of the town: shared reference data.

    It lives in ``core`` because the person registry needs it and domain apps may not
    be imported by ``people``; the ``neighbourhoods`` app builds its pages around it.
    """

    name = models.CharField(_("nome"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    boundary = models.JSONField(_("confine (GeoJSON)"), default=dict, blank=True)
    centroid_lat = models.FloatField(_("latitudine del centro"), null=True, blank=True)
    centroid_lon = models.FloatField(_("longitudine del centro"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("quartiere")
        verbose_name_plural = _("quartieri")

    def __str__(self) -> str:
        return self.name


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only.")

    def for_person(self, person_id: int) -> AuditQuerySet:
        return self.filter(person_id=person_id)


class AuditEvent(models.Model):
    """One append-only row per write, per read of a person's data, per export.

    Rows are chained: ``hash`` covers the row's content and the previous row's hash,
    so a changed, inserted or deleted row breaks the chain (``solidale audit verify``).
    Actor and organization are copied as ids and labels, not foreign keys: the trail
    must outlive the rows it talks about.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("creazione")
        UPDATE = "update", _("modifica")
        DELETE = "delete", _("eliminazione")
        VIEW = "view", _("consultazione")
        SEARCH = "search", _("ricerca")
        EXPORT = "export", _("esportazione")
        MERGE = "merge", _("unione")
        UNMERGE = "unmerge", _("annullamento unione")
        LOGIN = "login", _("accesso")
        LOGOUT = "logout", _("uscita")
        LOGIN_FAILED = "login_failed", _("accesso fallito")
        GRANT = "grant", _("concessione")
        REVOKE = "revoke", _("revoca")
        BULK_CREATE = "bulk_create", _("creazione massiva")
        ERASE = "erase", _("cancellazione/pseudonimizzazione")

    at = models.DateTimeField(_("quando (UTC)"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("utente"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("utente (etichetta)"), max_length=254, blank=True)
    organization_id = models.BigIntegerField(_("organizzazione"), null=True, blank=True)
    organization_label = models.CharField(
        _("organizzazione (etichetta)"), max_length=200, blank=True
    )
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("tipo di oggetto"), max_length=64, db_index=True)
    object_id = models.CharField(_("id oggetto"), max_length=64, blank=True)
    object_label = models.CharField(_("oggetto"), max_length=200, blank=True)
    person_id = models.BigIntegerField(
        _("persona interessata"), null=True, blank=True, db_index=True
    )
    changes = models.JSONField(_("campi modificati"), default=dict, blank=True)
    purpose = models.CharField(_("finalità"), max_length=255, blank=True)
    request_id = models.CharField(_("id richiesta"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        indexes = [models.Index(fields=["person_id", "-at"], name="audit_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only.")

    def content(self) -> str:
        """The canonical text the hash covers."""
        payload = [
            self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            self.actor_id,
            self.actor_label,
            self.organization_id,
            self.organization_label,
            self.action,
            self.object_type,
            self.object_id,
            self.object_label,
            self.person_id,
            self.changes,
            self.purpose,
            self.request_id,
        ]
        return json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(f"{self.prev_hash}|{self.content()}".encode()).hexdigest()


class AuditChainHead(models.Model):
    """The single row that serializes appends and remembers the last hash and count."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("testa della catena di audit")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="auditchainhead_singleton")
        ]

    def __str__(self) -> str:
        return f"{self.count} events, last {self.last_hash[:12]}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice for one user; e-mailed by the task worker after commit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE
    )
    kind = models.CharField(_("tipo"), max_length=40)
    title = models.CharField(_("titolo"), max_length=200)
    body = models.TextField(_("testo"), blank=True)
    url = models.CharField(_("collegamento"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("inviata per e-mail il"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class PeriodicRun(models.Model):
    """When the scheduler last enqueued a periodic task (see ``core.schedule``)."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attività periodica")
        verbose_name_plural = _("attività periodiche")

    def __str__(self) -> str:
        return self.name
