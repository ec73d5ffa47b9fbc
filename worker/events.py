"""What is due at time T, one source per event family.

Each source reads the schedules/visits models and returns `Due` items — the messages owed at `now`, keyed so
the same situation always yields the same key (the ledger's unique key then makes dispatch idempotent).
The timing rules themselves are small pure functions at the top, tested without a database.

Sources marked `reconcile` describe the complete current truth: a pending ledger row of their events that
they no longer produce (the visit moved, the report was submitted, the member left) is cancelled.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings

from schedules.days import be_date, working_days
from schedules.models import Assignment, Round
from supervision.models import Membership, Person
from supervision.roles import Role
from visits.models import FollowUp, Visit, VisitTransition
from worker.models import AssignmentWatch, Event, RoundReminderPolicy
from worker.notify import Due
from worker.rules import BANGKOK, bangkok_at

MORNING = dt.time(8, 0)
RECENT = dt.timedelta(days=30)  # approval events older than this are history, not news
OVERDUE_WINDOW = dt.timedelta(days=60)  # reports of visits older than this are no longer chased


def setting(name: str, default):
    return getattr(settings, name, default)


# --- Pure rules ------------------------------------------------------------------------------------------


def upcoming_times(
    visit_date: dt.date, starts_at: dt.time, policy: RoundReminderPolicy, now: dt.datetime, lookahead: dt.timedelta
) -> list[dt.datetime]:
    """Reminder times for a visit that are due by `now + lookahead`. Once the visit starts there are none;
    of the times already passed only the latest is kept (an assignment made late gets one reminder, not two)."""
    start = bangkok_at(visit_date, starts_at)
    if now >= start:
        return []
    times = set()
    if policy.days_before:
        times.add(bangkok_at(visit_date - dt.timedelta(days=policy.days_before), policy.days_before_at))
    if policy.evening_before:
        times.add(bangkok_at(visit_date - dt.timedelta(days=1), policy.evening_before_at))
    times = sorted(t for t in times if t < start)
    past = [t for t in times if t <= now]
    return past[-1:] + [t for t in times if now < t <= now + lookahead]


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (weekends and Thai public holidays do not count)."""
    if n <= 0:
        return day
    counted = [
        d.date for d in working_days(day + dt.timedelta(days=1), day + dt.timedelta(days=2 * n + 21)) if d.counted
    ]
    return counted[n - 1]


def week_start(now: dt.datetime) -> dt.date:
    local = now.astimezone(BANGKOK).date()
    return local - dt.timedelta(days=local.weekday())


def local_date(now: dt.datetime) -> dt.date:
    return now.astimezone(BANGKOK).date()


# --- Who -----------------------------------------------------------------------------------------------------


def members_by_committee(committee_ids) -> dict[int, list[int]]:
    out = defaultdict(list)
    for committee_id, person_id in Membership.objects.filter(committee_id__in=set(committee_ids)).values_list(
        "committee_id", "person_id"
    ):
        out[committee_id].append(person_id)
    return out


def chairs_by_committee(committee_ids) -> dict[int, int]:
    return dict(
        Membership.objects.filter(committee_id__in=set(committee_ids), role=Membership.Role.CHAIR).values_list(
            "committee_id", "person_id"
        )
    )


def people_with_role(office_ids, role: str) -> dict[int, list[int]]:
    """Active people of each office whose login carries `role` (e.g. the office director, coordinators)."""
    out = defaultdict(list)
    rows = Person.objects.filter(office_id__in=set(office_ids), is_active=True, user__groups__name=role)
    for office_id, person_id in rows.values_list("office_id", "id").distinct():
        out[office_id].append(person_id)
    return out


def policies(round_ids) -> dict[int, RoundReminderPolicy]:
    saved = {p.round_id: p for p in RoundReminderPolicy.objects.filter(round_id__in=set(round_ids))}
    return {rid: saved.get(rid) or RoundReminderPolicy(round_id=rid) for rid in round_ids}


