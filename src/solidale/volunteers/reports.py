"""The hours report as CSV or XLSX (openpyxl) and the certificate of hours as PDF (fpdf2).

The PDF uses the core Helvetica font (Latin-1): the few typographic characters outside
it are written in their plain form.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook

from solidale.core.pdf import pdf_text

from .models import Volunteer
from .providers import HOURS_COLUMNS
from .selectors import HoursRow, confirmed_signups


def _table(rows: list[HoursRow], year: int) -> tuple[list[str], list[Sequence[Any]]]:
    header = [str(column) for column in HOURS_COLUMNS]
    body: list[Sequence[Any]] = [
        (year, row.volunteer.full_name, row.shifts, row.confirmed, row.pending) for row in rows
    ]
    body.append(
        (
            year,
            _("Totale"),
            sum(row.shifts for row in rows),
            sum((row.confirmed for row in rows), Decimal(0)),
            sum((row.pending for row in rows), Decimal(0)),
        )
    )
    return header, body


def hours_csv(rows: list[HoursRow], year: int) -> bytes:
    header, body = _table(rows, year)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for line in body:
        writer.writerow(
            [formats.number_format(v, 2) if isinstance(v, Decimal) else v for v in line]
        )
    return ("\ufeff" + buffer.getvalue()).encode()


def hours_xlsx(rows: list[HoursRow], year: int) -> bytes:
    header, body = _table(rows, year)
    workbook = Workbook()
    sheet = workbook.create_sheet(index=0)
    workbook.remove(workbook.worksheets[1])
    sheet.title = pdf_text(_("Ore %(year)s") % {"year": year})[:31]
    sheet.append(header)
    for line in body:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in line])
    sheet.column_dimensions["B"].width = 32
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _CertificatePDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, pdf_text(_("Pagina %(page)s") % {"page": self.page_no()}), align="C")


def certificate_pdf(volunteer: Volunteer, year: int) -> bytes:
    """The certificate of the confirmed hours a volunteer served in a year."""
    organization = volunteer.organization
    signups = confirmed_signups(volunteer, year)
    total = sum((s.hours or Decimal(0) for s in signups), Decimal(0))
    pdf = _CertificatePDF(format="A4")
    pdf.set_title(pdf_text(_("Attestato delle ore di volontariato")))
    pdf.set_author(pdf_text(organization.name))
    pdf.set_lang("it")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, style: str = "", size: int = 11, height: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    line(organization.name, "B", 14, 7)
    details = [organization.address]
    if organization.runts_number:
        details.append(_("Iscritta al RUNTS n. %(number)s") % {"number": organization.runts_number})
    if organization.tax_code:
        details.append(_("C.F. %(code)s") % {"code": organization.tax_code})
    line(" - ".join(d for d in details if d), size=9, height=5)
    pdf.ln(10)
    line(_("Attestato delle ore di volontariato"), "B", 16, 8)
    pdf.ln(4)
    line(
        _(
            "Si attesta che %(name)s, iscritto/a nel registro dei volontari di questa "
            "organizzazione dal %(since)s, ha prestato attività di volontariato personale, "
            "spontanea e gratuita (D.Lgs. 117/2017, art. 17) per un totale di %(hours)s ore "
            "nell'anno %(year)s, in %(count)s turni."
        )
        % {
            "name": volunteer.full_name,
            "since": formats.date_format(volunteer.started_on, "SHORT_DATE_FORMAT"),
            "hours": formats.number_format(total, 2),
            "year": year,
            "count": len(signups),
        }
    )
    pdf.ln(4)
    if signups:
        line(_("Dettaglio dei turni"), "B", 12)
        pdf.set_font("Helvetica", size=9)
        with pdf.table(col_widths=(25, 95, 20), text_align=("LEFT", "LEFT", "RIGHT")) as table:
            table.row([pdf_text(_("Data")), pdf_text(_("Attività")), pdf_text(_("Ore"))])
            for signup in signups:
                table.row(
                    [
                        formats.date_format(
                            timezone.localtime(signup.shift.starts_at), "SHORT_DATE_FORMAT"
                        ),
                        pdf_text(signup.shift.title),
                        formats.number_format(signup.hours or 0, 2),
                    ]
                )
    pdf.ln(10)
    line(
        _("Rilasciato il %(date)s su richiesta dell'interessato/a per gli usi consentiti.")
        % {"date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")},
        size=10,
    )
    pdf.ln(12)
    line(_("Il legale rappresentante"), size=10)
    return bytes(pdf.output())
