"""Writes on users, organizations and memberships. Each runs atomically and is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import devices_for_user, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import ApiToken, Membership, Organization, User, hash_token
from .permissions import assignable_roles, manages_members


@transaction.atomic
def organization_create(*, actor: Any, name: str, kind: str, **fields: Any) -> Organization:
    organization = Organization(name=name, kind=kind, **fields)
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor, action=Action.CREATE, obj=organization, changes={"name": name, "kind": kind}
    )
    return organization


@transaction.atomic
def user_create(
    *, actor: Any, email: str, full_name: str, password: str | None = None, is_citizen: bool = False
) -> User:
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, is_citizen=is_citizen
    )
    audit_record(actor=actor, action=Action.CREATE, obj=user, changes={"email": user.email})
    return user


@transaction.atomic
def membership_add(*, actor: Any, user: User, organization: Organization, role: str) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, role=role, defaults={"is_active": True}
    )
    audit_record(
        actor=actor,
        action=Action.GRANT,
        obj=membership,
        changes={"user": user.email, "organization": organization.name, "role": role},
    )
    return membership


# --- Members -------------------------------------------------------------------------


def _require_manager(actor: Any, organization: Organization) -> None:
    """``actor=None`` is the system (commands, seeding); a person must manage the organization."""
    if actor is None:
        return
    membership = actor.membership
    if not manages_members(membership) or membership.organization_id != organization.pk:
        raise PermissionDeniedError(_("Non puoi gestire i membri di questa organizzazione."))


def _refuse_leaving_without_manager(membership: Membership) -> None:
    """Lock the organization's managers and refuse a change that would remove the last one."""
    organization = membership.organization
    managers = [
        other
        for other in Membership.objects.select_for_update()
        .select_related("organization")
        .filter(organization=organization, is_active=True)
        if manages_members(other)
    ]
    if [other.pk for other in managers] == [membership.pk]:
        raise DomainError(
            _(
                "È l'ultimo amministratore attivo dell'organizzazione: "
                "nominane un altro prima di rimuovere questo."
            )
        )


def _check_role(organization: Organization, role: str) -> None:
    if role not in assignable_roles(organization):
        raise DomainError(_("Questo ruolo non è previsto per questa organizzazione."), field="role")


@transaction.atomic
def member_invite(
    *,
    actor: Any,
    organization: Organization,
    email: str,
    role: str,
    full_name: str = "",
    site_url: str,
) -> Membership:
    """Add a member by e-mail: create the user if new and send them a link to set a password.

    ``site_url`` is the address of the site (``https://solidale.example``) used in the e-mail.
    """
    _require_manager(actor, organization)
    _check_role(organization, role)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if user is None:
        if not full_name.strip():
            raise DomainError(
                _("Indica nome e cognome: questa persona non ha ancora un utente."),
                field="full_name",
            )
        user = user_create(actor=actor, email=email, full_name=full_name.strip())
    elif user.is_citizen:
        raise DomainError(
            _("Questo indirizzo appartiene a un account di cittadino: usane un altro."),
            field="email",
        )
    if Membership.objects.filter(
        user=user, organization=organization, role=role, is_active=True
    ).exists():
        raise ConflictError(
            _("Questa persona ha già questo ruolo nell'organizzazione."), field="email"
        )
    membership = membership_add(actor=actor, user=user, organization=organization, role=role)
    context = {
        "user": user,
        "membership": membership,
        "is_new": is_new,
        "login_url": site_url + reverse("accounts:login"),
        "set_password_url": site_url
        + reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        ),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_email.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return membership


