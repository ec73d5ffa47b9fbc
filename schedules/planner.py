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
from ortools.sat.python import cp_model

from schedules import conflicts as rules

SCALE = 100  # CP-SAT works in integers: 1 unit = 10 m
DROP_PENALTY = 10**9
NEIGHBOURS = 15
STAGE_DAYS_LIMIT = 0.5  # deterministic seconds for balancing loads in stage 2


@dataclass(frozen=True)
class Unplaced:
    school_id: int
    code: str
    reason: str  # no_committee / conflict_of_interest / capacity / no_feasible_slot
    message_th: str
    message_en: str
    session_id: int | None = None


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

    @property
    def complete(self) -> bool:
        return not self.unplaced

    @property
    def new_visits(self) -> list[rules.Visit]:
        return [v for v in self.visits if v.id is None]


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    """A CP-SAT solver that gives the same answer for the same model: fixed seed, fixed workers (interleaved
    deterministically when more than one), and a deterministic-time limit; the wall-clock limit is a backstop."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = 3 * time_limit
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


def shared_people(data: rules.RoundData, committees: list[int]) -> list[tuple[int, int]]:
    """Pairs of the round's committees that share at least one person."""
    people = {c: {m.person_id for m in data.committees[c].members} for c in committees}
    return [(a, b) for a, b in itertools.combinations(committees, 2) if people[a] & people[b]]


def allowed_committees(data: rules.RoundData, committees: list[int], school_id: int) -> list[int]:
    return [c for c in committees if not rules.conflicts_of_interest(data.committees[c], school_id)]


def plan(
    data: rules.RoundData,
    *,
    time_limit: float = 20.0,
    neighbours: int | None = NEIGHBOURS,
    engine: str = "auto",
    workers: int | None = None,
    seed: int | None = None,
) -> Plan:
    """Plan the round. `engine`: auto (two-stage, full model as fallback) or full (the joint model only)."""
    workers, seed = _defaults(workers, seed)
    started = time.perf_counter()
    if data.round.is_exam:
        result = _plan_exam(data, time_limit, workers, seed)
    else:
        result = _plan_supervision(data, time_limit, neighbours, engine, workers, seed)
    result.seconds = time.perf_counter() - started
    result.total_km = round(rules.total_km(data, result.visits), 3)
    loads: dict[int, int] = {c: 0 for c in data.round_committees}
    for v in result.visits:
        loads[v.committee_id] = loads.get(v.committee_id, 0) + 1
    result.loads = loads
    return result


# --- supervision-type rounds ---------------------------------------------------------------------------------


class _Instance:
    """Pre-computed distances and the slots of one supervision round."""

    def __init__(self, data: rules.RoundData):
        self.data = data
        self.K = data.round.visits_per_committee_day
        self.committees = list(data.round_committees)
        self.days = data.counted_days
        self.kept = [v for v in data.visits if is_kept(v)]
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


