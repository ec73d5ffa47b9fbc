"""The lifecycle of an assignment: a transitions table, a pure check that explains refusals, and the claim as
one conditional UPDATE (the same design as `visits.workflow`).

    planned ──confirm──▶ confirmed ──replan──▶ planned   (the planner had to move it: confirm again)
       │                    │
       └──move──▶ moved ◀───┘ move                      (a coordinator's move, with its reason: the
                    │                                    planner keeps it unless it breaks a rule)
    planned / confirmed / moved ──done──▶ done           (the visit took place: its report was submitted)
    planned / confirmed / moved ──cancel──▶ cancelled
    planned / confirmed / moved ──lock / unlock──▶ the same status, pinned / unpinned (the planner never moves
                                                   a locked visit; the calendar event does not change)

- A visit that took place (`done`) is never moved, re-planned or cancelled, whatever state it was in before:
  a moved visit that is then visited becomes done like any other.
- A cancelled assignment is history: it is never revived (a re-plan creates a new one).
- Every change of committee, date or session bumps the calendar SEQUENCE, so subscribed calendars update the
  event; the claim `UPDATE … WHERE status = seen AND sequence = seen` means two writers never both win.

Everyone changes an assignment through `transition()`: the planner's `plan_apply`, the plan page's moves,
the admin (which shows committee, date and session read-only and links to the plan page), visit submission
(`mark_done`) and the API.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from schedules.errors import AssignmentRefused, AssignmentStale
from schedules.models import Assignment
from supervision import lifecycle

S = Assignment.Status

# (from status, action) -> status after. Actions: confirm (the committee accepts), move (a coordinator, with a
# reason), replan (the planner had to move it; a planned visit stays planned), done (the visit took place),
# cancel (with a reason).
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PLANNED, "confirm"): S.CONFIRMED,
    (S.PLANNED, "move"): S.MOVED,
    (S.CONFIRMED, "move"): S.MOVED,
    (S.MOVED, "move"): S.MOVED,
    (S.PLANNED, "replan"): S.PLANNED,
    (S.CONFIRMED, "replan"): S.PLANNED,  # the committee confirms the new date again
    (S.MOVED, "replan"): S.MOVED,
    (S.PLANNED, "done"): S.DONE,
    (S.CONFIRMED, "done"): S.DONE,
    (S.MOVED, "done"): S.DONE,
    (S.PLANNED, "cancel"): S.CANCELLED,
    (S.CONFIRMED, "cancel"): S.CANCELLED,
    (S.MOVED, "cancel"): S.CANCELLED,
    (S.PLANNED, "lock"): S.PLANNED,
    (S.CONFIRMED, "lock"): S.CONFIRMED,
    (S.MOVED, "lock"): S.MOVED,
    (S.PLANNED, "unlock"): S.PLANNED,
    (S.CONFIRMED, "unlock"): S.CONFIRMED,
    (S.MOVED, "unlock"): S.MOVED,
}
REASON_REQUIRED = {"move", "replan", "cancel"}
PLACE_CHANGING = {"move", "replan"}
LOCKING = {"lock": True, "unlock": False}  # the action -> the lock it leaves
ACTIONS = sorted({action for _, action in TRANSITIONS})


def _action_label(action: str) -> str:
    return {
        "confirm": _("ยืนยัน"),
        "move": _("ย้าย"),
        "replan": _("วางแผนใหม่"),
        "done": _("บันทึกว่าดำเนินการแล้ว"),
        "cancel": _("ยกเลิก"),
        "lock": _("ล็อก"),
        "unlock": _("ปลดล็อก"),
    }.get(action, action)


@dataclass(frozen=True)
class Refusal(lifecycle.Refusal):
    """The shared refusal, raised as `AssignmentRefused` naming the assignment."""

    def error(self, assignment_id: int | None = None) -> AssignmentRefused:
        return super().error(AssignmentRefused, objects=[assignment_id] if assignment_id else [])


def check(status: str, action: str, *, reason: str = "", locked: bool = False) -> Refusal | None:
    """Why `action` is refused for an assignment in `status`; None when it is allowed. Pure."""
    if action not in ACTIONS:
        return Refusal("unknown_action", f"ไม่รู้จักการดำเนินการ {action!r}", f"unknown action {action!r}")
    if (status, action) not in TRANSITIONS:
        if status == S.DONE:
            return Refusal(
                "already_done",
                "การนิเทศครั้งนี้ดำเนินการแล้ว จึงย้ายหรือยกเลิกไม่ได้",
                "this visit already took place; it cannot be moved or cancelled",
            )
        if status == S.CANCELLED:
            return Refusal("cancelled", "รายการนี้ถูกยกเลิกแล้ว", "this assignment was cancelled; plan a new one instead")
        return Refusal(
            "not_allowed",
            f"รายการสถานะ {S(status).label} ทำรายการ{_action_label(action)}ไม่ได้",
            f"an assignment that is {status} cannot be given '{action}'",
        )
    if action == "replan" and locked:
        return Refusal("locked", "รายการนี้ถูกล็อก การวางแผนอัตโนมัติจึงไม่ย้าย", "the assignment is locked")
    if action == "lock" and locked:
        return Refusal("already_locked", "รายการนี้ล็อกอยู่แล้ว", "the assignment is already locked")
    if action == "unlock" and not locked:
        return Refusal("not_locked", "รายการนี้ไม่ได้ล็อกอยู่", "the assignment is not locked")
    if action in REASON_REQUIRED and not (reason or "").strip():
        return Refusal("reason_required", "ต้องระบุเหตุผล", "a reason is required")
    return None


def transition(
    assignment: Assignment,
    action: str,
    *,
    reason: str = "",
    user=None,
    committee_id: int | None = None,
    date: datetime.date | None = None,
    session_id: int | None = None,
    day_order: int | None = None,
) -> Assignment:
    """Apply `action` to `assignment` (as the caller last read it) or raise AssignmentRefused / AssignmentStale.

    The write is claimed with `UPDATE … WHERE status = seen AND sequence = seen AND locked = seen`: if anyone
    changed the assignment since it was read, nothing is written and the caller is told. Lock and unlock
    change only the pin: no new status, no SEQUENCE bump (the calendar event is the same)."""
    refusal = check(assignment.status, action, reason=reason, locked=assignment.locked)
    if refusal:
        raise refusal.error(assignment.pk)
    to = TRANSITIONS[(assignment.status, action)]
    changes: dict = {"status": to, "updated_at": timezone.now()}
    if action in REASON_REQUIRED:
        changes["status_reason"] = reason.strip()[:300]
    bump = action in ("done", "cancel", "confirm")
    if action in LOCKING:
        changes["locked"] = LOCKING[action]
    if action in PLACE_CHANGING:
        place = {
            "committee_id": assignment.committee_id if committee_id is None else committee_id,
            "date": assignment.date if date is None else date,
            "session_id": assignment.session_id if session_id is None else session_id,
        }
        moved = place != {
            "committee_id": assignment.committee_id,
            "date": assignment.date,
            "session_id": assignment.session_id,
        }
        changes.update(place)
        if day_order is not None:
            changes["day_order"] = day_order
        if not moved:
            # Only the order in the day changes: no new status, no calendar update for subscribers.
            changes["status"] = assignment.status
            changes.pop("status_reason", None)
        bump = moved
    if bump:
        changes["sequence"] = F("sequence") + 1
    claimed = Assignment.objects.filter(
        pk=assignment.pk, status=assignment.status, sequence=assignment.sequence, locked=assignment.locked
    ).update(**changes)
    if claimed != 1:
        raise AssignmentStale(objects=[assignment.pk])
    assignment.refresh_from_db()
    # simple-history does not see queryset updates: record the new state explicitly.
    Assignment.history.bulk_history_create(
        [assignment], update=True, default_user=user, default_change_reason=(reason or action)[:100]
    )
    return assignment


def mark_done(assignment_id: int) -> bool:
    """The visit took place (its report was submitted): done from every status the table allows (planned,
    confirmed, moved), SEQUENCE bumped, as one conditional UPDATE — visit submission pays one query. A repeat
    (a resubmission, a retried request) or a cancelled assignment changes nothing and returns False."""
    from_statuses = [frm for (frm, action) in TRANSITIONS if action == "done"]
    return bool(
        Assignment.objects.filter(pk=assignment_id, status__in=from_statuses).update(
            status=TRANSITIONS[(S.PLANNED, "done")], sequence=F("sequence") + 1, updated_at=timezone.now()
        )
    )
