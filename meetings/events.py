"""What the participation app owes people at time T, as notification-ledger sources (see `worker.events`).

- Invitations: once the letters go out (`Meeting.invited_at`), every invitee once per channel. The key is
  (meeting_invitation, invitation id, invitee, invited_at): however often dispatch runs, the ledger's
  unique key keeps it to one row per channel; someone invited later gets their own key.
- The day before the meeting at 08:00: invitees who have not said they will be absent.
- Actions from resolutions: due (N days before) and overdue (the day after) → the owner; still open M days
  later → the office director. The same timing and settings as visit follow-ups.
- Satisfaction surveys: the director (and teachers) of a school whose visit was approved, until answered.
"""

import datetime as dt

from meetings.models import Invitation, Meeting, MeetingAction, SurveyInvitation
from supervision.dates import to_be_text
from supervision.roles import Role
from worker.events import MORNING, OVERDUE_WINDOW, RECENT, local_date, people_with_role, setting
from worker.models import Event
from worker.notify import Due
from worker.rules import BANGKOK, bangkok_at


def _when(m: Meeting) -> str:
    from visits.reports.thaitext import be_date

    where = m.place or m.online_link
    return f"วันที่ {be_date(m.date)} เวลา {m.start_time:%H:%M} น. ณ {where}"


class MeetingInvitations:
    events = (Event.MEETING_INVITATION,)
    reconcile = True  # a cancelled meeting's letters still waiting are not sent

    def due(self, now: dt.datetime) -> list[Due]:
        today = local_date(now)
        rows = Invitation.objects.filter(
            meeting__status=Meeting.Status.INVITED, meeting__invited_at__isnull=False, meeting__date__gte=today
        ).select_related("meeting")
        out = []
        for inv in rows:
            m = inv.meeting
            title = f"เชิญประชุม: {m.title} ครั้งที่ {m.number_label}"
            body = (
                f"{m.subject}\n{_when(m)}\n"
                f"กรุณาแจ้งการเข้าร่วมประชุม (เข้าร่วม / ส่งผู้แทน / ไม่เข้าร่วม) ทางลิงก์ที่แนบ\n"
                f"(Meeting invitation: {m.title} {m.number_label}, {to_be_text(m.date)} {m.start_time:%H:%M})"
            )
            out.append(
                Due(
                    Event.MEETING_INVITATION,
                    "invitation",
                    str(inv.pk),
                    inv.person_id,
                    m.invited_at,
                    title,
                    body,
                    f"/meetings/answer/{inv.token}/",
                    send_at=max(now, m.invited_at),
                )
            )
        return out


class MeetingReminders:
    events = (Event.MEETING_REMINDER,)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        today = local_date(now)
        rows = (
            Invitation.objects.filter(
                meeting__status=Meeting.Status.INVITED, meeting__date__in=[today, today + dt.timedelta(days=1)]
            )
            .exclude(answer=Invitation.Answer.ABSENT)
            .select_related("meeting")
        )
        out = []
        for inv in rows:
            m = inv.meeting
            due_at = bangkok_at(m.date - dt.timedelta(days=1), MORNING)
            start = dt.datetime.combine(m.date, m.start_time, tzinfo=BANGKOK)
            if not due_at <= now < start:
                continue
            title = f"เตือนการประชุมพรุ่งนี้: {m.title} ครั้งที่ {m.number_label}"
            body = f"{_when(m)}\nคำตอบของท่าน: {inv.get_answer_display()}"
            out.append(
                Due(
                    Event.MEETING_REMINDER,
                    "invitation",
                    str(inv.pk),
                    inv.person_id,
                    due_at,
                    title,
                    body,
                    f"/meetings/answer/{inv.token}/",
                )
            )
        return out


class MeetingActions:
    events = (Event.MEETING_ACTION_DUE, Event.MEETING_ACTION_OVERDUE, Event.MEETING_ACTION_ESCALATED)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        before = setting("NOTIFY_FOLLOWUP_DAYS_BEFORE", 3)
        escalate = setting("NOTIFY_FOLLOWUP_ESCALATE_DAYS", 7)
        today = local_date(now)
        items = list(
            MeetingAction.objects.filter(
                status__in=MeetingAction.OPEN_STATUSES,
                due_date__lte=today + dt.timedelta(days=before),
                due_date__gte=today - OVERDUE_WINDOW,
            ).select_related("resolution__item__meeting")
        )
        directors = people_with_role({a.resolution.item.meeting.office_id for a in items}, Role.OFFICE_DIRECTOR)
        out = []
        for a in items:
            from visits.reports.thaitext import be_date

            m = a.resolution.item.meeting
            link = f"/meetings/{m.pk}/"
            stages = [
                (Event.MEETING_ACTION_DUE, a.due_date - dt.timedelta(days=before), "ใกล้ครบกำหนดงานตามมติ", [a.owner_id]),
                (Event.MEETING_ACTION_OVERDUE, a.due_date + dt.timedelta(days=1), "งานตามมติเกินกำหนด", [a.owner_id]),
                (
                    Event.MEETING_ACTION_ESCALATED,
                    a.due_date + dt.timedelta(days=1 + escalate),
                    "แจ้ง ผอ.เขต: งานตามมติเกินกำหนด",
                    directors.get(m.office_id, []),
                ),
            ]
            for event, day, heading, recipients in stages:
                due_at = bangkok_at(day, MORNING)
                if now < due_at:
                    continue
                body = (
                    f"{a.title}\nตามมติ{m.title} ครั้งที่ {m.number_label} ระเบียบวาระที่ {a.resolution.item.label}\n"
                    f"กำหนดเสร็จ: {be_date(a.due_date)}\nสถานะ: {a.get_status_display()}"
                )
                for person_id in recipients:
                    out.append(
                        Due(event, "meeting_action", str(a.pk), person_id, due_at, f"{heading}: {a.title}", body, link)
                    )
        return out


class SurveyInvitations:
    events = (Event.SURVEY_INVITATION,)
    reconcile = True  # answered: the pending message is no longer owed

    def due(self, now: dt.datetime) -> list[Due]:
        from meetings.services import survey_invitations_ensure

        survey_invitations_ensure(now)
        rows = SurveyInvitation.objects.filter(
            answered_at__isnull=True, created_at__gte=now - RECENT, created_at__lte=now, form__is_active=True
        ).select_related("form", "visit__school")
        out = []
        for inv in rows:
            school = inv.visit.school.name_th
            title = f"แบบสอบถามความพึงพอใจต่อการนิเทศ: {school}"
            body = f"{inv.form.title}\nกรุณาตอบแบบสอบถามความพึงพอใจต่อการนิเทศที่{school} ทางลิงก์ที่แนบ"
            out.append(
                Due(
                    Event.SURVEY_INVITATION,
                    "survey_invitation",
                    str(inv.pk),
                    inv.person_id,
                    inv.created_at,
                    title,
                    body,
                    f"/meetings/surveys/answer/{inv.token}/",
                    send_at=max(now, inv.created_at),
                )
            )
        return out


MEETING_SOURCES = [MeetingInvitations(), MeetingReminders(), MeetingActions(), SurveyInvitations()]


def invitation_attachments(row) -> list[tuple[str, bytes, str]]:
    """The invitation letter PDF of the invitation's meeting (content-hash cached by the reports service)."""
    from visits.reports.service import ReportNotFound, report_render

    meeting_id = Invitation.objects.filter(pk=row.object_id).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        return []
    try:
        _, pdf = report_render("invitation", meeting_id)
    except ReportNotFound:
        return []
    return [(f"nithet-invitation-{meeting_id}.pdf", pdf, "application/pdf")]
