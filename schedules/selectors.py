"""Reads: which rounds a user may see (`rounds_for_user`, the one rule), a round's target schools, and the plain
data the rules and planner use."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Q, QuerySet

from schedules import conflicts as rules
from schedules.days import round_days
from schedules.models import Assignment, Round
from supervision.access import committees_of, is_office_manager, office_ids_for_user
from supervision.models import Committee, School, SchoolTie
from supervision.roles import Role, user_roles

# A round still being drafted is the office's workbench: its staff and the ก.ต.ป.น. (who approve the office's
# plans) see it; school directors and viewers see rounds once they are announced.
ANNOUNCED = (Round.Status.PUBLISHED, Round.Status.CLOSED)
OFFICE_STAFF = {Role.SUPERVISOR, Role.COMMITTEE_MEMBER}


def _round_rule(user, *, as_school_director: bool) -> Q | None:
    """The Q a round of the user's offices must match for this user (None: every round of their offices)."""
    roles = user_roles(user)
    if is_office_manager(user) or roles & OFFICE_STAFF:
        return None
    mine = Round.committees.through.objects.filter(committee__in=committees_of(user)).values("round_id")
    rule = Q(pk__in=mine)
    if Role.VIEWER in roles:
        rule |= Q(status__in=ANNOUNCED)
    if as_school_director and Role.SCHOOL_DIRECTOR in roles:
        visiting = Assignment.objects.active().filter(school__director__user=user).values("round_id")
        rule |= Q(pk__in=visiting, status__in=ANNOUNCED)
    return rule


def _rounds(user, *, as_school_director: bool) -> QuerySet[Round]:
    if user is None or not user.is_authenticated:
        return Round.objects.none()
    qs = Round.objects.select_related("office")
    if user.is_superuser:
        return qs
    offices = office_ids_for_user(user)
    qs = qs.filter(office_id__in=offices)
    rule = _round_rule(user, as_school_director=as_school_director)
    return qs if rule is None else qs.filter(rule)


def rounds_for_user(user) -> QuerySet[Round]:
    """The one rule for which rounds a user sees (web pages, the API, reports, homes, dashboards).

    Always within the offices the user belongs to (`supervision.access.office_ids_for_user`):
    - coordinators and the office director (`is_office_manager`): every round of their offices, drafts too;
    - supervisors and ก.ต.ป.น./committee members: every round of their offices, drafts too — as the API has
      always listed them: the office's staff plan together, and the ก.ต.ป.น. approves the office's plans, so a
      round is theirs to read before it is announced (not only the rounds their own committees work in);
    - school directors: announced (published or closed) rounds with a (not cancelled) visit planned at the
      school they direct, plus the rounds of any committee they sit on (`committees_of`);
    - viewers: announced rounds of their offices (plus their committees' rounds, should they sit on one);
    - a person with several roles sees the union; superusers everything; anonymous users and logins
      without a person nothing.
    Missing and not-visible are the same to callers (404). One SQL query, whatever the number of rounds.
    """
    return _rounds(user, as_school_director=True)


def round_reports_for_user(user) -> QuerySet[Round]:
    """Rounds whose summary report (every school's results) the user may download: `rounds_for_user`, except
    that directing a school that the round visits is not enough — a school director reads their own school's
    visit reports, not the other schools' results (unless another role of theirs gives the round)."""
    return _rounds(user, as_school_director=False)


def rounds_for_planner(user) -> QuerySet[Round]:
    """Rounds a coordinator or office director may plan: their own offices only."""
    if not is_office_manager(user):
        return Round.objects.none()
    return rounds_for_user(user)


def round_by_key(key: str) -> Round | None:
    """A round by slug or numeric id (the commands' ROUND argument)."""
    q = Q(slug=key)
    if key.isdigit():
        q |= Q(pk=int(key))
    return Round.objects.filter(q).select_related("office").first()


def round_target_schools(round_: Round) -> QuerySet[School]:
    if round_.is_exam:
        return School.objects.filter(exam_centres__round=round_)
    schools = School.objects.filter(office_id=round_.office_id, is_active=True)
    if round_.target == Round.Target.CONSORTIA:
        schools = schools.filter(consortium__in=round_.target_consortia.all())
    elif round_.target == Round.Target.LIST:
        schools = School.objects.filter(pk__in=round_.target_schools.values("pk"))
    return schools


def round_committees(round_: Round) -> QuerySet[Committee]:
    return round_.committees.prefetch_related("memberships__person").order_by("number", "name", "id")


def _committee_info(c: Committee, ties: dict[int, frozenset[int]] | None = None) -> rules.CommitteeInfo:
    members = []
    for m in c.memberships.all():
        p = m.person
        members.append(
            rules.Member(
                person_id=p.id, name=p.full_name, school_id=p.school_id, ties=(ties or {}).get(p.id, frozenset())
            )
        )
    return rules.CommitteeInfo(id=c.id, label=str(c), members=tuple(members))


def school_ties(person_ids) -> dict[int, frozenset[int]]:
    """person id -> every school the person is tied to besides the one they are staff of: schools they
    direct (`School.director`) and every `SchoolTie` (director, acting director, deputy, teacher, board)."""
    ties: dict[int, set[int]] = defaultdict(set)
    person_ids = set(person_ids)
    for person_id, school_id in School.objects.filter(director_id__in=person_ids).values_list("director_id", "id"):
        ties[person_id].add(school_id)
    for person_id, school_id in SchoolTie.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "school_id"
    ):
        ties[person_id].add(school_id)
    return {p: frozenset(s) for p, s in ties.items()}


