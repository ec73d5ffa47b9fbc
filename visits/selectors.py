"""Reads of the visits domain, and the one access rule for visits and follow-ups.

Who sees which visit (every view, API endpoint, report and export narrows through `visits_for_user`):
- coordinators and the office director: every visit of their offices (`supervision.access`);
- supervisors and committee members: visits of the committees they sit on, and visits they recorded;
- school directors: only approved (and acknowledged) visits of the school they direct;
- viewers: approved and acknowledged visits of their offices;
- superusers everything, anonymous nothing.
Each rule is a subquery, so the result is one SQL query whatever the number of rows.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from schedules.models import Assignment
from supervision.access import committees_of, is_office_manager, office_ids_for_user, person_for_user
from supervision.models import Membership, School
from supervision.roles import Role, user_roles
from visits.models import Evidence, FollowUp, Instrument, InstrumentVersion, Visit

SCHOOL_VISIBLE = (Visit.Status.APPROVED, Visit.Status.ACKNOWLEDGED)


def _committee_ids(user):
    return committees_of(user).values("id")


def _directed_school_ids(user):
    """Schools whose director is this user's person (School.director is the source of truth)."""
    return School.objects.filter(director__user=user).values("id")


def visits_for_user(user) -> QuerySet[Visit]:
    qs = Visit.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    roles = user_roles(user)
    if is_office_manager(user):
        return qs.filter(school__office_id__in=office_ids_for_user(user))
    rule = Q(committee_id__in=_committee_ids(user)) | Q(created_by=user)
    if Role.SCHOOL_DIRECTOR in roles:
        rule |= Q(school_id__in=_directed_school_ids(user), status__in=SCHOOL_VISIBLE)
    if Role.VIEWER in roles:
        rule |= Q(school__office_id__in=office_ids_for_user(user), status__in=SCHOOL_VISIBLE)
    return qs.filter(rule)


def followups_for_user(user) -> QuerySet[FollowUp]:
    """Follow-ups: office-wide roles and viewers all of their offices; school directors their school's
    (once the visit that raised them is approved); supervisors and committee members those raised by their
    committees' visits, and the settled ones of the schools their committees are assigned to (the brief)."""
    qs = FollowUp.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    roles = user_roles(user)
    offices = office_ids_for_user(user)
    if is_office_manager(user) or Role.VIEWER in roles:
        return qs.filter(school__office_id__in=offices)
    committees = _committee_ids(user)
    settled = Q(source_visit__isnull=True) | Q(source_visit__status__in=SCHOOL_VISIBLE)
    rule = Q(source_visit__committee_id__in=committees) | (
        Q(school_id__in=Assignment.objects.filter(committee_id__in=committees).values("school_id")) & settled
    )
    if Role.SCHOOL_DIRECTOR in roles:
        rule |= Q(school_id__in=_directed_school_ids(user)) & settled
    return qs.filter(rule, school__office_id__in=offices)


def instrument_versions_for_user(user) -> QuerySet[InstrumentVersion]:
    """Published versions of instruments shared by every office or owned by one the user sees; coordinators
    also see drafts."""
    qs = InstrumentVersion.objects.select_related("instrument")
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    offices = office_ids_for_user(user)
    qs = qs.filter(Q(instrument__office__isnull=True) | Q(instrument__office_id__in=offices))
    if Role.COORDINATOR not in user_roles(user):
        qs = qs.exclude(status=InstrumentVersion.Status.DRAFT)
    return qs


def instruments_for_user(user) -> QuerySet[Instrument]:
    if user is None or not user.is_authenticated:
        return Instrument.objects.none()
    if user.is_superuser:
        return Instrument.objects.all()
    return Instrument.objects.filter(Q(office__isnull=True) | Q(office_id__in=office_ids_for_user(user)))


def instruments_editable_by_user(user) -> QuerySet[Instrument]:
    """Instruments whose versions the user may add, publish or copy: a coordinator those owned by their offices;
    shared instruments (no office) are every office's and change only by a superuser."""
    if user is None or not user.is_authenticated:
        return Instrument.objects.none()
    if user.is_superuser:
        return Instrument.objects.all()
    if Role.COORDINATOR not in user_roles(user):
        return Instrument.objects.none()
    return Instrument.objects.filter(office_id__in=office_ids_for_user(user))


# --- what a user may do to one visit (the workflow and the write services ask these) -----------------
def is_committee_member(user, committee_id) -> bool:
    return bool(committee_id) and Membership.objects.filter(person__user=user, committee_id=committee_id).exists()


