"""The lifecycle of an action a resolution gave someone (งานตามมติ), in the shape of `visits.workflow`: a
transitions table, a pure check returning a refusal with its reason, and the move claimed with one
conditional UPDATE (a second request that saw the same state is told it changed).

    open ──start──▶ in_progress ──done──▶ done
      └──────────────done─────────────────▲  │
                  in_progress ◀──reopen───┘  (with the reason)

- start / done: the owner, or the committee's secretary or a coordinator on the owner's behalf; the owner
  may also report progress (a dated note) while the action is open or in progress. Done needs a note
  saying what was done.
- reopen: the secretary or a coordinator, with the reason.
Each accepted move or progress note adds a dated line to the action's log (`notes`), and the history
records who did it. Open and in-progress actions are reminded and escalated by the worker
(`meetings.events.MeetingActions`); a done one is no longer owed a reminder.
"""

from django.db import transaction
from django.utils import timezone

from meetings import selectors
from meetings.models import MeetingAction
from supervision.access import person_for_user
from supervision.errors import InvalidInput, NotFound, StaleVersion
from supervision.lifecycle import Refusal, not_allowed, wrong_role

A = MeetingAction.Status

TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (A.OPEN, A.IN_PROGRESS): ("start", frozenset({"owner", "secretary", "coordinator"})),
    (A.OPEN, A.DONE): ("done", frozenset({"owner", "secretary", "coordinator"})),
    (A.IN_PROGRESS, A.DONE): ("done", frozenset({"owner", "secretary", "coordinator"})),
    (A.DONE, A.IN_PROGRESS): ("reopen", frozenset({"secretary", "coordinator"})),
}
ACTION_LABELS = {
    "start": ("เริ่มดำเนินการ", "start"),
    "done": ("รายงานว่าดำเนินการแล้ว", "report done"),
    "reopen": ("ให้ดำเนินการต่อ", "reopen"),
    "progress": ("รายงานความคืบหน้า", "report progress"),
}
NOTE_MAX = 2000
_ROLE_NAMES = {
    "owner": ("ผู้รับผิดชอบ", "the owner"),
    "secretary": ("เลขานุการของคณะ", "the committee's secretary"),
    "coordinator": ("ผู้ประสานงานของเขต", "an office coordinator"),
}


def action_relations(action: MeetingAction, user) -> frozenset[str]:
    """How `user` stands to `action`: its owner, the raising committee's secretary, an office coordinator."""
    from meetings.workflow import actor_relations

    rel = set(actor_relations(action.resolution.item.meeting, user) & {"secretary", "coordinator"})
    person = person_for_user(user)
    if person is not None and action.owner_id == person.pk:
        rel.add("owner")
    return frozenset(rel)


def check_action_transition(status: str, to: str, relations: frozenset[str], *, note: str = "") -> Refusal | None:
    """Why moving an action from `status` to `to` is refused for an actor in `relations`; None if allowed.
    `to` may be "progress": a note without a move, allowed to whoever may start it while it is not done. Pure."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        return Refusal("note_too_long", f"บันทึกยาวเกิน {NOTE_MAX:,} ตัวอักษร", f"the note is over {NOTE_MAX:,} characters")
    if to == "progress":
        if status == A.DONE:
            return Refusal("already_done", "งานนี้ดำเนินการแล้ว", "this action is already done")
        who = TRANSITIONS[(A.OPEN, A.IN_PROGRESS)][1]
        if not relations & who:
            return wrong_role(
                action="report progress on",
                action_th=ACTION_LABELS["progress"][0],
                allowed=who,
                role_names=_ROLE_NAMES,
                noun_en="action",
            )
        if not note:
            return Refusal("note_required", "ต้องระบุความคืบหน้า", "say what progress was made")
        return None
    if to not in A.values:
        return Refusal("unknown_status", f"ไม่รู้จักสถานะ {to}", f"unknown status {to}")
    rule = TRANSITIONS.get((status, to))
    if rule is None:
        return not_allowed("action", A(status).label, A(to).label, status, to)
    action, who = rule
    if not relations & who:
        return wrong_role(
            action=action, action_th=ACTION_LABELS[action][0], allowed=who, role_names=_ROLE_NAMES, noun_en="action"
        )
    if action == "done" and not note:
        return Refusal("note_required", "ต้องระบุผลการดำเนินงาน", "say what was done")
    if action == "reopen" and not note:
        return Refusal("reason_required", "ต้องระบุเหตุผลที่ให้ดำเนินการต่อ", "give the reason for reopening")
    return None


def allowed_moves(action: MeetingAction, relations: frozenset[str]) -> list[tuple[str, str]]:
    """(to, label key) the actor may take now, "progress" included (before the note check)."""
    moves = [(to, name) for (frm, to), (name, who) in TRANSITIONS.items() if frm == action.status and relations & who]
    if action.status != A.DONE and relations & TRANSITIONS[(A.OPEN, A.IN_PROGRESS)][1]:
        moves.append(("progress", "progress"))
    return moves


def _log_line(user, label: str, note: str) -> str:
    from visits.reports.thaitext import be_date

    now = timezone.localtime()
    person = person_for_user(user)
    who = person.full_name if person is not None else user.get_username()
    return f"{be_date(now.date())} {now:%H.%M} น. {who} — {label}" + (f": {note}" if note else "")


@transaction.atomic
def action_transition(*, action_id, user, to: str, note: str = "") -> MeetingAction:
    """Move an action (start, done, reopen) or add a progress note ("progress"); raises the refusal.
    NotFound (404) when the user may not see it; StaleVersion (412) when it changed since it was read."""
    action = (
        selectors.actions_for_user(user)
        .select_related("resolution__item__meeting", "owner")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise NotFound()
    note = (note or "").strip()
    if to not in A.values and to != "progress":
        raise InvalidInput(fields={"to": ["สถานะไม่ถูกต้อง / invalid status"]})
    refusal = check_action_transition(action.status, to, action_relations(action, user), note=note)
    if refusal:
        raise refusal.error()
    name = "progress" if to == "progress" else TRANSITIONS[(action.status, to)][0]
    line = _log_line(user, ACTION_LABELS[name][0], note)
    changes = {"notes": f"{action.notes}\n{line}".strip()}
    if to != "progress":
        changes["status"] = to
        changes["done_at"] = timezone.now() if to == A.DONE else None
    claimed = MeetingAction.objects.filter(pk=action.pk, status=action.status, notes=action.notes).update(**changes)
    if claimed != 1:
        raise StaleVersion("งานนี้ถูกเปลี่ยนโดยผู้อื่นแล้ว กรุณาโหลดใหม่", "the action was changed elsewhere; reload and try again")
    action.refresh_from_db()
    MeetingAction.history.bulk_history_create([action], update=True, default_user=user)
    return action
