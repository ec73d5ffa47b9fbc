"""Copy, search and extraction give back the original Thai, ำ included, in poppler (pdftotext = Evince),
PDFium (Chromium's viewer), pypdf and pdfminer. Raw extraction is compared with the source strings: nothing
is folded (only whitespace is dropped, since Thai lines break between words without a space)."""

import io
import re

import pytest
from pythainlp.tokenize import word_tokenize
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from tests.reports.pdftext import EXTRACTORS, all_texts, squeeze
from visits.reports import fonts, samples
from visits.reports.builders import build_exam_report, build_order, build_round_summary, build_visit_report
from visits.reports.styles import styles
from visits.reports.thaitext import ThaiParagraph

CONSONANTS = [chr(c) for c in range(0x0E01, 0x0E2F)]
UPPER_LOWER = ["", "\u0e31", "\u0e34", "\u0e35", "\u0e36", "\u0e37", "\u0e38", "\u0e39"]
TONES = ["", "\u0e48", "\u0e49", "\u0e4a", "\u0e4b", "\u0e4c"]


def _every_combination() -> list[str]:
    """Each consonant with each vowel above/below and each tone mark, with ำ (and a tone before it)."""
    words = []
    for c in CONSONANTS:
        for v in UPPER_LOWER:
            for t in TONES:
                words.append(c + v + t + ("น" if v == "\u0e31" else ""))
        words += [c + t + "\u0e33" for t in TONES[:5]]
        words.append(c + "\u0e47" + "น")
    return words


def _one_paragraph_per_word(words, font):
    st = ParagraphStyle("probe", parent=styles()["body"], fontName=font, shaping=1)
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([ThaiParagraph(" ".join(words), st)])
    return buf.getvalue()


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC])
@pytest.mark.parametrize("extractor", ["pdftotext", "pypdf", "pdfminer"])
def test_every_letter_mark_combination_reads_back_whole(font, extractor):
    fonts.register_fonts()
    words = _every_combination()
    got = EXTRACTORS[extractor](_one_paragraph_per_word(words, font)).split()
    assert got == words, [(w, g) for w, g in zip(words, got, strict=False) if w != g][:10]


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC])
def test_pdfium_reads_every_combination_back_whole(font):
    """PDFium (Chromium's viewer) reads every letter-mark combination back whole in every face, bold
    included (a letter and its marks never change font: ``ThaiTTFont.splitString``; bold ษ + ำ, whose ring
    is drawn apart from its sara aa, carries its text in an ActualText span), except vowels under ฤ/ฦ,
    which are not Thai spelling."""
    fonts.register_fonts()
    words = _every_combination()
    got = EXTRACTORS["pdfium"](_one_paragraph_per_word(words, font))
    assert "\u0e4d" not in got  # never a nikhahit read in place of ำ
    found = set(got.split())
    wrong = {w for w in words if w not in found}
    allowed = {w for w in words if w[0] in "ฤฦ" and w[1:2] in ("\u0e38", "\u0e39")}
    assert wrong <= allowed, sorted(wrong - allowed)[:10]
    for word in ("ษำ", "ษ่ำ", "ษ้ำ", "ษ๊ำ", "ษ๋ำ"):
        assert word in found, (font, word)


UPPER = ["\u0e31", "\u0e34", "\u0e35", "\u0e36", "\u0e37"]


