"""The dashboard's charts and map read in the reader's language (their titles and legends are labels, not
data), while the round summary PDF drawn from the same definitions stays Thai."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests import factories as f
from tests.dashboard.test_dashboard import _media  # noqa: F401  (the dashboard's fixtures)
from visits.reports import data as report_data

pytestmark = pytest.mark.django_db

CHART_LABELS = {
    "th": ["ร้อยละของโรงเรียนที่ตรวจเยี่ยมแล้วและอนุมัติแล้ว รายสหวิทยาเขต", "ร้อยละเฉลี่ยรายด้าน", "รออนุมัติ"],
    "en": [
        "Share of schools visited and approved, per consortium",
        "Mean percentage per section",
        "Waiting for approval",
    ],
}
MAP_LABELS = {
    "th": ["แผนที่โรงเรียน: สถานะการตรวจเยี่ยม", "ส่งแล้ว รออนุมัติ"],
    "en": ["School map: visit status", "Submitted, awaiting approval"],
}


def _svg_text(html: str) -> str:
    """Every text the page's inline SVG drawings (charts and map) show, as a reader sees it."""
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert svgs, "the dashboard drew no chart"
    return " ".join(re.sub(r"\s+", " ", t) for s in svgs for t in re.findall(r">([^<>]+)<", s))


@pytest.fixture
def rnd(actors):
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    for committee, school, status in (
        (actors.committee_a, actors.school_a, "approved"),
        (actors.committee_b, actors.school_b, "submitted"),
    ):
        a = f.AssignmentFactory(round=rnd, committee=committee, school=school)
        f.VisitFactory(assignment=a, status=status, score=60.0)
    return rnd


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_charts_and_the_map_read_in_the_readers_language(actors, rnd, language):
    client = Client()
    client.force_login(actors.oscar.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/dashboard/?round={rnd.slug}")
    assert page.status_code == 200
    shown = _svg_text(page.content.decode())
    other = "en" if language == "th" else "th"
    for label in CHART_LABELS[language] + MAP_LABELS[language]:
        assert label in shown
    for label in CHART_LABELS[other] + MAP_LABELS[other]:
        assert label not in shown


def test_the_round_summary_keeps_its_thai_charts_when_built_in_an_english_request(actors, rnd):
    from django.utils import translation

    from tests.reports.pdftext import pypdf_text
    from visits.reports.builders.round_summary import build_round_summary

    with translation.override("en"):
        pdf = build_round_summary(report_data.round_data(rnd))
    text = pypdf_text(pdf)
    assert CHART_LABELS["th"][0] in text
    assert not any(label in text for label in CHART_LABELS["en"])
