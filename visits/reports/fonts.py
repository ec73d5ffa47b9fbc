"""Sarabun, registered once, with harfbuzz shaping and a ToUnicode map that gives back the Thai text.

Shaping swaps Thai letters and marks for glyph variants (lowered tone marks, ญ without its tail, …) that
have no code point; ReportLab gives them private-use code points, so a reader copying text from the PDF
got garbage. `ThaiTTFont` rewrites the ToUnicode map of each subset so those glyphs map back to the
letters they stand for. This touches one ReportLab internal (the ToUnicode stream is named
``toUnicodeCMap:<base font>``); the reportlab version is guarded below and the behaviour is tested
(tests/reports/test_extraction.py reads every Thai letter-mark combination back with pdftotext, pypdf,
pdfminer and PDFium and compares it with the source, unfolded).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Sarabun", "Sarabun-Bold", "Sarabun-Italic", "Sarabun-BoldItalic"
_FILES = {
    REGULAR: "Sarabun-Regular.ttf",
    BOLD: "Sarabun-Bold.ttf",
    ITALIC: "Sarabun-Italic.ttf",
    BOLD_ITALIC: "Sarabun-BoldItalic.ttf",
}
# The ToUnicode correction was written against these ReportLab releases; a new major needs a re-check.
SUPPORTED_REPORTLAB = ("4.", "5.")

# Glyph names in Sarabun that are not "uniXXXX…" and stand for Thai letters.
_NAMED_GLYPHS = {
    "yoYingthai": "\u0e0d",
    "doChadathai": "\u0e0e",
    "toPatakthai": "\u0e0f",
    "thoThanthai": "\u0e10",
    "loChulathai": "\u0e2c",
}
_PUA = range(0xE000, 0xF900)


class ShapingUnavailable(RuntimeError):
    """Raised at start-up when Thai text would be drawn without harfbuzz (floating or lost marks)."""


def glyph_text(name: str) -> str | None:
    """The Unicode text a glyph name stands for: 'uni0E49.small' → '้', 'uni0E4D0E49' → '้ํ'."""
    base = name.split(".", 1)[0]
    if base.startswith("uni") and len(base) >= 7 and (len(base) - 3) % 4 == 0:
        try:
            chars = [chr(int(base[i : i + 4], 16)) for i in range(3, len(base), 4)]
        except ValueError:
            return None
        # A nikhahit + tone mark ligature (น้ำ → น ํ้ า) reads tone mark first, the typing order.
        if len(chars) == 2 and chars[0] == "\u0e4d" and "\u0e48" <= chars[1] <= "\u0e4b":
            chars.reverse()
        return "".join(chars)
    if base in _NAMED_GLYPHS:
        return _NAMED_GLYPHS[base]
    if len(base) == 1:
        return base
    return None


class ThaiTTFont(TTFont):
    """A TrueType font whose PDF ToUnicode map also covers the glyphs made by shaping, and which can give
    a shifted mark a code of its own with a matching PDF width (`_close_mark_gaps`)."""

    def mark_code(self, gid: int, width: int) -> int:
        """A private code for glyph `gid` whose PDF width is `width` (see `_close_mark_gaps`)."""
        variants = self.__dict__.setdefault("_nithet_variants", {})
        code = variants.get((gid, width))
        if code is None:
            face = self.face
            code = self.__dict__.get("_nithet_next", 0xF000)
            while code in face.charToGlyph:
                code += 1
            assert code < 0xF900, "out of private-use code points"
            self._nithet_next = code + 1
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            face.charWidths[code] = width
            variants[(gid, width)] = code
        return code

    def text_code(self, gid: int, text: str, width: int | None = None) -> int:
        """A private code that draws glyph `gid` at its own width and reads back as `text`.

        Shaping draws ำ as two glyphs (nikhahit, then sara aa: น้ำ → น ํ้ า); each would read back as
        its own letter ("ํา"), so no reader finds a word with ำ. The sara aa gets a code read as "ำ"
        and the nikhahit (alone or in its ligature with a tone mark) a code read as "" (or the tone mark
        alone): copying, search and extraction give back the original text."""
        texts = self.__dict__.setdefault("_nithet_texts", {})
        codes = self.__dict__.setdefault("_nithet_text_codes", {})
        code = codes.get((gid, text, width))
        if code is None:
            face = self.face
            if width is None:
                width = next((face.charWidths[c] for c in face.glyphToChar.get(gid, ()) if c in face.charWidths), 0)
            code = self.__dict__.get("_nithet_next", 0xF000)
            while code in face.charToGlyph:
                code += 1
            assert code < 0xF900, "out of private-use code points"
            self._nithet_next = code + 1
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            face.charWidths[code] = width
            codes[(gid, text, width)] = code
            texts[code] = text
        return code

    def reads_as(self, code: int) -> str:
        """The text a code of this font gives back to a reader (what its ToUnicode entry says)."""
        texts = self.__dict__.get("_nithet_texts", {})
        if code in texts:
            return texts[code]
        if code in _PUA and code in self.face.charToGlyph:
            return glyph_text(self._hb_names.glyph_to_string(self.face.charToGlyph[code])) or ""
        return chr(code)

    def _attached(self, code: int) -> bool:
        """Is this code drawn onto the letter before it (a mark, or the ring-and-aa of ำ)?"""
        cached = self.__dict__.setdefault("_nithet_attached", {})
        hit = cached.get(code)
        if hit is None:
            reads = self.reads_as(code)
            hit = cached[code] = bool(reads) and (unicodedata.category(reads[0]) == "Mn" or reads[0] == _SARA_AM)
        return hit

    def splitString(self, text, doc, encoding="utf-8"):
        """ReportLab's split into 256-code subsets, with each letter and its marks kept in one subset.

        A subset is a font of its own in the PDF. When a mark's code was first used after the subset its
        letter lives in had filled up, the letter and the mark were drawn in two fonts, and PDFium (Chromium's
        viewer) reads a font change under a raised mark as a new line: "ผั\\n้น" in bold headings. Such a
        cluster is drawn instead with aliases (private codes for the same glyphs, widths and text) in the
        newest subset, so no cluster ever changes font inside.

        A text drawn again in the same document (a table's header on each page, a label, a repeated word)
        is split as before: once its codes are assigned, ReportLab's split of it never changes. Only splits
        into one subset are kept (a split across subsets takes aliases from the newest subset, which moves)."""
        state = self.state.get(doc)
        memo = None if state is None or not isinstance(text, str) else state.__dict__.setdefault("_nithet_split", {})
        if memo is not None:
            hit = memo.get(text)
            if hit is not None:
                return [hit]
        results = super().splitString(text, doc, encoding)
        if len(results) == 1:
            if memo is not None:
                memo[text] = results[0]
            return results
        if not isinstance(text, str):
            text = text.decode(encoding)
        state = self.state[doc]
        codes = [32 if c == 0xA0 else c for c in map(ord, text)]
        where = [state.assignments.get(c, 0) >> 8 for c in codes]
        start = 0
        for end in range(1, len(codes) + 1):
            if end < len(codes) and self._attached(codes[end]):
                continue
            if len(set(where[start:end])) > 1:
                codes[start:end] = self._in_newest_subset(codes[start:end], state)
            start = end
        out: list[tuple[int, list[int]]] = []
        for code in codes:
            n = state.assignments.get(code, 0)
            if code == 32 and out and len(state.subsets[out[-1][0]]) > 32:
                # Every subset has a space at 32: a space stays in the font of the word before it, as a
                # font change between words also makes PDFium drop the space or start a new line.
                n = (out[-1][0] << 8) | 32
            if out and out[-1][0] == n >> 8:
                out[-1][1].append(n & 0xFF)
            else:
                out.append((n >> 8, [n & 0xFF]))
        return [(subset, bytes(chunk)) for subset, chunk in out]

    def _in_newest_subset(self, cluster: list[int], state) -> list[int]:
        """The cluster's codes, each replaced where needed by an alias assigned in the newest subset."""
        newest = state.nextCode >> 8
        missing = [c for c in cluster if state.assignments.get(c, -1) >> 8 != newest]
        if (state.nextCode & 0xFF) + len(missing) + (state.nextCode & 0xFF <= 32) > 0xFF:
            # Not enough room left: close this subset (its free slots draw nothing) and start the next.
            while state.nextCode & 0xFF:
                state.subsets[state.nextCode >> 8].append(32 if state.nextCode & 0xFF == 32 else 0)
                state.nextCode += 1
            state.subsets.append([0])
            state.nextCode += 1
            newest = state.nextCode >> 8
        aliases = state.__dict__.setdefault("_nithet_aliases", {})
        out = []
        for code in cluster:
            if state.assignments.get(code, -1) >> 8 == newest:
                out.append(code)
                continue
            alias = aliases.get((code, newest))
            if alias is None:
                alias = aliases[(code, newest)] = self._alias(code, state)
                if state.nextCode & 0xFF == 32:  # as ReportLab does: 32 is a space in every subset
                    state.subsets[state.nextCode >> 8].append(32)
                    state.nextCode += 1
                n = state.nextCode
                state.subsets[n >> 8].append(alias)
                state.assignments[alias] = n
                state.nextCode += 1
            out.append(alias)
        return out

    def _alias(self, code: int, state) -> int:
        """A private code, not yet used in this document, drawing the same glyph as `code` and read as it."""
        face = self.face
        gid = face.charToGlyph.get(code, 0)
        pool = self.__dict__.setdefault("_nithet_alias_pool", {}).setdefault(code, [])
        for alias in pool:
            if alias not in state.assignments:
                return alias
        alias = self.__dict__.get("_nithet_next", 0xF000)
        while alias in face.charToGlyph:
            alias += 1
        assert alias < 0xF900, "out of private-use code points"
        self._nithet_next = alias + 1
        face.charToGlyph[alias] = gid
        face.glyphToChar.setdefault(gid, []).append(alias)
        face.charWidths[alias] = face.charWidths.get(code, 0)
        self.__dict__.setdefault("_nithet_texts", {})[alias] = self.reads_as(code)
        pool.append(alias)
        return alias

    @property
    def _hb_names(self):
        font = getattr(self, "_nithet_hb_font", None)
        if font is None:
            import uharfbuzz

            font = self._nithet_hb_font = uharfbuzz.Font(
                uharfbuzz.Face(uharfbuzz.Blob.from_file_path(self.face.filename))
            )
        return font

    def addObjects(self, doc):
        state = self.state.get(doc)
        super().addObjects(doc)  # (forgets the document's subset state when done)
        if state is None:
            return
        base = self.face.name + self.face.subfontNameX
        for n, subset in enumerate(state.subsets):
            if not any(code in _PUA for code in subset):
                continue
            prefix = "".join("ABCDEFGIJK"[int(c)] for c in f"{n:06d}").encode()
            stream = doc.idToObject.get("toUnicodeCMap:" + (prefix + b"+" + base).decode("pdfdoc"))
            if stream is not None:
                stream.content = self._cmap(stream.content, subset)

    def _cmap(self, content: str, subset: list[int]) -> str:
        hb = self._hb_names
        texts = self.__dict__.get("_nithet_texts", {})
        lines = {}
        for i, code in enumerate(subset):
            if code in texts:
                lines[f"<{i:02X}> <{code:04X}>"] = f"<{i:02X}> <{''.join(f'{ord(c):04X}' for c in texts[code])}>"
            elif code in _PUA and code in self.face.charToGlyph:
                text = glyph_text(hb.glyph_to_string(self.face.charToGlyph[code]))
                if text:
                    lines[f"<{i:02X}> <{code:04X}>"] = f"<{i:02X}> <{''.join(f'{ord(c):04X}' for c in text)}>"
        return re.sub(r"<[0-9A-F]{2}> <[0-9A-F]{4}>", lambda m: lines.get(m.group(0), m.group(0)), content)


def _shifted_left(data, k: int) -> bool:
    """Glyph k is a mark drawn well left of the pen (its PDF width then spans back to the pen; a width
    on the mark before it would make PDFium read the step back as a space: "ปั ้น")."""
    return k < len(data) and data[k].x_advance == 0 and data[k].x_offset < -_MARK_SHIFT


def _close_mark_gaps(shaped):
    """Give each mark drawn shifted left (ปั้น: the tone mark sits 0.16 em left of the pen) a PDF width
    equal to that shift, under a private code of its own.

    A zero-width mark drawn left of the pen leaves a gap before the next letter, and text extractors
    (pdftotext, pypdf, copy/paste) read that gap as a space inside the word. With the width equal to the
    shift the mark ends exactly where the next letter starts. ReportLab compensates the advance in the TJ
    array from the same width, so nothing moves on the page.
    """
    from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr

    if not isinstance(shaped, ShapedFragWord):
        return shaped
    for i, part in enumerate(shaped[1:], start=1):
        if not isinstance(part, tuple) or len(part) != 2:
            continue
        if not isinstance(part[1], ShapedStr):
            if isinstance(part[1], str) and _STACKED.search(part[1]):
                part = _as_shaped(part)
            else:
                continue
        frag, text = part
        data = text.__shapeData__
        if not any(sd.x_advance == 0 for sd in data):
            continue
        font = pdfmetrics.getFont(frag.fontName)
        if not isinstance(font, ThaiTTFont):
            continue
        chars, new = list(text), list(data)
        for k, sd in enumerate(data):
            if sd.x_advance == 0 and 0 < abs(sd.y_offset) <= _RISE_NUDGE:
                # Sarabun Bold lifts the marks over ษ by 0.001 em: ReportLab draws a rise as a text object
                # of its own, which PDFium reads as a new line ("ษ\\nี่"). Unseen at any size: drop it.
                sd = new[k] = sd._replace(y_offset=0)
            before = new[k - 1] if k else None
            if (
                sd.x_advance == 0
                and before is not None
                and before.x_advance == 0
                and 0 < before.x_offset - sd.x_offset <= _STACK_NUDGE
            ):
                # Two stacked marks (ที่: ี at -0.010 em, ่ at -0.011 em) would be read in swapped order;
                # drawn at the same x they look the same and read in order.
                sd = new[k] = sd._replace(x_offset=before.x_offset)
            if sd.x_advance == 0 and -_AT_PEN < sd.x_offset <= _RIGHT_NUDGE:
                # Right of the pen (ขุ่น: +0.001 em; bold ที่: +0.009 em, up to 0.06 em over some bold
                # letters) sorts the mark after the next letter in extractors that order by position
                # (poppler: "ทีก่"); drawn at the pen it reads right and looks the same at print sizes.
                # Poppler also joins a mark to its letter only when it starts inside the letter: one drawn
                # exactly at the pen (ขั้น: ั at +0) lands on a line of its own. 0.002 em left of the pen.
                sd = new[k] = sd._replace(x_offset=-_AT_PEN)
            if sd.x_advance == 0 and sd.x_offset < -_MARK_SHIFT:
                gid = font.face.charToGlyph.get(ord(chars[k]))
                if gid is None:
                    continue
                width = round(-sd.x_offset)
                chars[k] = chr(font.mark_code(gid, width))
                new[k] = sd._replace(width=width)
            elif sd.x_advance == 0 and sd.width == 0 and not _shifted_left(data, k + 1):
                # pdfminer groups characters into lines only within twice the wider one's width: two
                # zero-width marks (ผู้, ที่) or a mark drawn a little left of the one before it (สั่ง)
                # fall into separate lines. A width of 0.02 em, compensated in the TJ array, moves nothing.
                gid = font.face.charToGlyph.get(ord(chars[k]))
                if gid is None:
                    continue
                reads = glyph_text(font._hb_names.glyph_to_string(gid)) or chars[k]
                if not reads or unicodedata.category(reads[0]) != "Mn":
                    continue
                chars[k] = chr(font.mark_code(gid, _MARK_WIDTH))
                new[k] = sd._replace(width=_MARK_WIDTH)
        shaped[i] = (frag, ShapedStr("".join(chars), shapeData=new))
    return shaped


_STACKED = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]{2}")


