"""A report that cannot be built, and reports while the broker (Redis) is down.

A build that fails is recorded once (polling answers a clear 422 and queues nothing more), the office's
coordinators get one ledger row each, the approval e-mail goes without a broken attachment; with the broker
down, report.pdf answers 503 with Retry-After in Thai or English, and /healthz says what is down."""

import socket

import pytest

from tests import factories as f
from visits.models import Visit
from visits.reports import builders
from visits.reports.tasks import build_report
from worker.celery import app
from worker.models import Event, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def visit(actors):
    rnd = f.RoundFactory(office=actors.office, committees=[actors.committee_a])
    assignment = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)
    return f.VisitFactory(assignment=assignment, status=Visit.Status.APPROVED, strengths="จุดเด่น")


@pytest.fixture
def broken_builder(monkeypatch):
    """The visit builder fails the way ReportLab does on content it cannot lay out."""
    from reportlab.platypus.doctemplate import LayoutError

    calls = []

    def fail(data):
        calls.append(data)
        raise LayoutError("Flowable <Table> too large on page 1")

    monkeypatch.setattr(builders, "build_visit_report", fail)
    return calls


def test_a_failed_build_is_recorded_once_answered_clearly_and_reported(
    actors, visit, broken_builder, client_for, django_capture_on_commit_callbacks
):
    url = f"/api/v1/visits/{visit.pk}/report.pdf"
    bob = client_for(actors.bob)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert bob.get(url).status_code == 202
    assert len(queued) == 1
    assert build_report("visit", str(visit.pk)) is None  # the worker's build fails; nothing to retry
    assert len(broken_builder) == 1
    for _ in range(3):  # every later poll: the same clear answer, and no new build queued
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = bob.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 422 and response.json()["code"] == "report_failed"
        assert "could not be built" in response.json()["detail"] and "Retry-After" not in response
        assert queued == []
    assert "สร้างรายงานนี้ไม่ได้" in bob.get(url).json()["detail"]
    assert build_report("visit", str(visit.pk)) is None and len(broken_builder) == 1  # not tried again
    told = Notification.objects.filter(event=Event.REPORT_FAILED)
    assert told.exists() and set(told.values_list("recipient", flat=True)) == {actors.cora.pk}
    assert told.count() == len(set(told.values_list("channel", flat=True)))  # one row per channel, once
    # A changed visit is new content: it is tried afresh.
    Visit.objects.filter(pk=visit.pk).update(strengths="จุดเด่นที่แก้แล้ว")
    with django_capture_on_commit_callbacks(execute=False):
        assert bob.get(url).status_code == 202


def test_the_approval_email_goes_without_a_broken_attachment(actors, visit, broken_builder):
    from worker.events import attachments_for

    row = f.NotificationFactory(
        event=Event.REPORT_APPROVED, object_type="visit", object_id=str(visit.pk), recipient=actors.dana
    )
    assert attachments_for(row) == []


def test_the_render_command_fails_with_one_line(visit, broken_builder, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="could not be built: LayoutError"):
        call_command("render_report", "visit", str(visit.pk), "-o", str(tmp_path / "v.pdf"))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_report_pdf_with_the_broker_down_is_a_503_saying_not_now(actors, visit, client_for, monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setitem(app.conf, "broker_connection_timeout", 0.5)
    monkeypatch.setitem(app.conf, "task_publish_retry", False)
    # Earlier tests may have left the app's connection and producer pools open on the working broker; set
    # them aside (restored untouched afterwards, for the tests that follow) so that this request builds new
    # ones from conf and really meets the dead broker.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    url = f"/api/v1/visits/{visit.pk}/report.pdf"
    response = client_for(actors.bob).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json()["code"] == "reports_unavailable" and "not available now" in response.json()["detail"]
    assert "ไม่ได้ในขณะนี้" in client_for(actors.bob).get(url).json()["detail"]


def test_healthz_names_a_cache_that_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    from django.core.cache import caches

    caches._settings = None
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["cache"]["ok"] is False and body["database"]["ok"] is True
    assert [d["part"] for d in body["down"]] == ["cache"]


def test_a_report_that_failed_says_so_on_its_page_and_stops_polling(
    actors, visit, broken_builder, django_capture_on_commit_callbacks
):
    """The web page of a report whose content failed to build says so in the reader's language (422) and
    stops polling, like the API's answer — not a server error, not "being prepared" for ever."""
    from django.test import Client

    client = Client()
    client.force_login(actors.bob.user)
    url = f"/visits/reports/visit/{visit.pk}/"
    with django_capture_on_commit_callbacks(execute=False):
        assert client.get(url).status_code == 202
    assert client.get(f"{url}?poll=1").json() == {
        "ready": False,
        "failed": False,
        "url": f"/api/v1/visits/{visit.pk}/report.pdf",
    }
    assert build_report("visit", str(visit.pk)) is None  # the worker's build fails
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 422 and queued == []
    assert "จัดทำรายงานไม่สำเร็จ" in body and "สร้างรายงานนี้ไม่ได้" in body
    assert 'http-equiv="refresh"' not in body and 'data-failed="1"' in body
    assert client.get(f"{url}?poll=1").json() == {"ready": False, "failed": True, "url": url}
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The report could not be made" in english and "could not be built" in english
