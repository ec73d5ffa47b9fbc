import uuid

import pytest

from tests import factories as f
from visits import services, workflow
from visits.errors import StaleVersion, VisitLocked
from visits.models import Answer, Visit


@pytest.fixture
def assignment(actors):
    version = f.InstrumentVersionFactory()
    rnd = f.RoundFactory(office=actors.office, instrument=version)
    return f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)


def test_visit_save_creates_updates_and_is_idempotent(actors, assignment):
    vid = uuid.uuid4()
    data = {"assignment": assignment.pk, "answers": [{"item": "R1", "value": 4}, {"item": "Y1", "value": True}],
            "findings": {"strengths": "ดี", "recommendations": ["ควรพัฒนา"]}}
    r1 = services.visit_save(visit_id=vid, user=actors.bob.user, data=data)
    assert r1.created and r1.visit.version == 1
    r2 = services.visit_save(visit_id=vid, user=actors.bob.user, data=data, expected_version=1)
    assert not r2.changed and r2.visit.version == 1
    assert Visit.objects.count() == 1 and Answer.objects.count() == 2
    r3 = services.visit_save(visit_id=vid, user=actors.bob.user, data={"answers": [{"item": "R1", "value": 2}]},
                             expected_version=1)
    assert r3.changed and r3.visit.version == 2
    with pytest.raises(StaleVersion):
        services.visit_save(visit_id=vid, user=actors.bob.user, data={"answers": [{"item": "R1", "value": 3}]},
                            expected_version=1)


def test_submit_then_locked(actors, assignment):
    vid = uuid.uuid4()
    data = {"assignment": assignment.pk, "answers": [{"item": "R1", "value": 4}, {"item": "Y1", "value": True},
                                                     {"item": "R2", "value": 5}]}
    services.visit_save(visit_id=vid, user=actors.bob.user, data=data)
    services.evidence_declare(visit_id=vid, user=actors.bob.user, evidence_id=uuid.uuid4(), sha256="a" * 64,
                              size=10, item="Y1")
    v = workflow.visit_transition(visit_id=vid, to="submitted", user=actors.bob.user)
    assert v.status == "submitted" and v.version == 2
    with pytest.raises(VisitLocked):
        services.visit_save(visit_id=vid, user=actors.bob.user, data={"answers": [{"item": "R1", "value": 1}]})
    v = workflow.visit_transition(visit_id=vid, to="approved", user=actors.alice.user)
    assert v.status == "approved"
