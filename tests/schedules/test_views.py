"""The coordinator's plan page: who sees it, moves refused on errors, locks, re-planning."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from schedules.models import Assignment
from supervision.roles import Role
from tests import factories as f


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_round_list_and_plan_page_for_the_coordinator(client, demo):
    login(client, "coordinator")
    page = client.get("/schedules/")
    assert page.status_code == 200 and "aug-2563" in page.content.decode()
    page = client.get("/schedules/aug-2563/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "วางแผนใหม่ทั้งหมดที่ไม่ได้ล็อก" in body and 'id="grid"' in body
    assert "พ 12 ส.ค. 63" in body  # the holiday column is shown, greyed
    assert body.count('class="item') == 81
    assert 'href="/visits/reports/round/aug-2563/"' in body  # the round summary PDF is one click away


def test_office_director_may_plan_and_a_committee_member_only_reads(client, demo):
    assert "วางแผนใหม่" in login(client, "director").get("/schedules/aug-2563/").content.decode()
    page = login(client, "chair").get("/schedules/aug-2563/")
    assert page.status_code == 200 and "วางแผนใหม่" not in page.content.decode()
    a = Assignment.objects.filter(round=demo["aug-2563"]).first()
    assert client.post(f"/schedules/aug-2563/assignments/{a.pk}/lock/", {"locked": "1"}).status_code == 404
    assert client.post("/schedules/aug-2563/replan/").status_code == 404


def test_outsiders_and_other_offices_get_404(client, demo):
    page = login(client, "viewer").get("/schedules/aug-2563/")  # an announced round: viewers read its plan
    assert page.status_code == 200 and "วางแผนใหม่" not in page.content.decode()
    other = f.AreaOfficeFactory(code="SEC99")
    stranger = f.UserFactory(username="other-coordinator", roles=[Role.COORDINATOR])
    f.PersonFactory(office=other, user=stranger)
    client.force_login(stranger)
    assert client.get("/schedules/aug-2563/").status_code == 404
    assert "aug-2563" not in client.get("/schedules/").content.decode()
    a = Assignment.objects.filter(round=demo["aug-2563"]).first()
    assert client.post(f"/schedules/aug-2563/assignments/{a.pk}/move/", {}).status_code == 404
    client.logout()
    assert client.get("/schedules/aug-2563/").status_code == 302  # to the login page


def _move(client, a, **changes):
    data = {
        "committee": a.committee_id,
        "date": a.date.isoformat(),
        "session": a.session_id,
        "reason": "โรงเรียนติดกิจกรรม",
        **changes,
    }
    return client.post(f"/schedules/{a.round.slug}/assignments/{a.pk}/move/", data)


def test_a_move_that_causes_an_error_is_refused(client, demo):
    login(client, "coordinator")
    from django.db.models import Count

    full = (
        Assignment.objects.filter(round=demo["aug-2563"])
        .values("committee", "date")
        .annotate(n=Count("id"))
        .filter(n=2)
        .order_by("committee", "date")
        .first()
    )
    a = Assignment.objects.filter(round=demo["aug-2563"]).exclude(committee=full["committee"]).order_by("id").first()
    before = (a.committee_id, a.date, a.sequence)
    # onto a committee that already has its two schools that day
    response = _move(client, a, committee=full["committee"], date=full["date"].isoformat())
    assert response.status_code == 409
    assert 'data-code="over_capacity"' in response.content.decode()
    # onto the Queen Mother's birthday: never a counted day (typed in Buddhist Era, as people type dates)
    response = _move(client, a, date="12/08/2563")
    assert response.status_code == 409 and "not_counted_day" in response.content.decode()
    a.refresh_from_db()
    assert (a.committee_id, a.date, a.sequence) == before


def test_bad_input_is_400_with_field_messages(client, demo):
    login(client, "coordinator")
    a = Assignment.objects.filter(round=demo["aug-2563"]).first()
    response = _move(client, a, date="31/02/2563", reason="")
    body = response.content.decode()
    assert response.status_code == 400 and "วันที่ไม่ถูกต้อง" in body and "ต้องระบุเหตุผล" in body


def test_a_valid_move_keeps_the_uid_and_bumps_the_sequence(client, demo):
    login(client, "coordinator")
    a = Assignment.objects.filter(round=demo["aug-2563"]).order_by("id").first()
    # find a free day for this committee that no partner committee uses
    from schedules.days import counted_days
    from schedules.services import move_conflicts

    target = next(
        d
        for d in counted_days(a.round)
        if not [
            c
            for c in move_conflicts(assignment=a, committee_id=a.committee_id, date=d, session_id=a.session_id)
            if c.severity == "error"
        ]
        and d != a.date
    )
    response = _move(client, a, date=target.isoformat())
    assert response.status_code == 302
    moved = Assignment.objects.get(pk=a.pk)
    assert moved.date == target and moved.uid == a.uid and moved.sequence == a.sequence + 1
    assert moved.status == Assignment.Status.MOVED and moved.status_reason == "โรงเรียนติดกิจกรรม"
    assert moved.history.count() >= 2


def test_lock_then_replan_keeps_the_locked_one(client, demo):
    login(client, "coordinator")
    a = Assignment.objects.filter(round=demo["aug-2563"]).order_by("id").first()
    assert client.post(f"/schedules/aug-2563/assignments/{a.pk}/lock/", {"locked": "1"}).status_code == 302
    a.refresh_from_db()
    assert a.locked
    # the re-plan first shows what it would change: locking changed nothing, so nothing
    response = client.post("/schedules/aug-2563/replan/")
    body = response.content.decode()
    assert response.status_code == 200 and "ใหม่ 0 · ย้าย 0 · ยกเลิก 0" in body
    assert "การวางแผนใหม่จะย้าย 0 จาก 81 การนิเทศที่วางแผนไว้" in body
    english = client.post("/schedules/aug-2563/replan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Re-planning moves 0 of 81 planned visits" in english
    fingerprint = re.search(r'name="confirm" value="(\w+)"', body).group(1)
    response = client.post("/schedules/aug-2563/replan/", {"confirm": fingerprint})
    assert response.status_code == 302
    after = Assignment.objects.get(pk=a.pk)
    assert (after.committee_id, after.date, after.locked) == (a.committee_id, a.date, True)
    assert Assignment.objects.filter(round=a.round).active().count() == 81


@pytest.mark.parametrize("when", [datetime.date(2020, 8, 3)])
def test_replan_that_cannot_be_complete_saves_nothing(client, demo, when):
    login(client, "coordinator")
    aug = demo["aug-2563"]
    aug.committees.set(aug.committees.order_by("number")[:1])
    before = list(Assignment.objects.filter(round=aug).values_list("id", "committee", "date"))
    response = client.post("/schedules/aug-2563/replan/", {"fresh": "1"})
    assert response.status_code == 409 and "วางแผนไม่ครบ ไม่ได้บันทึก" in response.content.decode()
    english = client.post("/schedules/aug-2563/replan/", {"fresh": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ไม่ได้บันทึก" not in english and "not enough committee-days" in english
    assert list(Assignment.objects.filter(round=aug).values_list("id", "committee", "date")) == before


def test_admin_pages_open_for_the_coordinator(client, demo):
    login(client, "coordinator")
    aug = demo["aug-2563"]
    for url in (
        "/admin/schedules/round/",
        f"/admin/schedules/round/{aug.pk}/change/",
        "/admin/schedules/assignment/",
        f"/admin/schedules/assignment/{aug.assignments.first().pk}/history/",
    ):
        assert client.get(url).status_code == 200, url


def test_check_button_shows_what_a_move_would_cause_and_saves_nothing(client, demo):
    login(client, "coordinator")
    a = Assignment.objects.filter(round=demo["aug-2563"]).order_by("id").first()
    response = client.post(
        f"/schedules/aug-2563/assignments/{a.pk}/move/",
        {"committee": a.committee_id, "date": "2020-08-12", "session": a.session_id, "preview": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="preview"' in body and 'data-code="not_counted_day"' in body
    assert Assignment.objects.get(pk=a.pk).date == a.date
