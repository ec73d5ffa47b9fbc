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
from supervision.lifecycle import Refusal, not_allowed
from visits import selectors
from visits.errors import InvalidInput, InvalidTransition, NotFound, StaleVersion
from visits.models import FollowUp, FollowUpEvidence, FollowUpTransition, Visit

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
        raise InvalidInput(fields={"index": [f"ไม่มีข้อเสนอแนะข้อที่ {index + 1} / no recommendation {index + 1}"]})
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
    """Change a follow-up's notes, due date, owner or evidence, as its school or the office; a status change goes
    through the lifecycle (`followup_transition`) after the other fields are saved."""
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
    if due_date is not None:
        fu.due_date = due_date
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
