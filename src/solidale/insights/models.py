"""The cruscotto's own data: summary tables, alert settings and items, exports, releases.

Dashboards read only the summary tables (:class:`DailyFact`, :class:`PeriodReach`),
refreshed by the task worker from the indicators and contacts the apps register
(``solidale.core.indicators``); no dashboard scans the apps' tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization


class DailyFact(models.Model):
    """One registered indicator's value for a day, neighbourhood, organization and program
    (``""`` when the indicator does not distinguish programs)."""

    indicator = models.CharField(_("indicatore"), max_length=60)
    day = models.DateField(_("giorno"))
    neighbourhood_id = models.IntegerField(_("quartiere"), null=True, blank=True)
    organization_id = models.IntegerField(_("organizzazione"), null=True, blank=True)
    program = models.CharField(_("programma"), max_length=60, blank=True, default="")
    value = models.BigIntegerField(_("valore"))

    class Meta:
        verbose_name = _("dato giornaliero")
        verbose_name_plural = _("dati giornalieri")
        indexes = [
            models.Index(fields=["indicator", "day"], name="insights_fact_ind_day"),
            models.Index(fields=["day", "indicator"], name="insights_fact_day_ind"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.day} {self.value}"


class MonthlyFact(models.Model):
    """The daily facts summed per calendar month: what the dashboards' totals, maps and
    tables read (a year is twelve rows per cell instead of 365)."""

    indicator = models.CharField(_("indicatore"), max_length=60)
    month = models.DateField(_("mese"))
    neighbourhood_id = models.IntegerField(_("quartiere"), null=True, blank=True)
    organization_id = models.IntegerField(_("organizzazione"), null=True, blank=True)
    program = models.CharField(_("programma"), max_length=60, blank=True, default="")
    value = models.BigIntegerField(_("valore"))

    class Meta:
        verbose_name = _("dato mensile")
        verbose_name_plural = _("dati mensili")
        indexes = [
            models.Index(fields=["month", "indicator"], name="insights_month_ind"),
            models.Index(fields=["neighbourhood_id", "month"], name="insights_month_nbhd"),
            models.Index(fields=["organization_id", "month"], name="insights_month_org"),
            models.Index(fields=["program", "month"], name="insights_month_program"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.month:%Y-%m} {self.value}"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("mese")
    QUARTER = "quarter", _("trimestre")
    YEAR = "year", _("anno")


class PeriodReach(models.Model):
    """People reached once across the network in a calendar period.

    A person met by three organizations counts once in the network total and once in each
    organization's row; ``organization_id`` and ``neighbourhood_id`` null mean "all".
    Unique counts cannot be summed from daily counts, so they are computed per period.
    """

    kind = models.CharField(_("periodo"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("inizio del periodo"))
    neighbourhood_id = models.IntegerField(null=True, blank=True)
    organization_id = models.IntegerField(null=True, blank=True)
    people = models.IntegerField(_("persone raggiunte"))

    class Meta:
        verbose_name = _("persone raggiunte nel periodo")
        verbose_name_plural = _("persone raggiunte nei periodi")
        indexes = [models.Index(fields=["kind", "start"], name="insights_reach_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}: {self.people}"


class LastContact(models.Model):
    """The last day anyone in the network met a person (for the "no contact" rule)."""

    person_id = models.BigIntegerField(primary_key=True)
    day = models.DateField(_("ultimo contatto"))
    organization_id = models.IntegerField(null=True, blank=True)
    kind = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("ultimo contatto")
        verbose_name_plural = _("ultimi contatti")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.day}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("in coda")
    RUNNING = "running", _("in corso")
    DONE = "done", _("completata")
    FAILED = "failed", _("non riuscita")


class Refresh(models.Model):
    """One refresh of the summary tables; at most one is queued or running at a time."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField(_("richiesto il"), default=timezone.now)
    start = models.DateField(_("dal giorno"))
    end = models.DateField(_("al giorno"))
    state = models.CharField(
        _("stato"), max_length=8, choices=JobState.choices, default=JobState.QUEUED
    )
    #: Always "active" while queued or running, NULL after: the constraint below.
    active = models.CharField(max_length=6, null=True, blank=True, default="active")
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=1)
    finished_at = models.DateTimeField(_("finito il"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("aggiornamento del cruscotto")
        verbose_name_plural = _("aggiornamenti del cruscotto")
        constraints = [
            models.UniqueConstraint(fields=["active"], name="insights_one_active_refresh"),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="insights_refresh_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end} {self.state}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done_steps / max(self.total_steps, 1)))


# --- Alerts -------------------------------------------------------------------------------


class RuleSetting(models.Model):
    """A coordinator's settings for one registered rule: on/off and tuned parameters."""

    rule_key = models.CharField(_("regola"), max_length=60, unique=True)
    enabled = models.BooleanField(_("attiva"), default=True)
    params = models.JSONField(_("parametri"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("modificata il"), default=timezone.now)

    class Meta:
        ordering = ["rule_key"]
        verbose_name = _("impostazione della regola")
        verbose_name_plural = _("impostazioni delle regole")

    def __str__(self) -> str:
        return self.rule_key


class AlertStatus(models.TextChoices):
    OPEN = "open", _("aperta")
    CLOSED = "closed", _("chiusa")


class AlertOutcome(models.TextChoices):
    CONTACTED = "contacted", _("persona contattata")
    ACTION_TAKEN = "action_taken", _("intervento fatto")
    REFERRED = "referred", _("inviata ad altro servizio")
    UNREACHABLE = "unreachable", _("persona non rintracciabile")
    NOT_NEEDED = "not_needed", _("nessun intervento necessario")
    OTHER = "other", _("altro")


class AlertItemQuerySet(models.QuerySet["AlertItem"]):
    def open(self) -> AlertItemQuerySet:
        return self.filter(status=AlertStatus.OPEN)


class AlertItem(models.Model):
    """A situation a rule raised; closes only with an outcome. One open item per
    (rule, subject): the daily run updates it instead of raising it again."""

    rule_key = models.CharField(_("regola"), max_length=60)
    subject = models.CharField(_("soggetto"), max_length=120)
    title = models.CharField(_("segnalazione"), max_length=200)
    reason = models.TextField(_("perché"))
    url = models.CharField(_("collegamento"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizzazione responsabile"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata a"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    person_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField(_("sollevata il"), default=timezone.now)
    last_seen_on = models.DateField(_("ultima verifica"), default=timezone.localdate)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    outcome = models.CharField(_("esito"), max_length=14, choices=AlertOutcome.choices, blank=True)
    outcome_note = models.TextField(_("cosa è stato fatto"), blank=True)

    objects = AlertItemQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_key", "subject"],
                condition=Q(status="open"),
                name="insights_alert_one_open_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(closed_at__isnull=False) & ~Q(outcome="") & ~Q(outcome_note="")),
                name="insights_alert_closed_with_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "organization"], name="insights_alert_org"),
            models.Index(fields=["status", "assignee"], name="insights_alert_assignee"),
        ]

    def __str__(self) -> str:
        return self.title


class AlertRun(models.Model):
    """One daily evaluation of the rules: when, how long, how many items."""

    day = models.DateField(_("giorno"))
    started_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    raised = models.PositiveIntegerField(default=0)
    refreshed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("esecuzione delle regole")
        verbose_name_plural = _("esecuzioni delle regole")

    def __str__(self) -> str:
        return f"{self.day}: {self.raised}"


# --- Exports ------------------------------------------------------------------------------


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportJob(models.Model):
    """An export of a registered list: built by the worker, downloadable by its requester
    alone until ``expires_at``."""

    source_key = models.CharField(_("elenco"), max_length=60)
    params = models.JSONField(_("filtri"), default=dict, blank=True)
    format = models.CharField(_("formato"), max_length=4, choices=ExportFormat.choices)
    purpose = models.CharField(_("finalità"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE
    )
    #: The membership the export runs as (its scoping is the requester's at request time).
    membership_id = models.BigIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(_("richiesta il"), default=timezone.now)
    state = models.CharField(
        _("stato"), max_length=8, choices=JobState.choices, default=JobState.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=200, blank=True, editable=False)
    finished_at = models.DateTimeField(_("pronta il"), null=True, blank=True)
    expires_at = models.DateTimeField(_("scaricabile fino al"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("esportazione")
        verbose_name_plural = _("esportazioni")
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")) | Q(rows_total=0),
                name="insights_export_progress",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_key} ({self.format})"

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, round(100 * self.rows_done / max(self.rows_total, 1)))

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == JobState.DONE
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class SiussFlow(models.Model):
    """A SIUSS flow of provisions (prestazioni), generated for a period and validated."""

    flow_id = models.CharField(_("identificativo del flusso"), max_length=40, unique=True)
    period_start = models.DateField(_("dal"))
    period_end = models.DateField(_("al"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(_("finalità"), max_length=255)
    xml = models.TextField(blank=True)
    valid_records = models.PositiveIntegerField(default=0)
    #: One entry per rejected record: {"record": …, "intervention": id, "errors": […]}.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("flusso SIUSS")
        verbose_name_plural = _("flussi SIUSS")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="insights_siuss_period",
            )
        ]

    def __str__(self) -> str:
        return self.flow_id


class OpenDataRelease(models.Model):
    """A published month of open data. Frozen once published: later corrections never
    change it, so two releases can never be subtracted to reveal a small cell."""

    month = models.DateField(_("mese"), unique=True)
    published_at = models.DateTimeField(_("pubblicato il"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    #: {"indicators": [...], "neighbourhoods": [...], "cells": [[indicator, nbhd, value|None]]}
    data = models.JSONField(default=dict)
    suppressed_cells = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("rilascio di dati aperti")
        verbose_name_plural = _("rilasci di dati aperti")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("A published open-data release is frozen.")
        super().save(*args, **kwargs)
