"""Paragraph styles: Sarabun at sizes that read like TH Sarabun PSK 16 pt, shaping on every style."""

from __future__ import annotations

from functools import cache

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from visits.reports import fonts

BODY_SIZE = 12.5


@cache
def styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle(
        "body",
        fontName=fonts.REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.45,
        alignment=TA_LEFT,
        shaping=1,
        allowWidows=0,
        allowOrphans=0,
        bulletFontName=fonts.REGULAR,
        bulletFontSize=BODY_SIZE,
    )

    def s(name, **kw):
        return ParagraphStyle(name, parent=base, shaping=1, **kw)

    out = {
        "body": base,
        "indent": s("indent", firstLineIndent=2.5 * 28.35),
        "title": s("title", fontName=fonts.BOLD, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=4),
        "subtitle": s("subtitle", fontSize=13.5, leading=19, alignment=TA_CENTER),
        "h1": s("h1", fontName=fonts.BOLD, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4),
        "h2": s("h2", fontName=fonts.BOLD, fontSize=BODY_SIZE, leading=18, spaceBefore=6, spaceAfter=2),
        "bold": s("bold", fontName=fonts.BOLD),
        "center": s("center", alignment=TA_CENTER),
        "right": s("right", alignment=TA_RIGHT),
        "cell": s("cell", fontSize=11, leading=15),
        "cell_bold": s("cell_bold", fontName=fonts.BOLD, fontSize=11, leading=15),
        "cell_head": s("cell_head", fontName=fonts.BOLD, fontSize=11, leading=15, alignment=TA_CENTER),
        "cell_center": s("cell_center", fontSize=11, leading=15, alignment=TA_CENTER),
        "cell_right": s("cell_right", fontSize=11, leading=15, alignment=TA_RIGHT),
        "small": s("small", fontSize=9.5, leading=13),
        "small_center": s("small_center", fontSize=9.5, leading=13, alignment=TA_CENTER),
        "bullet": s("bullet", leftIndent=14, bulletIndent=2),
        # Numbered clauses of an official order: the number where paragraphs begin, text hanging after it.
        "clause": s("clause", leftIndent=2.5 * 28.35 + 16, bulletIndent=2.5 * 28.35),
    }
    for style in out.values():
        assert style.shaping, style.name  # every style shapes Thai (see fonts.check_shaping)
    return out