def _as_shaped(part):
    """A fragment harfbuzz left as it was (default positions), as shaped text with those positions."""
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

    frag, text = part
    widths = pdfmetrics.getFont(frag.fontName).face.charWidths
    data = [ShapeData(k, widths.get(ord(c), 0), 0, 0, 0, widths.get(ord(c), 0)) for k, c in enumerate(text)]
    return frag, ShapedStr(text, shapeData=data)


_SARA_AM, _SARA_AA, _NIKHAHIT = "\u0e33", "\u0e32", "\u0e4d"
_AM_MERGE = 20  # 1/1000 em


def _restore_sara_am(shaped, source: str):
    """Make the glyphs shaping drew for ำ read back as ำ (see `ThaiTTFont.text_code`).

    Harfbuzz reports for each glyph the cluster (a span of `source`) it came from; a sara aa or
    nikhahit glyph in a cluster whose source has ำ but no such letter of its own is half of an ำ."""
    from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr

    if _SARA_AM not in source or not isinstance(shaped, ShapedFragWord):
        return shaped
    parts = [
        (i, part)
        for i, part in enumerate(shaped[1:], start=1)
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[1], ShapedStr)
    ]
    starts = sorted({sd.cluster for _, (_, text) in parts for sd in text.__shapeData__} | {len(source)})

    def span(cluster: int) -> str:
        end = next((s for s in starts if s > cluster), len(source))
        return source[cluster:end]

    for i, (frag, text) in parts:
        font = pdfmetrics.getFont(frag.fontName)
        if not isinstance(font, ThaiTTFont):
            continue
        chars = list(text)
        data = list(text.__shapeData__)
        am = font.face.charToGlyph.get(ord(_SARA_AM))
        for k, sd in enumerate(text.__shapeData__):
            src = span(sd.cluster)
            if _SARA_AM not in src:
                continue
            code = ord(chars[k])
            gid = font.face.charToGlyph.get(code)
            if gid is None:
                continue
            reads = glyph_text(font._hb_names.glyph_to_string(gid)) or chars[k]
            width = font.face.charWidths.get(code)
            if chars[k] == _SARA_AM:
                continue  # merged above
            if reads == _SARA_AA and _SARA_AA not in src:
                chars[k] = chr(font.text_code(gid, _SARA_AM, width))
            elif _NIKHAHIT in reads and _NIKHAHIT not in src:
                rest = reads.replace(_NIKHAHIT, "")
                after = data[k + 1] if k + 1 < len(data) else None
                if (
                    not rest
                    and am is not None
                    and after is not None
                    and after.cluster == sd.cluster
                    and abs(sd.x_offset) <= _AM_MERGE
                    and sd.y_offset == 0
                    and after.x_offset == 0
                    and after.y_offset == 0
                ):
                    # ำ without a tone mark: Sarabun's own ำ glyph is the same nikhahit and sara aa (the
                    # ring at most 0.02 em from where harfbuzz puts it) and reads as ำ by itself. An
                    # empty ToUnicode entry for the nikhahit would do for poppler, pypdf and pdfminer,
                    # but PDFium reads it as U+001B.
                    chars[k] = None
                    data[k] = None
                    chars[k + 1] = _SARA_AM
                    data[k + 1] = after._replace(width=font.face.charWidths.get(ord(_SARA_AM), after.width))
                    continue
                chars[k] = chr(font.text_code(gid, rest, width))
        new = "".join(c for c in chars if c is not None)
        if new != text:
            shaped[i] = (frag, ShapedStr(new, shapeData=[d for d in data if d is not None]))
    return shaped


