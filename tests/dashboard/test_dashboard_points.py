"""The dashboard's remaining points, as a director reads them: coverage by consortium with the schools not yet
visited (and the consortium filter), the most frequent recommendations with the schools they concern, and
follow-ups by status with the overdue ones by school and owner."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.data import Filters, dashboard_data
from tests import factories as f
from tests.dashboard.test_dashboard import S1, S2, _media, _visit, mixed  # noqa: F401  (the dashboard's fixtures)

pytestmark = pytest.mark.django_db


def _shown(html: str) -> str:
    return " ".join(re.findall(r">([^<>]*)<", html))


def test_coverage_by_consortium_names_the_schools_not_yet_visited(actors, mixed):  # noqa: F811
    rnd, _, _ = mixed
    consortium = f.ConsortiumFactory(office=actors.office, name="สหวิทยาเขตทดสอบความครอบคลุม")
    visited = f.SchoolFactory(office=actors.office, consortium=consortium, name_th="โรงเรียนที่ตรวจแล้ว (ทดสอบ)")
    waiting = f.SchoolFactory(office=actors.office, consortium=consortium, name_th="โรงเรียนที่ยังไม่ได้ตรวจ (ทดสอบ)")
    _visit(rnd, actors.committee_a, visited, "approved", 70.0, 70.0, 70.0)
    d = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug, consortium_id=consortium.pk))
    assert [(c.name, c.planned, c.visited, c.submitted, c.approved, c.not_visited) for c in d.coverage] == [
        (consortium.name, 2, 1, 1, 1, (waiting.name_th,))
    ]
    everyone = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug))
    assert consortium.name in {c.name for c in everyone.coverage} and len(everyone.coverage) > 1
    client = Client()
    client.force_login(actors.oscar.user)
    shown = _shown(client.get(f"/dashboard/?round={rnd.slug}&consortium={consortium.pk}").content.decode())
    assert waiting.name_th in shown and consortium.name in shown
    assert actors.school_a.name_th not in shown  # another consortium: filtered out


def test_recommendations_with_their_schools_and_overdue_followups_by_school_and_owner(actors, mixed):  # noqa: F811
    rnd, approved, pending = mixed
    today = timezone.localdate()
    late = f.FollowUpFactory(
        school=actors.school_a,
        source_visit=approved,
        recommendation="จัดทำแผนพัฒนา",
        owner=actors.dana,
        due_date=today - datetime.timedelta(days=5),
    )
    f.FollowUpFactory(
        school=actors.school_b,
        source_visit=pending,
        recommendation="จัดทำแผนพัฒนา",
        due_date=today + datetime.timedelta(days=5),
        status="in_progress",  # open, but not yet due
    )
    d = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug))
    top = d.recommendations[0]
    assert (top.text, top.count, set(top.schools)) == (
        "จัดทำแผนพัฒนา",
        2,
        {actors.school_a.name_th, actors.school_b.name_th},
    )
    assert dict(d.followup_status) == {"ยังไม่ดำเนินการ": 1, "กำลังดำเนินการ": 1, "ดำเนินการแล้ว": 0, "ตรวจสอบแล้ว": 0}
    assert [(o.school, o.owner, o.days) for o in d.overdue] == [(actors.school_a.name_th, actors.dana.full_name, 5)]
    assert late.pk  # the one overdue
    client = Client()
    client.force_login(actors.oscar.user)
    shown = _shown(client.get(f"/dashboard/?round={rnd.slug}").content.decode())
    assert actors.dana.full_name in shown and "จัดทำแผนพัฒนา" in shown


def test_the_page_and_the_round_summary_draw_the_same_charts(actors, mixed):  # noqa: F811
    """One definition per chart: the dashboard's coverage and per-section charts are the very specs the round
    summary PDF draws from its own frozen data, so the page and the report never disagree."""
    from visits.reports import drawings
    from visits.reports.data import round_data

    rnd, _, _ = mixed
    d = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug))
    summary = round_data(rnd)
    assert d.coverage_chart == drawings.coverage_spec(summary.coverage)
    assert [r.label for r in d.coverage_chart.rows] == sorted(
        {actors.school_a.consortium.name, actors.school_b.consortium.name}
    )
    thresholds = [lo for _, lo in summary.levels if lo > 0]
    assert d.blocks[0].section_chart == drawings.sections_spec(summary.sections, thresholds)
    assert {r.label for r in d.blocks[0].section_chart.rows} == {S1, S2}


def test_the_round_summary_opens_with_key_numbers_and_next_steps_then_reads_in_order(actors, mixed):  # noqa: F811
    """On its first page the key numbers and what to do next; then the school × section matrix (approved and
    pending apart), the means per consortium, the recommendations with their schools, the overdue follow-ups."""
    import io

    from pypdf import PdfReader

    from tests.reports.pdftext import squeeze
    from visits.reports.builders import build_round_summary
    from visits.reports.data import round_data

    rnd, approved, _ = mixed
    f.FollowUpFactory(
        school=actors.school_a,
        source_visit=approved,
        recommendation="จัดทำแผนพัฒนา",
        owner=actors.dana,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    pdf = build_round_summary(round_data(rnd))
    pages = [squeeze(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert squeeze("สรุปสำหรับผู้บริหาร") in pages[0] and squeeze("สิ่งที่ควรดำเนินการต่อ") in pages[0]
    whole = "".join(pages)
    headings = [
        "สรุปสำหรับผู้บริหาร",
        "ตารางโรงเรียน × ด้าน ผลที่อนุมัติแล้ว",
        "ตารางโรงเรียน × ด้าน ผลที่ส่งแล้ว รออนุมัติ",
        "ผลเฉลี่ยรายสหวิทยาเขต (อนุมัติแล้วและรออนุมัติ",
        "ข้อเสนอแนะที่พบบ่อย และโรงเรียนที่เกี่ยวข้อง",
        "การติดตามผลที่เกินกำหนด (1 รายการ)",
    ]
    where = [whole.find(squeeze(h)) for h in headings]
    assert -1 not in where and where == sorted(where), dict(zip(headings, where, strict=True))
    assert squeeze(actors.dana.full_name) in whole  # the overdue follow-up's owner


def test_the_district_and_school_filters_and_the_matrix_weakest_first(actors, mixed):  # noqa: F811
    rnd, _, _ = mixed  # school A approved at 90, school B submitted at 50
    weaker = f.SchoolFactory(office=actors.office, name_th="โรงเรียนคะแนนน้อยกว่า (ทดสอบ)")
    _visit(rnd, actors.committee_a, weaker, "approved", 60.0, 55.0, 65.0)
    d = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug))
    assert [r.school for r in d.blocks[0].matrix_approved] == [weaker.name_th, actors.school_a.name_th]
    by_district = dashboard_data(actors.oscar.user, Filters(round_slug=rnd.slug, district_id=weaker.district_id))
    assert [r.school for r in by_district.blocks[0].matrix_approved] == [weaker.name_th]
    assert by_district.blocks[0].matrix_pending == ()
    client = Client()
    client.force_login(actors.oscar.user)
    page = client.get(f"/dashboard/?round={rnd.slug}&school={actors.school_b.pk}")
    one = page.context["d"]
    assert [(c.planned, c.visited) for c in one.coverage] == [(1, 1)]
    assert [r.school for r in one.blocks[0].matrix_pending] == [actors.school_b.name_th]
    assert one.blocks[0].matrix_approved == ()


def test_the_count_of_schools_not_yet_visited_reads_right_in_english(actors, mixed):  # noqa: F811
    rnd, _, _ = mixed
    one = f.ConsortiumFactory(office=actors.office, name="สหวิทยาเขตรอหนึ่งโรง")
    two = f.ConsortiumFactory(office=actors.office, name="สหวิทยาเขตรอสองโรง")
    f.SchoolFactory(office=actors.office, consortium=one)
    f.SchoolFactory(office=actors.office, consortium=two)
    f.SchoolFactory(office=actors.office, consortium=two)
    client = Client()
    client.force_login(actors.oscar.user)
    for consortium, thai, english in ((one, "1 โรง", "1 school"), (two, "2 โรง", "2 schools")):
        url = f"/dashboard/?round={rnd.slug}&consortium={consortium.pk}"
        assert f"<summary>{thai}</summary>" in client.get(url).content.decode()
        assert f"<summary>{english}</summary>" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
