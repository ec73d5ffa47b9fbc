"""Planner benchmark: `.venv/bin/python bench/planner.py [--quick]`. Prints figures; asserts nothing.

Synthetic instances from a seed (schedules.synthetic: schools uniformly in a box around the office, committees
of three with some people on two committees and some members tied to a school):
  (a) 81 schools in a 200×150 km box, 8 committees, 9 counted days, 2 visits per committee-day;
  (b) 3,000 schools split over 37 offices, each office planned on its own (4 committees, 20 days);
  (c) 30,000 schools split over 245 offices (10 committees, 9 days each), on 2 worker processes.
  (d) one office of 400 schools (30 committees x 9 days) and of 1,000 (60 x 9 and 40 x 20), 2 workers, each in
      its own process: seconds, peak memory, and total km over the km of the trips stage 1 chose.
For (a): median/p95 time over seeds, total km, the ratio to a nearest-neighbour greedy baseline, the ratio to
a 60-second run of the full CP-SAT model (and the bound it proves), and the optimum of the trip relaxation
with every pair of schools (a proven lower bound on any plan's km). Also: the time to report an infeasible
round (too few committee-days) and peak memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

import django

django.setup()

from schedules import conflicts as rules  # noqa: E402
from schedules import planner  # noqa: E402
from schedules.synthetic import synthetic_round  # noqa: E402

SPAWN = multiprocessing.get_context("spawn")  # workers start fresh instead of copying this process


def greedy(data: rules.RoundData) -> tuple[float, int]:
    """Nearest-neighbour baseline: day by day, each free committee starts at the office and goes to the nearest
    school it may visit, K times. Returns (total km, schools left over)."""
    left = set(data.targets)
    committees = list(data.round_committees)
    people = {c: {m.person_id for m in data.committees[c].members} for c in committees}
    visits = []
    for day in data.counted_days:
        out_today: set[int] = set()
        for c in committees:
            if not left or people[c] & out_today:
                continue
            here = data.round.base
            route = []
            for _ in range(data.round.visits_per_committee_day):
                options = [s for s in left if not rules.conflicts_of_interest(data.committees[c], s)]
                if not options:
                    break
                nxt = min(options, key=lambda s: (rules.great_circle_km(here, rules.school_point(data, s)), s))
                route.append(nxt)
                left.discard(nxt)
                here = rules.school_point(data, nxt)
            if route:
                out_today |= people[c]
                visits += [rules.Visit(None, c, s, day, 1, n + 1) for n, s in enumerate(route)]
    return rules.total_km(data, visits), len(left)


def relaxation_bound(data: rules.RoundData, time_limit: float) -> tuple[float, bool]:
    """Optimum of the trip model over every pair of schools: no plan can travel less."""
    inst = planner._Instance(data)
    trips = planner._trips(inst, None)
    slots = planner._max_working_slots(inst, 1, 29)
    matched = planner._stage_trips_by_matching(inst, trips, slots, set())
    if matched is not None:  # exact (blossom) when the trip count does not bind
        return sum(t[2] for t in matched), True
    _, _, _, bound, optimal = planner._stage_trips(inst, trips, {}, slots, set(), time_limit, 1, 29)
    return bound, optimal


def full_run(limit: float) -> tuple[float, float, bool, float, float]:
    """The full CP-SAT model over every pair of schools, (a) seed 1, in a process of its own."""
    data = synthetic_round(seed=1)
    started = time.perf_counter()
    plan = planner.plan(data, engine="full", neighbours=None, time_limit=limit)
    return (
        plan.total_km,
        plan.bound_km or 0.0,
        plan.optimal,
        time.perf_counter() - started,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def check_errors(data, plan) -> int:
    return len(rules.errors(rules.check(dataclasses.replace(data, visits=tuple(plan.visits)))))


def office_instance(args):
    k, schools, committees, days = args
    data = synthetic_round(
        schools=schools,
        committees=committees,
        days=days,
        seed=1000 + k,
        shared=1,
        id_offset=k * 1000,
        slug=f"office-{k}",
    )
    started, cpu = time.perf_counter(), time.process_time()
    plan = planner.plan(data, time_limit=10)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    km_greedy, _ = greedy(data)
    return seconds, plan.total_km, km_greedy, len(plan.unplaced), check_errors(data, plan), cpu


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished worker processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def many_offices(label, total_schools, offices, committees, days, workers, limit_offices=None):
    sizes = split(total_schools, offices)[:limit_offices]
    jobs = [(k, n, committees, days) for k, n in enumerate(sizes)]
    started = time.perf_counter()
    cpu_before = cpu_seconds()
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=SPAWN) as pool:
            results = list(pool.map(office_instance, jobs))
    else:
        results = [office_instance(j) for j in jobs]
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    times = [r[0] for r in results]
    km, km_greedy = sum(r[1] for r in results), sum(r[2] for r in results)
    print(
        f"({label}) {sum(sizes)} schools over {len(sizes)} offices ({committees} committees, {days} days each), "
        f"{workers} process(es)"
    )
    print(f"    wall {wall:.1f} s (CPU {cpu:.1f} s; the machine is shared with other jobs)")
    cpus = [r[5] for r in results]
    print(
        f"    per office: wall median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
        f"CPU median {statistics.median(cpus):.2f} s, max {max(cpus):.2f} s"
    )
    print(
        f"    total km {km:,.0f}; greedy {km_greedy:,.0f}; plan/greedy {km / km_greedy:.3f}; "
        f"unplaced {sum(r[3] for r in results)}; check_round errors {sum(r[4] for r in results)}"
    )


def scale_run(args):
    """One large office in a process of its own (so its peak memory is its own): seconds, km, stage-1 km,
    unplaced, errors, engine, note, peak MiB."""
    schools, committees, days, limit = args
    data = synthetic_round(schools=schools, committees=committees, days=days, seed=7, shared=2)
    started = time.perf_counter()
    plan = planner.plan(data, time_limit=limit, workers=2)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        seconds,
        plan.total_km,
        plan.stage_km or 0.0,
        len(plan.unplaced),
        check_errors(data, plan),
        plan.engine,
        plan.note,
        peak,
    )


def scale(quick: bool):
    """(d) one office of 400 and of 1,000 schools in the same 200x150 km box, 2 CP-SAT workers (2 cores)."""
    # (schools, committees, days, the planner's time limit, the target for the whole plan in seconds)
    cases = [(400, 30, 9, 10.0, 10.0), (1000, 60, 9, 20.0, 30.0), (1000, 40, 20, 20.0, 30.0)]
    for schools, committees, days, limit, target in cases:
        with ProcessPoolExecutor(max_workers=1, mp_context=SPAWN) as pool:
            seconds, km, stage_km, unplaced, errors, engine, note, peak = pool.submit(
                scale_run, (schools, committees, days, limit)
            ).result()
        print(
            f"(d) {schools} schools, {committees} committees x {days} days, time limit {limit:.0f} s: "
            f"{seconds:.1f} s (target ≤ {target:.0f} s, and within the limit), peak {peak:.0f} MiB (target ≤ 1024), "
            f"engine {engine}{' (' + note + ')' if note else ''}"
        )
        print(
            f"    total km {km:,.0f}; stage-1 trips {stage_km:,.0f} km; "
            f"plan / stage 1 = {km / stage_km:.4f} (target ≤ 1.03); unplaced {unplaced}; check_round errors {errors}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer seeds, 10 s full run, a sample of (b) and (c)")
    parser.add_argument("--scale-only", action="store_true", help="only the large-office runs (d)")
    args = parser.parse_args()
    if args.scale_only:
        scale(args.quick)
        return
    seeds = range(1, 6) if args.quick else range(1, 21)
    full_limit = 10.0 if args.quick else 60.0

    print(f"Planner benchmark{' (quick)' if args.quick else ''}: CP-SAT two-stage, 1 worker, seed 29")
    times, cpus, kms, ratios, gaps, errors, unplaced = [], [], [], [], [], 0, 0
    for seed in seeds:
        data = synthetic_round(seed=seed)
        started, cpu = time.perf_counter(), time.process_time()
        plan = planner.plan(data)
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        kms.append(plan.total_km)
        km_greedy, _ = greedy(data)
        ratios.append(km_greedy / plan.total_km)
        bound, _ = relaxation_bound(data, 30)
        gaps.append(plan.total_km / bound - 1)
        errors += check_errors(data, plan)
        unplaced += len(plan.unplaced)
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    print(f"(a) 81 schools, 200x150 km, 8 committees, 9 days; {len(times)} seeds")
    cpu95 = sorted(cpus)[max(0, round(0.95 * len(cpus)) - 1)]
    print(
        f"    wall time median {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {max(times):.3f} s; "
        f"CPU median {statistics.median(cpus):.3f} s, p95 {cpu95:.3f} s"
    )
    print(f"    total km median {statistics.median(kms):,.1f}; unplaced {unplaced}; check_round errors {errors}")
    print(
        f"    greedy/plan km: median {statistics.median(ratios):.3f}, max {max(ratios):.3f} "
        f"(greedy is {100 * (statistics.median(ratios) - 1):.1f} % worse at the median)"
    )
    print(
        f"    plan km over the all-pairs trip optimum (a proven lower bound): "
        f"median {100 * max(0.0, statistics.median(gaps)):+.3f} %, max {100 * max(0.0, *gaps):+.3f} %"
    )

    data = synthetic_round(seed=1)
    two_stage = planner.plan(data)
    again = planner.plan(data)
    print(f"    deterministic (same input twice, same plan): {two_stage.visits == again.visits}")
    planner_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with ProcessPoolExecutor(max_workers=1, mp_context=SPAWN) as pool:  # its memory is its own
        full_km, full_bound, full_optimal, full_time, full_peak = pool.submit(full_run, full_limit).result()
    bound, proven = relaxation_bound(data, 60)
    print(
        f"(a) seed 1: two-stage {two_stage.total_km:,.1f} km in {two_stage.seconds:.2f} s; full CP-SAT model "
        f"(every pair, {full_limit:.0f} s budget) {full_km:,.1f} km in {full_time:.1f} s, its bound "
        f"{full_bound:,.1f} km, optimal={full_optimal}, peak memory {full_peak:.0f} MiB"
    )
    print(
        f"    two-stage / full = {two_stage.total_km / full_km:.4f}; all-pairs trip optimum {bound:,.1f} km "
        f"(proven={proven}); two-stage / that bound = {two_stage.total_km / bound:.4f}"
    )

    infeasible = synthetic_round(seed=1, committees=2, shared=0)
    started, cpu = time.perf_counter(), time.process_time()
    plan = planner.plan(infeasible)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    reasons = sorted({u.reason for u in plan.unplaced})
    print(
        f"(infeasible) 81 schools, 2 committees x 9 days x 2: reported in {seconds:.3f} s (CPU {cpu:.3f} s), "
        f"{len(plan.unplaced)} unplaced, reasons {reasons}, complete={plan.complete}"
    )

    scale(args.quick)
    many_offices("b", 3000, 37, 4, 20, workers=1, limit_offices=8 if args.quick else None)
    many_offices("c", 30000, 245, 10, 9, workers=2, limit_offices=12 if args.quick else None)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak memory (RSS): after the (a) runs {planner_peak:.0f} MiB; this process at the end {own:.0f} MiB; "
        f"largest child process (full model or a (c) worker) {children:.0f} MiB"
    )


if __name__ == "__main__":
    main()
