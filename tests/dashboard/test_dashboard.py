"""The dashboard, the round summary and the public snapshot read approved and pending results apart."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dashboard.data import Filters, dashboard_data
from public import workflow
from public.models import Publication
from schedules.models import Round
from tests import factories as f
from visits.quality import quality_level, validate_quality_levels
from visits.reports.data import round_data

pytestmark = pytest.mark.django_db

S1, S2 = "ด้านที่ 1 การจัดการเรียนการสอน", "ด้านที่ 2 ระบบดูแลช่วยเหลือนักเรียน"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 0


def _visit(rnd, committee, school, status, score, s1, s2, recs=()):
    a = f.AssignmentFactory(round=rnd, committee=committee, school=school)
    return f.VisitFactory(
        assignment=a,
        status=status,
        score=score,
        section_scores=[{"title": S1, "percent": s1}, {"title": S2, "percent": s2}],
        recommendations=list(recs),
    )


@pytest.fixture
def mixed(actors):
    """One approved visit (90 %) and one submitted, not yet approved (50 %)."""
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    approved = _visit(rnd, actors.committee_a, actors.school_a, "approved", 90.0, 95.0, 80.0, ["จัดทำแผนพัฒนา"])
    pending = _visit(rnd, actors.committee_b, actors.school_b, "submitted", 50.0, 40.0, 65.0, ["จัดทำแผนพัฒนา"])
    return rnd, approved, pending


def test_approved_and_pending_are_never_averaged_together(actors, mixed):
    rnd, _, _ = mixed
    d = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug))
    block = d.blocks[0]
    assert (block.overall.approved.value, block.overall.approved.count) == (90.0, 1)
    assert (block.overall.pending.value, block.overall.pending.count) == (50.0, 1)
    by_title = {s.title: s.means for s in block.sections}
    assert by_title[S1].approved.value == 95.0 and by_title[S1].pending.value == 40.0
    assert [r.school for r in block.matrix_approved] == [actors.school_a.name_th]
    assert [r.school for r in block.matrix_pending] == [actors.school_b.name_th]
    assert d.recommendations[0].count == 2

    summary = round_data(rnd)
    assert summary.approved_mean == (90.0, 1) and summary.pending_mean == (50.0, 1)
    assert (S1, 95.0, 1, 40.0, 1) in summary.sections
    public = round_data(rnd, approved_only=True)
    assert public.pending_mean == (None, 0) and public.matrix_pending == ()

    client = Client()
    client.force_login(actors.oscar.user)
    html = client.get(f"/dashboard/?round={rnd.slug}").content.decode()
    shown = " ".join(re.findall(r">([^<>]*)<", html))  # the text a reader sees, charts' labels included
    assert re.search(r"\b90\.0\b", shown) and re.search(r"\b50\.0\b", shown)
    # The pooled means (overall 70.0, section 1 67.5) appear nowhere.
    assert not re.search(r"\b70\.0\b", shown) and not re.search(r"\b67\.5\b", shown)


def test_public_snapshot_has_approved_results_only(actors, mixed):
    rnd, _, _ = mixed
    p = Publication.objects.create(
        office=actors.office, kind="round", round=rnd, title=rnd.title, record_date=rnd.end_date
    )
    workflow.publication_transition(publication_id=p.pk, to="published", user=actors.oscar.user)
    p.refresh_from_db()
    assert p.snapshot["overall"] == [90.0, 1]
    assert dict((t, v) for t, v, _ in p.snapshot["sections"])[S1] == 95.0
    page = Client().get(f"/public/{actors.office.code}/rounds/{rnd.slug}/")
    assert page.status_code == 200
    shown = " ".join(re.findall(r">([^<>]*)<", page.content.decode()))
    assert re.search(r"\b95\.0\b", shown)
    assert not re.search(r"\b(40|50|65)\.0\b", shown)  # nothing of the pending visit
    assert p.document and p.document.read()[:4] == b"%PDF"


def test_dashboard_is_for_directors_coordinators_and_ktpn(actors, mixed):
    rnd, _, _ = mixed
    client = Client()
    assert client.get("/dashboard/").status_code == 302  # sign in first
    for person, expected in ((actors.alice, 404), (actors.dana, 404), (actors.cora, 200), (actors.oscar, 200)):
        client.force_login(person.user)
        assert client.get(f"/dashboard/?round={rnd.slug}").status_code == expected, person
    ktpn = f.CommitteeFactory(office=actors.office, kind="ktpn", name="ก.ต.ป.น.")
    f.MembershipFactory(committee=ktpn, person=actors.charlie)
    client.force_login(actors.charlie.user)
    html = client.get(f"/dashboard/?round={rnd.slug}").content.decode()
    assert "90.0" in html and "ส่งแล้ว รออนุมัติ อ่อนที่สุดก่อน" not in html  # reads approved results only


def test_change_against_the_previous_round_with_the_same_instrument(actors, mixed):
    rnd, _, _ = mixed
    import datetime

    before = f.RoundFactory(
        office=actors.office,
        instrument=f.InstrumentVersionFactory(instrument=rnd.instrument.instrument),
        start_date=datetime.date(2019, 8, 5),
        end_date=datetime.date(2019, 8, 9),
        academic_year=2562,
    )
    _visit(before, actors.committee_a, actors.school_a, "approved", 80.0, 85.0, 70.0)
    change = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug)).blocks[0].change
    assert change.previous_title == before.title
    assert change.overall == (80.0, 90.0) and change.improved == 1 and change.declined == 0
    assert (S1, 85.0, 95.0) in change.sections


def test_quality_levels_are_configurable_per_instrument():
    assert quality_level(91)[1] == "ดีเยี่ยม" and quality_level(59.9)[1] == "ปรับปรุง"
    levels = [{"min": 80, "label": "ผ่านดี"}, {"min": 0, "label": "ไม่ผ่าน"}]
    validate_quality_levels(levels)
    assert quality_level(85, levels) == (0, "ผ่านดี")
    for bad in ([], [{"min": 50, "label": "x"}], [{"min": 10, "label": "a"}, {"min": 20, "label": "b"}, {"min": 0}]):
        with pytest.raises(ValidationError):
            validate_quality_levels(bad)


def test_exports_through_the_api_and_the_page_follow_the_access_rule(actors, mixed, client_for):
    from openpyxl import load_workbook

    rnd, _, _ = mixed
    response = client_for(actors.oscar).get(f"/api/v1/exports/?round={rnd.slug}&output=xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {actors.school_a.code, actors.school_b.code}
    assert client_for(actors.alice).get(f"/api/v1/exports/?round={rnd.slug}").status_code == 404
    client = Client()
    client.force_login(actors.cora.user)
    csv = b"".join(client.get(f"/dashboard/export/schools.csv?round={rnd.slug}").streaming_content).decode("utf-8")
    assert csv.startswith("\ufeffรอบ,") and actors.school_a.name_th in csv
    assert Round.objects.filter(pk=rnd.pk).exists()


def test_the_year_view_counts_every_visit_a_school_received_and_each_school_once(actors):
    """Two rounds of one academic year: school A visited in both (twice in the second, by two committees),
    school B once, school C planned but never visited; a draft prepared ahead (no check-in) is no visit."""
    import datetime

    from django.utils import timezone

    version = f.InstrumentVersionFactory()
    first = f.RoundFactory(
        office=actors.office,
        instrument=version,
        academic_year=2563,
        start_date=datetime.date(2020, 6, 1),
        end_date=datetime.date(2020, 6, 12),
        status="published",
    )
    second = f.RoundFactory(
        office=actors.office,
        instrument=version,
        academic_year=2563,
        start_date=datetime.date(2020, 8, 3),
        end_date=datetime.date(2020, 8, 14),
        status="published",
    )
    school_c = f.SchoolFactory(office=actors.office, name_th="โรงเรียนทดสอบไกลที่สุด")
    when = timezone.now()
    _visit(first, actors.committee_a, actors.school_a, "approved", 80.0, 80.0, 80.0)
    _visit(second, actors.committee_a, actors.school_a, "approved", 85.0, 85.0, 85.0)
    _visit(second, actors.committee_b, actors.school_a, "submitted", 70.0, 70.0, 70.0)
    under_way = _visit(second, actors.committee_b, actors.school_b, "draft", None, 0, 0)
    prepared = _visit(first, actors.committee_b, school_c, "draft", None, 0, 0)
    # School B's draft is a visit under way (checked in); school C's was prepared ahead and never checked in.
    type(under_way).objects.filter(pk=under_way.pk).update(check_in_at=when)
    type(prepared).objects.filter(pk=prepared.pk).update(check_in_at=None)

    d = dashboard_data(actors.oscar.user, Filters(academic_year=2563))
    assert d.scope == "year" and {r.pk for r in d.rounds} == {first.pk, second.pk}
    by_school = {x.school: (x.visits, x.rounds) for x in d.fairness}
    assert by_school[actors.school_a.name_th] == (3, 2)
    assert by_school[actors.school_b.name_th] == (1, 1)
    assert by_school[school_c.name_th] == (0, 0)
    assert d.least_visited[0].school == school_c.name_th
    assert (d.schools_visited, d.schools_planned) == (2, 3)

    client = Client()
    client.force_login(actors.oscar.user)
    html = client.get("/dashboard/?year=2563").content.decode()
    assert "2/3" in html and "โรงเรียนที่ได้รับการตรวจเยี่ยมอย่างน้อยหนึ่งครั้ง" in html
