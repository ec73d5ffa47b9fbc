"""The layout of a Thai official document (หนังสือราชการ) as ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ
sets it out: for orders (คำสั่ง), invitation letters (หนังสือเชิญประชุม) and minutes (รายงานการประชุม).

What it gives:
- the office's Garuda emblem (``AreaOffice.emblem``; none is shipped, an office uploads its own) 3 cm
  high at the top centre of page 1 (`OfficialDoc.emblem`);
- text in the TH Sarabun size convention: sizes are written as TH Sarabun PSK points (16 pt body) and
  drawn in Sarabun at the size that looks the same (`th_pt`);
- justified Thai (`OfficialWriter.para`): the space left on a line is spread between character clusters
  (never between a letter and its marks), so lines end flush without gaps a reader would copy as spaces;
- page numbers "- ๒ -" at the top centre from page 2, and the continuation word at the foot of every
  page but the last: the first word of the next page followed by "..." (คำต่อ);
- numbered lines for members (`OfficialWriter.numbered_lines`): "๑. name  position  role", columns
  sized from the content so no name is ever cut;
- the signature block (`OfficialWriter.signature`): the date line, room to sign, (name), position,
  centred in the right half and kept together with the text before it.

How to use it (a builder takes frozen data, never the ORM)::

    from visits.reports.official import MemberLine, OfficialDoc, OfficialWriter

    doc = OfficialDoc(office, "หนังสือเชิญประชุม")  # office: visits.reports.data.OfficeInfo
    w = OfficialWriter(protected=data.protected, thai_digits=True)
    story = [
        *doc.emblem(),
        w.centre("คำสั่งสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาอุบลราชธานี อำนาจเจริญ", bold=True),
        w.centre("ที่ 25/2563"),
        w.centre("เรื่อง แต่งตั้งคณะกรรมการ ..."),
        w.rule(),
        w.para("ด้วย ..."),                     # justified, first line indented 2.5 cm
        *w.numbered_lines([MemberLine("นายสมชาย ใจดี", "ผู้อำนวยการ ...", "ประธานกรรมการ")]),
        *w.clauses(["...", "..."]),             # ๑. ... ๒. ... numbered paragraphs
        *w.signature("นายสมชาย ใจดี", "ผู้อำนวยการ ...", when="สั่ง ณ วันที่ 20 มกราคม พ.ศ. 2563"),
    ]
    pdf = doc.build(story)

`OfficialDoc` takes the same `mark`/`status` (ร่าง …) and `created_at` (PDF metadata) as `ReportDoc`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from visits.reports import fonts
from visits.reports.layout import PAGE_H, PAGE_W, ReportDoc, draw_status_mark
from visits.reports.thaitext import ThaiParagraph, break_lines, clusters, digits, draw_text, note_first_word

# Google's Sarabun (like TLWG's Laksaman) draws its letters larger on the em than TH Sarabun PSK / New,
# which official documents are specified in: the same look is about 13/16 of the size.
TH_SARABUN_SCALE = 13 / 16
# ระเบียบงานสารบรรณ: left 3 cm, right 2 cm; the Garuda 1.5 cm below the top edge on page 1; later pages
# carry their number "- ๒ -" in the top margin.
OFFICIAL_MARGINS = {"left": 3 * cm, "right": 2 * cm, "top": 1.5 * cm, "top_later": 2.5 * cm, "bottom": 2 * cm}
FRAME_W = PAGE_W - OFFICIAL_MARGINS["left"] - OFFICIAL_MARGINS["right"]
EMBLEM_HEIGHT = 3 * cm
PARAGRAPH_INDENT = 2.5 * cm
# Justification never opens a gap between clusters wider than this share of the font size: wider gaps
# are read as spaces: poppler (pdftotext, Evince) starts doing so from about 0.03 em between Thai clusters.
_MAX_CLUSTER_GAP = 0.02
_MAX_STRETCH = 1.03
_MAX_SPACE_EXTRA = 0.6  # em added to a space at most: wider reads as a gap in the sentence


def th_pt(size: float) -> float:
    """Sarabun points for a size given in TH Sarabun PSK points (official documents: 16)."""
    return size * TH_SARABUN_SCALE


BODY_SIZE = th_pt(16)


@dataclass(frozen=True)
class MemberLine:
    name: str
    position: str
    role: str


def official_styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle(
        "official",
        fontName=fonts.REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.42,
        alignment=TA_JUSTIFY,
        shaping=1,
        firstLineIndent=PARAGRAPH_INDENT,
    )

    def s(name, **kw):
        return ParagraphStyle(name, parent=base, shaping=1, **kw)

    return {
        "body": base,
        "plain": s("plain", firstLineIndent=0, alignment=TA_LEFT),
        "centre": s("centre", firstLineIndent=0, alignment=TA_CENTER),
        "centre_bold": s("centre_bold", firstLineIndent=0, alignment=TA_CENTER, fontName=fonts.BOLD),
        "title": s("title", firstLineIndent=0, alignment=TA_CENTER, fontName=fonts.BOLD, fontSize=th_pt(20)),
        "bold": s("bold", firstLineIndent=0, alignment=TA_LEFT, fontName=fonts.BOLD),
        "cell": s("cell", firstLineIndent=0, alignment=TA_LEFT),
    }


class JustifiedThai(Flowable):
    """Plain Thai text filled by words (like `ThaiParagraph`) and justified: every line but a paragraph's
    last ends at the right margin. Splits between lines across pages, never leaving one line alone."""

    def __init__(self, text: str | None, style: ParagraphStyle, protected: Iterable[str] = (), _lines=None):
        super().__init__()
        self.text = text
        self.style = style
        self.protected = frozenset(protected)
        self._lines = _lines  # [(text, indent, justify)]
        self._for_width = None if _lines is None else "fixed"

    def _break(self, width: float) -> list[tuple[str, float, bool]]:
        st = self.style
        out = []
        # Justified lines are chosen so that each can be spread to the margin within the justifier's limits.
        spread = (_MAX_CLUSTER_GAP, _MAX_SPACE_EXTRA, _MAX_STRETCH) if st.alignment == TA_JUSTIFY else None
        for para in (self.text or "").split("\n"):
            lines = break_lines(
                para, st.fontName, st.fontSize, width, width - st.firstLineIndent, self.protected, spread
            )
            for i, line in enumerate(lines):
                out.append((line, st.firstLineIndent if i == 0 else 0.0, i < len(lines) - 1))
        return out

    def wrap(self, availWidth, availHeight):
        if self._for_width != "fixed" and self._for_width != availWidth:
            self._lines = self._break(availWidth)
            self._for_width = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.style.leading)
        if fit >= len(self._lines):
            return [self]
        if len(self._lines) - fit == 1:  # no last line alone at the top of the next page
            fit -= 1
        if fit < 2:  # nor a first line alone at the foot of this one
            return []
        first = JustifiedThai(None, self.style, self.protected, self._lines[:fit])
        rest = JustifiedThai(None, self.style, self.protected, self._lines[fit:])
        first.width = rest.width = availWidth
        return [first, rest]

    def draw(self):
        st = self.style
        c = self.canv
        if self._lines:
            note_first_word(c, self._lines[0][0])
        c.saveState()
        for i, (line, indent, justify) in enumerate(self._lines):
            y = self.height - i * st.leading - st.fontSize
            width = self.width - indent
            if st.alignment == TA_CENTER:
                draw_text(c, self.width / 2, y, line, st.fontName, st.fontSize, align="center")
            elif justify and st.alignment == TA_JUSTIFY:
                _draw_justified(c, indent, y, line, st.fontName, st.fontSize, width)
            else:
                draw_text(c, indent, y, line, st.fontName, st.fontSize)
        c.restoreState()


def _draw_justified(c, x: float, y: float, line: str, font: str, size: float, width: float) -> None:
    """Draw `line` ending at x + width: the space left over goes between character clusters (never
    between a letter and its marks), each gap capped so text extractors do not read it as a space, and
    what remains to the spaces of the line (up to 0.6 em more each), then a slight widening of the glyphs. The
    line stays one shaped string: the gaps are added to the advance of each cluster's last glyph, as
    kerning would be."""
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, shapeStr

    text = shapeStr(line, font, size)
    if isinstance(text, ShapedStr):
        data = list(text.__shapeData__)
    else:
        data = []  # plain text: harfbuzz changed nothing
        for k, ch in enumerate(line):
            w = stringWidth(ch, font, 1000)
            data.append(ShapeData(k, w, 0, 0, 0, w))
        text = line
    natural = sum(sd.x_advance for sd in data) * size / 1000
    extra = width - natural
    if extra <= 0 or len(data) < 2:
        draw_text(c, x, y, line, font, size)
        return
    bounds, pos = set(), 0
    for part in clusters(line):
        pos += len(part)
        bounds.add(pos)
    spaces = [k for k, sd in enumerate(data) if 0 <= sd.cluster < len(line) and line[sd.cluster].isspace()]
    gaps = [
        k
        for k in range(len(data) - 1)
        if k not in spaces
        and data[k].x_advance > 0  # after a mark, poppler reads even a small gap as a space
        and data[k + 1].cluster > data[k].cluster
        and not line[data[k + 1].cluster].isspace()
        and any(data[k].cluster < b <= data[k + 1].cluster for b in bounds)
    ]
    per_gap = min(extra / len(gaps), _MAX_CLUSTER_GAP * size) if gaps else 0.0
    rest = extra - per_gap * len(gaps)
    at_space = min(rest, len(spaces) * _MAX_SPACE_EXTRA * size) / len(spaces) if spaces and rest > 0 else 0.0
    unit = 1000 / size
    for k in spaces:
        data[k] = data[k]._replace(x_advance=data[k].x_advance + at_space * unit)
    for k in gaps:
        data[k] = data[k]._replace(x_advance=data[k].x_advance + per_gap * unit)
    drawn = natural + per_gap * len(gaps) + at_space * len(spaces)
    # Still short (a long word moved to the next line and few clusters or spaces to spread over): widen
    # the glyphs a little (at most 3 %, which the eye does not see); no gap opens, so nothing is misread.
    scale = min(_MAX_STRETCH, width / drawn) if drawn < width else 1.0
    t = c.beginText(x, y)
    t.setFont(font, size)
    if scale > 1.0:
        t.setHorizScale(100 * scale)
    t.textOut(ShapedStr(str(text), shapeData=data))
    if scale > 1.0:
        t.setHorizScale(100)  # Tz is graphics state: it would carry over to the next line
    c.drawText(t)


class Emblem(Flowable):
    """The Garuda (or any emblem image) `height` high, centred on the frame."""

    def __init__(self, image: bytes, height: float = EMBLEM_HEIGHT):
        super().__init__()
        from visits.reports.charts import Picture

        self.picture = Picture(image, 10 * height, height)
        self.height = self.picture.height
        self.pic_width = self.picture.width

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.height

    def draw(self):
        self.picture.drawOn(self.canv, (self.width - self.pic_width) / 2, 0)


class OfficialDoc(ReportDoc):
    """A Thai official document: Garuda at the top of page 1, "- ๒ -" page numbers from page 2, the
    continuation word at the foot of each page but the last."""

    margins = OFFICIAL_MARGINS

    def emblem(self, height: float = EMBLEM_HEIGHT) -> list:
        """The office's emblem, `height` high at the top centre, and the gap below it; nothing when the
        office has not uploaded one."""
        image = getattr(self.office, "emblem", None)
        if not image:
            return []
        return [Emblem(image, height), Spacer(1, 0.3 * cm)]

    def _draw_page(self, canvas, number: int, total: int, next_word: str | None = None) -> None:
        if self.mark:
            draw_status_mark(canvas, self.mark, self.status)
        canvas.saveState()
        size = BODY_SIZE
        if number > 1:
            number_text = f"- {digits(number, True)} -"
            draw_text(canvas, PAGE_W / 2, PAGE_H - 1.5 * cm, number_text, fonts.REGULAR, size, "center")
        if next_word and number < total:
            right = PAGE_W - self.margins["right"]
            word = next_word.rstrip(".")
            draw_text(canvas, right, 1.2 * cm, f"/{word}...", fonts.REGULAR, size, align="right")
        canvas.restoreState()

    def build(self, story: list) -> bytes:
        import io

        buf = io.BytesIO()
        m = self.margins
        doc = BaseDocTemplate(
            buf,
            pagesize=(PAGE_W, PAGE_H),
            leftMargin=m["left"],
            rightMargin=m["right"],
            topMargin=m["top"],
            bottomMargin=m["bottom"],
            title=self.title,
            author=self.office.name,
            subject=self.subject,
            keywords=self.keywords,
            creator="Nithet",
            producer="Nithet (ReportLab)",
            lang="th-TH",
            invariant=1,
            initialFontName=fonts.REGULAR,
        )
        width = PAGE_W - m["left"] - m["right"]

        def frame(top: float, name: str) -> Frame:
            height = PAGE_H - top - m["bottom"]
            return Frame(m["left"], m["bottom"], width, height, id=name, leftPadding=0, rightPadding=0,
                         topPadding=0, bottomPadding=0)  # fmt: skip

        doc.addPageTemplates(
            [
                PageTemplate(id="first", frames=[frame(m["top"], "first")], autoNextPageTemplate="later"),
                PageTemplate(id="later", frames=[frame(m["top_later"], "later")]),
            ]
        )
        from visits.reports.layout import _numbered_canvas

        doc.build(story, canvasmaker=_numbered_canvas(self._draw_page, self.created_at))
        return buf.getvalue()


class OfficialWriter:
    """Flowables of an official document, in the office's digit style, names kept whole."""

    def __init__(self, protected: Sequence[str] = (), thai_digits: bool = True):
        self.protected = frozenset(p for p in protected if p)
        self.thai_digits = thai_digits
        self.st = official_styles()

    def text(self, value) -> str:
        value = "" if value is None else str(value)
        return digits(value, True) if self.thai_digits else value

    def num(self, value, fmt: str = "{}") -> str:
        return self.text(fmt.format(value))

    def para(self, text: str, style: str = "body") -> JustifiedThai:
        """A paragraph of the body: justified, its first line indented 2.5 cm."""
        return JustifiedThai(self.text(text), self.st[style], self.protected)

    def line(self, text: str, bold: bool = False) -> JustifiedThai:
        """A left-aligned line (or lines) without indent: เรียน, สิ่งที่ส่งมาด้วย, ผู้มาประชุม …"""
        return JustifiedThai(self.text(text), self.st["bold" if bold else "plain"], self.protected)

    def centre(self, text: str, bold: bool = False, title: bool = False) -> JustifiedThai:
        style = "title" if title else "centre_bold" if bold else "centre"
        return JustifiedThai(self.text(text), self.st[style], self.protected)

    def rule(self, width: float = 4 * cm) -> HRFlowable:
        return HRFlowable(width=width, thickness=0.6, color="black", spaceBefore=4, spaceAfter=10, hAlign="CENTER")

    def space(self, height: float = 6) -> Spacer:
        return Spacer(1, height)

    def clauses(self, items: Sequence[str], start: int = 1) -> list:
        """Numbered paragraphs "๑. …" beginning where paragraphs begin, justified."""
        return [self.para(f"{self.num(i)}. {text}") for i, text in enumerate(items, start=start)] if items else []

    def numbered_lines(self, members: Sequence[MemberLine], start: int = 1, indent: float = PARAGRAPH_INDENT) -> list:
        """ "๑. ชื่อ  ตำแหน่ง  หน้าที่" lines without a grid. The number, name and role columns are as wide as
        their longest entry, so no name or role is ever cut; the position takes what is left and wraps
        between words (a school name in it stays whole where it fits)."""
        if not members:
            return []
        st = self.st["cell"]
        font, size = st.fontName, st.fontSize
        gap = 0.4 * cm
        numbers = [f"{self.num(i)}." for i in range(start, start + len(members))]
        names = [self.text(m.name) for m in members]
        roles = [self.text(m.role) for m in members]
        positions = [self.text(m.position or "") for m in members]

        def widest(texts):
            return max((stringWidth(t, font, size) for t in texts), default=0.0) / 0.99 + 1

        w_num, w_name, w_role = widest(numbers), widest(names), widest(roles)
        lead = max(0.0, indent - w_num - 4)
        w_pos = FRAME_W - lead - w_num - 4 - w_name - gap - w_role - gap
        if w_pos < 4 * cm:
            # A very long name or role: the position goes under the name, in the same cell.
            rows = [
                ["", n, [self._p(name), self._p(pos)] if pos else self._p(name), self._p(role)]
                for n, name, pos, role in zip(numbers, names, positions, roles, strict=True)
            ]
            widths = [lead, w_num + 4, FRAME_W - lead - w_num - 4 - w_role, w_role]
            before_role = 2
        else:
            rows = [
                ["", n, self._p(name), self._p(pos), self._p(role)]
                for n, name, pos, role in zip(numbers, names, positions, roles, strict=True)
            ]
            widths = [lead, w_num + 4, w_name + gap, w_pos + gap, w_role]
            before_role = 3
        style = TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                # The gap before the role is inside the column before it, so that a position filling its column
                # never runs into the role ("ผู้ทรงคุณวุฒิ ก.ต.ป.น.กรรมการ" read, and copied, as one word).
                ("RIGHTPADDING", (before_role, 0), (before_role, -1), gap),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
        # One single-row table per member, all with the same columns: a page may break between members but
        # never inside one (number, name, position and role stay on one page), and a heading can be kept
        # with the first member alone rather than with the whole list.
        tables = []
        for row in rows:
            row[1] = self._p(row[1])
            tables.append(Table([row], colWidths=widths, hAlign="LEFT", style=style))
        return tables

    def _p(self, text: str) -> ThaiParagraph:
        return ThaiParagraph(text, self.st["cell"], protected=self.protected)

    def signature(self, name: str, position: str | Sequence[str], when: str = "", keep_with: Sequence = ()) -> list:
        """The signature block: `when` (สั่ง ณ วันที่ …) where paragraphs begin, room to sign, then
        "(name)" and the position (one line or several) centred in the right half of the page. Kept on
        one page together with `keep_with` (the last paragraph), so it never stands alone."""
        lines = [position] if isinstance(position, str) else list(position)
        right = [
            JustifiedThai(self.text(f"({name})" if name else "(" + "." * 40 + ")"), self.st["centre"], self.protected),
            *(JustifiedThai(self.text(p), self.st["centre"], self.protected) for p in lines if p),
        ]
        block = Table(
            [["", right]],
            colWidths=[FRAME_W * 0.42, FRAME_W * 0.58],
            style=TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ]
            ),
        )
        parts = [*keep_with]
        if when:
            parts += [Spacer(1, 6), self.para(when)]
        parts += [Spacer(1, 1.8 * cm), block]
        return [KeepTogether(parts)]
