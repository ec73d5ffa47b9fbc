"""Follow-ups: recommendations the school owns, from creation to the office's verification.

    open ──▶ in_progress ──▶ done ──▶ verified
      └──────────────────────▲  ▲ (a school may go straight to done; done may go back to in_progress)

The school (its director, or a coordinator on its behalf) moves open → in_progress → done; only the office
(a coordinator or the office director) verifies, or sends a done follow-up back to in_progress.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.access import office_ids_for_user
from supervision.roles import Role, user_roles
from visits import selectors
from visits.errors import InvalidInput, InvalidTransition, NotFound
from visits.models import FollowUp, Visit

F = FollowUp.Status
DEFAULT_DUE_DAYS = 60

# (from, to) -> who may: "school" (its director) or "office" (coordinator / office director)
FOLLOWUP_TRANSITIONS = {
    (F.OPEN, F.IN_PROGRESS): {"school", "office"},
    (F.OPEN, F.DONE): {"school", "office"},
    (F.IN_PROGRESS, F.DONE): {"school", "office"},
    (F.DONE, F.IN_PROGRESS): {"office"},
    (F.DONE, F.VERIFIED): {"office"},
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
    if user.is_superuser or (
        user_roles(user) & {Role.COORDINATOR, Role.OFFICE_DIRECTOR} and followup.school.office_id in (offices or set())
    ):
        rel.add("office")
    return rel


def _attach_evidence(fu: FollowUp, upload) -> None:
    """A school's proof of work: checked like visit evidence (size limit, JPEG/PNG/WebP/PDF by content)."""
    from django.core.files.base import ContentFile

    from visits.evidence import _read, sniff

    data = _read(upload)
    kind = sniff(data)
    fu.evidence.save(f"evidence{kind.suffix}", ContentFile(data), save=False)


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
) -> FollowUp:
    """Change a follow-up's status, notes, due date, owner or evidence file, as its school or the office."""
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
    if status and status != fu.status:
        if status not in F.values:
            raise InvalidInput(fields={"status": [f"ไม่รู้จักสถานะ {status} / unknown status {status}"]})
        who = FOLLOWUP_TRANSITIONS.get((fu.status, status))
        if who is None:
            raise InvalidTransition(
                f"เปลี่ยนจาก {F(fu.status).label} เป็น {F(status).label} ไม่ได้",
                f"a follow-up cannot go from {fu.status} to {status}",
                code="not_allowed",
            )
        if not rel & who:
            raise InvalidTransition("เฉพาะสำนักงานเขตเท่านั้นที่ตรวจสอบได้", "only the office may do this", code="wrong_role")
        now = timezone.now()
        if status == F.DONE:
            fu.done_at = now
        if status == F.VERIFIED:
            fu.verified_at, fu.verified_by = now, user
        if status == F.IN_PROGRESS:
            fu.done_at = None
        fu.status = status
    if notes is not None:
        fu.notes = notes
    if due_date is not None:
        fu.due_date = due_date
    if owner is not None:
        fu.owner = owner
    if evidence is not None:
        _attach_evidence(fu, evidence)
    fu._history_user = user
    fu.save()
    return fu
