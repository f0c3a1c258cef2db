"""Writes on users, organizations and memberships. Each runs atomically and is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from solidale.core.audit import Action, audit_record

from .models import Membership, Organization, User


@transaction.atomic
def organization_create(*, actor: Any, name: str, kind: str, **fields: Any) -> Organization:
    organization = Organization(name=name, kind=kind, **fields)
    organization.full_clean()
    organization.save()
    audit_record(actor=actor, action=Action.CREATE, obj=organization, changes={"name": name, "kind": kind})
    return organization


@transaction.atomic
def user_create(
    *, actor: Any, email: str, full_name: str, password: str | None = None, is_citizen: bool = False
) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name, is_citizen=is_citizen)
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