_MARK_SHIFT = 30  # 1/1000 em: smaller shifts never read as a space
_STACK_NUDGE = 12  # 1/1000 em: invisible at any report size (0.15 pt at 12 pt)
_AT_PEN = 2  # 1/1000 em: where a mark drawn at (or right of) the pen is put, just inside its letter
_MARK_WIDTH = 20  # 1/1000 em: the PDF width given to a zero-width mark
_RISE_NUDGE = 2  # 1/1000 em: a rise this small is invisible (0.024 pt at 12 pt)
_RIGHT_NUDGE = 60  # 1/1000 em: the largest rightward mark offset in Sarabun Bold (0.7 pt at 12 pt)


def _install_gap_fix() -> None:
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfbase.ttfonts import makeShapedFragWord
    from reportlab.platypus import paragraph

    original = ttfonts.shapeFragWord
    if getattr(original, "_nithet", False):
        return

    cache: dict = {}

    def shape_frag_word(w, *args, **kwargs):
        # Tables wrap each cell more than once and reports repeat words: shape each (font, size, word)
        # once. Only plain one-fragment words are cached; the result is rebuilt around the caller's
        # fragment so colours and links stay the caller's.
        key = None
        # Canvas text (running heads, feet, marks, chart labels) comes through shapeStr with force=False.
        plain_call = not args and (not kwargs or kwargs == {"force": False})
        if plain_call and len(w) == 2 and type(w[1]) is tuple and not hasattr(w[1][0], "cbDefn"):
            frag, text = w[1]
            key = (frag.fontName, frag.fontSize, text)
            hit = cache.get(key)
            if hit is not None:
                width, shaped_text = hit
                # The word's class carries ReportLab's "space after?" state: rebuild it from this word.
                return w if shaped_text is None else makeShapedFragWord(w)([width, (frag, shaped_text)])
        out = original(w, *args, **kwargs)
        if out is w and any(
            isinstance(part, tuple) and isinstance(part[1], str) and _STACKED.search(part[1]) for part in w[1:]
        ):
            # Harfbuzz left the word as it was, but two marks in a row still need their widths (ฆุ้).
            out = makeShapedFragWord(w)(list(w))
        if out is not w:
            source = "".join(s for f, s in w[1:] if not hasattr(f, "cbDefn"))
            out = _restore_sara_am(_close_mark_gaps(out), source)
        if key is not None:
            if len(cache) > 100_000:
                cache.clear()
            if out is w:
                cache[key] = (None, None)
            elif len(out) == 2 and isinstance(out[1], tuple) and out[1][0] is w[1][0]:
                cache[key] = (out[0], out[1][1])
        return out

    shape_frag_word._nithet = True
    ttfonts.shapeFragWord = shape_frag_word  # used by shapeStr (canvas text)
    paragraph.shapeFragWord = shape_frag_word  # used by Paragraph


