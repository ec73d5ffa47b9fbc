"""Sarabun, registered once, with harfbuzz shaping and a ToUnicode map that gives back the Thai text.

Shaping swaps Thai letters and marks for glyph variants (lowered tone marks, ญ without its tail, …) that
have no code point; ReportLab gives them private-use code points, so a reader copying text from the PDF
got garbage. `ThaiTTFont` rewrites the ToUnicode map of each subset so those glyphs map back to the
letters they stand for. This touches one ReportLab internal (the ToUnicode stream is named
``toUnicodeCMap:<base font>``); the reportlab version is guarded below and the behaviour is tested
(tests/reports/test_core.py reads the text back with pypdf and pdftotext).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import reportlab
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
    "yoYingthai": "\u0e0d", "doChadathai": "\u0e0e", "toPatakthai": "\u0e0f", "thoThanthai": "\u0e10",
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
            chars = [chr(int(base[i:i + 4], 16)) for i in range(3, len(base), 4)]
        except ValueError:
            return None
        # Nikhahit (ํ) is moved before a tone mark by the shaper (น้ำ → น ํ้ า); giving the tone mark
        # first lets "ํา" be read back as "ำ" (see fold_extracted).
        if len(chars) == 2 and chars[0] == "\u0e4d" and "\u0e48" <= chars[1] <= "\u0e4b":
            chars.reverse()
        return "".join(chars)
    if base in _NAMED_GLYPHS:
        return _NAMED_GLYPHS[base]
    if len(base) == 1:
        return base
    return None


class ThaiTTFont(TTFont):
    """A TrueType font whose PDF ToUnicode map also covers the glyphs made by shaping.

    Shaped marks stacked over tall letters are drawn shifted left (ปั้น: -0.16 em); with a zero width
    text extractors saw a gap after them and inserted a space inside the word. Giving the private
    glyph a nominal PDF width closes that gap; ReportLab compensates the advance in the TJ array, so
    nothing moves on the page.
    """

    MARK_BOX = 100  # 1/1000 em: closes gaps up to 0.1 em without overlapping the next letter much

    def hbFont(self, fontSize=10):
        font = super().hbFont(fontSize)
        add_private = self.hbAddPrivate
        widths = self.face.charWidths

        def add_private_with_box(name, gid, advance):
            code = add_private(name, gid, advance)
            if not widths.get(code):
                widths[code] = self.MARK_BOX
            return code

        self.hbAddPrivate = add_private_with_box
        return font

    @property
    def _hb_names(self):
        font = getattr(self, "_nithet_hb_font", None)
        if font is None:
            import uharfbuzz

            font = self._nithet_hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(
                self.face.filename)))
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
        lines = {}
        for i, code in enumerate(subset):
            if code in _PUA and code in self.face.charToGlyph:
                text = glyph_text(hb.glyph_to_string(self.face.charToGlyph[code]))
                if text:
                    lines[f"<{i:02X}> <{code:04X}>"] = f"<{i:02X}> <{''.join(f'{ord(c):04X}' for c in text)}>"
        return re.sub(r"<[0-9A-F]{2}> <[0-9A-F]{4}>", lambda m: lines.get(m.group(0), m.group(0)), content)


@cache
def register_fonts() -> str:
    """Register the four Sarabun faces once and check shaping works; returns the regular font name."""
    if not reportlab.Version.startswith(SUPPORTED_REPORTLAB):
        raise ShapingUnavailable(
            f"reportlab {reportlab.Version} is not a version the Thai ToUnicode fix was checked with "
            f"({', '.join(SUPPORTED_REPORTLAB)}x)")
    from reportlab.lib.fonts import addMapping

    for name, file in _FILES.items():
        pdfmetrics.registerFont(ThaiTTFont(name, str(FONT_DIR / file)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    check_shaping()
    return REGULAR


def check_shaping() -> None:
    """Fail loudly if harfbuzz shaping is off: Thai would print with colliding or missing tone marks."""
    for name in _FILES:
        if not pdfmetrics.getFont(name).shapable:
            raise ShapingUnavailable(
                f"Thai shaping is unavailable for font {name}: install uharfbuzz "
                "(pip install uharfbuzz); refusing to render Thai reports without it")
