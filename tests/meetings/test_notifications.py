"""Invitations and reminders through the notification ledger: exactly once per invitee and channel."""

import datetime as dt

import pytest

from meetings import services, workflow
from meetings.models import Meeting, MeetingAction
from tests.meetings.conftest import make_meeting
from worker import notify
from worker.models import Channel, Event, Notification
from worker.rules import bangkok_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(board, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    for p in (board.chair, board.dana, board.bob):
        p.line_user_id = f"U{p.pk:032d}"
        p.save()
    meeting = make_meeting(board, dt.date(2020, 7, 10))
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    # The letters went out two weeks before the meeting (the clock of these tests is 2563).
    Meeting.objects.filter(pk=meeting.pk).update(invited_at=bangkok_at(dt.date(2020, 6, 26), dt.time(10, 30)))
    meeting.refresh_from_db()
    return meeting


def test_an_invitation_is_sent_once_per_invitee_and_channel_however_often_dispatch_runs(board, invited):
    now = invited.invited_at + dt.timedelta(minutes=1)
    for k in range(4):
        notify.dispatch(now + dt.timedelta(minutes=k))
    rows = Notification.objects.filter(event=Event.MEETING_INVITATION)
    keys = list(rows.values_list("recipient_id", "channel"))
    assert len(keys) == len(set(keys))
    expected = set()
    for inv in invited.invitations.select_related("person"):
        p = inv.person
        if p.email:
            expected.add((p.pk, Channel.EMAIL))
        if p.line_user_id:
            expected.add((p.pk, Channel.LINE))
        if p.user_id:
            expected.add((p.pk, Channel.INAPP))
    assert set(keys) == expected
    assert (board.dana.pk, Channel.LINE) in expected and (board.member.pk, Channel.LINE) not in expected
    sent_links = set(rows.values_list("link", flat=True))
    assert sent_links == {f"/meetings/answer/{i.token}/" for i in invited.invitations.all()}


def test_an_invitee_added_later_gets_their_letter_at_the_next_dispatch(board, invited):
    now = invited.invited_at + dt.timedelta(minutes=1)
    notify.dispatch(now)
    before = Notification.objects.filter(event=Event.MEETING_INVITATION).count()
    services.invitation_add(meeting_id=invited.pk, user=board.sami.user, person=board.charlie)
    notify.dispatch(now + dt.timedelta(minutes=5))
    notify.dispatch(now + dt.timedelta(minutes=6))
    new = Notification.objects.filter(event=Event.MEETING_INVITATION, recipient=board.charlie)
    assert new.count() == 2  # e-mail and in-app
    assert Notification.objects.filter(event=Event.MEETING_INVITATION).count() == before + 2


def test_the_e_mail_carries_the_invitation_letter(board, invited):
    from worker.events import attachments_for

    notify.dispatch(invited.invited_at + dt.timedelta(minutes=1))
    row = Notification.objects.filter(event=Event.MEETING_INVITATION, channel=Channel.EMAIL).first()
    [(name, pdf, mime)] = attachments_for(row)
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF") and mime == "application/pdf"


def test_reminded_the_day_before_unless_absent(board, invited):
    inv = invited.invitations.get(person=board.member)
    services.invitation_answer(invitation=inv, answer="absent", reason="ลาพักผ่อน")
    day_before = bangkok_at(dt.date(2020, 7, 9), dt.time(8, 0))
    notify.create_due_notifications(day_before - dt.timedelta(minutes=1))
    assert not Notification.objects.filter(event=Event.MEETING_REMINDER).exists()
    notify.create_due_notifications(day_before + dt.timedelta(hours=2))
    notify.create_due_notifications(day_before + dt.timedelta(hours=3))
    reminded = set(Notification.objects.filter(event=Event.MEETING_REMINDER).values_list("recipient_id", flat=True))
    assert board.member.pk not in reminded
    assert {board.chair.pk, board.dana.pk, board.bob.pk, board.sami.pk} <= reminded
    assert Notification.objects.filter(event=Event.MEETING_REMINDER, recipient=board.dana, channel="email").count() == 1


def test_actions_from_a_resolution_are_reminded_and_escalated_like_follow_ups(board, invited, settings):
    from supervision.roles import Role, grant_role

    settings.NOTIFY_FOLLOWUP_DAYS_BEFORE = 3
    settings.NOTIFY_FOLLOWUP_ESCALATE_DAYS = 7
    item = services.agenda_item_add(meeting_id=invited.pk, user=board.sami.user, parent_number=4, title="ติดตามผล")
    services.resolution_add(
        item_id=item.pk,
        user=board.sami.user,
        kind="actions",
        text="มอบกลุ่มนิเทศจัดทำรายงาน",
        actions=[{"title": "จัดทำรายงานสรุปผลการนิเทศ", "owner": board.bob, "due_date": dt.date(2020, 8, 31)}],
    )
    assert MeetingAction.objects.get().owner == board.bob
    grant_role(board.oscar.user, Role.OFFICE_DIRECTOR)

    def events_at(day):
        notify.create_due_notifications(bangkok_at(day, dt.time(9, 0)))
        return set(Notification.objects.filter(event__startswith="meeting_action").values_list("event", "recipient_id"))

    assert events_at(dt.date(2020, 8, 27)) == set()
    assert events_at(dt.date(2020, 8, 28)) == {(Event.MEETING_ACTION_DUE, board.bob.pk)}
    assert (Event.MEETING_ACTION_OVERDUE, board.bob.pk) in events_at(dt.date(2020, 9, 1))
    assert (Event.MEETING_ACTION_ESCALATED, board.oscar.pk) in events_at(dt.date(2020, 9, 8))


def test_the_invitations_text_gives_the_meeting_date_in_buddhist_era_in_both_languages(board, invited):
    notify.dispatch(invited.invited_at + dt.timedelta(minutes=1))
    body = Notification.objects.filter(event=Event.MEETING_INVITATION, channel=Channel.EMAIL).first().body
    assert "10/07/2563" in body  # the English line: BE like the Thai one, never 2020-07-10
    assert "2020" not in body
