"""A follow-up's due date moves only by a request and the office's approval — never by a plain edit.

Dana directs school_a and owns its follow-up. Pushing the date to 2099 by PATCH, by the admin form or by any
web form leaves it where it was; a request (with a reason, within FOLLOWUP_DUE_MAX_DAYS) waits for the office;
cora (coordinator) or oscar (office director) approves or refuses it, never the person who asked; once
approved the date moves, and the escalation reads the new one."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories as f
from visits.followups import check_due_change_decision, check_due_change_request
from visits.models import FollowUp, FollowUpDueChange
from visits.reports.thaitext import be_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def followup(actors):
    today = timezone.localdate()
    return f.FollowUpFactory(school=actors.school_a, owner=actors.dana, due_date=today + datetime.timedelta(days=10))


def _url(fu, tail=""):
    return f"/api/v1/followups/{fu.pk}/{tail}"


def test_a_plain_edit_never_moves_the_due_date(actors, followup, client_for):
    dana = client_for(actors.dana)
    before = followup.due_date
    r = dana.patch(_url(followup), {"due_date": "2099-12-31", "notes": "ขอเวลา"}, format="json")
    assert r.status_code == 400 and "due_date" in r.json()["errors"], r.json()
    en = dana.patch(_url(followup), {"due_date": "2099-12-31"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "request" in " ".join(en.json()["errors"]["due_date"])
    cora = client_for(actors.cora)
    assert cora.patch(_url(followup), {"due_date": "2099-12-31"}, format="json").status_code == 400  # the office too
    # the same date (a client sending back what it read) is not a change
    same = dana.patch(_url(followup), {"due_date": before.isoformat(), "notes": "เริ่มแล้ว"}, format="json")
    assert same.status_code == 200
    followup.refresh_from_db()
    assert followup.due_date == before and followup.notes == "เริ่มแล้ว"


def test_the_admin_shows_the_due_date_read_only(actors, followup):
    web = Client()
    web.force_login(actors.cora.user)
    url = f"/admin/visits/followup/{followup.pk}/change/"
    page = web.get(url)
    assert page.status_code == 200 and 'name="due_date"' not in page.content.decode()
    before = followup.due_date
    web.post(url, {"due_date": "31/12/2642", "notes": "แก้ผ่านหน้าผู้ดูแล", "due_changes-TOTAL_FORMS": "0"})
    followup.refresh_from_db()
    assert followup.due_date == before


def test_request_then_approval_moves_the_date_once(actors, followup, client_for):
    dana, cora = client_for(actors.dana), client_for(actors.cora)
    new = followup.due_date + datetime.timedelta(days=30)
    asked = dana.post(
        _url(followup, "due-date-requests/"), {"due_date": new.isoformat(), "reason": "รองบประมาณ"}, format="json"
    )
    assert asked.status_code == 201, asked.json()
    rid = asked.json()["id"]
    followup.refresh_from_db()
    assert followup.due_date == new - datetime.timedelta(days=30)  # not yet

    second = dana.post(
        _url(followup, "due-date-requests/"), {"due_date": new.isoformat(), "reason": "อีกครั้ง"}, format="json"
    )
    assert second.status_code == 409 and second.json()["code"] == "due_change_pending"
    assert (
        dana.post(_url(followup, f"due-date-requests/{rid}/decision/"), {"to": "approved"}, format="json").json()[
            "code"
        ]
        == "wrong_role"
    )
    refuse = cora.post(_url(followup, f"due-date-requests/{rid}/decision/"), {"to": "refused"}, format="json")
    assert refuse.status_code == 409 and refuse.json()["code"] == "comment_required"

    ok = cora.post(_url(followup, f"due-date-requests/{rid}/decision/"), {"to": "approved"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved", ok.json()
    followup.refresh_from_db()
    assert followup.due_date == new
    again = cora.post(_url(followup, f"due-date-requests/{rid}/decision/"), {"to": "approved"}, format="json")
    assert again.status_code == 409  # decided once
    listed = dana.get(_url(followup)).json()["due_changes"]
    assert [(c["status"], c["to_date"]) for c in listed] == [("approved", new.isoformat())]


def test_the_office_cannot_approve_its_own_request(actors, followup, client_for):
    cora, oscar = client_for(actors.cora), client_for(actors.oscar)
    new = followup.due_date + datetime.timedelta(days=5)
    rid = cora.post(
        _url(followup, "due-date-requests/"), {"due_date": new.isoformat(), "reason": "ปิดภาคเรียน"}, format="json"
    ).json()["id"]
    own = cora.post(_url(followup, f"due-date-requests/{rid}/decision/"), {"to": "approved"}, format="json")
    assert own.status_code == 409 and own.json()["code"] == "four_eyes"
    refused = oscar.post(
        _url(followup, f"due-date-requests/{rid}/decision/"), {"to": "refused", "comment": "ไม่มีเหตุจำเป็น"}, format="json"
    )
    assert refused.status_code == 200
    followup.refresh_from_db()
    assert followup.due_date == new - datetime.timedelta(days=5)


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [
        (5000, "ขอขยาย", "due_too_far"),
        (-3, "ย้อนหลัง", "due_in_past"),
        (0, "เดิม", "due_unchanged"),
        (20, " ", "reason_required"),
    ],
)
def test_a_request_outside_the_rules_is_refused(actors, followup, client_for, days, reason, code):
    dana = client_for(actors.dana)
    today = timezone.localdate()
    target = followup.due_date if code == "due_unchanged" else today + datetime.timedelta(days=days)
    r = dana.post(
        _url(followup, "due-date-requests/"), {"due_date": target.isoformat(), "reason": reason}, format="json"
    )
    if code == "reason_required" and r.status_code == 400:  # the serializer refuses a blank reason first
        assert "reason" in r.json()["errors"]
    else:
        assert r.status_code == 409 and r.json()["code"] == code, r.json()
    assert not FollowUpDueChange.objects.exists()


def test_another_school_or_office_cannot_ask(actors, followup, client_for):
    other = f.AreaOfficeFactory(code="SEC98")
    outsider = f.PersonFactory(office=other, user=f.UserFactory(username="out", roles=["coordinator"]))
    new = (followup.due_date + datetime.timedelta(days=3)).isoformat()
    for person in (actors.charlie, outsider):
        r = client_for(person).post(
            _url(followup, "due-date-requests/"), {"due_date": new, "reason": "x"}, format="json"
        )
        assert r.status_code == 404
    assert not FollowUpDueChange.objects.exists()


def test_the_web_page_asks_in_buddhist_era_and_the_office_decides(actors, followup):
    dana, cora = Client(), Client()
    dana.force_login(actors.dana.user)
    cora.force_login(actors.cora.user)
    url = f"/visits/followups/{followup.pk}/"
    new = followup.due_date + datetime.timedelta(days=14)
    be = f"{new.day:02d}/{new.month:02d}/{new.year + 543}"
    assert 'name="due_date"' in dana.get(url).content.decode()
    ce = dana.post(
        f"{url}due/", {"action": "ask", "due_date": f"{new.day:02d}/{new.month:02d}/{new.year}", "reason": "x"}
    )
    assert ce.status_code == 400 and "พุทธศักราช" in ce.content.decode()
    asked = dana.post(f"{url}due/", {"action": "ask", "due_date": be, "reason": "รอผลสอบ"})
    assert asked.status_code == 302
    page = cora.get(url).content.decode()
    assert be_date(new) in page and "รอผลสอบ" in page and 'value="approve"' in page  # as the page prints dates
    assert 'value="approve"' not in dana.get(url).content.decode()
    assert cora.post(f"{url}due/", {"action": "approve"}).status_code == 302
    followup.refresh_from_db()
    assert followup.due_date == new


def test_the_pure_checks():
    today = datetime.date(2020, 9, 1)
    base = {"status": FollowUp.Status.OPEN, "current": today, "today": today, "reason": "ร", "pending": False}
    ok = check_due_change_request(
        **base, requested=today + datetime.timedelta(days=1), relations={"school"}, max_days=30
    )
    assert ok is None
    closed = {**base, "status": FollowUp.Status.VERIFIED}
    assert (
        check_due_change_request(**closed, requested=today, relations={"office"}, max_days=30).code == "followup_closed"
    )
    assert check_due_change_request(**base, requested=today, relations=set(), max_days=30).code == "wrong_role"
    decided = check_due_change_decision("approved", "refused", {"office"}, is_requester=False, comment="x")
    assert decided.code == "not_allowed"
