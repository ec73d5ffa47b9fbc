"""A worker-built file answers the same way whichever endpoint serves it: a large export
(`/api/v1/exports/`) and a PDF report (`/api/v1/rounds/<slug>/report.pdf`) say "being prepared", "the job
queue is down" and "it failed" with one JSON shape and the same headers (`api.jobs`), in the reader's
language, so a client polls both with one piece of code."""

import socket

import pytest

from tests.dashboard.test_dashboard import _media, mixed  # noqa: F401  (the dashboard's fixtures)
from visits.reports import builders
from visits.reports.tasks import build_report
from worker.celery import app

PENDING_KEYS = {"status", "kind", "url", "detail", "retry_after"}
ERROR_KEYS = {"code", "detail", "errors"}


@pytest.fixture
def large(settings):
    settings.EXPORT_INLINE_MAX_VISITS = 1  # the mixed round's two visits make a large export


def _urls(rnd) -> dict[str, str]:
    return {
        "export": f"/api/v1/exports/?round={rnd.slug}&output=csv&sheet=schools",
        "report": f"/api/v1/rounds/{rnd.slug}/report.pdf",
    }


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("th", ("กำลังจัดทำไฟล์ส่งออก", "กำลังสร้างรายงาน")), ("en", ("being built", "being built"))]
)
def test_being_prepared_is_one_shape_for_exports_and_reports(
    actors,
    mixed,  # noqa: F811
    large,
    client_for,
    django_capture_on_commit_callbacks,
    language,
    words,
):
    rnd, _, _ = mixed
    api = client_for(actors.cora)
    answers = {}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for name, url in _urls(rnd).items():
            answers[name] = api.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert len(queued) == 2  # one build each, queued for the worker; nothing built in the request
    for (name, answer), word in zip(answers.items(), words, strict=True):
        body = answer.json()
        assert answer.status_code == 202, (name, body)
        assert set(body) == PENDING_KEYS, name
        assert body["status"] == "pending" and body["retry_after"] == 5
        assert answer["Retry-After"] == "5" and answer["Location"] == body["url"]
        assert word in body["detail"]
        with django_capture_on_commit_callbacks(execute=False):
            again = api.get(body["url"], HTTP_ACCEPT_LANGUAGE=language)
        assert again.status_code == 202 and set(again.json()) == PENDING_KEYS  # asking `url` again: the same
    assert answers["export"].json()["kind"] == "export"
    assert answers["report"].json()["kind"] == "round"
    assert answers["report"].json()["url"] == _urls(rnd)["report"]


@pytest.mark.django_db(transaction=True)
def test_the_job_queue_down_is_one_answer_for_exports_and_reports(
    actors,
    mixed,  # noqa: F811
    large,
    client_for,
    monkeypatch,
):
    rnd, _, _ = mixed
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setitem(app.conf, "broker_connection_timeout", 0.5)
    monkeypatch.setitem(app.conf, "task_publish_retry", False)
    monkeypatch.setattr(app, "_pool", None)  # as tests/reports/test_failures.py: meet the dead broker
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    api = client_for(actors.cora)
    for name, url in _urls(rnd).items():
        answer = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
        body = answer.json()
        assert answer.status_code == 503, (name, body)
        assert set(body) == ERROR_KEYS and body["errors"] == {}
        assert body["code"] == f"{name}s_unavailable"
        assert answer["Retry-After"] == "60" and "job queue is down" in body["detail"]
        assert "ระบบคิวงานขัดข้อง" in api.get(url).json()["detail"]


@pytest.mark.django_db
def test_a_failed_build_is_one_error_shape_for_exports_and_reports(
    actors,
    mixed,  # noqa: F811
    large,
    client_for,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """The worker's build fails for both (the export's sheet and the round summary raise): each answers the
    API's error shape with no Retry-After — 500 for the export job, 422 for the report's content."""
    from dashboard import exports
    from dashboard.tasks import build_export

    rnd, _, _ = mixed

    def fail(*args, **kwargs):
        raise RuntimeError("the builder fell over")

    monkeypatch.setattr(exports, "sheet_rows", fail)
    monkeypatch.setattr(builders, "build_round_summary", fail)
    api = client_for(actors.cora)
    urls = _urls(rnd)
    with django_capture_on_commit_callbacks(execute=False):
        job_url = api.get(urls["export"]).json()["url"]
        assert api.get(urls["report"]).status_code == 202
    build_export(job_url.rstrip("/").split("/")[-1])
    assert build_report("round", rnd.slug) is None
    answers = {"export": api.get(job_url, HTTP_ACCEPT_LANGUAGE="en"), "report": api.get(urls["report"])}
    for name, answer in answers.items():
        body = answer.json()
        assert set(body) == ERROR_KEYS and body["errors"] == {}, (name, body)
        assert "Retry-After" not in answer and "Location" not in answer
    assert (answers["export"].status_code, answers["export"].json()["code"]) == (500, "export_failed")
    assert (answers["report"].status_code, answers["report"].json()["code"]) == (422, "report_failed")
    assert "could not be built" in answers["export"].json()["detail"]
    assert "สร้างรายงานนี้ไม่ได้" in answers["report"].json()["detail"]
