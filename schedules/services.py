"""Writes for schedules: create rounds, apply a plan, move and lock assignments, calendar feed tokens.

Every write runs in one transaction. Moves and re-plans keep an assignment's iCal `uid` and bump its
`sequence`, so a subscribed calendar updates the event instead of adding a second one.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from schedules import conflicts as rules
from schedules import lifecycle, planner
from schedules.days import be_date, be_numeric, counted_days
from schedules.errors import DomainError, InvalidInput, MoveRefused, PlanIncomplete, RoundNotPlannable
from schedules.models import Assignment, CalendarFeed, Round, RoundSession, _new_token
from schedules.selectors import round_data, round_target_schools


@transaction.atomic
def round_create(
    *,
    office,
    slug: str,
    title: str,
    kind: str,
    academic_year: int,
    start_date: datetime.date,
    end_date: datetime.date,
    sessions: list[tuple[str, str]] | None = None,
    **fields,
) -> Round:
    """A round with its sessions (default: one all-day session)."""
    round_ = Round(
        office=office,
        slug=slug,
        title=title,
        kind=kind,
        academic_year=academic_year,
        start_date=start_date,
        end_date=end_date,
        **fields,
    )
    round_.full_clean()
    round_.save()
    for order, (code, name) in enumerate(sessions or [("day", "ทั้งวัน")], start=1):
        RoundSession.objects.create(round=round_, code=code, name=name, order=order)
    return round_


def round_plannable(round_: Round) -> None:
    """Refuse, with what is wrong, a round that cannot be planned as set up (nothing is planned empty)."""
    if not round_.sessions.exists():
        raise RoundNotPlannable(
            "รอบนี้ยังไม่มีช่วงเวลา (เช่น ทั้งวัน ช่วงเช้า ช่วงบ่าย)",
            "the round has no session yet (e.g. all day, morning, afternoon)",
            code="no_session",
        )
    if round_.is_exam:
        outside = sorted(
            round_.exam_days.exclude(date__gte=round_.start_date, date__lte=round_.end_date).values_list(
                "date", flat=True
            )
        )
        if outside:
            raise RoundNotPlannable(
                "วันสอบอยู่นอกช่วงวันของรอบ: " + ", ".join(be_date(d) for d in outside),
                "exam day(s) outside the round's dates: " + ", ".join(be_numeric(d) for d in outside),
                code="exam_day_outside_window",
                fields={"exam_days": [be_date(d) for d in outside]},
            )
    if not counted_days(round_):
        raise RoundNotPlannable(
            f"ช่วงวันของรอบ {be_date(round_.start_date)} – {be_date(round_.end_date)} ไม่มีวันทำการ "
            "(เป็นวันหยุดสุดสัปดาห์ วันหยุดราชการ หรือวันงดออกนิเทศทั้งหมด)",
            f"the round's window {be_numeric(round_.start_date)} – {be_numeric(round_.end_date)} has no working "
            "day (only weekends, public holidays or office closures)",
            code="no_working_days",
            fields={"end_date": [_("ไม่มีวันทำการในช่วงนี้")]},
        )
    if not round_target_schools(round_).exists():
        if round_.is_exam:
            raise RoundNotPlannable(
                "รอบตรวจสนามสอบนี้ยังไม่มีสนามสอบ", "the exam round has no exam centres yet", code="no_centres"
            )
        raise RoundNotPlannable("รอบนี้ไม่มีโรงเรียนเป้าหมาย", "the round has no target schools", code="no_target_schools")


# Saving a plan writes each new or moved assignment and its history row: about this long per visit on a
# loaded 2-core machine (bench/planner.py measures it). A plan that will be saved keeps that time for it.
SAVE_SECONDS_PER_VISIT = 0.004


def round_plan(
    *, round_: Round, time_limit: float = 20.0, fresh: bool = False, progress=None, saving: bool = False
) -> tuple[rules.RoundData, planner.Plan]:
    """Plan a round without saving anything (refuses a round that cannot be planned).

    `time_limit` is the whole job's: reading the round, planning, and (`saving`) writing the plan afterwards,
    so the solver gets what is left of it."""
    started = time.perf_counter()
    if not time_limit or time_limit <= 0:
        raise InvalidInput(
            "เวลาในการคำนวณต้องมากกว่า 0 วินาที",
            "the time limit must be more than 0 seconds",
            fields={"time_limit": [_("ต้องมากกว่า 0 วินาที")]},
        )
    round_plannable(round_)
    data = round_data(round_)
    reserve = 0.0
    if saving:
        to_write = len(data.targets) * data.round.visits_per_school
        reserve = min(0.3 * time_limit, SAVE_SECONDS_PER_VISIT * to_write)
    left = max(0.5, time_limit - (time.perf_counter() - started) - reserve)
    return data, planner.plan(data, time_limit=left, fresh=fresh, progress=progress)


@transaction.atomic
def round_ensure_session(*, round_: Round) -> None:
    """Every round has at least one session: an all-day one unless the coordinator named others."""
    if not round_.sessions.exists():
        RoundSession.objects.create(round=round_, code="day", name="ทั้งวัน", order=1)


@dataclass(frozen=True)
class Place:
    committee: str
    date: datetime.date
    session: str

    @property
    def date_be(self) -> str:
        return be_date(self.date)


@dataclass(frozen=True)
class Change:
    """One change a re-plan would make: a new visit, a moved one (with why it had to move) or a cancelled one."""

    kind: str  # new / moved / cancelled
    school_id: int
    school: str
    assignment_id: int | None
    before: Place | None
    after: Place | None
    reason_code: str
    reason_th: str
    reason_en: str
    visit: rules.Visit | None = None

    def reason_for(self, language: str | None) -> str:
        return self.reason_en if (language or "").startswith("en") else self.reason_th


def plan_changes(data: rules.RoundData, plan: planner.Plan) -> list[Change]:
    """What saving `plan` would change, with a reason each (the preview the coordinator confirms).

    Visits that stay are not listed. A new visit of a school whose old visit had to move reuses that
    assignment (same calendar uid: subscribers see the event move); the displaced visits left over are
    cancelled."""
    sessions = {s.id: s.name for s in data.round.sessions}
    exam = data.round.is_exam
    by_id = {v.id: v for v in data.visits if v.id is not None}

    def place(v) -> Place:
        label = data.committees[v.committee_id].label if v.committee_id in data.committees else str(v.committee_id)
        return Place(label, v.date, sessions.get(v.session_id, ""))

    def key(v):
        return (v.school_id, v.session_id) if exam else (v.school_id,)

    pools: dict[tuple, list[int]] = defaultdict(list)
    for vid in sorted(plan.displaced, key=lambda i: (by_id[i].date, i) if i in by_id else (datetime.date.min, i)):
        if vid in by_id and not plan.displaced[vid].cancel:
            pools[key(by_id[vid])].append(vid)
    changes = []
    used = set()
    for v in plan.new_visits:
        school = data.schools[v.school_id].name
        pool = pools.get(key(v))
        if pool:
            vid = pool.pop(0)
            used.add(vid)
            old = by_id[vid]
            why = plan.displaced[vid]
            if (old.committee_id, old.date, old.session_id) == (v.committee_id, v.date, v.session_id):
                continue  # planned afresh onto the very same place: nothing changes for anyone
            changes.append(
                Change(
                    "moved", v.school_id, school, vid, place(old), place(v), why.code, why.message_th, why.message_en, v
                )
            )
        else:
            changes.append(
                Change(
                    "new",
                    v.school_id,
                    school,
                    None,
                    None,
                    place(v),
                    "coverage_missing",
                    "ยังไม่มีกำหนดการนิเทศ",
                    "not planned yet",
                    v,
                )
            )
    for vid, why in sorted(plan.displaced.items()):
        if vid in used or vid not in by_id:
            continue
        old = by_id[vid]
        changes.append(
            Change(
                "cancelled",
                old.school_id,
                data.schools[old.school_id].name if old.school_id in data.schools else str(old.school_id),
                vid,
                place(old),
                None,
                why.code,
                why.message_th,
                why.message_en,
            )
        )
    return changes


def changes_summary(changes: list[Change]) -> dict[str, int]:
    return {kind: sum(1 for c in changes if c.kind == kind) for kind in ("new", "moved", "cancelled")}


def changes_fingerprint(changes: list[Change]) -> str:
    """A short hash of a preview: the confirmation saves only the plan the coordinator saw."""
    text = repr(
        [
            (c.kind, c.school_id, c.assignment_id, c.after and (c.after.committee, c.after.date, c.after.session))
            for c in changes
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def round_replan_preview(
    *, round_: Round, time_limit: float = 20.0, fresh: bool = False
) -> tuple[rules.RoundData, planner.Plan, list[Change]]:
    """The dry run of a re-plan: the plan and the list of changes it would make, with reasons; saves nothing.

    Raises RoundNotPlannable when the round cannot be planned; an incomplete plan is returned (the page shows
    its `unplaced`), never saved."""
    data, plan_ = round_plan(round_=round_, time_limit=time_limit, fresh=fresh)
    return data, plan_, plan_changes(data, plan_)


@transaction.atomic
def plan_apply(*, round_: Round, plan: planner.Plan, data: rules.RoundData | None = None, user=None) -> dict:
    """Save a complete plan through the assignment lifecycle: new visits are created, displaced ones move
    (same uid, SEQUENCE bumped, the reason recorded) or are cancelled; visits that stay are not touched.

    Refuses an incomplete plan: a partial plan is never saved silently."""
    if not plan.complete:
        raise PlanIncomplete(
            f"แผนไม่ครบ ลงแผนไม่ได้ {len(plan.unplaced)} รายการ จึงไม่บันทึก",
            f"the plan is incomplete ({len(plan.unplaced)} not placed); nothing was saved",
            objects=plan.unplaced,
        )
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    data = data or round_data(round_)
    changes = plan_changes(data, plan)
    counts = {"created": 0, "moved": 0, "cancelled": 0}
    rows = Assignment.objects.in_bulk([c.assignment_id for c in changes if c.assignment_id])
    for change in changes:
        v = change.visit
        if change.kind == "new":
            Assignment.objects.create(
                round=round_,
                committee_id=v.committee_id,
                school_id=v.school_id,
                date=v.date,
                session_id=v.session_id,
                day_order=v.day_order,
            )
            counts["created"] += 1
        elif change.kind == "moved":
            lifecycle.transition(
                rows[change.assignment_id],
                "replan",
                reason=change.reason_th,
                user=user,
                committee_id=v.committee_id,
                date=v.date,
                session_id=v.session_id,
                day_order=v.day_order,
            )
            counts["moved"] += 1
        else:
            lifecycle.transition(rows[change.assignment_id], "cancel", reason=change.reason_th, user=user)
            counts["cancelled"] += 1
    counts["unchanged"] = len([v for v in plan.visits if v.id is not None])
    return counts


def _conflict_key(c: rules.Conflict) -> tuple:
    return (c.code, repr(sorted((k, repr(v)) for k, v in c.objects.items())))


def move_conflicts(
    *,
    assignment: Assignment,
    committee_id: int,
    date: datetime.date,
    session_id: int,
) -> list[rules.Conflict]:
    """The conflicts a move would add (those already there before the move are not counted), in this round
    and against the people's bookings in the office's other rounds."""
    round_ = assignment.round
    before = round_data(round_)
    moved = [
        v
        if v.id != assignment.id
        else rules.Visit(v.id, committee_id, v.school_id, date, session_id, v.day_order, v.locked, v.status)
        for v in before.visits
    ]
    if assignment.id not in {v.id for v in before.visits}:
        moved.append(rules.Visit(assignment.id, committee_id, assignment.school_id, date, session_id))
    after = round_data(round_, moved)
    old = {_conflict_key(c) for c in rules.check(before)}
    return [c for c in rules.check(after) if _conflict_key(c) not in old]


@transaction.atomic
def assignment_move(
    *, assignment: Assignment, committee_id: int, date: datetime.date, session_id: int, reason: str, user=None
) -> Assignment:
    """Move an assignment to another committee, day or session through the lifecycle (a visit that took place
    never moves); refuses a move that causes an error (MoveRefused lists the conflicts)."""
    assignment = Assignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    refusal = lifecycle.check(assignment.status, "move", reason=reason)
    if refusal:
        if refusal.code == "reason_required":
            raise InvalidInput(
                "ต้องระบุเหตุผลการย้าย", "a reason for the move is required", fields={"reason": [_("ต้องระบุเหตุผลการย้าย")]}
            )
        raise refusal.error(assignment.pk)
    if not RoundSession.objects.filter(pk=session_id, round_id=assignment.round_id).exists():
        raise InvalidInput(
            "ไม่พบช่วงเวลานี้ในรอบ", "no such session in this round", fields={"session": [_("ไม่พบช่วงเวลานี้ในรอบ")]}
        )
    if not assignment.round.committees.filter(pk=committee_id).exists():
        raise InvalidInput(
            "ไม่พบคณะนี้ในรอบ", "no such committee in this round", fields={"committee": [_("ไม่พบคณะนี้ในรอบ")]}
        )
    caused = rules.errors(
        move_conflicts(assignment=assignment, committee_id=committee_id, date=date, session_id=session_id)
    )
    if caused:
        raise MoveRefused(
            "ย้ายไม่ได้: " + "; ".join(c.message_th for c in caused),
            "the move is refused: " + "; ".join(c.message_en for c in caused),
            objects=caused,
        )
    if (assignment.committee_id, assignment.date, assignment.session_id) == (committee_id, date, session_id):
        return assignment
    return lifecycle.transition(
        assignment, "move", reason=reason, user=user, committee_id=committee_id, date=date, session_id=session_id
    )


@transaction.atomic
def assignment_set_locked(*, assignment: Assignment, locked: bool, user=None) -> Assignment:
    """Pin (or unpin) an assignment through the lifecycle (`lock` / `unlock`): the planner never moves a locked
    one. Refused for a visit that took place or a cancelled one, and when it is already so; no SEQUENCE bump."""
    return lifecycle.transition(assignment, "lock" if locked else "unlock", user=user)


@transaction.atomic
def assignment_act(
    *,
    assignment: Assignment,
    action: str,
    reason: str = "",
    user=None,
    committee_id: int | None = None,
    date: datetime.date | None = None,
    session_id: int | None = None,
) -> Assignment:
    """One lifecycle action on an assignment as the API asks for it: `move` runs the move's checks (conflicts
    in this and the office's other rounds), `lock` / `unlock` pin it, `confirm` and `cancel` change its status;
    `replan` and `done` belong to the planner and to visit submission and are refused here."""
    if action == "move":
        fields = {
            name: [_("ต้องระบุ")]
            for name, value in (("committee", committee_id), ("date", date), ("session", session_id))
            if value is None
        }
        if fields:
            raise InvalidInput(fields=fields)
        return assignment_move(
            assignment=assignment,
            committee_id=committee_id,
            date=date,
            session_id=session_id,
            reason=reason,
            user=user,
        )
    if action in ("replan", "done") or action not in lifecycle.ACTIONS:
        raise InvalidInput(fields={"action": [_("การดำเนินการ %(action)s ทำที่นี่ไม่ได้") % {"action": action}]})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    refusal = lifecycle.check(assignment.status, action, reason=reason, locked=assignment.locked)
    if refusal and refusal.code == "reason_required":
        raise InvalidInput(fields={"reason": [_("ต้องระบุเหตุผล")]})
    return lifecycle.transition(assignment, action, reason=reason, user=user)


def assignment_mark_done(*, assignment_id: int) -> bool:
    """The visit of this assignment took place (its report was submitted): done from planned, confirmed or
    moved alike, through the lifecycle (one conditional UPDATE, SEQUENCE bumped). A repeat changes nothing."""
    return lifecycle.mark_done(assignment_id)


def change_as_dict(change: Change) -> dict:
    def place(p):
        return (
            None
            if p is None
            else {"committee": p.committee, "date": p.date.isoformat(), "date_be": p.date_be, "session": p.session}
        )

    return {
        "kind": change.kind,
        "school": change.school,
        "assignment": change.assignment_id,
        "before": place(change.before),
        "after": place(change.after),
        "reason_code": change.reason_code,
        "reason_th": change.reason_th,
        "reason_en": change.reason_en,
    }


def preview_as_dict(plan_: planner.Plan, changes: list[Change], data: rules.RoundData) -> dict:
    """The preview in plain JSON (what the worker stores on a PlanRun and the page shows). `planned` is the
    number of visits planned before the re-plan, so the confirmation can say "moves 16 of 20 visits"."""
    planned = sum(1 for v in data.visits if v.id is not None)
    return {
        "summary": {**changes_summary(changes), "planned": planned},
        "changes": [change_as_dict(c) for c in changes],
        "fingerprint": changes_fingerprint(changes),
        "complete": plan_.complete,
        "unplaced": [
            {"code": u.code, "reason": u.reason, "message_th": u.message_th, "message_en": u.message_en}
            for u in plan_.unplaced
        ],
        "total_km": plan_.total_km,
        "seconds": round(plan_.seconds, 2),
        "engine": plan_.engine,
        "note": plan_.note,
    }


def plan_run_start(*, round_: Round, user=None, fresh: bool = False, apply: bool = False, fingerprint: str = ""):
    """Queue a re-plan in the worker (after this transaction commits); returns the PlanRun the page polls."""
    from schedules.models import PlanRun
    from schedules.tasks import replan_round

    run = PlanRun.objects.create(
        round=round_,
        requested_by=user if user and user.is_authenticated else None,
        fresh=fresh,
        apply=apply,
        fingerprint=fingerprint,
    )
    transaction.on_commit(lambda: replan_round.delay(run.pk))
    return run


def plan_run_execute(*, run_id: int) -> str:
    """The worker's side of a PlanRun: claim it (queued → running, one conditional UPDATE, so a redelivered
    task does nothing), plan with progress, store the preview; save the plan when the run was a confirmation
    and the plan is still the one the coordinator confirmed."""
    from django.utils import timezone

    from schedules.models import PlanRun

    if not PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(status=PlanRun.Status.RUNNING):
        return "not queued"
    run = PlanRun.objects.select_related("round__office", "requested_by").get(pk=run_id)

    def progress(fraction, step):
        PlanRun.objects.filter(pk=run_id).update(progress=round(fraction, 3), step=step[:100])

    try:
        data, plan_ = round_plan(round_=run.round, fresh=run.fresh, progress=progress, saving=run.apply)
        changes = plan_changes(data, plan_)
        result = preview_as_dict(plan_, changes, data)
        if run.apply:
            if result["fingerprint"] != run.fingerprint:
                result["stale"] = True  # the plan changed since the coordinator saw it: show the new preview
            elif plan_.complete:
                result["applied"] = plan_apply(round_=run.round, plan=plan_, data=data, user=run.requested_by)
        status = PlanRun.Status.DONE
    except DomainError as exc:
        result, status = {"error": exc.as_dict()}, PlanRun.Status.FAILED
    PlanRun.objects.filter(pk=run_id).update(status=status, result=result, progress=1.0, finished_at=timezone.now())
    return status


@transaction.atomic
def calendar_feed_get(*, person=None, committee=None) -> CalendarFeed:
    """The feed of a person or a committee, created on first use."""
    if (person is None) == (committee is None):
        raise ValueError("give exactly one of person or committee")
    feed, _ = CalendarFeed.objects.get_or_create(person=person, committee=committee)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    """Revoke the old link by giving the feed a new token."""
    feed.token = _new_token()
    feed.save(update_fields=["token", "rotated_at"])
    return feed


__all__ = [
    "Change",
    "MoveRefused",
    "assignment_act",
    "assignment_mark_done",
    "assignment_move",
    "assignment_set_locked",
    "calendar_feed_get",
    "calendar_feed_revoke",
    "changes_fingerprint",
    "changes_summary",
    "move_conflicts",
    "plan_apply",
    "plan_changes",
    "round_create",
    "round_ensure_session",
    "round_plan",
    "round_plannable",
    "round_replan_preview",
]
