"""Follow-ups: recommendations the school owns, from creation to the office's acceptance — a lifecycle in the
shape of `visits.workflow`: a transitions table, a pure check returning a refusal with its reason, and the
move claimed with one conditional UPDATE (a second request that saw the same state is told it changed).

    open ──start──▶ in_progress ──answer──▶ done ──accept──▶ verified
      └────────────────answer──────────────▲  │
                 in_progress ◀──send back──┘  (with the office's comment)

- start / answer: the school (its director) or the office on its behalf. An answer says what was done (the
  notes) or shows it (evidence files: photos, PDFs — checked by content like visit evidence); one is needed.
- accept / send back: only the office (a coordinator or the office director); sending back needs a comment.
Every accepted move is logged in `FollowUpTransition` with its comment.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.access import is_office_manager, office_ids_for_user
from supervision.errors import Said
from supervision.lifecycle import Refusal, claim, not_allowed
from visits import selectors
from visits.errors import InvalidInput, InvalidTransition, NotFound, StaleVersion
from visits.limits import DUE_CHANGE_REASON_MAX, too_long_message
from visits.models import FollowUp, FollowUpDueChange, FollowUpEvidence, FollowUpTransition, Visit

F = FollowUp.Status
DEFAULT_DUE_DAYS = 60

# (from, to) -> (action, who may): "school" (its director) or "office" (coordinator / office director)
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (F.OPEN, F.IN_PROGRESS): ("start", frozenset({"school", "office"})),
    (F.OPEN, F.DONE): ("answer", frozenset({"school", "office"})),
    (F.IN_PROGRESS, F.DONE): ("answer", frozenset({"school", "office"})),
    (F.DONE, F.IN_PROGRESS): ("send_back", frozenset({"office"})),
    (F.DONE, F.VERIFIED): ("accept", frozenset({"office"})),
}
FOLLOWUP_TRANSITIONS = {move: who for move, (_action, who) in TRANSITIONS.items()}
ACTION_LABELS = {
    "start": ("เริ่มดำเนินการ", "start"),
    "answer": ("ส่งผลการดำเนินงาน", "send the answer"),
    "send_back": ("ส่งกลับให้ดำเนินการเพิ่ม", "send back"),
    "accept": ("รับผลการดำเนินงาน", "accept"),
}


def _due(visit: Visit) -> datetime.date:
    days = getattr(settings, "FOLLOWUP_DUE_DAYS", DEFAULT_DUE_DAYS)
    start = timezone.localdate(visit.approved_at) if visit.approved_at else timezone.localdate()
    return start + datetime.timedelta(days=days)


@transaction.atomic
def followup_create_from_recommendation(*, visit: Visit, index: int, user, due_date=None, owner=None) -> FollowUp:
    """Make recommendation number `index` (0-based) of `visit` a follow-up of its school. Idempotent: the
    same recommendation gives back the follow-up already made."""
    recs = visit.recommendations or []
    if not 0 <= index < len(recs):
        raise InvalidInput(fields={"index": [Said(f"ไม่มีข้อเสนอแนะข้อที่ {index + 1}", f"no recommendation {index + 1}")]})
    existing = FollowUp.objects.filter(source_visit=visit, recommendation_index=index).first()
    if existing:
        return existing
    text = recs[index] if isinstance(recs[index], str) else str(recs[index].get("text", ""))
    try:
        with transaction.atomic():
            return FollowUp.objects.create(
                school_id=visit.school_id,
                source_visit=visit,
                recommendation_index=index,
                recommendation=text,
                due_date=due_date or _due(visit),
                owner=owner or visit.school.director,
                created_by=user,
            )
    except IntegrityError:  # a concurrent request made it first
        return FollowUp.objects.get(source_visit=visit, recommendation_index=index)


def followups_from_visit(*, visit: Visit, user) -> list[FollowUp]:
    """Every recommendation of the visit as a follow-up (called when a visit is approved)."""
    return [
        followup_create_from_recommendation(visit=visit, index=i, user=user)
        for i, text in enumerate(visit.recommendations or [])
        if str(text).strip()
    ]


def followup_relations(followup: FollowUp, user) -> set[str]:
    rel = set()
    if selectors.is_school_director(user, followup.school_id):
        rel.add("school")
    offices = office_ids_for_user(user)
    if is_office_manager(user) and (offices is None or followup.school.office_id in offices):
        rel.add("office")
    return rel


def action_of(frm: str, to: str) -> str | None:
    rule = TRANSITIONS.get((frm, to))
    return rule[0] if rule else None


def allowed_moves(followup: FollowUp, relations: set[str]) -> list[tuple[str, str]]:
    """(to, action) the actor may take from the follow-up's state (before any comment or answer check)."""
    return [
        (to, action) for (frm, to), (action, who) in TRANSITIONS.items() if frm == followup.status and relations & who
    ]