def bookings_elsewhere(round_: Round, person_ids) -> tuple[rules.Booking, ...]:
    """The active assignments, in the office's other rounds, of these people during this round's window."""
    rows = (
        Assignment.objects.active()
        .filter(
            round__office_id=round_.office_id,
            date__gte=round_.start_date,
            date__lte=round_.end_date,
            committee__memberships__person_id__in=set(person_ids),
        )
        .exclude(round_id=round_.pk)
        .values_list(
            "id",
            "date",
            "session__start_time",
            "session__end_time",
            "round__title",
            "school__name_th",
            "committee__memberships__person_id",
            "committee__memberships__person__first_name",
            "committee__memberships__person__last_name",
        )
        .order_by("date", "id")
    )
    return tuple(
        rules.Booking(pid, f"{first} {last}", day, start, end, title, school, aid)
        for aid, day, start, end, title, school, pid, first, last in rows
        if pid in person_ids
    )


def _school_info(s: School) -> rules.SchoolInfo:
    return rules.SchoolInfo(id=s.id, code=s.code, name=s.name_th, lat=s.latitude, lon=s.longitude)


def visit_of(a: Assignment) -> rules.Visit:
    return rules.Visit(
        id=a.id,
        committee_id=a.committee_id,
        school_id=a.school_id,
        date=a.date,
        session_id=a.session_id,
        day_order=a.day_order,
        locked=a.locked,
        status=a.status,
    )


def round_data(round_: Round, assignments=None) -> rules.RoundData:
    """The plain-data picture of a round: days, sessions, committees (with members' schools), schools, visits.

    `assignments` defaults to the round's active assignments; pass a list of `conflicts.Visit` to check a
    proposal instead.
    """
    committees = list(round_committees(round_))
    people = {m.person_id for c in committees for m in c.memberships.all()}
    ties = school_ties(people)
    infos = {c.id: _committee_info(c, ties) for c in committees}
    targets = list(round_target_schools(round_).order_by("code"))
    if assignments is None:
        rows = (
            Assignment.objects.filter(round=round_)
            .active()
            .select_related("school")
            .order_by("date", "session__order", "day_order", "id")
        )
        visits = [visit_of(a) for a in rows]
        extra = {a.school_id: a.school for a in rows}
    else:
        visits = list(assignments)
        extra = {s.id: s for s in School.objects.filter(pk__in={v.school_id for v in visits})}
    schools = {s.id: _school_info(s) for s in targets}
    for sid, s in extra.items():
        schools.setdefault(sid, _school_info(s))
    # Committees of other rounds that show up in assignments still need their members for the person rule.
    missing = {v.committee_id for v in visits} - set(infos)
    other = (
        {
            c.id: _committee_info(c, ties)
            for c in Committee.objects.filter(pk__in=missing).prefetch_related("memberships__person")
        }
        if missing
        else {}
    )
    sessions = tuple(
        rules.SessionInfo(s.id, s.code, s.name, s.order, s.start_time, s.end_time)
        for s in round_.sessions.order_by("order")
    )
    info = rules.RoundInfo(
        slug=round_.slug,
        is_exam=round_.is_exam,
        start_date=round_.start_date,
        end_date=round_.end_date,
        days={d.date: (d.counted, d.reason_th, d.reason_en) for d in round_days(round_)},
        visits_per_school=round_.visits_per_school,
        visits_per_committee_day=round_.visits_per_committee_day,
        sessions=sessions,
        base=(round_.office.base_latitude, round_.office.base_longitude),
        road_factor=settings.SCHEDULES_ROAD_FACTOR,
        max_leg_km=round_.max_leg_km or settings.SCHEDULES_MAX_LEG_KM,
    )
    return rules.RoundData(
        round=info,
        committees={**other, **infos},
        schools=schools,
        targets=tuple(s.id for s in targets),
        centres=tuple(s.id for s in targets) if round_.is_exam else (),
        visits=tuple(visits),
        round_committees=tuple(infos),
        elsewhere=bookings_elsewhere(round_, people),
    )


def round_conflicts(round_: Round, assignments=None) -> list[rules.Conflict]:
    return rules.check(round_data(round_, assignments))


def plan_as_json(data: rules.RoundData, plan) -> dict:
    """The plan in the shape `plan_round --json` promises (a contract used by automated checks)."""
    sessions = {s.id: s.code for s in data.round.sessions}
    order = {s.id: s.order for s in data.round.sessions}
    visits = sorted(
        plan.visits,
        key=lambda v: (v.date, order.get(v.session_id, 0), v.committee_id, v.day_order, data.schools[v.school_id].code),
    )
    return {
        "round": data.round.slug,
        "total_km": round(plan.total_km, 3),
        "assignments": [
            {
                "school_code": data.schools[v.school_id].code,
                "committee": v.committee_id,
                "members": [m.person_id for m in data.committees[v.committee_id].members],
                "date": v.date.isoformat(),
                "session": sessions.get(v.session_id, str(v.session_id)),
            }
            for v in visits
        ],
        "unplaced": [
            {"school_code": u.code, "reason": f"{u.reason}: {u.message_th} / {u.message_en}"} for u in plan.unplaced
        ],
    }
