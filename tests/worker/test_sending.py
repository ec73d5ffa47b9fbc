"""Sending a batch as the worker's task does: claim, deliver through each channel, record the outcome."""

import datetime as dt
from email.header import decode_header, make_header

from django.core import mail

from tests import factories as f
from tests.worker.conftest import bkk, dispatch, rows
from worker.models import Channel, Event, Notification
from worker.tasks import send_notifications

S = Notification.Status
EVENING = bkk(2020, 8, 9, 18, 0)


def send_ready(now):
    ids = list(Notification.objects.filter(status=S.PENDING, next_attempt_at__lte=now).values_list("id", flat=True))
    return send_notifications(ids, now.isoformat())


def test_a_reminder_reaches_each_member_by_email_line_and_in_app(visit_plan, fake_line):
    dispatch(EVENING)
    result = send_ready(EVENING)
    assert result == {"claimed": 6, "sent": 6, "failed": 0, "retry": 0, "held": 0}
    assert {n.status for n in rows()} == {S.SENT}

    assert sorted(m.to[0] for m in mail.outbox) == sorted([visit_plan.alice.email, visit_plan.bob.email])
    message = mail.outbox[0]
    subject = str(make_header(decode_header(message.message()["Subject"])))
    assert subject.startswith("[นิเทศ] แจ้งเตือนการนิเทศ: โรงเรียนเบญจะมะมหาราช")
    assert "10 สิงหาคม 2563" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<h2" in html and "10 สิงหาคม 2563" in html
    for m in mail.outbox:  # one rendering per message, each addressed to its own reader
        person = visit_plan.alice if m.to == [visit_plan.alice.email] else visit_plan.bob
        assert m.body.startswith(f"เรียน {person.full_name}\n")
        assert f"<p>เรียน {person.full_name}</p>" in m.alternatives[0][0]

    pushes = fake_line.pushes()
    assert sorted(p["json"]["to"] for p in pushes) == sorted(
        [visit_plan.alice.line_user_id, visit_plan.bob.line_user_id]
    )
    assert pushes[0]["path"] == "/v2/bot/message/push"
    assert pushes[0]["headers"]["Authorization"] == "Bearer test-token"
    assert "10 สิงหาคม 2563" in pushes[0]["json"]["messages"][0]["text"]


def test_a_batch_sent_twice_delivers_once(visit_plan, fake_line):
    dispatch(EVENING)
    ids = list(Notification.objects.values_list("id", flat=True))
    send_notifications(ids, EVENING.isoformat())
    again = send_notifications(ids, EVENING.isoformat())
    assert again["claimed"] == 0
    assert len(mail.outbox) == 2 and len(fake_line.pushes()) == 2


