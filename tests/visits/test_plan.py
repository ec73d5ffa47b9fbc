"""The one decision of a visit write (`visits.plan.plan_visit_write`), used by `visit_save` and by the sync
batch alike: pure — given the stored state read beforehand, it decides access, identity, change, stale
version and score without one query, and saves nothing."""

import pytest

from visits.errors import Forbidden, InvalidInput, StaleVersion, VisitLocked
from visits.models import Answer, Section, Visit
from visits.plan import Stored, plan_visit_write

pytestmark = pytest.mark.django_db


def _stored(visit, *, may_write=True) -> Stored:
    """What both writers read before they plan (visits.services.visit_save, visits.sync._plan)."""
    version = visit.instrument_version
    return Stored(
        visit=Visit.objects.select_related("school__office").get(pk=visit.pk),
        created=False,
        sections=list(Section.objects.filter(version=version).order_by("order")),
        items=list(version.items.order_by("section__order", "order")),
        may_write=may_write,
        answers={a.item_id: a for a in Answer.objects.filter(visit=visit)},
        members=set(visit.members_present.values_list("pk", flat=True)),
    )


def test_the_plan_decides_without_a_query_and_writes_nothing(make_visit, django_assert_num_queries):
    visit = make_visit()  # draft, R1 3 · Y1 yes · R2 4, version 1
    same = {"answers": [{"item": "R1", "value": 3}]}
    change = {"answers": [{"item": "R1", "value": 1, "note": "ยังไม่ใช้คำถามปลายเปิด"}], "findings": {"strengths": "ดี"}}
    stored = {name: _stored(visit) for name in ("same", "change", "stale")}
    locked = _stored(visit)
    locked.visit.status = Visit.Status.SUBMITTED
    outsider = _stored(visit, may_write=False)
    moved = _stored(visit)
    bad = _stored(visit)

    with django_assert_num_queries(0):
        unchanged = plan_visit_write(stored["same"], same, expected_version=99)  # the same content: any version
        plan = plan_visit_write(stored["change"], change, expected_version=1)
        with pytest.raises(StaleVersion):
            plan_visit_write(stored["stale"], change, expected_version=0)
        with pytest.raises(VisitLocked):
            plan_visit_write(locked, change)
        with pytest.raises(Forbidden):
            plan_visit_write(outsider, change)
        with pytest.raises(InvalidInput):
            plan_visit_write(moved, {**change, "assignment": visit.assignment_id + 1000})
        with pytest.raises(InvalidInput):
            plan_visit_write(bad, {"answers": [{"item": "R1", "value": 9}]})

    assert not unchanged.changed and unchanged.fields == [] and unchanged.base_version == 1
    assert plan.changed and plan.base_version == 1 and "strengths" in plan.fields and "score" in plan.fields
    [r1] = plan.update
    assert (r1.value, r1.note) == (1, "ยังไม่ใช้คำถามปลายเปิด")
    assert plan.visit.score < visit.score  # recomputed from the merged answers
    visit.refresh_from_db()  # and nothing was saved
    assert visit.version == 1 and visit.strengths != "ดี"
    assert Answer.objects.get(visit=visit, item=r1.item_id).value == 3
