"""The results report (quarterly or annual): key figures, charts and a neighbourhood map,
as an HTML page and a PDF (fpdf2) — the numbers for the Comune and the Tavolo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from solidale.core.pdf import pdf_text

from . import selectors
from .charts import CLASSES, MapChart, bar_chart, class_of, map_chart

#: RGB of the map classes (same palette as insights.css), lightest first; 0 = no data.
PALETTE = [
    (240, 240, 240),
    (222, 235, 247),
    (158, 202, 225),
    (66, 146, 198),
    (8, 81, 156),
    (8, 48, 107),
]


@dataclass
class Report:
    filters: selectors.Filters
    title: str
    sections: list[selectors.Section]
    reached: int | None
    reached_before: int | None
    waiting_hours: float | None
    referrals: list[selectors.ReferralRow]
    map: MapChart
    map_rows: list[tuple[str, int | None]]  # None: a suppressed small count
    bars: Any


def build(filters: selectors.Filters) -> Report:
    sections = selectors.sections(filters, suppress=True)
    figures = {f.key: f for section in sections for f in section.figures}
    reached, before = selectors.people_reached(filters)
    answers, hours = figures.get("desk.first_answers"), figures.get("desk.first_answer_hours")
    areas = selectors.by_neighbourhood(filters, "desk.accesses")
    shown = [(area, None if selectors.is_small(value, True) else value) for area, value in areas]
    if filters.kind == "year":
        title = _("Rapporto dei risultati %(year)s") % {"year": filters.start.year}
    else:
        title = _("Rapporto dei risultati: %(q)s° trimestre %(year)s") % {
            "q": (filters.start.month - 1) // 3 + 1,
            "year": filters.start.year,
        }
    headline = [figures[key] for key in selectors.HEADLINE if key in figures]
    return Report(
        filters=filters,
        title=title,
        sections=sections,
        reached=None if reached is not None and selectors.is_small(reached, True) else reached,
        reached_before=before,
        waiting_hours=selectors.average(hours.value, answers.value) if answers and hours else None,
        referrals=selectors.referral_rows(filters),
        map=map_chart(
            title=_("Accessi agli sportelli per quartiere"),
            areas=[
                (area.name, area.boundary, value, "<5" if value is None else f"{value:n}")
                for area, value in shown
            ],
        ),
        map_rows=[(area.name, value) for area, value in shown],
        bars=bar_chart(
            title=_("Cifre principali del periodo"),
            rows=[(f.label, 0 if f.suppressed else f.value, f.display) for f in headline],
        ),
    )


class _ReportPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, pdf_text(_("Pagina %(page)s") % {"page": self.page_no()}), align="C")


def pdf(report: Report) -> bytes:
    document = _ReportPDF()
    document.set_title(pdf_text(report.title))
    document.set_lang("it")
    document.set_creator("Solidale")
    document.add_page()
    document.set_font("Helvetica", "B", 16)
    document.multi_cell(0, 8, pdf_text(report.title), new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", size=9)
    document.multi_cell(
        0,
        5,
        new_x="LMARGIN",
        new_y="NEXT",
        text=pdf_text(
            _(
                "Dal %(start)s al %(end)s. Generato il %(now)s. I conteggi di persone sotto 5 "
                "sono indicati come <5."
            )
            % {
                "start": formats.date_format(report.filters.start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(report.filters.end, "SHORT_DATE_FORMAT"),
                "now": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
            }
        ),
    )
    document.ln(2)
    document.set_font("Helvetica", "B", 12)
    document.cell(0, 8, pdf_text(_("In sintesi")), new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", size=10)
    key_lines = [
        (_("Persone raggiunte dalla rete"), "<5" if report.reached is None else report.reached),
        (_("Attesa media della prima risposta (ore)"), report.waiting_hours or "-"),
    ]
    for label, shown in key_lines:
        document.cell(120, 6, pdf_text(label))
        document.cell(0, 6, pdf_text(shown), new_x="LMARGIN", new_y="NEXT")
    for section in report.sections:
        document.ln(2)
        document.set_font("Helvetica", "B", 11)
        document.cell(0, 7, pdf_text(section.title), new_x="LMARGIN", new_y="NEXT")
        document.set_font("Helvetica", size=9)
        for figure in section.figures:
            document.cell(110, 5, pdf_text(figure.label))
            document.cell(30, 5, pdf_text(figure.display), align="R")
            document.cell(0, 5, pdf_text(figure.change), align="R", new_x="LMARGIN", new_y="NEXT")
    if report.map.areas:
        document.add_page()
        document.set_font("Helvetica", "B", 12)
        document.cell(0, 8, pdf_text(report.map.title), new_x="LMARGIN", new_y="NEXT")
        scale = 170 / report.map.width
        top = document.get_y() + 2
        values = dict(report.map_rows)
        max_value = max((value or 0 for value in values.values()), default=0)
        for area in report.map.areas:
            points = [
                (20 + float(x) * scale, top + float(y) * scale)
                for x, y in (pair.split(",") for pair in area.points.split())
            ]
            value = values.get(area.name)
            document.set_fill_color(*PALETTE[class_of(value, max_value)])
            document.polygon(points, style="DF")
            document.set_font("Helvetica", size=7)
            document.text(
                20 + area.label_x * scale - 8, top + area.label_y * scale, pdf_text(area.name)[:18]
            )
        document.set_y(top + report.map.height * scale + 4)
        document.set_font("Helvetica", size=9)
        for index in range(1, CLASSES + 1):
            document.set_fill_color(*PALETTE[index])
            document.cell(5, 5, "", fill=True, border=1)
            document.cell(30, 5, pdf_text(report.map.legend[index - 1][1]))
        document.ln(8)
        for name, value in report.map_rows:
            document.cell(110, 5, pdf_text(name))
            shown = "<5" if value is None else f"{value:n}"
            document.cell(30, 5, pdf_text(shown), align="R", new_x="LMARGIN", new_y="NEXT")
    if report.referrals:
        document.ln(4)
        document.set_font("Helvetica", "B", 12)
        document.cell(
            0, 8, pdf_text(_("Invii per organizzazione ricevente")), new_x="LMARGIN", new_y="NEXT"
        )
        document.set_font("Helvetica", size=8)
        for row in report.referrals:
            document.cell(80, 5, pdf_text(row.organization.name[:45]))
            document.cell(
                0,
                5,
                pdf_text(
                    _("ricevuti %(r)s, accettati %(a)s, conclusi %(c)s, ore all'accettazione %(h)s")
                    % {
                        "r": row.received,
                        "a": row.accepted,
                        "c": row.completed,
                        "h": row.hours_to_accept if row.hours_to_accept is not None else "-",
                    }
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(document.output())
