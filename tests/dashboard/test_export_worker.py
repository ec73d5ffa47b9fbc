"""End to end with a REAL Celery worker process: a director's large export link queues the build, the worker
writes the workbook into storage, and the page the director is on becomes the download. Filesystem broker by
default, Redis when REDIS_URL is set (as .ci/run does)."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests import factories as f
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_the_worker_builds_the_large_export_and_the_page_becomes_the_download(actors, settings, media_worker):
    settings.EXPORT_INLINE_MAX_VISITS = 0  # every export is "large" here
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    visit = f.VisitFactory(
        assignment=f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a),
        status="approved",
        score=80.0,
    )
    client = Client()
    client.force_login(actors.oscar.user)
    start = client.get(f"/dashboard/export.xlsx?round={rnd.slug}")
    assert start.status_code == 302
    page = start["Location"]
    wait_for(
        lambda: client.get(f"{page}?poll=1").json()["ready"],
        timeout=120,
        what="the worker to build the export",
        worker=media_worker,
    )
    done = client.get(page)
    assert done.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(done.streaming_content)), read_only=True)
    schools = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert [(r[1], r[12]) for r in schools[1:] if r[12]] == [(actors.school_a.code, str(visit.pk))]
    answers = next(name for name in wb.sheetnames if name.startswith("คำตอบ"))
    assert [r[0] for r in list(wb[answers].iter_rows(values_only=True))[1:]] == [str(visit.pk)]
