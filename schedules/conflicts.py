"""Pure rules that explain what is wrong with a round's assignments.

Everything here works on plain frozen dataclasses (built from the database by `schedules.selectors`), so the
planner, the `check_round` command, the coordinator page and the tests share one set of rules. Each
`Conflict` carries a code, a severity, a Thai and an English message and the objects involved.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

from schedules.days import be_date, be_numeric

ERROR = "error"
WARNING = "warning"

# code -> severity. The codes are a contract: tests, the JSON of check_round and the plan page use them.
CODES = {
    "date_outside_round": ERROR,
    "not_counted_day": ERROR,
    "over_capacity": ERROR,
    "person_double_booked": ERROR,
    "person_booked_elsewhere": ERROR,
    "school_twice_a_day": ERROR,
    "conflict_of_interest": ERROR,
    "coverage_missing": ERROR,
    "coverage_excess": WARNING,
    "school_not_in_target": WARNING,
    "committee_not_in_round": WARNING,
    "leg_too_far": WARNING,
    "centre_uncovered": ERROR,
    "committee_two_centres": ERROR,
    "not_an_exam_centre": ERROR,
}


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    school_id: int | None = None  # the school the person is recorded as staff of, if any
    ties: frozenset[int] = frozenset()  # every other school they are tied to (director, deputy, board, ...)

    @property
    def schools(self) -> frozenset[int]:
        return self.ties | ({self.school_id} if self.school_id else set())


@dataclass(frozen=True)
class CommitteeInfo:
    id: int
    label: str
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    code: str
    name: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class SessionInfo:
    id: int
    code: str
    name: str
    order: int
    start: datetime.time = datetime.time(8, 30)
    end: datetime.time = datetime.time(16, 30)


@dataclass(frozen=True)
class Booking:
    """A person's visit in another round of the office: the planner keeps them free then, the rules report it."""

    person_id: int
    name: str
    date: datetime.date
    start: datetime.time
    end: datetime.time
    round_title: str
    school_name: str
    assignment_id: int

    def overlaps(self, session: SessionInfo) -> bool:
        return self.start < session.end and session.start < self.end


@dataclass(frozen=True)
class Visit:
    """One active assignment. `id` is None for a proposed (not yet saved) one."""

    id: int | None
    committee_id: int
    school_id: int
    date: datetime.date
    session_id: int
    day_order: int = 1
    locked: bool = False
    status: str = "planned"


@dataclass(frozen=True)
class RoundInfo:
    slug: str
    is_exam: bool
    start_date: datetime.date
    end_date: datetime.date
    days: dict[datetime.date, tuple[bool, str, str]]  # every date of the window -> (counted, reason th, en)
    visits_per_school: int
    visits_per_committee_day: int
    sessions: tuple[SessionInfo, ...]
    base: tuple[float, float]
    road_factor: float
    max_leg_km: float


@dataclass(frozen=True)
class RoundData:
    """Everything the rules and the planner need about one round."""

    round: RoundInfo
    committees: dict[int, CommitteeInfo]
    schools: dict[int, SchoolInfo]  # every school mentioned: targets, centres and assigned ones
    targets: tuple[int, ...]  # school ids the round must visit (for exam rounds: the centres)
    centres: tuple[int, ...] = ()
    visits: tuple[Visit, ...] = ()
    round_committees: tuple[int, ...] = ()  # the round's own committees (`committees` may name others too)
    elsewhere: tuple[Booking, ...] = ()  # bookings in the office's other rounds of the people on these committees

    @property
    def counted_days(self) -> list[datetime.date]:
        return sorted(d for d, (counted, _, _) in self.round.days.items() if counted)


@dataclass(frozen=True)
class Conflict:
    code: str
    severity: str
    message_th: str
    message_en: str
    objects: dict = field(default_factory=dict, hash=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message_th": self.message_th,
            "message_en": self.message_en,
            "objects": self.objects,
        }


def _conflict(code: str, th: str, en: str, **objects) -> Conflict:
    return Conflict(code, CODES[code], th, en, objects)


# --- distance ------------------------------------------------------------------------------------------------


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def school_point(data: RoundData, school_id: int) -> tuple[float, float]:
    """A school's coordinates; one without coordinates is treated as being at the office."""
    s = data.schools[school_id]
    return (s.lat, s.lon) if s.lat is not None and s.lon is not None else data.round.base


