"""A4 page templates: official margins, office name and logo, "หน้า X / Y", shaped canvas text."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer

from visits.reports import fonts
from visits.reports.data import OfficeInfo
from visits.reports.thaitext import digits, draw_text, fit_text

PAGE_W, PAGE_H = A4
# ระเบียบงานสารบรรณ: left 3 cm, right 2 cm; top and bottom leave room for the running head and foot.
MARGINS = {"left": 3 * cm, "right": 2 * cm, "top": 2.5 * cm, "bottom": 2 * cm}
FRAME_W = PAGE_W - MARGINS["left"] - MARGINS["right"]


def _numbered_canvas(draw_page: Callable[[Canvas, int, int], None]):
    """A canvas that holds pages until the end so each can say "page X of Y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_page(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class ReportDoc:
    """Build a flowable story into PDF bytes with the office's running head and foot."""

    def __init__(self, office: OfficeInfo, title: str, footer_note: str = "", head: bool = True):
        fonts.register_fonts()
        self.office = office
        self.title = title
        self.footer_note = footer_note
        self.head = head
        self._logo = ImageReader(io.BytesIO(office.logo)) if office.logo else None

    def _draw_page(self, canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        left, right = MARGINS["left"], PAGE_W - MARGINS["right"]
        if self.head and number > 1:  # page 1 carries the title block with the logo
            y = PAGE_H - 1.3 * cm
            x = left
            if self._logo is not None:
                canvas.drawImage(
                    self._logo,
                    left,
                    y - 0.2 * cm,
                    width=0.8 * cm,
                    height=0.8 * cm,
                    preserveAspectRatio=True,
                    mask="auto",
                )
                x = left + 1 * cm
            draw_text(canvas, x, y, fit_text(self.office.name, fonts.REGULAR, 9, right - x - 6 * cm), fonts.REGULAR, 9)
            title = digits(self.title, True) if self.office.thai_digits else self.title
            draw_text(canvas, right, y, fit_text(title, fonts.REGULAR, 9, 6 * cm), fonts.REGULAR, 9, align="right")
            canvas.setLineWidth(0.4)
            canvas.setStrokeGray(0.6)
            canvas.line(left, y - 0.25 * cm, right, y - 0.25 * cm)
        y = 1.1 * cm
        t = self.office.thai_digits
        draw_text(canvas, right, y, f"หน้า {digits(number, t)} / {digits(total, t)}", fonts.REGULAR, 9, align="right")
        if self.footer_note:
            draw_text(canvas, left, y, fit_text(self.footer_note, fonts.REGULAR, 8, FRAME_W - 3 * cm), fonts.REGULAR, 8)
        canvas.restoreState()

    def logo_flowable(self, size: float = 2.2 * cm):
        from visits.reports.charts import Picture

        return Picture(self.office.logo, size, size) if self.office.logo else None

    def heading(self, w, title: str, *subtitles: str) -> list:
        """The centred opening of a summary-style report: logo, office name, title, subtitle lines."""
        logo = self.logo_flowable(1.8 * cm)
        return [
            *([logo] if logo is not None else []),
            w.p(self.office.name, "subtitle"),
            w.p(title, "title"),
            *(w.p(line, "subtitle") for line in subtitles),
            Spacer(1, 8),
        ]

    def build(self, story: list) -> bytes:
        buf = io.BytesIO()
        doc = BaseDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=MARGINS["left"],
            rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"],
            bottomMargin=MARGINS["bottom"],
            title=self.title,
            author=self.office.name,
            subject=self.title,
            creator="Nithet",
            lang="th-TH",
            # Identical inputs give identical bytes (hash-keyed cache, reproducible tests).
            invariant=1,
            # Otherwise every page starts in Helvetica, an unembedded base-14 font.
            initialFontName=fonts.REGULAR,
        )
        frame = Frame(
            doc.leftMargin,
            doc.bottomMargin,
            doc.width,
            doc.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(story, canvasmaker=_numbered_canvas(self._draw_page))
        return buf.getvalue()
