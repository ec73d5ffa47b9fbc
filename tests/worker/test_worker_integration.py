"""End to end with a REAL Celery worker process (filesystem broker by default, Redis when REDIS_URL is set):
the dispatch command creates and queues, the worker claims and sends, the ledger records.

Time is injected with --now (the worker receives the same clock with each batch); the tests poll the
database with a deadline for the worker's results, they never sleep for timing.
"""

import datetime as dt
import os
import shutil

import pytest

from schedules.models import Assignment
from tests import factories as f
from tests.worker.conftest import CeleryWorker, RedisServer, _point_app_at, bkk, dispatch, rows, wait_for
from worker.models import Channel, Event, Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]
S = Notification.Status
EVENING = bkk(2020, 8, 9, 18, 0)


def sent(**filters) -> int:
    return Notification.objects.filter(status=S.SENT, **filters).count()


def settled(**filters) -> bool:
    """No row matching `filters` is still waiting for, or inside, the worker."""
    return not Notification.objects.filter(status__in=[S.PENDING, S.SENDING], **filters).exists()


def emails_to(worker, address: str) -> list[str]:
    return [m for m in worker.emails() if f"To: {address}" in m]


def test_reminders_are_sent_once_when_dispatch_runs_three_times(visit_plan, worker, fake_line):
    results = [dispatch(EVENING) for _ in range(3)]
    assert results[0] == {"created": 6, "enqueued": 6, "by_event": {"visit_upcoming": 6}}
    assert [r["created"] for r in results[1:]] == [0, 0]
    wait_for(lambda: sent() == 6, what="6 reminders sent", worker=worker)
    for person in (visit_plan.alice, visit_plan.bob):
        assert len(emails_to(worker, person.email)) == 1
        assert len(fake_line.pushes(to=person.line_user_id)) == 1
    assert "10 สิงหาคม 2563" in emails_to(worker, visit_plan.alice.email)[0]
    assert dispatch(EVENING + dt.timedelta(hours=1))["enqueued"] == 0
    assert {(n.status, n.attempts) for n in rows()} == {(S.SENT, 1)}


