"""The cruscotto's writes: summary refreshes, the daily alert run and the inbox, exports.

Every function runs in a transaction, checks who may act, writes the audit trail and
raises a domain error an operator understands.
"""

from __future__ import annotations

import csv
import secrets
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership, Role, User
from solidale.core import alerts, exports
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify

from . import summary
from .models import (
    AlertItem,
    AlertOutcome,
    AlertRun,
    AlertStatus,
    ExportFormat,
    ExportJob,
    JobState,
    Refresh,
    RuleSetting,
)
from .permissions import alerts_visible_to, is_comune_coordinator, role_of

#: Exports up to this many rows are written at once; longer ones go to the task worker.
INLINE_EXPORT_ROWS = 2000
EXPORT_VALID_FOR = timedelta(hours=24)
#: The widest date range of an export, per role (days); coordinators are not limited.
MAX_EXPORT_DAYS = 366
#: A refresh still "active" after this long was abandoned by a stopped worker.
STALE_REFRESH = timedelta(hours=3)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


# --- Summary refresh ------------------------------------------------------------------------


def refresh_request(*, actor: Any, start: date | None = None, end: date | None = None) -> Refresh:
    """Queue a refresh of the summary tables; the one already queued or running is
    returned instead of a second one (the database holds one active refresh at most)."""
    _require(
        actor is None or is_comune_coordinator(actor),
        _("Solo un coordinatore può aggiornare il cruscotto."),
    )
    default_start, default_end = summary.default_range(timezone.localdate())
    start, end = start or default_start, end or default_end
    if start > end:
        raise DomainError(_("La data di inizio è successiva a quella di fine."), field="start")
    Refresh.objects.filter(active="active", requested_at__lt=timezone.now() - STALE_REFRESH).update(
        active=None, state=JobState.FAILED, error="abandoned"
    )
    try:
        with transaction.atomic():
            refresh = Refresh.objects.create(
                requested_by=actor if actor is not None else None, start=start, end=end
            )
            audit_record(actor=actor, action=AuditAction.CREATE, obj=refresh)
    except IntegrityError:
        return Refresh.objects.get(active="active")
    transaction.on_commit(lambda: refresh_task.enqueue(refresh_id=refresh.pk))
    return refresh


def refresh_run(refresh_id: int) -> Refresh:
    """Run a queued refresh, recording progress for the page that polls it."""
    claimed = Refresh.objects.filter(pk=refresh_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING
    )
    refresh = Refresh.objects.get(pk=refresh_id)
    if not claimed:
        return refresh

    def progress(done: int, total: int) -> None:
        Refresh.objects.filter(pk=refresh_id).update(done_steps=done, total_steps=total)

    try:
        summary.refresh_all(refresh.start, refresh.end, progress)
    except Exception as error:
        Refresh.objects.filter(pk=refresh_id).update(
            state=JobState.FAILED, active=None, error=str(error)[:500], finished_at=timezone.now()
        )
        raise
    Refresh.objects.filter(pk=refresh_id).update(
        state=JobState.DONE, active=None, finished_at=timezone.now()
    )
    refresh.refresh_from_db()
    return refresh


@task()
def refresh_task(refresh_id: int) -> int:
    return refresh_run(refresh_id).pk


@task()
def refresh_daily_task() -> int:
    """Enqueued nightly by ``solidale scheduler``: rebuild the current year."""
    refresh = refresh_request(actor=None)
    return refresh_run(refresh.pk).pk


# --- Alert rules ----------------------------------------------------------------------------


def rule_params(rule: alerts.AlertRule, setting: RuleSetting | None) -> dict[str, Any]:
    return {**rule.defaults, **(setting.params if setting else {})}


def _checked_param(name: str, default: Any, raw: Any) -> Any:
    """Parse one tuned parameter against its default's type and a sensible range."""
    if isinstance(default, bool):
        return str(raw).lower() in ("1", "true", "on", "yes")
    if isinstance(default, (int, float)):
        text = str(raw).strip().replace(",", ".")
        try:
            value: int | float = int(text) if isinstance(default, int) else float(text)
        except ValueError:
            raise DomainError(_("Inserisci un numero."), field=name) from None
        limit = max(365, abs(default) * 10)
        low = 1 if "days" in name or "giorni" in name else 0
        if default >= 0 and not low <= value <= limit:
            raise DomainError(
                _("Il valore deve essere tra %(low)s e %(high)s.") % {"low": low, "high": limit},
                field=name,
            )
        if default < 0 and abs(value) > limit:
            raise DomainError(
                _("Il valore deve essere tra %(low)s e %(high)s.") % {"low": -limit, "high": limit},
                field=name,
            )
        return value
    text = str(raw).strip()
    if not text or len(text) > 100:
        raise DomainError(_("Inserisci un valore (al massimo 100 caratteri)."), field=name)
    return text


