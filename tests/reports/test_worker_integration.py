"""End to end with a REAL Celery worker process: the API asks for a report, the worker renders it into
storage, the API then serves it. Filesystem broker by default, Redis when REDIS_URL is set (as .ci/run does).
"""

import os

import pytest

from tests.worker.conftest import running_media_worker, wait_for
from visits.reports.service import cached_report_path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_the_worker_builds_what_the_api_asked_for(actors, client_for, media_worker):
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
        worker=media_worker,
    )
    done = client.get(url)
    assert done.status_code == 200 and done["Content-Type"] == "application/pdf"
    assert b"".join(done.streaming_content).startswith(b"%PDF")


@pytest.fixture
def other_seed_worker(settings, tmp_path):
    """The report worker in a process whose string hashing differs from this one's, as every separate process's
    does in production (PYTHONHASHSEED is random per process unless set)."""
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    with running_media_worker(settings, tmp_path, PYTHONHASHSEED=seed) as running:
        yield running


def test_a_round_summary_built_by_the_worker_is_the_one_the_api_serves(actors, client_for, other_seed_worker):
    """Found against the deployed stack: the round summary's recommendations were ordered as a set of strings
    iterated, so the worker (another process, another hash seed) stored the PDF under another content hash than
    the one the API looked for — 202 and a new build on every poll. Many recommendations tied in their counts
    make any process-dependent order show."""
    from tests import factories as f

    worker, media = other_seed_worker
    rnd = f.RoundFactory(office=actors.office, slug="seeded-round", committees=[actors.committee_a])
    words = ["แผน", "สื่อ", "วัดผล", "PLC", "นิเทศภายใน", "อ่านออก", "เขียนได้", "โครงงาน", "ห้องสมุด", "ดนตรี"]
    for n, school in enumerate([actors.school_a, actors.school_b, f.SchoolFactory(office=actors.office)]):
        assignment = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=school)
        f.VisitFactory(
            assignment=assignment,
            status="approved",
            recommendations=[f"ควรพัฒนา{w}" for w in words[n:] + words[:n]],
        )
    client = client_for(actors.oscar)
    url = f"/api/v1/rounds/{rnd.slug}/report.pdf"

    assert client.get(url).status_code == 202
    built = media / "reports" / "round"
    wait_for(lambda: built.exists() and any(built.glob("*.pdf")), timeout=300, what="the worker's PDF", worker=worker)
    done = client.get(url)
    assert done.status_code == 200, (done.status_code, sorted(p.name for p in built.glob("*")))
    assert b"".join(done.streaming_content).startswith(b"%PDF")