def _actual_text_pieces(font: ThaiTTFont, text) -> tuple | None:
    """Where a shaped word needs an ActualText span: ``((start, end, actual or None), …)``, or None.

    Two letter-mark clusters read wrong from their glyphs alone, whatever the widths and offsets:
    - a letter right after a mark, carrying an upper vowel and then a tone mark drawn left of that vowel
      (ใช้สื่อ: ื at the pen, ่ 0.06 em left of it) or raised apart from it. Poppler takes a letter
      starting inside the mark before it for a duplicate and starts new words at it and at the next
      glyph, then orders the pieces by position: "ใช้ส่ือ";
    - a code whose ToUnicode text is empty (the ring of ำ shifted over bold ษ, drawn apart from its
      sara aa): PDFium reads an empty entry as the code's byte ("ษüำ").
    The cluster is then drawn inside ``/Span <</ActualText …>> BDC … EMC`` with its typed text, which
    poppler and PDFium read instead of the glyphs (pypdf and pdfminer read the glyphs, which are right).
    Only such clusters get a span: PDFium drops the space between two neighbouring spans."""
    codes = [ord(c) for c in text]
    data = text.__shapeData__
    out: list = []
    done = 0
    start = 0
    while start < len(codes):
        end = start + 1
        while end < len(codes) and font._attached(codes[end]):
            end += 1
        if end - start > 1:
            reads = [font.reads_as(c) for c in codes[start:end]]
            marks = [(data[k].x_offset, data[k].y_offset) for k in range(start + 1, end) if data[k].x_advance == 0]
            swapped = (
                start > 0
                and font._attached(codes[start - 1])
                and any(
                    # drawn left of the mark before it, or at its x but raised apart (bold งี์: ์ 0.003 em up)
                    b[0] < a[0] - _STACK_NUDGE or (b[0] <= a[0] and b[1] != a[1])
                    for a, b in itertools.pairwise(marks)
                )
            )
            if swapped or "" in reads:
                if done < start:
                    out.append((done, start, None))
                out.append((start, end, "".join(reads)))
                done = end
        start = end
    if not out:
        return None
    if done < len(codes):
        out.append((done, len(codes), None))
    return tuple(out)