def check_followup_transition(
    status: str, to: str, relations: set[str], *, comment: str = "", has_answer: bool = False
) -> Refusal | None:
    """Why moving a follow-up from `status` to `to` is refused for an actor in `relations`; None if allowed.

    Pure: the caller says whether an answer (notes or evidence) exists."""
    if to not in F.values:
        return Refusal("unknown_status", f"ไม่รู้จักสถานะ {to}", f"unknown status {to}")
    rule = TRANSITIONS.get((status, to))
    if rule is None:
        return not_allowed("follow-up", F(status).label, F(to).label, status, to)
    action, who = rule
    if not relations & who:
        if who == {"office"}:
            return Refusal("wrong_role", "เฉพาะสำนักงานเขตเท่านั้นที่ตรวจสอบได้", "only the office may do this")
        return Refusal("wrong_role", "ไม่มีสิทธิ์แก้ไขการติดตามผลนี้", "you may not change this follow-up")
    if action == "answer" and not has_answer:
        return Refusal(
            "answer_required",
            "ต้องระบุผลการดำเนินงาน หรือแนบหลักฐานอย่างน้อยหนึ่งไฟล์",
            "say what was done, or attach at least one evidence file",
        )
    if action == "send_back" and not (comment or "").strip():
        return Refusal("comment_required", "ต้องระบุเหตุผลที่ส่งกลับ", "a comment is required to send a follow-up back")
    return None


def _checked(upload):
    """The bytes of an upload and what they are: checked like visit evidence (size limit, JPEG/PNG/WebP/PDF by
    content, never by name): too large → 413, another type → 415."""
    from visits.evidence import _read, sniff

    data = _read(upload)
    return data, sniff(data)


def _attach_evidence(fu: FollowUp, upload) -> None:
    """The single legacy evidence field (kept for the API's `evidence_url`)."""
    from django.core.files.base import ContentFile

    data, kind = _checked(upload)
    fu.evidence.save(f"evidence{kind.suffix}", ContentFile(data), save=False)


def _store_files(fu: FollowUp, uploads, user) -> list[FollowUpEvidence]:
    from django.core.files.base import ContentFile

    checked = [(u, *_checked(u)) for u in uploads]  # every file is checked before any is stored
    stored = []
    for upload, data, kind in checked:
        item = FollowUpEvidence(
            followup=fu,
            content_type=kind.content_type,
            original_name=(getattr(upload, "name", "") or "")[:255],
            size=len(data),
            uploaded_by=user,
        )
        item.file.save(f"evidence{kind.suffix}", ContentFile(data), save=False)
        item.save()
        stored.append(item)
    return stored


def _claim(fu: FollowUp, to: str, user, comment: str, extra: dict) -> None:
    """Move the follow-up with one conditional UPDATE on the state the check saw, and log the move."""
    now = timezone.now()
    changes = {"status": to, "updated_at": now, **extra}
    if to == F.DONE:
        changes["done_at"] = now
    elif to == F.VERIFIED:
        changes.update(verified_at=now, verified_by=user)
    elif to == F.IN_PROGRESS:
        changes["done_at"] = None
    claimed = FollowUp.objects.filter(pk=fu.pk, status=fu.status).update(**changes)
    if claimed != 1:
        raise StaleVersion(
            "การติดตามผลถูกเปลี่ยนโดยผู้อื่นแล้ว กรุณาโหลดใหม่", "the follow-up was changed elsewhere; reload and try again"
        )
    FollowUpTransition.objects.create(followup=fu, from_status=fu.status, to_status=to, by=user, comment=comment)
    fu.refresh_from_db()
    FollowUp.history.bulk_history_create([fu], update=True, default_user=user)


@transaction.atomic
def followup_transition(*, followup_id: int, to: str, user, comment: str = "", answer=None, files=()) -> FollowUp:
    """Move a follow-up (answer with notes and files, start, accept, send back) or raise the refusal.

    `answer` replaces the notes; `files` (uploads) are added as evidence, all checked before any is kept."""
    fu = selectors.followups_for_user(user).select_related("school").filter(pk=followup_id).first()
    if fu is None:
        raise NotFound()
    comment = (comment or "").strip()
    notes = fu.notes if answer is None else answer.strip()
    has_answer = bool(notes.strip()) or bool(files) or fu.files.exists() or bool(fu.evidence)
    refusal = check_followup_transition(
        fu.status, to, followup_relations(fu, user), comment=comment, has_answer=has_answer
    )
    if refusal:
        raise refusal.error()
    if files:
        _store_files(fu, files, user)
    _claim(fu, to, user, comment, {"notes": notes} if answer is not None else {})
    return fu


