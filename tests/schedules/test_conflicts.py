"""Every conflict code, triggered on plain data and explained in Thai and English."""

import dataclasses
import datetime

from schedules import conflicts as rules
from schedules.days import working_days

D = datetime.date
MORNING, AFTERNOON = rules.SessionInfo(1, "morning", "ช่วงเช้า", 1), rules.SessionInfo(2, "afternoon", "ช่วงบ่าย", 2)


def data(visits, *, exam=False, per_day=2, targets=(1, 2, 3), centres=()):
    days = {d.date: (d.counted, d.reason_th, d.reason_en) for d in working_days(D(2020, 8, 3), D(2020, 8, 14))}
    if exam:
        days = {D(2020, 2, 1): (True, "", ""), D(2020, 2, 2): (True, "", "")}
    info = rules.RoundInfo(
        "t",
        exam,
        min(days),
        max(days),
        days,
        1,
        per_day,
        (MORNING, AFTERNOON) if exam else (MORNING,),
        (15.2287, 104.8564),
        1.3,
        50.0,
    )
    shared = rules.Member(100, "นายร่วม สองคณะ")
    committees = {
        10: rules.CommitteeInfo(10, "คณะที่ 1", (rules.Member(1, "นางหนึ่ง", school_id=3), shared)),
        20: rules.CommitteeInfo(20, "คณะที่ 2", (rules.Member(2, "นายสอง"), shared)),
    }
    schools = {
        1: rules.SchoolInfo(1, "1034290001", "ก", 15.25, 104.85),
        2: rules.SchoolInfo(2, "1034290002", "ข", 15.26, 104.86),
        3: rules.SchoolInfo(3, "1034290003", "ค", 15.27, 104.87),
        4: rules.SchoolInfo(4, "1034290004", "ง (ไกล)", 16.3, 105.6),
    }
    return rules.RoundData(
        info, committees, schools, tuple(centres or targets), tuple(centres), tuple(visits), (10, 20)
    )


def V(i, c, s, d, session=1, order=1):
    return rules.Visit(i, c, s, d, session, order)


def codes(d):
    return {c.code for c in rules.check(d)}


def clean_plan():
    return [V(1, 20, 1, D(2020, 8, 3)), V(2, 20, 2, D(2020, 8, 3), order=2), V(3, 20, 3, D(2020, 8, 4))]


def test_a_clean_plan_has_no_conflicts():
    assert rules.check(data(clean_plan())) == []


def test_every_conflict_explains_itself_in_thai_and_english():
    d = data([V(1, 10, 3, D(2020, 8, 12)), V(2, 99, 4, D(2020, 9, 1))], targets=(1, 3))
    found = rules.check(d)
    assert found and all(c.message_th and c.message_en and c.severity in ("error", "warning") for c in found)
    assert found[0].severity == "error"  # errors first


def test_date_outside_round_and_not_counted_day():
    found = rules.check(data([V(1, 20, 1, D(2020, 9, 1)), V(2, 20, 2, D(2020, 8, 12)), V(3, 20, 3, D(2020, 8, 8))]))
    by_code = {}
    for c in found:
        by_code.setdefault(c.code, []).append(c)
    assert len(by_code["date_outside_round"]) == 1
    assert len(by_code["not_counted_day"]) == 2
    assert any("วันแม่" in c.message_th for c in by_code["not_counted_day"])
    assert any(c.objects["date"] == "2020-08-08" and "weekend" in c.message_en for c in by_code["not_counted_day"])
    # dates in messages are Buddhist Era, as people read them; the objects keep the ISO date for programs
    weekend = next(c for c in by_code["not_counted_day"] if c.objects["date"] == "2020-08-08")
    assert "8 สิงหาคม 2563" in weekend.message_th and "08/08/2563" in weekend.message_en
    assert "2020-08-08" not in weekend.message_th + weekend.message_en


def test_over_capacity():
    visits = [V(1, 20, 1, D(2020, 8, 3)), V(2, 20, 2, D(2020, 8, 3), order=2), V(3, 20, 3, D(2020, 8, 3), order=3)]
    c = next(c for c in rules.check(data(visits)) if c.code == "over_capacity")
    assert c.severity == "error" and sorted(c.objects["assignments"]) == [1, 2, 3]


def test_person_on_two_committees_at_two_places():
    visits = [V(1, 10, 1, D(2020, 8, 3)), V(2, 20, 2, D(2020, 8, 3)), V(3, 20, 3, D(2020, 8, 4))]
    c = next(c for c in rules.check(data(visits)) if c.code == "person_double_booked")
    assert c.objects["person"] == 100 and "นายร่วม" in c.message_th


def test_same_school_together_is_not_double_booking():
    visits = [
        V(1, 10, 1, D(2020, 8, 3)),
        V(2, 20, 1, D(2020, 8, 3)),
        V(3, 20, 2, D(2020, 8, 4)),
        V(4, 20, 3, D(2020, 8, 5)),
    ]
    assert "person_double_booked" not in codes(data(visits))


def test_conflict_of_interest():
    visits = [V(1, 20, 1, D(2020, 8, 3)), V(2, 20, 2, D(2020, 8, 4)), V(3, 10, 3, D(2020, 8, 5))]
    c = next(c for c in rules.check(data(visits)) if c.code == "conflict_of_interest")
    assert c.objects == {"assignments": [3], "person": 1, "committee": 10, "school": "1034290003"}


def test_coverage_missing_excess_and_not_in_target():
    visits = [V(1, 20, 1, D(2020, 8, 3)), V(2, 20, 1, D(2020, 8, 4)), V(3, 20, 4, D(2020, 8, 5))]
    found = {c.code: c for c in rules.check(data(visits))}
    assert found["coverage_missing"].severity == "error"
    assert found["coverage_excess"].severity == "warning" and found["coverage_excess"].objects["visits"] == 2
    assert found["school_not_in_target"].objects["school"] == "1034290004"


