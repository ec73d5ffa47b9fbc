"""Follow-ups: made from recommendations when a visit is approved, worked by the school, verified by the office."""

import datetime

import pytest
from django.utils import timezone

from visits.errors import InvalidTransition, NotFound
from visits.followups import followup_create_from_recommendation, followup_update, followups_from_visit
from visits.models import FollowUp
from visits.selectors import open_followups_for_school
from visits.workflow import visit_transition


@pytest.fixture
def approved(actors, make_visit):
    visit = make_visit(
        status="submitted", recommendations=["ควรจัดทำแผนพัฒนานักเรียนที่มีผลการเรียน 0 ร มส มผ", "ควรนิเทศภายในทุกเดือน"]
    )
    return visit_transition(visit_id=visit.pk, to="approved", user=actors.alice.user)


def test_approval_turns_recommendations_into_open_followups(actors, approved):
    fus = list(FollowUp.objects.filter(source_visit=approved).order_by("recommendation_index"))
    assert [fu.recommendation_index for fu in fus] == [0, 1]
    assert fus[0].recommendation.startswith("ควรจัดทำแผน") and fus[0].school == actors.school_a
    assert all(fu.status == "open" and fu.owner == actors.dana for fu in fus)
    assert fus[0].due_date == timezone.localdate(approved.approved_at) + datetime.timedelta(days=60)
    # idempotent: doing it again makes nothing new
    followups_from_visit(visit=approved, user=actors.alice.user)
    again = followup_create_from_recommendation(visit=approved, index=1, user=actors.cora.user)
    assert again == fus[1] and FollowUp.objects.count() == 2
    assert list(open_followups_for_school(actors.school_a)) == fus


def test_lifecycle_school_works_office_verifies(actors, approved):
    fu = FollowUp.objects.filter(source_visit=approved).first()
    dana, cora = actors.dana.user, actors.cora.user
    fu = followup_update(followup_id=fu.pk, user=dana, status="in_progress", notes="ประชุมครูแล้ว")
    assert fu.status == "in_progress" and fu.notes == "ประชุมครูแล้ว"
    fu = followup_update(followup_id=fu.pk, user=dana, status="done")
    assert fu.done_at is not None
    with pytest.raises(InvalidTransition) as info:
        followup_update(followup_id=fu.pk, user=dana, status="verified")
    assert info.value.code == "wrong_role"
    fu = followup_update(followup_id=fu.pk, user=cora, status="verified")
    assert fu.status == "verified" and fu.verified_by == cora and fu.verified_at
    assert fu not in open_followups_for_school(actors.school_a)
    assert [h.status for h in fu.history.all()] == ["verified", "done", "in_progress", "open"]


def test_illegal_followup_moves(actors, approved):
    fu = FollowUp.objects.filter(source_visit=approved).first()
    with pytest.raises(InvalidTransition) as info:
        followup_update(followup_id=fu.pk, user=actors.cora.user, status="verified")
    assert info.value.code == "not_allowed"
    with pytest.raises(InvalidTransition):  # bob sees it (his committee raised it) but does not own it
        followup_update(followup_id=fu.pk, user=actors.bob.user, status="in_progress")
    with pytest.raises(NotFound):  # another committee, not assigned to this school in this test
        followup_update(followup_id=fu.pk, user=actors.charlie.user, status="in_progress")


def test_office_can_send_done_back_with_a_comment(actors, approved):
    fu = FollowUp.objects.filter(source_visit=approved).first()
    with pytest.raises(InvalidTransition) as info:  # an answer says or shows what was done
        followup_update(followup_id=fu.pk, user=actors.dana.user, status="done")
    assert info.value.code == "answer_required"
    followup_update(followup_id=fu.pk, user=actors.dana.user, status="done", notes="จัดทำแผนแล้ว")
    with pytest.raises(InvalidTransition) as info:
        followup_update(followup_id=fu.pk, user=actors.oscar.user, status="in_progress")
    assert info.value.code == "comment_required"
    fu = followup_update(followup_id=fu.pk, user=actors.oscar.user, status="in_progress", comment="หลักฐานไม่ครบ")
    assert fu.status == "in_progress" and fu.done_at is None
    assert list(fu.transitions.values_list("to_status", "comment")) == [("done", ""), ("in_progress", "หลักฐานไม่ครบ")]


def test_followup_evidence_checked_by_content(actors, approved, settings):
    from tests.visits.test_evidence import PDF_BYTES
    from visits.errors import EvidenceTooLarge, EvidenceTypeRejected

    fu = FollowUp.objects.filter(source_visit=approved).first()
    fu = followup_update(followup_id=fu.pk, user=actors.dana.user, evidence=PDF_BYTES)
    assert fu.evidence.name.endswith(".pdf") and fu.evidence.read() == PDF_BYTES
    with pytest.raises(EvidenceTypeRejected):
        followup_update(followup_id=fu.pk, user=actors.dana.user, evidence=b"MZ\x90\x00 not a document")
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(EvidenceTooLarge):
        followup_update(followup_id=fu.pk, user=actors.dana.user, evidence=PDF_BYTES)
