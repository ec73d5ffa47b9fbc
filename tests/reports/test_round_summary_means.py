"""The round summary PDF keeps approved and pending results apart: on a round with two approved and two
submitted-not-approved visits, the PDF as `render_report` writes it prints the approved mean and the pending
mean (computed here by hand), each where it belongs, and the pooled mean of all four nowhere."""

import io

import pytest
from django.core.management import call_command

import tests.factories as f
from tests.reports.pdftext import pdftotext, pypdf_text, squeeze

pytestmark = pytest.mark.django_db

S1, S2 = "ด้านการบริหารจัดการ", "ด้านการจัดการเรียนรู้"
# (status, overall %, S1 %, S2 %)
VISITS = [
    ("approved", 91.0, 95.0, 87.0),
    ("approved", 70.0, 84.0, 56.0),
    ("submitted", 52.0, 42.0, 62.0),
    ("submitted", 39.0, 31.0, 47.0),
]
APPROVED_MEAN = (91.0 + 70.0) / 2  # 80.5
PENDING_MEAN = (52.0 + 39.0) / 2  # 45.5
POOLED_MEAN = (91.0 + 70.0 + 52.0 + 39.0) / 4  # 63.0: what mixing them would print
APPROVED_S1, PENDING_S1, POOLED_S1 = (95.0 + 84.0) / 2, (42.0 + 31.0) / 2, (95.0 + 84.0 + 42.0 + 31.0) / 4
APPROVED_S2, PENDING_S2, POOLED_S2 = (87.0 + 56.0) / 2, (62.0 + 47.0) / 2, (87.0 + 56.0 + 62.0 + 47.0) / 4


@pytest.fixture
def summary_pdf(actors, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    schools = [actors.school_a, actors.school_b, *(f.SchoolFactory(office=actors.office) for _ in range(2))]
    committees = [actors.committee_a, actors.committee_b] * 2
    for (status, score, s1, s2), school, committee in zip(VISITS, schools, committees, strict=True):
        f.VisitFactory(
            assignment=f.AssignmentFactory(round=rnd, committee=committee, school=school),
            status=status,
            score=score,
            section_scores=[{"title": S1, "percent": s1}, {"title": S2, "percent": s2}],
        )
    out = tmp_path / "round.pdf"
    call_command("render_report", "round", rnd.slug, "-o", str(out), stdout=io.StringIO())
    return out.read_bytes(), actors.office.thai_digits


def printed(value: float, thai_digits: bool) -> str:
    """A mean as the office prints it: one decimal, in its digits."""
    text = f"{value:.1f}"
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if thai_digits else text


def test_the_pdf_prints_approved_and_pending_means_apart_and_never_the_pooled_one(summary_pdf):
    pdf, thai = summary_pdf
    assert APPROVED_MEAN != POOLED_MEAN != PENDING_MEAN
    for text in (squeeze(pypdf_text(pdf)), squeeze(pdftotext(pdf))):
        # The key numbers say which mean is which.
        assert squeeze(f"คะแนนเฉลี่ยของผลที่อนุมัติแล้วร้อยละ {printed(APPROVED_MEAN, thai)}") in text
        assert squeeze(f"ผลที่ส่งแล้วรออนุมัติเฉลี่ยร้อยละ {printed(PENDING_MEAN, thai)}") in text
        for approved, pending in ((APPROVED_S1, PENDING_S1), (APPROVED_S2, PENDING_S2)):
            assert printed(approved, thai) in text and printed(pending, thai) in text
        for pooled in (POOLED_MEAN, POOLED_S1, POOLED_S2):
            assert printed(pooled, thai) not in text, pooled
