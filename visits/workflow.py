"""The review workflow of a visit: a transitions table, a pure check that explains refusals, and the
service that applies a transition by claiming it with a conditional UPDATE.

    draft ──submit──▶ submitted ──approve──▶ approved ──acknowledge──▶ acknowledged
                        │   ▲
                 return │   │ resubmit
                        ▼   │
                      returned

- submit / resubmit: a member of the visit's committee, its recorder, or a coordinator of the office;
  all required items answered, every photo-required item with evidence, and every file the visit lists (or
  the submitter says it sent: evidence and signatures) received with its hash — a visit counts as
  submitted only when the server holds each of its files.
- return: the chair of the visit's committee or a coordinator; a comment is required.
- approve: the chair of the visit's committee or a coordinator, and never its author (four eyes: whoever
  recorded or submitted the visit cannot approve it; another chair or a coordinator does). Approval turns each
  recommendation into a follow-up owned by the school.
- acknowledge: the director of the visit's school, with a response (the comment).
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from supervision.lifecycle import Refusal, claim, not_allowed, wrong_role
from visits import selectors
from visits.errors import InvalidInput, NotFound, Said, StaleVersion
from visits.limits import COMMENT_MAX, too_long_message
from visits.models import Evidence, Visit, VisitTransition

S = Visit.Status

# (from, to) -> (action, who may do it)
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (S.DRAFT, S.SUBMITTED): ("submit", frozenset({"member", "recorder", "coordinator"})),
    (S.RETURNED, S.SUBMITTED): ("resubmit", frozenset({"member", "recorder", "coordinator"})),
    (S.SUBMITTED, S.RETURNED): ("return", frozenset({"chair", "coordinator"})),
    (S.SUBMITTED, S.APPROVED): ("approve", frozenset({"chair", "coordinator"})),
    (S.APPROVED, S.ACKNOWLEDGED): ("acknowledge", frozenset({"school_director"})),
}
COMMENT_REQUIRED = {(S.SUBMITTED, S.RETURNED), (S.APPROVED, S.ACKNOWLEDGED)}
_ROLE_NAMES = {
    "member": ("กรรมการในคณะ", "a member of the visit's committee"),
    "recorder": ("ผู้บันทึก", "the recorder"),
    "coordinator": ("ผู้ประสานงานของเขต", "an office coordinator"),
    "chair": ("ประธานคณะกรรมการ", "the committee chair"),
    "school_director": ("ผู้อำนวยการโรงเรียน", "the school's director"),
}


def actor_relations(visit: Visit, user) -> frozenset[str]:
    """How `user` stands to `visit`: member, chair, recorder, coordinator, school_director (a few queries)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    rel = set()
    if selectors.is_committee_member(user, visit.committee_id):
        rel.add("member")
        if selectors.is_committee_chair(user, visit.committee_id):
            rel.add("chair")
    if visit.created_by_id == user.pk:
        rel.add("recorder")
        rel.add("author")
    elif visit.status == S.SUBMITTED and (
        VisitTransition.objects.filter(visit_id=visit.pk, to_status=S.SUBMITTED, by=user).exists()
    ):
        rel.add("author")
    if selectors.is_office_coordinator(user, visit.school.office_id):
        rel.add("coordinator")
    if selectors.is_school_director(user, visit.school_id):
        rel.add("school_director")
    return frozenset(rel)


def submission_problems(visit: Visit) -> list[str]:
    """Codes of items that stop a submission: required but unanswered, or photo-required without evidence.
    (Whether the listed evidence has arrived is `missing_files`' question.)"""
    items = visit.instrument_version.items.order_by("section__order", "order", "id").only(
        "id", "code", "required", "photo_required"
    )
    answered = {i for i, v in visit.answers.values_list("item_id", "value") if v not in (None, "", [])}
    with_photo = set(Evidence.objects.filter(visit=visit, item__isnull=False).values_list("item_id", flat=True))
    problems = []
    for item in items:
        if item.required and item.id not in answered:
            problems.append(item.code)
        elif item.photo_required and item.id not in with_photo:
            problems.append(item.code)
    return problems