def test_two_dispatchers_at_once_still_send_each_reminder_once(visit_plan, worker, fake_line):
    """Two beat processes (or a beat and an operator) firing at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run(_):
        try:
            return dispatch(EVENING)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, range(2)))
    assert Notification.objects.count() == 6
    wait_for(lambda: sent() == 6, what="6 reminders sent", worker=worker)
    for person in (visit_plan.alice, visit_plan.bob):
        assert len(emails_to(worker, person.email)) == 1
        assert len(fake_line.pushes(to=person.line_user_id)) == 1
    assert {(n.attempts, n.status) for n in rows()} == {(1, S.SENT)}
    assert sum(r["enqueued"] for r in results) >= 6


def test_moving_an_assignment_reschedules_its_reminders_and_cancels_the_old_ones(visit_plan, worker, fake_line):
    tuesday = bkk(2020, 8, 4, 9, 0)
    dispatch(tuesday)
    old = rows(event=Event.VISIT_UPCOMING)
    assert {n.status for n in old} == {S.PENDING}

    a = visit_plan.assignment
    a.date, a.status, a.status_reason = dt.date(2020, 8, 11), Assignment.Status.MOVED, "ติดกิจกรรมกีฬาสี"
    a.save()
    moved = dispatch(tuesday + dt.timedelta(minutes=5))
    assert moved["by_event"]["assignment_moved"] == 6
    wait_for(lambda: sent(event=Event.ASSIGNMENT_MOVED) == 6, what="moved notices", worker=worker)
    assert {n.status for n in Notification.objects.filter(pk__in=[n.pk for n in old])} == {S.CANCELLED}
    mail = emails_to(worker, visit_plan.bob.email)
    assert len(mail) == 1 and "ติดกิจกรรมกีฬาสี" in mail[0]

    # the old reminder times pass quietly; the new ones remind about the new date
    assert dispatch(bkk(2020, 8, 7, 8, 0))["enqueued"] == 0
    assert dispatch(bkk(2020, 8, 8, 8, 0))["enqueued"] == 6
    wait_for(
        lambda: settled(event=Event.VISIT_UPCOMING, due_at__lte=bkk(2020, 8, 8, 8, 0)),
        what="the early reminder for the new date",
        worker=worker,
    )
    assert dispatch(bkk(2020, 8, 9, 18, 0))["enqueued"] == 0
    dispatch(bkk(2020, 8, 10, 18, 0))  # (a Monday: the office director's digest goes too)
    wait_for(lambda: settled(event=Event.VISIT_UPCOMING), what="the evening reminder", worker=worker)
    reminders = rows(event=Event.VISIT_UPCOMING, status=S.SENT)
    assert {n.due_at for n in reminders} == {bkk(2020, 8, 8, 8, 0), bkk(2020, 8, 10, 18, 0)}
    assert all("11 สิงหาคม 2563" in n.title for n in reminders)
    assert len(fake_line.pushes(to=visit_plan.alice.line_user_id)) == 3  # moved, early, evening


def test_line_answering_500_is_retried_then_failed_and_visible(visit_plan, worker, fake_line, client):
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    f.NotificationPreferenceFactory(person=visit_plan.bob, email=False, in_app=False, line=False)
    fake_line.mode = "500"
    now = EVENING
    dispatch(now)
    [row] = rows()
    for attempt in (1, 2, 3):  # the worker runs with NOTIFY_MAX_ATTEMPTS=3
        wait_for(
            lambda a=attempt: Notification.objects.filter(pk=row.pk, attempts=a).exclude(status=S.SENDING).exists(),
            what=f"attempt {attempt}",
            worker=worker,
        )
        row.refresh_from_db()
        assert "LINE 500" in row.last_error
        if attempt < 3:
            assert row.status == S.PENDING and row.next_attempt_at > now
            assert dispatch(now)["enqueued"] == 0  # not before the backoff is over
            now = row.next_attempt_at
            assert dispatch(now)["enqueued"] == 1
    assert row.status == S.FAILED
    assert len(fake_line.pushes(to=visit_plan.alice.line_user_id)) == 3
    client.force_login(visit_plan.cora.user)
    page = client.get("/admin/worker/notification/?status__exact=failed").content.decode()
    assert "LINE 500" in page


def test_line_timing_out_is_retried_and_delivered(visit_plan, worker, fake_line):
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    f.NotificationPreferenceFactory(person=visit_plan.bob, email=False, in_app=False, line=False)
    fake_line.mode, fake_line.delay = "slow", 2.0  # the worker gives LINE 0.5 s
    dispatch(EVENING)
    [row] = rows()
    wait_for(
        lambda: Notification.objects.filter(pk=row.pk, attempts=1, status=S.PENDING).exists(),
        what="the timed-out attempt",
        worker=worker,
    )
    row.refresh_from_db()
    assert "timed out" in row.last_error
    fake_line.mode = "ok"
    dispatch(row.next_attempt_at)
    wait_for(lambda: sent(pk=row.pk), what="the retry", worker=worker)
    row.refresh_from_db()
    assert row.attempts == 2
    assert len(fake_line.pushes(to=visit_plan.alice.line_user_id, mode="ok")) == 1


def test_quiet_hours_hold_messages_until_morning(visit_plan, worker, fake_line):
    dispatch(bkk(2020, 8, 4, 9, 0))
    a = visit_plan.assignment
    a.date, a.status, a.status_reason = dt.date(2020, 8, 12), Assignment.Status.MOVED, "ประชุมด่วน"
    a.save()
    night = bkk(2020, 8, 4, 22, 0)
    assert dispatch(night)["enqueued"] == 2  # only the in-app notices; nothing pushed at night
    wait_for(lambda: sent(event=Event.ASSIGNMENT_MOVED) == 2, what="in-app notices", worker=worker)
    held = rows(event=Event.ASSIGNMENT_MOVED, channel__in=[Channel.EMAIL, Channel.LINE])
    assert {(n.status, n.next_attempt_at) for n in held} == {(S.PENDING, bkk(2020, 8, 5, 7, 0))}
    assert dispatch(bkk(2020, 8, 5, 6, 59))["enqueued"] == 0
    assert worker.emails() == [] and fake_line.pushes() == []
    dispatch(bkk(2020, 8, 5, 7, 0))
    wait_for(lambda: sent(event=Event.ASSIGNMENT_MOVED) == 6, what="the morning delivery", worker=worker)
    assert len(worker.emails()) == 2 and len(fake_line.pushes()) == 2


def test_escalation_after_the_overdue_period(visit_plan, worker, fake_line):
    a = visit_plan.assignment
    a.date = dt.date(2020, 8, 7)
    a.save()
    dispatch(bkk(2020, 8, 13, 8, 0))
    wait_for(lambda: settled(), what="overdue notices", worker=worker)
    assert len(emails_to(worker, visit_plan.bob.email)) == 1
    assert emails_to(worker, visit_plan.cora.email) == []
    dispatch(bkk(2020, 8, 17, 8, 0))
    wait_for(lambda: settled(), what="escalation", worker=worker)
    [mail] = emails_to(worker, visit_plan.cora.email)
    assert sent(event=Event.REPORT_OVERDUE_ESCALATED, recipient=visit_plan.cora) == 2  # e-mail and in-app
    assert "X-Nithet-Notification" in mail


def test_worker_down_while_an_assignment_moves_delivers_when_it_is_back(visit_plan, worker, fake_line):
    dispatch(bkk(2020, 8, 4, 9, 0))
    worker.pause()
    a = visit_plan.assignment
    a.date, a.status, a.status_reason = dt.date(2020, 8, 11), Assignment.Status.MOVED, "ฝนตกหนัก"
    a.save()
    assert dispatch(bkk(2020, 8, 4, 9, 5))["enqueued"] == 6
    assert sent() == 0
    worker.resume()
    wait_for(lambda: sent(event=Event.ASSIGNMENT_MOVED) == 6, what="delivery", worker=worker)


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL") or not shutil.which("redis-server"), reason="needs REDIS_URL and redis-server (CI)"
)
def test_redis_stopped_while_an_assignment_moves_delivers_after_it_is_back(visit_plan, worker_env, fake_line, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    private = CeleryWorker(broker=redis.url, workdir=tmp_path, extra_env={"LINE_API_BASE": fake_line.base})
    undo = _point_app_at(redis.url, tmp_path, private.queue)
    private.start()
    try:
        dispatch(bkk(2020, 8, 4, 9, 0))
        redis.stop()
        a = visit_plan.assignment
        a.date, a.status, a.status_reason = dt.date(2020, 8, 11), Assignment.Status.MOVED, "ฝนตกหนัก"
        a.save()
        down = dispatch(bkk(2020, 8, 4, 9, 5))
        assert down["by_event"]["assignment_moved"] == 6 and down["enqueued"] == 0  # the broker refused
        assert {(n.status, n.enqueued_at) for n in rows(event=Event.ASSIGNMENT_MOVED)} == {(S.PENDING, None)}
        redis.start()
        assert dispatch(bkk(2020, 8, 4, 9, 6))["enqueued"] == 6
        wait_for(
            lambda: sent(event=Event.ASSIGNMENT_MOVED) == 6,
            timeout=90,
            what="delivery after redis is back",
            worker=private,
        )
        assert len(emails_to(private, visit_plan.bob.email)) == 1
    finally:
        private.stop()
        redis.stop()
        undo()  # back to the module's worker
