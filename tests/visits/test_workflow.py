"""The review workflow: every (from, to) pair by every actor, plus comments, completeness and the log."""

import pytest

from visits.errors import InvalidTransition, NotFound, StaleVersion
from visits.models import Visit, VisitTransition
from visits.services import visit_save
from visits.workflow import TRANSITIONS, allowed_transitions, check_transition, visit_transition

S = Visit.Status
ACTORS = ["alice", "bob", "charlie", "dana", "cora", "oscar"]
# Who may make each legal move on a visit of committee A at school_a (alice chairs A, bob sits on A,
# dana directs school_a, cora coordinates the office).
ALLOWED = {
    (S.DRAFT, S.SUBMITTED): {"alice", "bob", "cora"},
    (S.RETURNED, S.SUBMITTED): {"alice", "bob", "cora"},
    (S.SUBMITTED, S.RETURNED): {"alice", "cora"},
    (S.SUBMITTED, S.APPROVED): {"alice", "cora"},
    (S.APPROVED, S.ACKNOWLEDGED): {"dana"},
}


def _sees(actor: str, status: str) -> bool:
    if actor == "charlie":
        return False
    if actor == "dana":
        return status in (S.APPROVED, S.ACKNOWLEDGED)
    return True


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("frm,to", [(a, b) for a in S.values for b in S.values if a != b])
def test_transition_matrix(actors, make_visit, frm, to, actor):
    visit = make_visit(status=frm)
    user = getattr(actors, actor).user
    expected_ok = actor in ALLOWED.get((frm, to), set())
    if not _sees(actor, frm):
        with pytest.raises(NotFound):
            visit_transition(visit_id=visit.pk, to=to, user=user, comment="เหตุผล")
    elif expected_ok:
        result = visit_transition(visit_id=visit.pk, to=to, user=user, comment="เหตุผล")
        assert result.status == to and result.version == visit.version + 1
        log = VisitTransition.objects.get(visit=visit)
        assert (log.from_status, log.to_status, log.by, log.comment) == (frm, to, user, "เหตุผล")
    else:
        with pytest.raises(InvalidTransition) as info:
            visit_transition(visit_id=visit.pk, to=to, user=user, comment="เหตุผล")
        assert info.value.code == ("not_allowed" if (frm, to) not in TRANSITIONS else "wrong_role")
        assert info.value.message_th and info.value.message_en
        visit.refresh_from_db()
        assert visit.status == frm and not VisitTransition.objects.filter(visit=visit).exists()


def test_return_requires_a_comment(actors, make_visit):
    visit = make_visit(status=S.SUBMITTED)
    with pytest.raises(InvalidTransition) as info:
        visit_transition(visit_id=visit.pk, to=S.RETURNED, user=actors.alice.user, comment="   ")
    assert info.value.code == "comment_required"
    assert "เหตุผล" in info.value.message_th and "comment" in info.value.message_en


def test_acknowledge_requires_the_school_response_and_stores_it(actors, make_visit):
    visit = make_visit(status=S.APPROVED)
    with pytest.raises(InvalidTransition) as info:
        visit_transition(visit_id=visit.pk, to=S.ACKNOWLEDGED, user=actors.dana.user)
    assert info.value.code == "response_required"
    done = visit_transition(
        visit_id=visit.pk, to=S.ACKNOWLEDGED, user=actors.dana.user, comment="โรงเรียนจะดำเนินการตามข้อเสนอแนะ"
    )
    assert done.school_response == "โรงเรียนจะดำเนินการตามข้อเสนอแนะ"
    assert done.acknowledged_by == actors.dana.user and done.acknowledged_at


def test_submit_needs_required_answers_and_listed_photos(actors, make_visit):
    visit = make_visit(complete=False)
    with pytest.raises(InvalidTransition) as info:
        visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    assert info.value.code == "incomplete"
    assert info.value.extra["missing"] == ["R1", "Y1", "R2"]


def test_full_round_trip_is_logged_in_order(actors, make_visit):
    visit = make_visit()
    visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    visit_transition(visit_id=visit.pk, to=S.RETURNED, user=actors.alice.user, comment="ขอภาพเพิ่ม")
    with pytest.raises(InvalidTransition) as unchanged:
        visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    assert unchanged.value.code == "unchanged_since_return"
    visit_save(visit_id=visit.pk, user=actors.bob.user, data={"findings": {"to_improve": "เพิ่มภาพกิจกรรม"}})
    visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    visit_transition(visit_id=visit.pk, to=S.APPROVED, user=actors.cora.user)
    final = visit_transition(visit_id=visit.pk, to=S.ACKNOWLEDGED, user=actors.dana.user, comment="รับทราบ")
    log = list(VisitTransition.objects.filter(visit=visit).values_list("from_status", "to_status", "by__username"))
    assert log == [
        ("draft", "submitted", "bob"),
        ("submitted", "returned", "alice"),
        ("returned", "submitted", "bob"),
        ("submitted", "approved", "cora"),
        ("approved", "acknowledged", "dana"),
    ]
    assert final.version == 7 and final.approved_by == actors.cora.user and final.submitted_at
    # field history: the creation plus one record per move, newest first
    assert list(final.history.values_list("status", flat=True)) == [
        "acknowledged",
        "approved",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "draft",
    ]