def missing_files(visit: Visit, expected: list[dict] | None = None) -> list[dict]:
    """The files a submission still waits for: each evidence row the visit lists whose bytes have not
    arrived, and each file the submitter says it sent (`expected`: {id, sha256}, evidence or signature)
    that the server does not hold with that hash. Each is {id, kind, name, reason}: `not_received` or
    `hash_mismatch`. (Evidence bytes are checked against the listed hash when they arrive, so a received
    row already matches.)"""
    evidence = {
        str(e.id): e for e in Evidence.objects.filter(visit=visit).only("id", "kind", "sha256", "file", "original_name")
    }
    signatures = {str(s.id): s for s in visit.signatures.only("id", "sha256")} if expected else {}
    out: dict[str, dict] = {}
    for key, e in evidence.items():
        if not e.file:
            out[key] = {"id": key, "kind": e.kind, "name": e.original_name, "reason": "not_received"}
    for want in expected or []:
        key, sha = str(want["id"]), (want.get("sha256") or "").lower()
        if key in out:
            continue
        held = evidence.get(key) or signatures.get(key)
        kind = "signature" if key in signatures or want.get("kind") == "signature" else "photo"
        if key in evidence:
            kind = evidence[key].kind
        name = str(want.get("name") or "")[:200]
        if held is None:
            out[key] = {"id": key, "kind": kind, "name": name, "reason": "not_received"}
        elif sha and held.sha256 != sha:
            out[key] = {"id": key, "kind": kind, "name": name, "reason": "hash_mismatch"}
    return list(out.values())


def unchanged_since_return(visit: Visit) -> bool:
    """A returned visit nobody changed since it was returned: same version, no evidence or signature added."""
    last = visit.transitions.filter(to_status=S.RETURNED).order_by("-at", "-id").first()
    if last is None or last.version is None or last.version != visit.version:
        return False
    return not (
        Evidence.objects.filter(visit=visit, created_at__gt=last.at).exists()
        or Evidence.objects.filter(visit=visit, uploaded_at__gt=last.at).exists()
        or visit.signatures.filter(signed_at__gt=last.at).exists()
    )


def check_transition(
    visit: Visit,
    to: str,
    relations: frozenset[str],
    *,
    comment: str = "",
    problems: list[str] | None = None,
    unchanged: bool = False,
    files_missing: list[dict] | None = None,
) -> Refusal | None:
    """Why `to` is refused for an actor standing in `relations` to `visit`; None when it is allowed.

    Pure: the caller supplies the actor's relations, (for submit) the submission problems and the files not
    yet received, and (for a resubmit) whether the visit is unchanged since it was returned."""
    if to not in S.values:
        return Refusal("unknown_status", f"ไม่รู้จักสถานะ {to!r}", f"unknown status {to!r}")
    rule = TRANSITIONS.get((visit.status, to))
    if rule is None:
        return not_allowed("visit", S(visit.status).label, S(to).label, visit.status, to)
    action, allowed = rule
    if not relations & allowed:
        return wrong_role(
            action=action, action_th=action_th(action), allowed=allowed, role_names=_ROLE_NAMES, noun_en="visit"
        )
    if action == "approve" and "author" in relations:
        return Refusal(
            "four_eyes",
            "ผู้บันทึกหรือผู้ส่งรายงานอนุมัติรายงานของตนเองไม่ได้ ต้องให้ผู้อื่น (ประธานหรือผู้ประสานงาน) อนุมัติ",
            "the author of a visit cannot approve it; another person (a chair or a coordinator) must",
        )
    if (visit.status, to) in COMMENT_REQUIRED and not (comment or "").strip():
        if to == S.RETURNED:
            return Refusal("comment_required", "ต้องระบุเหตุผลที่ส่งกลับ", "a comment is required to return a visit")
        return Refusal("response_required", "ต้องระบุความเห็นของโรงเรียน", "the school's response is required")
    if (visit.status, to) == (S.RETURNED, S.SUBMITTED) and unchanged:
        return Refusal(
            "unchanged_since_return",
            "ยังไม่ได้แก้ไขตามที่ส่งกลับ ส่งใหม่โดยไม่เปลี่ยนแปลงไม่ได้",
            "nothing changed since the visit was returned; it cannot be resubmitted unchanged",
        )
    if to == S.SUBMITTED and problems:
        return Refusal(
            "incomplete",
            "ยังตอบไม่ครบหรือขาดภาพถ่าย: " + ", ".join(problems),
            "required answers or photos missing: " + ", ".join(problems),
            tuple(problems),
        )
    if to == S.SUBMITTED and files_missing:
        n = len(files_missing)
        names = ", ".join(f"{_FILE_KIND[f['kind']][1]} {f['name'] or f['id']}" for f in files_missing)
        names_th = ", ".join(f"{_FILE_KIND[f['kind']][0]} {f['name'] or f['id']}" for f in files_missing)
        return Refusal(
            "files_missing",
            f"ยังส่งไม่ได้: เซิร์ฟเวอร์ยังไม่ได้รับไฟล์ {n} รายการ (หรือค่า SHA-256 ไม่ตรง) ส่งไฟล์ให้ครบก่อน: {names_th}",
            f"not yet: the server has not received {n} file(s) (or their SHA-256 differs); send them first: {names}",
            tuple(f["id"] for f in files_missing),
        )
    return None


