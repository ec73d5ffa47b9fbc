"""The planner on small synthetic rounds: complete, valid, deterministic, keeps locked visits, explains failure."""

import dataclasses
import datetime

from schedules import conflicts as rules
from schedules import planner
from schedules.synthetic import synthetic_round


def small(**kw):
    return synthetic_round(
        **{"schools": 24, "committees": 4, "days": 5, "width_km": 80, "height_km": 60, "shared": 1, **kw}
    )


def check(d, plan):
    return rules.check(dataclasses.replace(d, visits=tuple(plan.visits)))


def test_a_plan_covers_every_school_with_no_errors():
    d = small()
    plan = planner.plan(d, time_limit=10)
    assert plan.complete and plan.engine == "two-stage"
    assert sorted(v.school_id for v in plan.visits) == sorted(d.targets)
    assert rules.errors(check(d, plan)) == []
    assert plan.total_km == round(rules.total_km(d, plan.visits), 3)
    assert sum(plan.loads.values()) == 24
    # a member's own school is never given to their committee
    for v in plan.visits:
        assert not rules.conflicts_of_interest(d.committees[v.committee_id], v.school_id)


def test_the_plan_is_deterministic():
    d = small(seed=7)
    assert planner.plan(d, time_limit=10).visits == planner.plan(d, time_limit=10).visits


def test_people_on_two_committees_are_never_out_twice_in_a_day():
    d = small(shared=2, committees=4, schools=20)
    plan = planner.plan(d, time_limit=10)
    assert plan.complete
    assert "person_double_booked" not in {c.code for c in check(d, plan)}


def test_locked_visits_survive_replanning():
    d = small()
    first = planner.plan(d, time_limit=10)
    pinned = [dataclasses.replace(v, id=1000 + n, locked=True) for n, v in enumerate(first.visits[:3])]
    # move one pinned visit to the last day to prove the planner keeps it where the coordinator put it
    last = d.counted_days[-1]
    pinned[0] = dataclasses.replace(pinned[0], date=last)
    done = dataclasses.replace(first.visits[5], id=2000, status="done")
    loose = dataclasses.replace(first.visits[6], id=3000)
    again = planner.plan(dataclasses.replace(d, visits=(*pinned, done, loose)), time_limit=10, fresh=True)
    assert again.complete
    for v in (*pinned, done):
        assert v in again.visits
    assert loose not in again.visits  # a fresh re-plan plans what is not locked anew
    # the default re-plan keeps every visit that breaks no rule where it is
    stable = planner.plan(dataclasses.replace(d, visits=(*pinned, done, loose)), time_limit=10)
    assert stable.complete and loose in stable.visits and stable.displaced == {}
    assert sorted(v.school_id for v in again.visits) == sorted(d.targets)
    assert rules.errors(check(d, again)) == []


def test_too_few_committee_days_reports_unplaced_schools():
    d = small(committees=2, days=2, shared=0)  # 2 committees x 2 days x 2 = 8 visits for 24 schools
    plan = planner.plan(d, time_limit=10)
    assert not plan.complete
    assert len(plan.unplaced) == 16 and len(plan.visits) == 8
    assert {u.reason for u in plan.unplaced} == {"capacity"}
    assert "not enough committee-days" in plan.unplaced[0].message_en and plan.unplaced[0].message_th
    assert rules.errors(check(d, plan)) and all(c.code == "coverage_missing" for c in rules.errors(check(d, plan)))


def test_a_school_every_committee_is_tied_to_is_reported():
    d = small(committees=3, shared=0)
    target = d.targets[0]
    committees = {
        c: dataclasses.replace(info, members=(*info.members, rules.Member(900 + c, "ครูในโรงเรียน", target)))
        for c, info in d.committees.items()
    }
    plan = planner.plan(dataclasses.replace(d, committees=committees), time_limit=10)
    assert [(u.school_id, u.reason) for u in plan.unplaced] == [(target, "conflict_of_interest")]


def test_the_full_model_gives_a_valid_plan_too():
    d = small(schools=12, committees=3, days=3)
    plan = planner.plan(d, engine="full", time_limit=5)
    assert plan.engine == "full" and plan.complete
    assert rules.errors(check(d, plan)) == []


def test_three_visits_a_day_makes_triples():
    d = small(per_day=3, schools=18, committees=2, days=3, shared=0)
    plan = planner.plan(d, time_limit=10)
    assert plan.complete and rules.errors(check(d, plan)) == []
    per_day = {}
    for v in plan.visits:
        per_day[(v.committee_id, v.date)] = per_day.get((v.committee_id, v.date), 0) + 1
    assert max(per_day.values()) == 3


def test_exam_rounds_cover_every_centre_in_every_session():
    base = small(committees=4, shared=0)
    morning, afternoon = rules.SessionInfo(1, "morning", "ช่วงเช้า", 1), rules.SessionInfo(2, "afternoon", "บ่าย", 2)
    days = {datetime.date(2020, 2, 1): (True, "", ""), datetime.date(2020, 2, 2): (True, "", "")}
    info = dataclasses.replace(
        base.round,
        is_exam=True,
        days=days,
        sessions=(morning, afternoon),
        start_date=datetime.date(2020, 2, 1),
        end_date=datetime.date(2020, 2, 2),
    )
    centres = base.targets[:8]
    d = dataclasses.replace(base, round=info, targets=centres, centres=centres)
    plan = planner.plan(d, time_limit=10)
    assert plan.complete and len(plan.visits) == 16
    assert rules.errors(check(d, plan)) == []


def test_when_trips_cannot_be_given_out_the_full_model_takes_over():
    """Stage 1 pairs the near schools (1+2, 3+4) but only committee 1 may visit 1 and 3, on one day: the joint
    model re-pairs them (1+3 for committee 1, 2+4 for committee 2)."""
    base = small(schools=4, committees=2, days=1, shared=0, interest=0)
    points = {1: (15.30, 104.80), 2: (15.31, 104.81), 3: (15.10, 105.00), 4: (15.11, 105.01)}
    schools = {i: dataclasses.replace(s, lat=points[i][0], lon=points[i][1]) for i, s in base.schools.items()}
    c2 = base.committees[2]
    tied = (*c2.members, rules.Member(501, "ครูโรงเรียน 1", 1), rules.Member(502, "ครูโรงเรียน 3", 3))
    d = dataclasses.replace(
        base, schools=schools, committees={1: base.committees[1], 2: dataclasses.replace(c2, members=tied)}
    )
    plan = planner.plan(d, time_limit=5)
    assert plan.engine == "full" and plan.complete
    assert {(v.committee_id, v.school_id) for v in plan.visits} == {(1, 1), (1, 3), (2, 2), (2, 4)}
    assert rules.errors(check(d, plan)) == []


def test_a_round_without_committees_says_so():
    d = dataclasses.replace(small(), committees={}, round_committees=())
    plan = planner.plan(d, time_limit=5)
    assert len(plan.unplaced) == 24 and {u.reason for u in plan.unplaced} == {"no_committee"}