@transaction.atomic
def rule_configure(
    *, actor: Any, rule_key: str, enabled: bool, params: dict[str, Any]
) -> RuleSetting:
    _require(is_comune_coordinator(actor), _("Solo un coordinatore modifica le regole."))
    rule = alerts.get(rule_key)
    if rule is None:
        raise DomainError(_("Regola sconosciuta."), field="rule")
    cleaned = {
        name: _checked_param(name, default, params.get(name, default))
        for name, default in rule.defaults.items()
    }
    setting, _created = RuleSetting.objects.select_for_update().get_or_create(rule_key=rule_key)
    before = {"enabled": setting.enabled, "params": rule_params(rule, setting)}
    setting.enabled = enabled
    setting.params = cleaned
    setting.updated_by = actor
    setting.updated_at = timezone.now()
    setting.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=setting,
        changes={"before": before, "after": {"enabled": enabled, "params": cleaned}},
    )
    return setting


def _recipients(item: AlertItem) -> list[Any]:
    if item.assignee_id is not None:
        return [item.assignee]
    if item.organization_id is None:
        return []
    members = Membership.objects.active().filter(
        organization_id=item.organization_id,
        role__in=(Role.COORDINATOR, Role.ORG_ADMIN, Role.ORG_OPERATOR, Role.SOCIAL_WORKER),
    )
    return list(User.objects.filter(pk__in=members.values("user_id")))


def _upsert(rule_key: str, candidate: alerts.AlertCandidate, today: date) -> bool:
    """Refresh the open item of (rule, subject) or raise a new one; True when new."""
    fields = {
        "title": candidate.title[:200],
        "reason": candidate.reason,
        "url": candidate.url[:300],
        "organization_id": candidate.organization_id,
        "assignee_id": candidate.assignee_id,
        "person_id": candidate.person_id,
        "last_seen_on": today,
    }
    updated = AlertItem.objects.filter(
        rule_key=rule_key, subject=candidate.subject, status=AlertStatus.OPEN
    ).update(**fields)
    if updated:
        return False
    try:
        with transaction.atomic():
            item = AlertItem.objects.create(rule_key=rule_key, subject=candidate.subject, **fields)
    except IntegrityError:  # raised meanwhile by a concurrent run: it is the same item
        return False
    notify(
        users=_recipients(item),
        kind="insights.alert",
        title=item.title,
        body=item.reason,
        url=f"/insights/alerts/{item.pk}/",
    )
    return True


def alerts_run(*, today: date | None = None) -> AlertRun:
    """Evaluate every enabled rule and upsert its items; one failing rule does not stop
    the others (its error is recorded on the run)."""
    today = today or timezone.localdate()
    run = AlertRun(day=today)
    began = time.monotonic()
    settings_by_key = {setting.rule_key: setting for setting in RuleSetting.objects.all()}
    for rule in alerts.registered():
        setting = settings_by_key.get(rule.key)
        if setting is not None and not setting.enabled:
            continue
        try:
            for candidate in rule.evaluate(rule_params(rule, setting), today):
                if _upsert(rule.key, candidate, today):
                    run.raised += 1
                else:
                    run.refreshed += 1
        except Exception as error:
            run.errors[rule.key] = str(error)[:300]
    run.seconds = round(time.monotonic() - began, 3)
    run.save()
    return run


@task()
def alerts_daily_task() -> int:
    return alerts_run().raised


@transaction.atomic
def alert_close(*, actor: Any, item: AlertItem, outcome: str, note: str) -> AlertItem:
    """Close an item with its outcome; without one, nothing changes."""
    errors = {}
    if outcome not in AlertOutcome.values:
        errors["outcome"] = _("Scegli l'esito.")
    if not note.strip():
        errors["note"] = _("Scrivi cosa è stato fatto.")
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    _require(
        alerts_visible_to(actor).filter(pk=item.pk).exists(),
        _("Non puoi chiudere questa segnalazione."),
    )
    closed = AlertItem.objects.filter(pk=item.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.CLOSED,
        closed_at=timezone.now(),
        closed_by=actor,
        outcome=outcome,
        outcome_note=note.strip(),
    )
    if not closed:
        raise ConflictError(_("La segnalazione è già stata chiusa."))
    item.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=item,
        person_id=item.person_id,
        changes={"status": ["open", "closed"], "outcome": outcome},
    )
    return item


# --- Exports --------------------------------------------------------------------------------