@transaction.atomic
def followup_update(
    *,
    followup_id: int,
    user,
    status: str | None = None,
    notes: str | None = None,
    due_date=None,
    owner=None,
    evidence=None,
    comment: str = "",
    files=(),
) -> FollowUp:
    """Change a follow-up's notes, owner or evidence, as its school or the office; a status change goes through
    the lifecycle (`followup_transition`) after the other fields are saved. The due date is not edited here: a
    different one is refused (it moves by `due_change_request` + `due_change_decide`); the same one is fine."""
    fu = (
        selectors.followups_for_user(user)
        .select_related("school")
        .select_for_update(of=("self",))
        .filter(pk=followup_id)
        .first()
    )
    if fu is None:
        raise NotFound()
    rel = followup_relations(fu, user)
    if not rel:
        raise InvalidTransition("ไม่มีสิทธิ์แก้ไขการติดตามผลนี้", "you may not change this follow-up", code="wrong_role")
    if notes is not None:
        fu.notes = notes
    if due_date is not None and due_date != fu.due_date:
        raise InvalidInput(
            fields={
                "due_date": [
                    Said(
                        "กำหนดเสร็จเลื่อนได้โดยยื่นคำขอให้สำนักงานเขตอนุมัติเท่านั้น (POST …/due-date-requests/)",
                        "the due date moves only by a request the office approves (POST …/due-date-requests/)",
                    )
                ]
            }
        )
    if owner is not None:
        fu.owner = owner
    if status and status != fu.status:
        # Refuse before anything is saved, so a refused move changes nothing.
        has_answer = bool((fu.notes if notes is None else notes).strip()) or bool(evidence) or bool(files)
        has_answer = has_answer or bool(fu.evidence) or fu.files.exists()
        refusal = check_followup_transition(fu.status, status, rel, comment=comment, has_answer=has_answer)
        if refusal:
            raise refusal.error()
    if evidence is not None:
        _attach_evidence(fu, evidence)
    if files:
        _store_files(fu, files, user)
    if status and status != fu.status:
        fields = {"notes": fu.notes, "due_date": fu.due_date, "owner": fu.owner, "evidence": fu.evidence.name or None}
        _claim(fu, status, user, (comment or "").strip(), fields)
        return fu
    fu._history_user = user
    fu.save()
    return fu


# --- due dates: moved only by a request the office approves ------------------------------------------------
#
#   (request) ──▶ pending ──approve──▶ approved   (the follow-up's due date becomes the requested one)
#                    └──────refuse───▶ refused    (with the office's comment; the date stays)
#
# - request: the school (its director) or the office, with a reason, for an open or in-progress follow-up; the
#   date is not in the past, differs from the current one and lies within FOLLOWUP_DUE_MAX_DAYS of today; one
#   pending request at a time.
# - approve / refuse: only the office, and never the person who asked (four eyes); refusing needs a comment.
D = FollowUpDueChange.Status
DUE_CHANGE_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (D.PENDING, D.APPROVED): ("approve", frozenset({"office"})),
    (D.PENDING, D.REFUSED): ("refuse", frozenset({"office"})),
}


def check_due_change_request(
    *, status: str, current, requested, today, relations: set[str], reason: str, pending: bool, max_days: int
) -> Refusal | None:
    """Why a request to move a follow-up's due date to `requested` is refused; None if it may be made. Pure."""
    if not relations & {"school", "office"}:
        return Refusal("wrong_role", "ไม่มีสิทธิ์ขอเลื่อนกำหนดเสร็จของการติดตามผลนี้", "you may not ask to move this due date")
    if status not in FollowUp.OPEN_STATUSES:
        return Refusal(
            "followup_closed",
            "การติดตามผลนี้ดำเนินการแล้ว ขอเลื่อนกำหนดเสร็จไม่ได้",
            "this follow-up is already answered; its due date no longer moves",
        )
    if pending:
        return Refusal(
            "due_change_pending",
            "มีคำขอเลื่อนกำหนดเสร็จที่รออนุมัติอยู่แล้ว",
            "a request to move this due date is already waiting for a decision",
        )
    if not (reason or "").strip():
        return Refusal("reason_required", "ต้องระบุเหตุผลที่ขอเลื่อนกำหนดเสร็จ", "give the reason for the new due date")
    if requested == current:
        return Refusal("due_unchanged", "วันที่ขอตรงกับกำหนดเสร็จเดิม", "that is already the due date")
    if requested < today:
        return Refusal("due_in_past", "กำหนดเสร็จใหม่ต้องไม่ก่อนวันนี้", "the new due date cannot be in the past")
    if requested > today + datetime.timedelta(days=max_days):
        return Refusal(
            "due_too_far",
            f"กำหนดเสร็จใหม่ต้องไม่เกิน {max_days} วันนับจากวันนี้",
            f"the new due date must be within {max_days} days of today",
        )
    return None


