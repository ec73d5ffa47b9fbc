"""The demo's reports as a director prints them with `render_report`: the O-NET exam-site report shows the
inspections recorded on the สทศ. site-procedure checklist, with failed items and incidents per committee
and per centre; the O-NET order appoints คณะที่ 1–7 in one document; a visit report numbers its photos with
the school's name; every PDF carries true metadata. One demo load, read as pdftotext and pypdf give it."""

import datetime
import io
import itertools
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from schedules.models import Round
from supervision.models import Committee
from tests.reports.pdftext import pdftotext, pypdf_text, squeeze
from visits.demo import EXAM_FINDINGS
from visits.models import Visit
from visits.reports.data import order_data
from visits.reports.thaitext import segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_module):
    """The whole demo (tests/demo_db.py)."""


def _render(tmp_path, kind, key) -> bytes:
    out = tmp_path / f"{kind}.pdf"
    call_command("render_report", kind, str(key), "-o", str(out), stdout=io.StringIO())
    return out.read_bytes()


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(squeeze(start)) : text.index(squeeze(end))]


def test_demo_reports_read_as_a_director_needs_them(demo, tmp_path):
    onet = Round.objects.get(slug="onet-m3-2562")
    inspections = Visit.objects.filter(round=onet)
    assert inspections.count() == onet.assignments.exclude(status="cancelled").count() == 28
    assert inspections.filter(status="approved").exists() and inspections.filter(status="submitted").exists()

    # --- the exam-site report: results, not a schedule of empty blocks -------------------------------
    exam = _render(tmp_path, "exam", onet.slug)
    text = squeeze(pypdf_text(exam))  # content order: table cells side by side stay apart
    assert "ยังไม่มีผลการตรวจ" not in text
    for procedure in (
        "ก่อนเวลาสอบอย่างน้อย 30 นาที",
        "ตัวแทนศูนย์สอบ",
        "เปิดซองต่อหน้าผู้เข้าสอบ",
        "แบบ สทศ.2",
        "แบบ สทศ.3",
        "แบบ สทศ.5",
        "แบบ O-NET 1",
        "แบบ O-NET 2",
    ):
        assert squeeze(procedure) in text, procedure

    per_committee = _section(text, "ผลการตรวจเยี่ยมรายคณะกรรมการ", "ผลการตรวจเยี่ยมรายสนามสอบ")
    assert all(f"คณะที่{n}" in per_committee for n in range(1, 8))
    per_centre = _section(text, "ผลการตรวจเยี่ยมรายสนามสอบ", "รายการที่ไม่ผ่านและเหตุการณ์")
    listed = _section(text, "รายการที่ไม่ผ่านและเหตุการณ์", "ผลการตรวจรายสนามสอบ")
    failing_centres = set()
    for found, incident in EXAM_FINDINGS.values():
        for value, note in found.values():
            if value in (False, "missing"):
                assert squeeze(note) in listed, note
        if incident:
            assert squeeze(incident) in per_centre and squeeze(incident) in listed, incident
    for v in inspections.select_related("school"):
        if v.answers.filter(value=False).exists() or v.answers.filter(value="missing").exists():
            failing_centres.add(v.school.name_th)
    assert len(failing_centres) >= 4
    # The failed rows stand out: they are drawn on the report's failed-row colour.
    content = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(exam)).pages)
    assert b".99 .86 .86 rg" in content or b"0.99 0.86 0.86 rg" in content

    # --- one O-NET order for the seven committees ------------------------------------------------------
    order_pdf = _render(tmp_path, "order", onet.slug)
    order = squeeze(pypdf_text(order_pdf))
    assert len(re.findall("ที่25/2563", order)) == 1  # one document, one number
    assert order.count("คำสั่งสำนักงาน") == 1
    committees = Committee.objects.filter(rounds=onet).order_by("number")
    assert committees.count() == 7
    for committee in committees:
        assert f"คณะที่{committee.number}" in order
        for membership in committee.memberships.select_related("person"):
            assert squeeze(membership.person.full_name) in order, membership.person
    for centre in onet.centres.select_related("school"):
        assert squeeze(centre.school.name_th) in order, centre.school.name_th
    assert "1กุมภาพันธ์2563" in order and "2กุมภาพันธ์2563" in order
    assert "หน้าที่" in order
    # The continuation word at each page's foot is the next page's first word, whole ("/ผู้ทรงคุณวุฒิ...",
    # not "/ผ..." cut before its marks).
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(order_pdf)).pages]
    assert len(pages) >= 2
    words = []
    for this, following in itertools.pairwise(pages):
        word = re.search(r"/(\S+)\.\.\.", this)
        assert word, this[-120:]
        body = following.replace(re.search(r"- \S+ -", following).group(0), "", 1).split()
        assert segment(body[0])[0] == word.group(1), (word.group(1), body[:2])
        words.append(word.group(1))
    # (The committees' headings now start pages, so these words are "คณะ"; a first word with marks, whole:
    # tests/reports/test_official.py::test_the_continuation_word_keeps_its_marks.)

    # A member's entry (number, name, position, role) is on one page, and a committee's heading never ends
    # a page: each page's text is read on its own, the page number and continuation word left out.
    def body(page: str) -> str:
        return squeeze(re.sub(r"- \S+ -|/\S+\.\.\.\s*$", "", page))

    page_bodies = [body(page) for page in pages]
    entries = 0
    for committee in order_data(onet).committees:
        for member in committee.members:
            name, position = squeeze(member.name), squeeze(member.position)
            on = [i for i, b in enumerate(page_bodies) if name in b]
            assert len(on) == 1, (member.name, on)
            start = page_bodies[on[0]].index(name)
            assert page_bodies[on[0]].find(position, start) == start + len(name), (member.name, member.position)
            assert squeeze(member.role) in page_bodies[on[0]][start:], member.name
            entries += 1
    assert entries == sum(committee.memberships.count() for committee in committees) >= 7 * 2
    for number, page in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        lines = [line for line in lines if not re.fullmatch(r"- \S+ -|/\S+\.\.\.", line)]
        assert not re.match(r"คณะที่ \d+$", lines[-1]), (number, lines[-3:])
        assert not lines[-1].startswith(("ตรวจเยี่ยมวันที่", "สนามสอบที่", "มีหน้าที่")), (number, lines[-3:])

    # --- a visit report: photos numbered with the school's name; true metadata --------------------------
    visit = next(
        v
        for v in Visit.objects.filter(round__slug="aug-2563", status="approved").select_related("school")
        if v.evidence.filter(kind="photo").exclude(file="").exists()
    )
    report = _render(tmp_path, "visit", visit.pk)
    raw = pypdf_text(report)
    assert re.search(r"ภาพที่ 1\b", raw)
    caption_lines = [line for line in pdftotext(report, "-layout").splitlines() if "ภาพที่ 1" in line]
    assert caption_lines
    assert squeeze(visit.school.name_th) in squeeze(raw[raw.index("ภาพที่ 1") :])
    assert not re.search(r"\b1[0-9]\.\d{4,}\s*,\s*10[0-9]\.\d{4,}", raw)  # never raw coordinates

    for pdf, kind in ((report, "visit"), (exam, "exam"), (order_pdf, "order")):
        meta = PdfReader(io.BytesIO(pdf)).metadata
        assert meta.author == onet.office.name, kind
        assert meta.title and re.search("[ก-๙]", meta.title), kind
        created = meta.creation_date
        assert created is not None and created.year >= 2025, (kind, created)
        age = datetime.datetime.now(datetime.UTC) - created.astimezone(datetime.UTC)
        assert abs(age) < datetime.timedelta(hours=1), (kind, created)
