"""Property (seeded loop): whatever a coordinator does between re-plans — add a school, lock, mark done, move,
book people in another round — no plan that `plan_round --apply` saves has a person out twice in one day and
session, across all the office's rounds. Read back from the database after every re-plan, with its own
counting (members × assignments × session times), not the planner's rules."""

import datetime
import random
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from schedules import lifecycle
from schedules.models import Assignment, Round
from supervision.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 9, 14)  # Monday; 14–25 Sep 2563 has no holiday


def double_bookings(office) -> list[tuple]:
    """(person, date, assignment a, assignment b) where one person is out with two assignments whose sessions
    overlap, in two committees or two rounds (a committee's own route of one day is one outing)."""
    committees_of = defaultdict(set)
    for person, committee in Membership.objects.filter(committee__office=office).values_list("person", "committee"):
        committees_of[person].add(committee)
    rows = list(
        Assignment.objects.filter(round__office=office)
        .exclude(status="cancelled")
        .values_list("id", "round", "committee", "date", "session__start_time", "session__end_time")
    )
    found = []
    for person, committees in committees_of.items():
        mine = sorted(r for r in rows if r[2] in committees)
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                same_outing = a[1] == b[1] and a[2] == b[2]
                if a[3] == b[3] and not same_outing and a[4] < b[5] and b[4] < a[5]:
                    found.append((person, a[3], a[0], b[0]))
    return found


def plan(round_) -> bool:
    """The coordinator's command; True when it saved (an incomplete plan exits 1 and saves nothing)."""
    try:
        call_command("plan_round", round_.slug, "--apply", "--time-limit", "5", stdout=StringIO(), stderr=StringIO())
    except SystemExit as stop:
        assert stop.code == 1
        return False
    return True


def test_no_saved_plan_books_a_person_twice_in_a_day_across_rounds(office):
    rng = random.Random(29)
    people = [f.PersonFactory(office=office) for _ in range(10)]
    committees = []
    for n in range(5):
        committee = f.CommitteeFactory(office=office, number=20 + n)
        for person in rng.sample(people, 3):  # most people sit on more than one committee
            if not Membership.objects.filter(committee=committee, person=person).exists():
                f.MembershipFactory(committee=committee, person=person)
        committees.append(committee)
    rounds = []
    for n, kind in enumerate([Round.Kind.SUPERVISION, Round.Kind.READINESS, Round.Kind.FOLLOW_UP]):
        round_ = f.RoundFactory(
            office=office,
            slug=f"prop-{n}",
            kind=kind,
            start_date=START,
            end_date=START + datetime.timedelta(days=11),  # ten working days
            target=Round.Target.LIST,
            max_leg_km=500,
            committees=rng.sample(committees, 3),
        )
        round_.target_schools.set(
            [
                f.SchoolFactory(office=office, latitude=15.2 + rng.random() * 0.3, longitude=104.8 + rng.random() * 0.3)
                for _ in range(5)
            ]
        )
        rounds.append(round_)

    saved = 0
    for step in range(9):
        round_ = rounds[step % 3]
        active = list(Assignment.objects.filter(round=round_).exclude(status__in=["cancelled", "done"]))
        what = rng.choice(["add", "lock", "done", "move", "add"]) if active else "add"
        if what == "add":
            round_.target_schools.add(
                f.SchoolFactory(office=office, latitude=15.2 + rng.random() * 0.3, longitude=104.8 + rng.random() * 0.3)
            )
        elif what == "lock" and any(not a.locked for a in active):
            lifecycle.transition(rng.choice([a for a in active if not a.locked]), "lock")
        elif what == "done":
            lifecycle.mark_done(rng.choice(active).pk)
        elif what == "move" and any(not a.locked for a in active):
            # a move straight in the table, unchecked (as a careless import would): the re-plan must repair it
            a = rng.choice([a for a in active if not a.locked])
            Assignment.objects.filter(pk=a.pk).update(
                date=START + datetime.timedelta(days=rng.randrange(5)), status="moved", status_reason="ย้าย"
            )
        saved += plan(round_)
        assert double_bookings(office) == [], (step, what, round_.slug)
    assert saved >= 6  # the property was checked on plans that were actually saved
