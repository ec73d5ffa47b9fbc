"""The lifecycle of a meeting, in the style of `visits.workflow`: a transitions table, a pure check that
explains refusals, and the claim as one conditional UPDATE.

    draft ──invite──▶ invited ──hold──▶ held ──sign──▶ minuted ──certify──▶ certified
      │                  │                ▲                │
      └──cancel──────────┴──▶ cancelled   └────reopen──────┘

- invite: the committee's secretary or an office coordinator; the meeting needs an agenda, invitees and
  the letter's subject. The invitation letters then go out through the notification ledger.
- hold: the secretary or a coordinator, once the start and end times of the meeting are recorded.
- sign: when both the note-taker and the checker have signed the minutes (`meetings.services.minutes_sign`).
- reopen: the secretary or a coordinator, to correct signed minutes before they are certified (the
  signatures are cleared and must be given again).
- certify: at the next meeting of the same committee (agenda item 2), by its secretary or a coordinator.
  From then on nothing in the meeting changes (the models refuse it too).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meetings.models import Meeting
from supervision.errors import InvalidInput, NotFound, StaleVersion
from supervision.lifecycle import Refusal, claim, not_allowed, wrong_role

S = Meeting.Status

TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (S.DRAFT, S.INVITED): ("invite", frozenset({"secretary", "coordinator"})),
    (S.INVITED, S.HELD): ("hold", frozenset({"secretary", "coordinator"})),
    (S.HELD, S.MINUTED): ("sign", frozenset({"note_taker", "checker", "secretary", "coordinator"})),
    (S.MINUTED, S.HELD): ("reopen", frozenset({"secretary", "coordinator"})),
    (S.MINUTED, S.CERTIFIED): ("certify", frozenset({"secretary", "coordinator"})),
    (S.DRAFT, S.CANCELLED): ("cancel", frozenset({"secretary", "coordinator"})),
    (S.INVITED, S.CANCELLED): ("cancel", frozenset({"secretary", "coordinator"})),
}
ACTION_TH = {
    "invite": "ส่งหนังสือเชิญ",
    "hold": "บันทึกว่าประชุมแล้ว",
    "sign": "ลงนามรายงานการประชุม",
    "reopen": "เปิดแก้ไขรายงานการประชุม",
    "certify": "รับรองรายงานการประชุม",
    "cancel": "ยกเลิกการประชุม",
}
_ROLE_NAMES = {
    "secretary": ("เลขานุการของคณะ", "the committee's secretary"),
    "coordinator": ("ผู้ประสานงานของเขต", "an office coordinator"),
    "note_taker": ("ผู้จดรายงานการประชุม", "the note-taker"),
    "checker": ("ผู้ตรวจรายงานการประชุม", "the checker"),
}


@dataclass(frozen=True)
class Facts:
    """What the check needs to know about a meeting beyond its status (gathered by `facts_for`)."""

    agenda_items: int = 0
    invitees: int = 0
    has_subject: bool = False
    started: bool = False
    ended: bool = False
    both_signed: bool = False
    certifying_meeting_ok: bool = False


def actor_relations(meeting: Meeting, user) -> frozenset[str]:
    from meetings import selectors

    if user is None or not user.is_authenticated:
        return frozenset()
    rel = set()
    if selectors.is_secretary(user, meeting.committee_id):
        rel.add("secretary")
    if selectors.is_office_coordinator(user, meeting.office_id):
        rel.add("coordinator")
    person = getattr(user, "person", None)
    if person is not None:
        if meeting.note_taker_id == person.pk:
            rel.add("note_taker")
        if meeting.checker_id == person.pk:
            rel.add("checker")
    return frozenset(rel)


def facts_for(meeting: Meeting, certifying: Meeting | None = None) -> Facts:
    return Facts(
        agenda_items=meeting.agenda.count(),
        invitees=meeting.invitations.count(),
        has_subject=bool(meeting.subject.strip()),
        started=meeting.started_at is not None,
        ended=meeting.ended_at is not None,
        both_signed=bool(meeting.note_taker_signed_at and meeting.checker_signed_at),
        certifying_meeting_ok=certifying is not None
        and certifying.committee_id == meeting.committee_id
        and certifying.pk != meeting.pk
        and (certifying.date, certifying.number) > (meeting.date, meeting.number)
        and certifying.status in (S.INVITED, S.HELD, S.MINUTED),
    )


def check_transition(meeting: Meeting, to: str, relations: frozenset[str], facts: Facts) -> Refusal | None:
    """Why `to` is refused for an actor standing in `relations` to `meeting`; None when it is allowed. Pure."""
    if to not in S.values:
        return Refusal("unknown_status", f"ไม่รู้จักสถานะ {to!r}", f"unknown status {to!r}")
    rule = TRANSITIONS.get((meeting.status, to))
    if rule is None:
        return not_allowed("meeting", S(meeting.status).label, S(to).label, meeting.status, to)
    action, allowed = rule
    if not relations & allowed:
        return wrong_role(
            action=action, action_th=ACTION_TH[action], allowed=allowed, role_names=_ROLE_NAMES, noun_en="meeting"
        )
    if action == "invite":
        if not facts.agenda_items:
            return Refusal("no_agenda", "ยังไม่มีระเบียบวาระการประชุม", "the meeting has no agenda")
        if not facts.invitees:
            return Refusal("no_invitees", "ยังไม่มีผู้ได้รับเชิญ", "nobody is invited")
        if not facts.has_subject:
            return Refusal("no_subject", "หนังสือเชิญยังไม่มีเรื่อง", "the invitation letter has no subject")
    if action == "hold" and not (facts.started and facts.ended):
        return Refusal("times_missing", "ต้องบันทึกเวลาเริ่มและเลิกประชุม", "record when the meeting started and ended")
    if action == "sign" and not facts.both_signed:
        return Refusal(
            "signatures_missing",
            "ผู้จดรายงานและผู้ตรวจรายงานต้องลงนามทั้งสองคน",
            "both the note-taker and the checker must sign",
        )
    if action == "certify" and not facts.certifying_meeting_ok:
        return Refusal(
            "certify_at_next_meeting",
            "รับรองรายงานการประชุมได้ในการประชุมครั้งถัดไปของคณะเดียวกัน (ระเบียบวาระที่ 2)",
            "minutes are certified at a later meeting of the same committee (agenda item 2)",
        )
    return None


def allowed_transitions(meeting: Meeting, user) -> list[str]:
    rel = actor_relations(meeting, user)
    return [to for (frm, to), (_, who) in TRANSITIONS.items() if frm == meeting.status and rel & who]


@transaction.atomic
def meeting_transition(
    *, meeting_id, to: str, user, expected_version: int | None = None, certifying_meeting_id=None, note: str = ""
) -> Meeting:
    """Move a meeting to `to` or raise InvalidTransition (409) / StaleVersion (412) / NotFound (404); the move
    is claimed with `UPDATE … WHERE status = old AND version = seen`."""
    from meetings import limits, selectors

    meeting = selectors.meetings_for_user(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    if said := limits.too_long(Meeting, "certification_note", note):
        raise InvalidInput(fields={"note": said})
    if expected_version is not None and expected_version != meeting.version:
        raise StaleVersion(current_version=meeting.version)
    certifying = None
    if certifying_meeting_id is not None:
        certifying = selectors.meetings_for_user(user).filter(pk=certifying_meeting_id).first()
    refusal = check_transition(meeting, to, actor_relations(meeting, user), facts_for(meeting, certifying))
    if refusal:
        raise refusal.error()
    now = timezone.now()
    changes = {"status": to, "version": F("version") + 1, "updated_at": now}
    if to == S.INVITED:
        changes["invited_at"] = now
    elif to == S.HELD and meeting.status == S.MINUTED:
        changes.update(note_taker_signed_at=None, checker_signed_at=None)
    elif to == S.CERTIFIED:
        changes.update(certified_at=now, certified_in=certifying, certification_note=(note or "").strip())
    claim(Meeting, meeting.pk, seen={"status": meeting.status, "version": meeting.version}, changes=changes)
    meeting.refresh_from_db()
    Meeting.history.bulk_history_create([meeting], update=True, default_user=user)
    return meeting
