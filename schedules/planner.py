"""The auto-planner: a complete plan for a round, or an explanation of what cannot be placed.

Input is a `conflicts.RoundData` (committees with their members' schools, target schools, counted days and the
existing visits); locked and done visits are kept exactly as they are, everything else is planned anew.

Supervision-type rounds use a two-stage CP-SAT design:
  1. *trips*: choose day-trips of 1..K schools (K = visits per committee-day; pairs among each school's nearest
     neighbours, triples when K ≥ 3) covering every school as often as asked, minimising road km
     (great-circle × road factor, office → schools → office), with no more trips than committee-days exist;
  2. *days*: put the trips on committees and days — no conflict of interest, a person on two committees never
     out with both on one day — balancing committee loads.
If stage 2 finds no assignment, one joint ("full") model does both at once. Exam rounds use one model over
centre × session × committee × day. Anything that cannot be placed is returned in `unplaced` with a reason;
the planner never returns a silent partial plan. Deterministic: fixed seed and worker count, and the same
input always builds the same model in the same order.
"""

from __future__ import annotations

import datetime
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from ortools.sat.python import cp_model

from schedules import conflicts as rules
from schedules.days import be_date, be_numeric

SCALE = 100  # CP-SAT works in integers: 1 unit = 10 m
DROP_PENALTY = 10**9
NEIGHBOURS = 15
STAGE1_SHARE = 0.15  # of the time limit, in deterministic seconds (about 3x that in wall-clock seconds)
STAGE2_RESERVE = 0.12  # of the time limit, kept for stage 2 (wall clock) ...
STAGE2_MIN_WALL = 1.0  # ... but never less than this (a 1,000-school office's stage 2 needs about a second)
STAGE2_MAX_WALL = 4.0  # ... nor more: stage 2 is small, the rest is better spent on the trips
AFTER_SHARE = 0.04  # of the time limit, left after stage 2 for making the visits and the totals
STAGE1_PER_UNIT = 0.003  # deterministic seconds per visit to plan: past this the trips improve by < 1 %


@dataclass(frozen=True)
class Unplaced:
    school_id: int
    code: str
    reason: str  # no_committee / conflict_of_interest / capacity / no_feasible_slot
    message_th: str
    message_en: str
    session_id: int | None = None


@dataclass(frozen=True)
class Displaced:
    """Why an existing visit cannot stay where it is: the rule it breaks (a `conflicts.CODES` code)."""

    code: str
    message_th: str
    message_en: str
    cancel: bool = False  # not needed any more (school no longer a target, or visited often enough)


@dataclass
class Plan:
    visits: list[rules.Visit]  # the complete plan: kept (locked/done) visits first, then new ones
    unplaced: list[Unplaced]
    total_km: float
    engine: str
    seconds: float
    loads: dict[int, int] = field(default_factory=dict)
    bound_km: float | None = None  # the solver's proven lower bound on the new visits' km, when it has one
    optimal: bool = False
    displaced: dict[int, Displaced] = field(default_factory=dict)  # existing visit id -> why it must move
    stage_km: float | None = None  # km of the trips stage 1 chose (the final plan keeps them unless it must not)
    note: str = ""  # what the engine did beyond the plain two stages (e.g. the full model for a small round)

    @property
    def complete(self) -> bool:
        return not self.unplaced

    @property
    def new_visits(self) -> list[rules.Visit]:
        return [v for v in self.visits if v.id is None]