def _parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Data non valida (usa AAAA-MM-GG)."), field=field) from None


def check_date_range(actor: Any, params: dict[str, str]) -> None:
    """Reversed ranges are refused; ranges longer than a year need a coordinator."""
    start = _parse_day(params["date_from"], "date_from") if params.get("date_from") else None
    end = _parse_day(params["date_to"], "date_to") if params.get("date_to") else None
    if start and end and start > end:
        raise DomainError(_("La data di inizio è successiva a quella di fine."), field="date_to")
    too_wide = start and end and (end - start).days > MAX_EXPORT_DAYS
    if too_wide and role_of(actor) != Role.COORDINATOR:
        raise DomainError(
            _("Il tuo ruolo può esportare al massimo %(days)s giorni: indica un periodo più breve.")
            % {"days": MAX_EXPORT_DAYS},
            field="date_from",
        )


def export_create(
    *, actor: Any, source_key: str, fmt: str, purpose: str, params: dict[str, str]
) -> ExportJob:
    source = exports.get(source_key)
    if source is None:
        raise DomainError(_("Elenco da esportare sconosciuto."), field="source")
    _require(source.allowed(actor), _("Il tuo ruolo non può esportare questo elenco."))
    if fmt not in ExportFormat.values:
        raise DomainError(_("Scegli il formato CSV o XLSX."), field="format")
    purpose = purpose.strip()
    if source.personal_data and len(purpose) < 10:
        raise DomainError(
            _(
                "Indica la finalità dell'esportazione (almeno 10 caratteri): contiene dati personali."
            ),
            field="purpose",
        )
    check_date_range(actor, params)
    total = source.count(actor, params)
    membership = getattr(actor, "membership", None)
    with transaction.atomic():
        job = ExportJob.objects.create(
            source_key=source.key,
            params=params,
            format=fmt,
            purpose=purpose[:255],
            requested_by=actor,
            membership_id=getattr(membership, "pk", None),
            rows_total=total,
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=job,
            changes={"source": source.key, "params": params, "rows": total, "format": fmt},
            purpose=purpose,
        )
    if total <= INLINE_EXPORT_ROWS:
        return export_run(job.pk)
    transaction.on_commit(lambda: export_task.enqueue(export_id=job.pk))
    return job


def _exports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "private" / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float, date, datetime)):
        return value
    text = str(value)
    # A cell starting with a formula sign is written as text (CSV/XLSX injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _write(job: ExportJob, columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Path:
    path = _exports_dir() / f"{secrets.token_hex(16)}.{job.format}"
    done = 0

    def counted() -> Iterable[list[Any]]:
        nonlocal done
        for row in rows:
            done += 1
            if done % 500 == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=min(done, job.rows_total))
            yield [_cell(value) for value in row]

    if job.format == ExportFormat.CSV:
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([str(column) for column in columns])
            writer.writerows(counted())
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=job.source_key[:31])
        sheet.append([str(column) for column in columns])
        for row in counted():
            sheet.append(row)
        workbook.save(path)
    return path


def export_run(export_id: int) -> ExportJob:
    """Write the file with the requester's scoping at request time."""
    claimed = ExportJob.objects.filter(pk=export_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING
    )
    job = ExportJob.objects.select_related("requested_by").get(pk=export_id)
    if not claimed:
        return job
    user = job.requested_by
    membership = Membership.objects.active().filter(pk=job.membership_id or 0, user=user).first()
    user.act_as(membership)
    source = exports.get(job.source_key)
    try:
        if source is None or not source.allowed(user):
            raise PermissionDeniedError(_("L'elenco non è più esportabile con il tuo ruolo."))
        path = _write(job, source.columns, source.rows(user, job.params))
    except Exception as error:
        ExportJob.objects.filter(pk=export_id).update(
            state=JobState.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    now = timezone.now()
    ExportJob.objects.filter(pk=export_id).update(
        state=JobState.DONE,
        file_path=path.name,
        rows_done=F("rows_total"),
        finished_at=now,
        expires_at=now + EXPORT_VALID_FOR,
    )
    job.refresh_from_db()
    return job


@task()
def export_task(export_id: int) -> int:
    return export_run(export_id).pk


def export_file(job: ExportJob) -> Path:
    return _exports_dir() / job.file_path


@task()
def exports_purge_task() -> int:
    """Delete the files of expired exports (hourly)."""
    expired = ExportJob.objects.filter(expires_at__lt=timezone.now()).exclude(file_path="")
    count = 0
    for job in expired:
        export_file(job).unlink(missing_ok=True)
        count += ExportJob.objects.filter(pk=job.pk).update(file_path="")
    return count
