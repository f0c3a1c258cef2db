"""The minutes of a meeting as a PDF (fpdf2, pure Python: no system library needed).

The document is tagged with its title and language; the core Helvetica font covers
Latin-1, so the few typographic characters outside it are written in their plain form.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from solidale.core.pdf import pdf_text

from .models import Meeting
from .selectors import meeting_agenda, meeting_participants


class _MinutesPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, pdf_text(_("Pagina %(page)s") % {"page": self.page_no()}), align="C")


def minutes_pdf(meeting: Meeting) -> bytes:
    """The published (or draft, for the convening organization) minutes as PDF bytes."""
    pdf = _MinutesPDF(format="A4")
    pdf.set_title(pdf_text(_("Verbale: %(title)s") % {"title": meeting.title}))
    pdf.set_author(pdf_text(meeting.organization))
    pdf.set_lang("it")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def paragraph(text: str, style: str = "") -> None:
        pdf.set_font("Helvetica", style, 10)
        pdf.multi_cell(width, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    heading(_("Verbale del Tavolo solidale"), 16)
    heading(meeting.title, 13)
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    paragraph(_("Data: %(when)s") % {"when": when})
    paragraph(_("Luogo: %(place)s") % {"place": meeting.place or meeting.online_url})
    paragraph(_("Convocata da: %(org)s") % {"org": meeting.organization})
    paragraph(_("Stato: %(status)s") % {"status": meeting.get_status_display()})
    pdf.ln(3)

    heading(_("Organizzazioni"), 12)
    for participant in meeting_participants(meeting):
        presence = _("presente") if participant.attended else _("assente")
        paragraph(f"- {participant.organization} ({presence})")
    attendees = list(meeting.attendees.select_related("organization"))
    if attendees:
        pdf.ln(2)
        heading(_("Presenti"), 12)
        for attendee in attendees:
            role = f", {attendee.role}" if attendee.role else ""
            paragraph(f"- {attendee.full_name}{role} ({attendee.organization})")
    pdf.ln(3)

    heading(_("Ordine del giorno e verbale"), 12)
    for item in meeting_agenda(meeting):
        heading(f"{item.position}. {item.title}", 11)
        if item.description:
            paragraph(item.description, "I")
        paragraph(item.minutes or _("Nessun verbale per questo punto."))
        for decision in item.decisions.all():
            pdf.ln(1)
            vote = f" ({decision.vote_note})" if decision.vote_note else ""
            paragraph(_("Decisione: %(text)s") % {"text": decision.text} + vote, "B")
            for action in decision.actions.all():
                paragraph(
                    _("Azione: %(title)s - a cura di %(org)s, entro il %(deadline)s")
                    % {
                        "title": action.title,
                        "org": action.owner_organization,
                        "deadline": formats.date_format(action.deadline, "SHORT_DATE_FORMAT"),
                    }
                )
        pdf.ln(3)
    return bytes(pdf.output())
