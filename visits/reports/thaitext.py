"""Thai text for ReportLab: word segmentation, line filling, shaped canvas text, BE dates, Thai digits.

ReportLab wraps only at spaces and Thai has none between words, so `ThaiParagraph` measures words itself
(pythainlp `newmm`, names from the report kept whole), fills each line to the width it is given and
hands ReportLab explicit line breaks. A word wider than the line is split between Thai character
clusters (TCC), never inside one, so no tone mark or vowel is separated from its letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from xml.sax.saxutils import escape

from pythainlp.tokenize import tcc, word_tokenize
from pythainlp.util import arabic_digit_to_thai_digit, thai_strftime
from pythainlp.util.date import thai_abbr_months, thai_full_months
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import _drawBullet, _handleBulletWidth
from reportlab.platypus.paragraph import split as _split_words
from reportlab.rl_config import _FUZZ

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_SPACE = re.compile(r"(\s+)")
# Fill lines to 99.5 %: shaped widths (kerning) can exceed the measured ones by a hair, and ReportLab would
# then break such a line once more at a space.
_FIT = 0.995
_FIT_JUSTIFIED = 0.9995  # justified lines are drawn here, never broken again: they may fill the line


# --- numbers and dates -------------------------------------------------------------------------


def digits(value, thai: bool) -> str:
    text = str(value)
    return arabic_digit_to_thai_digit(text) if thai else text


def be_date(value: date | datetime | None, thai_digits: bool = False, fmt: str = "%-d %B %Y") -> str:
    """3 สิงหาคม 2563 (or ๓ สิงหาคม ๒๕๖๓); an aware datetime is shown in Asia/Bangkok."""
    if value is None:
        return "-"
    if isinstance(value, datetime) and value.tzinfo is not None:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo("Asia/Bangkok"))
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return thai_strftime(value, fmt, thaidigit=thai_digits)


def be_datetime(value: datetime | None, thai_digits: bool = False) -> str:
    return be_date(value, thai_digits, "%-d %B %Y เวลา %H:%M น.")


# --- segmentation -------------------------------------------------------------------------------


# Words of supervision and testing that pythainlp's dictionary lacks and would cut where a line may break
# ("ตัวชี้ | วัด", "สห | วิทยาเขต", "กรรม | การคุมสอบ"): each is kept one word, like a name.
KEPT_WORDS = (
    "ตัวชี้วัด",
    "สหวิทยาเขต",
    "ก.ต.ป.น.",
    "ศูนย์สอบ",
    "สนามสอบ",
    "ห้องสอบ",
    "ซองข้อสอบ",
    "ผู้เข้าสอบ",
    "ผู้คุมสอบ",
    "กรรมการคุมสอบ",
    "ตัวแทนศูนย์สอบ",
    "กระดาษคำตอบ",
    # The academic ranks in positions ("ศึกษานิเทศก์ชำนาญการพิเศษ"): "ชำนาญ | การ" reads as a cut.
    "ชำนาญการพิเศษ",
    "ชำนาญการ",
    "เชี่ยวชาญพิเศษ",
    "เชี่ยวชาญ",
)
_DIGIT = "[0-9\u0e50-\u0e59]"
_MONTHS = "|".join(re.escape(m) for m in sorted((*thai_full_months, *thai_abbr_months), key=len, reverse=True))
# A Buddhist-Era date as the reports print it — "1 กุมภาพันธ์ 2563", "3 ส.ค. 63", "๑ มกราคม พ.ศ. ๒๕๖๓" — with
# the "วันที่" (or "ณ วันที่") that introduces it, and a time "เวลา 09:15 น.": one piece each, never cut at a line
# end ("วันที่ | 1 กุมภาพันธ์ 2563" reads as a cut; a piece wider than its line still breaks between its words).
# "ณ" is taken only as a word of its own, never the end of one ("ประมาณ วันที่ …"). Justified text stays flush
# with such pieces because its lines are chosen over the whole paragraph (`break_lines(..., spread=…)`).
_DATE = (
    f"(?:(?:(?<![\u0e00-\u0e7f])ณ )?วันที่ )?{_DIGIT}{{1,2}} (?:{_MONTHS}) (?:พ\\.ศ\\. )?{_DIGIT}{{2,4}}"
    f"|เวลา {_DIGIT}{{1,2}}[:.]{_DIGIT}{{2}}(?: น\\.)?"
    f"|พ\\.ศ\\. {_DIGIT}{{4}}"  # a year on its own: "พ.ศ. 2546", never "พ.ศ. | 2546"
    f"|ปีการศึกษา {_DIGIT}{{4}}"  # an academic year: "ปีการศึกษา 2563", never "ปีการศึกษา | 2563"
)


@lru_cache(maxsize=64)
def _protected_pattern(words: frozenset[str], keep: bool = True) -> re.Pattern | None:
    words = [w for w in words if w and _THAI.search(w)]
    if keep:
        words += KEPT_WORDS
    alternatives = [re.escape(w) for w in sorted(words, key=len, reverse=True)]
    if keep:
        alternatives.insert(0, _DATE)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives))


@lru_cache(maxsize=20000)
def _thai_words(run: str) -> tuple[str, ...]:
    return tuple(word_tokenize(run, engine="newmm", keep_whitespace=True))


def segment(text: str, protected: frozenset[str] = frozenset(), keep: bool = True) -> list[str]:
    """Split into words and whitespace; each protected name (school, place), each of `KEPT_WORDS` and each
    date stays one token (`keep=False`: names only, to break a name wider than a whole line)."""
    return list(_segment(text, frozenset(protected), keep))


@lru_cache(maxsize=8192)
def _segment(text: str, protected: frozenset[str], keep: bool) -> tuple[str, ...]:
    # A table's cells are measured (fit_widths) and then filled, and labels repeat: segment each once.
    tokens: list[str] = []
    pattern = _protected_pattern(protected, keep)
    pos = 0
    pieces: list[tuple[str, bool]] = []
    if pattern is not None:
        for m in pattern.finditer(text):
            pieces.append((text[pos : m.start()], False))
            pieces.append((m.group(0), True))
            pos = m.end()
    pieces.append((text[pos:], False))
    for piece, whole in pieces:
        if not piece:
            continue
        if whole:
            tokens.append(piece)
            continue
        for part in _SPACE.split(piece):
            if not part:
                continue
            if part.isspace() or not _THAI.search(part):
                tokens.append(part)
            else:
                tokens.extend(_thai_words(part))
    return tuple(_glue_punctuation(tokens))


_OPENING = set("([{“‘\"'")
_CLOSING = set(")]}”’.,;:!?%ๆฯ\"'")


def _glue_punctuation(tokens: list[str]) -> list[str]:
    """Keep "(" with the word after it and ")", ",", "ๆ" … with the word before: a line never starts
    with a closing bracket or ends with an opening one."""
    out: list[str] = []
    carry = ""
    for tok in tokens:
        if tok and not tok.isspace() and set(tok) <= _OPENING:
            carry += tok
            continue
        if carry:
            tok, carry = carry + tok, ""
        if tok == "ๆ" and len(out) >= 2 and out[-1].isspace():  # "ต่าง ๆ" stays on one line
            space = out.pop()
            out[-1] += space + tok
        elif out and not out[-1].isspace() and tok and set(tok) <= _CLOSING:
            out[-1] += tok
        else:
            out.append(tok)
    if carry:
        out.append(carry)
    return out


def clusters(word: str) -> list[str]:
    """Thai character clusters: the smallest pieces a word may be cut into."""
    return list(tcc.segment(word)) if _THAI.search(word) else list(word)


@lru_cache(maxsize=100000)
def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def break_lines(
    text: str,
    font: str,
    size: float,
    width: float,
    first_width: float | None = None,
    protected: frozenset[str] = frozenset(),
    spread: tuple[float, float, float] | None = None,
) -> list[str]:
    """Greedy line filling by measured word widths; explicit newlines are kept.

    `spread` is for justified text: how far its justifier can widen a line (em per gap between clusters, em
    per space, and the factor it may stretch glyphs by). The breaks are then chosen over each paragraph
    (`_fill_even`) so that every line but the last can reach the margin."""
    out: list[str] = []
    for para in text.split("\n"):
        first = first_width if not out else None
        if spread is None:
            out.extend(_fill(para, font, size, width, first, protected))
        else:
            out.extend(_fill_even(para, font, size, width, first, protected, spread))
    return out


def _pieces(text, font, size, width, protected) -> list[tuple[str, float, bool, int, int]]:
    """The paragraph's unbreakable pieces: (text, width, a space before it, gaps between its clusters, spaces
    inside it). A piece wider than a whole line is taken apart as `_fill` takes it: a name or date into its
    words, a word into clusters."""
    out: list[tuple[str, float, bool, int, int]] = []
    space = False
    queue = list(reversed(segment(text, protected)))
    while queue:
        tok = queue.pop()
        if tok.isspace():
            space = bool(out)  # (no space at the start of a line)
            continue
        w = _width(tok, font, size)
        if w > width * _FIT and len(tok) > 1:
            words = _own_words(tok, protected)
            if len(words) > 1:
                queue.extend(reversed(words))
                continue
            parts = clusters(tok)
            out.append((parts[0], _width(parts[0], font, size), space, 0, 0))
            out.extend((part, _width(part, font, size), False, 0, 0) for part in parts[1:])
        else:
            # A name or a date has spaces of its own, which the justifier widens like any other; the
            # clusters on either side of a space are not spread apart.
            words = tok.split(" ")
            gaps = sum(max(len(clusters(word)) - 1, 0) for word in words)
            out.append((tok, w, space, gaps, len(words) - 1))
        space = False
    return out


def _fill_even(text, font, size, width, first_width, protected, spread):
    """Lines for justified text, the breaks chosen over the whole paragraph (as Knuth and Plass do).

    Filling greedily leaves a line short wherever the next piece is long and unbreakable (a name, a date
    with its "วันที่"), and the justifier may widen a line only a little (wider gaps read as spaces). Here each
    line is scored by how much of the justifier's reach its shortfall takes, and the breaks with the lowest
    total are chosen: earlier lines give up or take a word so that each line can end at the margin."""
    items = _pieces(text, font, size, width, protected)
    if not items:
        return [""]
    gap_em, space_em, stretch = spread
    space_w = _width(" ", font, size)
    n = len(items)
    best = [float("inf")] * (n + 1)
    best[0] = 0.0
    back = [0] * (n + 1)
    for i in range(n):
        if best[i] == float("inf"):
            continue
        line_w = first_width if i == 0 and first_width is not None else width
        limit = line_w * _FIT_JUSTIFIED
        natural, gaps, spaces = 0.0, 0, 0
        for j in range(i, n):
            _, w, space_before, inner_gaps, inner_spaces = items[j]
            if j > i:
                if space_before:
                    natural += space_w
                    spaces += 1
                else:
                    gaps += 1
            natural += w
            gaps += inner_gaps
            spaces += inner_spaces
            if natural > limit and j > i:
                break
            if j + 1 == n:
                # The last line is not spread. A single short word alone on it (a runt), or a last line
                # (nearly) full, which reads as the paragraph going on, is as bad as a line left an em short.
                cost = 0.0
                if j == i and w < 4 * size:
                    cost += 1e5
                if line_w - natural < 2 * size:
                    cost += 1e5
            else:
                short = line_w - natural
                reach = gaps * gap_em * size + spaces * space_em * size + natural * (stretch - 1)
                if short <= reach:  # the justifier takes it to the margin
                    cost = (1 + 100 * (short / reach) ** 3) ** 2 if reach > 0 else 1.0
                else:  # left short of the margin (only where no choice of breaks avoids it): the less, the better
                    cost = 101**2 + 1e5 * ((short - reach) / size) ** 2
            if best[i] + cost < best[j + 1]:
                best[j + 1] = best[i] + cost
                back[j + 1] = i
    lines = []
    end = n
    while end > 0:
        start = back[end]
        words = items[start:end]
        lines.append(words[0][0] + "".join((" " if space else "") + piece for piece, _, space, *_ in words[1:]))
        end = start
    return lines[::-1]


def _own_words(tok: str, protected) -> list[str]:
    """A piece wider than a whole line, taken apart where it may be: a name, a date or a kept word breaks at
    its own word boundaries; any other token is one word (the caller cuts it between clusters)."""
    if tok in protected or " " in tok or tok in KEPT_WORDS:
        return segment(tok, keep=False)
    return [tok]


def _fill(text, font, size, width, first_width, protected):
    limit = (first_width if first_width is not None else width) * _FIT
    lines: list[str] = []
    line: list[str] = []
    used = 0.0

    def flush():
        nonlocal line, used, limit
        while line and line[-1].isspace():
            line.pop()
        lines.append("".join(line))
        line, used, limit = [], 0.0, width * _FIT

    tokens = segment(text, protected)
    queue = list(reversed(tokens))
    while queue:
        tok = queue.pop()
        if tok.isspace():
            if line:
                line.append(" ")
                used += _width(" ", font, size)
            continue
        w = _width(tok, font, size)
        if used + w <= limit:
            line.append(tok)
            used += w
            continue
        if w > width * _FIT and len(tok) > 1:
            words = _own_words(tok, protected)
            if len(words) > 1:
                queue.extend(reversed(words))
                continue
        if line and w <= width * _FIT:
            flush()
            line.append(tok)
            used = w
            continue
        # Wider than a whole line: cut between clusters, filling what is left of this line first.
        for part in clusters(tok):
            pw = _width(part, font, size)
            if used + pw > limit and line:
                flush()
            line.append(part)
            used += pw
    if line or not lines:
        flush()
    return lines


# --- flowables and canvas text ------------------------------------------------------------------


def note_first_word(canvas, text: str) -> None:
    """Remember the first word drawn on the canvas's current page (official documents print the first
    word of the next page at the foot of each page: คำต่อ). Flowables that draw text call this."""
    if getattr(canvas, "_nithet_first_word", "") is None and text and text.strip():
        words = [w for w in segment(text.strip()) if not w.isspace()]
        if words and " " in words[0]:  # a date kept whole on its line: its first word continues the page
            words = segment(words[0], keep=False)
        if words:
            canvas._nithet_first_word = words[0]


class ThaiParagraph(Paragraph):
    """A Paragraph of plain text whose lines are filled by Thai words, re-filled for each width.

    The lines are broken here (`break_lines`), so ReportLab's own line breaking has nothing left to do:
    for a plain style (left, centred or right, no border or background) the lines are measured and drawn
    directly on the canvas, with the operators ReportLab's Paragraph writes for the same lines (the same
    bytes: tests/reports/test_direct_lines.py). Running Paragraph's line breaking and drawing over lines
    already broken cost about a quarter of a visit report's time. Any other style goes through Paragraph,
    the lines given as explicit breaks."""

    def __init__(self, text=None, style=None, bulletText=None, frags=None, protected: Iterable[str] = (), **kw):
        self._lines = None  # the lines drawn directly, for the width they were broken for
        self._direct = False
        if frags is not None:  # a piece made by Paragraph.split: its lines are already broken
            self._plain = None
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kw)
            return
        self._plain = "" if text is None else str(text)
        self._protected = frozenset(protected)
        self._broken_for = None
        self._wrapped = None
        self._fixed = False  # a piece made by `split`: its lines stay as they are
        self._break_after = False  # its last line ends in a line break (the text ended in a newline)
        template = _template_frag(style) if style is not None and not kw else None
        if template is None:
            super().__init__(escape(self._plain), style, bulletText=bulletText, **kw)
            # Plain text parses to one fragment: lines are made by cloning it, without parsing markup again.
            self._template = self.frags[0] if len(self.frags) == 1 else None
        else:
            # Plain text in a given style always parses to the same one fragment: clone the style's
            # (parsing each paragraph's text as markup cost a visit report ~8 % of its time).
            super().__init__(None, style, bulletText=bulletText, frags=[template.clone(text=self._plain)])
            self.text = escape(self._plain)
            self._template = template
            self._direct = _drawn_directly(style)
            self._first_indent = style.firstLineIndent

    def wrap(self, availWidth, availHeight):
        if not self._direct:
            return self._paragraph_wrap(availWidth, availHeight)
        if availWidth < _FUZZ:  # as Paragraph: no room at all
            return 0, 0x7FFFFFFF
        style = self.style
        if not self._fixed:
            width = availWidth - style.leftIndent - style.rightIndent
            if width != self._broken_for:
                lines = break_lines(
                    self._plain, style.fontName, style.fontSize, width, width - style.firstLineIndent, self._protected
                )
                # A text ending in a newline has no empty last line, but its last line still ends in a
                # break (as Paragraph: it is drawn as one more, empty, word).
                self._break_after = len(lines) > 1 and not lines[-1]
                if self._break_after:
                    lines.pop()
                self._lines = lines
                self._broken_for = width
        self.width = availWidth
        self.height = len(self._lines) * style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """Between lines, with Paragraph's rules for orphans and widows (allowOrphans, allowWidows)."""
        if not self._direct:
            return super().split(availWidth, availHeight)
        if availWidth < _FUZZ or availHeight < _FUZZ:
            return []
        self.wrap(availWidth, availHeight)
        style = self.style
        fit = int(availHeight / float(style.leading))
        allow_orphans = getattr(self, "allowOrphans", getattr(style, "allowOrphans", 0))
        if (not allow_orphans and fit <= 1) or fit == 0:
            return []
        lines = self._lines
        if len(lines) <= fit:
            return [self]
        if not getattr(self, "allowWidows", getattr(style, "allowWidows", 1)) and len(lines) == fit + 1:
            if (allow_orphans and len(lines) == 3) or len(lines) > 3:
                fit -= 1  # no last line alone at the top of the next page
            else:
                return []
        first = self._piece(lines[:fit], self._first_indent, self.bulletText, availWidth, True)
        rest = self._piece(lines[fit:], 0.0, None, availWidth, self._break_after)  # it starts at the margin
        return [first, rest]

    def _piece(self, lines: list[str], first_indent: float, bullet, width: float, break_after: bool):
        piece = ThaiParagraph("\n".join(lines), self.style, bulletText=bullet, protected=self._protected)
        piece._lines, piece._fixed, piece._first_indent = lines, True, first_indent
        piece._break_after = break_after
        piece.width, piece.height = width, len(lines) * self.style.leading
        return piece

    def draw(self):
        if not self._direct:
            return super().draw()
        _draw_lines(self.canv, self, self._lines, self._break_after)

    def _paragraph_wrap(self, availWidth, availHeight):
        """Paragraph's wrap over the lines broken here (a style `_draw_lines` does not draw)."""
        if self._plain is not None:
            style = self.style
            width = availWidth - style.leftIndent - style.rightIndent
            if width != self._broken_for:
                lines = break_lines(
                    self._plain, style.fontName, style.fontSize, width, width - style.firstLineIndent, self._protected
                )
                if self._template is not None:
                    frags = []
                    for i, line in enumerate(lines):
                        if i:
                            frags.append(self._template.clone(text="", lineBreak=True, __tag__="br"))
                        frags.append(self._template.clone(text=line))
                    self._setup(None, style, self.bulletText, frags, None)
                else:
                    self._setup("<br/>".join(escape(line) for line in lines), style, self.bulletText, None, lambda s: s)
                self._broken_for = width
                self._wrapped = None
            # A table wraps each cell again to draw it; the lines only depend on the width (split may have
            # dropped them: a paragraph that cannot be split forgets its lines and is wrapped anew).
            if self._wrapped is not None and self._wrapped[0] == availWidth and hasattr(self, "blPara"):
                self.width, self.height = self._wrapped[1]
                return self._wrapped[1]
            size = super().wrap(availWidth, availHeight)
            self._wrapped = (availWidth, size)
            return size
        return super().wrap(availWidth, availHeight)

    def drawOn(self, canvas, x, y, _sW=0):
        if getattr(canvas, "_nithet_first_word", "") is None:  # only the page's first text is read back
            note_first_word(canvas, self.first_line())
        super().drawOn(canvas, x, y, _sW)

    def first_line(self) -> str:
        """The first line's text as typed. ReportLab keeps the shaped words, whose marks are private-use
        codes (ผู้ → ผ + two codes): read back through the font, or the continuation word at the foot of
        a page came out as "/ผ..." for ผู้ทรงคุณวุฒิ."""
        if self._lines is not None:
            return self._lines[0] if self._lines else ""
        lines = getattr(getattr(self, "blPara", None), "lines", None)
        if not lines:
            return ""
        if self.blPara.kind == 0:
            return _as_typed(" ".join(lines[0][1]), self.style.fontName)
        return "".join(_as_typed(getattr(f, "text", ""), getattr(f, "fontName", "")) for f in lines[0].words)