def _shaped_operators(original, textobject, text, font) -> str:
    """`PDFTextObject._formatText` for shaped text at one rise, the same operators, in one pass.

    ReportLab's loop builds a list of every glyph's offsets and code, filters the zeros, groups numbers
    and codes with `itertools.groupby` and formats each group: a quarter of a visit report's time. Text
    whose glyphs all sit on the baseline (nearly all of it) gives a single TJ array per subset, built
    here directly from the codes, with the same sums in the same order (so the same figures). Anything
    else (a raised glyph, ReportLab's rise state) goes through ReportLab's own code."""
    data = text.__shapeData__
    if any(sd.y_offset or sd.cluster < 0 for sd in data):
        return original(textobject, text)
    canvas = textobject._canvas
    escape = canvas._escape
    fontsize = textobject._fontsize
    out: list[str] = []
    head = None
    start = 0
    for subset, codes in font.splitString(text, canvas._doc):
        if subset != textobject._curSubset:
            if head is None:
                head = f"{fp_str(fontsize)} Tf {fp_str(textobject._leading)} TL"
            out.append(f"{font.getSubsetInternalName(subset, canvas._doc)} {head}")
            textobject._curSubset = subset
        glyphs = data[start : start + len(codes)]
        start += len(codes)
        # ReportLab's list per glyph: -x_offset, code, width - x_advance + x_offset. Zeros are dropped,
        # neighbouring numbers summed (a sum printing as "0" is dropped but still parts two strings),
        # neighbouring codes joined.
        parts: list[str] = []
        run = 0  # where the current string of codes starts
        total = None  # the pending sum of numbers (None: none since the last code)
        for k, sd in enumerate(glyphs):
            before = -sd.x_offset
            if before:
                total = before if total is None else total + before
            if total is not None:
                if k > run:
                    parts.append(f"({escape(codes[run:k])})")
                figure = fp_str(total)
                if figure != "0":
                    parts.append(figure)
                run, total = k, None
            after = sd.width - sd.x_advance + sd.x_offset
            if after:
                total = after
        if len(codes) > run:
            parts.append(f"({escape(codes[run:])})")
        if total is not None:
            figure = fp_str(total)
            if figure != "0":
                parts.append(figure)
        if len(parts) == 1 and parts[0].startswith("("):
            out.append(f"{parts[0]} Tj")
        else:
            out.append(f"[{' '.join(parts)}] TJ")
    return " ".join(out)


