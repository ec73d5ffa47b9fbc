"""Writes of the visits domain: recording a visit (create or update, idempotent), listing evidence,
adding signatures. The workflow lives in `visits.workflow`, follow-ups in `visits.followups`, file checks
in `visits.evidence`, instrument import in `visits.instruments`.

Every write from a tablet may arrive twice. `visit_save` therefore compares first: a payload that changes
nothing returns the visit as it is (same version, no new history) whatever version the client quoted;
only a real change is checked against `expected_version` and bumps `version`.
"""

import datetime
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from schedules.models import Assignment
from schedules.selectors import rounds_for_user
from supervision.errors import Said
from supervision.models import Committee, Person, School
from visits import selectors
from visits.answers import ValueProblem, clean_value
from visits.errors import (
    Conflict,
    EvidenceLocked,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
)
from visits.limits import (
    CAPTION_MAX,
    FINDING_MAX,
    NOTE_MAX,
    RECOMMENDATION_MAX,
    RECOMMENDATIONS_MAX,
    too_long_message,
)
from visits.models import Answer, Evidence, InstrumentVersion, Item, Section, Signature, Visit
from visits.plan import AnswerInput, Stored, plan_visit_write

FINDING_FIELDS = ("strengths", "to_improve", "observation_notes", "interview_notes")


@dataclass
class SaveResult:
    visit: Visit
    created: bool
    changed: bool


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# --- parsing helpers (each raises InvalidInput with the field that is wrong) ---------------------------
def _bad(field: str, th: str, en: str) -> InvalidInput:
    return InvalidInput(fields={field: [Said(th, en)]})