def _drawn_directly(style) -> bool:
    """Can `_draw_lines` draw this style as Paragraph would? (No justification, border, background, dots
    or automatic leading: those stay with Paragraph.)"""
    return (
        style.alignment in (TA_LEFT, TA_CENTER, TA_RIGHT)
        and not style.backColor
        and not (style.borderColor and style.borderWidth)
        and not style.endDots
        and getattr(style, "autoLeading", "") in ("", "off", None)
        and not style.wordWrap
    )


def _line_run(line: str, frag, shape: bool) -> tuple[object, float, int]:
    """A line as Paragraph writes it: (text, width, words). Each word is shaped on its own (the same cached
    shaping Paragraph uses) and the words are joined by single spaces, adding their widths in the same order,
    so every figure written is the same."""
    font, size = frag.fontName, frag.fontSize
    text, width, space, count = None, 0, 0, 0
    gap = _width(" ", font, size)
    for word in _split_words(line):
        if shape:
            measured, word = _shaped_word(word, frag)
        else:
            measured = _width(word, font, size)
        text = word if text is None else text + (" " + word)
        if measured > 0:
            width = width + space + measured
        space = gap
        count += 1
    return text, width, count


_SHAPED_WORDS: dict = {}


def _shaped_word(word: str, frag) -> tuple[float, str]:
    """(width, text) of a word shaped as Paragraph shapes it (fonts' cached shaping); kept per font and size,
    like that cache: words repeat across lines, cells and reports."""
    key = (word, frag.fontName, frag.fontSize)
    hit = _SHAPED_WORDS.get(key)
    if hit is None:
        shaped = ttfonts.shapeFragWord([_width(word, frag.fontName, frag.fontSize), (frag, word)])
        hit = (shaped[0], shaped[1][1])
        if len(_SHAPED_WORDS) > 100_000:
            _SHAPED_WORDS.clear()
        _SHAPED_WORDS[key] = hit
    return hit


