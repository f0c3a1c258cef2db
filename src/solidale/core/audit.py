"""The audit trail: every write, every read of a person's data, every export.

Services call :func:`audit_record` inside their transaction. Appends are serialized by
locking the chain head, so the hash chain stays linear under concurrent requests on
PostgreSQL (``select_for_update``) and on SQLite (IMMEDIATE transactions).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from .context import current_request_id
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

Action = AuditEvent.Action


def _label(obj: Any) -> str:
    return str(obj)[:200] if obj is not None else ""


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_label": "sistema" if actor is None else "anonimo"}
    membership = getattr(actor, "membership", None)
    organization = getattr(membership, "organization", None)
    return {
        "actor_id": actor.pk,
        "actor_label": actor.get_username(),
        "organization_id": getattr(organization, "pk", None),
        "organization_label": _label(organization),
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    person_id: int | None = None,
    changes: dict[str, Any] | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one row to the audit trail and return it."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=_label(obj),
        person_id=person_id,
        changes=_jsonable(changes or {}),
        purpose=purpose[:255],
        request_id=current_request_id(),
        **_actor_fields(actor),
    )
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event.prev_hash = head.last_hash
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=1).update(
            last_hash=event.hash, count=models.F("count") + 1
        )
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        name: [_jsonable(before.get(name)), _jsonable(after.get(name))]
        for name in after
        if before.get(name) != after.get(name)
    }


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


def audit_verify(events: Iterable[AuditEvent] | None = None) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every break found."""
    queryset = events if events is not None else AuditEvent.objects.order_by("id").iterator(2000)
    previous = GENESIS_HASH
    count = 0
    for event in queryset:
        count += 1
        if event.prev_hash != previous:
            yield ChainProblem(
                event.pk, "previous hash does not match: a row was removed or inserted"
            )
        if event.compute_hash() != event.hash:
            yield ChainProblem(event.pk, "content does not match its hash: the row was changed")
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.count != count):
        yield ChainProblem(
            None,
            f"chain head expects {head.count} rows ending in {head.last_hash[:12]}, found {count}",
        )
