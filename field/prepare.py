"""What a supervisor's tablet downloads to work a field day with no signal ("prepare for offline").

`field_brief(user)` picks the assignments by round and state, not by date alone: every live assignment
(planned, confirmed or moved) of the user's committees in a round that is not closed, which has no visit
yet or whose visit is still the tablet's to edit (draft, or returned by the chair) — so a supervisor whose
rounds lie in 2563 still has visits to prepare. Those dated from today on come first, then the rest by date.
Each carries what a visit needs without a network: the school brief (address, map link, director's
contact), the instrument version it is filled with (every item, its level descriptors and options), the
committee's members (for "members present"), the school's open follow-ups and the last visit's
recommendations. Reads go through the access rules (`Assignment.objects.for_user`, the user's
memberships, `visits_for_user`).
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from schedules.models import Assignment, Round
from supervision.models import Membership
from visits import selectors
from visits.models import InstrumentVersion, Item, Section, Visit, VisitTransition

EDITABLE = (Visit.Status.DRAFT, Visit.Status.RETURNED)


def map_url(lat, lon) -> str | None:
    if lat is None or lon is None:
        return None
    return f"https://www.google.com/maps/search/?api=1&query={lat:.6f},{lon:.6f}"


def prepared_assignments(user, *, limit: int | None = None):
    """The assignments the tablet prepares, soonest first (see the module docstring)."""
    committees = Membership.objects.filter(person__user=user).values("committee_id")
    today = timezone.localdate()
    live = [Assignment.Status.PLANNED, Assignment.Status.CONFIRMED, Assignment.Status.MOVED]
    visible_visits = selectors.visits_for_user(user)
    qs = (
        Assignment.objects.for_user(user)
        .filter(committee_id__in=committees)
        .exclude(round__status=Round.Status.CLOSED)
        .filter(
            (Q(status__in=live) & ~Exists(Visit.objects.filter(assignment=OuterRef("pk"))))
            | Exists(visible_visits.filter(assignment=OuterRef("pk"), status__in=EDITABLE))
        )
        .select_related("round", "committee", "session", "school__director", "school__district")
    )
    rows = list(qs)
    rows.sort(key=lambda a: (a.date < today, a.date, a.pk))
    return rows[: limit or settings.FIELD_PREPARE_MAX]


def _instrument(version: InstrumentVersion) -> dict:
    sections = list(Section.objects.filter(version=version).order_by("order", "id"))
    items = list(Item.objects.filter(version=version).order_by("section__order", "order", "id"))
    by_section: dict[int, list] = {s.pk: [] for s in sections}
    for item in items:
        by_section[item.section_id].append(
            {
                "id": item.pk,
                "code": item.code,
                "type": item.type,
                "text": item.text,
                "help_text": item.help_text,
                "levels": item.levels or [],
                "options": item.options or [],
                "required": item.required,
                "photo_required": item.photo_required,
            }
        )
    return {
        "id": version.pk,
        "name": version.instrument.name,
        "number": version.number,
        "kind": version.instrument.kind,
        "sections": [{"id": s.pk, "order": s.order, "title": s.title, "items": by_section[s.pk]} for s in sections],
    }


def _person(p) -> dict | None:
    if p is None:
        return None
    return {
        "id": p.pk,
        "name": f"{p.prefix}{p.first_name} {p.last_name}".strip(),
        "position": p.position,
        "phone": p.phone,
        "email": p.email,
    }


def field_brief(user) -> dict:
    """The offline package: {generated_at, assignments: [...], instruments: {id: ...}} (visits by id are
    added by the API, in the same JSON the visit endpoints give)."""
    assignments = prepared_assignments(user)
    school_ids = {a.school_id for a in assignments}
    committee_ids = {a.committee_id for a in assignments}
    visits = {
        v["assignment_id"]: v
        for v in selectors.visits_for_user(user)
        .filter(assignment__in=[a.pk for a in assignments])
        .values("id", "assignment_id", "status", "instrument_version_id")
    }
    members: dict[int, list] = {c: [] for c in committee_ids}
    for m in (
        Membership.objects.filter(committee_id__in=committee_ids)
        .select_related("person")
        .order_by("committee_id", "role", "person__first_name")
    ):
        entry = _person(m.person)
        entry["role"] = m.role
        entry["role_label"] = m.get_role_display()
        members[m.committee_id].append(entry)
    followups = selectors.open_followups_by_school(school_ids)
    # The last visit of each school the user may see, finished or on its way (its recommendations are what
    # the school was asked to do).
    last: dict[int, dict] = {}
    for v in (
        selectors.visits_for_user(user)
        .filter(school_id__in=school_ids)
        .exclude(status=Visit.Status.DRAFT)
        .order_by("school_id", "-submitted_at", "-created_at")
        .values("id", "school_id", "status", "submitted_at", "recommendations", "strengths", "to_improve", "score")
    ):
        last.setdefault(v["school_id"], v)
    returned = {}
    returned_ids = [v["id"] for v in visits.values() if v["status"] == Visit.Status.RETURNED]
    for t in VisitTransition.objects.filter(visit_id__in=returned_ids, to_status=Visit.Status.RETURNED).order_by(
        "at", "id"
    ):
        # the version it was returned at: the tablet refuses to resubmit it unchanged, as the server does
        returned[t.visit_id] = {"comment": t.comment, "at": t.at.isoformat(), "version": t.version}

    version_ids = {a.round.instrument_id for a in assignments if a.round.instrument_id}
    version_ids |= {v["instrument_version_id"] for v in visits.values()}
    instruments = {
        str(v.pk): _instrument(v)
        for v in InstrumentVersion.objects.filter(pk__in=version_ids).select_related("instrument")
    }
    out = []
    for a in assignments:
        school = a.school
        visit = visits.get(a.pk)
        prev = last.get(a.school_id)
        if prev is not None and visit is not None and prev["id"] == visit["id"]:
            prev = None
        out.append(
            {
                "id": a.pk,
                "date": a.date.isoformat(),
                "status": a.status,
                "session": {
                    "name": a.session.name,
                    "start": a.session.start_time.strftime("%H:%M"),
                    "end": a.session.end_time.strftime("%H:%M"),
                }
                if a.session_id
                else None,
                "round": {
                    "id": a.round_id,
                    "slug": a.round.slug,
                    "title": a.round.title,
                    "kind": a.round.kind,
                    "academic_year": a.round.academic_year,
                },
                "committee": {
                    "id": a.committee_id,
                    "number": a.committee.number,
                    "name": a.committee.name,
                    "members": members.get(a.committee_id, []),
                },
                "school": {
                    "id": school.pk,
                    "code": school.code,
                    "name_th": school.name_th,
                    "address": school.address,
                    "district": school.district.name_th if school.district_id else "",
                    "latitude": school.latitude,
                    "longitude": school.longitude,
                    "map_url": map_url(school.latitude, school.longitude),
                    "students": school.students,
                    "teachers": school.teachers,
                    "director": _person(school.director),
                },
                "instrument_version": visit["instrument_version_id"] if visit else a.round.instrument_id,
                "visit": str(visit["id"]) if visit else None,
                "returned": returned.get(visit["id"]) if visit else None,
                "open_followups": [
                    {
                        "id": fu.pk,
                        "recommendation": fu.recommendation,
                        "status": fu.status,
                        "status_label": fu.get_status_display(),
                        "due_date": fu.due_date.isoformat() if fu.due_date else None,
                    }
                    for fu in followups.get(a.school_id, [])
                ],
                "last_visit": {
                    "id": str(prev["id"]),
                    "status": prev["status"],
                    "submitted_at": prev["submitted_at"].isoformat() if prev["submitted_at"] else None,
                    "recommendations": prev["recommendations"] or [],
                    "strengths": prev["strengths"],
                    "to_improve": prev["to_improve"],
                    "score": prev["score"],
                }
                if prev
                else None,
            }
        )
    return {
        "generated_at": timezone.now().isoformat(),
        "gps": {
            "accuracy_warn_m": settings.VISIT_GPS_ACCURACY_WARN_M,
            "radius_m": settings.VISIT_CHECKIN_RADIUS_M,
        },
        "photo_max_px": settings.FIELD_PHOTO_MAX_PX,
        "assignments": out,
        "instruments": instruments,
    }
