"""The public pages as gunicorn serves them: through `supervision.wsgi.application`, whose first layer
replays the response Django last gave for a public page (public/fastpath.py)."""

import io

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from public import workflow
from public.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    from public import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 60
    cache.clear_local()
    yield
    cache.clear_local()


def call(path, method="GET", **headers):
    from supervision.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    # As Django's test client does: the test's transaction is the connection's, not closed between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = application(environ, start_response)
        content = b"".join(body)
        getattr(body, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(seen["status"].split()[0]), seen["headers"], content


@pytest.fixture
def published(actors):
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    a = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)
    f.VisitFactory(assignment=a, status="approved", score=84.0, section_scores=[{"title": "ด้านที่ 1", "percent": 84.0}])
    p = Publication.objects.create(
        office=actors.office, kind="round", round=rnd, title=rnd.title, record_date=rnd.end_date
    )
    workflow.publication_transition(publication_id=p.pk, to="published", user=actors.oscar.user)
    return p, f"/public/{actors.office.code}/rounds/{rnd.slug}/"


def test_a_public_page_is_replayed_whole_without_touching_the_database(published):
    _, path = published
    status, headers, first = call(path)
    assert headers["Content-Language"] == "th"
    assert status == 200 and "84.0" in first.decode()
    with CaptureQueriesContext(connection) as queries:
        again_status, again_headers, again = call(path)
    assert len(queries) == 0
    assert (again_status, again) == (200, first)
    assert again_headers == headers  # the security headers, ETag and Cache-Control Django set
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["ETag"]
    assert "Set-Cookie" not in headers
    status, _, body = call(path, if_none_match=headers["ETag"])
    assert (status, body) == (304, b"")
    status, head_headers, body = call(path, method="HEAD")
    assert (status, body, head_headers["ETag"]) == (200, b"", headers["ETag"])


def test_withdrawing_stops_the_replay_at_once(actors, published, django_capture_on_commit_callbacks):
    p, path = published
    assert call(path)[0] == 200
    with django_capture_on_commit_callbacks(execute=True):  # what the withdrawal's commit runs
        workflow.publication_transition(publication_id=p.pk, to="withdrawn", user=actors.oscar.user)
    assert call(path)[0] == 404
    assert call(path)[0] == 404  # a 404 is never kept: the next request asks Django again


def test_other_paths_and_signed_in_pages_always_go_through_django(actors, published, settings):
    _, path = published
    call(path)
    status, headers, _ = call("/dashboard/")
    assert status == 302 and headers["Location"].startswith(settings.LOGIN_URL)
    from public import fastpath

    assert list(fastpath._replies) == [(path, "th")]
    # A signed-in reader (a session cookie) is served by Django, and what Django gave is not kept for others.
    client = Client()
    client.force_login(actors.oscar.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    fastpath.clear()
    status, _, _ = call(path, cookie=f"{settings.SESSION_COOKIE_NAME}={session}")
    assert status == 200 and fastpath._replies == {}


def test_each_reader_gets_the_page_in_their_language_and_each_language_is_replayed(published):
    """English for a browser that asks for it (Accept-Language) or for the switch's cookie, Thai otherwise;
    each language's reply is kept apart, and a replay costs no query in either."""
    from public import fastpath

    _, path = published
    thai = call(path)
    english = call(path, accept_language="en-GB,en;q=0.9")
    by_cookie = call(path, accept_language="th", cookie="django_language=en")
    assert thai[1]["Content-Language"] == "th" and english[1]["Content-Language"] == "en"
    assert by_cookie[1]["Content-Language"] == "en" and by_cookie[2] == english[2]
    assert '<html lang="th">' in thai[2].decode() and "ตรวจเยี่ยมแล้ว" in thai[2].decode()
    page = english[2].decode()
    assert '<html lang="en">' in page and "Coverage by consortium" in page and "ตรวจเยี่ยมแล้ว" not in page
    assert english[1]["ETag"] != thai[1]["ETag"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in english[1]["Vary"].split(",")}
    assert set(fastpath._replies) == {(path, "th"), (path, "en")}
    with CaptureQueriesContext(connection) as queries:
        assert call(path, accept_language="en")[2] == english[2]
        assert call(path, cookie="django_language=th", accept_language="en")[2] == thai[2]
    assert len(queries) == 0


def test_the_public_language_switch_sets_the_cookie_and_goes_back(published):
    _, path = published
    client = Client(enforce_csrf_checks=True)  # the cached page carries no token: the switch needs none
    response = client.post("/public/language/", {"language": "en", "next": path})
    assert response.status_code == 302 and response["Location"] == path
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(path)["Content-Language"] == "en"
    response = client.post("/public/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(path)["Content-Language"] == "en"  # an unknown language changes nothing
