"""The daily situation report: a PDF (fpdf2) and the morning dispatch to the network.

Each morning the task worker sends last night's report (when an activation covered it)
to the Comune's coordinators and to the organizations of the plan; a row per night
records the dispatch, so a second run never sends it twice.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task
from fpdf import FPDF

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.notifications import notify
from solidale.core.pdf import pdf_text

from .models import ReportDispatch
from .selectors import SituationReport, situation_report
from .services import comune_coordinators, night_of, staff_of


def report_url(night: date) -> str:
    return reverse("shelter:report") + f"?night={night.isoformat()}"


def report_summary(report: SituationReport) -> str:
    return _(
        "Posti occupati %(occupied)s su %(available)s; senza posto %(turned)s; incontri in strada "
        "%(met)s, rifiuti %(refused)s; allerte sanitarie %(alerts)s."
    ) % {
        "occupied": report.occupied,
        "available": report.available,
        "turned": report.turned_away,
        "met": report.encounters,
        "refused": report.refusals,
        "alerts": report.health_alerts,
    }


def report_send(*, night: date) -> int:
    """Send the situation report of a night of activation; 0 when none is due."""
    report = situation_report(night)
    if report.activation is None or ReportDispatch.objects.filter(night=night).exists():
        return 0
    season = report.activation.season
    organization_ids = [
        *season.organizations.values_list("pk", flat=True),
        *season.facilities.values_list("organization_id", flat=True),
    ]
    users = {user.pk: user for user in [*comune_coordinators(), *staff_of(organization_ids)]}
    try:
        with transaction.atomic():
            ReportDispatch.objects.create(
                night=night,
                activation=report.activation,
                sent_at=timezone.now(),
                recipients=len(users),
            )
            notify(
                users=users.values(),
                kind="shelter.report",
                title=_("Emergenza freddo: rapporto della notte del %(night)s")
                % {"night": formats.date_format(night, "SHORT_DATE_FORMAT")},
                body=report_summary(report),
                url=report_url(night),
            )
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                object_type="shelter.report",
                object_id=night.isoformat(),
                changes={"recipients": len(users)},
            )
    except IntegrityError:
        return 0  # another worker sent it a moment ago
    return len(users)


@task()
def report_task() -> int:
    return report_send(night=night_of(timezone.now()))


class _ReportPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, pdf_text(_("Pagina %(page)s") % {"page": self.page_no()}), align="C")


def report_pdf(report: SituationReport) -> bytes:
    night = formats.date_format(report.night, "DATE_FORMAT")
    pdf = _ReportPDF(format="A4")
    pdf.set_title(
        pdf_text(_("Emergenza freddo: rapporto della notte del %(night)s") % {"night": night})
    )
    pdf.set_author("Solidale")
    pdf.set_lang("it")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, style: str = "", size: int = 10) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, size * 0.55, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    line(_("Emergenza freddo: rapporto della notte del %(night)s") % {"night": night}, "B", 14)
    pdf.ln(2)
    if report.forecast is not None:
        line(
            _("Meteo: minima %(min)s °C, percepita %(apparent)s °C, vento fino a %(wind)s km/h.")
            % {
                "min": report.forecast.min_temperature,
                "apparent": report.forecast.apparent_min_temperature,
                "wind": report.forecast.max_wind_speed,
            }
        )
    line(report_summary(report))
    pdf.ln(3)
    line(_("Posti per struttura"), "B", 12)
    with pdf.table(col_widths=(60, 20, 20), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        header = table.row()
        for text in (_("Struttura"), _("Disponibili"), _("Occupati")):
            header.cell(pdf_text(text))
        for facility in report.facilities:
            row = table.row()
            row.cell(pdf_text(facility.name))
            row.cell(str(facility.available))
            row.cell(str(facility.occupied))
    pdf.ln(3)
    line(_("Beni distribuiti in strada"), "B", 12)
    if report.goods:
        for name, quantity, unit in report.goods:
            line(f"{name}: {quantity} {unit}")
    else:
        line(_("Nessuno."))
    return bytes(pdf.output())