def _visit_line(a: Assignment) -> str:
    return (
        f"โรงเรียน{a.school.name_th.removeprefix('โรงเรียน')} วันที่ {be_date(a.date)} "
        f"{a.session.name} เวลา {a.session.start_time:%H:%M} น."
    )


# --- Sources -------------------------------------------------------------------------------------------------


class UpcomingVisits:
    """Upcoming visit → every committee member: N days before and the evening before (per-round policy)."""

    events = (Event.VISIT_UPCOMING,)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        lookahead = dt.timedelta(days=setting("NOTIFY_LOOKAHEAD_DAYS", 7))
        today = local_date(now)
        assignments = list(
            Assignment.objects.filter(
                round__status=Round.Status.PUBLISHED,
                date__gte=today,
                date__lte=today + lookahead + dt.timedelta(days=31),
            )
            .exclude(status__in=[Assignment.Status.CANCELLED, Assignment.Status.DONE])
            .select_related("school", "session", "committee", "round")
        )
        pol = policies({a.round_id for a in assignments})
        members = members_by_committee(a.committee_id for a in assignments)
        out = []
        for a in assignments:
            times = upcoming_times(a.date, a.session.start_time, pol[a.round_id], now, lookahead)
            if not times:
                continue
            title = f"แจ้งเตือนการนิเทศ: โรงเรียน{a.school.name_th.removeprefix('โรงเรียน')} {be_date(a.date)}"
            body = (
                f"{a.committee} มีกำหนดออกนิเทศ {_visit_line(a)}\n"
                f"รอบ: {a.round.title}\n"
                f"(Visit reminder: {a.school.name_en or a.school.name_th}, {a.date:%Y-%m-%d})"
            )
            for due_at in times:
                for person_id in members.get(a.committee_id, ()):
                    out.append(
                        Due(
                            Event.VISIT_UPCOMING,
                            "assignment",
                            str(a.pk),
                            person_id,
                            due_at,
                            title,
                            body,
                            f"/schedules/{a.round.slug}/",
                        )
                    )
        return out


class AssignmentChanges:
    """Assignment moved or cancelled → members at once (old and new committee). Noticed by comparing each
    assignment with what we last saw (`AssignmentWatch`); keyed by the assignment's `updated_at`."""

    events = (Event.ASSIGNMENT_MOVED, Event.ASSIGNMENT_CANCELLED)
    reconcile = False

    STATE = ("date", "session_id", "committee_id", "school_id", "status")

    def due(self, now: dt.datetime) -> list[Due]:
        today = local_date(now)
        # Compare plain values first; only the few changed assignments are loaded as objects.
        current = {
            row[0]: dict(zip(self.STATE, row[1:], strict=True))
            for row in Assignment.objects.filter(
                round__status=Round.Status.PUBLISHED,
                round__end_date__gte=today - dt.timedelta(days=7),
            ).values_list("id", *self.STATE)
        }
        watches = {w.assignment_id: w for w in AssignmentWatch.objects.filter(assignment_id__in=list(current))}
        new = [
            AssignmentWatch(assignment_id=pk, seen_at=now, **state)
            for pk, state in current.items()
            if pk not in watches
        ]
        changed_ids = [pk for pk, w in watches.items() if self._differs(current[pk], w)]
        changed = list(
            Assignment.objects.filter(pk__in=changed_ids).select_related("school", "session", "committee", "round")
        )
        members = members_by_committee(
            {a.committee_id for a in changed} | {watches[a.pk].committee_id for a in changed}
        )
        out, updated = [], []
        for a in changed:
            w = watches[a.pk]
            recipients = dict.fromkeys(members.get(a.committee_id, []) + members.get(w.committee_id, []))
            if a.status == Assignment.Status.CANCELLED:
                event = Event.ASSIGNMENT_CANCELLED
                title = f"ยกเลิกการนิเทศ: โรงเรียน{a.school.name_th.removeprefix('โรงเรียน')} {be_date(w.date)}"
                body = f"ยกเลิกการนิเทศ{_visit_line(a)}"
            else:
                event = Event.ASSIGNMENT_MOVED
                title = f"เปลี่ยนแปลงการนิเทศ: โรงเรียน{a.school.name_th.removeprefix('โรงเรียน')} {be_date(a.date)}"
                body = f"กำหนดการเดิม วันที่ {be_date(w.date)}\nกำหนดการใหม่: {a.committee} {_visit_line(a)}"
            if a.status_reason:
                body += f"\nเหตุผล: {a.status_reason}"
            for person_id in recipients:
                out.append(
                    Due(
                        event,
                        "assignment",
                        str(a.pk),
                        person_id,
                        a.updated_at,
                        title,
                        body,
                        f"/schedules/{a.round.slug}/",
                        send_at=now,
                    )
                )
            for field in self.STATE:
                setattr(w, field, getattr(a, field))
            w.seen_at = now
            updated.append(w)
        AssignmentWatch.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        AssignmentWatch.objects.bulk_update(updated, [*self.STATE, "seen_at"])
        return out

    @staticmethod
    def _differs(a: dict, w: AssignmentWatch) -> bool:
        was_cancelled = w.status == Assignment.Status.CANCELLED
        now_cancelled = a["status"] == Assignment.Status.CANCELLED
        if was_cancelled and now_cancelled:
            return False
        if now_cancelled != was_cancelled:
            return True
        return (a["date"], a["session_id"], a["committee_id"], a["school_id"]) != (
            w.date,
            w.session_id,
            w.committee_id,
            w.school_id,
        )


