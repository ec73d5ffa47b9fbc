"""The official document layout (visits/reports/official.py): emblem, sizes, justified Thai, "- ๒ -" page
numbers, the continuation word, numbered member lines and the signature block."""

import io
import itertools
import re
import subprocess
import tempfile

import pytest
from PIL import Image, ImageDraw

from tests.reports.pdftext import all_texts, pdftotext, squeeze
from visits.reports import samples
from visits.reports.builders.order import build_order
from visits.reports.data import OfficeInfo
from visits.reports.layout import PAGE_W
from visits.reports.official import (
    BODY_SIZE,
    EMBLEM_HEIGHT,
    OFFICIAL_MARGINS,
    MemberLine,
    OfficialDoc,
    OfficialWriter,
    th_pt,
)

OFFICE = "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาอุบลราชธานี อำนาจเจริญ"
REASON = (
    "ด้วยสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาอุบลราชธานี อำนาจเจริญ กำหนดการตรวจเยี่ยมสนามสอบการทดสอบทาง"
    "การศึกษาระดับชาติขั้นพื้นฐาน (O-NET) ปีการศึกษา 2562 ระหว่างวันที่ 1 กุมภาพันธ์ 2563 ถึงวันที่ 2 กุมภาพันธ์ "
    "2563 เพื่อให้การดำเนินงานเป็นไปด้วยความเรียบร้อย โปร่งใส และบรรลุวัตถุประสงค์ที่กำหนดไว้"
)


def thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def _emblem_png() -> bytes:
    img = Image.new("RGB", (300, 330), "white")
    ImageDraw.Draw(img).rectangle((0, 0, 299, 329), fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _members(n: int) -> list[MemberLine]:
    return [
        MemberLine(f"นายสมชาย ใจดีมาก{i}", "ผู้อำนวยการโรงเรียนศรีสำราญวิทยา", "ประธานกรรมการ" if i == 1 else "กรรมการ")
        for i in range(1, n + 1)
    ]


def _document(members: int = 40, emblem: bool = True) -> bytes:
    office = OfficeInfo(name=OFFICE, emblem=_emblem_png() if emblem else None)
    doc = OfficialDoc(office, "คำสั่ง")
    w = OfficialWriter(protected=(OFFICE, "ศรีสำราญวิทยา"))
    story = [
        *doc.emblem(),
        w.centre(f"คำสั่ง{OFFICE}", bold=True),
        w.centre("ที่ 25/2563"),
        w.centre("เรื่อง แต่งตั้งคณะกรรมการตรวจเยี่ยมสนามสอบ"),
        w.rule(),
        w.para(REASON),
        *w.numbered_lines(_members(members)),
        *w.clauses(["ตรวจเยี่ยมสนามสอบตามกำหนดการ", "สรุปผลและรายงาน"]),
        *w.signature("นายสมชาย ใจดี", "ผู้อำนวยการสำนักงาน", when="สั่ง ณ วันที่ 20 มกราคม พ.ศ. 2563"),
    ]
    return doc.build(story)


@pytest.fixture(scope="module")
def pdf():
    return _document()


def _page_png(pdf: bytes, page: int, dpi: int = 72) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        src = f"{tmp}/doc.pdf"
        with open(src, "wb") as fh:
            fh.write(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", src, f"{tmp}/p"], check=True
        )
        import glob

        return Image.open(glob.glob(f"{tmp}/p*.png")[0]).convert("L")


def test_the_emblem_is_3_cm_high_at_the_top_centre(pdf):
    img = _page_png(pdf, 1)
    # The test emblem is a black block; find its box above the title (1 px = 1 pt at 72 dpi).
    top = img.crop((0, 0, img.width, int(OFFICIAL_MARGINS["top"] + EMBLEM_HEIGHT + 6))).point(
        lambda v: 255 if v < 60 else 0
    )
    left, upper, right, lower = top.getbbox()
    assert abs((lower - upper) - EMBLEM_HEIGHT) <= 2
    frame_centre = OFFICIAL_MARGINS["left"] + (PAGE_W - OFFICIAL_MARGINS["left"] - OFFICIAL_MARGINS["right"]) / 2
    assert abs((left + right) / 2 - frame_centre) <= 2
    assert abs(upper - OFFICIAL_MARGINS["top"]) <= 2


def test_no_emblem_uploaded_means_no_emblem_and_no_error():
    texts = all_texts(_document(members=3, emblem=False))
    assert squeeze(f"คำสั่ง{OFFICE}") in squeeze(texts["pdftotext"])


def test_body_is_16_pt_in_the_th_sarabun_convention():
    assert BODY_SIZE == th_pt(16)
    assert 12 <= BODY_SIZE <= 14  # Sarabun draws larger on the em than TH Sarabun PSK


def test_page_numbers_from_page_2_and_the_continuation_word(pdf):
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    texts = [page.extract_text() for page in pages]
    assert "- ๑ -" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        thai = thai_digits(str(number))
        assert f"- {thai} -" in text
    for this, following in itertools.pairwise(texts):
        word = re.search(r"/(\S+)\.\.\.", this)
        assert word, this[-200:]
        body = following.replace(re.search(r"- \S+ -", following).group(0), "", 1).split()
        assert body[0].rstrip(".") == word.group(1), (word.group(1), body[:3])
    assert "..." not in texts[-1].split("\n")[-1]


def test_the_continuation_word_keeps_its_marks():
    """Every page starts with "ผู้ทรงคุณวุฒิ…": the word at each foot is that word whole, marks included
    (it was "/ผ..." when read from ReportLab's shaped words)."""
    from pypdf import PdfReader

    from visits.reports.thaitext import segment

    doc = OfficialDoc(OfficeInfo(name=OFFICE), "คำสั่ง")
    w = OfficialWriter(protected=(OFFICE,))
    pdf = doc.build([w.line("ผู้ทรงคุณวุฒิด้านการวัดและประเมินผล มหาวิทยาลัยราชภัฏอุบลราชธานี") for _ in range(80)])
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) >= 2
    for this, following in itertools.pairwise(texts):
        word = re.search(r"/(\S+)\.\.\.", this)
        assert word, this[-200:]
        body = following.replace(re.search(r"- \S+ -", following).group(0), "", 1).split()
        assert word.group(1) == segment(body[0])[0] == "ผู้ทรงคุณวุฒิ", (word.group(1), body[:2])