def check_due_change_decision(
    status: str, to: str, relations: set[str], *, is_requester: bool, comment: str
) -> Refusal | None:
    """Why deciding a due-date request (`to`: approved or refused) is refused; None if allowed. Pure."""
    rule = DUE_CHANGE_TRANSITIONS.get((status, to))
    if rule is None:
        return not_allowed("due-date request", D(status).label if status in D.values else status, to, status, to)
    if not relations & rule[1]:
        return Refusal("wrong_role", "เฉพาะสำนักงานเขตเท่านั้นที่อนุมัติการเลื่อนกำหนดเสร็จได้", "only the office may decide this")
    if is_requester:
        return Refusal(
            "four_eyes",
            "ผู้ขอเลื่อนกำหนดเสร็จพิจารณาคำขอของตนเองไม่ได้ ต้องให้ผู้อื่นในสำนักงานเขตพิจารณา",
            "the person who asked cannot decide the request; another person of the office must",
        )
    if to == D.REFUSED and not (comment or "").strip():
        return Refusal("comment_required", "ต้องระบุเหตุผลที่ไม่อนุมัติ", "a comment is required to refuse a request")
    return None


def _followup_for_due_change(followup_id, user) -> FollowUp:
    fu = (
        selectors.followups_for_user(user)
        .select_related("school")
        .select_for_update(of=("self",))
        .filter(pk=followup_id)
        .first()
    )
    if fu is None:
        raise NotFound()
    return fu


@transaction.atomic
def due_change_request(*, followup_id: int, user, due_date, reason: str) -> FollowUpDueChange:
    """Ask to move a follow-up's due date (its school or the office). Raises the refusal as InvalidTransition
    (409), a reason too long as InvalidInput (400), NotFound (404) for a follow-up the user may not see."""
    fu = _followup_for_due_change(followup_id, user)
    reason = (reason or "").strip()
    if len(reason) > DUE_CHANGE_REASON_MAX:
        raise InvalidInput(fields={"reason": [Said(*too_long_message(DUE_CHANGE_REASON_MAX))]})
    refusal = check_due_change_request(
        status=fu.status,
        current=fu.due_date,
        requested=due_date,
        today=timezone.localdate(),
        relations=followup_relations(fu, user),
        reason=reason,
        pending=fu.due_changes.filter(status=D.PENDING).exists(),
        max_days=settings.FOLLOWUP_DUE_MAX_DAYS,
    )
    if refusal:
        raise refusal.error()
    try:
        with transaction.atomic():
            return FollowUpDueChange.objects.create(
                followup=fu, from_date=fu.due_date, to_date=due_date, reason=reason, requested_by=user
            )
    except IntegrityError:  # a concurrent request was made first (one pending per follow-up)
        raise check_due_change_request(
            status=fu.status,
            current=fu.due_date,
            requested=due_date,
            today=timezone.localdate(),
            relations={"school", "office"},
            reason=reason,
            pending=True,
            max_days=settings.FOLLOWUP_DUE_MAX_DAYS,
        ).error() from None


@transaction.atomic
def due_change_decide(*, followup_id: int, request_id: int, to: str, user, comment: str = "") -> FollowUpDueChange:
    """Approve (the due date moves to the requested one) or refuse a pending request, as the office and not as
    its requester; both the request and the follow-up's date are claimed with conditional UPDATEs."""
    fu = _followup_for_due_change(followup_id, user)
    change = fu.due_changes.filter(pk=request_id).first()
    if change is None:
        raise NotFound()
    comment = (comment or "").strip()
    if len(comment) > DUE_CHANGE_REASON_MAX:
        raise InvalidInput(fields={"comment": [Said(*too_long_message(DUE_CHANGE_REASON_MAX))]})
    refusal = check_due_change_decision(
        change.status, to, followup_relations(fu, user), is_requester=change.requested_by_id == user.pk, comment=comment
    )
    if refusal:
        raise refusal.error()
    now = timezone.now()
    claim(
        FollowUpDueChange,
        change.pk,
        seen={"status": change.status},
        changes={"status": to, "decided_by": user, "decided_at": now, "decision_comment": comment},
        version_field="status",
    )
    if to == D.APPROVED:
        # the date the request was made from: a date moved meanwhile (another approved request) is not overwritten
        claim(
            FollowUp,
            fu.pk,
            seen={"due_date": change.from_date},
            changes={"due_date": change.to_date, "updated_at": now},
            version_field="due_date",
        )
        fu.refresh_from_db()
        FollowUp.history.bulk_history_create([fu], update=True, default_user=user)
    change.refresh_from_db()
    return change