class ReportOverdue:
    """Visit report not submitted N working days after the visit → members; M more → the coordinators."""

    events = (Event.REPORT_OVERDUE, Event.REPORT_OVERDUE_ESCALATED)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        today = local_date(now)
        assignments = list(
            Assignment.objects.filter(
                round__status=Round.Status.PUBLISHED, date__lt=today, date__gte=today - OVERDUE_WINDOW
            )
            .exclude(status=Assignment.Status.CANCELLED)
            .select_related("school", "committee", "round", "session")
        )
        submitted = set(
            Visit.objects.filter(assignment__in=assignments)
            .exclude(status__in=Visit.EDITABLE)
            .values_list("assignment_id", flat=True)
        )
        pending = [a for a in assignments if a.pk not in submitted]
        pol = policies({a.round_id for a in pending})
        members = members_by_committee(a.committee_id for a in pending)
        coordinators = people_with_role({a.round.office_id for a in pending}, Role.COORDINATOR)
        out = []
        for a in pending:
            p = pol[a.round_id]
            due_day = add_working_days(a.date, p.report_due_working_days)
            due_at = bangkok_at(due_day, MORNING)
            if now < due_at:
                continue
            school = a.school.name_th.removeprefix("โรงเรียน")
            title = f"รายงานการนิเทศเกินกำหนด: โรงเรียน{school} ({be_date(a.date)})"
            body = (
                f"{a.committee} ยังไม่ได้ส่งรายงานการนิเทศ{_visit_line(a)}\n"
                f"กำหนดส่งภายใน {p.report_due_working_days} วันทำการ คือวันที่ {be_date(due_day)}"
            )
            for person_id in members.get(a.committee_id, ()):
                out.append(
                    Due(Event.REPORT_OVERDUE, "assignment", str(a.pk), person_id, due_at, title, body, "/visits/")
                )
            esc_day = add_working_days(due_day, p.escalate_after_working_days)
            esc_at = bangkok_at(esc_day, MORNING)
            if now >= esc_at:
                esc_title = f"แจ้งผู้ประสานงาน: {title}"
                esc_body = body + f"\nเกินกำหนดมาแล้วถึงวันที่ {be_date(esc_day)} จึงแจ้งผู้ประสานงานเพื่อติดตาม"
                for person_id in coordinators.get(a.round.office_id, ()):
                    out.append(
                        Due(
                            Event.REPORT_OVERDUE_ESCALATED,
                            "assignment",
                            str(a.pk),
                            person_id,
                            esc_at,
                            esc_title,
                            esc_body,
                            "/visits/",
                        )
                    )
        return out