def road_km(data: RoundData, a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_km(a, b) * data.round.road_factor


def day_routes(data: RoundData, visits=None) -> dict[tuple[int, datetime.date], list[Visit]]:
    """(committee, date) -> that day's visits in travel order (session, then order in the day)."""
    order = {s.id: s.order for s in data.round.sessions}
    routes: dict[tuple[int, datetime.date], list[Visit]] = defaultdict(list)
    for v in data.visits if visits is None else visits:
        routes[(v.committee_id, v.date)].append(v)
    for key in routes:
        routes[key].sort(key=lambda v: (order.get(v.session_id, 0), v.day_order, v.school_id))
    return dict(routes)


def route_km(data: RoundData, school_ids: list[int]) -> float:
    """From the office through the schools in order and back."""
    if not school_ids:
        return 0.0
    points = [data.round.base, *(school_point(data, s) for s in school_ids), data.round.base]
    return sum(road_km(data, points[i], points[i + 1]) for i in range(len(points) - 1))


def total_km(data: RoundData, visits=None) -> float:
    return sum(route_km(data, [v.school_id for v in route]) for route in day_routes(data, visits).values())


def _label(data: RoundData, committee_id: int) -> str:
    c = data.committees.get(committee_id)
    return c.label if c else f"คณะ #{committee_id}"


# --- the rules -----------------------------------------------------------------------------------------------


def _names(data: RoundData, v: Visit) -> tuple[str, str]:
    return data.committees[v.committee_id].label if v.committee_id in data.committees else str(
        v.committee_id
    ), data.schools[v.school_id].name if v.school_id in data.schools else str(v.school_id)


def check_days(data: RoundData) -> list[Conflict]:
    out = []
    for v in data.visits:
        committee, school = _names(data, v)
        day = data.round.days.get(v.date)
        if day is None:
            out.append(
                _conflict(
                    "date_outside_round",
                    f"{committee} ไป{school} วันที่ {be_date(v.date)} นอกช่วงวันของรอบ",
                    f"{committee} visits {school} on {be_numeric(v.date)}, outside the round's dates",
                    assignments=[v.id],
                    date=v.date.isoformat(),
                    school=data.schools[v.school_id].code,
                )
            )
        elif not day[0]:
            out.append(
                _conflict(
                    "not_counted_day",
                    f"{committee} ไป{school} วันที่ {be_date(v.date)} ซึ่งไม่ใช่วันทำการของรอบ ({day[1]})",
                    f"{committee} visits {school} on {be_numeric(v.date)}, not a counted day ({day[2]})",
                    assignments=[v.id],
                    date=v.date.isoformat(),
                    school=data.schools[v.school_id].code,
                )
            )
    return out


def check_capacity(data: RoundData) -> list[Conflict]:
    out = []
    cap = data.round.visits_per_committee_day
    for (committee_id, day), route in sorted(day_routes(data).items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(route) > cap:
            label = data.committees[committee_id].label if committee_id in data.committees else committee_id
            out.append(
                _conflict(
                    "over_capacity",
                    f"{label} มี {len(route)} โรงเรียนในวันที่ {be_date(day)} เกินกำหนด {cap} โรงเรียนต่อวัน",
                    f"{label} has {len(route)} visits on {be_numeric(day)}, more than the {cap} a day allowed",
                    assignments=[v.id for v in route],
                    committee=committee_id,
                    date=day.isoformat(),
                )
            )
    return out


def check_people(data: RoundData) -> list[Conflict]:
    """A person on two committees may not be at two different places in the same day and session."""
    out = []
    where: dict[tuple[int, datetime.date, int], list[Visit]] = defaultdict(list)
    for v in data.visits:
        committee = data.committees.get(v.committee_id)
        for m in committee.members if committee else ():
            where[(m.person_id, v.date, v.session_id)].append(v)
    names = {m.person_id: m.name for c in data.committees.values() for m in c.members}
    for (person_id, day, _session_id), visits in sorted(where.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len({v.committee_id for v in visits}) > 1 and len({v.school_id for v in visits}) > 1:
            committees = sorted({v.committee_id for v in visits})
            labels = ", ".join(data.committees[c].label for c in committees)
            out.append(
                _conflict(
                    "person_double_booked",
                    f"{names[person_id]} อยู่ในหลายคณะ ({labels}) ที่ไปต่างโรงเรียนในวันที่ {be_date(day)} ช่วงเดียวกัน",
                    f"{names[person_id]} is on several committees ({labels}) visiting different schools on "
                    f"{be_numeric(day)} in the same session",
                    assignments=[v.id for v in visits],
                    person=person_id,
                    committees=committees,
                    date=day.isoformat(),
                )
            )
    return out


def check_elsewhere(data: RoundData) -> list[Conflict]:
    """A person is never booked twice in one day and session across the office's rounds: a visit of this round
    whose session overlaps the time a member is booked in another round is an error."""
    out = []
    sessions = {s.id: s for s in data.round.sessions}
    by_person_day: dict[tuple[int, datetime.date], list[Booking]] = defaultdict(list)
    for b in data.elsewhere:
        by_person_day[(b.person_id, b.date)].append(b)
    if not by_person_day:
        return out
    for v in data.visits:
        committee = data.committees.get(v.committee_id)
        session = sessions.get(v.session_id)
        if committee is None or session is None:
            continue
        for m in committee.members:
            for b in by_person_day.get((m.person_id, v.date), ()):
                if not b.overlaps(session):
                    continue
                school = data.schools[v.school_id].name if v.school_id in data.schools else str(v.school_id)
                out.append(
                    _conflict(
                        "person_booked_elsewhere",
                        f"{m.name} ({committee.label}) ไป{school} วันที่ {be_date(v.date)} แต่มีนัดใน"
                        f"รอบ{b.round_title} ที่{b.school_name} ช่วงเวลาเดียวกัน",
                        f"{m.name} ({committee.label}) visits {school} on {be_numeric(v.date)} but is booked in "
                        f"round '{b.round_title}' at {b.school_name} at the same time",
                        assignments=[v.id],
                        other_assignments=[b.assignment_id],
                        person=m.person_id,
                        committee=committee.id,
                        date=v.date.isoformat(),
                    )
                )
    return out


def check_school_days(data: RoundData) -> list[Conflict]:
    """A school due several visits never gets two on one day (from one committee or two)."""
    out = []
    per_day: dict[tuple[int, datetime.date], list[Visit]] = defaultdict(list)
    for v in data.visits:
        per_day[(v.school_id, v.date)].append(v)
    for (school_id, day), visits in sorted(per_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if data.round.is_exam:
            # An exam centre is inspected once per session: two sessions on one day are the point.
            if len(visits) <= len({v.session_id for v in visits}):
                continue
        elif len(visits) < 2:
            continue
        school = data.schools[school_id]
        out.append(
            _conflict(
                "school_twice_a_day",
                f"{school.name} มีกำหนดการนิเทศ {len(visits)} ครั้งในวันที่ {be_date(day)}",
                f"{school.name} has {len(visits)} visits on {be_numeric(day)}",
                assignments=[v.id for v in visits],
                school=school.code,
                date=day.isoformat(),
            )
        )
    return out


def conflicts_of_interest(committee: CommitteeInfo, school_id: int) -> list[Member]:
    """Members tied to the school in any way: its staff, its director or acting director, a deputy, a
    teacher, a board member."""
    return [m for m in committee.members if school_id in m.schools]


def check_interest(data: RoundData) -> list[Conflict]:
    out = []
    for v in data.visits:
        committee = data.committees.get(v.committee_id)
        for m in conflicts_of_interest(committee, v.school_id) if committee else ():
            school = data.schools[v.school_id].name
            out.append(
                _conflict(
                    "conflict_of_interest",
                    f"{m.name} ({committee.label}) เกี่ยวข้องกับ{school} จึงไม่ควรนิเทศโรงเรียนนี้",
                    f"{m.name} ({committee.label}) is tied to {school} and must not inspect it",
                    assignments=[v.id],
                    person=m.person_id,
                    committee=committee.id,
                    school=data.schools[v.school_id].code,
                )
            )
    return out


def check_coverage(data: RoundData) -> list[Conflict]:
    out = []
    wanted = data.round.visits_per_school
    counts: dict[int, int] = defaultdict(int)
    for v in data.visits:
        counts[v.school_id] += 1
    targets = set(data.targets)
    if not data.round.is_exam:
        for school_id in data.targets:
            school = data.schools[school_id]
            n = counts.get(school_id, 0)
            if n < wanted:
                out.append(
                    _conflict(
                        "coverage_missing",
                        f"{school.name} ได้รับการนิเทศ {n} ครั้ง จากที่กำหนด {wanted} ครั้ง",
                        f"{school.name} is visited {n} time(s); the round asks for {wanted}",
                        school=school.code,
                        visits=n,
                        wanted=wanted,
                    )
                )
            elif n > wanted:
                out.append(
                    _conflict(
                        "coverage_excess",
                        f"{school.name} ได้รับการนิเทศ {n} ครั้ง มากกว่าที่กำหนด {wanted} ครั้ง",
                        f"{school.name} is visited {n} times; the round asks for {wanted}",
                        school=school.code,
                        visits=n,
                        wanted=wanted,
                    )
                )
    for school_id in sorted(counts):
        if school_id in targets:
            continue
        school = data.schools[school_id]
        if data.round.is_exam:
            out.append(
                _conflict(
                    "not_an_exam_centre",
                    f"{school.name} ไม่ใช่สนามสอบของรอบนี้",
                    f"{school.name} is not an exam centre of this round",
                    school=school.code,
                    assignments=[v.id for v in data.visits if v.school_id == school_id],
                )
            )
        else:
            out.append(
                _conflict(
                    "school_not_in_target",
                    f"{school.name} ไม่อยู่ในกลุ่มเป้าหมายของรอบนี้",
                    f"{school.name} is not a target school of this round",
                    school=school.code,
                    assignments=[v.id for v in data.visits if v.school_id == school_id],
                )
            )
    return out


def check_committees(data: RoundData) -> list[Conflict]:
    out = []
    for committee_id in sorted({v.committee_id for v in data.visits} - set(data.round_committees)):
        out.append(
            _conflict(
                "committee_not_in_round",
                f"{_label(data, committee_id)} ไม่อยู่ในรายชื่อคณะของรอบนี้",
                f"{_label(data, committee_id)} is not one of this round's committees",
                committee=committee_id,
                assignments=[v.id for v in data.visits if v.committee_id == committee_id],
            )
        )
    return out


def check_legs(data: RoundData) -> list[Conflict]:
    out = []
    limit = data.round.max_leg_km
    for (committee_id, day), route in sorted(day_routes(data).items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for a, b in itertools.pairwise(route):
            km = road_km(data, school_point(data, a.school_id), school_point(data, b.school_id))
            if km > limit:
                label = data.committees[committee_id].label if committee_id in data.committees else committee_id
                sa, sb = data.schools[a.school_id], data.schools[b.school_id]
                out.append(
                    _conflict(
                        "leg_too_far",
                        f"{label} เดินทางจาก{sa.name} ไป{sb.name} {km:.0f} กม. ในวันที่ {be_date(day)} "
                        f"เกินกว่า {limit:.0f} กม.",
                        f"{label} travels {km:.0f} km from {sa.name} to {sb.name} on {be_numeric(day)}, "
                        f"more than {limit:.0f} km",
                        assignments=[a.id, b.id],
                        committee=committee_id,
                        date=day.isoformat(),
                        km=round(km, 1),
                    )
                )
    return out


def check_centres(data: RoundData) -> list[Conflict]:
    """Exam rounds: every centre in every session, and a committee at one centre per session."""
    if not data.round.is_exam:
        return []
    out = []
    covered: dict[tuple[int, int], int] = defaultdict(int)
    slots: dict[tuple[int, datetime.date, int], list[Visit]] = defaultdict(list)
    for v in data.visits:
        covered[(v.school_id, v.session_id)] += 1
        slots[(v.committee_id, v.date, v.session_id)].append(v)
    for school_id in data.centres:
        for session in data.round.sessions:
            if covered.get((school_id, session.id), 0) < data.round.visits_per_school:
                school = data.schools[school_id]
                out.append(
                    _conflict(
                        "centre_uncovered",
                        f"สนามสอบ {school.name} ไม่มีคณะกรรมการตรวจเยี่ยมใน{session.name}",
                        f"exam centre {school.name} has no committee in session {session.code}",
                        school=school.code,
                        session=session.code,
                    )
                )
    session_names = {s.id: s for s in data.round.sessions}
    for (committee_id, day, session_id), visits in sorted(slots.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len({v.school_id for v in visits}) > 1:
            label = data.committees[committee_id].label if committee_id in data.committees else committee_id
            session = session_names.get(session_id)
            out.append(
                _conflict(
                    "committee_two_centres",
                    f"{label} ถูกกำหนดไป {len(visits)} สนามสอบใน{session.name if session else ''} วันที่ {be_date(day)}",
                    f"{label} is sent to {len(visits)} exam centres in session "
                    f"{session.code if session else session_id} on {be_numeric(day)}",
                    assignments=[v.id for v in visits],
                    committee=committee_id,
                    date=day.isoformat(),
                )
            )
    return out


RULES = (
    check_days,
    check_capacity,
    check_people,
    check_elsewhere,
    check_school_days,
    check_interest,
    check_coverage,
    check_committees,
    check_legs,
    check_centres,
)


def check(data: RoundData) -> list[Conflict]:
    """All conflicts of the round, errors first."""
    out = [c for rule in RULES for c in rule(data)]
    return sorted(out, key=lambda c: (c.severity != ERROR, list(CODES).index(c.code)))


def errors(conflicts: list[Conflict]) -> list[Conflict]:
    return [c for c in conflicts if c.severity == ERROR]