def _trips(inst: _Instance, neighbours: int | None) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Candidate trips: (unit indexes, school order, km). Units of one school never share a trip."""
    units = inst.units
    schools = sorted(set(units))
    by_school: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(units):
        by_school[s].append(i)
    near: dict[int, list[int]] = {}
    for s in schools:
        others = sorted((o for o in schools if o != s), key=lambda o: (inst.km(s, o), o))
        near[s] = others if neighbours is None else others[:neighbours]
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
        if not allowed:
            continue
        order, km = inst.best_order(group)
        for combo in itertools.product(*(by_school[s] for s in group)):
            trips.append((tuple(sorted(combo)), order, km))
    return trips


def _max_working_slots(inst: _Instance, workers: int, seed: int) -> int:
    """How many free committee-days can run at once, people on two committees counted once a day."""
    model = cp_model.CpModel()
    z = {}
    busy = {(c, d) for (c, d) in inst.kept_routes}
    for c in inst.committees:
        for d in inst.days:
            z[c, d] = model.new_bool_var("") if (c, d) not in busy else 1
    for a, b in inst.shared:
        for d in inst.days:
            if isinstance(z[a, d], int) and isinstance(z[b, d], int):
                continue
            model.add(z[a, d] + z[b, d] <= 1)
    free = [v for v in z.values() if not isinstance(v, int)]
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


def _plan_supervision(data, time_limit, neighbours, engine, workers, seed) -> Plan:
    inst = _Instance(data)
    kept = list(inst.kept)
    unplaced: list[Unplaced] = []
    if not inst.units:
        return Plan(kept, [], 0.0, "none", 0.0, optimal=True)
    no_one = [i for i, s in enumerate(inst.units) if not inst.allowed[s]]
    unplaced += _unplaced(inst, no_one, "conflict_of_interest" if inst.committees else "no_committee")
    skip = set(no_one)
    trips = [t for t in _trips(inst, neighbours) if not skip & set(t[0])]
    partial = {key: route for key, route in inst.kept_routes.items() if len(route) < inst.K and key[1] in inst.days}
    max_slots = _max_working_slots(inst, workers, seed)
    capacity = max_slots * inst.K + sum(inst.K - len(r) for r in partial.values())
    shortfall = capacity < len(inst.units) - len(skip)
    matched = _stage_trips_by_matching(inst, trips, max_slots, skip) if inst.K == 2 and not partial else None
    if matched is not None:
        chosen, extensions, dropped, bound, optimal = matched, [], [], sum(t[2] for t in matched), True
    else:
        chosen, extensions, dropped, bound, optimal = _stage_trips(
            inst, trips, partial, max_slots, skip, time_limit, workers, seed
        )
    if engine == "auto":
        placed = _stage_days(inst, chosen, extensions, time_limit, workers, seed)
        if placed is not None:
            unplaced += _unplaced(inst, dropped, "capacity" if shortfall else "no_feasible_slot")
            return Plan(kept + placed, unplaced, 0.0, "two-stage", 0.0, bound_km=bound, optimal=optimal)
    hint = _greedy_days(inst, chosen)
    placed, dropped, bound, optimal = _full_model(inst, trips, partial, skip, time_limit, workers, seed, hint)
    unplaced += _unplaced(inst, dropped, "capacity" if shortfall else "no_feasible_slot")
    return Plan(kept + placed, unplaced, 0.0, "full", 0.0, bound_km=bound, optimal=optimal)


def _extension_vars(inst, model, partial, skip):
    """Adding a single school to a kept day that still has room: unit -> [(slot, var, extra km)]."""
    ext = []
    for (c, d), route in sorted(partial.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        room = inst.K - len(route)
        here = []
        for i, s in enumerate(inst.units):
            if i in skip or c not in inst.allowed[s] or s in {v.school_id for v in route}:
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


def _stage_trips(inst, trips, partial, max_slots, skip, time_limit, workers, seed):
    model = cp_model.CpModel()
    trip_vars = [(t, model.new_bool_var("")) for t in trips]
    ext = _extension_vars(inst, model, partial, skip)
    drops = _cover(model, inst, trip_vars, ext, skip)
    model.add(sum(v for _, v in trip_vars) <= max_slots)
    cost = sum(round(km * SCALE) * v for (_, _, km), v in trip_vars) + sum(round(e * SCALE) * v for *_, v, e in ext)
    model.minimize(cost + DROP_PENALTY * sum(drops.values()))
    solver = _solver(time_limit, workers, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"trip model: {solver.status_name(status)}")
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
            if (c, d) not in inst.kept_routes:
                z[c, d] = model.new_bool_var("")
    for a, b in inst.shared:
        for d in inst.days:
            busy_a, busy_b = (a, d) in inst.kept_routes, (b, d) in inst.kept_routes
            if busy_a and busy_b:
                continue  # the coordinator pinned both; check_round reports it
            if busy_a:
                model.add(z[b, d] == 0)
            elif busy_b:
                model.add(z[a, d] == 0)
            else:
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


def _stage_days(inst, chosen, extensions, time_limit, workers, seed):
    """Trips onto committees and days; None when no assignment exists (the caller falls back)."""
    model = cp_model.CpModel()
    z = _slot_model(inst, model)
    x = {}
    x_by_c = defaultdict(list)
    for k, (units, _, _) in enumerate(chosen):
        allowed = set(inst.committees)
        for i in units:
            allowed &= set(inst.allowed[inst.units[i]])
        vars_ = []
        for c in inst.committees:
            if c in allowed:
                x[k, c] = model.new_bool_var("")
                vars_.append(x[k, c])
                x_by_c[c].append((len(units), x[k, c]))
        if not vars_:
            return None
        model.add(sum(vars_) == 1)
    for c in inst.committees:
        model.add(sum(v for _, v in x_by_c[c]) == sum(z[c, d] for d in inst.days if (c, d) in z))
    model.minimize(_loads(inst, model, x_by_c, _fixed_load(inst, extensions)))
    # Balancing is found at once but proving it best can take long: a short deterministic budget is enough.
    solver = _solver(min(time_limit, STAGE_DAYS_LIMIT), workers, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    per_committee = defaultdict(list)
    for (k, c), v in sorted(x.items()):
        if solver.value(v):
            per_committee[c].append(chosen[k])
    days = {c: [d for d in inst.days if (c, d) in z and solver.value(z[c, d])] for c in inst.committees}
    return _materialise(inst, per_committee, days, extensions)


def _materialise(inst, per_committee, days, extensions) -> list[rules.Visit]:
    """Turn trips per committee and working days into visits; extensions go after a kept day's visits."""
    sessions = [s.id for s in inst.data.round.sessions]
    out = []
    for c in inst.committees:
        trips = sorted(per_committee.get(c, []), key=lambda t: t[1])
        for day, (_, order, _) in zip(days[c], trips, strict=True):
            for n, s in enumerate(order):
                out.append(rules.Visit(None, c, s, day, sessions[min(n, len(sessions) - 1)], n + 1))
    for (c, d), i in sorted(extensions):
        route = inst.kept_routes[(c, d)]
        n = len(route) + sum(1 for v in out if v.committee_id == c and v.date == d)
        out.append(rules.Visit(None, c, inst.units[i], d, sessions[min(n, len(sessions) - 1)], n + 1))
    return out


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
            if c in working or partners[c] & working:
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
    return (_materialise(inst, per_committee, days, extensions), dropped, max(0.0, bound), status == cp_model.OPTIMAL)


# --- exam rounds ---------------------------------------------------------------------------------------------


def _plan_exam(data: rules.RoundData, time_limit, workers, seed) -> Plan:
    """Cover every centre in every session: one centre per committee per session, the day's route priced."""
    committees = list(data.round_committees)
    days = data.counted_days
    sessions = list(data.round.sessions)
    kept = [v for v in data.visits if is_kept(v)]
    base = data.round.base
    km_office = {s: rules.road_km(data, base, rules.school_point(data, s)) for s in data.centres}
    covered: dict[tuple[int, int], int] = defaultdict(int)
    busy: dict[tuple[int, datetime.date, int], int] = defaultdict(int)
    per_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
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
                if not busy.get((c, d, sess)):
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
