"""The one decision of a visit write: given the stored state and a tablet's payload, what to write — or
the refusal. Pure: no queries, no saves. Both writers (`visits.services.visit_save` for one visit and the
batch in `visits.sync.sync_apply`) read the rows, call `plan_visit_write`, and apply the plan under the
same concurrency guard (`services.claim_versions`: the row locked, then `UPDATE … WHERE version = seen`).

It decides, in this order:
- access: may this user write (a new visit: record on the assignment's committee; an existing one: edit
  it)? — the caller supplies the answer from `visits.selectors`, as the workflow's check takes relations;
- identity: a new visit's assignment is not cancelled, not already recorded, its instrument published; an
  existing visit's assignment, instrument version, round, school and committee never change;
- change: which answers (value and per-item note), findings, places and members differ from what is
  stored — the same content again is "unchanged" and writes nothing whatever version it quotes;
- state and version: a real change needs an editable visit (draft or returned) and, when the client
  quoted a version, the stored one;
- score: recomputed from the merged answers when any answer changed.
"""

from dataclasses import dataclass, field

from supervision.errors import Said
from visits.errors import Conflict, Forbidden, InvalidInput, StaleVersion, VisitLocked
from visits.models import Answer, Item, Section, Visit
from visits.scoring import score


@dataclass(frozen=True)
class AnswerInput:
    """One cleaned answer of a payload: `note` None means "leave the stored note as it is"."""

    value: object
    note: str | None = None


@dataclass
class Stored:
    """What the writer read (and locked) before deciding.

    visit: the stored row, or for a create an unsaved `Visit` placed on its assignment/round/school.
    answers: the stored answers by item id; members: the stored members' person ids.
    may_write: the access rule's answer for this user (record for a create, edit for an update).
    taken_by: for a create on an assignment, the id of a visit already recorded for it (else None).
    people_office: office id of each person the payload names as present (missing = unknown person).
    """

    visit: Visit
    created: bool
    sections: list[Section]
    items: list[Item]
    may_write: bool
    answers: dict[int, Answer] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)
    taken_by: object = None
    people_office: dict[int, int] = field(default_factory=dict)


@dataclass
class WritePlan:
    visit: Visit  # with the new field values applied in memory
    created: bool
    changed: bool
    fields: list[str]  # Visit fields to write besides version/updated_at
    create: list[Answer]
    update: list[Answer]
    members: set[int] | None  # the new members when they changed, else None
    base_version: int  # the version the claim compares with (the stored one)


def _bad(key: str, th: str, en: str) -> InvalidInput:
    return InvalidInput(fields={key: [Said(th, en)]})


def refuse_identity_change(visit: Visit, data: dict) -> None:
    """Where a visit belongs is fixed at creation; a different value is an error, the same one is fine."""
    checks = {
        "assignment": visit.assignment_id,
        "instrument_version": visit.instrument_version_id,
        "round": visit.round_id,
        "school": visit.school_id,
        "committee": visit.committee_id,
    }
    for key, current in checks.items():
        if key in data and data[key] not in (None, "") and _safe_int(data[key]) != current:
            raise _bad(key, "เปลี่ยนหลังสร้างการตรวจเยี่ยมแล้วไม่ได้", "cannot change once the visit exists")


def _safe_int(v):
    try:
        return int(v) if not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None


def check_new_place(visit: Visit, stored: Stored) -> None:
    """A new visit: on a live assignment nobody recorded yet, with a published instrument, by someone who
    may record it."""
    assignment = visit.assignment
    if assignment is not None and assignment.status == "cancelled":
        raise _bad("assignment", "การมอบหมายนี้ถูกยกเลิกแล้ว", "this assignment was cancelled")
    version = visit.instrument_version
    if version is None:
        raise _bad("instrument_version", "รอบนี้ยังไม่ได้กำหนดแบบนิเทศ", "the round has no instrument; give one")
    if not version.is_published:
        raise _bad("instrument_version", "แบบนิเทศฉบับนี้ยังไม่เผยแพร่", "this instrument version is not published")
    if not stored.may_write:
        raise Forbidden("ท่านไม่ได้อยู่ในคณะกรรมการของการมอบหมายนี้", "you are not on the committee of this assignment")
    if assignment is not None and stored.taken_by:
        raise Conflict(
            "การมอบหมายนี้มีบันทึกการตรวจเยี่ยมแล้ว",
            "this assignment already has a visit",
            code="assignment_has_visit",
            existing_visit=str(stored.taken_by),
        )


def answer_changes(visit_id, new: dict[int, AnswerInput], existing: dict[int, Answer]) -> tuple[list, list]:
    """(answers to insert, stored answers whose value or note changed — updated in place)."""
    create, update = [], []
    for item_id, given in new.items():
        answer = existing.get(item_id)
        if answer is None:
            create.append(Answer(visit_id=visit_id, item_id=item_id, value=given.value, note=given.note or ""))
            continue
        note = answer.note if given.note is None else given.note
        if answer.value != given.value or answer.note != note:
            answer.value, answer.note = given.value, note
            update.append(answer)
    return create, update


def members_from(raw, stored: Stored) -> set[int]:
    """The members present named by the payload, each a person of the school's office."""
    if raw is None:
        return set()
    if not isinstance(raw, list):
        raise _bad("members_present", "ต้องเป็นรายการรหัสบุคคล", "must be a list of person ids")
    ids = set()
    for v in raw:
        pid = _safe_int(v)
        if pid is None:
            raise _bad("members_present", "ต้องเป็นรหัสตัวเลข", "must be a numeric id")
        ids.add(pid)
    office = stored.visit.school.office_id
    missing = sorted(p for p in ids if stored.people_office.get(p) != office)
    if missing:
        raise _bad(
            "members_present",
            "ไม่พบบุคคล: " + ", ".join(map(str, missing)),
            "unknown people: " + ", ".join(map(str, missing)),
        )
    return ids


def plan_visit_write(stored: Stored, data: dict, *, expected_version=None) -> WritePlan:
    """Decide one write of `data` (a tablet payload) over `stored`. Raises the DomainError of a refusal."""
    from visits.services import clean_answers, content_fields  # pure parsers (that module imports this one)

    visit, created = stored.visit, stored.created
    if created:
        check_new_place(visit, stored)
    else:
        if not stored.may_write:
            raise Forbidden()
        refuse_identity_change(visit, data)
    answers = clean_answers(data.get("answers"), stored.items)
    fields = content_fields(visit, data)
    members = members_from(data.get("members_present"), stored) if "members_present" in data else None

    create, update = answer_changes(visit.pk, answers, {} if created else stored.answers)
    changed_fields = {k: v for k, v in fields.items() if getattr(visit, k) != v}
    members_changed = members is not None and (created or members != stored.members)
    base = visit.version
    if not created and not (create or update or changed_fields or members_changed):
        return WritePlan(visit, False, False, [], [], [], None, base)
    if not created:
        if not visit.is_editable:
            raise VisitLocked()
        if expected_version is not None and int(expected_version) != visit.version:
            raise StaleVersion(current_version=visit.version)

    for k, v in changed_fields.items():
        setattr(visit, k, v)
    written = list(changed_fields)
    if create or update or created:
        merged = {i: a.value for i, a in ({} if created else stored.answers).items()}
        merged.update({i: a.value for i, a in answers.items()})
        scores = score(stored.sections, stored.items, merged)
        visit.score, visit.section_scores, visit.failed_items = (
            scores.overall,
            scores.sections_json(),
            scores.failed_json(),
        )
        written += ["score", "section_scores", "failed_items"]
    return WritePlan(visit, created, True, written, create, update, members if members_changed else None, base)
