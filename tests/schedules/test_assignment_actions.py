"""Locking is a lifecycle step, not a flag: the plan page, the API and the admin all lock and unlock through
`schedules.lifecycle` (transitions table, a refusal with its reason, one conditional UPDATE), and the API's
lifecycle endpoint confirms, moves and cancels the same way — on the demo August round."""

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from schedules import lifecycle
from schedules.errors import AssignmentStale
from schedules.models import Assignment


def api_as(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def action(client, a, language="th", **body):
    return client.post(f"/api/v1/assignments/{a.pk}/actions/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def first_planned(demo) -> Assignment:
    return Assignment.objects.filter(round=demo["aug-2563"], status="planned").order_by("id").first()


def test_the_plan_page_locks_through_the_lifecycle(client, demo):
    client.force_login(get_user_model().objects.get(username="coordinator"))
    a = first_planned(demo)
    url = f"/schedules/aug-2563/assignments/{a.pk}/lock/"
    assert client.post(url, {"locked": "1"}).status_code == 302
    a.refresh_from_db()
    assert (a.locked, a.status, a.sequence) == (True, "planned", 0)  # the calendar event is unchanged
    assert a.history.first().history_change_reason == "lock"
    again = client.post(url, {"locked": "1"})
    assert again.status_code == 409 and 'data-code="already_locked"' in again.content.decode()
    assert client.post(url, {"locked": "0"}).status_code == 302
    a.refresh_from_db()
    assert not a.locked and a.history.first().history_change_reason == "unlock"


def test_lock_refuses_a_visit_that_took_place_and_a_stale_copy(demo):
    a = first_planned(demo)
    stale = Assignment.objects.get(pk=a.pk)
    lifecycle.transition(a, "lock")
    try:
        lifecycle.transition(stale, "lock")
    except AssignmentStale:
        pass
    else:
        raise AssertionError("a second lock from a stale copy was claimed")
    assert lifecycle.check("done", "lock").code == "already_done"
    assert lifecycle.check("cancelled", "unlock").code == "cancelled"
    assert lifecycle.check("planned", "unlock", locked=False).code == "not_locked"


def test_the_api_locks_moves_confirms_and_cancels_through_the_lifecycle(demo):
    coordinator = api_as("coordinator")
    a = first_planned(demo)
    locked = action(coordinator, a, action="lock")
    assert locked.status_code == 200 and locked.json()["locked"] is True and locked.json()["sequence"] == 0
    twice = action(coordinator, a, language="en", action="lock")
    assert twice.status_code == 409 and twice.json()["code"] == "already_locked"
    assert twice.json()["detail"] == "the assignment is already locked"
    assert action(coordinator, a, action="unlock").json()["locked"] is False

    # a move needs its reason: a field message in the reader's language
    other_day = next(
        d
        for d in sorted({x.date for x in Assignment.objects.filter(round=a.round)})
        if d != a.date and not Assignment.objects.filter(round=a.round, committee=a.committee, date=d).exists()
    )
    body = {"action": "move", "committee": a.committee_id, "date": other_day.isoformat(), "session": a.session_id}
    thai = action(coordinator, a, **body)
    assert thai.status_code == 400 and thai.json()["errors"]["reason"] == ["ต้องระบุเหตุผลการย้าย"]
    english = action(coordinator, a, language="en", **body)
    assert english.status_code == 400 and english.json()["errors"]["reason"] == ["a reason for the move is required"]
    moved = action(coordinator, a, **body, reason="โรงเรียนมีกิจกรรม")
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["status"], moved.json()["date"], moved.json()["sequence"]) == (
        "moved",
        other_day.isoformat(),
        1,
    )

    b = Assignment.objects.filter(round=a.round, status="planned").exclude(pk=a.pk).order_by("id").first()
    assert action(coordinator, b, action="confirm").json()["status"] == "confirmed"
    no_reason = action(coordinator, b, language="en", action="cancel")
    assert no_reason.status_code == 400 and no_reason.json()["errors"]["reason"] == ["a reason is required"]
    assert action(coordinator, b, action="cancel", reason="โรงเรียนปิด").json()["status"] == "cancelled"
    assert action(coordinator, b, action="lock").status_code == 404  # a cancelled assignment is history

    # the planner's and the visit's own steps are not the API's to take
    c = first_planned(demo)
    refused = action(coordinator, c, language="en", action="done")
    assert refused.status_code == 400 and "action" in refused.json()["errors"]
    # someone who may not plan the round does not see the assignment at all
    assert action(api_as("supervisor"), c, action="lock").status_code == 404
    c.refresh_from_db()
    assert not c.locked and c.status == "planned"


def test_the_admin_locks_and_unlocks_through_the_lifecycle(client, demo):
    client.force_login(get_user_model().objects.get(username="coordinator"))
    a = first_planned(demo)
    done = Assignment.objects.filter(round=a.round, status="planned").exclude(pk=a.pk).order_by("id").first()
    lifecycle.mark_done(done.pk)
    response = client.post(
        "/admin/schedules/assignment/",
        {"action": "lock_selected", "_selected_action": [a.pk, done.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    a.refresh_from_db()
    done.refresh_from_db()
    assert a.locked and not done.locked  # the visit that took place is refused, and said so
    assert "ดำเนินการแล้ว" in page
    client.post("/admin/schedules/assignment/", {"action": "unlock_selected", "_selected_action": [a.pk]})
    a.refresh_from_db()
    assert not a.locked and a.history.first().history_change_reason == "unlock"
