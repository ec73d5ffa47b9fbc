import datetime
import itertools

import pytest

from tests import factories as f
from visits.models import Answer


@pytest.fixture
def aug_round(actors):
    """A round of the actors' office with the default published instrument."""
    return f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory())


@pytest.fixture
def make_visit(actors, aug_round):
    """make_visit(committee=A, school=school_a, status="draft", complete=True) -> a visit of `aug_round`."""

    made = itertools.count()

    def make(committee=None, school=None, status="draft", complete=True, created_by=None, **kwargs):
        committee = committee or actors.committee_a
        school = school or actors.school_a
        day = aug_round.start_date + datetime.timedelta(days=next(made))
        assignment = f.AssignmentFactory(round=aug_round, committee=committee, school=school, date=day)
        visit = f.VisitFactory(assignment=assignment, status=status, created_by=created_by, **kwargs)
        if complete:
            items = {i.code: i for i in visit.instrument_version.items.all()}
            for code, value in {"R1": 3, "Y1": True, "R2": 4}.items():
                Answer.objects.create(visit=visit, item=items[code], value=value)
            f.EvidenceFactory(visit=visit, item=items["Y1"], uploaded=True)  # a visit is submitted with its files
        return visit

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
