"""Scores computed on every write, checked against numbers worked out by hand.

Default instrument (tests/factories/visits.py): section 1 [w 2]: R1 rating 1–4 [w 2], Y1 yes/no [w 1];
section 2 [w 1]: R2 rating 1–5 [w 1], C1 choice ดี 100 / พอใช้ 50 / ปรับปรุง 0 [w 1], N1 number, T1 text.
"""

import uuid

import pytest

from visits import services


@pytest.fixture
def save(actors, aug_round):
    assignment = __import__("tests.factories", fromlist=["AssignmentFactory"]).AssignmentFactory(
        round=aug_round, committee=actors.committee_a, school=actors.school_a
    )
    vid = uuid.uuid4()

    def do(answers, version=None):
        data = {"assignment": assignment.pk, "answers": [{"item": k, "value": v} for k, v in answers.items()]}
        return services.visit_save(visit_id=vid, user=actors.bob.user, data=data, expected_version=version).visit

    return do


def test_weighted_sections_and_overall(save):
    # R1=3 → 75 %, Y1=no → 0 %: section 1 = (2×75 + 1×0) / 3 = 50.
    # R2=4 → 80 %, C1=fair → 50 %: section 2 = (80 + 50) / 2 = 65.
    # overall = (2×50 + 1×65) / 3 = 55.
    visit = save({"R1": 3, "Y1": False, "R2": 4, "C1": "fair", "N1": 7, "T1": "ok"})
    assert [s["percent"] for s in visit.section_scores] == [50.0, 65.0]
    assert [s["scored_items"] for s in visit.section_scores] == [2, 2]
    assert visit.score == 55.0
    assert [f["code"] for f in visit.failed_items] == ["Y1"]  # 0 % fails; 50 % (C1) and 3 of 4 (R1) pass


def test_recomputed_on_every_write_and_unanswered_left_out(save):
    save({"R1": 4, "Y1": True, "R2": 5})
    # R1=2 → 50 %, Y1 yes → 100 %: section 1 = (2×50 + 100) / 3 = 66.67.
    # R2=2 → 40 %, C1 unanswered (left out): section 2 = 40.
    # overall = (2×66.67 + 40) / 3 = 57.78. R1=2 (≤ half of 4) and R2=2 (≤ half of 5) fail.
    visit = save({"R1": 2, "R2": 2}, version=1)
    assert [s["percent"] for s in visit.section_scores] == [66.67, 40.0]
    assert visit.score == 57.78
    assert [f["code"] for f in visit.failed_items] == ["R1", "R2"]


def test_no_scored_answers_means_no_score(save):
    visit = save({"N1": 3})
    assert visit.score is None and [s["percent"] for s in visit.section_scores] == [None, None]


def test_all_full_marks_is_100(save):
    visit = save({"R1": 4, "Y1": True, "R2": 5, "C1": "good"})
    assert visit.score == 100.0 and visit.failed_items == []
