"""Small pieces every report uses: Thai paragraphs, tables of Thai cells, key/value blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Spacer, Table, TableStyle

from visits.reports import fonts
from visits.reports.styles import styles
from visits.reports.thaitext import _FIT, ThaiParagraph, digits

GRID = colors.Color(0.55, 0.55, 0.55)
HEAD_BG = colors.Color(0.88, 0.91, 0.96)
ZEBRA = colors.Color(0.965, 0.965, 0.965)
# Digits (Arabic or Thai), signs and Latin letters: nothing to shape, nothing to break.
_PLAIN_TEXT = re.compile(r"[0-9\u0e50-\u0e59A-Za-z.,:/%+\-() ]*")
# Table's own default cell font is Helvetica (base-14, not embedded), even when no cell uses it.
PLAIN = [
    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


# A table row taller than this (points; the body frame is ~714 pt) is cut into several rows.
MAX_ROW_HEIGHT = 520
MIN_SPLIT_CHARS = 600  # shorter text always fits on a page in any column we draw
_MEASURED_CHARS = 80  # cells up to this long are measured for their widest unbreakable piece


def _cut_text(text: str, size: int) -> list[str]:
    """`text` in pieces of at most ~`size` characters, cut at a space or else between Thai words."""
    size = max(size, 50)
    pieces = []
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        if cut <= 0:
            from pythainlp.tokenize import word_tokenize

            words, cut = word_tokenize(text[: size + 40], engine="newmm"), 0
            for word in words:
                if cut + len(word) > size:
                    break
                cut += len(word)
            cut = cut or size
        pieces.append(text[:cut].strip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return [p for p in pieces if p]


class Writer:
    """Makes flowables for one report; knows its protected names (schools, places) and digit style."""

    def __init__(self, protected: Sequence[str] = (), thai_digits: bool = False):
        self.protected = frozenset(p for p in protected if p)
        self.thai_digits = thai_digits
        self.st = styles()

    def p(self, text, style: str = "body", keep_digits: bool = False) -> ThaiParagraph:
        """A Thai paragraph; with the office's Thai-digit setting every digit is Thai, except in codes
        and addresses (`keep_digits`) that must be typed back exactly."""
        text = "" if text is None else str(text)
        if self.thai_digits and not keep_digits:
            text = digits(text, True)
        return ThaiParagraph(text, self.st[style], protected=self.protected)

    def num(self, value, fmt: str = "{}") -> str:
        return digits(fmt.format(value), self.thai_digits)

    def h1(self, text) -> list:
        # A heading never ends a page: ask for room for it and a few lines (keepWithNext would push a
        # long table whole onto the next page instead of splitting it).
        return [CondPageBreak(3.5 * cm), self.p(text, "h1")]

    def h2(self, text) -> list:
        return [CondPageBreak(2.5 * cm), self.p(text, "h2")]

    def space(self, h: float = 6):
        return Spacer(1, h)

    def bullets(self, items: Sequence[str], marker: str = "•", style: str = "bullet") -> list:
        out = []
        for i, item in enumerate(items, start=1):
            bullet = self.num(i, "{}.") if marker == "1." else marker
            para = self.p(item, style)
            para.bulletText = bullet
            out.append(para)
        return out

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence],
        widths: Sequence[float],
        aligns: Sequence[str] | None = None,
        zebra: bool = True,
        extra: Sequence = (),
    ) -> Table:
        """A table whose cells are Thai paragraphs; the header repeats on every page it splits to."""
        aligns = aligns or ["left"] * len(head)
        cell_style = {"left": "cell", "center": "cell_center", "right": "cell_right", "bold": "cell_bold"}
        widths = self.fit_widths(head, rows, widths)
        data = [[self.p(h, "cell_head") for h in head]]
        for row in rows:
            for part in self._split_tall_row(row, widths, aligns, cell_style):
                data.append([self._cell(c, a, cell_style[a]) for c, a in zip(part, aligns, strict=True)])
        commands = [
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), self.st["cell"].fontSize),
            ("LEADING", (0, 0), (-1, -1), self.st["cell"].leading),
            *[("ALIGN", (i, 1), (i, -1), a.upper()) for i, a in enumerate(aligns) if a in ("center", "right")],
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
        if zebra:
            commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(data), 2)]
        t = Table(data, colWidths=list(widths), repeatRows=1, style=TableStyle(commands), hAlign="LEFT")
        return t

    def fit_widths(self, head: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float]) -> list[float]:
        """Column widths sized from their content: a column too narrow for its widest name (a school,
        consortium, district or person's name is one unbreakable piece) or word takes the room from columns
        that have more than their own widest piece needs; the table's width stays the same. Only when the
        whole table has no room left does a name break, and then at its own word boundaries."""
        need = [self._widest_piece(h, "cell_head") for h in head]
        for row in rows:
            for i, value in enumerate(row):
                # Names, dates and labels are short; a long sentence in a column of ordinary width always
                # has room for its widest word, so it is not measured (it would cost a visit report ~20 %).
                if isinstance(value, str) and value and (len(value) <= _MEASURED_CHARS or widths[i] < 3 * cm):
                    need[i] = max(need[i], self._widest_piece(value, "cell"))
        out = list(widths)
        short = {i: need[i] - w for i, w in enumerate(out) if need[i] > w}
        if not short:
            return out
        spare = {i: w - need[i] for i, w in enumerate(out) if i not in short and w > need[i]}
        give = min(sum(short.values()), sum(spare.values()))
        if give <= 0:
            return out
        for i, gap in short.items():
            out[i] += give * gap / sum(short.values())
        for i, room in spare.items():
            out[i] -= give * room / sum(spare.values())
        return out

    def _widest_piece(self, text: str, style: str) -> float:
        """The widest piece of `text` no line break may enter, with the cell's padding (points)."""
        from visits.reports.thaitext import _width, segment

        st = self.st[style]
        if self.thai_digits:
            text = digits(text, True)
        pieces = [t for line in text.split("\n") for t in segment(line, self.protected) if not t.isspace()]
        return max((_width(t, st.fontName, st.fontSize) for t in pieces), default=0) / _FIT + 8 + 0.5

    def _split_tall_row(self, row, widths, aligns, cell_style) -> list[Sequence]:
        """A row whose text would be taller than a page cannot be drawn (ReportLab splits tables only between
        rows): its long text cells are cut at word boundaries into pieces that fit, one row per piece, the other
        cells left blank on the continuation rows. Any text the API accepts then renders, page after page."""
        tall = []
        for i, (value, align) in enumerate(zip(row, aligns, strict=True)):
            if isinstance(value, str) and len(value) > MIN_SPLIT_CHARS:
                height = self.p(value, cell_style[align]).wrap(widths[i] - 8, 1e9)[1]
                if height > MAX_ROW_HEIGHT:
                    tall.append((i, value, height))
        if not tall:
            return [row]
        pieces = {i: _cut_text(text, int(len(text) * MAX_ROW_HEIGHT / height * 0.85)) for i, text, height in tall}
        count = max(len(p) for p in pieces.values())
        out = []
        for n in range(count):
            part = [("" if n else value) for value in row]
            for i, chunks in pieces.items():
                part[i] = chunks[n] if n < len(chunks) else ""
            out.append(part)
        return out

    def _cell(self, value, align: str, style: str):
        """Short numbers and codes are drawn as plain strings (no shaping or wrapping needed: faster)."""
        if value is None:
            value = "-"
        if not isinstance(value, str | int | float):
            return value
        text = str(value)
        if align in ("center", "right") and len(text) <= 12 and _PLAIN_TEXT.fullmatch(text):
            return text
        return self.p(text, style)

    def pairs(self, rows: Sequence[tuple[str, str]], widths: tuple[float, float]) -> Table:
        """Label / value lines without a grid (school, date, round …)."""
        styles_of = {"left": "body", "bold": "bold"}
        data = [
            [self.p(k, "bold"), self.p(v)]
            for row in rows
            for k, v in self._split_tall_row(row, widths, ("bold", "left"), styles_of)
        ]
        return Table(
            data,
            colWidths=list(widths),
            hAlign="LEFT",
            style=TableStyle([*PLAIN, ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]),
        )
