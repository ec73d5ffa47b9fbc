from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tests import factories as f


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Login throttling counts in the cache; every test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def field(actors):
    """A round of the office with the factories' published instrument and one assignment per committee:
    committee A (alice chair, bob member) → school_a (dana directs it); committee B (charlie) → school_b."""
    version = f.InstrumentVersionFactory()
    rnd = f.RoundFactory(
        office=actors.office, instrument=version, slug="aug-test", committees=[actors.committee_a, actors.committee_b]
    )
    asg_a = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)
    asg_b = f.AssignmentFactory(round=rnd, committee=actors.committee_b, school=actors.school_b)
    items = {i.code: i for i in version.items.all()}
    return SimpleNamespace(version=version, round=rnd, asg_a=asg_a, asg_b=asg_b, items=items)


def visit_body(field, assignment=None, **extra):
    """A complete visit body for the factories' instrument (all required items answered)."""
    items = field.items
    body = {
        "assignment": (assignment or field.asg_a).pk,
        "answers": [
            {"item": items["R1"].pk, "value": 3},
            {"item": items["Y1"].pk, "value": True},
            {"item": items["R2"].pk, "value": 4},
        ],
        "findings": {"strengths": "ครูใช้สื่อหลากหลาย", "to_improve": "การวัดผล", "recommendations": ["จัดทำแผนพัฒนาการวัดผล"]},
        "check_in": {"at": "2020-08-03T09:00:00+07:00", "lat": 15.0001, "lon": 104.6001, "accuracy": 8},
    }
    body.update(extra)
    return body