@transaction.atomic
def membership_change_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    _require_manager(actor, membership.organization)
    _check_role(membership.organization, role)
    if role == membership.role:
        raise DomainError(_("La persona ha già questo ruolo."), field="role")
    if Membership.objects.filter(
        user=membership.user, organization=membership.organization, role=role
    ).exists():
        raise ConflictError(
            _("La persona ha già un'appartenenza con questo ruolo: riattiva quella."), field="role"
        )
    if membership.is_active and manages_members(membership):
        _refuse_leaving_without_manager(membership)
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor, action=Action.UPDATE, obj=membership, changes={"role": [old_role, role]}
    )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: Any, membership: Membership) -> Membership:
    _require_manager(actor, membership.organization)
    if not membership.is_active:
        raise DomainError(_("Questa appartenenza è già disattivata."))
    if manages_members(membership):
        _refuse_leaving_without_manager(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor, action=Action.REVOKE, obj=membership, changes={"is_active": [True, False]}
    )
    return membership


@transaction.atomic
def membership_reactivate(*, actor: Any, membership: Membership) -> Membership:
    _require_manager(actor, membership.organization)
    if membership.is_active:
        raise DomainError(_("Questa appartenenza è già attiva."))
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor, action=Action.GRANT, obj=membership, changes={"is_active": [False, True]}
    )
    return membership


# --- API tokens ----------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, actor: Any, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token acting through the actor's current membership; the secret is returned once."""
    membership = actor.membership
    if membership is None:
        raise DomainError(_("Per creare un token devi appartenere a un'organizzazione."))
    name = name.strip()
    if not name:
        raise DomainError(_("Dai un nome al token."), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("La scadenza deve essere nel futuro."), field="expires_at")
    secret = ApiToken.generate_secret()
    token = ApiToken.objects.create(
        user=actor,
        membership=membership,
        name=name,
        prefix=secret[: ApiToken._meta.get_field("prefix").max_length],
        digest=hash_token(secret),
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=token,
        changes={"name": name, "prefix": token.prefix, "expires_at": expires_at},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDeniedError(_("Puoi revocare solo i tuoi token."))
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        raise ConflictError(_("Questo token è già stato revocato."))
    token.revoked_at = now
    audit_record(actor=actor, action=Action.REVOKE, obj=token, changes={"revoked_at": now})
    return token


# --- Second factor -------------------------------------------------------------------

BACKUP_CODE_COUNT = 10


def otp_device_pending(*, user: User) -> TOTPDevice:
    """The TOTP device being set up (unconfirmed), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("App di autenticazione")), confirmed=False
        )
    return device


def otp_device_verify(*, user: User, token: str) -> Device | None:
    """The confirmed device (app or backup codes) that accepts ``token``, throttled per device.

    A refused code is audited like a failed login: it means the password is known.
    """
    for device in devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    audit_record(
        actor=user, action=Action.LOGIN_FAILED, obj=user, changes={"second_factor": "refused"}
    )
    return None


@transaction.atomic
def otp_device_confirm(*, actor: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a new TOTP device with a first token; it replaces the previous ones."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDeniedError(_("Questo dispositivo non è in configurazione."))
    if not device.verify_token(token):
        raise DomainError(
            _("Codice non valido: controlla l'ora del telefono e riprova."), field="token"
        )
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action=Action.GRANT, obj=device, changes={"second_factor": "totp"})
    return device


@transaction.atomic
def otp_backup_codes_generate(*, actor: User) -> list[str]:
    """Replace the backup codes with ten new ones; they are returned (and shown) once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=actor, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(actor=actor, action=Action.GRANT, obj=device, changes={"backup_codes": len(codes)})
    return codes


@transaction.atomic
def user_notification_email_set(*, actor: User, value: str) -> User:
    """How the user receives notifications by e-mail: immediate, daily digest or none."""
    choices = dict(User._meta.get_field("notification_email").choices or [])
    if value not in choices:
        raise DomainError(_("Scegli una delle opzioni proposte."), field="notification_email")
    before = actor.notification_email
    User.objects.filter(pk=actor.pk).update(notification_email=value)
    actor.notification_email = value
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=actor,
        changes={"notification_email": [before, value]},
    )
    return actor
