"""End to end with a REAL Celery worker process: the API asks for a report, the worker renders it into
storage, the API then serves it. Filesystem broker by default, Redis when REDIS_URL is set (as .ci/run does).
"""

import os
import shutil

import pytest

from tests.worker.conftest import CeleryWorker, _point_app_at, wait_for
from visits.reports.service import cached_report_path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture
def report_worker(settings, tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    workdir = tmp_path / "celery"
    workdir.mkdir()
    broker = os.environ.get("REDIS_URL") or "filesystem://"
    worker = CeleryWorker(broker=broker, workdir=workdir, extra_env={"MEDIA_ROOT": str(media)})
    undo = _point_app_at(broker, workdir, worker.queue)
    worker.start()
    yield worker
    worker.stop()
    undo()
    shutil.rmtree(workdir, ignore_errors=True)


def test_the_worker_builds_what_the_api_asked_for(actors, client_for, report_worker):
    from tests import factories as f

    rnd = f.RoundFactory(office=actors.office, slug="worker-round", committees=[actors.committee_a])
    f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)
    client = client_for(actors.oscar)
    url = f"/api/v1/rounds/{rnd.slug}/report.pdf"

    first = client.get(url)
    assert first.status_code == 202
    path, _ = cached_report_path("round", rnd.slug)
    wait_for(
        lambda: cached_report_path("round", rnd.slug)[1],
        timeout=90,
        what=f"the worker to store {path}",
        worker=report_worker,
    )
    done = client.get(url)
    assert done.status_code == 200 and done["Content-Type"] == "application/pdf"
    assert b"".join(done.streaming_content).startswith(b"%PDF")
