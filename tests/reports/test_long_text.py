"""Long text renders: a table row taller than a page is cut into rows (ReportLab splits tables only between
rows), so a long answer, note, finding or recommendation never stops a report with LayoutError."""

import dataclasses

import pytest

from tests.reports.pdftext import pypdf_text, squeeze
from visits.reports import builders, samples
from visits.reports.fonts import register_fonts

LONG = ("นักเรียนมีส่วนร่วมในกิจกรรมการเรียนรู้อย่างต่อเนื่อง ครูใช้สื่อที่หลากหลาย " * 200)[:8000]
UNSPACED = ("ครูจัดกิจกรรมการเรียนรู้เชิงรุกให้นักเรียนได้ลงมือปฏิบัติจริง" * 150)[:6000]  # no spaces at all


@pytest.fixture(autouse=True, scope="module")
def _fonts():
    register_fonts()


@pytest.mark.parametrize("text", [LONG, UNSPACED], ids=["spaced", "unspaced"])
def test_a_visit_report_with_answers_longer_than_a_page_renders(text):
    data = samples.visit(items=3, photos=0)
    answers = list(data.answers)
    answers[0] = dataclasses.replace(answers[0], answer=text, note=text[:2000])
    long = dataclasses.replace(
        data,
        answers=tuple(answers),
        recommendations=(text[:1500], text),
        findings=((data.findings[0][0], text),) if data.findings else (("ข้อค้นพบ", text),),
    )
    pdf = builders.build_visit_report(long)
    words = squeeze(pypdf_text(pdf))
    assert squeeze(text[:200]) in words and squeeze(text[-200:].split(" ", 1)[-1]) in words  # nothing cut off


def test_an_exam_report_with_long_texts_renders():
    data = samples.exam()

    def stretch(value):
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(
                value,
                **{f.name: stretch(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "office"},
            )
        if isinstance(value, tuple):
            return tuple(stretch(v) for v in value)
        return LONG[:3000] if isinstance(value, str) and len(value) >= 25 else value

    assert builders.build_exam_report(stretch(data)).startswith(b"%PDF")
