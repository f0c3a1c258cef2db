from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.core.models import Neighbourhood, TimeStampedModel


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinatore")
    SOCIAL_WORKER = "social_worker", _("assistente sociale")
    DESK_OPERATOR = "desk_operator", _("operatore di sportello")
    ORG_ADMIN = "org_admin", _("amministratore dell'organizzazione")
    ORG_OPERATOR = "org_operator", _("operatore dell'organizzazione")
    VOLUNTEER = "volunteer", _("volontario")
    HOUSING_OFFICER = "housing_officer", _("funzionario casa (ERP)")
    VIEWER = "viewer", _("osservatore (solo dati aggregati)")


#: Roles that work with persons' records (and so need a second factor when required).
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.DESK_OPERATOR,
        Role.ORG_ADMIN,
        Role.ORG_OPERATOR,
        Role.HOUSING_OFFICER,
        Role.VOLUNTEER,
    }
)
#: Roles that may open the person registry through their organization's reasons.
REGISTRY_ROLES = PERSONAL_DATA_ROLES - {Role.VOLUNTEER}


class Organization(TimeStampedModel):
    class Kind(models.TextChoices):
        COMUNE = "comune", _("Comune (servizi sociali)")
        ETS = "ets", _("ente del Terzo Settore")
        ERP = "erp", _("ente gestore ERP")
        OTHER = "other", _("altro")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    short_name = models.CharField(_("nome breve"), max_length=60, blank=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    runts_number = models.CharField(
        _("numero RUNTS"),
        max_length=30,
        blank=True,
        help_text=_(
            "Registro Unico Nazionale del Terzo Settore: obbligatorio per gli ETS iscritti."
        ),
    )
    tax_code = models.CharField(_("codice fiscale / partita IVA"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_comune(self) -> bool:
        return self.kind == self.Kind.COMUNE


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: staff of an organization (through memberships) or a citizen."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("nome e cognome"), max_length=150)
    is_active = models.BooleanField(_("attivo"), default=True)
    is_staff = models.BooleanField(_("accesso all'amministrazione tecnica"), default=False)
    is_citizen = models.BooleanField(_("cittadino"), default=False)
    date_joined = models.DateTimeField(_("iscritto il"), default=timezone.now)
    language = models.CharField(_("lingua"), max_length=5, default="it")
    notification_email = models.CharField(
        _("notifiche per e-mail"),
        max_length=10,
        choices=[
            ("immediate", _("subito, una per una")),
            ("digest", _("riepilogo giornaliero")),
            ("none", _("nessuna, solo nell'applicazione")),
        ],
        default="immediate",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        return self.full_name or self.email

    # Set on every request by django_otp's OTPMiddleware: has this session passed the second factor?
    is_verified: Callable[[], bool]

    # The membership the user acts through in this request; set by the middleware
    # (from the session), by API token authentication, or by ``act_as``.
    _membership: Membership | None
    _membership_loaded: bool = False

    @property
    def membership(self) -> Membership | None:
        if not self._membership_loaded:
            self._membership = self.memberships.active().select_related("organization").first()
            self._membership_loaded = True
        return self._membership

    def act_as(self, membership: Membership | None) -> None:
        if membership is not None and membership.user_id != self.pk:
            raise ValueError("A user can only act through their own memberships.")
        self._membership = membership
        self._membership_loaded = True

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organization__is_active=True)


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, related_name="memberships", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, related_name="memberships", on_delete=models.CASCADE
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("attiva"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "role"]
        verbose_name = _("appartenenza")
        verbose_name_plural = _("appartenenze")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_role_display()}"

    @property
    def handles_personal_data(self) -> bool:
        return self.role in PERSONAL_DATA_ROLES


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(TimeStampedModel):
    """A per-user API token, stored as a SHA-256 digest and shown once at creation."""

    PREFIX = "sld_"

    user = models.ForeignKey(User, related_name="api_tokens", on_delete=models.CASCADE)
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("agisce come"),
        related_name="api_tokens",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("nome"), max_length=80)
    prefix = models.CharField(_("prefisso"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)
    expires_at = models.DateTimeField(_("scade il"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
