"""The dashboard's charts and map read in the reader's language: their titles, series legends and map legend are
labels of ours, not data. The chart definitions are the ones the round summary PDF draws (drawings.py, which
runs without Django settings), so the page passes its words in and the PDF keeps its Thai whoever asks.

What is read is what the browser draws: the text of every <text> element of the page's inline SVGs.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from lxml import html as lxml_html

from dashboard.data import Filters, chart_words, dashboard_data
from tests.dashboard.test_dashboard import S1, S2, _media, _visit, mixed  # noqa: F401  (the dashboard's fixtures)
from tests.reports.pdftext import pdftotext
from visits.reports import drawings
from visits.reports.data import round_data

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0E00-\u0E7F]")
# The words of our own a reader sees on the charts and the map, in each language.
CHART_WORDS = {
    "th": [
        "ร้อยละของโรงเรียนที่ตรวจเยี่ยมแล้วและอนุมัติแล้ว รายสหวิทยาเขต",
        "ร้อยละเฉลี่ยรายด้าน",
        "ตรวจเยี่ยมแล้ว",
        "อนุมัติแล้ว",
        "รออนุมัติ",
    ],
    "en": [
        "Share of planned schools visited and approved, by consortium (%)",
        "Mean per cent by section",
        "Visited",
        "Approved",
        "Waiting for approval",
    ],
}
MAP_WORDS = {
    "status": {
        "th": ["แผนที่โรงเรียน: สถานะการตรวจเยี่ยม", "ยังไม่ตรวจเยี่ยม", "ส่งแล้ว รออนุมัติ (1)", "อนุมัติแล้ว (1)"],
        "en": [
            "Map of schools: visit status",
            "Not visited yet",
            "Submitted, waiting for approval (1)",
            "Approved (1)",
        ],
    },
    "score": {
        "th": ["แผนที่โรงเรียน: ระดับคุณภาพของผลที่อนุมัติแล้ว", "ยังไม่มีผลที่อนุมัติ (1)"],
        "en": ["Map of schools: quality level of approved results", "No approved result yet (1)"],
    },
}


def _svg_texts(content: bytes) -> list[str]:
    """Each <text> the page's inline SVG drawings show, as drawn (one line of a wrapped label is one text)."""
    document = lxml_html.fromstring(content)
    texts = [
        " ".join(t.text_content().split()) for t in document.xpath("//*[local-name()='svg']//*[local-name()='text']")
    ]
    assert texts, "the dashboard drew no chart"
    return [t for t in texts if t]


def _page(actors, rnd, language: str, colour: str) -> list[str]:
    client = Client()
    client.force_login(actors.oscar.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/dashboard/?round={rnd.slug}&colour={colour}")
    assert page.status_code == 200
    assert lxml_html.fromstring(page.content).get("lang") == language
    return _svg_texts(page.content)


def _data(actors, rnd) -> list[str]:
    """What the charts may show as stored: section, consortium and district names, the instrument's levels."""
    schools = [actors.school_a, actors.school_b]
    return [
        S1,
        S2,
        *(s.consortium.name for s in schools),
        *(s.district.name_th for s in schools),
        *(level["label"] for level in rnd.instrument.instrument.quality_levels),
    ]


@pytest.mark.parametrize("colour", ["status", "score"])
def test_the_english_charts_and_map_show_english_words_and_thai_only_as_data(actors, mixed, colour):  # noqa: F811
    rnd, _, _ = mixed
    texts = _page(actors, rnd, "en", colour)
    for word in CHART_WORDS["en"] + MAP_WORDS[colour]["en"]:
        assert word in texts
    data = _data(actors, rnd)
    not_data = [
        (text, run)
        for text in texts
        for run in re.findall(r"[\u0E00-\u0E7F]+(?:\s+[\u0E00-\u0E7F]+)*", text)
        if not any(run in stored for stored in data)
    ]
    assert not not_data
    assert not any(THAI.search(word) for word in texts if word in CHART_WORDS["th"] + MAP_WORDS[colour]["th"])


@pytest.mark.parametrize("colour", ["status", "score"])
def test_the_thai_charts_and_map_read_as_before(actors, mixed, colour):  # noqa: F811
    rnd, _, _ = mixed
    texts = _page(actors, rnd, "th", colour)
    for word in CHART_WORDS["th"] + MAP_WORDS[colour]["th"]:
        assert word in texts
    english = CHART_WORDS["en"] + MAP_WORDS[colour]["en"]
    assert not [t for t in texts if t in english or (re.search(r"[A-Za-z]{3}", t) and not t.startswith("n="))]


def test_the_thai_catalogue_gives_the_words_the_reports_print():
    """In Thai the page's chart words are the PDF's, word for word: the Thai page and the report agree."""
    with translation.override("th"):
        assert chart_words() == drawings.THAI_WORDS
    with translation.override("en"):
        english = chart_words()
    assert not [name for name, value in vars(english).items() if THAI.search(value)]


def test_the_english_page_draws_the_round_summarys_charts_in_its_own_words(actors, mixed):  # noqa: F811
    """One definition per chart: in English the dashboard's specs are the round summary's, rows and values
    alike, only the words differ."""
    rnd, _, _ = mixed
    summary = round_data(rnd)
    thresholds = [lo for _, lo in summary.levels if lo > 0]
    with translation.override("en"):
        d = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug))
        words = chart_words()
    assert d.coverage_chart == drawings.coverage_spec(summary.coverage, words=words)
    assert d.blocks[0].section_chart == drawings.sections_spec(summary.sections, thresholds, words=words)
    assert d.coverage_chart.rows == drawings.coverage_spec(summary.coverage).rows
    assert d.blocks[0].section_chart.rows == drawings.sections_spec(summary.sections, thresholds).rows


def test_the_round_summary_pdf_keeps_its_thai_chart_words_when_asked_for_in_english(actors, mixed):  # noqa: F811
    """The report is Thai whoever asks: its charts built in an English request print the Thai titles and
    legends, read back raw with pdftotext (nothing folded)."""
    from visits.reports.builders.round_summary import build_round_summary

    rnd, _, _ = mixed
    with translation.override("en"):
        pdf = build_round_summary(round_data(rnd))
    text = pdftotext(pdf, "-raw")
    for word in CHART_WORDS["th"]:
        assert word in text
    assert not [word for word in CHART_WORDS["en"] if word in text]
