"""The tablet's write path: one visit by its device UUID (PUT), many at once (sync), evidence bytes.

The rules of a visit write live once, in `visits.services.visit_save` (create or update by UUID; the same
content again changes nothing; a real change quoting an old version is refused with StaleVersion; submitted
visits change only through the workflow). This module adds what the API needs around it:

- `visit_upsert`: `visit_save` plus the evidence manifest of the same body, in one transaction, with the
  version taken from `If-Match` or the body.
- `sync_apply`: a batch. Each item is answered on its own and one bad item never drops the others. Plain
  items (an update of a visible visit, or a new visit on an assignment, without evidence) are checked in
  memory against rows read once for the whole batch and written with bulk statements in one savepoint —
  100 visits in a few dozen queries instead of thousands. Anything else (ad hoc visits, evidence, any doubt)
  goes through `visit_upsert` in its own savepoint, and so does every bulk item if the bulk savepoint
  fails (a constraint raced with another request): the canonical path then decides each item alone.
  `tests/api/test_sync.py` checks both paths give the same visits.
- `evidence_put`: the bytes of listed evidence (or evidence listed by this very upload), through
  `visits.evidence.evidence_store` (hash, size, type by content).

Two requests racing to create the same UUID: the primary key lets one insert win; the loser's savepoint
rolls back and it is replayed through the canonical path, which now finds the row, sees identical content
and answers like the winner.
"""

import json
import uuid as uuidlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from schedules.models import Assignment
from supervision.models import Person
from visits import selectors, services
from visits.errors import Conflict, InvalidInput, NotFound, Said, StaleVersion, VisitError
from visits.models import Answer, Evidence, Visit
from visits.plan import Stored, WritePlan, plan_visit_write

# Keys a bulk item may carry; anything else (round/school/committee of an ad hoc visit, an explicit
# instrument version, evidence) sends the item down the canonical path.
BULK_KEYS = {
    "assignment",
    "answers",
    "findings",
    "check_in",
    "check_out",
    "members_present",
    "version",
    *services.FINDING_FIELDS,
    "recommendations",
}


@dataclass
class Outcome:
    """What happened to one item: 201 created, 200 updated or unchanged (`visit_id` set), or an error."""

    key: str
    visit_id: uuidlib.UUID | None
    status: int
    created: bool = False
    changed: bool = False
    error: VisitError | None = None


def parse_if_match(header: str | None) -> int | None:
    """`If-Match: "v3"` (our ETag), `W/"v3"`, `"3"` or `3` → 3; `*` or nothing → None."""
    if not header:
        return None
    value = header.split(",")[0].strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"').lstrip("v")
    try:
        return int(value)
    except ValueError:
        malformed = Said('ETag ไม่ถูกต้อง (เช่น "v3")', 'malformed ETag (e.g. "v3")')
        raise InvalidInput(fields={"If-Match": [malformed]}) from None


def etag(version: int) -> str:
    return f'"v{version}"'


def _expected(payload: dict, if_match: str | None) -> int | None:
    from_header = parse_if_match(if_match)
    return from_header if from_header is not None else payload.get("version")


def _visit_data(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in ("evidence", "version")}


def visit_upsert(*, uuid, user, payload: dict, if_match: str | None = None) -> services.SaveResult:
    """Create or update one visit and declare its evidence manifest, atomically.

    payload: the body of `PUT /visits/{uuid}/` (see `visits.services.visit_save`, plus "evidence": [{id,
    sha256, size, kind, item, caption, name}] and "version"). Raises the VisitError it meets."""
    expected = _expected(payload, if_match)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                result = services.visit_save(
                    visit_id=uuid, user=user, data=_visit_data(payload), expected_version=expected
                )
                for m in payload.get("evidence") or []:
                    services.evidence_declare(
                        visit_id=result.visit.pk,
                        user=user,
                        evidence_id=m["id"],
                        sha256=m["sha256"],
                        size=m["size"],
                        kind=m.get("kind") or Evidence.Kind.PHOTO,
                        item=m.get("item"),
                        caption=m.get("caption") or "",
                        original_name=m.get("name") or "",
                        taken_at=m.get("taken_at"),
                        lat=m.get("lat"),
                        lon=m.get("lon"),
                    )
            return result
        except Conflict as error:
            # Another request inserted this very UUID between our look and our insert (a tablet retrying
            # while its first attempt is still running). Look again: the row is there now, and the same
            # content answers like the first request did.
            if error.code != "duplicate_visit" or attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- the batch ---------------------------------------------------------------------------------------------