class Approvals:
    """Report submitted → the committee chair (awaiting approval); approved → office director and school
    director (with the PDF). Keyed by `submitted_at` / `approved_at`, so a resubmission is news again."""

    events = (Event.AWAITING_APPROVAL, Event.REPORT_APPROVED)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        since = now - RECENT
        waiting = list(
            Visit.objects.filter(
                status=Visit.Status.SUBMITTED, submitted_at__gte=since, submitted_at__lte=now
            ).select_related("school", "committee", "assignment", "round")
        )
        approved = list(
            Visit.objects.filter(
                status__in=[Visit.Status.APPROVED, Visit.Status.ACKNOWLEDGED],
                approved_at__gte=since,
                approved_at__lte=now,
            ).select_related("school", "round")
        )
        committee_of = {v.pk: v.committee_id or (v.assignment.committee_id if v.assignment else None) for v in waiting}
        chairs = chairs_by_committee(c for c in committee_of.values() if c)
        coordinators = people_with_role({v.round.office_id for v in waiting}, Role.COORDINATOR)
        directors = people_with_role({v.round.office_id for v in approved}, Role.OFFICE_DIRECTOR)
        out = []
        for v in waiting:
            chair = chairs.get(committee_of[v.pk])
            recipients = [chair] if chair else coordinators.get(v.round.office_id, [])
            title = f"รายงานรออนุมัติ: โรงเรียน{v.school.name_th.removeprefix('โรงเรียน')}"
            body = (
                f"รายงานการนิเทศโรงเรียน{v.school.name_th.removeprefix('โรงเรียน')} รอบ {v.round.title} "
                f"ส่งเมื่อ {be_date(v.submitted_at.astimezone(BANGKOK).date())} รอการตรวจและอนุมัติจากท่าน"
            )
            for person_id in recipients:
                out.append(
                    Due(
                        Event.AWAITING_APPROVAL,
                        "visit",
                        str(v.pk),
                        person_id,
                        v.submitted_at,
                        title,
                        body,
                        f"/visits/{v.pk}/",
                    )
                )
        for v in approved:
            recipients = list(directors.get(v.round.office_id, []))
            if v.school.director_id:
                recipients.append(v.school.director_id)
            title = f"รายงานการนิเทศได้รับอนุมัติ: โรงเรียน{v.school.name_th.removeprefix('โรงเรียน')}"
            body = (
                f"รายงานการนิเทศโรงเรียน{v.school.name_th.removeprefix('โรงเรียน')} รอบ {v.round.title} "
                f"ได้รับอนุมัติเมื่อ {be_date(v.approved_at.astimezone(BANGKOK).date())}"
            )
            for person_id in dict.fromkeys(recipients):
                out.append(
                    Due(
                        Event.REPORT_APPROVED,
                        "visit",
                        str(v.pk),
                        person_id,
                        v.approved_at,
                        title,
                        body,
                        f"/visits/{v.pk}/",
                    )
                )
        return out


