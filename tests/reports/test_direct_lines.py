"""ThaiParagraph draws the lines it broke itself: with the very operators ReportLab's Paragraph writes for
the same lines (the same PDF bytes), and a paragraph continued on the next page goes on at the top of it."""

import io
import re

import pytest
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table

from tests.reports.pdftext import pdftotext
from visits.reports import samples
from visits.reports.fonts import register_fonts
from visits.reports.styles import styles
from visits.reports.thaitext import ThaiParagraph

TEXT = (
    f"{samples.SCHOOLS[0]}มีการจัดการเรียนรู้ที่เน้นผู้เรียนเป็นสำคัญ ครูผู้สอนใช้สื่อเทคโนโลยี "
    "วันที่ 1 กุมภาพันธ์ 2563 น้ำใจ ผู้ทรงคุณวุฒิ (ประมาณ) ต่าง ๆ ตัวชี้วัด "
)
TEXTS = (
    "",
    "ก\n",  # a last line ending in a break
    "\nก\n\nข",  # empty lines
    TEXT,
    TEXT * 4 + "\n\n" + TEXT,
    "abc\xa0def ghi " * 20,  # no-break spaces
    "ก" * 300,  # one word wider than the line: cut between clusters
)
# Left, indented, centred, right-aligned, bulleted, hanging, headings and cells.
STYLES = ("body", "indent", "center", "right", "small", "cell_right", "bullet", "clause", "title", "h1")


@pytest.fixture(autouse=True, scope="module")
def _fonts():
    register_fonts()


def _pdf(style: str, direct: bool) -> bytes:
    st = styles()
    paragraphs = []
    story = []
    for text in TEXTS:
        p = ThaiParagraph(text, st[style], protected=[samples.SCHOOLS[0]])
        if style in ("bullet", "clause"):
            p.bulletText = "1."
        paragraphs.append(p)
        story += [p, PageBreak()]  # one page each: the comparison is not about where pages split
    cells = [ThaiParagraph(TEXT * 2, st["cell"]), ThaiParagraph(TEXT, st["cell_center"])]
    paragraphs += cells
    story.append(Table([cells], colWidths=[120, 90]))
    for p in paragraphs:
        assert p._direct
        p._direct = direct  # off: ReportLab's Paragraph is given the same lines and draws them itself
    buf = io.BytesIO()
    SimpleDocTemplate(buf, invariant=1).build(story)
    return buf.getvalue()


@pytest.mark.parametrize("style", STYLES)
def test_lines_are_written_as_paragraph_writes_them(style):
    assert _pdf(style, direct=True) == _pdf(style, direct=False)


def _first_word_top(pdf: bytes, page: int) -> float:
    boxes = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    return float(re.search(r'<word xMin="[^"]+" yMin="([^"]+)"', boxes).group(1))


def test_a_paragraph_continued_on_the_next_page_goes_on_at_its_top():
    # Paragraph's split used to start the rest with the line break that ended the first part: an empty
    # line at the top of the next page.
    lines = [f"บรรทัดที่ {i} ของย่อหน้ายาว" for i in range(1, 61)]
    body = styles()["body"]

    def pdf(*story) -> bytes:
        buf = io.BytesIO()
        SimpleDocTemplate(buf, invariant=1).build(list(story))
        return buf.getvalue()

    split = pdf(Spacer(1, 300), ThaiParagraph("\n".join(lines), body))
    whole = pdf(ThaiParagraph("\n".join(lines[:20]), body))
    assert _first_word_top(split, 2) == pytest.approx(_first_word_top(whole, 1), abs=0.01)  # (a line: 18 pt)
    read = [line for line in pdftotext(split, "-raw").replace("\f", "\n").split("\n") if line]
    assert read == lines  # every line once, in order
