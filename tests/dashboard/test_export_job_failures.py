"""A large export whose build cannot happen says so and loses nothing: with the job queue down the page and
the API answer 503 with a clear message (Thai, English), and a job whose queue message was lost is failed at
EXPORT_JOB_DEADLINE_MINUTES, never "being prepared" for ever, with a link that asks for it again."""

import datetime
import socket

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.models import ExportJob
from dashboard.tasks import build_export
from tests.dashboard.test_dashboard import _media, mixed  # noqa: F401  (the dashboard's fixtures)
from worker.celery import app


@pytest.fixture
def large(settings):
    settings.EXPORT_INLINE_MAX_VISITS = 1  # the mixed round's two visits make a large export


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_with_the_job_queue_down_the_page_and_the_api_say_so_and_nothing_is_lost(
    actors,
    mixed,  # noqa: F811
    large,
    client_for,
    monkeypatch,
):
    rnd, approved, pending = mixed
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setitem(app.conf, "broker_connection_timeout", 0.5)
    monkeypatch.setitem(app.conf, "task_publish_retry", False)
    monkeypatch.setattr(app, "_pool", None)  # as tests/reports/test_failures.py: meet the dead broker
    monkeypatch.setattr(app.amqp, "_producer_pool", None)

    client = Client()
    client.force_login(actors.oscar.user)
    start = client.get(f"/dashboard/export.xlsx?round={rnd.slug}")
    assert start.status_code == 302
    page = client.get(start["Location"])
    body = page.content.decode()
    assert page.status_code == 503
    assert "ขณะนี้ระบบคิวงานขัดข้อง จึงจัดทำไฟล์ขนาดใหญ่ไม่ได้ กรุณาลองใหม่ภายหลัง" in body
    assert f'href="/dashboard/export.xlsx?round={rnd.slug}"' in body  # ask again, later
    english = client.get(start["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 503 and "job queue" in english.content.decode()

    api = client_for(actors.cora)
    answer = api.get(f"/api/v1/exports/?round={rnd.slug}&output=csv&sheet=schools", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 503 and answer["Retry-After"] == "60"
    assert answer.json()["code"] == "exports_unavailable" and "job queue is down" in answer.json()["detail"]
    thai = api.get(f"/api/v1/exports/?round={rnd.slug}&output=csv&sheet=schools")
    assert thai.status_code == 503 and "ระบบคิวงานขัดข้อง" in thai.json()["detail"]

    # Nothing is lost: each request is on record as failed, the visits are as they were.
    assert set(ExportJob.objects.values_list("status", "error")) == {("failed", "queue_down")}
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert (approved.status, pending.status) == ("approved", "submitted")


@pytest.mark.django_db
def test_a_job_whose_queue_message_was_lost_fails_at_the_deadline_and_can_be_asked_again(
    actors,
    mixed,  # noqa: F811
    large,
    settings,
    client_for,
    django_capture_on_commit_callbacks,
):
    rnd, _, _ = mixed
    settings.EXPORT_JOB_DEADLINE_MINUTES = 30
    client = Client()
    client.force_login(actors.oscar.user)
    with django_capture_on_commit_callbacks(execute=False):  # the message never reaches a worker
        page_url = client.get(f"/dashboard/export.xlsx?round={rnd.slug}")["Location"]
    job = ExportJob.objects.get()

    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=29))
    assert client.get(page_url).status_code == 202  # within the deadline: still being prepared

    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    assert client.get(f"{page_url}?poll=1").json() == {"ready": False, "failed": True, "url": page_url}
    page = client.get(page_url)
    body = page.content.decode()
    assert page.status_code == 500
    assert "ระบบไม่ได้จัดทำไฟล์นี้ภายในเวลาที่กำหนด กรุณาขอไฟล์อีกครั้ง" in body
    assert 'http-equiv="refresh"' not in body  # it stops polling
    again = f"/dashboard/export.xlsx?round={rnd.slug}"
    assert f'href="{again}" id="export-again"' in body
    assert "not built in time" in client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert build_export(str(job.pk)) is None  # a message arriving late builds nothing for a failed job

    # Asking again queues a new job, which is being prepared.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        new_url = client.get(again)["Location"]
    assert len(queued) == 1 and new_url != page_url
    assert client.get(new_url).status_code == 202

    # The API says the same of an overdue job.
    api = client_for(actors.cora)
    with django_capture_on_commit_callbacks(execute=False):
        url = api.get(f"/api/v1/exports/?round={rnd.slug}&output=csv&sheet=schools").json()["url"]
    ExportJob.objects.filter(requested_by=actors.cora.user).update(
        created_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    answer = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 500 and answer.json()["code"] == "export_overdue"
    assert "ask for it again" in answer.json()["detail"]
