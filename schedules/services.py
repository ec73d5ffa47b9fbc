"""Writes for schedules: create rounds, apply a plan, move and lock assignments, calendar feed tokens.

Every write runs in one transaction. Moves and re-plans keep an assignment's iCal `uid` and bump its
`sequence`, so a subscribed calendar updates the event instead of adding a second one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from schedules import conflicts as rules
from schedules import planner
from schedules.models import Assignment, CalendarFeed, Round, RoundSession, _new_token
from schedules.selectors import round_data


class MoveRefused(ValidationError):
    """A move or plan that would cause errors; `conflicts` explains them."""

    def __init__(self, conflicts: list[rules.Conflict]):
        self.conflicts = conflicts
        super().__init__([f"{c.message_th} / {c.message_en}" for c in conflicts])


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


def round_plan(*, round_: Round, time_limit: float = 20.0) -> tuple[rules.RoundData, planner.Plan]:
    """Plan a round without saving anything."""
    if not round_.sessions.exists():
        raise ValidationError("รอบนี้ยังไม่มีช่วงเวลา (session) / the round has no session yet")
    data = round_data(round_)
    return data, planner.plan(data, time_limit=time_limit)


def _slot_key(round_: Round, v) -> tuple:
    return (v.school_id, v.session_id) if round_.is_exam else (v.school_id,)


@transaction.atomic
def round_ensure_session(*, round_: Round) -> None:
    """Every round has at least one session: an all-day one unless the coordinator named others."""
    if not round_.sessions.exists():
        RoundSession.objects.create(round=round_, code="day", name="ทั้งวัน", order=1)


@transaction.atomic
def plan_apply(*, round_: Round, plan: planner.Plan, reason: str = "วางแผนใหม่ (re-planned)") -> dict:
    """Save a complete plan: reuse existing non-kept assignments of the same school (same uid), cancel the rest.

    Refuses an incomplete plan: a partial plan is never saved silently.
    """
    if not plan.complete:
        raise ValidationError(
            f"แผนไม่ครบ {len(plan.unplaced)} โรงเรียน จึงไม่บันทึก / "
            f"plan incomplete ({len(plan.unplaced)} not placed); nothing saved"
        )
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    existing = list(
        Assignment.objects.filter(round=round_)
        .active()
        .exclude(locked=True)
        .exclude(status=Assignment.Status.DONE)
        .order_by("date", "id")
    )
    reusable: dict[tuple, list[Assignment]] = defaultdict(list)
    for a in existing:
        reusable[_slot_key(round_, a)].append(a)
    created = updated = unchanged = 0
    for v in plan.new_visits:
        pool = reusable.get(_slot_key(round_, v))
        a = pool.pop(0) if pool else None
        if a is None:
            Assignment.objects.create(
                round=round_,
                committee_id=v.committee_id,
                school_id=v.school_id,
                date=v.date,
                session_id=v.session_id,
                day_order=v.day_order,
            )
            created += 1
            continue
        same = (a.committee_id, a.date, a.session_id) == (v.committee_id, v.date, v.session_id)
        if same and a.day_order == v.day_order:
            unchanged += 1
            continue
        a.committee_id, a.date, a.session_id, a.day_order = v.committee_id, v.date, v.session_id, v.day_order
        if not same:
            a.sequence += 1
            if a.status != Assignment.Status.PLANNED:
                a.status, a.status_reason = Assignment.Status.MOVED, reason
        a.save()
        updated += 1
    cancelled = 0
    for pool in reusable.values():
        for a in pool:
            a.status, a.status_reason, a.sequence = Assignment.Status.CANCELLED, reason, a.sequence + 1
            a.save(update_fields=["status", "status_reason", "sequence", "updated_at"])
            cancelled += 1
    return {"created": created, "updated": updated, "unchanged": unchanged, "cancelled": cancelled}


def _conflict_key(c: rules.Conflict) -> tuple:
    return (c.code, repr(sorted((k, repr(v)) for k, v in c.objects.items())))


def move_conflicts(
    *,
    assignment: Assignment,
    committee_id: int,
    date: datetime.date,
    session_id: int,
) -> list[rules.Conflict]:
    """The conflicts a move would add (those already there before the move are not counted)."""
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
    *, assignment: Assignment, committee_id: int, date: datetime.date, session_id: int, reason: str
) -> Assignment:
    """Move an assignment to another committee, day or session; refuses a move that causes an error."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not reason.strip():
        raise ValidationError({"reason": "ต้องระบุเหตุผลการย้าย / a reason for the move is required"})
    if not RoundSession.objects.filter(pk=session_id, round_id=assignment.round_id).exists():
        raise ValidationError({"session": "ไม่พบช่วงเวลานี้ในรอบ / no such session in this round"})
    caused = rules.errors(
        move_conflicts(assignment=assignment, committee_id=committee_id, date=date, session_id=session_id)
    )
    if caused:
        raise MoveRefused(caused)
    if (assignment.committee_id, assignment.date, assignment.session_id) == (committee_id, date, session_id):
        return assignment
    assignment.committee_id, assignment.date, assignment.session_id = committee_id, date, session_id
    assignment.status, assignment.status_reason = Assignment.Status.MOVED, reason.strip()
    assignment.sequence += 1
    assignment.save()
    return assignment


@transaction.atomic
def assignment_set_locked(*, assignment: Assignment, locked: bool) -> Assignment:
    Assignment.objects.filter(pk=assignment.pk).update(locked=locked)
    assignment.locked = locked
    return assignment


def assignment_mark_done(*, assignment_id: int) -> bool:
    """The visit of this assignment took place (its report was submitted): the plan shows it as done and the
    planner never moves it again. Bumps the calendar SEQUENCE so subscribers see the new state. One conditional
    UPDATE, so a repeat (a resubmission, a retried request) changes nothing."""
    return bool(
        Assignment.objects.filter(
            pk=assignment_id, status__in=[Assignment.Status.PLANNED, Assignment.Status.CONFIRMED]
        ).update(status=Assignment.Status.DONE, sequence=F("sequence") + 1, updated_at=timezone.now())
    )


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
    "MoveRefused",
    "assignment_move",
    "assignment_set_locked",
    "calendar_feed_get",
    "calendar_feed_revoke",
    "move_conflicts",
    "plan_apply",
    "round_create",
    "round_ensure_session",
    "round_plan",
]
