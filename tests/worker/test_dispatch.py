"""What becomes due when, through the dispatch command (the entry point beat and the checks use)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schedules.models import Assignment
from tests import factories as f
from tests.worker.conftest import bkk, dispatch, rows
from visits.models import FollowUp, Visit
from worker.models import Channel, Event, Notification

P = Notification.Status


def events(result: dict) -> dict:
    """by_event without the Monday digest, which any pass on a Monday morning also creates."""
    return {k: v for k, v in result["by_event"].items() if k != "round_digest"}


def test_dispatch_creates_each_reminder_once_however_often_it_runs(visit_plan, fake_line):
    evening = bkk(2020, 8, 9, 18, 0)
    first = dispatch(evening)  # a Sunday evening
    # alice and bob, each by e-mail, LINE and in-app: the evening-before reminder only (the 3-day one has passed)
    assert first == {"created": 6, "enqueued": 6, "by_event": {"visit_upcoming": 6}}
    assert dispatch(evening) == {"created": 0, "enqueued": 0, "by_event": {}}
    assert dispatch(evening + dt.timedelta(minutes=1)) == {"created": 0, "enqueued": 0, "by_event": {}}
    reminders = rows(event=Event.VISIT_UPCOMING)
    assert {(n.recipient_id, n.channel) for n in reminders} == {
        (p.id, c) for p in (visit_plan.alice, visit_plan.bob) for c in (Channel.EMAIL, Channel.LINE, Channel.INAPP)
    }
    assert {n.due_at for n in reminders} == {evening}
    assert "10 สิงหาคม 2563" in reminders[0].title and "เบญจะมะมหาราช" in reminders[0].title


def test_enqueue_hands_batches_to_the_broker_after_commit(visit_plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = dispatch(bkk(2020, 8, 9, 18, 0))
    assert result["enqueued"] == 4
    assert len(callbacks) == 1  # nothing is published until the transaction commits
    assert all(n.enqueued_at is not None for n in rows())


def test_reminders_are_created_ahead_and_cancelled_when_the_visit_moves(visit_plan):
    monday_before = bkk(2020, 8, 4, 9, 0)  # a Tuesday, the week before
    assert dispatch(monday_before)["enqueued"] == 0  # created ahead, nothing ready yet
    ahead = rows(event=Event.VISIT_UPCOMING)
    assert {n.due_at for n in ahead} == {bkk(2020, 8, 7, 8, 0), bkk(2020, 8, 9, 18, 0)}
    assert {n.status for n in ahead} == {P.PENDING}

    a = visit_plan.assignment
    a.date, a.status, a.status_reason = dt.date(2020, 8, 11), Assignment.Status.MOVED, "โรงเรียนมีกิจกรรม"
    a.save()
    result = dispatch(monday_before + dt.timedelta(minutes=5))

    assert {n.status for n in Notification.objects.filter(pk__in=[n.pk for n in ahead])} == {P.CANCELLED}
    upcoming = rows(event=Event.VISIT_UPCOMING, status=P.PENDING)
    assert {n.due_at for n in upcoming} == {bkk(2020, 8, 8, 8, 0), bkk(2020, 8, 10, 18, 0)}
    moved = rows(event=Event.ASSIGNMENT_MOVED)
    assert {n.recipient_id for n in moved} == {visit_plan.alice.id, visit_plan.bob.id}
    assert "11 สิงหาคม 2563" in moved[0].body and "โรงเรียนมีกิจกรรม" in moved[0].body
    assert result["by_event"]["assignment_moved"] == 4
    assert result["enqueued"] == 4  # the move goes out at once
    assert dispatch(monday_before + dt.timedelta(minutes=6))["created"] == 0


def test_cancelling_an_assignment_cancels_its_reminders_and_tells_the_members(visit_plan):
    dispatch(bkk(2020, 8, 4, 9, 0))
    a = visit_plan.assignment
    a.status, a.status_reason = Assignment.Status.CANCELLED, "น้ำท่วม"
    a.save()
    result = dispatch(bkk(2020, 8, 4, 10, 0))
    assert result["by_event"] == {"assignment_cancelled": 4}
    assert not rows(event=Event.VISIT_UPCOMING, status=P.PENDING)
    assert "น้ำท่วม" in rows(event=Event.ASSIGNMENT_CANCELLED)[0].body


def test_quiet_hours_hold_email_and_line_until_morning(visit_plan, fake_line):
    f.NotificationPreferenceFactory(person=visit_plan.bob, quiet_start=dt.time(17, 0), quiet_end=dt.time(6, 30))
    result = dispatch(bkk(2020, 8, 9, 18, 0))
    bob_push = rows(recipient=visit_plan.bob, channel__in=[Channel.EMAIL, Channel.LINE])
    assert {n.next_attempt_at for n in bob_push} == {bkk(2020, 8, 10, 6, 30)}
    assert result["enqueued"] == 4  # alice's three and bob's in-app
    assert dispatch(bkk(2020, 8, 10, 6, 29))["enqueued"] == 4  # (the sweep queues alice's rows again)
    dispatch(bkk(2020, 8, 10, 6, 30))
    assert {n.enqueued_at for n in rows(recipient=visit_plan.bob, channel__in=[Channel.EMAIL, Channel.LINE])} == {
        bkk(2020, 8, 10, 6, 30)
    }


def test_preferences_choose_channels(visit_plan, fake_line):
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    dispatch(bkk(2020, 8, 9, 18, 0))
    assert {n.channel for n in rows(recipient=visit_plan.alice)} == {Channel.LINE}


def test_draft_rounds_remind_nobody(visit_plan):
    visit_plan.round.status = "draft"
    visit_plan.round.save()
    assert dispatch(bkk(2020, 8, 9, 18, 0))["created"] == 0


def test_round_policy_changes_the_reminder_times(visit_plan):
    f.RoundReminderPolicyFactory(round=visit_plan.round, days_before=1, evening_before=False)
    dispatch(bkk(2020, 8, 4, 9, 0))
    assert {n.due_at for n in rows(event=Event.VISIT_UPCOMING)} == {bkk(2020, 8, 9, 8, 0)}


def test_report_overdue_goes_to_members_then_to_the_coordinator(visit_plan):
    a = visit_plan.assignment
    a.date = dt.date(2020, 8, 7)  # Fri; Wed 12 Aug is a holiday: due Thu 13 Aug, escalated Mon 17 Aug
    a.save()
    dispatch(bkk(2020, 8, 1, 9, 0))  # first sight of the assignment
    assert "report_overdue" not in dispatch(bkk(2020, 8, 13, 7, 59))["by_event"]
    due = dispatch(bkk(2020, 8, 13, 8, 0))
    assert events(due) == {"report_overdue": 4}
    assert {n.recipient_id for n in rows(event=Event.REPORT_OVERDUE)} == {visit_plan.alice.id, visit_plan.bob.id}
    assert dispatch(bkk(2020, 8, 14, 12, 0))["created"] == 0
    escalated = dispatch(bkk(2020, 8, 17, 8, 0))
    assert events(escalated) == {"report_overdue_escalated": 2}
    assert {n.recipient_id for n in rows(event=Event.REPORT_OVERDUE_ESCALATED)} == {visit_plan.cora.id}


def test_a_submitted_report_is_not_chased(visit_plan):
    a = visit_plan.assignment
    a.date = dt.date(2020, 8, 7)
    a.save()
    f.VisitFactory(assignment=a, status=Visit.Status.SUBMITTED, submitted_at=bkk(2020, 8, 7, 16, 0))
    result = dispatch(bkk(2020, 8, 17, 8, 0))
    assert "report_overdue" not in result["by_event"]
    assert "report_overdue_escalated" not in result["by_event"]


def test_submitted_report_goes_to_the_chair_and_approved_to_the_directors(visit_plan):
    visit = f.VisitFactory(
        assignment=visit_plan.assignment, status=Visit.Status.SUBMITTED, submitted_at=bkk(2020, 8, 10, 15, 0)
    )
    assert events(dispatch(bkk(2020, 8, 10, 15, 1))) == {"awaiting_approval": 2}
    assert {n.recipient_id for n in rows(event=Event.AWAITING_APPROVAL)} == {visit_plan.alice.id}

    visit.status, visit.approved_at = Visit.Status.APPROVED, bkk(2020, 8, 11, 9, 0)
    visit.save()
    result = dispatch(bkk(2020, 8, 11, 9, 1))
    assert result["by_event"] == {"report_approved": 4}
    assert {n.recipient_id for n in rows(event=Event.REPORT_APPROVED)} == {visit_plan.oscar.id, visit_plan.dana.id}


def test_followups_remind_the_school_director_then_escalate(visit_plan):
    item = f.FollowUpFactory(school=visit_plan.school_a, due_date=dt.date(2020, 9, 30))

    def followups(now):
        return {k: v for k, v in dispatch(now)["by_event"].items() if k.startswith("followup")}

    assert followups(bkk(2020, 9, 26, 12, 0)) == {}
    assert followups(bkk(2020, 9, 27, 8, 0)) == {"followup_due": 2}
    assert followups(bkk(2020, 10, 1, 8, 0)) == {"followup_overdue": 2}
    assert followups(bkk(2020, 10, 8, 8, 0)) == {"followup_escalated": 2}
    assert {n.recipient_id for n in rows(event=Event.FOLLOWUP_ESCALATED)} == {visit_plan.oscar.id}
    assert {n.recipient_id for n in rows(event=Event.FOLLOWUP_DUE)} == {visit_plan.dana.id}
    item.status = FollowUp.Status.DONE
    item.save()
    assert followups(bkk(2020, 10, 20, 8, 0)) == {}


def test_weekly_digest_goes_to_the_office_director_on_monday_morning(visit_plan):
    result = dispatch(bkk(2020, 8, 10, 8, 0))
    assert result["by_event"]["round_digest"] == 2
    digest = rows(event=Event.ROUND_DIGEST)[0]
    assert digest.recipient_id == visit_plan.oscar.id
    assert "กำหนดการทั้งหมด 1 รายการ" in digest.body
    assert "round_digest" not in dispatch(bkk(2020, 8, 12, 9, 0))["by_event"]


def test_rows_left_by_a_worker_that_died_are_queued_again_after_the_timeout(visit_plan, settings):
    settings.NOTIFY_STUCK_SECONDS = 900
    evening = bkk(2020, 8, 9, 18, 0)
    dispatch(evening)
    crashed = rows()[0]
    Notification.objects.filter(pk=crashed.pk).update(status=P.SENDING, claimed_at=evening, attempts=1)
    assert dispatch(evening + dt.timedelta(minutes=14))["enqueued"] == 0  # queued ones are still in the broker
    again = dispatch(evening + dt.timedelta(minutes=16))
    assert again["enqueued"] == 4  # the crashed row and the three never picked up
    crashed.refresh_from_db()
    assert (crashed.status, crashed.attempts) == (P.PENDING, 1)


def test_the_beat_tasks_exist_in_the_celery_app():
    from worker.beat import ENTRIES
    from worker.celery import app

    app.loader.import_default_modules()
    assert {task for _, task, _, _ in ENTRIES} <= set(app.tasks)


def test_dispatch_refuses_a_bad_time():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("dispatch_reminders", "--now", "yesterday")
    with pytest.raises(CommandError, match="time zone"):
        call_command("dispatch_reminders", "--now", "2020-08-09T18:00:00")


@pytest.mark.django_db
def test_dispatch_prints_json():
    out = StringIO()
    call_command("dispatch_reminders", "--json", stdout=out)
    assert set(json.loads(out.getvalue())) == {"created", "enqueued", "by_event"}


@pytest.mark.django_db
def test_periodic_tasks_are_registered_once_and_keep_admin_edits():
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", stdout=StringIO())
    task = PeriodicTask.objects.get(name="nithet: dispatch reminders")
    assert task.task == "worker.dispatch_reminders" and task.interval.every == 1
    task.enabled = False
    task.save()
    call_command("setup_periodic_tasks", stdout=StringIO())
    assert PeriodicTask.objects.filter(name__startswith="nithet:").count() == 2
    assert not PeriodicTask.objects.get(name="nithet: dispatch reminders").enabled


@pytest.mark.django_db
def test_the_demo_step_registers_the_beat_entries_and_is_idempotent():
    from worker import demo

    first = demo.load(stdout=StringIO())
    assert first == {"periodic_tasks": 2, "created": 2, "updated": 0}
    assert demo.load(stdout=StringIO()) == {"periodic_tasks": 2, "created": 0, "updated": 0}
