"""The invitation letter and the minutes as PDFs: what a reader copies or searches is the original Thai.

Text is read back raw (pypdf, `pdftotext -raw`) with nothing folded: no ํ + า → ำ repair. Thai has no
spaces between words, so a line that wraps between two words gives no space back; both sides are compared
without whitespace, and that is the only transformation."""

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile

import pytest
from pypdf import PdfReader

from tests.meetings.conftest import make_meeting
from tests.meetings.test_meetings import hold
from visits.reports.service import render, report_data

pytestmark = pytest.mark.django_db


def raw_texts(pdf: bytes) -> dict[str, str]:
    out = {"pypdf": "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)}
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out["pdftotext -raw"] = subprocess.run(
            [exe, "-raw", fh.name, "-"], capture_output=True, check=True
        ).stdout.decode()
    return out


def bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


PHRASES = [
    "รายงานการประชุมคณะกรรมการ ก.ต.ป.น.",
    "ครั้งที่ 1/2563",
    "ผู้มาประชุม",
    "ผู้ไม่มาประชุม",
    "ผู้เข้าร่วมประชุม",
    "เริ่มประชุมเวลา 09.05 น.",
    "ระเบียบวาระที่ 4 เรื่องเสนอเพื่อพิจารณา",
    # (the sub-item's title, with ดูแล in it, is checked by the strict xfail below: pypdf loses that line)
    "มติที่ประชุม อนุมัติแผน และให้จัดทำคำสั่งแต่งตั้งคณะทำงาน",
    "ห้องประชุมน้ำพอง",
    "ผู้จดรายงานการประชุม",
    "ผู้ตรวจรายงานการประชุม",
    "เลิกประชุมเวลา 12.05 น.",
]


def test_the_minutes_pdf_extracts_as_the_original_thai(board):
    meeting = make_meeting(board, dt.date(2020, 7, 10), place="ห้องประชุมน้ำพอง สำนักงานเขตพื้นที่การศึกษา")
    meeting = hold(
        board,
        meeting,
        sub_item=("แผนการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน", "อนุมัติแผน และให้จัดทำคำสั่งแต่งตั้งคณะทำงาน"),
    )
    pdf = render("minutes", report_data("minutes", meeting.pk))
    for reader, text in raw_texts(pdf).items():
        missing = [p for p in PHRASES if bare(p) not in bare(text)]
        assert not missing, f"{reader} lost: {missing}"


@pytest.mark.xfail(
    strict=True,
    reason="known: pypdf loses the whole line holding ดูแล (ู below ด) in these PDFs; pdftotext reads it. Left to the "
    "reports module (visits/reports/fonts.py); strict, so this turns red once it is fixed",
)
def test_pypdf_reads_a_vowel_below_a_letter(board):
    meeting = make_meeting(board, dt.date(2020, 7, 10))
    meeting = hold(board, meeting, sub_item=("ระบบการดูแลช่วยเหลือนักเรียน", "อนุมัติ"))
    pdf = render("minutes", report_data("minutes", meeting.pk))
    texts = raw_texts(pdf)
    assert bare("ดูแล") in bare(texts["pdftotext -raw"])
    assert bare("ดูแล") in bare(texts["pypdf"])


def test_the_invitation_letter_extracts_as_the_original_thai(board):
    meeting = make_meeting(
        board,
        dt.date(2020, 7, 10),
        place="ห้องประชุมน้ำพอง สำนักงานเขตพื้นที่การศึกษา",
        letter_no="ศธ 04332/ว 1021",
        subject="ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 1/2563",
        enclosures="ระเบียบวาระการประชุม\nเอกสารประกอบการประชุม",
        signer=board.oscar,
    )
    pdf = render("invitation", report_data("invitation", meeting.pk))
    for reader, text in raw_texts(pdf).items():
        for phrase in [
            "ที่ ศธ 04332/ว 1021",
            "เรื่อง",
            "ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 1/2563",
            "เรียน",
            "สิ่งที่ส่งมาด้วย",
            "เอกสารประกอบการประชุม",
            "ขอแสดงความนับถือ",
            f"({board.oscar.full_name})",
            "ระเบียบวาระที่ 5 เรื่องอื่น ๆ",
            "ห้องประชุมน้ำพอง",
        ]:
            assert bare(phrase) in bare(text), f"{reader} lost {phrase!r}"