class Returns:
    """Report returned by the chair (or a coordinator) → every member of the visit's committee and its recorder,
    with the returner's comment. Keyed by the time of the return, so each return is told exactly once (the
    ledger's unique key), and a visit returned again after a resubmission is news again. A visit resubmitted
    before the message went out no longer needs it (reconciled away)."""

    events = (Event.VISIT_RETURNED,)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        latest = {}
        for t in (
            VisitTransition.objects.filter(
                to_status=Visit.Status.RETURNED,
                visit__status=Visit.Status.RETURNED,
                at__gte=now - RECENT,
                at__lte=now,
            )
            .select_related("visit__school", "visit__round", "visit__assignment", "by__person")
            .order_by("at", "id")
        ):
            latest[t.visit_id] = t  # only the return the visit is in now
        committee_of = {
            t.visit_id: t.visit.committee_id or (t.visit.assignment.committee_id if t.visit.assignment else None)
            for t in latest.values()
        }
        members = members_by_committee(c for c in committee_of.values() if c)
        recorders = dict(
            Person.objects.filter(user_id__in={t.visit.created_by_id for t in latest.values()}).values_list(
                "user_id", "id"
            )
        )
        out = []
        for visit_id, t in latest.items():
            v = t.visit
            returner = getattr(getattr(t.by, "person", None), "id", None)
            name = getattr(getattr(t.by, "person", None), "full_name", "") or t.by.get_username()
            recipients = list(members.get(committee_of[visit_id], []))
            if recorders.get(v.created_by_id):
                recipients.append(recorders[v.created_by_id])
            school = v.school.name_th.removeprefix("โรงเรียน")
            title = f"รายงานถูกส่งกลับให้แก้ไข: โรงเรียน{school}"
            body = (
                f"รายงานการนิเทศโรงเรียน{school} รอบ {v.round.title} ถูกส่งกลับให้แก้ไขโดย {name} "
                f"เมื่อ {be_date(t.at.astimezone(BANGKOK).date())}\nความเห็น: {t.comment}"
            )
            for person_id in dict.fromkeys(recipients):
                if person_id and person_id != returner:
                    out.append(
                        Due(Event.VISIT_RETURNED, "visit", str(v.pk), person_id, t.at, title, body, f"/visits/{v.pk}/")
                    )
        return out


class FollowUps:
    """Follow-up due (N days before) and overdue (the day after) → school director; still open M days after
    that → escalated to the office director."""

    events = (Event.FOLLOWUP_DUE, Event.FOLLOWUP_OVERDUE, Event.FOLLOWUP_ESCALATED)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        before = setting("NOTIFY_FOLLOWUP_DAYS_BEFORE", 3)
        escalate = setting("NOTIFY_FOLLOWUP_ESCALATE_DAYS", 7)
        today = local_date(now)
        items = list(
            FollowUp.objects.filter(
                status__in=FollowUp.OPEN_STATUSES,
                due_date__isnull=False,
                due_date__lte=today + dt.timedelta(days=before),
                due_date__gte=today - OVERDUE_WINDOW,
            ).select_related("school")
        )
        directors = people_with_role({f.school.office_id for f in items}, Role.OFFICE_DIRECTOR)
        out = []
        for f in items:
            school = f.school.name_th.removeprefix("โรงเรียน")
            text = f.recommendation if len(f.recommendation) <= 200 else f.recommendation[:199] + "…"
            link = "/visits/followups/"
            stages = [
                (
                    Event.FOLLOWUP_DUE,
                    f.due_date - dt.timedelta(days=before),
                    f"ใกล้ครบกำหนดติดตามข้อเสนอแนะ: โรงเรียน{school}",
                    [f.school.director_id],
                ),
                (
                    Event.FOLLOWUP_OVERDUE,
                    f.due_date + dt.timedelta(days=1),
                    f"การดำเนินการตามข้อเสนอแนะเกินกำหนด: โรงเรียน{school}",
                    [f.school.director_id],
                ),
                (
                    Event.FOLLOWUP_ESCALATED,
                    f.due_date + dt.timedelta(days=1 + escalate),
                    f"แจ้ง ผอ.เขต: ข้อเสนอแนะโรงเรียน{school} เกินกำหนด",
                    directors.get(f.school.office_id, []),
                ),
            ]
            for event, day, title, recipients in stages:
                due_at = bangkok_at(day, MORNING)
                if now < due_at:
                    continue
                body = f"ข้อเสนอแนะ: {text}\nกำหนดเสร็จ: {be_date(f.due_date)}\nสถานะ: {f.get_status_display()}"
                for person_id in recipients:
                    if person_id:
                        out.append(Due(event, "followup", str(f.pk), person_id, due_at, title, body, link))
        return out


