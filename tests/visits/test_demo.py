"""The demo: instruments, and the first week of aug-2563 recorded through the services; loading twice
changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from schedules.models import Round
from tests.supervision.test_demo import _counts as _organisation_counts
from visits.models import FollowUp, Visit
from visits.selectors import visits_for_user


def _load() -> tuple[dict, str]:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("visits.demo:"))
    return dict(part.split("=") for part in line.split(": ", 1)[1].split(", ")), out.getvalue()


@pytest.mark.django_db
def test_demo_loads_twice_to_the_same_rows():
    """`load_demo` run twice (the one test that loads it for real twice; tests/demo_db.py shares one load)."""
    first, printed = _load()
    assert "coordinator" in printed  # the demo logins are printed
    counts = (Visit.objects.count(), FollowUp.objects.count(), Visit.history.count())
    organisation = _organisation_counts()
    second, _ = _load()
    assert _organisation_counts() == organisation
    assert {k: v for k, v in first.items() if k != "created"} == {k: v for k, v in second.items() if k != "created"}
    assert second["created"] == "0"
    assert (Visit.objects.count(), FollowUp.objects.count(), Visit.history.count()) == counts

    aug = Round.objects.get(slug="aug-2563")
    assert aug.instrument.items.count() == 21 and aug.instrument.sections.count() == 4
    assert Round.objects.get(slug="onet-m3-2562").instrument.items.count() == 17
    visits = Visit.objects.filter(round=aug)
    assert set(visits.values_list("status", flat=True)) >= {"approved", "submitted", "returned"}
    assert visits.filter(status="returned").count() == 1
    assert all(v.submitted_at.year == 2020 for v in visits.exclude(submitted_at=None))
    assert visits.filter(check_in_far=True).exists()

    User = get_user_model()
    chair_states = set(visits_for_user(User.objects.get(username="chair")).values_list("status", flat=True))
    assert {"approved", "submitted", "returned", "draft"} <= chair_states
    director_visits = visits_for_user(User.objects.get(username="school_director"))
    assert director_visits.filter(status="approved").exists()
    assert FollowUp.objects.filter(source_visit__round=aug).exclude(status="open").exists()
