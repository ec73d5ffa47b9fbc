"""`visits.plan.plan_visit_write`: the one decision of a visit write (shared by the form's save and the
tablet's batch) is made from what the writer read, with no query. Each case reads the stored state first, as
the writers do, then asserts that the decision itself runs no query and what it decides."""

import pytest

from tests import factories as f
from visits.errors import Forbidden, InvalidInput, StaleVersion, VisitLocked
from visits.models import Answer, Visit
from visits.plan import Stored, plan_visit_write
from visits.services import version_structure

pytestmark = pytest.mark.django_db


def _stored(visit_id, *, may_write=True) -> Stored:
    """What a writer reads before it decides (visits.services.visit_save reads the same)."""
    visit = Visit.objects.select_related("school__office", "assignment", "instrument_version").get(pk=visit_id)
    sections, items = version_structure(visit.instrument_version_id)
    return Stored(
        visit=visit,
        created=False,
        sections=sections,
        items=items,
        may_write=may_write,
        answers={a.item_id: a for a in Answer.objects.filter(visit=visit)},
        members=set(visit.members_present.values_list("pk", flat=True)),
    )


def _decide(stored, data, django_assert_num_queries, **kwargs):
    with django_assert_num_queries(0):
        return plan_visit_write(stored, data, **kwargs)


def test_the_same_answers_again_are_unchanged_whatever_version_is_quoted(make_visit, django_assert_num_queries):
    visit = make_visit()
    stored = _stored(visit.pk)
    plan = _decide(stored, {"answers": [{"item": "R1", "value": 3}]}, django_assert_num_queries, expected_version=99)
    assert not plan.changed and plan.create == [] and plan.update == []


def test_a_changed_answer_updates_it_and_rescores(make_visit, django_assert_num_queries):
    visit = make_visit()
    stored = _stored(visit.pk)
    plan = _decide(stored, {"answers": [{"item": "R1", "value": 1}]}, django_assert_num_queries)
    assert plan.changed and [a.value for a in plan.update] == [1] and plan.create == []
    assert "score" in plan.fields and plan.base_version == visit.version


def test_a_change_quoting_an_old_version_is_stale(make_visit, django_assert_num_queries):
    visit = make_visit()
    stored = _stored(visit.pk)
    with pytest.raises(StaleVersion):
        _decide(stored, {"answers": [{"item": "R1", "value": 1}]}, django_assert_num_queries, expected_version=0)


def test_a_change_to_a_submitted_visit_is_locked(make_visit, django_assert_num_queries):
    visit = make_visit(status="submitted")
    stored = _stored(visit.pk)
    with pytest.raises(VisitLocked):
        _decide(stored, {"answers": [{"item": "R1", "value": 1}]}, django_assert_num_queries)


def test_someone_who_may_not_edit_is_refused(make_visit, django_assert_num_queries):
    visit = make_visit()
    stored = _stored(visit.pk, may_write=False)
    with pytest.raises(Forbidden):
        _decide(stored, {"answers": [{"item": "R1", "value": 1}]}, django_assert_num_queries)


def test_moving_a_visit_to_another_school_is_refused_with_field_messages(make_visit, actors, django_assert_num_queries):
    visit = make_visit()
    stored = _stored(visit.pk)
    with pytest.raises(InvalidInput) as refused:
        _decide(stored, {"school": actors.school_b.pk}, django_assert_num_queries)
    assert set(refused.value.fields) == {"school"}


def test_a_bad_value_is_refused_by_item(make_visit, django_assert_num_queries):
    visit = make_visit()
    stored = _stored(visit.pk)
    with pytest.raises(InvalidInput) as refused:
        _decide(stored, {"answers": [{"item": "R1", "value": "ten"}]}, django_assert_num_queries)
    assert refused.value.fields


def test_members_present_must_be_people_of_the_office(make_visit, actors, django_assert_num_queries):
    visit = make_visit()
    outsider = f.PersonFactory()  # of another office
    stored = _stored(visit.pk)
    stored.people_office = {actors.alice.pk: actors.office.pk, outsider.pk: outsider.office_id}
    with pytest.raises(InvalidInput) as refused:
        _decide(stored, {"members_present": [actors.alice.pk, outsider.pk]}, django_assert_num_queries)
    assert "members_present" in refused.value.fields
    plan = _decide(stored, {"members_present": [actors.alice.pk]}, django_assert_num_queries)
    assert plan.changed and plan.members == {actors.alice.pk}
