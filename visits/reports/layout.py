"""A4 page templates: official margins, office name and logo, "หน้า X / Y", shaped canvas text."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer

from visits.reports import fonts
from visits.reports.data import OfficeInfo
from visits.reports.thaitext import digits, draw_text, fit_size, note_first_word  # noqa: F401 (re-exported)

PAGE_W, PAGE_H = A4
# ระเบียบงานสารบรรณ: left 3 cm, right 2 cm; top and bottom leave room for the running head and foot.
MARGINS = {"left": 3 * cm, "right": 2 * cm, "top": 2.5 * cm, "bottom": 2 * cm}
FRAME_W = PAGE_W - MARGINS["left"] - MARGINS["right"]


def _numbered_canvas(draw_page: Callable[..., None], created_at: datetime | None):
    """A canvas that holds pages until the end so each can say "page X of Y" (and name the first word of
    the next page); with `created_at`, the PDF's CreationDate/ModDate are that time."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []
            self._nithet_first_word = None
            if created_at is not None:
                _set_timestamp(self._doc._timeStamp, created_at)

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self._nithet_first_word = None

        def save(self):
            total = len(self._pages)
            firsts = [page.get("_nithet_first_word") for page in self._pages]
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_page(self, number, total, firsts[number] if number < total else None)
                super().showPage()
            super().save()

    return NumberedCanvas


def _set_timestamp(stamp, when: datetime) -> None:
    """Point ReportLab's document time stamp (used for CreationDate and ModDate) at `when`, in Bangkok time."""
    from zoneinfo import ZoneInfo

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(ZoneInfo("Asia/Bangkok"))
    offset = local.utcoffset() or timedelta(0)
    stamp.t = when.timestamp()
    stamp.lt = local.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = int(offset.total_seconds() // 3600)
    stamp.dmm = int(offset.total_seconds() % 3600 // 60)
    stamp.tzname = "+07"


MARK_COLOUR = Color(0.78, 0.12, 0.12)


def draw_status_mark(canvas: Canvas, mark: str, status: str) -> None:
    """A large diagonal mark across the page ("ร่าง", "รอตรวจ", "ส่งกลับแก้ไข") and the status written out
    at the top right: a document that is not final never looks final, on any page."""
    canvas.saveState()
    canvas.setFillColor(MARK_COLOUR, alpha=0.13)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(35)
    size = min(110, 1.1 * PAGE_W / max(1.0, stringWidth(mark, fonts.BOLD, 1)))
    draw_text(canvas, 0, -size / 3, mark, fonts.BOLD, size, align="center")
    canvas.restoreState()
    canvas.saveState()
    canvas.setFillColor(MARK_COLOUR)
    label = f"{mark} · สถานะ: {status}" if status and status != mark else mark
    draw_text(canvas, PAGE_W - MARGINS["right"], PAGE_H - 0.8 * cm, label, fonts.BOLD, 10, align="right")
    canvas.restoreState()


class ReportDoc:
    """Build a flowable story into PDF bytes with the office's running head and foot."""

    margins = MARGINS

    def __init__(
        self,
        office: OfficeInfo,
        title: str,
        footer_note: str = "",
        head: bool = True,
        mark: str = "",
        status: str = "",
        created_at: datetime | None = None,
        subject: str = "",
        keywords: str = "",
    ):
        """`mark` (ร่าง, รอตรวจ, ส่งกลับแก้ไข …) is drawn across every page with `status` beside it;
        `created_at` is the PDF's creation date (now when not given: the content hash names the file,
        so the time stamp is never part of any cache key)."""
        fonts.register_fonts()
        self.office = office
        self.title = title
        self.footer_note = footer_note
        self.head = head
        self.mark = mark
        self.status = status
        self.created_at = created_at or datetime.now(UTC)
        self.subject = subject or title
        self.keywords = keywords
        self._logo = ImageReader(io.BytesIO(office.logo)) if office.logo else None

    def _draw_page(self, canvas: Canvas, number: int, total: int, next_word: str | None = None) -> None:
        if self.mark:
            draw_status_mark(canvas, self.mark, self.status)
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
            title = digits(self.title, True) if self.office.thai_digits else self.title
            # Office name left, title (with the school's name) right, each whole: a long one is drawn
            # smaller, never cut.
            room = right - x - 0.5 * cm
            name_w = stringWidth(self.office.name, fonts.REGULAR, 9)
            title_w = stringWidth(title, fonts.REGULAR, 9)
            share = room * name_w / (name_w + title_w) if name_w + title_w > room else name_w
            name_size = fit_size(self.office.name, fonts.REGULAR, 9, share)
            title_size = fit_size(title, fonts.REGULAR, 9, room - min(share, name_w))
            draw_text(canvas, x, y, self.office.name, fonts.REGULAR, name_size)
            draw_text(canvas, right, y, title, fonts.REGULAR, title_size, align="right")
            canvas.setLineWidth(0.4)
            canvas.setStrokeGray(0.6)
            canvas.line(left, y - 0.25 * cm, right, y - 0.25 * cm)
        y = 1.1 * cm
        t = self.office.thai_digits
        draw_text(canvas, right, y, f"หน้า {digits(number, t)} / {digits(total, t)}", fonts.REGULAR, 9, align="right")
        if self.footer_note:
            note_size = fit_size(self.footer_note, fonts.REGULAR, 8, FRAME_W - 3 * cm)
            draw_text(canvas, left, y, self.footer_note, fonts.REGULAR, note_size)
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
            leftMargin=self.margins["left"],
            rightMargin=self.margins["right"],
            topMargin=self.margins["top"],
            bottomMargin=self.margins["bottom"],
            title=self.title,
            author=self.office.name,
            subject=self.subject,
            keywords=self.keywords,
            creator="Nithet",
            producer="Nithet (ReportLab)",
            lang="th-TH",
            # No random document ID; with the same `created_at` identical inputs give identical bytes.
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
        doc.build(story, canvasmaker=_numbered_canvas(self._draw_page, self.created_at))
        return buf.getvalue()