class _Fallback(Exception):
    """This item is not plain: let the canonical path decide it."""


class _Batch:
    """Rows every plain item needs, read once for the whole batch."""

    def __init__(self, user, entries: list[dict]):
        self.user = user
        ids = [e["id"] for e in entries]
        payloads = [e["payload"] for e in entries]
        self.visits = {
            v.pk: v for v in Visit.objects.select_for_update(of=("self",)).select_related("school").filter(pk__in=ids)
        }
        self.visible = (
            set(selectors.visits_for_user(user).filter(pk__in=list(self.visits)).values_list("pk", flat=True))
            if self.visits
            else set()
        )
        self.answers: dict = {}
        self.members: dict = {}
        if self.visits:
            for a in Answer.objects.filter(visit_id__in=list(self.visits)):
                self.answers.setdefault(a.visit_id, {})[a.item_id] = a
            for visit_id, person_id in Visit.members_present.through.objects.filter(
                visit_id__in=list(self.visits)
            ).values_list("visit_id", "person_id"):
                self.members.setdefault(visit_id, set()).add(person_id)
        assignment_ids = {p["assignment"] for p in payloads if isinstance(p.get("assignment"), int)}
        self.assignments = (
            {
                a.pk: a
                for a in Assignment.objects.for_user(user)
                .select_related("round__instrument", "school", "committee")
                .filter(pk__in=assignment_ids)
            }
            if assignment_ids
            else {}
        )
        self.taken = (
            dict(Visit.objects.filter(assignment_id__in=assignment_ids).values_list("assignment_id", "pk"))
            if assignment_ids
            else {}
        )
        person_ids = {p for pl in payloads for p in (pl.get("members_present") or []) if isinstance(p, int)}
        self.people = (
            dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "office_id")) if person_ids else {}
        )
        self._may: dict = {}
        self._structures: dict = {}

    def structure(self, version_id):
        """(sections, items) of an instrument version, asked once per batch."""
        if version_id not in self._structures:
            self._structures[version_id] = services.version_structure(version_id)
        return self._structures[version_id]

    def may_record(self, school, committee) -> bool:
        key = ("record", school.office_id, getattr(committee, "pk", None))
        if key not in self._may:
            self._may[key] = selectors.can_record_visit(self.user, school=school, committee=committee)
        return self._may[key]

    def may_edit(self, visit) -> bool:
        key = ("edit", visit.created_by_id == self.user.pk, visit.committee_id, visit.school.office_id)
        if key not in self._may:
            self._may[key] = selectors.can_edit_visit(self.user, visit)
        return self._may[key]


def _plan(batch: _Batch, entry: dict) -> WritePlan | None:
    """Read one item's stored state from the batch's rows and let `plan_visit_write` decide it (the same
    decision `visit_save` makes). Items that need rows the batch did not read go the canonical path."""
    payload, visit_id = entry["payload"], entry["id"]
    if set(payload) - BULK_KEYS:
        raise _Fallback
    user = batch.user
    visit = batch.visits.get(visit_id)
    created = visit is None
    if created:
        a = batch.assignments.get(payload.get("assignment"))
        if a is None:
            raise _Fallback  # no such assignment, or an ad hoc visit: the canonical path says which
        visit = Visit(
            id=visit_id,
            created_by=user,
            assignment=a,
            round=a.round,
            school=a.school,
            committee=a.committee,
            instrument_version=a.round.instrument,
        )
        may_write = batch.may_record(a.school, a.committee)
        taken = batch.taken.get(a.pk)
        if taken is not None and str(taken) == str(visit_id):
            # A twin request (the tablet's retry) created this very visit between the batch's reads of the
            # visits and of the taken assignments: the canonical path answers it as an edit of that visit
            # (visit_save's twin rule), never "this assignment already has a visit" naming its own UUID.
            raise _Fallback
    else:
        if visit.pk not in batch.visible:
            raise NotFound()
        may_write, taken = batch.may_edit(visit), None
    version_id = visit.instrument_version_id
    sections, items = batch.structure(version_id) if version_id is not None and may_write else ([], [])
    stored = Stored(
        visit=visit,
        created=created,
        sections=sections,
        items=items,
        may_write=may_write,
        answers=batch.answers.get(visit.pk, {}),
        members=batch.members.get(visit.pk, set()),
        taken_by=taken,
        people_office=batch.people,
    )
    plan = plan_visit_write(
        stored,
        payload,
        expected_version=entry.get("expected"),
    )
    if created:
        batch.taken[visit.assignment_id] = visit.pk
    if not plan.changed:
        return None
    if not created:
        visit.version = plan.base_version + 1
    visit.updated_at = timezone.now()
    return plan