def _install_actual_text() -> None:
    from reportlab.pdfbase.ttfonts import ShapedStr
    from reportlab.pdfgen.textobject import PDFTextObject

    original = PDFTextObject._formatText
    if getattr(original, "_nithet", False):
        return
    cache: dict = {}

    def format_text(self, text):
        if not isinstance(text, ShapedStr):
            return original(self, text)
        font = pdfmetrics.getFont(self._fontname)
        if not isinstance(font, ThaiTTFont):
            return original(self, text)
        # Shaping is deterministic per (font, codes): the same word always has the same clusters.
        key = (self._fontname, str(text))
        pieces = cache.get(key, False)
        if pieces is False:
            pieces = _actual_text_pieces(font, text)
            if len(cache) > 100_000:
                cache.clear()
            cache[key] = pieces
        if pieces is None:
            return _shaped_operators(original, self, text, font)
        out = []
        for start, end, actual in pieces:
            ops = _shaped_operators(
                original, self, ShapedStr(text[start:end], shapeData=text.__shapeData__[start:end]), font
            )
            if actual is not None:
                ops = f"/Span <</ActualText <FEFF{actual.encode('utf-16-be').hex().upper()}>>> BDC {ops} EMC"
            out.append(ops)
        return " ".join(out)

    format_text._nithet = True
    PDFTextObject._formatText = format_text


@cache
def register_fonts() -> str:
    """Register the four Sarabun faces once and check shaping works; returns the regular font name."""
    if not reportlab.Version.startswith(SUPPORTED_REPORTLAB):
        raise ShapingUnavailable(
            f"reportlab {reportlab.Version} is not a version the Thai ToUnicode fix was checked with "
            f"({', '.join(SUPPORTED_REPORTLAB)}x)"
        )
    from reportlab.lib.fonts import addMapping

    for name, file in _FILES.items():
        pdfmetrics.registerFont(ThaiTTFont(name, str(FONT_DIR / file)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    _install_gap_fix()
    _install_actual_text()
    check_shaping()
    return REGULAR


def check_shaping() -> None:
    """Fail loudly if harfbuzz shaping is off: Thai would print with colliding or missing tone marks."""
    for name in _FILES:
        if not pdfmetrics.getFont(name).shapable:
            raise ShapingUnavailable(
                f"Thai shaping is unavailable for font {name}: install uharfbuzz "
                "(pip install uharfbuzz); refusing to render Thai reports without it"
            )