def test_stale_version_is_refused_and_nothing_changes(actors, make_visit):
    visit = make_visit()
    with pytest.raises(StaleVersion) as info:
        visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user, expected_version=visit.version + 3)
    assert info.value.extra["current_version"] == visit.version
    assert Visit.objects.get(pk=visit.pk).status == S.DRAFT


def test_log_is_append_only(actors, make_visit):
    visit = make_visit()
    visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    entry = VisitTransition.objects.get(visit=visit)
    entry.comment = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    with pytest.raises(Exception, match="append-only"):
        entry.delete()


def test_check_transition_is_pure_and_explains(make_visit):
    visit = make_visit(status=S.SUBMITTED)
    assert check_transition(visit, S.APPROVED, frozenset({"chair"})) is None
    refusal = check_transition(visit, S.APPROVED, frozenset({"member"}))
    assert refusal.code == "wrong_role" and "ประธาน" in refusal.message_th
    assert check_transition(visit, S.DRAFT, frozenset({"coordinator"})).code == "not_allowed"


def test_a_move_that_loses_the_race_writes_nothing(actors, make_visit, monkeypatch):
    """Another request commits between our read and our claim: the conditional UPDATE matches no row, so
    there is no second log entry and no double approval."""
    from django.db.models import F

    from visits import workflow

    visit = make_visit(status=S.SUBMITTED)
    real_check = workflow.check_transition

    def check_then_someone_else_approves(*args, **kwargs):
        result = real_check(*args, **kwargs)
        Visit.objects.filter(pk=visit.pk).update(status=S.APPROVED, version=F("version") + 1)
        return result

    monkeypatch.setattr(workflow, "check_transition", check_then_someone_else_approves)
    with pytest.raises(StaleVersion):
        visit_transition(visit_id=visit.pk, to=S.APPROVED, user=actors.alice.user)
    assert not VisitTransition.objects.filter(visit=visit).exists()


def test_allowed_transitions_per_actor(actors, make_visit):
    from visits.workflow import allowed_transitions

    visit = make_visit(status=S.SUBMITTED)
    assert sorted(allowed_transitions(visit, actors.alice.user)) == ["approved", "returned"]
    assert allowed_transitions(visit, actors.bob.user) == []


def test_submitting_takes_a_bounded_number_of_queries(actors, make_visit, django_assert_max_num_queries):
    visit = make_visit()
    # 20 for the visit itself, +1 for the files it lists (all arrived?), +1 for marking its assignment done
    with django_assert_max_num_queries(22):
        visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)


def test_submitting_marks_the_assignment_done_once(actors, make_visit):
    visit = make_visit()
    assignment = visit.assignment
    before = assignment.sequence
    visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    assignment.refresh_from_db()
    assert assignment.status == "done" and assignment.sequence == before + 1
    # returned and submitted again: still done, the calendar sequence does not move again
    visit_transition(visit_id=visit.pk, to=S.RETURNED, user=actors.alice.user, comment="แนบรูปเพิ่ม")
    visit_save(visit_id=visit.pk, user=actors.bob.user, data={"findings": {"strengths": "แก้ไขแล้ว"}})
    visit_transition(visit_id=visit.pk, to=S.SUBMITTED, user=actors.bob.user)
    assignment.refresh_from_db()
    assert assignment.status == "done" and assignment.sequence == before + 1


def test_four_eyes_the_author_cannot_approve_their_own_visit(actors, make_visit, client_for):
    """Alice chairs committee A. A visit she recorded, or one she submitted, is approved by someone else."""
    recorded = make_visit(created_by=actors.alice.user)
    alice = client_for(actors.alice)
    assert (
        alice.post(f"/api/v1/visits/{recorded.pk}/transitions/", {"to": "submitted"}, format="json").status_code == 200
    )
    refused = alice.post(f"/api/v1/visits/{recorded.pk}/transitions/", {"to": "approved"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "four_eyes"
    assert Visit.objects.get(pk=recorded.pk).status == S.SUBMITTED
    assert "approved" not in allowed_transitions(Visit.objects.get(pk=recorded.pk), actors.alice.user)
    # Recorded by bob, submitted by alice: she is its author too.
    submitted_by_her = make_visit(created_by=actors.bob.user)
    visit_transition(visit_id=submitted_by_her.pk, to=S.SUBMITTED, user=actors.alice.user)
    with pytest.raises(InvalidTransition) as info:
        visit_transition(visit_id=submitted_by_her.pk, to=S.APPROVED, user=actors.alice.user)
    assert info.value.code == "four_eyes" and "another person" in info.value.message_en
    # A coordinator who is not the author approves; so does the chair a visit someone else wrote and sent.
    assert visit_transition(visit_id=recorded.pk, to=S.APPROVED, user=actors.cora.user).status == S.APPROVED
    others = make_visit(created_by=actors.bob.user)
    visit_transition(visit_id=others.pk, to=S.SUBMITTED, user=actors.bob.user)
    assert visit_transition(visit_id=others.pk, to=S.APPROVED, user=actors.alice.user).status == S.APPROVED