def _history_copy(model, where: str, params: list, *, user, history_type: str = "+") -> None:
    """Write django-simple-history's rows for freshly inserted rows with one INSERT … SELECT, in the
    database: the same rows `bulk_history_create` makes, without building tens of thousands of values in
    Python (for 100 visits of 20 answers that was most of a sync's time)."""
    history = model.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    copied = [f.column for f in history._meta.concrete_fields if f.attname not in own]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(qn(c) for c in copied)}, "
        f"{qn('history_date')}, {qn('history_change_reason')}, {qn('history_type')}, {qn('history_user_id')}) "
        f"SELECT {', '.join(qn(c) for c in copied)}, %s, NULL, %s, %s FROM {qn(model._meta.db_table)} "
        f"WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), history_type, getattr(user, "pk", None), *params])


def _ids_clause(column: str, ids: list) -> tuple[str, list]:
    field = Visit._meta.pk
    values = [field.get_db_prep_value(i, connection) for i in ids]
    return f"{connection.ops.quote_name(column)} IN ({', '.join(['%s'] * len(values))})", values


def _insert(model, objs: list) -> None:
    """Insert new rows. On PostgreSQL with COPY: for 100 visits of 20 answers Django's bulk_create spent
    most of a sync's time adapting parameters in Python; COPY streams the rows through psycopg's C code.
    Values come from each field's `pre_save` (so auto_now/auto_now_add apply) and JSON is encoded here."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.auto_created) and not getattr(f, "db_returning", False)
    ]
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    # The raw psycopg cursor: wrap its errors so a racing duplicate is Django's IntegrityError, as usual.
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            row = []
            for f in fields:
                value = f.pre_save(obj, True)
                if f.attname in json_fields and value is not None:
                    value = json.dumps(value, cls=f.encoder)
                row.append(value)
            copy.write_row(row)


def _write(batch: _Batch, plans: list[WritePlan]) -> None:
    user = batch.user
    services.claim_versions([(p.visit.pk, p.base_version) for p in plans if not p.created])
    new = [p.visit for p in plans if p.created]
    if new:
        _insert(Visit, new)
        _history_copy(Visit, *_ids_clause("id", [v.pk for v in new]), user=user)
    updated = [p for p in plans if not p.created]
    if updated:
        fields = sorted({f for p in updated for f in p.fields} | {"version", "updated_at"})
        bulk_update_with_history([p.visit for p in updated], Visit, fields, default_user=user)
    fresh_visits = [p.visit.pk for p in plans if p.created]
    first_answers = [a for p in plans if p.created for a in p.create]
    if first_answers:
        _insert(Answer, first_answers)
        _history_copy(Answer, *_ids_clause("visit_id", fresh_visits), user=user)
    older = [a for p in plans if not p.created for a in p.create]
    if older:
        bulk_create_with_history(older, Answer, default_user=user, default_change_reason=None)
    update = [a for p in plans for a in p.update]
    if update:
        bulk_update_with_history(update, Answer, ["value", "note"], default_user=user)
    with_members = [p for p in plans if p.members is not None]
    if with_members:
        through = Visit.members_present.through
        through.objects.filter(visit_id__in=[p.visit.pk for p in with_members if not p.created]).delete()
        through.objects.bulk_create(
            [through(visit_id=p.visit.pk, person_id=pid) for p in with_members for pid in sorted(p.members)]
        )


def _one(user, entry: dict) -> Outcome:
    """The canonical path for one item, in its own savepoint."""
    key, visit_id = entry["key"], entry["id"]
    try:
        with transaction.atomic():
            result = visit_upsert(uuid=visit_id, user=user, payload=entry["payload"])
    except VisitError as error:
        return Outcome(key, visit_id, error.http_status, error=error)
    return Outcome(key, result.visit.pk, 201 if result.created else 200, created=result.created, changed=result.changed)


def sync_apply(*, user, items: list[dict]) -> list[Outcome]:
    """Apply many visit writes in one transaction, each answered on its own, in the order given.

    items: [{"key": str, "id": UUID, "payload": {... as for PUT, with "version"}}]. A UUID listed twice is
    refused after its first occurrence."""
    outcomes: dict[str, Outcome] = {}
    with transaction.atomic():
        entries = [
            {"key": it["key"], "id": it["id"], "payload": it["payload"], "expected": it["payload"].get("version")}
            for it in items
        ]
        batch = _Batch(user, entries)
        plans, slow, seen = [], [], set()
        for entry in entries:
            if entry["id"] in seen:
                outcomes[entry["key"]] = Outcome(
                    entry["key"],
                    entry["id"],
                    400,
                    error=InvalidInput(
                        "การตรวจเยี่ยมนี้อยู่ในชุดเดียวกันซ้ำ", "this visit appears twice in the batch", code="duplicate_in_batch"
                    ),
                )
                continue
            seen.add(entry["id"])
            try:
                plan = _plan(batch, entry)
            except _Fallback:
                slow.append(entry)
                continue
            except VisitError as error:
                outcomes[entry["key"]] = Outcome(entry["key"], entry["id"], error.http_status, error=error)
                continue
            if plan is None:
                outcomes[entry["key"]] = Outcome(entry["key"], entry["id"], 200)
                continue
            outcomes[entry["key"]] = Outcome(
                entry["key"], entry["id"], 201 if plan.created else 200, created=plan.created, changed=True
            )
            plans.append((entry, plan))
        if plans:
            try:
                with transaction.atomic():
                    _write(batch, [p for _, p in plans])
            except (IntegrityError, StaleVersion):
                # A constraint or a version raced with another request: each item decides alone.
                slow.extend(e for e, _ in plans)
                slow.sort(key=lambda e: entries.index(e))
        for entry in slow:
            outcomes[entry["key"]] = _one(user, entry)
    return [outcomes[it["key"]] for it in items]


# --- evidence bytes ----------------------------------------------------------------------------------------
def evidence_put(
    *, user, visit_id, evidence_id, upload, sha256: str, kind: str | None = None, item=None, caption: str = ""
) -> tuple[Evidence, bool]:
    """Store the bytes of evidence `evidence_id` of visit `visit_id`. Idempotent: the same bytes again
    change nothing. Evidence the visit did not list yet is listed by this upload (while it is editable).

    Returns (evidence, stored_now). Raises NotFound (404), Forbidden (403), EvidenceTooLarge (413),
    EvidenceHashMismatch (400), EvidenceTypeRejected (415), VisitLocked (409)."""
    from visits.evidence import evidence_store

    with transaction.atomic():
        if not selectors.visits_for_user(user).filter(pk=visit_id).exists():
            raise NotFound()
        listed = Evidence.objects.filter(pk=evidence_id).values_list("visit_id", "file").first()
        if listed is not None and listed[0] != visit_id:
            raise NotFound()
        if listed is not None and listed[1]:
            # Already stored: only check the hash (a retry after a lost response).
            stored = evidence_store(evidence_id=evidence_id, user=user, upload=upload, sha256=sha256)
            return stored, False
        if listed is None:
            size = getattr(upload, "size", None) or 0
            services.evidence_declare(
                visit_id=visit_id,
                user=user,
                evidence_id=evidence_id,
                sha256=sha256,
                size=size,
                kind=kind or Evidence.Kind.PHOTO,
                item=item,
                caption=caption,
                original_name=getattr(upload, "name", "") or "",
            )
        stored = evidence_store(
            evidence_id=evidence_id,
            user=user,
            upload=upload,
            sha256=sha256,
            original_name=getattr(upload, "name", "") or "",
        )
        return stored, True
