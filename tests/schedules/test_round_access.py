"""The permission matrix for rounds and round reports: every named actor against every entry point that shows a
round (the round list and plan page, the API's rounds, the round report PDF), all answering the one rule
`schedules.selectors.rounds_for_user`.

Rounds of the office: `draft_a` (a draft of committee A, visiting school_a), `pub_a` (announced, A at
school_a), `pub_b` (announced, B at school_b only), `pub_cancelled` (announced, its visit at school_a
cancelled), `draft_k` (a draft of the ก.ต.ป.น. committee K); `foreign` belongs to another office.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from schedules.models import Assignment, Round
from schedules.selectors import round_reports_for_user, rounds_for_user
from supervision.access import committees_of, is_office_manager
from supervision.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

OFFICE = {"draft_a", "pub_a", "pub_b", "pub_cancelled", "draft_k"}
ANNOUNCED = {"pub_a", "pub_b", "pub_cancelled"}
ROUNDS = {
    "alice": OFFICE,
    "bob": OFFICE,
    "charlie": OFFICE,
    "kit": OFFICE,
    "cora": OFFICE,
    "oscar": OFFICE,
    "dana": {"pub_a"},
    "vera": ANNOUNCED,
    "stranger": {"foreign"},
    "anonymous": set(),
}
# The round report shows every school's results: a school's director alone does not get it.
REPORTS = {**ROUNDS, "dana": set()}
ACTORS = list(ROUNDS)


@pytest.fixture
def world(actors):
    a = actors
    S = Round.Status
    rounds = {
        "draft_a": f.RoundFactory(office=a.office, slug="draft-a", status=S.DRAFT, committees=[a.committee_a]),
        "pub_a": f.RoundFactory(office=a.office, slug="pub-a", status=S.PUBLISHED, committees=[a.committee_a]),
        "pub_b": f.RoundFactory(office=a.office, slug="pub-b", status=S.CLOSED, committees=[a.committee_b]),
        "pub_cancelled": f.RoundFactory(office=a.office, slug="pub-cancelled", status=S.PUBLISHED),
        "draft_k": f.RoundFactory(office=a.office, slug="draft-k", status=S.DRAFT, committees=[a.committee_k]),
    }
    f.AssignmentFactory(round=rounds["draft_a"], committee=a.committee_a, school=a.school_a)
    f.AssignmentFactory(round=rounds["pub_a"], committee=a.committee_a, school=a.school_a)
    f.AssignmentFactory(round=rounds["pub_b"], committee=a.committee_b, school=a.school_b)
    f.AssignmentFactory(
        round=rounds["pub_cancelled"],
        committee=a.committee_b,
        school=a.school_a,
        status=Assignment.Status.CANCELLED,
        status_reason="โรงเรียนปิดชั่วคราว",
    )
    other = f.AreaOfficeFactory(code="SEC99")
    rounds["foreign"] = f.RoundFactory(office=other, slug="foreign", status=S.PUBLISHED)
    stranger = f.PersonFactory(office=other, user=f.UserFactory(username="stranger", roles=[Role.COORDINATOR]))
    people = {name: getattr(a, name) for name in ACTORS if name not in ("stranger", "anonymous")}
    people["stranger"] = stranger
    return a, rounds, people


def _names(world, qs):
    _, rounds, _ = world
    by_pk = {r.pk: name for name, r in rounds.items()}
    return {by_pk[r.pk] for r in qs}


def _user(world, name):
    from django.contrib.auth.models import AnonymousUser

    _, _, people = world
    if name == "anonymous":
        return AnonymousUser()
    # A fresh user object, as a request has (no cached roles or offices).
    return type(people[name].user).objects.get(pk=people[name].user.pk)


@pytest.mark.parametrize("name", ACTORS)
def test_the_selector(world, name):
    assert _names(world, rounds_for_user(_user(world, name))) == ROUNDS[name]
    assert _names(world, round_reports_for_user(_user(world, name))) == REPORTS[name]


def test_superusers_see_every_round(world):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert _names(world, rounds_for_user(root)) == OFFICE | {"foreign"}


def test_the_selector_is_one_query(world, django_assert_num_queries):
    qs = rounds_for_user(_user(world, "dana"))  # the user's roles and offices are read while building it
    with django_assert_num_queries(1):
        list(qs)


@pytest.mark.parametrize("name", ACTORS)
def test_web_round_list_and_plan_page(world, name):
    _, rounds, people = world
    client = Client()
    if name != "anonymous":
        client.force_login(people[name].user)
    listing = client.get("/schedules/")
    if name == "anonymous":
        assert listing.status_code == 302
    else:
        body = listing.content.decode()
        assert {n for n, r in rounds.items() if f'href="/schedules/{r.slug}/"' in body} == ROUNDS[name]
    for round_name, r in rounds.items():
        status = client.get(f"/schedules/{r.slug}/").status_code
        expected = 302 if name == "anonymous" else (200 if round_name in ROUNDS[name] else 404)
        assert status == expected, (round_name, status)


@pytest.mark.parametrize("name", ACTORS)
def test_api_rounds(world, name):
    _, rounds, people = world
    client = APIClient()
    if name != "anonymous":
        client.force_authenticate(people[name].user)
    response = client.get("/api/v1/rounds/", {"page_size": 100})
    if name == "anonymous":
        assert response.status_code == 401
        return
    assert {r["slug"] for r in response.json()["results"]} == {rounds[n].slug for n in ROUNDS[name]}
    for round_name, r in rounds.items():
        status = client.get(f"/api/v1/rounds/{r.pk}/").status_code
        assert status == (200 if round_name in ROUNDS[name] else 404), round_name


@pytest.mark.parametrize("name", ACTORS)
def test_round_report(world, name, django_capture_on_commit_callbacks):
    _, rounds, people = world
    client = APIClient()
    if name != "anonymous":
        client.force_authenticate(people[name].user)
    for round_name, r in rounds.items():
        with django_capture_on_commit_callbacks(execute=False):
            status = client.get(f"/api/v1/rounds/{r.slug}/report.pdf").status_code
        if name == "anonymous":
            assert status == 401
        else:
            assert status == (202 if round_name in REPORTS[name] else 404), round_name


def test_school_director_who_sits_on_a_committee_sees_its_rounds(world):
    a, _, _ = world
    f.MembershipFactory(committee=a.committee_b, person=a.dana)
    user = _user(world, "dana")
    assert _names(world, rounds_for_user(user)) == {"pub_a", "pub_b"}
    assert _names(world, round_reports_for_user(user)) == {"pub_b"}


def test_the_two_helpers(world):
    a, _, _ = world
    assert [is_office_manager(_user(world, n)) for n in ("cora", "oscar", "alice", "dana", "vera", "kit")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert set(committees_of(a.alice)) == {a.committee_a}
    assert set(committees_of(a.kit.user)) == {a.committee_k}
    assert not committees_of(_user(world, "anonymous")).exists()


@pytest.mark.parametrize("name", ACTORS)
def test_round_report_page_on_the_web(world, name, django_capture_on_commit_callbacks):
    """The web link to a round's summary (the "being prepared" page) answers the same rule as the API's PDF."""
    _, rounds, people = world
    client = Client()
    if name != "anonymous":
        client.force_login(people[name].user)
    for round_name, r in rounds.items():
        with django_capture_on_commit_callbacks(execute=False):
            response = client.get(f"/visits/reports/round/{r.slug}/")
        if name == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == (202 if round_name in REPORTS[name] else 404), round_name