def _solver(time_limit: float, workers: int, seed: int, wall: float | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver that gives the same answer for the same model: fixed seed, fixed workers (interleaved
    deterministically when more than one), and a deterministic-time limit; the wall-clock limit (`wall`, by
    default three times the deterministic one) is a backstop that keeps the caller's time limit."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = 3 * time_limit if wall is None else wall
    return solver


def _defaults(workers, seed):
    if workers is None or seed is None:
        from django.conf import settings

        workers = settings.SCHEDULES_PLANNER_WORKERS if workers is None else workers
        seed = settings.SCHEDULES_PLANNER_SEED if seed is None else seed
    return workers, seed


def is_kept(v: rules.Visit) -> bool:
    """Visits the planner never moves: a coordinator's pin, or one that already happened."""
    return v.locked or v.status == "done"


def is_pinned(v: rules.Visit) -> bool:
    """Visits a re-plan keeps unless they break a rule: kept ones and a coordinator's move (with its reason)."""
    return is_kept(v) or v.status == "moved"


def shared_people(data: rules.RoundData, committees: list[int]) -> list[tuple[int, int]]:
    """Pairs of the round's committees that share at least one person."""
    people = {c: {m.person_id for m in data.committees[c].members} for c in committees}
    return [(a, b) for a, b in itertools.combinations(committees, 2) if people[a] & people[b]]


def allowed_committees(data: rules.RoundData, committees: list[int], school_id: int) -> list[int]:
    return [c for c in committees if not rules.conflicts_of_interest(data.committees[c], school_id)]


def busy_elsewhere(data: rules.RoundData) -> set[tuple[int, datetime.date, int]]:
    """(committee, day, session) the round's committees may not work: a member is booked in another round then."""
    out = set()
    by_person: dict[int, list[rules.Booking]] = defaultdict(list)
    for b in data.elsewhere:
        by_person[b.person_id].append(b)
    if not by_person:
        return out
    for c in data.round_committees:
        for m in data.committees[c].members:
            for b in by_person.get(m.person_id, ()):
                for s in data.round.sessions:
                    if b.overlaps(s):
                        out.add((c, b.date, s.id))
    return out


def settle(data: rules.RoundData, *, fresh: bool = False) -> tuple[list[rules.Visit], dict[int, Displaced]]:
    """Which existing visits stay where they are, and why each other one must move.

    Kept visits (locked, done) always stay. Then, in order — a coordinator's moves, confirmed, planned — each
    visit stays if it breaks no rule together with those already staying: a counted day of the window, one of
    the round's committees, a target school still short of visits, no tie between a member and the school,
    room in the committee's day, no person in two places (in this round or another), the school not visited
    twice that day and no leg over the limit. `fresh` re-plans everything but the pinned visits (the old
    behaviour: lowest km, many changes)."""
    sessions = {s.id: s for s in data.round.sessions}
    targets = set(data.targets)
    K = data.round.visits_per_committee_day
    limit = data.round.max_leg_km
    elsewhere = busy_elsewhere(data)
    exam = data.round.is_exam
    rank = {"moved": 1, "confirmed": 2, "planned": 3}
    order = sorted(
        data.visits, key=lambda v: (0 if is_kept(v) else rank.get(v.status, 4), v.date, v.id is None, v.id or 0)
    )
    stay: list[rules.Visit] = []
    displaced: dict[int, Displaced] = {}
    coverage: dict[tuple, int] = defaultdict(int)
    per_day: dict[tuple[int, datetime.date], list[rules.Visit]] = defaultdict(list)
    school_day: dict[tuple, int] = defaultdict(int)
    person_at: dict[tuple, int] = {}  # (person, day[, session]) -> committee

    def person_keys(v):
        for m in data.committees[v.committee_id].members if v.committee_id in data.committees else ():
            yield (m.person_id, v.date, v.session_id) if exam else (m.person_id, v.date)

    def accept(v):
        stay.append(v)
        coverage[(v.school_id, v.session_id) if exam else v.school_id] += 1
        per_day[(v.committee_id, v.date)].append(v)
        school_day[(v.school_id, v.date, v.session_id) if exam else (v.school_id, v.date)] += 1
        for key in person_keys(v):
            person_at.setdefault(key, v.committee_id)

    def why(v) -> Displaced | None:
        school = data.schools[v.school_id].name if v.school_id in data.schools else str(v.school_id)
        day = data.round.days.get(v.date)
        when_th, when_en = be_date(v.date), be_numeric(v.date)
        if v.school_id not in targets:
            return Displaced(
                "school_not_in_target",
                f"{school} ไม่อยู่ในกลุ่มเป้าหมายแล้ว",
                f"{school} is no longer a target school",
                cancel=True,
            )
        if coverage[(v.school_id, v.session_id) if exam else v.school_id] >= data.round.visits_per_school:
            return Displaced(
                "coverage_excess",
                f"{school} ได้รับการนิเทศครบแล้ว",
                f"{school} already has the visits it needs",
                cancel=True,
            )
        if day is None or not day[0]:
            th = "อยู่นอกช่วงวันของรอบ" if day is None else f"ไม่ใช่วันทำการ ({day[1]})"
            en = "is outside the round's dates" if day is None else f"is not a counted day ({day[2]})"
            return Displaced("not_counted_day", f"วันที่ {when_th} {th}", f"{when_en} {en}")
        if v.committee_id not in data.round_committees:
            return Displaced(
                "committee_not_in_round",
                "คณะนี้ไม่อยู่ในรายชื่อคณะของรอบแล้ว",
                "the committee is no longer one of the round's",
            )
        committee = data.committees[v.committee_id]
        tied = rules.conflicts_of_interest(committee, v.school_id)
        if tied:
            return Displaced(
                "conflict_of_interest",
                f"{tied[0].name} เกี่ยวข้องกับ{school}",
                f"{tied[0].name} is tied to {school}",
            )
        route = per_day[(v.committee_id, v.date)]
        if len(route) >= K:
            return Displaced(
                "over_capacity",
                f"{committee.label} มีโรงเรียนครบ {K} แห่งในวันที่ {when_th} แล้ว",
                f"{committee.label} already has {K} visits on {when_en}",
            )
        if exam and any(o.session_id == v.session_id for o in route):
            return Displaced(
                "committee_two_centres",
                f"{committee.label} มีสนามสอบอื่นในช่วงนี้แล้ว",
                f"{committee.label} is at another centre in that session",
            )
        if (v.committee_id, v.date, v.session_id) in elsewhere or (
            not exam and any((v.committee_id, v.date, s) in elsewhere for s in sessions)
        ):
            return Displaced(
                "person_booked_elsewhere",
                f"กรรมการของ{committee.label} มีนัดในรอบอื่นวันที่ {when_th}",
                f"a member of {committee.label} is booked in another round on {when_en}",
            )
        for key in person_keys(v):
            other = person_at.get(key)
            if other is not None and other != v.committee_id:
                return Displaced(
                    "person_double_booked",
                    f"กรรมการของ{committee.label} ออกนิเทศกับคณะอื่นวันที่ {when_th}",
                    f"a member of {committee.label} is out with another committee on {when_en}",
                )
        if school_day[(v.school_id, v.date, v.session_id) if exam else (v.school_id, v.date)]:
            return Displaced(
                "school_twice_a_day",
                f"{school} มีการนิเทศอื่นในวันที่ {when_th} แล้ว",
                f"{school} already has a visit on {when_en}",
            )
        if not exam:
            here = rules.school_point(data, v.school_id)
            for o in route:
                km = rules.road_km(data, here, rules.school_point(data, o.school_id))
                if km > limit:
                    return Displaced(
                        "leg_too_far",
                        f"{school} อยู่ห่างจากโรงเรียนอื่นในวันเดียวกัน {km:.0f} กม. เกิน {limit:.0f} กม.",
                        f"{school} is {km:.0f} km from another school that day, more than {limit:.0f} km",
                    )
        return None

    for v in order:
        if is_kept(v):
            accept(v)
            continue
        if fresh and not is_pinned(v):
            displaced[v.id] = Displaced("fresh", "วางแผนใหม่ทั้งหมด", "planned afresh")
            continue
        reason = why(v)
        if reason is None:
            accept(v)
        else:
            displaced[v.id] = reason
    return stay, displaced


def plan(
    data: rules.RoundData,
    *,
    time_limit: float = 20.0,
    neighbours: int | None = NEIGHBOURS,
    engine: str = "auto",
    workers: int | None = None,
    seed: int | None = None,
    fresh: bool = False,
    progress=None,
) -> Plan:
    """Plan the round with as few changes as possible: every existing visit that breaks no rule stays (see
    `settle`), and only the schools still short of visits are planned. `fresh` re-plans all but pinned visits.
    `engine`: auto (two stages) or full (the joint model only, for comparison). `progress(fraction, text)` is
    called between steps (the worker task shows it)."""
    workers, seed = _defaults(workers, seed)
    started = time.perf_counter()
    report = progress or (lambda fraction, text: None)
    stay, displaced = settle(data, fresh=fresh)
    report(0.1, "settled")
    if data.round.is_exam:
        result = _plan_exam(data, stay, time_limit, workers, seed)
    else:
        deadline = started + time_limit
        result = _plan_supervision(data, stay, time_limit, neighbours, engine, workers, seed, report, deadline)
    result.displaced = displaced
    if not data.round.is_exam and not fresh and engine == "auto":
        _room_for_the_unplaced(data, result, started + time_limit - max(0.1, 0.02 * time_limit))
    result.seconds = time.perf_counter() - started
    result.total_km = round(rules.total_km(data, result.visits), 3)
    loads: dict[int, int] = {c: 0 for c in data.round_committees}
    for v in result.visits:
        loads[v.committee_id] = loads.get(v.committee_id, 0) + 1
    result.loads = loads
    report(1.0, "done")
    return result


def _room_for_the_unplaced(data: rules.RoundData, result: Plan, deadline: float) -> None:
    """A school the stages could not place (the round has no room that fits it) is placed by moving at most
    two visits (`_make_room`); the moved ones are listed with why they moved, the school is no longer unplaced."""
    if not result.unplaced:
        return
    still = []
    for u in result.unplaced:
        hopeless = u.reason in ("no_committee", "conflict_of_interest")  # no committee may ever visit it
        found = None
        if not hopeless and time.perf_counter() < deadline:
            found = _make_room(data, result.visits, u.school_id, deadline)
        if found is None:
            still.append(u)
            continue
        result.visits, moved, _ = found
        name = data.schools[u.school_id].name
        for old, _new in moved:
            if old.id is not None:
                result.displaced[old.id] = Displaced(
                    "make_room", f"ย้ายเพื่อให้มีที่ลงแผน{name}", f"moved to make room for {name}"
                )
    moved_count = len(result.unplaced) - len(still)
    if moved_count:
        result.note = "; ".join(
            x for x in (result.note, f"{moved_count} school(s) placed by moving at most {MAX_ROOM_MOVES} visits") if x
        )
    result.unplaced = still


# --- supervision-type rounds ---------------------------------------------------------------------------------


class _Instance:
    """Pre-computed distances and the slots of one supervision round."""

    def __init__(self, data: rules.RoundData, stay: list[rules.Visit] | None = None):
        self.data = data
        self.K = data.round.visits_per_committee_day
        self.committees = list(data.round_committees)
        self.days = data.counted_days
        self.kept = [v for v in data.visits if is_kept(v)] if stay is None else list(stay)
        kept_count: dict[int, int] = defaultdict(int)
        for v in self.kept:
            kept_count[v.school_id] += 1
        # one unit per visit still to make
        self.units: list[int] = []
        for s in data.targets:
            self.units += [s] * max(0, data.round.visits_per_school - kept_count.get(s, 0))
        self.point = {s: rules.school_point(data, s) for s in {*data.targets, *(v.school_id for v in self.kept)}}
        self.base = data.round.base
        self.allowed = {s: allowed_committees(data, self.committees, s) for s in set(self.units)}
        self.kept_routes = rules.day_routes(data, self.kept)
        self.shared = shared_people(data, self.committees)
        self.limit = data.round.max_leg_km
        # committee-days a member is booked in another round: the committee does not go out then
        self.blocked = {(c, d) for c, d, _ in busy_elsewhere(data)}
        self.kept_school_days = {(v.school_id, v.date) for v in self.kept}

    def legs_ok(self, schools) -> bool:
        """No two schools of one day further apart than the leg limit."""
        return all(self.km(a, b) <= self.limit for a, b in itertools.combinations(schools, 2))

    def free(self, c, d) -> bool:
        return (c, d) not in self.kept_routes and (c, d) not in self.blocked

    def km(self, a, b) -> float:
        pa = self.base if a is None else self.point[a]
        pb = self.base if b is None else self.point[b]
        return rules.road_km(self.data, pa, pb)

    def route(self, schools) -> float:
        stops = [None, *schools, None]
        return sum(self.km(stops[i], stops[i + 1]) for i in range(len(stops) - 1))

    def best_order(self, schools: tuple[int, ...]) -> tuple[tuple[int, ...], float]:
        """The cheapest visiting order of a trip's schools (a trip has at most three)."""
        return min(
            ((perm, self.route(perm)) for perm in itertools.permutations(schools)),
            key=lambda pc: (round(pc[1], 9), pc[0]),
        )

    def insertion(self, route: list[int], s: int) -> tuple[int, float]:
        """Cheapest place to add a school to a kept day-route: (position, extra km)."""
        stops = [None, *route, None]
        best = (len(route), float("inf"))
        for i in range(len(stops) - 1):
            extra = self.km(stops[i], s) + self.km(s, stops[i + 1]) - self.km(stops[i], stops[i + 1])
            if extra < best[1] - 1e-9:
                best = (i, extra)
        return best


def _nearest(inst: _Instance, schools: list[int], neighbours: int | None) -> dict[int, list[int]]:
    """Each school's nearest other schools (all of them when `neighbours` is None), nearest first; vectorised
    great-circle distances, so a 1,000-school office takes milliseconds rather than seconds."""
    if len(schools) < 2:
        return {s: [] for s in schools}
    pts = np.radians(np.array([inst.point[s] for s in schools]))
    lat, lon = pts[:, 0][:, None], pts[:, 1][:, None]
    h = np.sin((lat.T - lat) / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin((lon.T - lon) / 2) ** 2
    dist = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    np.fill_diagonal(dist, np.inf)
    ids = np.array(schools)
    out = {}
    take = len(schools) - 1 if neighbours is None else min(neighbours, len(schools) - 1)
    for row, s in enumerate(schools):
        # stable sort on (distance, id): the same input always gives the same neighbours
        idx = np.lexsort((ids, np.round(dist[row], 9)))[:take]
        out[s] = [int(ids[i]) for i in idx]
    return out


def _trips(inst: _Instance, neighbours: int | None) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Candidate trips: (unit indexes, school order, km). Units of one school never share a trip."""
    units = inst.units
    schools = sorted(set(units))
    by_school: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(units):
        by_school[s].append(i)
    near = _nearest(inst, schools, neighbours)
    trips = []
    for i, s in enumerate(units):
        order, km = inst.best_order((s,))
        trips.append(((i,), order, km))
    groups: set[tuple[int, ...]] = set()
    if inst.K >= 2:
        for s in schools:
            for o in near[s]:
                groups.add(tuple(sorted((s, o))))
    if inst.K >= 3:
        for s in schools:
            for a, b in itertools.combinations(near[s][: min(len(near[s]), 6)], 2):
                groups.add(tuple(sorted((s, a, b))))
    for group in sorted(groups):
        allowed = set(inst.committees)
        for s in group:
            allowed &= set(inst.allowed[s])
        if not allowed or not inst.legs_ok(group):
            continue
        order, km = inst.best_order(group)
        for combo in itertools.product(*(by_school[s] for s in group)):
            trips.append((tuple(sorted(combo)), order, km))
    return trips


def _max_working_slots(inst: _Instance, workers: int, seed: int) -> int:
    """How many free committee-days can run at once, people on two committees counted once a day."""
    model = cp_model.CpModel()
    z = {}
    for c in inst.committees:
        for d in inst.days:
            if (c, d) in inst.kept_routes:
                z[c, d] = 1
            elif (c, d) in inst.blocked:
                z[c, d] = 0
            else:
                z[c, d] = model.new_bool_var("")
    for a, b in inst.shared:
        for d in inst.days:
            if isinstance(z[a, d], int) and isinstance(z[b, d], int):
                continue
            model.add(z[a, d] + z[b, d] <= 1)
    free = [v for v in z.values() if not isinstance(v, int)]
    if not free:
        return 0
    model.maximize(sum(free))
    solver = _solver(5.0, workers, seed)
    solver.solve(model)
    return int(sum(solver.value(v) for v in free))


def _unplaced(inst: _Instance, unit_ids, reason: str) -> list[Unplaced]:
    out = []
    for i in unit_ids:
        s = inst.data.schools[inst.units[i]]
        if reason == "no_committee":
            th = f"{s.name}: รอบนี้ยังไม่มีคณะกรรมการ"
            en = f"{s.name}: the round has no committees yet"
        elif reason == "conflict_of_interest":
            th = f"{s.name}: ทุกคณะมีกรรมการที่สังกัดโรงเรียนนี้ (ขัดกันแห่งผลประโยชน์)"
            en = f"{s.name}: every committee has a member who belongs to this school (conflict of interest)"
        elif reason == "capacity":
            th = f"{s.name}: วันทำการของคณะกรรมการไม่พอ ต้องเพิ่มคณะ วัน หรือจำนวนโรงเรียนต่อวัน"
            en = f"{s.name}: not enough committee-days; add committees, days or visits per day"
        else:
            th = f"{s.name}: ไม่มีคณะและวันที่ลงได้โดยไม่ขัดกับเงื่อนไข"
            en = f"{s.name}: no committee and day fits without breaking a rule"
        out.append(Unplaced(s.id, s.code, reason, th, en))
    return out


SMALL_ROUND = 150  # units: below this the joint model is cheap, so it may re-pair trips stage 2 cannot place


def _plan_supervision(data, stay, time_limit, neighbours, engine, workers, seed, report, deadline=None) -> Plan:
    inst = _Instance(data, stay)
    kept = list(inst.kept)
    unplaced: list[Unplaced] = []
    if not inst.units:
        return Plan(kept, [], 0.0, "none", 0.0, optimal=True, stage_km=0.0)
    no_one = [i for i, s in enumerate(inst.units) if not inst.allowed[s]]
    unplaced += _unplaced(inst, no_one, "conflict_of_interest" if inst.committees else "no_committee")
    skip = set(no_one)
    trips = [t for t in _trips(inst, neighbours) if not skip & set(t[0])]
    report(0.2, "trips")
    partial = {
        key: route
        for key, route in inst.kept_routes.items()
        if len(route) < inst.K and key[1] in inst.days and key[0] in inst.committees
    }
    max_slots = _max_working_slots(inst, workers, seed)
    capacity = max_slots * inst.K + sum(inst.K - len(r) for r in partial.values())
    shortfall = capacity < len(inst.units) - len(skip)
    if engine == "full":
        hint = {}
        placed, dropped, bound, optimal = _full_model(inst, trips, partial, skip, time_limit, workers, seed, hint)
        unplaced += _unplaced(inst, dropped, "capacity" if shortfall else "no_feasible_slot")
        return Plan(kept + placed, unplaced, 0.0, "full", 0.0, bound_km=bound, optimal=optimal)
    # Stage 1 gets most of the budget: a deterministic budget (same input, same plan) that on this hardware
    # takes about three times as long in wall-clock time, with the wall clock as the backstop. The wall-clock
    # backstops come from the caller's deadline: building trips took part of it already, stage 2 keeps a
    # reserve, and a margin is left for turning trips into visits, so the whole plan ends within the limit.
    stage1_limit = min(STAGE1_SHARE * time_limit, STAGE1_PER_UNIT * len(inst.units))
    deadline = deadline or time.perf_counter() + time_limit
    end = deadline - max(0.2, AFTER_SHARE * time_limit)
    stage2_reserve = min(max(STAGE2_MIN_WALL, STAGE2_RESERVE * time_limit), STAGE2_MAX_WALL)
    matched = None
    if inst.K == 2 and not partial and len(inst.units) <= SMALL_ROUND:
        matched = _stage_trips_by_matching(inst, trips, max_slots, skip)
    notes = []
    if matched is not None:
        chosen, extensions, dropped, bound, optimal = matched, [], [], sum(t[2] for t in matched), True
    else:
        chosen, extensions, dropped, bound, optimal = _stage_trips(
            inst, trips, partial, max_slots, skip, stage1_limit, workers, seed, until=end - stage2_reserve
        )
        if bound is None:
            notes.append("stage 1 found no trips in its time; the greedy trips it starts from were kept")
    stage_km = sum(t[2] for t in chosen) + sum(
        inst.insertion([v.school_id for v in inst.kept_routes[slot]], inst.units[i])[1] for slot, i in extensions
    )
    report(0.6, "days")
    placed, left, greedy_days = _stage_days(
        inst, chosen, extensions, min(time_limit * 0.1, 2.0), workers, seed, until=end
    )
    if greedy_days:
        notes.append("stage 2 found no placement in its time; the trips were placed greedily (loads less even)")
    if left and len(inst.units) <= SMALL_ROUND:
        # Stage 2 could not give every trip a committee and a day (ties to schools split the pairs): the joint
        # model re-pairs them. Said in the plan's engine and note, never silent; large rounds report instead.
        placed_full, dropped_full, bound_full, optimal_full = _full_model(
            inst, trips, partial, skip, time_limit, workers, seed, _greedy_days(inst, chosen)
        )
        if len(dropped_full) < len(dropped) + sum(len(t[0]) for t in left):
            unplaced += _unplaced(inst, dropped_full, "capacity" if shortfall else "no_feasible_slot")
            return Plan(
                kept + placed_full,
                unplaced,
                0.0,
                "full",
                0.0,
                bound_km=bound_full,
                optimal=optimal_full,
                stage_km=stage_km,
                note="; ".join(
                    [*notes, f"stage 2 could not place {len(left)} trip(s); the joint model re-paired them"]
                ),
            )
    dropped = sorted({*dropped, *(i for t in left for i in t[0])})
    if left:
        notes.append(f"{len(left)} trip(s) found no committee and day")
    note = "; ".join(notes)
    unplaced += _unplaced(inst, dropped, "capacity" if shortfall else "no_feasible_slot")
    return Plan(
        kept + placed,
        unplaced,
        0.0,
        "two-stage",
        0.0,
        bound_km=bound,
        optimal=optimal,
        stage_km=stage_km,
        note=note,
    )


def _extension_vars(inst, model, partial, skip):
    """Adding a single school to a kept day that still has room: unit -> [(slot, var, extra km)]."""
    ext = []
    for (c, d), route in sorted(partial.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        room = inst.K - len(route)
        here = []
        for i, s in enumerate(inst.units):
            if i in skip or c not in inst.allowed[s] or s in {v.school_id for v in route}:
                continue
            if (s, d) in inst.kept_school_days or not inst.legs_ok([s, *(v.school_id for v in route)]):
                continue
            _, extra = inst.insertion([v.school_id for v in route], s)
            here.append((i, model.new_bool_var(""), extra))
        if here:
            model.add(sum(v for _, v, _ in here) <= room)
        ext += [((c, d), i, var, extra) for i, var, extra in here]
    return ext


def _cover(model, inst, trip_vars, ext, skip):
    drops = {}
    covering: dict[int, list] = defaultdict(list)
    for (units, _, _), var in trip_vars:
        for i in units:
            covering[i].append(var)
    for _, i, var, _ in ext:
        covering[i].append(var)
    for i in range(len(inst.units)):
        if i in skip:
            continue
        drops[i] = model.new_bool_var("")
        model.add(sum(covering[i]) + drops[i] == 1)
    return drops


def _stage_trips_by_matching(inst, trips, max_slots, skip):
    """Stage 1 for two schools a day, solved exactly: a maximum-weight matching (Edmonds' blossom) of the
    km saved by pairing two schools instead of two out-and-back trips. None when it needs more trips than
    there are committee-days (the CP-SAT model, which can count trips, takes over)."""
    graph = nx.Graph()
    single = {}
    for units, order, km in trips:
        if len(units) == 1:
            single[units[0]] = (units, order, km)
            graph.add_node(units[0])
    for units, order, km in trips:
        if len(units) == 2:
            saving = round((single[units[0]][2] + single[units[1]][2] - km) * SCALE)
            if saving > 0 and (not graph.has_edge(*units) or graph[units[0]][units[1]]["weight"] < saving):
                graph.add_edge(*units, weight=saving, trip=(units, order, km))
    matching = nx.max_weight_matching(graph, maxcardinality=False)
    chosen = [graph[a][b]["trip"] for a, b in sorted(tuple(sorted(e)) for e in matching)]
    paired = {i for t in chosen for i in t[0]}
    chosen += [single[i] for i in sorted(single) if i not in paired and i not in skip]
    return chosen if len(chosen) <= max_slots else None


def _greedy_trips(inst, trips, max_slots, skip) -> set[int]:
    """A quick start for stage 1: take trips by km saved per school over going out and back to each alone,
    best first, each school's units once; at most `max_slots` trips (indexes into `trips`)."""
    single = {t[0][0]: t[2] for t in trips if len(t[0]) == 1}
    ranked = sorted(
        (k for k, t in enumerate(trips) if len(t[0]) > 1),
        key=lambda k: (-(sum(single.get(i, 0.0) for i in trips[k][0]) - trips[k][2]) / len(trips[k][0]), k),
    )
    taken: set[int] = set()
    covered: set[int] = set(skip)
    for k in ranked:
        units = trips[k][0]
        if covered.isdisjoint(units):
            taken.add(k)
            covered.update(units)
    singles = {t[0][0]: k for k, t in enumerate(trips) if len(t[0]) == 1}
    taken |= {singles[i] for i in singles if i not in covered}
    return taken


def _stage_trips(inst, trips, partial, max_slots, skip, time_limit, workers, seed, wall=None, until=None):
    """Stage 1: the trips to make (see the module's docstring). `until` (a `time.perf_counter()` instant) ends
    the solve by the wall clock, counted after the model is built; `wall` is a plain limit in seconds."""
    model = cp_model.CpModel()
    trip_vars = [(t, model.new_bool_var("")) for t in trips]
    hint = _greedy_trips(inst, trips, max_slots, skip)
    for k, (_, var) in enumerate(trip_vars):
        model.add_hint(var, k in hint)
    ext = _extension_vars(inst, model, partial, skip)
    drops = _cover(model, inst, trip_vars, ext, skip)
    for _, _, var, _ in ext:
        model.add_hint(var, False)
    hinted = {i for k in hint for i in trips[k][0]}
    for i, var in drops.items():
        model.add_hint(var, i not in hinted)
    model.add(sum(v for _, v in trip_vars) <= max_slots)
    cost = sum(round(km * SCALE) * v for (_, _, km), v in trip_vars) + sum(round(e * SCALE) * v for *_, v, e in ext)
    model.minimize(cost + DROP_PENALTY * sum(drops.values()))
    if until is not None:
        wall = max(0.3, until - time.perf_counter())
    solver = _solver(time_limit, workers, seed, wall=wall)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and len(hint) <= max_slots:
        # No answer in the time left (a loaded machine): keep the greedy trips the solver started from.
        chosen = [trips[k] for k in sorted(hint)]
        return chosen, [], [], None, False
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        from schedules.errors import PlanFailed

        raise PlanFailed(
            f"ตัวแก้ปัญหาไม่พบเส้นทางภายในเวลาที่กำหนด ({solver.status_name(status)}) ลองเพิ่มเวลา",
            f"the solver found no trips within the time limit ({solver.status_name(status)}); allow more time",
        )
    chosen = [t for t, v in trip_vars if solver.value(v)]
    extensions = [(slot, i) for slot, i, var, _ in ext if solver.value(var)]
    dropped = sorted(i for i, v in drops.items() if solver.value(v))
    bound = max(0.0, solver.best_objective_bound - DROP_PENALTY * len(dropped)) / SCALE
    return chosen, extensions, dropped, bound, status == cp_model.OPTIMAL


def _slot_model(inst, model):
    """z[c, d]: committee c works a free (not kept) day d; people shared by two committees go out with one."""
    z = {}
    for c in inst.committees:
        for d in inst.days:
            if inst.free(c, d):
                z[c, d] = model.new_bool_var("")
    for a, b in inst.shared:
        for d in inst.days:
            busy_a, busy_b = (a, d) in inst.kept_routes, (b, d) in inst.kept_routes
            if busy_a and busy_b:
                continue  # the coordinator pinned both; check_round reports it
            if busy_a and (b, d) in z:
                model.add(z[b, d] == 0)
            elif busy_b and (a, d) in z:
                model.add(z[a, d] == 0)
            elif (a, d) in z and (b, d) in z:
                model.add(z[a, d] + z[b, d] <= 1)
    return z


def _loads(inst, model, x_by_c, fixed_load):
    loads = []
    for c in inst.committees:
        load = model.new_int_var(0, len(inst.units) + len(inst.kept), "")
        model.add(load == fixed_load[c] + sum(size * v for size, v in x_by_c[c]))
        loads.append(load)
    hi = model.new_int_var(0, len(inst.units) + len(inst.kept), "")
    lo = model.new_int_var(0, len(inst.units) + len(inst.kept), "")
    model.add_max_equality(hi, loads)
    model.add_min_equality(lo, loads)
    return hi - lo


def _fixed_load(inst, extensions):
    load = {c: 0 for c in inst.committees}
    for v in inst.kept:
        if v.committee_id in load:
            load[v.committee_id] += 1
    for (c, _), _ in extensions:
        load[c] += 1
    return load


def _stage_days(inst, chosen, extensions, time_limit, workers, seed, wall=None, until=None):
    """Stage 2: the chosen trips onto committees and days. Returns (visits, trips left without a slot, whether
    the greedy placement stood in for a solver that found nothing in its time).

    Trips with the same allowed committees and size are interchangeable, so the model counts how many of each
    kind a committee takes (n[kind, c]) and which days it works (z[c, d]; people shared by two committees out
    with one of them a day; no committee out on a day a member is booked in another round). It balances loads
    and, only when it must, leaves trips over (reported, never silent). Small whatever the office's size: a
    1,000-school office has a few dozen kinds, not a thousand trips × sixty committees."""
    kinds: dict[tuple[tuple[int, ...], int], list[int]] = defaultdict(list)
    for k, (units, _, _) in enumerate(chosen):
        allowed = set(inst.committees)
        for i in units:
            allowed &= set(inst.allowed[inst.units[i]])
        kinds[(tuple(sorted(allowed)), len(units))].append(k)
    model = cp_model.CpModel()
    z = _slot_model(inst, model)
    n: dict[tuple[int, int], cp_model.IntVar] = {}
    left_vars = {}
    per_c = defaultdict(list)
    for g, ((allowed, size), ks) in enumerate(sorted(kinds.items())):
        vs = []
        for c in allowed:
            n[g, c] = model.new_int_var(0, len(ks), "")
            vs.append(n[g, c])
            per_c[c].append((size, n[g, c]))
        left_vars[g] = (size, model.new_int_var(0, len(ks), ""))
        model.add(sum(vs) + left_vars[g][1] == len(ks))
    fixed = _fixed_load(inst, extensions)
    loads = []
    top = len(inst.units) + len(inst.kept)
    for c in inst.committees:
        model.add(sum(v for _, v in per_c[c]) == sum(z[c, d] for d in inst.days if (c, d) in z))
        load = model.new_int_var(0, top, "")
        model.add(load == fixed[c] + sum(size * v for size, v in per_c[c]))
        loads.append(load)
    hi, lo = model.new_int_var(0, top, ""), model.new_int_var(0, top, "")
    if loads:
        model.add_max_equality(hi, loads)
        model.add_min_equality(lo, loads)
    model.minimize((top + 1) * sum(size * v for size, v in left_vars.values()) + hi - lo)
    if until is not None:
        wall = max(0.3, until - time.perf_counter())
    solver = _solver(time_limit, workers, seed, wall=wall)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No answer in the time left (a loaded machine): place the trips greedily, most constrained first,
        # rather than fail — the loads are less even, the km the same, and nothing is placed against a rule.
        per_committee = defaultdict(list)
        days = defaultdict(list)
        placed_units = set()
        for units, (c, d) in sorted(_greedy_days(inst, chosen).items(), key=lambda kv: (kv[1][1], kv[1][0])):
            per_committee[c].append(next(t for t in chosen if t[0] == units))
            days[c].append(d)
            placed_units.add(units)
        placed, unplaceable = _materialise(inst, per_committee, days, extensions)
        return placed, [t for t in chosen if t[0] not in placed_units] + unplaceable, True
    per_committee = defaultdict(list)
    left = []
    for g, ((allowed, _size), ks) in enumerate(sorted(kinds.items())):
        pool = sorted(ks, key=lambda k: chosen[k][1])
        for c in allowed:
            for _ in range(solver.value(n[g, c])):
                per_committee[c].append(chosen[pool.pop(0)])
        left += [chosen[k] for k in pool]
    days = {c: [d for d in inst.days if (c, d) in z and solver.value(z[c, d])] for c in inst.committees}
    placed, unplaceable = _materialise(inst, per_committee, days, extensions)
    return placed, left + unplaceable, False


def _separate_school_days(inst, rows: dict[int, list[list]], fixed: set[tuple[int, datetime.date]]) -> list:
    """A school due several visits never gets two on one day: swap trips between a committee's own days until
    no school is out twice on a day (kept visits and extensions stay put). `rows[c]` is [[day, trip], ...];
    returns the trips that could not be separated (taken off their day, reported as not placed)."""

    def schools_of(trip):
        return {inst.units[i] for i in trip[0]}

    count: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for key in fixed:
        count[key] += 1
    for cells in rows.values():
        for day, trip in cells:
            for s in schools_of(trip):
                count[(s, day)] += 1
    if all(n < 2 for n in count.values()):
        return []

    def move(trip, day, by):
        for s in schools_of(trip):
            count[(s, day)] += by

    for c in sorted(rows):
        cells = rows[c]
        for a in range(len(cells)):
            day_a, trip_a = cells[a]
            if all(count[(s, day_a)] < 2 for s in schools_of(trip_a)):
                continue
            move(trip_a, day_a, -1)
            for b in range(len(cells)):
                day_b, trip_b = cells[b]
                if b == a or day_b == day_a:
                    continue
                move(trip_b, day_b, -1)
                free_a = all(count[(s, day_b)] == 0 for s in schools_of(trip_a))
                free_b = all(count[(s, day_a)] == 0 for s in schools_of(trip_b))
                if free_a and free_b:
                    cells[a][1], cells[b][1] = trip_b, trip_a
                    move(trip_b, day_a, +1)
                    move(trip_a, day_b, +1)
                    break
                move(trip_b, day_b, +1)
            else:
                move(trip_a, day_a, +1)
    out = []
    for c in sorted(rows):
        keep = []
        for day, trip in rows[c]:
            if clashes_left(inst, trip, day, rows, fixed):
                out.append(trip)
            else:
                keep.append([day, trip])
        rows[c] = keep
    return out


def clashes_left(inst, trip, day, rows, fixed) -> bool:
    """True when another visit (kept, an extension, or an earlier trip that day) already has one of the
    trip's schools on `day`. Trips are judged in committee order, so exactly the later duplicates are left."""
    schools = {inst.units[i] for i in trip[0]}
    if any((s, day) in fixed for s in schools):
        return True
    for c in sorted(rows):
        for d, other in rows[c]:
            if other is trip:
                return False
            if d == day and schools & {inst.units[i] for i in other[0]}:
                return True
    return False


def _materialise(inst, per_committee, days, extensions) -> tuple[list[rules.Visit], list]:
    """Turn trips per committee and working days into visits; extensions go after a kept day's visits.
    Returns (visits, trips that could not be given a day without a school visited twice that day)."""
    sessions = [s.id for s in inst.data.round.sessions]
    rows = {}
    for c in inst.committees:
        trips = sorted(per_committee.get(c, []), key=lambda t: t[1])
        rows[c] = [[day, trip] for day, trip in zip(days[c], trips, strict=True)]
    fixed = set(inst.kept_school_days) | {(inst.units[i], d) for (_, d), i in extensions}
    unplaceable = _separate_school_days(inst, rows, fixed)
    out = []
    for c in inst.committees:
        for day, (_, order, _) in sorted(rows[c], key=lambda r: r[0]):
            for n, s in enumerate(order):
                out.append(rules.Visit(None, c, s, day, sessions[min(n, len(sessions) - 1)], n + 1))
    for (c, d), i in sorted(extensions):
        route = inst.kept_routes[(c, d)]
        n = len(route) + sum(1 for v in out if v.committee_id == c and v.date == d)
        out.append(rules.Visit(None, c, inst.units[i], d, sessions[min(n, len(sessions) - 1)], n + 1))
    return out, unplaceable


def _greedy_days(inst, chosen) -> dict[tuple[int, ...], tuple[int, datetime.date]]:
    """A quick feasible placement of the chosen trips (most constrained first) to start the full model from."""

    def allowed(units):
        ok = set(inst.committees)
        for i in units:
            ok &= set(inst.allowed[inst.units[i]])
        return ok

    todo = sorted(chosen, key=lambda t: (len(allowed(t[0])), t[1]))
    partners = defaultdict(set)
    for a, b in inst.shared:
        partners[a].add(b)
        partners[b].add(a)
    out = {}
    load = defaultdict(int)
    for d in inst.days:
        working = {c for c in inst.committees if (c, d) in inst.kept_routes}
        for c in sorted(inst.committees, key=lambda c: (load[c], c)):
            if c in working or partners[c] & working or (c, d) in inst.blocked:
                continue
            trip = next((t for t in todo if c in allowed(t[0])), None)
            if trip is None:
                continue
            todo.remove(trip)
            out[trip[0]] = (c, d)
            working.add(c)
            load[c] += len(trip[0])
    return out


def _full_model(inst, trips, partial, skip, time_limit, workers, seed, hint=None):
    """Trips, committees and days in one model: used when the two stages cannot agree (or asked for).

    `hint` (trip units -> (committee, day)) gives the solver a feasible start.
    """
    hint = hint or {}
    model = cp_model.CpModel()
    z = _slot_model(inst, model)
    for (c, d), var in z.items():
        model.add_hint(var, any(h == (c, d) for h in hint.values()))
    x_by_c = defaultdict(list)
    trip_vars = []
    assign = []
    for k, t in enumerate(trips):
        units = t[0]
        allowed = set(inst.committees)
        for i in units:
            allowed &= set(inst.allowed[inst.units[i]])
        used = model.new_bool_var("")
        per = []
        for c in inst.committees:
            if c in allowed:
                v = model.new_bool_var("")
                per.append(v)
                x_by_c[c].append((len(units), v))
                assign.append((k, c, v))
                model.add_hint(v, hint.get(units, (None,))[0] == c)
        model.add(sum(per) == used)
        trip_vars.append((t, used))
        model.add_hint(used, units in hint)
    ext = _extension_vars(inst, model, partial, skip)
    drops = _cover(model, inst, trip_vars, ext, skip)
    hinted = {i for units in hint for i in units}
    for i, var in drops.items():
        model.add_hint(var, i not in hinted)
    for _, _, var, _ in ext:
        model.add_hint(var, False)
    for c in inst.committees:
        model.add(sum(v for _, v in x_by_c[c]) == sum(z[c, d] for d in inst.days if (c, d) in z))
    ext_by_c = defaultdict(list)
    for (c, _), _, var, _ in ext:
        ext_by_c[c].append((1, var))
    for c in inst.committees:
        x_by_c[c] += ext_by_c[c]
    spread = _loads(inst, model, x_by_c, _fixed_load(inst, []))
    cost = sum(round(km * SCALE) * v for (_, _, km), v in trip_vars) + sum(round(e * SCALE) * v for *_, v, e in ext)
    model.minimize(DROP_PENALTY * sum(drops.values()) + (len(inst.units) + 1) * cost + spread)
    # One plain worker rarely finds a first solution of this model: use two, interleaved (still deterministic).
    solver = _solver(time_limit, max(2, workers), seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No solution in time: report everything as not placed rather than guessing.
        return [], sorted(set(range(len(inst.units))) - skip), None, False
    per_committee = defaultdict(list)
    for k, c, v in assign:
        if solver.value(v):
            per_committee[c].append(trips[k])
    days = {c: [d for d in inst.days if (c, d) in z and solver.value(z[c, d])] for c in inst.committees}
    extensions = [(slot, i) for slot, i, var, _ in ext if solver.value(var)]
    dropped = sorted(i for i, v in drops.items() if solver.value(v))
    bound = (solver.best_objective_bound - DROP_PENALTY * len(dropped)) / (len(inst.units) + 1) / SCALE
    placed, unplaceable = _materialise(inst, per_committee, days, extensions)
    dropped = sorted({*dropped, *(i for t in unplaceable for i in t[0])})
    return placed, dropped, max(0.0, bound), status == cp_model.OPTIMAL


# --- exam rounds ---------------------------------------------------------------------------------------------


def _plan_exam(data: rules.RoundData, stay, time_limit, workers, seed) -> Plan:
    """Cover every centre in every session: one centre per committee per session, the day's route priced."""
    committees = list(data.round_committees)
    days = data.counted_days
    sessions = list(data.round.sessions)
    kept = list(stay)
    blocked = busy_elsewhere(data)
    base = data.round.base
    km_office = {s: rules.road_km(data, base, rules.school_point(data, s)) for s in data.centres}
    covered: dict[tuple[int, int], int] = defaultdict(int)
    busy: dict[tuple[int, datetime.date, int], int] = defaultdict(int)
    per_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
    taken = {(v.school_id, v.date, v.session_id) for v in kept}
    for v in kept:
        covered[(v.school_id, v.session_id)] += 1
        busy[(v.committee_id, v.date, v.session_id)] += 1
        per_day[(v.committee_id, v.date)] += 1
    units = []
    for s in data.centres:
        for sess in sessions:
            units += [(s, sess.id)] * max(0, data.round.visits_per_school - covered.get((s, sess.id), 0))
    allowed = {s: allowed_committees(data, committees, s) for s in data.centres}
    shared = shared_people(data, committees)
    model = cp_model.CpModel()
    x = {}
    for u, (s, sess) in enumerate(units):
        for c in allowed[s]:
            for d in days:
                if not busy.get((c, d, sess)) and (c, d, sess) not in blocked and (s, d, sess) not in taken:
                    x[u, c, d] = model.new_bool_var("")
    by_slot = defaultdict(list)
    by_day = defaultdict(list)
    by_unit = defaultdict(list)
    for (u, c, d), v in x.items():
        by_slot[(c, d, units[u][1])].append(v)
        by_day[(c, d)].append(v)
        by_unit[u].append(v)
    for vs in by_slot.values():
        model.add(sum(vs) <= 1)
    # A centre due several inspections in a session gets them on different days.
    by_centre = defaultdict(list)
    for (u, _c, d), v in x.items():
        by_centre[(units[u][0], d, units[u][1])].append(v)
    for vs in by_centre.values():
        if len(vs) > 1:
            model.add(sum(vs) <= 1)
    for (c, d), vs in by_day.items():
        model.add(sum(vs) <= data.round.visits_per_committee_day - per_day.get((c, d), 0))
    for a, b in shared:
        for d in days:
            for sess in sessions:
                both = by_slot.get((a, d, sess.id), []) + by_slot.get((b, d, sess.id), [])
                fixed = busy.get((a, d, sess.id), 0) + busy.get((b, d, sess.id), 0)
                if both and fixed < 2:
                    model.add(sum(both) <= 1 - min(fixed, 1))
    drops = {}
    for u in range(len(units)):
        drops[u] = model.new_bool_var("")
        model.add(sum(by_unit[u]) + drops[u] == 1)
    # Route: out and back for each centre, minus the saving of going straight on to the next session's centre.
    cost = sum(round(2 * km_office[units[u][0]] * SCALE) * v for (u, _, _), v in x.items())
    order = {s.id: n for n, s in enumerate(sessions)}
    savings = []
    at = defaultdict(list)
    for (u, c, d), v in x.items():
        at[(c, d, order[units[u][1]])].append((units[u][0], v))
    for (c, d, n), here in at.items():
        for a, va in here:
            for b, vb in at.get((c, d, n + 1), []):
                saving = (
                    km_office[a]
                    + km_office[b]
                    - rules.road_km(data, rules.school_point(data, a), rules.school_point(data, b))
                )
                if saving > 0:
                    w = model.new_bool_var("")
                    model.add(w <= va)
                    model.add(w <= vb)
                    savings.append(round(saving * SCALE) * w)
    load = {}
    for c in committees:
        load[c] = model.new_int_var(0, len(units) + len(kept), "")
        model.add(
            load[c] == sum(v for (_, cc, _), v in x.items() if cc == c) + sum(1 for v in kept if v.committee_id == c)
        )
    hi = model.new_int_var(0, len(units) + len(kept), "")
    lo = model.new_int_var(0, len(units) + len(kept), "")
    model.add_max_equality(hi, list(load.values()) or [0])
    model.add_min_equality(lo, list(load.values()) or [0])
    weight = len(units) + 1
    model.minimize(DROP_PENALTY * sum(drops.values()) + weight * (cost - sum(savings)) + (hi - lo))
    solver = _solver(time_limit, workers, seed)
    status = solver.solve(model)
    unplaced = []
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        dropped = list(range(len(units)))
        new = []
    else:
        dropped = [u for u, v in drops.items() if solver.value(v)]
        new = [
            rules.Visit(None, c, units[u][0], d, units[u][1], order[units[u][1]] + 1)
            for (u, c, d), v in sorted(x.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0]))
            if solver.value(v)
        ]
    names = {s.id: s for s in sessions}
    for u in dropped:
        s, sess = units[u]
        school = data.schools[s]
        if not committees:
            reason, th, en = (
                "no_committee",
                f"สนามสอบ {school.name}: รอบนี้ยังไม่มีคณะกรรมการ",
                f"exam centre {school.name}: the round has no committees yet",
            )
        elif not allowed[s]:
            reason, th, en = (
                "conflict_of_interest",
                f"สนามสอบ {school.name}: ทุกคณะมีกรรมการที่สังกัดโรงเรียนนี้",
                f"exam centre {school.name}: every committee has a member from this school",
            )
        else:
            reason, th, en = (
                "capacity",
                f"สนามสอบ {school.name} {names[sess].name}: คณะกรรมการไม่พอในช่วงนี้",
                f"exam centre {school.name}, session {names[sess].code}: not enough committees",
            )
        unplaced.append(Unplaced(s, school.code, reason, th, en, session_id=sess))
    return Plan(kept + new, unplaced, 0.0, "exam", 0.0, optimal=status == cp_model.OPTIMAL)


# --- making room: an added school in a round with no room -----------------------------------------------------

MAX_ROOM_MOVES = 2  # existing visits a re-plan may move to make room for one school (the coordinator's rule)


class _Room:
    """The plan's day-routes, to find where one more school can go by moving at most `MAX_ROOM_MOVES` visits.

    A slot (committee, day) takes a school when: the day is counted; the committee is the round's, has no
    member tied to the school and no member booked elsewhere that day; the day still has room; the school is
    not visited that day already; no leg of the day is over the limit; and a committee starting a new day has
    no member out with another committee then."""

    def __init__(self, data: rules.RoundData, visits: list[rules.Visit]):
        self.data = data
        self.K = data.round.visits_per_committee_day
        self.limit = data.round.max_leg_km
        self.committees = list(data.round_committees)
        self.days = data.counted_days
        self.blocked = {(c, d) for c, d, _ in busy_elsewhere(data)}
        self.partners: dict[int, set[int]] = defaultdict(set)
        for a, b in shared_people(data, self.committees):
            self.partners[a].add(b)
            self.partners[b].add(a)
        self.routes: dict[tuple[int, datetime.date], list[rules.Visit]] = defaultdict(list)
        self.school_days: dict[tuple[int, datetime.date], list[rules.Visit]] = defaultdict(list)
        for v in visits:
            self.routes[(v.committee_id, v.date)].append(v)
            self.school_days[(v.school_id, v.date)].append(v)
        self.tied = {c: {s for m in data.committees[c].members for s in m.schools} for c in self.committees}
        self._km: dict[tuple[int, int], float] = {}

    def km(self, a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in self._km:
            self._km[key] = rules.road_km(self.data, rules.school_point(self.data, a), rules.school_point(self.data, b))
        return self._km[key]

    def route_km(self, schools: list[int]) -> float:
        return rules.route_km(self.data, schools)

    def fits(self, school: int, slot, without: tuple[rules.Visit, ...] = ()) -> float | None:
        """The extra km of adding `school` to `slot` once the visits `without` have left their days; None when a
        rule forbids it."""
        c, d = slot
        if c not in self.tied or school in self.tied[c] or slot in self.blocked or d not in self.days:
            return None
        gone = {id(v) for v in without}
        here = [v for v in self.routes.get(slot, ()) if id(v) not in gone]
        if len(here) >= self.K:
            return None
        if any(id(v) not in gone for v in self.school_days.get((school, d), ())):
            return None
        if any(self.km(school, v.school_id) > self.limit for v in here):
            return None
        if not here:
            for p in self.partners[c]:
                if any(id(v) not in gone for v in self.routes.get((p, d), ())):
                    return None
        schools = [v.school_id for v in here]
        return self.route_km([*schools, school]) - self.route_km(schools)

    def slots(self):
        return [(c, d) for c in self.committees for d in self.days]


def _make_room(data: rules.RoundData, visits: list[rules.Visit], school: int, deadline: float):
    """Place `school` by moving at most two visits the re-plan may move (not locked, not done, not a
    coordinator's move): the cheapest chain in km of (a) the school into a day with room, (b) the school into
    visit v's place and v into a day with room, or (c) the school into v's place, v into w's and w into a day
    with room. Returns (visits after, moved visits [(old, new)], the new visit) or None."""
    room = _Room(data, visits)
    slots = room.slots()
    movable = [v for v in visits if not is_pinned(v)]
    sessions = [s.id for s in data.round.sessions]
    best: tuple[float, list] | None = None

    def consider(km: float, chain: list):
        nonlocal best
        if best is None or km < best[0] - 1e-9:
            best = (km, chain)

    for slot in slots:
        extra = room.fits(school, slot)
        if extra is not None:
            consider(extra, [(school, None, slot)])
    if best is None:
        for v in movable:
            if time.perf_counter() > deadline:
                break
            slot_v = (v.committee_id, v.date)
            into_v = room.fits(school, slot_v, (v,))
            if into_v is None:
                continue
            for slot in slots:
                if slot == slot_v:
                    continue
                extra = room.fits(v.school_id, slot, (v,))
                if extra is not None:
                    consider(into_v + extra, [(school, v, slot_v), (v.school_id, None, slot)])
    if best is None and MAX_ROOM_MOVES >= 2:
        for v in movable:
            slot_v = (v.committee_id, v.date)
            into_v = room.fits(school, slot_v, (v,))
            if into_v is None:
                continue
            for w in movable:
                if time.perf_counter() > deadline:
                    break
                slot_w = (w.committee_id, w.date)
                if w is v or slot_w == slot_v:
                    continue
                v_into_w = room.fits(v.school_id, slot_w, (v, w))
                if v_into_w is None:
                    continue
                for slot in slots:
                    if slot in (slot_v, slot_w):
                        continue
                    extra = room.fits(w.school_id, slot, (v, w))
                    if extra is not None:
                        consider(
                            into_v + v_into_w + extra,
                            [(school, v, slot_v), (v.school_id, w, slot_w), (w.school_id, None, slot)],
                        )
    if best is None:
        return None
    # Apply the chain: each school takes the place (day order, session) of the visit it displaces, or goes last
    # in a day with room.
    chain = best[1]
    leaving = {id(old) for _, old, _ in chain if old is not None}
    after = [v for v in visits if id(v) not in leaving]
    moved = []
    new_visit = None
    placed_routes = rules.day_routes(data, after)
    for n, (s, old, (c, d)) in enumerate(chain):
        if old is not None:
            order, session = old.day_order, old.session_id
        else:
            route = placed_routes.get((c, d), [])
            order = max((v.day_order for v in route), default=0) + 1
            session = sessions[min(len(route), len(sessions) - 1)]
        visit = rules.Visit(None, c, s, d, session, order)
        after.append(visit)
        placed_routes.setdefault((c, d), []).append(visit)
        if n == 0:
            new_visit = visit
        else:
            moved.append((chain[n - 1][1], visit))  # the visit the previous link displaced, in its new place
    return after, moved, new_visit