def is_committee_chair(user, committee_id) -> bool:
    return (
        bool(committee_id)
        and Membership.objects.filter(person__user=user, committee_id=committee_id, role=Membership.Role.CHAIR).exists()
    )


def is_office_coordinator(user, office_id) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Role.COORDINATOR in user_roles(user) and office_id in (office_ids_for_user(user) or set())


def is_school_director(user, school_id) -> bool:
    return School.objects.filter(pk=school_id, director__user=user).exists()


def can_edit_visit(user, visit) -> bool:
    """Write the visit's content (answers, findings, evidence): its committee, its recorder, a coordinator."""
    if user is None or not user.is_authenticated:
        return False
    return (
        visit.created_by_id == user.pk
        or is_committee_member(user, visit.committee_id)
        or is_office_coordinator(user, visit.school.office_id)
    )


def can_record_visit(user, *, school, committee) -> bool:
    """Start a new visit: members of the committee (or, ad hoc without a committee, supervisors of the
    school's office) and the school's office coordinators."""
    if user is None or not user.is_authenticated:
        return False
    if is_office_coordinator(user, school.office_id):
        return True
    if committee is not None:
        return is_committee_member(user, committee.pk)
    person = person_for_user(user)
    return (
        person is not None
        and person.office_id == school.office_id
        and bool(user_roles(user) & {Role.SUPERVISOR, Role.COMMITTEE_MEMBER})
    )


# --- follow-ups and briefs ----------------------------------------------------------------------------
def open_followups_for_school(school) -> QuerySet[FollowUp]:
    """What the school still has to do, oldest due first (shown in the brief of its next assignment)."""
    school_id = getattr(school, "pk", school)
    return (
        FollowUp.objects.filter(school_id=school_id, status__in=FollowUp.OPEN_STATUSES)
        .select_related("source_visit", "owner")
        .order_by("due_date", "id")
    )


def open_followups_by_school(school_ids) -> dict[int, list[FollowUp]]:
    """Open follow-ups for many schools in one query (the assignments list uses this)."""
    out: dict[int, list[FollowUp]] = {}
    for fu in FollowUp.objects.filter(school_id__in=list(school_ids), status__in=FollowUp.OPEN_STATUSES).order_by(
        "due_date", "id"
    ):
        out.setdefault(fu.school_id, []).append(fu)
    return out


def missing_evidence(visit) -> QuerySet:
    """Evidence listed by the tablet whose bytes have not arrived yet."""
    return visit.evidence.filter(Q(file="") | Q(file__isnull=True))


def visits_with_missing_evidence(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    from visits.models import Evidence

    return qs.annotate(
        has_missing=Exists(Evidence.objects.filter(visit=OuterRef("pk")).filter(Q(file="") | Q(file__isnull=True)))
    ).filter(has_missing=True)


def evidence_file_for_user(user, visit_id, evidence_id, *, thumbnail: bool = False):
    """(open file, content type) of one piece of evidence of a visit the user may see, or None.

    Evidence (photos of pupils, school documents) is only ever served through this rule; media URLs are never
    published. The thumbnail falls back to the file itself when none was made (PDFs)."""
    evidence = (
        Evidence.objects.filter(pk=evidence_id, visit__in=visits_for_user(user).filter(pk=visit_id))
        .only("file", "thumbnail", "content_type")
        .first()
    )
    if evidence is None or not evidence.file:
        return None
    if thumbnail and evidence.thumbnail:
        return evidence.thumbnail.open("rb"), "image/jpeg"
    return evidence.file.open("rb"), evidence.content_type or "application/octet-stream"


def signature_file_for_user(user, visit_id, signature_id):
    """The open PNG of one signature of a visit the user may see, or None (the same rule as evidence)."""
    from visits.models import Signature

    signature = (
        Signature.objects.filter(pk=signature_id, visit__in=visits_for_user(user).filter(pk=visit_id))
        .only("image")
        .first()
    )
    if signature is None or not signature.image:
        return None
    return signature.image.open("rb")


def visit_detail(visit_id, user) -> Visit | None:
    """One visit the user may see, with what a detail page or the API needs prefetched; None if not visible."""
    return (
        visits_for_user(user)
        .select_related("school", "round", "committee", "assignment", "created_by", "instrument_version__instrument")
        .prefetch_related("answers__item", "evidence", "signatures", "members_present", "transitions")
        .filter(pk=visit_id)
        .first()
    )