def test_line_500_is_retried_with_backoff_then_failed(visit_plan, fake_line, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    f.NotificationPreferenceFactory(person=visit_plan.bob, email=False, in_app=False, line=False)
    fake_line.mode = "500"
    dispatch(EVENING)
    [row] = rows(channel=Channel.LINE)
    now = EVENING
    for attempt, delay in [(1, 60), (2, 120)]:
        assert send_ready(now)["retry"] == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == (S.PENDING, attempt)
        assert "LINE 500" in row.last_error
        assert row.next_attempt_at == now + dt.timedelta(seconds=delay)
        assert send_ready(now)["claimed"] == 0  # not before its time
        now = row.next_attempt_at
    assert send_ready(now)["failed"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.FAILED, 3)
    keys = {p["headers"]["X-Line-Retry-Key"] for p in fake_line.pushes()}
    assert len(fake_line.pushes()) == 3 and len(keys) == 1  # LINE can tell the retries are one message


def test_line_timeout_is_retried_and_then_delivered(visit_plan, fake_line):
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    f.NotificationPreferenceFactory(person=visit_plan.bob, email=False, in_app=False, line=False)
    fake_line.mode, fake_line.delay = "slow", 1.5
    dispatch(EVENING)
    assert send_ready(EVENING)["retry"] == 1
    [row] = rows()
    assert "timed out" in row.last_error
    fake_line.mode = "ok"
    assert send_ready(row.next_attempt_at)["sent"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.SENT, 2)


def test_line_refusing_the_request_is_not_retried(visit_plan, fake_line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    f.NotificationPreferenceFactory(person=visit_plan.bob, email=False, in_app=False, line=False)
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    dispatch(EVENING)
    visit_plan.alice.line_user_id = ""  # removed after the row was made
    visit_plan.alice.save()
    assert send_ready(EVENING)["failed"] == 1
    [row] = rows()
    assert row.status == S.FAILED and row.attempts == 1 and "LINE user id" in row.last_error


def test_a_row_reaching_the_worker_in_quiet_hours_is_held_not_sent(visit_plan):
    dispatch(EVENING)
    late = bkk(2020, 8, 9, 23, 30)  # e.g. the broker was down for hours
    result = send_ready(late)
    assert result["held"] == 2 and result["sent"] == 2  # the in-app rows are not pushes
    held = rows(channel=Channel.EMAIL)
    assert {(n.status, n.attempts, n.next_attempt_at) for n in held} == {(S.PENDING, 0, bkk(2020, 8, 10, 7, 0))}
    assert mail.outbox == []


def test_coordinators_see_failures_in_the_admin(visit_plan, fake_line, client):
    f.NotificationPreferenceFactory(person=visit_plan.alice, email=False, in_app=False)
    f.NotificationPreferenceFactory(person=visit_plan.bob, email=False, in_app=False, line=False)
    fake_line.mode = "500"
    dispatch(EVENING)
    send_ready(EVENING)
    client.force_login(visit_plan.cora.user)
    page = client.get("/admin/worker/notification/?status__exact=pending")
    assert page.status_code == 200
    text = page.content.decode()
    assert "LINE 500" in text and Event.VISIT_UPCOMING.label.split(" (")[0] in text


def test_the_approved_report_reaches_the_directors_with_its_pdf(visit_plan, settings, tmp_path):
    from visits.models import Visit

    settings.MEDIA_ROOT = tmp_path
    visit = f.VisitFactory(
        assignment=visit_plan.assignment,
        status=Visit.Status.APPROVED,
        submitted_at=bkk(2020, 8, 10, 15, 0),
        approved_at=bkk(2020, 8, 11, 9, 0),
        strengths="ครูใช้สื่อหลากหลาย",
    )
    now = bkk(2020, 8, 11, 9, 5)
    dispatch(now)
    send_ready(now)
    to_directors = [m for m in mail.outbox if m.to[0] in (visit_plan.oscar.email, visit_plan.dana.email)]
    assert len(to_directors) == 2
    for message in to_directors:
        [(name, content, mimetype)] = message.attachments
        assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    assert {n.status for n in rows(event=Event.REPORT_APPROVED)} == {S.SENT}
    assert str(visit.pk)[:8] in to_directors[0].attachments[0][0]


def test_the_admin_shows_a_coordinator_only_their_offices_notifications(actors, client):
    other = f.PersonFactory(office=f.AreaOfficeFactory(code="SEC99"))
    f.NotificationFactory(recipient=actors.bob, title="ของสำนักงานเรา")
    f.NotificationFactory(recipient=other, title="ของสำนักงานอื่น")
    client.force_login(actors.cora.user)
    page = client.get("/admin/worker/notification/").content.decode()
    assert "ของสำนักงานเรา" in page and "ของสำนักงานอื่น" not in page
    assert client.get("/admin/worker/notificationpreference/").status_code == 200
    assert client.get("/admin/worker/roundreminderpolicy/").status_code == 200


class WorkerKilled(BaseException):
    """What SIGKILL does to a batch: the process stops between two sends, no except or finally runs on."""


def test_a_worker_killed_mid_batch_resends_only_what_was_not_delivered(visit_plan, fake_line, settings, monkeypatch):
    from urllib.parse import urlsplit

    from worker.channels.email import EmailTransport

    people = [f.PersonFactory(office=visit_plan.cora.office) for _ in range(9)]
    for person in people:
        f.NotificationPreferenceFactory(person=person, email=True, line=False, in_app=False)
        f.NotificationFactory(
            recipient=person, channel=Channel.EMAIL, status=S.PENDING, due_at=EVENING, next_attempt_at=EVENING
        )
    real_send, calls = EmailTransport.send, []

    def send_then_die_at_the_fifth(self, notification, attachments=()):
        calls.append(notification.pk)
        if len(calls) == 5:
            raise WorkerKilled
        return real_send(self, notification, attachments)

    monkeypatch.setattr(EmailTransport, "send", send_then_die_at_the_fifth)
    ids = list(Notification.objects.filter(channel=Channel.EMAIL).values_list("id", flat=True))
    try:
        send_notifications(ids, EVENING.isoformat())
    except WorkerKilled:
        pass
    assert Notification.objects.filter(status=S.SENT).count() == 4  # each marked right after its own send
    assert Notification.objects.filter(status=S.SENDING).count() == 5
    monkeypatch.setattr(EmailTransport, "send", real_send)
    later = EVENING + dt.timedelta(seconds=settings.NOTIFY_STUCK_SECONDS + 60)
    dispatch(later)  # the stuck rows go back to the queue
    send_ready(later)
    assert Notification.objects.filter(pk__in=ids, status=S.SENT).count() == 9
    by_row = {}
    for message in mail.outbox:
        if int(message.extra_headers["X-Nithet-Notification"]) in ids:
            by_row.setdefault(message.extra_headers["X-Nithet-Notification"], []).append(message)
    assert sorted(by_row) == sorted(str(i) for i in ids)
    assert all(len(messages) == 1 for messages in by_row.values())  # nobody got anything twice
    for row_id, [message] in by_row.items():
        host = urlsplit(settings.SITE_URL).hostname
        assert message.message()["Message-ID"] == f"<nithet-notification-{row_id}@{host}>"


def test_a_resend_of_one_ledger_row_has_the_same_message_id(visit_plan, fake_line):
    from worker.channels.email import EmailTransport

    row = f.NotificationFactory(recipient=visit_plan.alice, channel=Channel.EMAIL, status=S.PENDING)
    transport = EmailTransport()
    first, second = transport.build(row), transport.build(row)
    assert first.message()["Message-ID"] == second.message()["Message-ID"]
    other = f.NotificationFactory(recipient=visit_plan.alice, channel=Channel.EMAIL, status=S.PENDING)
    assert transport.build(other).message()["Message-ID"] != first.message()["Message-ID"]
