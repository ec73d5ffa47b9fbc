"""The dashboard's per-item table: each item's mean percent over approved visits and over visits not yet
approved, apart, from the stored answers (the expected values below are worked out by hand)."""

import re

import pytest
from django.test import Client

from tests import factories as f
from tests.dashboard.test_dashboard import _media  # noqa: F401  (the dashboard's fixtures)

pytestmark = pytest.mark.django_db


def _answered(rnd, committee, school, status, answers):
    a = f.AssignmentFactory(round=rnd, committee=committee, school=school)
    visit = f.VisitFactory(assignment=a, status=status, score=50.0, section_scores=[])
    items = {i.code: i for i in visit.instrument_version.items.all()}
    for code, value in answers.items():
        f.AnswerFactory(visit=visit, item=items[code], value=value)
    return visit


def _item_rows(html: str) -> dict[str, tuple[str, ...]]:
    """{item code: (approved mean, n, pending mean, n)} as the page's #items table shows them."""
    table = re.search(r'<table class="data" id="items">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows[cells[0].split()[0]] = tuple(cells[2:6])
    return rows


def test_each_items_mean_is_shown_for_approved_and_pending_apart(actors):
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    school_c = f.SchoolFactory(office=actors.office, consortium=actors.school_a.consortium)
    # R1 is rated 1–4 (value/4), R2 1–5 (value/5), Y1 yes = 100 / no = 0, C1 ดี 100 / พอใช้ 50 / ปรับปรุง 0.
    _answered(rnd, actors.committee_a, actors.school_a, "approved", {"R1": 4, "Y1": True, "R2": 3, "C1": "fair"})
    _answered(rnd, actors.committee_b, actors.school_b, "approved", {"R1": 2, "Y1": False, "R2": 5})
    _answered(rnd, actors.committee_a, school_c, "submitted", {"R1": 1, "Y1": True, "R2": 2, "C1": "poor"})

    client = Client()
    client.force_login(actors.oscar.user)
    page = client.get(f"/dashboard/?round={rnd.slug}")
    assert page.status_code == 200
    rows = _item_rows(page.content.decode())

    # approved: R1 (100 + 50) / 2, Y1 (100 + 0) / 2, R2 (60 + 100) / 2, C1 50 from the one visit answering it;
    # pending: the one submitted visit's own percents.
    assert rows == {
        "R1": ("75.0", "2", "25.0", "1"),
        "Y1": ("50.0", "2", "100.0", "1"),
        "R2": ("80.0", "2", "40.0", "1"),
        "C1": ("50.0", "1", "0.0", "1"),
    }
    # N1 (a number) and T1 (text) carry no score: they are not rows. The pooled means of all three visits
    # (R1 58.3, Y1 66.7, R2 66.7) are nowhere in the table.
    shown = {cell for r in rows.values() for cell in r}
    assert not shown & {"58.3", "66.7"}