def _after_a_mark() -> list[str]:
    """Each consonant with each upper vowel and tone mark, right after a syllable ending in a mark: the
    letter starts inside the mark before it (ใช้สื่อ, ที่ชื่อ, ผู้ซื้อ)."""
    return [
        before + c + v + t + "อ"
        for before in ("ใช้", "ที่", "ผู้")
        for c in CONSONANTS
        if c not in "ฤฦ"
        for v in UPPER
        for t in TONES[1:]
    ]


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD])
@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_a_letter_right_after_a_mark_reads_back_with_its_marks_in_order(font, extractor):
    """Poppler read ใช้สื่อ as ใช้ส่ือ: it starts new words inside a letter drawn from within the mark
    before it and orders the pieces by position, so a tone drawn left of its vowel came first."""
    fonts.register_fonts()
    words = _after_a_mark()
    got = squeeze(EXTRACTORS[extractor](_one_paragraph_per_word(words, font)))
    want = squeeze("".join(words))  # lines break between the syllables of these made-up words
    at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
    assert got == want, (got[max(0, at - 12) : at + 12], want[max(0, at - 12) : at + 12])


@pytest.mark.parametrize("width", [150, 190, 200, 210, 220, 230, 400])
def test_a_word_read_whole_at_every_place_on_a_line(width):
    """The sample sentence in cells of several widths, so สื่อ falls mid-line, at a line's end and at the
    start of the next: every tool reads it as typed."""
    from reportlab.platypus import Table

    fonts.register_fonts()
    text = "ครูจัดการเรียนรู้เชิงรุก (Active Learning) และใช้สื่อเทคโนโลยีอย่างเหมาะสม ผู้ซื้อที่ชื่อสื่อ"
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Table([[ThaiParagraph(text, styles()["cell"])]], colWidths=[width])])
    for name, got in all_texts(buf.getvalue()).items():
        assert squeeze(got) == squeeze(text), (name, got)


def test_a_bold_heading_past_the_first_font_subset_reads_back_in_pdfium():
    """A heading drawn after the first 256 codes of a face are used (its letters in one subset, its marks
    in the next) reads back as typed: ผั้น, พี่, ษี่ were cut into lines by PDFium."""
    fonts.register_fonts()
    filler = [chr(c) for c in [*range(0x21, 0x7F), *range(0xE01, 0xE2F), *range(0x0C0, 0x17F)]]
    heading = ["ผู้ประเมินผั้นเฟื่องฟูพี่น้องภาษี่ผึ้ง", "สำนักงานอำนาจเจริญ"]
    text = EXTRACTORS["pdfium"](_one_paragraph_per_word([*filler, *heading], fonts.BOLD))
    assert text.split()[-2:] == heading, text[-80:]


REPORTS = {
    "visit": (samples.visit, build_visit_report),
    "round": (lambda: samples.round_summary(81), build_round_summary),
    "exam": (samples.exam, build_exam_report),
    "order": (lambda: samples.order(committees=3), build_order),
}


def _shown_words(data) -> set[str]:
    import dataclasses

    def strings(v):
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            for f in dataclasses.fields(v):
                if f.name not in ("protected", "address", "phone", "slug", "verify_url", "short_name", "status_code"):
                    yield from strings(getattr(v, f.name))
        elif isinstance(v, tuple | list):
            for x in v:
                yield from strings(x)
        elif isinstance(v, str):
            yield v

    words = set()
    for s in strings(data):
        words.update(w for w in word_tokenize(s, engine="newmm", keep_whitespace=False) if re.search("[ก-๙]", w))
    return words


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_every_word_a_report_shows_is_found_by_every_extractor(kind):
    make, build = REPORTS[kind]
    data = make()
    words = _shown_words(data)
    am = {w for w in words if "ำ" in w}
    assert am, "the sample must show words with ำ"
    for name, text in all_texts(build(data)).items():
        flat = squeeze(text)
        assert "\u0e4d\u0e32" not in flat, name  # never ํ + า in place of ำ
        missing = sorted(w for w in words if w not in flat)
        assert not missing, (name, missing)  # every word, those with ำ and สื่อ after ใช้ included


def test_a_school_name_with_sara_am_is_found_as_typed():
    data = samples.visit(school="โรงเรียนศรีสำราญวิทยา")
    texts = all_texts(build_visit_report(data))
    for name, text in texts.items():
        assert "ศรีสำราญวิทยา" in text, name