_FILE_KIND = {
    "photo": ("ภาพถ่าย", "photo"),
    "document": ("เอกสาร", "document"),
    "signature": ("ลายมือชื่อ", "signature"),
}


def action_th(action: str) -> str:
    return {"submit": "ส่ง", "resubmit": "ส่งใหม่", "return": "ส่งกลับ", "approve": "อนุมัติ", "acknowledge": "รับทราบ"}[action]


def allowed_transitions(visit: Visit, user) -> list[str]:
    """Statuses the user may move the visit to now (ignoring comment and completeness)."""
    rel = actor_relations(visit, user)
    return [
        to
        for (frm, to), (action, who) in TRANSITIONS.items()
        if frm == visit.status and rel & who and not (action == "approve" and "author" in rel)
    ]


@transaction.atomic
def visit_transition(
    *,
    visit_id,
    to: str,
    user,
    comment: str = "",
    expected_version: int | None = None,
    expected_files: list[dict] | None = None,
) -> Visit:
    """Move a visit to `to` or raise InvalidTransition (409) / StaleVersion (412) / NotFound (404).

    For a submit, `expected_files` ({id, sha256}) are the files the submitter sent (a tablet lists its photos
    and signatures); the submit is refused with `files_missing` until the server holds each of them and
    every evidence file the visit lists.

    The move is claimed with `UPDATE … WHERE status = old AND version = seen`; if another request got there
    first nothing is written and the caller is told."""
    visit = selectors.visits_for_user(user).select_related("school", "instrument_version").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound()
    if expected_version is not None and expected_version != visit.version:
        raise StaleVersion(current_version=visit.version)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:  # the web form's comment as much as the API's
        raise InvalidInput(fields={"comment": [Said(*too_long_message(COMMENT_MAX))]})
    problems = submission_problems(visit) if to == S.SUBMITTED and visit.status in (S.DRAFT, S.RETURNED) else None
    files = missing_files(visit, expected_files) if problems is not None else None
    unchanged = visit.status == S.RETURNED and to == S.SUBMITTED and unchanged_since_return(visit)
    refusal = check_transition(
        visit,
        to,
        actor_relations(visit, user),
        comment=comment,
        problems=problems,
        unchanged=unchanged,
        files_missing=files,
    )
    if refusal:
        # a files refusal also says what each missing file is, for the client to send it again
        raise refusal.error(**({"missing_files": files} if refusal.code == "files_missing" else {}))

    now = timezone.now()
    changes = {"status": to, "version": F("version") + 1, "updated_at": now}
    if to == S.SUBMITTED:
        changes["submitted_at"] = now
    elif to == S.APPROVED:
        changes.update(approved_at=now, approved_by=user)
    elif to == S.ACKNOWLEDGED:
        changes.update(acknowledged_at=now, acknowledged_by=user, school_response=comment)
    claim(Visit, visit.pk, seen={"status": visit.status, "version": visit.version}, changes=changes)
    VisitTransition.objects.create(
        visit=visit, from_status=visit.status, to_status=to, by=user, comment=comment, version=visit.version + 1
    )
    visit.refresh_from_db()
    # simple-history does not see queryset updates; record the new state explicitly.
    _record_history(visit, user)
    if to == S.SUBMITTED and visit.assignment_id:
        from schedules.services import assignment_mark_done

        assignment_mark_done(assignment_id=visit.assignment_id)
    if to == S.APPROVED:
        from visits.followups import followups_from_visit

        followups_from_visit(visit=visit, user=user)
    return visit


def _record_history(visit: Visit, user, reason: str = "") -> None:
    Visit.history.bulk_history_create([visit], update=True, default_user=user, default_change_reason=reason or None)
