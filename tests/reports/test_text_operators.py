"""Shaped text is written by `fonts._shaped_operators`, a one-pass version of ReportLab's
`PDFTextObject._formatText` (a quarter of a visit report's time went into ReportLab's loop). It must write
the very same operators: every shaped run of the demo reports and of every Thai letter-mark combination,
in the regular and bold faces, is formatted both ways and compared."""

import io

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.platypus import SimpleDocTemplate

from tests.reports.test_extraction import _after_a_mark, _every_combination
from visits.reports import fonts, samples
from visits.reports.builders import build_exam_report, build_order, build_round_summary, build_visit_report
from visits.reports.styles import styles
from visits.reports.thaitext import ThaiParagraph


@pytest.fixture
def both_ways(monkeypatch):
    """Format each shaped run with ReportLab's code and with ours, from the same state; record both."""
    from reportlab.pdfgen import textobject

    fonts.register_fonts()
    seen = []

    def compare(self, text):
        font = pdfmetrics.getFont(self._fontname)
        if not isinstance(text, ShapedStr) or not isinstance(font, fonts.ThaiTTFont):
            return reportlab_own(self, text)
        state = (self._curSubset, self._rise, self._x, self._y, len(self._code))
        theirs = reportlab_own(self, text)
        if _flat(text):  # ours, from the same state, must end in the same state too
            after = (self._curSubset, self._rise, self._x, self._y, len(self._code))
            self._curSubset, self._rise, self._x, self._y, _ = state
            ours = fonts._shaped_operators(_unreachable, self, text, font)
            assert (self._curSubset, self._rise, self._x, self._y, len(self._code)) == after
        else:
            ours = theirs
        seen.append((theirs, ours))
        return theirs

    reportlab_own = _original_format_text()
    monkeypatch.setattr(textobject.PDFTextObject, "_formatText", compare)
    return seen


def _flat(text) -> bool:
    return not any(sd.y_offset or sd.cluster < 0 for sd in text.__shapeData__)


def _unreachable(*args):
    raise AssertionError("text on the baseline never falls back to ReportLab's loop")


def _original_format_text():
    """ReportLab's own _formatText (the one fonts wraps)."""
    from reportlab.pdfgen import textobject

    wrapper = textobject.PDFTextObject._formatText
    for cell in wrapper.__closure__ or ():
        if callable(cell.cell_contents) and cell.cell_contents.__module__ == "reportlab.pdfgen.textobject":
            return cell.cell_contents
    raise AssertionError("fonts did not wrap PDFTextObject._formatText")


def _check(seen):
    assert len(seen) > 20
    flat = [(theirs, ours) for theirs, ours in seen if theirs is not ours]
    assert flat, "no shaped run on the baseline was formatted"
    assert [t for t, o in flat if t != o] == []


@pytest.mark.parametrize(
    "build",
    [
        lambda: build_visit_report(samples.visit(items=20, photos=6)),
        lambda: build_round_summary(samples.round_summary(81)),
        lambda: build_exam_report(samples.exam()),
        lambda: build_order(samples.order()),
    ],
    ids=["visit", "round", "exam", "order"],
)
def test_the_reports_text_is_written_as_reportlab_writes_it(both_ways, build):
    build()
    _check(both_ways)


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD])  # (the italics place marks as these do)
def test_every_letter_mark_combination_is_written_as_reportlab_writes_it(both_ways, font):
    st = ParagraphStyle("probe", parent=styles()["body"], fontName=font, shaping=1)
    words = _every_combination() + _after_a_mark()
    # Eight words a line, so that lines with no raised glyph are written on the baseline too.
    lines = [" ".join(words[i : i + 8]) for i in range(0, len(words), 8)]
    SimpleDocTemplate(io.BytesIO()).build([ThaiParagraph("\n".join(lines), st)])
    _check(both_ways)
