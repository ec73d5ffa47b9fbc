"""The one access rule per kind: who sees which visit and follow-up."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import factories as f
from visits.models import FollowUp
from visits.selectors import followups_for_user, open_followups_for_school, visits_for_user


@pytest.fixture
def world(actors, make_visit):
    v = {
        "a_draft": make_visit(committee=actors.committee_a, school=actors.school_a, status="draft"),
        "a_submitted": make_visit(committee=actors.committee_a, school=actors.school_b, status="submitted"),
        "a_approved": make_visit(committee=actors.committee_a, school=actors.school_a, status="approved"),
        "b_approved": make_visit(committee=actors.committee_b, school=actors.school_a, status="acknowledged"),
        "b_draft": make_visit(committee=actors.committee_b, school=actors.school_b, status="draft"),
    }
    other_office = f.AreaOfficeFactory(code="SEC99")
    other_round = f.RoundFactory(office=other_office, instrument=f.InstrumentVersionFactory())
    v["elsewhere"] = f.VisitFactory(assignment=f.AssignmentFactory(round=other_round), status="approved")
    return v


EXPECTED = {
    "alice": {"a_draft", "a_submitted", "a_approved"},
    "bob": {"a_draft", "a_submitted", "a_approved"},
    "charlie": {"b_approved", "b_draft"},
    "dana": {"a_approved", "b_approved"},
    "cora": {"a_draft", "a_submitted", "a_approved", "b_approved", "b_draft"},
    "oscar": {"a_draft", "a_submitted", "a_approved", "b_approved", "b_draft"},
}


@pytest.mark.parametrize("actor", EXPECTED)
def test_visits_for_user(actors, world, actor, django_assert_max_num_queries):
    user = getattr(actors, actor).user
    names = {str(v.pk): k for k, v in world.items()}
    # roles, the person's offices (2), then one query for the rows — however many rows there are
    with django_assert_max_num_queries(4):
        seen = {names[str(pk)] for pk in visits_for_user(user).values_list("pk", flat=True)}
    assert seen == EXPECTED[actor]


def test_anonymous_sees_nothing(world):
    assert not visits_for_user(AnonymousUser()).exists()
    assert not followups_for_user(AnonymousUser()).exists()
    assert not visits_for_user(None).exists()


def test_recorder_sees_an_ad_hoc_visit_without_committee(actors, aug_round):
    visit = f.VisitFactory(
        assignment=None, round=aug_round, school=actors.school_b, committee=None, created_by=actors.charlie.user
    )
    assert visits_for_user(actors.charlie.user).filter(pk=visit.pk).exists()
    assert not visits_for_user(actors.bob.user).filter(pk=visit.pk).exists()


def test_followups_for_user(actors, world):
    from_approved = f.FollowUpFactory(school=actors.school_a, source_visit=world["a_approved"], recommendation_index=0)
    from_unapproved = f.FollowUpFactory(
        school=actors.school_b, source_visit=world["a_submitted"], recommendation_index=0
    )
    of_b_school = f.FollowUpFactory(school=actors.school_b, source_visit=world["b_draft"], recommendation_index=0)
    elsewhere = f.FollowUpFactory(school=world["elsewhere"].school)

    def seen(actor):
        return set(followups_for_user(getattr(actors, actor).user))

    assert seen("dana") == {from_approved}  # her school, approved source only
    assert seen("alice") == {from_approved, from_unapproved}  # raised by committee A
    # charlie: raised by committee B, and settled ones of schools B is assigned to (school_a via b_approved)
    assert seen("charlie") == {of_b_school, from_approved}
    assert seen("cora") == seen("oscar") == {from_approved, from_unapproved, of_b_school}
    assert elsewhere not in seen("cora")


def test_open_followups_for_school_lists_open_and_in_progress(actors):
    open_ = f.FollowUpFactory(school=actors.school_a, status=FollowUp.Status.OPEN)
    going = f.FollowUpFactory(school=actors.school_a, status=FollowUp.Status.IN_PROGRESS)
    f.FollowUpFactory(school=actors.school_a, status=FollowUp.Status.DONE)
    f.FollowUpFactory(school=actors.school_a, status=FollowUp.Status.VERIFIED)
    f.FollowUpFactory(school=actors.school_b)
    assert set(open_followups_for_school(actors.school_a)) == {open_, going}