def test_text_reads_back_exactly_in_every_extractor(pdf):
    for name, text in all_texts(pdf).items():
        flat = squeeze(text)
        assert squeeze(f"คำสั่ง{OFFICE}") in flat, name
        assert squeeze(thai_digits(REASON)) in flat, name
        for line in _members(40):
            assert squeeze(thai_digits(line.name)) in flat, name
        assert "(นายสมชายใจดี)" in flat, name


def _line_boxes(pdf: bytes, page: int = 1) -> list[tuple[str, float, float]]:
    """(text, xMin, xMax) of each line poppler finds on the page."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), fh.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    out = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>', html, re.S):
        words = re.findall(r">([^<]+)</word>", m.group(3))
        out.append((" ".join(words), float(m.group(1)), float(m.group(2))))
    return out


def test_justified_lines_end_at_the_right_margin(pdf):
    right = PAGE_W - OFFICIAL_MARGINS["right"]
    lines = _line_boxes(pdf)
    first = next(i for i, (text, _, _) in enumerate(lines) if text.startswith("ด้วยสำนักงาน"))
    # The reason paragraph: its first line is indented 2.5 cm, every line but its last ends at the margin.
    assert abs(lines[first][1] - (OFFICIAL_MARGINS["left"] + 2.5 * 28.3465)) <= 1
    last = first + next(k for k, (text, _, _) in enumerate(lines[first:]) if squeeze(text).endswith("กำหนดไว้"))
    reason = lines[first : last + 1]
    assert len(reason) >= 4, reason
    flush = [x1 for _, _, x1 in reason[:-1] if right - 1.5 <= x1 <= right + 0.5]
    # A line followed by a long unbreakable word may stay a little short; most end at the margin.
    assert len(flush) >= 2, reason
    for text, x0, x1 in reason[:-1]:
        assert right - 0.08 * (right - x0) <= x1 <= right + 0.5, (text, x1, right)
        assert abs(x0 - OFFICIAL_MARGINS["left"]) <= 1 or text.startswith("ด้วย")
    assert reason[-1][2] < right - 20  # the last line of the paragraph is not stretched


def test_member_lines_are_numbered_and_never_cut(pdf):
    text = all_texts(pdf)["pdftotext"]
    for i in (1, 10, 40):
        thai = thai_digits(str(i))
        line = next(ln for ln in text.splitlines() if ln.startswith(f"{thai}. "))
        assert f"นายสมชาย ใจดีมาก{thai}" in line


def test_a_members_rank_stays_whole_and_the_position_apart_from_the_role():
    """The sample order's member lines: "ศึกษานิเทศก์ชำนาญการพิเศษ" may wrap in its column, but never inside its
    rank ("ชำนาญ | การ"), and a position that fills its column still stands apart from the role — a reader
    copying the line gets "ก.ต.ป.น." and "กรรมการ" as two words. Raw pdftotext output."""
    raw = pdftotext(build_order(samples.order()), "-raw")
    assert "ชำนาญการพิเศษ" in raw
    assert not re.search("ชำนาญ(?!การ)", raw), [ln for ln in raw.splitlines() if "ชำนาญ" in ln]
    assert "ก.ต.ป.น. กรรมการ" in raw and "ก.ต.ป.น.กรรมการ" not in raw