def test_committee_not_in_round():
    assert "committee_not_in_round" in codes(data([*clean_plan(), V(9, 99, 1, D(2020, 8, 5))]))


def test_consecutive_schools_too_far_apart():
    visits = [
        V(1, 20, 1, D(2020, 8, 3)),
        V(2, 20, 4, D(2020, 8, 3), order=2),
        V(3, 20, 2, D(2020, 8, 4)),
        V(4, 20, 3, D(2020, 8, 5)),
    ]
    c = next(c for c in rules.check(data(visits, targets=(1, 2, 3, 4))) if c.code == "leg_too_far")
    assert c.objects["km"] > 50 and c.severity == "warning"


def test_exam_centre_uncovered_two_centres_and_not_a_centre():
    visits = [
        V(1, 20, 1, D(2020, 2, 1), session=1),
        V(2, 20, 2, D(2020, 2, 1), session=1),
        V(3, 20, 3, D(2020, 2, 1), session=2),
    ]
    found = rules.check(data(visits, exam=True, centres=(1, 2)))
    got = {c.code for c in found}
    assert {"centre_uncovered", "committee_two_centres", "not_an_exam_centre"} <= got
    uncovered = {(c.objects["school"], c.objects["session"]) for c in found if c.code == "centre_uncovered"}
    assert uncovered == {("1034290001", "afternoon"), ("1034290002", "afternoon")}


def test_every_code_is_covered_by_these_tests():
    seen = set()
    scenarios = [
        data([V(1, 20, 1, D(2020, 9, 1)), V(2, 20, 2, D(2020, 8, 12))]),
        data([V(1, 20, 1, D(2020, 8, 3)), V(2, 20, 2, D(2020, 8, 3), order=2), V(3, 20, 3, D(2020, 8, 3), order=3)]),
        data([V(1, 10, 1, D(2020, 8, 3)), V(2, 20, 2, D(2020, 8, 3)), V(3, 10, 3, D(2020, 8, 4))]),
        data(
            [
                V(1, 20, 1, D(2020, 8, 3)),
                V(2, 20, 1, D(2020, 8, 4)),
                V(3, 20, 4, D(2020, 8, 3), order=2),
                V(9, 99, 1, D(2020, 8, 5)),
            ]
        ),
        data(
            [V(1, 20, 1, D(2020, 2, 1)), V(2, 20, 2, D(2020, 2, 1)), V(3, 20, 3, D(2020, 2, 1), session=2)],
            exam=True,
            centres=(1, 2),
        ),
    ]
    scenarios.append(elsewhere_data())
    scenarios.append(data([V(1, 10, 1, D(2020, 8, 3)), V(2, 20, 1, D(2020, 8, 3))]))
    for d in scenarios:
        seen |= codes(d)
    assert seen == set(rules.CODES)


def elsewhere_data():
    """นายสอง (committee 2) visits school 1 on 3 Aug, and is booked in another round's morning that day."""
    booking = rules.Booking(2, "นายสอง", D(2020, 8, 3), datetime.time(9), datetime.time(12), "ตรวจความพร้อม", "ง", 77)
    return dataclasses.replace(data([V(1, 20, 1, D(2020, 8, 3))]), elsewhere=(booking,))


def test_a_person_booked_in_another_round_at_the_same_time_is_an_error():
    found = [c for c in rules.check(elsewhere_data()) if c.code == "person_booked_elsewhere"]
    assert len(found) == 1 and found[0].severity == rules.ERROR
    assert found[0].objects["other_assignments"] == [77] and found[0].objects["person"] == 2
    assert "3 สิงหาคม 2563" in found[0].message_th and "ตรวจความพร้อม" in found[0].message_th
    assert "03/08/2563" in found[0].message_en  # Buddhist Era in English too
    # a booking that ends before the session starts is no conflict
    late = dataclasses.replace(elsewhere_data().elsewhere[0], start=datetime.time(6), end=datetime.time(8))
    assert "person_booked_elsewhere" not in codes(dataclasses.replace(elsewhere_data(), elsewhere=(late,)))


def test_a_school_never_gets_two_visits_on_one_day():
    d = dataclasses.replace(data([V(1, 10, 1, D(2020, 8, 3)), V(2, 20, 1, D(2020, 8, 3))]), targets=(1,))
    twice = [c for c in rules.check(d) if c.code == "school_twice_a_day"]
    assert len(twice) == 1 and twice[0].objects["assignments"] == [1, 2]


def test_every_tie_to_a_school_is_a_conflict_of_interest():
    """A member who directs school 1 and sits on school 2's board, recorded as staff of school 3."""
    d = data([V(1, 30, 1, D(2020, 8, 3)), V(2, 30, 2, D(2020, 8, 4)), V(3, 30, 3, D(2020, 8, 5))])
    tied = rules.Member(5, "นายผูก หลายโรง", school_id=3, ties=frozenset({1, 2}))
    d = dataclasses.replace(
        d, committees={**d.committees, 30: rules.CommitteeInfo(30, "คณะที่ 3", (tied,))}, round_committees=(10, 20, 30)
    )
    found = [c for c in rules.check(d) if c.code == "conflict_of_interest"]
    assert sorted(c.objects["school"] for c in found) == ["1034290001", "1034290002", "1034290003"]


def test_total_km_runs_from_the_office_and_back():
    d = data(clean_plan())
    one_day = rules.route_km(d, [1, 2])
    assert one_day > 0
    assert rules.total_km(d) == one_day + rules.route_km(d, [3])
    assert dataclasses.replace(d, visits=()).visits == ()