def _draw_lines(canvas, para: ThaiParagraph, lines: list[str], break_after: bool) -> None:
    """Draw pre-broken lines with the text operators `Paragraph.drawPara` writes for them (one text object,
    a line break after each line, the same offsets for centred and right-aligned lines)."""
    style = para.style
    frag = para._template
    leading = style.leading
    shape = bool(style.shaping) and getFont(style.fontName).shapable
    widths = [para.width - (style.leftIndent + para._first_indent) - style.rightIndent]
    widths.append(para.width - style.leftIndent - style.rightIndent)
    _handleBulletWidth(para.bulletText, style, widths)
    canvas.saveState()
    offset = para._first_indent
    cur_y = para.height - style.fontSize
    if para.bulletText:
        offset = _drawBullet(canvas, offset, cur_y, para.bulletText, style, rtl=False)
    tx = canvas.beginText(style.leftIndent, cur_y)
    alignment = style.alignment
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if line:
            text, width, count = _line_run(line, frag, shape)
            text = text or ""
            nbsp = text.count("\xa0")
        else:
            text, width, count, nbsp = "", 0, 0, 0
        extra = widths[min(i, 1)] - width
        at = offset if i == 0 else 0
        squeeze = extra <= -1e-8 and count + nbsp - 1 > 0  # over-full: ReportLab narrows the spaces
        if alignment == TA_LEFT or squeeze:
            move = at
        elif alignment == TA_CENTER:
            move = at + 0.5 * extra
        else:
            move = at + extra
        if not squeeze or alignment == TA_LEFT:
            _set_x(tx, move)
        if squeeze:
            tx.setWordSpace(extra / float(count + nbsp - 1))
        if i == 0:
            tx.setLeading(leading)
            tx._setFont(style.fontName, style.fontSize)
            tx.setFillColor(frag.textColor)
        if i < last or break_after:  # followed by a line break: Paragraph draws it as an empty word
            if text:
                tx._textOut(text, 0)
            tx._textOut("", 1)
        else:
            tx._textOut(text, 1)
        if squeeze:
            tx.setWordSpace(0)
        _set_x(tx, -move)
    canvas.drawText(tx)
    canvas.restoreState()


