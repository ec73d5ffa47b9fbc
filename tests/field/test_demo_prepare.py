"""The demo supervisor (whose rounds all lie in 2563) has visits to prepare for offline: prepare goes by round
and state, not only by date — the returned visit comes with the chair's comment, nothing submitted or
approved is offered for editing, and each assignment carries what a visit needs."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_demo_supervisor_has_visits_to_prepare(demo_module):
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor"))
    brief = client.get("/api/v1/field/prepare/").json()
    assignments = brief["assignments"]
    assert assignments, "the demo supervisor has nothing to prepare"
    assert all(a["date"].startswith("2020-") for a in assignments)  # 2563: a date-only choice would find none
    offered = {brief["visits"][a["visit"]]["status"] for a in assignments if a["visit"]}
    assert offered <= {"draft", "returned"} and "returned" in offered
    [returned] = [a for a in assignments if a["visit"] and brief["visits"][a["visit"]]["status"] == "returned"]
    as_returned = returned["returned"]
    assert as_returned["comment"] and as_returned["version"] == brief["visits"][returned["visit"]]["version"]
    for a in assignments:
        assert a["school"]["name_th"] and "director" in a["school"] and "map_url" in a["school"]
        assert str(a["instrument_version"]) in brief["instruments"] and a["committee"]["members"]
        assert "open_followups" in a and "last_visit" in a