class WeeklyDigest:
    """Monday 08:00 (until the day ends): a digest of each published round active this week → the office
    director."""

    events = (Event.ROUND_DIGEST,)
    reconcile = True

    def due(self, now: dt.datetime) -> list[Due]:
        monday = week_start(now)
        due_at = bangkok_at(monday, MORNING)
        if not due_at <= now < due_at + dt.timedelta(days=1):
            return []  # Monday's digest; by Tuesday it is stale and the next one is a week away
        rounds = list(
            Round.objects.filter(
                status=Round.Status.PUBLISHED,
                start_date__lte=monday + dt.timedelta(days=6),
                end_date__gte=monday - dt.timedelta(days=7),
            )
        )
        directors = people_with_role({r.office_id for r in rounds}, Role.OFFICE_DIRECTOR)
        out = []
        for r in rounds:
            body = digest_text(r, local_date(now))
            title = f"สรุปความก้าวหน้ารายสัปดาห์: {r.title} (สัปดาห์ของวันที่ {be_date(monday)})"
            for person_id in directors.get(r.office_id, ()):
                out.append(
                    Due(Event.ROUND_DIGEST, "round", str(r.pk), person_id, due_at, title, body, f"/schedules/{r.slug}/")
                )
        return out


def digest_text(r: Round, today: dt.date) -> str:
    active = r.assignments.exclude(status=Assignment.Status.CANCELLED)
    total = active.count()
    past = active.filter(date__lt=today).count()
    visits = Visit.objects.filter(round=r)
    submitted = visits.exclude(status__in=Visit.EDITABLE).count()
    approved = visits.filter(status__in=[Visit.Status.APPROVED, Visit.Status.ACKNOWLEDGED]).count()
    open_followups = FollowUp.objects.filter(source_visit__round=r, status__in=FollowUp.OPEN_STATUSES).count()
    return (
        f"รอบ {r.title} ({be_date(r.start_date)} – {be_date(r.end_date)})\n"
        f"กำหนดการทั้งหมด {total} รายการ ถึงกำหนดแล้ว {past} รายการ\n"
        f"ส่งรายงานแล้ว {submitted} ฉบับ อนุมัติแล้ว {approved} ฉบับ\n"
        f"ข้อเสนอแนะที่ยังติดตามอยู่ {open_followups} ข้อ"
    )


SOURCES = [
    AssignmentChanges(),
    UpcomingVisits(),
    ReportOverdue(),
    Approvals(),
    Returns(),
    FollowUps(),
    WeeklyDigest(),
]

# The participation app's sources (invitations, the day-before reminder, actions from resolutions, surveys):
# imported last because they reuse the helpers above.
from meetings.events import MEETING_SOURCES  # noqa: E402

SOURCES += MEETING_SOURCES


# --- Attachments ---------------------------------------------------------------------------------------------


def attachments_for(row) -> list[tuple[str, bytes, str]]:
    """Files an e-mail carries: the approved visit's PDF report, or the meeting's invitation letter, built
    (once, cached by content) by the reports app."""
    if row.event == Event.MEETING_INVITATION:
        from meetings.events import invitation_attachments

        return invitation_attachments(row)
    if row.event != Event.REPORT_APPROVED:
        return []
    from visits.reports.service import ReportBuildFailed, ReportNotFound, report_render

    try:
        _, pdf = report_render("visit", row.object_id)
    except (ReportNotFound, ReportBuildFailed):
        return []  # no PDF rather than a broken one; the coordinators were told of the failure
    return [(f"nithet-visit-report-{row.object_id[:8]}.pdf", pdf, "application/pdf")]
