"""The public pages stay up when Redis and the worker are down: with the cache pointing at a Redis nobody
answers and the job queue's broker unreachable, the office director still publishes and withdraws, and
anonymous readers get the pages and the published PDFs (through the WSGI application gunicorn runs)."""

import socket

import pytest
from django.core.cache import cache

from public import workflow
from public.models import Publication, PublicationEvent
from tests import factories as f
from tests.public.test_fastpath import call
from worker.celery import app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def outage(settings, monkeypatch, tmp_path):
    from public import cache as public_cache

    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}}
    monkeypatch.setitem(app.conf, "broker_url", dead)
    monkeypatch.setitem(app.conf, "broker_connection_timeout", 0.5)
    monkeypatch.setitem(app.conf, "task_publish_retry", False)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    with pytest.raises(Exception):  # noqa: B017 (redis' ConnectionError): Redis really is down
        cache.get("anything")
    public_cache.clear_local()
    yield
    public_cache.clear_local()


@pytest.mark.django_db(transaction=True)
def test_publishing_and_reading_with_redis_and_the_worker_down(actors, outage):
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    a = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)
    f.VisitFactory(assignment=a, status="approved", score=84.0, section_scores=[{"title": "ด้านที่ 1", "percent": 84.0}])
    p = Publication.objects.create(
        office=actors.office, kind="round", round=rnd, title=rnd.title, record_date=rnd.end_date
    )
    workflow.publication_transition(publication_id=p.pk, to="published", user=actors.oscar.user)
    code = actors.office.code
    for path in (f"/public/{code}/", f"/public/{code}/ita/", f"/public/{code}/rounds/{rnd.slug}/"):
        status, headers, body = call(path)
        assert status == 200, (path, status)
        assert headers["Content-Type"].startswith("text/html"), path
        if "/ita/" not in path:
            assert rnd.title in body.decode(), path  # the office page lists the round, its page shows it
    p.refresh_from_db()
    assert p.document, "the round summary PDF was built at publish, without the worker"
    status, headers, pdf = call(f"/public/{code}/documents/{p.pk}.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    assert call(f"/public/{code}/rounds/{rnd.slug}/")[0] == 200  # served again (the replay)
    workflow.publication_transition(publication_id=p.pk, to="withdrawn", user=actors.oscar.user)
    assert call(f"/public/{code}/rounds/{rnd.slug}/")[0] == 404
    assert call(f"/public/{code}/documents/{p.pk}.pdf")[0] == 404
    # both logged: who, when, what
    log = list(PublicationEvent.objects.filter(publication=p).order_by("at", "id"))
    assert [(e.action, e.by_id, e.to_status) for e in log] == [
        ("publish", actors.oscar.user.pk, "published"),
        ("withdraw", actors.oscar.user.pk, "withdrawn"),
    ]
    assert all(e.at is not None and rnd.title in e.what for e in log), [(e.at, e.what) for e in log]