def _set_x(tx, dx: float) -> None:
    if dx > 1e-6 or dx < -1e-6:
        tx.setXPos(dx)


def _as_typed(text: str, font_name: str) -> str:
    """Shaped text with each private-use code replaced by the text it reads back as (its ToUnicode entry)."""
    if not any(0xE000 <= ord(c) < 0xF900 for c in text):
        return str(text)
    from reportlab.pdfbase.pdfmetrics import getFont

    from visits.reports.fonts import ThaiTTFont

    font = getFont(font_name) if font_name else None
    if not isinstance(font, ThaiTTFont):
        return str(text)
    return "".join(font.reads_as(ord(c)) if 0xE000 <= ord(c) < 0xF900 else c for c in text)


@lru_cache(maxsize=256)
def _template_frag(style):
    """The fragment ReportLab's parser makes for plain text in `style` (text replaced per paragraph)."""
    from reportlab.platypus.paraparser import ParaParser

    parsed_style, frags, bullet = ParaParser().parse("x", style)
    if parsed_style is not style or frags is None or len(frags) != 1 or bullet:
        return None
    return frags[0]


def shaped(text: str, font: str, size: float):
    """Text for canvas.drawString: shaped so tone marks sit where they belong."""
    return shapeStr(text, font, size) if _THAI.search(text) else text


def draw_text(canvas, x: float, y: float, text: str, font: str, size: float, align: str = "left") -> None:
    canvas.setFont(font, size)
    s = shaped(text, font, size)
    if align == "left":
        canvas.drawString(x, y, s)
    elif align == "right":
        canvas.drawRightString(x, y, s)
    else:
        canvas.drawCentredString(x, y, s)


def fit_size(text: str, font: str, size: float, width: float, smallest: float = 5.0) -> float:
    """The largest size ≤ `size` at which `text` fits `width` whole (names are never cut with "…")."""
    natural = _width(text, font, size)
    if natural <= width:
        return size
    return max(smallest, size * width / natural * 0.995)


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """Shorten to `width` with an ellipsis: at a word boundary, or between clusters for a long first word
    (never a mark cut from its letter)."""
    if _width(text, font, size) <= width:
        return text
    out = ""
    for word in segment(text):
        if _width(out + word + "…", font, size) > width:
            break
        out += word
    if out.strip():
        return out.rstrip() + "…"
    for part in clusters(text):
        if _width(out + part + "…", font, size) > width:
            break
        out += part
    return out + "…"
