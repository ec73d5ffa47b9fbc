"""A large export is built by the worker, not inside the web request (gunicorn kills a web worker silent for
30 s, and no byte of a workbook can go out before the whole is built): the link a director clicks leads to a
page that says "being prepared" and turns into the download by itself; the API answers 202 with where to
ask again. Exports of at most EXPORT_INLINE_MAX_VISITS visits are the file at once (tests/dashboard/
test_dashboard.py, test_export_limits.py, tests/public/test_demo_public.py)."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dashboard.models import ExportJob
from dashboard.tasks import build_export
from tests.dashboard.test_dashboard import _media, mixed  # noqa: F401  (the dashboard's fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    """The mixed round has two visits: above this limit it is a large export."""
    settings.EXPORT_INLINE_MAX_VISITS = 1


def test_the_dashboard_link_shows_a_page_that_turns_into_the_workbook(
    actors,
    mixed,  # noqa: F811
    large,
    django_capture_on_commit_callbacks,
):
    rnd, approved, pending = mixed
    client = Client()
    client.force_login(actors.oscar.user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        start = client.get(f"/dashboard/export.xlsx?round={rnd.slug}")
    assert start.status_code == 302 and len(queued) == 1  # the build is queued, nothing built here
    page_url = start["Location"]
    job = ExportJob.objects.get()
    assert page_url == f"/dashboard/exports/{job.pk}/"
    page = client.get(page_url)
    body = page.content.decode()
    assert page.status_code == 202
    assert "กำลังจัดทำไฟล์ส่งออก" in body and f"nithet-{rnd.slug}.xlsx" in body
    assert 'http-equiv="refresh"' in body and "?poll=1" in body
    assert client.get(f"{page_url}?poll=1").json() == {"ready": False, "failed": False, "url": page_url}
    # Another reader of the same dashboard does not see this person's job.
    other = Client()
    other.force_login(actors.cora.user)
    assert other.get(page_url).status_code == 404

    build_export(str(job.pk))  # what the worker runs for the queued job

    assert client.get(f"{page_url}?poll=1").json()["ready"] is True
    done = client.get(page_url)
    assert done.status_code == 200
    disposition = done["Content-Disposition"]
    assert disposition.startswith("attachment") and f"nithet-{rnd.slug}.xlsx" in disposition
    wb = load_workbook(io.BytesIO(b"".join(done.streaming_content)), read_only=True)
    schools = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert {r[1] for r in schools[1:]} == {actors.school_a.code, actors.school_b.code}
    answers = next(name for name in wb.sheetnames if name.startswith("คำตอบ"))
    rows = list(wb[answers].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {str(approved.pk), str(pending.pk)}
    assert hasattr(rows[1][5], "year")  # a real date, not text
    assert other.get(page_url).status_code == 404


def test_the_api_answers_202_then_the_csv(actors, mixed, large, client_for, django_capture_on_commit_callbacks):  # noqa: F811
    rnd, _, _ = mixed
    api = client_for(actors.cora)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = api.get(f"/api/v1/exports/?round={rnd.slug}&output=csv&sheet=schools")
    assert first.status_code == 202 and len(queued) == 1
    url = first.json()["url"]
    assert first["Retry-After"] == "5" and first["Location"] == url
    assert api.get(url).status_code == 202
    assert client_for(actors.oscar).get(url).status_code == 404  # a job is its requester's only

    build_export(str(ExportJob.objects.get().pk))

    done = api.get(url)
    assert done.status_code == 200 and done["Content-Type"].startswith("text/csv")
    text = b"".join(done.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffรอบ,")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert {r[2] for r in rows[1:]} == {actors.school_a.name_th, actors.school_b.name_th}
    # Refused scopes are refused before any job is made.
    assert api.get("/api/v1/exports/?round=no-such-round").status_code == 404
    assert ExportJob.objects.count() == 1


def test_a_build_that_fails_says_so_on_the_page(actors, mixed, large, django_capture_on_commit_callbacks):  # noqa: F811
    """The requester lost the dashboard between asking and the build: the worker reads the scope again with
    the access rule as it is then, builds nothing, and the page says the export failed (never the file)."""
    rnd, _, _ = mixed
    client = Client()
    client.force_login(actors.cora.user)
    with django_capture_on_commit_callbacks(execute=False):
        page_url = client.get(f"/dashboard/export.xlsx?round={rnd.slug}")["Location"]
    job = ExportJob.objects.get()
    actors.cora.user.groups.clear()  # no longer a coordinator
    assert build_export(str(job.pk)) is None
    job.refresh_from_db()
    assert job.status == "failed" and job.path == ""
    assert client.get(page_url).status_code == 404  # and no longer a dashboard reader at all