def _parse_when(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        when = value
    else:
        when = parse_datetime(str(value)) if isinstance(value, str) else None
        if when is None:
            raise _bad(field, "รูปแบบวันเวลาไม่ถูกต้อง (ISO 8601)", "not an ISO 8601 date-time")
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _parse_float(value, field, lo=None, hi=None):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(field, "ต้องเป็นตัวเลข", "must be a number") from None
    if (
        isinstance(value, bool)
        or math.isnan(number)
        or math.isinf(number)
        or (lo is not None and number < lo)
        or (hi is not None and number > hi)
    ):
        raise _bad(field, f"ต้องอยู่ระหว่าง {lo} ถึง {hi}", f"must be between {lo} and {hi}")
    return number


def _place(data, prefix: str, school: School) -> dict:
    """check_in / check_out payload → model fields, with the distance to the school and the far flag."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _bad(prefix, "ต้องเป็นออบเจกต์", "must be an object")
    out = {
        f"{prefix}_at": _parse_when(data.get("at") or data.get("time"), f"{prefix}.at"),
        f"{prefix}_lat": _parse_float(data.get("lat"), f"{prefix}.lat", -90, 90),
        f"{prefix}_lon": _parse_float(data.get("lon"), f"{prefix}.lon", -180, 180),
        f"{prefix}_accuracy_m": _parse_float(data.get("accuracy"), f"{prefix}.accuracy", 0, 1_000_000),
    }
    lat, lon = out[f"{prefix}_lat"], out[f"{prefix}_lon"]
    if (lat is None) != (lon is None):
        raise _bad(prefix, "ต้องมีทั้งละติจูดและลองจิจูด", "latitude and longitude go together")
    dist = None
    if lat is not None and school.latitude is not None and school.longitude is not None:
        dist = round(distance_m(lat, lon, school.latitude, school.longitude), 1)
    out[f"{prefix}_distance_m"] = dist
    out[f"{prefix}_far"] = dist is not None and dist > settings.VISIT_CHECKIN_RADIUS_M
    return out


def _recommendations(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad("findings.recommendations", "ต้องเป็นรายการข้อความ", "must be a list of texts")
    out = []
    for i, rec in enumerate(value):
        text = rec.get("text") if isinstance(rec, dict) else rec
        if not isinstance(text, str):
            raise _bad(f"findings.recommendations[{i}]", "ต้องเป็นข้อความ", "must be text")
        if len(text.strip()) > RECOMMENDATION_MAX:
            raise _bad(f"findings.recommendations[{i}]", *too_long_message(RECOMMENDATION_MAX))
        if text.strip():
            out.append(text.strip())
    if len(out) > RECOMMENDATIONS_MAX:
        raise _bad(
            "findings.recommendations",
            f"ไม่เกิน {RECOMMENDATIONS_MAX} ข้อ",
            f"at most {RECOMMENDATIONS_MAX} recommendations",
        )
    return out


def _int_id(value, field):
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(value)
    except (TypeError, ValueError):
        raise _bad(field, "ต้องเป็นรหัสตัวเลข", "must be a numeric id") from None


# --- instrument cache: a version's items never change once published, so keep them per process --------
_ITEMS_CACHE: dict[tuple[int, object], tuple[list, list]] = {}


def version_structure(version_id: int) -> tuple[list[Section], list[Item]]:
    """(sections, items) of a version. Published versions are immutable, so they are cached per process,
    keyed by (id, published_at) so that a reused id (a deleted draft, a rolled-back test) never hits."""
    published_at = (
        InstrumentVersion.objects.filter(pk=version_id)
        .exclude(status="draft")
        .values_list("published_at", flat=True)
        .first()
    )
    key = (version_id, published_at)
    if published_at is not None and key in _ITEMS_CACHE:
        return _ITEMS_CACHE[key]
    sections = list(Section.objects.filter(version_id=version_id).order_by("order", "id"))
    items = list(Item.objects.filter(version_id=version_id).order_by("section__order", "order", "id"))
    if published_at is not None:
        if len(_ITEMS_CACHE) > 200:
            _ITEMS_CACHE.clear()
        _ITEMS_CACHE[key] = (sections, items)
    return sections, items


def clean_answers(raw_answers, items: list[Item]) -> dict[int, AnswerInput]:
    """[{item: id|code, value, note}] → {item_id: AnswerInput}; every problem reported by position. A note
    left out keeps the stored note; a note given (even empty) replaces it."""
    if raw_answers is None:
        return {}
    if not isinstance(raw_answers, list):
        raise _bad("answers", "ต้องเป็นรายการ", "must be a list")
    by_id = {i.id: i for i in items}
    by_code = {i.code: i for i in items}
    errors: dict[str, list[str]] = {}
    out: dict[int, AnswerInput] = {}
    for n, entry in enumerate(raw_answers):
        if not isinstance(entry, dict) or "item" not in entry:
            errors[f"answers[{n}]"] = [Said("ต้องมี item และ value", "needs item and value")]
            continue
        ref = entry["item"]
        item = by_code.get(ref) if isinstance(ref, str) and not ref.isdigit() else by_id.get(_safe_int(ref))
        if item is None:
            errors[f"answers[{n}].item"] = [Said(f"ไม่มีข้อ {ref} ในแบบนิเทศนี้", f"no item {ref} in this instrument")]
            continue
        note = entry.get("note")
        if note is not None and not isinstance(note, str):
            errors[f"answers[{n}].note"] = [Said("ต้องเป็นข้อความ", "must be text")]
            continue
        if note is not None and len(note.strip()) > NOTE_MAX:
            errors[f"answers[{n}].note"] = [Said(*too_long_message(NOTE_MAX))]
            continue
        try:
            value = clean_value(item, entry.get("value"))
        except ValueProblem as p:
            errors[f"answers[{n}].value"] = [
                Said(f"ข้อ {item.code}: {p.message_th}", f"item {item.code}: {p.message_en}")
            ]
            continue
        out[item.id] = AnswerInput(value, note.strip() if note is not None else None)
    if errors:
        raise InvalidInput(fields=errors)
    return out


def _safe_int(v):
    try:
        return int(v) if not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None


# --- create ----------------------------------------------------------------------------------------------
def _resolve_new(data: dict, user) -> dict:
    """Where a new visit belongs: from its assignment, or (ad hoc) from round + school (+ committee)."""
    assignment_id = _int_id(data.get("assignment"), "assignment")
    if assignment_id is not None:
        assignment = (
            Assignment.objects.for_user(user)
            .select_related("round", "school__office", "committee")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            raise _bad("assignment", "ไม่พบการมอบหมายนี้", "no such assignment")
        place = {
            "assignment": assignment,
            "round": assignment.round,
            "school": assignment.school,
            "committee": assignment.committee,
        }
    else:
        round_id, school_id = _int_id(data.get("round"), "round"), _int_id(data.get("school"), "school")
        errors = {}
        if round_id is None:
            errors["round"] = [Said("ต้องระบุการมอบหมาย หรือรอบและโรงเรียน", "give an assignment, or a round and a school")]
        if school_id is None:
            errors["school"] = [Said("ต้องระบุโรงเรียน", "a school is required")]
        if errors:
            raise InvalidInput(fields=errors)
        rnd = rounds_for_user(user).filter(pk=round_id).first()
        school = School.objects.for_user(user).select_related("office").filter(pk=school_id).first()
        if rnd is None:
            raise _bad("round", "ไม่พบรอบนี้", "no such round")
        if school is None or school.office_id != rnd.office_id:
            raise _bad("school", "ไม่พบโรงเรียนนี้ในเขตของรอบ", "no such school in the round's office")
        committee = None
        committee_id = _int_id(data.get("committee"), "committee")
        if committee_id is not None:
            committee = Committee.objects.filter(pk=committee_id, office_id=rnd.office_id).first()
            if committee is None:
                raise _bad("committee", "ไม่พบคณะกรรมการนี้", "no such committee")
        place = {"assignment": None, "round": rnd, "school": school, "committee": committee}
    version_id = _int_id(data.get("instrument_version"), "instrument_version")
    version = (
        InstrumentVersion.objects.filter(pk=version_id).first() if version_id is not None else place["round"].instrument
    )
    place["instrument_version"] = version
    return place


# --- the one write path for a visit's content -------------------------------------------------------------
@transaction.atomic
def visit_save(*, visit_id, user, data: dict, expected_version: int | None = None) -> SaveResult:
    """Create or update the visit `visit_id` (a UUID made on the device) from a tablet payload.

    data: {"assignment"} or {"round", "school", "committee"} (only when creating), "instrument_version",
    "answers": [{"item": id or code, "value", "note"}], "findings": {"strengths", "to_improve",
    "recommendations", "observation_notes", "interview_notes"}, "check_in"/"check_out": {"at", "lat", "lon",
    "accuracy"}, "members_present": [person ids]. Keys left out stay as they are; answers not listed stay.
    The decision is `visits.plan.plan_visit_write` (shared with the batch); this reads, locks and applies.
    Raises InvalidInput (400), NotFound (404), Forbidden (403), VisitLocked/Conflict (409), StaleVersion (412).
    """
    if not isinstance(data, dict):
        raise InvalidInput(fields={"non_field_errors": [Said("ต้องเป็นออบเจกต์ JSON", "must be a JSON object")]})
    try:
        visit_id = uuid.UUID(str(visit_id))
    except ValueError:
        raise _bad("id", "ต้องเป็น UUID", "must be a UUID") from None
    visit = Visit.objects.select_for_update(of=("self",)).select_related("school__office").filter(pk=visit_id).first()
    if visit is None:
        place = _resolve_new(data, user)
        visit = Visit(id=visit_id, created_by=user, **place)
        taken = None
        if place["assignment"] is not None:
            taken = Visit.objects.filter(assignment=place["assignment"]).values_list("pk", flat=True).first()
        if taken == visit_id:
            # A twin request (the tablet's retry) created this very visit after our lookup found nothing:
            # answer as an edit of it, like the winner's other twins, never "this assignment already has a visit".
            return visit_save(visit_id=visit_id, user=user, data=data, expected_version=expected_version)
        stored_answers, stored_members, created = {}, set(), True
        may_write = selectors.can_record_visit(user, school=place["school"], committee=place["committee"])
    else:
        if not selectors.visits_for_user(user).filter(pk=visit.pk).exists():
            raise NotFound()
        taken, created = None, False
        may_write = selectors.can_edit_visit(user, visit)
        stored_answers = {a.item_id: a for a in Answer.objects.filter(visit=visit)} if may_write else {}
        stored_members = set(visit.members_present.values_list("pk", flat=True)) if may_write else set()

    version_id = visit.instrument_version_id
    sections, items = version_structure(version_id) if version_id is not None and may_write else ([], [])
    named = data.get("members_present") if isinstance(data.get("members_present"), list) else []
    people = {_safe_int(p) for p in named} - {None}
    stored = Stored(
        visit=visit,
        created=created,
        sections=sections,
        items=items,
        may_write=may_write,
        answers=stored_answers,
        members=stored_members,
        taken_by=taken,
        people_office=dict(Person.objects.filter(pk__in=people).values_list("pk", "office_id")) if people else {},
    )
    plan = plan_visit_write(
        stored,
        data,
        expected_version=expected_version,
    )
    if not plan.changed:
        return SaveResult(visit, created=False, changed=False)
    visit._history_user = user
    if created:
        try:
            with transaction.atomic():
                visit.save(force_insert=True)
        except IntegrityError:
            if Visit.objects.filter(pk=visit_id).exists():  # a twin request inserted this very UUID meanwhile
                return visit_save(visit_id=visit_id, user=user, data=data, expected_version=expected_version)
            raise Conflict(
                "บันทึกซ้ำกับการตรวจเยี่ยมที่มีอยู่", "clashes with an existing visit", code="duplicate_visit"
            ) from None
    else:
        claim_versions([(visit.pk, plan.base_version)])
        visit.version = plan.base_version + 1
        visit.save()
    if plan.create:
        bulk_create_with_history(plan.create, Answer, default_user=user)
    if plan.update:
        bulk_update_with_history(plan.update, Answer, ["value", "note"], default_user=user)
    if plan.members is not None:
        visit.members_present.set(sorted(plan.members))
    return SaveResult(visit, created=created, changed=True)


def claim_versions(seen: list[tuple]) -> None:
    """The concurrency guard of every visit write (one visit or a batch): with the rows already locked,
    bump each visit's version only where it still has the version the plan was made from, in one UPDATE.
    If any row moved on meanwhile nothing is bumped and StaleVersion is raised (the caller's transaction
    or savepoint rolls back)."""
    if not seen:
        return
    where = Q()
    for pk, version in seen:
        where |= Q(pk=pk, version=version)
    with transaction.atomic():
        claimed = Visit.objects.filter(where).update(version=F("version") + 1)
        if claimed != len(seen):
            raise StaleVersion(
                current_version=Visit.objects.filter(pk=seen[0][0]).values_list("version", flat=True).first()
                if len(seen) == 1
                else None
            )


def _finding(value, key: str) -> str:
    text = (value or "").strip()
    if len(text) > FINDING_MAX:
        raise _bad(key, *too_long_message(FINDING_MAX))
    return text


def content_fields(visit: Visit, data: dict) -> dict:
    out = {}
    findings = data.get("findings")
    if findings is not None:
        if not isinstance(findings, dict):
            raise _bad("findings", "ต้องเป็นออบเจกต์", "must be an object")
        for key in FINDING_FIELDS:
            if key in findings:
                value = findings[key]
                if value is not None and not isinstance(value, str):
                    raise _bad(f"findings.{key}", "ต้องเป็นข้อความ", "must be text")
                out[key] = _finding(value, f"findings.{key}")
        if "recommendations" in findings:
            out["recommendations"] = _recommendations(findings["recommendations"])
    for key in FINDING_FIELDS:  # also accepted at the top level
        if key in data and key not in out:
            value = data[key]
            if value is not None and not isinstance(value, str):
                raise _bad(key, "ต้องเป็นข้อความ", "must be text")
            out[key] = _finding(value, key)
    if "recommendations" in data and "recommendations" not in out:
        out["recommendations"] = _recommendations(data["recommendations"])
    if "check_in" in data:
        out.update(_place(data["check_in"], "check_in", visit.school))
    if "check_out" in data:
        out.update(_place(data["check_out"], "check_out", visit.school))
    check_in = out.get("check_in_at", visit.check_in_at)
    check_out = out.get("check_out_at", visit.check_out_at)
    if check_in and check_out and check_out < check_in:
        raise _bad("check_out.at", "เวลาออกต้องไม่ก่อนเวลาเข้า", "check-out cannot be before check-in")
    return out


# --- evidence manifest and signatures ---------------------------------------------------------------------
def _visible_editable_visit(visit_id, user, *, lock=True) -> Visit:
    qs = selectors.visits_for_user(user).select_related("school__office")
    if lock:
        qs = qs.select_for_update(of=("self",))
    visit = qs.filter(pk=visit_id).first()
    if visit is None:
        raise NotFound()
    if not selectors.can_edit_visit(user, visit):
        raise Forbidden()
    return visit


@transaction.atomic
def evidence_declare(
    *,
    visit_id,
    user,
    evidence_id,
    sha256: str,
    size: int,
    kind: str = Evidence.Kind.PHOTO,
    item=None,
    caption: str = "",
    original_name: str = "",
    taken_at=None,
    lat=None,
    lon=None,
) -> tuple[Evidence, bool]:
    """List a photo or document by its device UUID, declared SHA-256 and size (the manifest). The bytes come
        later (`visits.evidence.evidence_store`). Idempotent (the same manifest again changes nothing, in any state);
    new evidence, and any change of a listed one (caption, kind, item, hash), only while the visit is editable —
    after submission, only through a return (EvidenceLocked).
        Listing evidence does not bump the visit's version (evidence is its own resource)."""
    visit = _visible_editable_visit(visit_id, user)
    try:
        evidence_id = uuid.UUID(str(evidence_id))
    except ValueError:
        raise _bad("id", "ต้องเป็น UUID", "must be a UUID") from None
    sha256 = (sha256 or "").strip().lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise _bad("sha256", "ต้องเป็นค่า SHA-256 ฐานสิบหก 64 ตัว", "must be a 64-character hex SHA-256")
    size = _int_id(size, "size")
    if size is None or size <= 0:
        raise _bad("size", "ต้องระบุขนาดไฟล์", "the file size is required")
    if size > settings.EVIDENCE_MAX_BYTES:
        from visits.evidence import too_large

        raise too_large(size)
    if kind not in Evidence.Kind.values:
        raise _bad("kind", "ต้องเป็น photo หรือ document", "must be photo or document")
    item_obj = None
    if item not in (None, ""):
        _, items = version_structure(visit.instrument_version_id)
        item_obj = next((i for i in items if i.code == item or i.id == _safe_int(item)), None)
        if item_obj is None:
            raise _bad("item", f"ไม่มีข้อ {item} ในแบบนิเทศนี้", f"no item {item} in this instrument")
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise _bad("caption", *too_long_message(CAPTION_MAX))
    taken_at = _parse_when(taken_at, "taken_at")
    lat, lon = _parse_float(lat, "lat", -90, 90), _parse_float(lon, "lon", -180, 180)
    if (lat is None) != (lon is None):
        raise _bad("lat", "ต้องมีทั้งละติจูดและลองจิจูด", "latitude and longitude go together")
    place = {k: v for k, v in {"exif_taken_at": taken_at, "exif_lat": lat, "exif_lon": lon}.items() if v is not None}

    ev = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
    if ev is not None:
        if ev.visit_id != visit.pk:
            raise Conflict(
                "รหัสหลักฐานนี้ใช้กับการตรวจเยี่ยมอื่นแล้ว",
                "this evidence id belongs to another visit",
                code="evidence_other_visit",
            )
        if ev.sha256 != sha256 and ev.is_uploaded:
            raise Conflict(
                "ไฟล์ของหลักฐานนี้อัปโหลดแล้วด้วยค่า SHA-256 อื่น",
                "this evidence was already uploaded with another SHA-256",
                code="evidence_hash_changed",
            )
        changes = {
            "sha256": sha256,
            "size": size if ev.sha256 != sha256 else ev.size,
            "caption": caption or ev.caption,
            "kind": kind,
            "item": item_obj or ev.item,
            **{k: v for k, v in place.items() if getattr(ev, k) is None},
        }
        changes = {k: v for k, v in changes.items() if getattr(ev, k) != v}
        if not changes:
            return ev, False  # the same manifest again (a retry): nothing to do, whatever the visit's state
        if not visit.is_editable:
            raise EvidenceLocked()
        for k, v in changes.items():
            setattr(ev, k, v)
        ev.save()
        return ev, False
    if not visit.is_editable:
        raise EvidenceLocked()
    ev = Evidence.objects.create(
        id=evidence_id,
        visit=visit,
        kind=kind,
        sha256=sha256,
        size=size,
        item=item_obj,
        caption=caption,
        original_name=(original_name or "")[:255],
        **place,
    )
    return ev, True


@transaction.atomic
def signature_add(
    *,
    visit_id,
    user,
    signature_id,
    role: str,
    signer_name: str,
    image: bytes,
    signed_at=None,
    signer: Person | None = None,
    sha256: str | None = None,
) -> tuple[Signature, bool]:
    """Store a signature image (PNG/JPEG/WebP checked by content) with its SHA-256. Idempotent by the
        device's UUID: the same signature again answers with the stored one; other bytes under the same id are a
        conflict. A declared `sha256` must match the bytes. A new signature only while the visit is editable (draft
    or returned): once submitted, what was signed is fixed until the visit is returned."""
    import hashlib

    from django.core.files.base import ContentFile

    from visits.errors import EvidenceHashMismatch
    from visits.evidence import sniff_image

    visit = _visible_editable_visit(visit_id, user)
    try:
        signature_id = uuid.UUID(str(signature_id))
    except ValueError:
        raise _bad("id", "ต้องเป็น UUID", "must be a UUID") from None
    actual = hashlib.sha256(image).hexdigest()
    if sha256 is not None and sha256.strip().lower() != actual:
        raise EvidenceHashMismatch()
    existing = Signature.objects.filter(pk=signature_id).first()
    if existing is not None:
        if existing.visit_id != visit.pk:
            raise Conflict("รหัสลายมือชื่อนี้ใช้แล้ว", "this signature id belongs to another visit")
        if existing.sha256 and existing.sha256 != actual:
            raise Conflict(
                "ลายมือชื่อนี้บันทึกแล้วด้วยภาพอื่น",
                "this signature was already stored with another image",
                code="signature_changed",
            )
        return existing, False
    if not visit.is_editable:  # signed at the school before submitting; after that, only through a return
        raise EvidenceLocked()
    if role not in Signature.Role.values:
        raise _bad(
            "role",
            "ต้องเป็น supervisor, chair หรือ school_director",
            "must be supervisor, chair or school_director",
        )
    if not (signer_name or "").strip():
        raise _bad("signer_name", "ต้องระบุชื่อผู้ลงนาม", "the signer's name is required")
    sniff_image(image)
    sig = Signature(
        id=signature_id,
        visit=visit,
        role=role,
        signer_name=signer_name.strip()[:200],
        signer=signer,
        sha256=actual,
        signed_at=_parse_when(signed_at, "signed_at") or timezone.now(),
    )
    sig.image.save(f"{signature_id}.png", ContentFile(image), save=False)
    sig.save(force_insert=True)
    return sig, True
