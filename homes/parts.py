"""The parts a role home is made of: one function per part, each reading only through the access rules
(`visits.selectors.visits_for_user` / `followups_for_user`, `schedules.selectors.rounds_for_user`,
`supervision.access.committees_of` / `is_office_manager`), and each a fixed number of queries whatever the
number of rows (the homes stay within 20 queries; `bench/pages.py` measures them).

Lists go by round and state, not only by today's date: a supervisor whose round lies in the past or the
future still sees the round's visits, each with its state.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from schedules.days import be_date
from schedules.models import Assignment, Round
from schedules.selectors import ANNOUNCED, rounds_for_user
from supervision.access import committees_of, office_ids_for_user
from supervision.models import Membership, School
from visits.models import FollowUp, Visit, VisitTransition
from visits.selectors import followups_for_user, visits_for_user

V = Visit.Status
FIELD_APP = "/field/"
DUE_SOON_DAYS = 14

# What a supervisor has to do about one planned visit, by the state of its record.
STATE_LABELS = {
    "todo": _("ยังไม่ได้บันทึก"),
    V.DRAFT: _("ร่าง"),
    V.SUBMITTED: _("ส่งแล้ว รอตรวจ"),
    V.RETURNED: _("ส่งกลับให้แก้ไข"),
    V.APPROVED: _("อนุมัติแล้ว"),
    V.ACKNOWLEDGED: _("โรงเรียนรับทราบแล้ว"),
}
ROUND_STATUS_LABELS = {
    Round.Status.DRAFT: _("ร่าง"),
    Round.Status.PUBLISHED: _("ประกาศแล้ว"),
    Round.Status.CLOSED: _("ปิดรอบ"),
}
FOLLOWUP_LABELS = {
    FollowUp.Status.OPEN: _("ยังไม่ดำเนินการ"),
    FollowUp.Status.IN_PROGRESS: _("กำลังดำเนินการ"),
    FollowUp.Status.DONE: _("ดำเนินการแล้ว"),
    FollowUp.Status.VERIFIED: _("ตรวจสอบแล้ว"),
}


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def map_link(school: School) -> str:
    if school.latitude is None or school.longitude is None:
        return ""
    return f"https://www.google.com/maps/search/?api=1&query={school.latitude:.6f},{school.longitude:.6f}"


def field_link(assignment_id: int | None = None) -> str:
    """The way into the field app (the tablet island at /field/) for one planned visit."""
    return f"{FIELD_APP}visits/{assignment_id}" if assignment_id else FIELD_APP


def focus_round(rounds: list[Round], today: datetime.date) -> Round | None:
    """The round a person is working in: the one under way today, else the next to start, else the latest."""
    if not rounds:
        return None
    ongoing = [r for r in rounds if r.start_date <= today <= r.end_date]
    if ongoing:
        return min(ongoing, key=lambda r: r.end_date)
    upcoming = [r for r in rounds if r.start_date > today]
    if upcoming:
        return min(upcoming, key=lambda r: r.start_date)
    return max(rounds, key=lambda r: (r.end_date, r.pk))


def _returned_comments(visit_ids) -> dict:
    """The comment of the latest return of each visit (the chair's reason)."""
    out = {}
    rows = VisitTransition.objects.filter(visit_id__in=list(visit_ids), to_status=V.RETURNED).order_by("at", "id")
    for t in rows.select_related("by__person"):
        out[t.visit_id] = (t.comment, getattr(getattr(t.by, "person", None), "full_name", "") or t.by.get_username())
    return out


# --- supervisor: my visits --------------------------------------------------------------------------------
@dataclass
class PlannedVisit:
    assignment: Assignment
    state: str
    visit: Visit | None
    returned_comment: str = ""
    returned_by: str = ""
    followups: list = field(default_factory=list)
    last_recommendations: list = field(default_factory=list)
    last_visit_date: str = ""

    @property
    def state_label(self):
        return state_label(self.state)

    @property
    def date_label(self):
        return be_date(self.assignment.date)

    @property
    def map_link(self):
        return map_link(self.assignment.school)

    @property
    def field_link(self):
        return field_link(self.assignment.pk)

    @property
    def director(self):
        return self.assignment.school.director


def my_visits(user, today: datetime.date) -> dict | None:
    """The visits a supervisor's committees are planned to make: today, this week, and the round they work in."""
    mine = committees_of(user)
    rounds = list(
        rounds_for_user(user).filter(
            pk__in=Round.committees.through.objects.filter(committee__in=mine).values("round_id")
        )
    )
    if not rounds:
        return None
    current = focus_round(rounds, today)
    week_start = today - datetime.timedelta(days=today.weekday())
    week_end = week_start + datetime.timedelta(days=6)
    assignments = list(
        Assignment.objects.active()
        .filter(committee__in=mine, round__in=[r.pk for r in rounds])
        .filter(Q(round=current) | Q(date__range=(week_start, week_end)))
        .select_related("school__director", "round", "session", "committee")
        .order_by("date", "session__order", "day_order", "id")
    )
    visits = {v.assignment_id: v for v in visits_for_user(user).filter(assignment__in=[a.pk for a in assignments])}
    returned = _returned_comments(v.pk for v in visits.values() if v.status == V.RETURNED)
    schools = {a.school_id for a in assignments}
    open_followups = defaultdict(list)
    for fu in (
        followups_for_user(user)
        .filter(school__in=schools, status__in=FollowUp.OPEN_STATUSES)
        .order_by("due_date", "id")
    ):
        open_followups[fu.school_id].append(fu)
    this_round = {v.pk for v in visits.values()}
    last = {}
    for v in (
        visits_for_user(user)
        .filter(school__in=schools, status__in=(V.APPROVED, V.ACKNOWLEDGED))
        .exclude(pk__in=this_round)
        .order_by("school_id", "-approved_at")
        .only("id", "school_id", "recommendations", "approved_at")
    ):
        last.setdefault(v.school_id, v)
    rows = []
    for a in assignments:
        v = visits.get(a.pk)
        comment, by = returned.get(v.pk, ("", "")) if v else ("", "")
        prev = last.get(a.school_id)
        rows.append(
            PlannedVisit(
                assignment=a,
                state=v.status if v else "todo",
                visit=v,
                returned_comment=comment,
                returned_by=by,
                followups=open_followups.get(a.school_id, []),
                last_recommendations=list(prev.recommendations or []) if prev else [],
                last_visit_date=be_date(prev.approved_at.date()) if prev and prev.approved_at else "",
            )
        )
    counts = Counter(r.state for r in rows if r.assignment.round_id == current.pk)
    return {
        "round": current,
        "round_dates": f"{be_date(current.start_date)} – {be_date(current.end_date)}",
        "today": [r for r in rows if r.assignment.date == today],
        "week": [r for r in rows if week_start <= r.assignment.date <= week_end and r.assignment.date != today],
        "round_rows": [r for r in rows if r.assignment.round_id == current.pk],
        "counts": [(state, state_label(state), counts.get(state, 0)) for state in STATE_LABELS],
        "field_link": FIELD_APP,
    }


# --- chair: reviews ---------------------------------------------------------------------------------------
def reviews(user) -> dict | None:
    """Visits of the committees I chair: waiting for my review, and returned ones waiting for their authors."""
    chaired = Membership.objects.filter(person__user=user, role=Membership.Role.CHAIR).values("committee_id")
    if not chaired.exists():
        return None
    rows = list(
        visits_for_user(user)
        .filter(committee__in=chaired, status__in=(V.SUBMITTED, V.RETURNED))
        .select_related("school", "committee", "assignment", "created_by__person")
        .order_by("submitted_at", "id")
    )
    returned = _returned_comments(v.pk for v in rows if v.status == V.RETURNED)
    return {
        "waiting": [v for v in rows if v.status == V.SUBMITTED],
        "returned": [(v, *returned.get(v.pk, ("", ""))) for v in rows if v.status == V.RETURNED],
    }


# --- coordinator and office director: rounds with progress ------------------------------------------------
@dataclass
class RoundProgress:
    round: Round
    planned: int
    by_state: dict
    conflicts: int | None = None
    errors: int | None = None

    @property
    def done(self):
        return self.by_state.get(V.APPROVED, 0) + self.by_state.get(V.ACKNOWLEDGED, 0)

    @property
    def percent(self):
        return round(100 * self.done / self.planned) if self.planned else 0

    @property
    def submitted(self):
        return self.by_state.get(V.SUBMITTED, 0)

    @property
    def recorded(self):
        return sum(self.by_state.values())

    @property
    def status_label(self):
        return ROUND_STATUS_LABELS.get(self.round.status, self.round.status)

    @property
    def dates(self):
        return f"{be_date(self.round.start_date)} – {be_date(self.round.end_date)}"


def round_progress(user, today: datetime.date, *, with_conflicts: bool) -> list[RoundProgress]:
    """Every round the user sees with its planned and recorded visits; the conflicts of the round being
    worked in (the plan page checks the others)."""
    rounds = list(rounds_for_user(user).order_by("-start_date", "id"))
    planned = dict(
        Assignment.objects.active()
        .filter(round__in=[r.pk for r in rounds])
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    states = defaultdict(dict)
    for round_id, status, n in (
        visits_for_user(user)
        .filter(round__in=[r.pk for r in rounds])
        .values("round_id", "status")
        .annotate(n=Count("id"))
        .values_list("round_id", "status", "n")
    ):
        states[round_id][status] = n
    out = [RoundProgress(r, planned.get(r.pk, 0), states.get(r.pk, {})) for r in rounds]
    if with_conflicts:
        from schedules import conflicts as rules
        from schedules.selectors import round_data

        working = focus_round([r for r in rounds if r.status != Round.Status.CLOSED], today)
        for p in out:
            if working is not None and p.round.pk == working.pk:
                found = rules.check(round_data(p.round))
                p.conflicts, p.errors = len(found), len(rules.errors(found))
    return out


def failed_notifications(user, limit: int = 5) -> dict:
    """Messages the worker gave up on (their recipients never got them), newest first."""
    from worker.models import Notification

    qs = Notification.objects.filter(
        status=Notification.Status.FAILED, recipient__office_id__in=office_ids_for_user(user) or []
    )
    rows = list(qs.select_related("recipient").order_by("-due_at", "-id")[:limit])
    return {"count": len(rows) if len(rows) < limit else qs.count(), "rows": rows}


def waiting_for_approval(user, limit: int = 10) -> dict:
    qs = visits_for_user(user).filter(status=V.SUBMITTED)
    rows = list(qs.select_related("school", "committee", "round").order_by("submitted_at", "id")[:limit])
    return {"count": len(rows) if len(rows) < limit else qs.count(), "rows": rows}


# --- school director ---------------------------------------------------------------------------------------
def my_school(user, today: datetime.date) -> dict | None:
    schools = list(School.objects.filter(director__user=user).order_by("name_th"))
    if not schools:
        return None
    visits = list(
        visits_for_user(user)
        .filter(school__in=schools)
        .select_related("school", "round", "committee", "assignment")
        .order_by("-approved_at", "-id")
    )
    planned = list(
        Assignment.objects.active()
        .filter(school__in=schools, round__in=rounds_for_user(user))
        .exclude(visits__status__in=(V.APPROVED, V.ACKNOWLEDGED))
        .select_related("round", "committee", "session", "school")
        .order_by("date", "id")
    )
    followups = list(
        followups_for_user(user)
        .filter(school__in=schools)
        .exclude(status=FollowUp.Status.VERIFIED)
        .select_related("school", "source_visit__round")
        .order_by("due_date", "id")
    )
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    still_open = [f for f in followups if f.status in FollowUp.OPEN_STATUSES]
    return {
        "schools": schools,
        "visits": visits,
        "planned": planned,
        "to_acknowledge": [v for v in visits if v.status == V.APPROVED],
        "overdue": [f for f in still_open if f.due_date and f.due_date < today],
        "due": [f for f in still_open if f.due_date and today <= f.due_date <= soon],
        "later": [f for f in still_open if not f.due_date or f.due_date > soon],
        "answered": [f for f in followups if f.status == FollowUp.Status.DONE],
    }


# --- ก.ต.ป.น. member -----------------------------------------------------------------------------------------
def my_committees(user) -> dict | None:
    committees = list(committees_of(user).order_by("kind", "number", "name").distinct())
    if not committees:
        return None
    rounds = defaultdict(list)
    visible = rounds_for_user(user)
    through = Round.committees.through.objects.filter(committee__in=[c.pk for c in committees], round__in=visible)
    for row in through.select_related("round").order_by("-round__start_date"):
        rounds[row.committee_id].append(row.round)
    visits = list(
        visits_for_user(user)
        .filter(committee__in=[c.pk for c in committees])
        .select_related("school", "committee", "round", "assignment")
        .order_by("-assignment__date", "-id")[:20]
    )
    return {"committees": [(c, rounds.get(c.pk, [])) for c in committees], "visits": visits}


# --- viewer: published results -------------------------------------------------------------------------------
def published_results(user) -> list[dict]:
    rounds = list(rounds_for_user(user).filter(status__in=ANNOUNCED).order_by("-start_date", "id"))
    stats = {
        row["round_id"]: row
        for row in visits_for_user(user)
        .filter(round__in=[r.pk for r in rounds], status__in=(V.APPROVED, V.ACKNOWLEDGED))
        .values("round_id")
        .annotate(n=Count("id"), avg=Avg("score"), schools=Count("school", distinct=True))
    }
    return [
        {
            "round": r,
            "dates": f"{be_date(r.start_date)} – {be_date(r.end_date)}",
            "visits": stats.get(r.pk, {}).get("n", 0),
            "schools": stats.get(r.pk, {}).get("schools", 0),
            "average": stats.get(r.pk, {}).get("avg"),
        }
        for r in rounds
    ]
