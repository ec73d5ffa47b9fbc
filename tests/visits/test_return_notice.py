"""A returned visit tells its committee (and its recorder), with the chair's comment, exactly once per return;
and a report link in a browser shows a "being prepared" page that turns into the PDF by itself."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from visits.services import visit_save
from visits.workflow import visit_transition
from worker.models import Event, Notification
from worker.notify import create_due_notifications

pytestmark = pytest.mark.django_db


def test_a_return_notifies_the_committee_once_with_the_comment(actors, make_visit):
    visit = make_visit(status="submitted", created_by=actors.bob.user)
    visit_transition(visit_id=visit.pk, to="returned", user=actors.alice.user, comment="ภาพถ่ายห้องเรียนไม่ชัด")
    later = timezone.now() + datetime.timedelta(minutes=1)
    create_due_notifications(later)
    create_due_notifications(later + datetime.timedelta(minutes=5))  # the dispatch runs again: nothing new
    rows = Notification.objects.filter(event=Event.VISIT_RETURNED, object_id=str(visit.pk))
    people = set(rows.values_list("recipient_id", flat=True))
    assert people == {actors.bob.pk}  # committee A is alice (who returned it) and bob (its recorder too)
    assert rows.count() == len(set(rows.values_list("recipient_id", "channel")))
    assert all("ภาพถ่ายห้องเรียนไม่ชัด" in r.body for r in rows)
    # Corrected, resubmitted and returned again: that return is news again, once. (A returned visit must
    # change before it can be resubmitted, so bob edits it first, as the field app would.)
    visit_save(visit_id=visit.pk, user=actors.bob.user, data={"findings": {"to_improve": "ถ่ายภาพห้องเรียนใหม่แล้ว"}})
    visit_transition(visit_id=visit.pk, to="submitted", user=actors.bob.user)
    visit_transition(visit_id=visit.pk, to="returned", user=actors.alice.user, comment="ยังขาดลายมือชื่อ")
    create_due_notifications(timezone.now() + datetime.timedelta(minutes=1))
    create_due_notifications(timezone.now() + datetime.timedelta(minutes=2))
    mine = rows.filter(recipient=actors.bob)
    assert len(set(mine.values_list("due_at", flat=True))) == 2  # one per return
    assert mine.filter(body__contains="ยังขาดลายมือชื่อ").count() == mine.filter(body__contains="ไม่ชัด").count()


def test_report_link_shows_a_page_that_turns_into_the_pdf(actors, make_visit, django_capture_on_commit_callbacks):
    visit = make_visit(status="approved")
    client = Client()
    client.force_login(actors.alice.user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.get(f"/visits/reports/visit/{visit.pk}/")
    body = page.content.decode()
    assert page.status_code == 202 and len(queued) == 1
    assert "กำลังจัดทำรายงาน" in body and 'http-equiv="refresh"' in body and "?poll=1" in body
    assert client.get(f"/visits/reports/visit/{visit.pk}/?poll=1").json()["ready"] is False
    # The API link opened in a browser lands on the same page, not on the browsable API's "202 Accepted".
    with django_capture_on_commit_callbacks(execute=False):
        api = client.get(f"/api/v1/visits/{visit.pk}/report.pdf", HTTP_ACCEPT="text/html")
    assert api.status_code == 302 and api["Location"] == f"/visits/reports/visit/{visit.pk}/"
    # Once the worker built it, the page goes to the PDF.
    from visits.reports.service import report_render

    report_render("visit", str(visit.pk))
    assert client.get(f"/visits/reports/visit/{visit.pk}/?poll=1").json() == {
        "ready": True,
        "failed": False,
        "url": f"/api/v1/visits/{visit.pk}/report.pdf",
    }
    assert client.get(f"/visits/reports/visit/{visit.pk}/")["Location"] == f"/api/v1/visits/{visit.pk}/report.pdf"
    assert client.get(f"/api/v1/visits/{visit.pk}/report.pdf", HTTP_ACCEPT="text/html").status_code == 200
    outsider = Client()
    outsider.force_login(actors.charlie.user)
    assert outsider.get(f"/visits/reports/visit/{visit.pk}/").status_code == 404
