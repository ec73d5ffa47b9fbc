"""SIGKILL of a REAL Celery worker process in the middle of an e-mail batch (Redis broker when REDIS_URL is set,
as CI's second pass runs; else the filesystem broker). The transport hands one message at a time to the mail
backend (slowed here, so the kill lands mid-batch); after the stuck timeout the rows left in "sending" are queued
again and a new worker delivers them. Counted per ledger row from what the backend wrote: every row delivered;
none twice — except at most the one row whose send the kill interrupted before it was marked, and that resend
carries the same Message-ID, so a mail client shows it once."""

import datetime as dt
import os
import re
import signal
from collections import defaultdict

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from tests import factories as f
from tests.worker.conftest import CeleryWorker, _point_app_at, bkk, wait_for
from worker.models import Channel, Notification
from worker.notify import enqueue_ready

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]
S = Notification.Status
EVENING = bkk(2020, 8, 9, 18, 0)
ROWS = 24


def queue(now) -> int:
    """The dispatch's queueing step (stuck rows back to pending, ready rows to the broker) without its event
    sources, which would cancel these hand-made rows as owed by nothing."""
    report = {}
    with transaction.atomic():
        enqueue_ready(now, injected_now=True, report=report)
    return report.get("published", 0)


def test_a_worker_killed_mid_batch_sends_no_email_twice(actors, fake_line_server, tmp_path):
    people = [f.PersonFactory(office=actors.office, email=f"p{i}@school.example") for i in range(ROWS)]
    for person in people:
        f.NotificationPreferenceFactory(person=person, email=True, line=False, in_app=False)
        f.NotificationFactory(
            recipient=person, channel=Channel.EMAIL, status=S.PENDING, due_at=EVENING, next_attempt_at=EVENING
        )
    ids = set(Notification.objects.values_list("id", flat=True))
    broker = os.environ.get("REDIS_URL") or "filesystem://"
    worker = CeleryWorker(
        broker=broker,
        workdir=tmp_path,
        extra_env={
            "EMAIL_BACKEND": "tests.worker.slow_mail.SlowFileBackend",
            "SLOW_MAIL_SECONDS": "0.25",
            "LINE_API_BASE": fake_line_server.base,
        },
    )
    worker.start()
    undo = _point_app_at(broker, tmp_path, worker.queue)
    try:
        assert queue(EVENING) == ROWS  # one batch to the broker, as the dispatch's queueing step hands it over
        wait_for(lambda: len(worker.emails()) >= 5, timeout=120, what="the batch half delivered", worker=worker)
        os.kill(worker.proc.pid, signal.SIGKILL)  # no shutdown, no cleanup: the process is gone
        worker.proc.wait(timeout=30)
        worker.proc = None
        delivered_before = len(worker.emails())
        assert 5 <= delivered_before < ROWS, "the kill must land inside the batch"
        marked_sent = Notification.objects.filter(status=S.SENT).count()
        assert delivered_before - 1 <= marked_sent <= delivered_before  # each row marked right after its send
        assert Notification.objects.filter(status=S.SENDING).count() == ROWS - marked_sent

        worker.resume()
        later = EVENING + dt.timedelta(seconds=django_settings.NOTIFY_STUCK_SECONDS + 60)
        assert queue(later) == ROWS - marked_sent  # the rows the dead worker left in "sending" are queued again
        wait_for(
            lambda: Notification.objects.filter(status=S.SENT).count() == ROWS,
            timeout=180,
            what="every row sent",
            worker=worker,
        )
    finally:
        worker.stop()
        undo()

    by_row = defaultdict(list)
    for message in worker.emails():
        row = re.search(r"^X-Nithet-Notification: (\d+)$", message, re.M)
        message_id = re.search(r"^Message-ID: (.+)$", message, re.M | re.I)
        assert row and message_id, message[:400]
        by_row[int(row.group(1))].append(message_id.group(1).strip())
    assert set(by_row) == ids  # every ledger row delivered
    twice = {row: mids for row, mids in by_row.items() if len(mids) > 1}
    assert len(twice) <= 1, twice  # at most the one send the kill interrupted
    for mids in by_row.values():
        assert len(set(mids)) == 1  # a resend is the same message to the recipient's client
