"""Plans a coordinator can trust: few changes per re-plan, one lifecycle, conflicts across rounds, ties to
schools, the leg limit, and refusals that say what is wrong — through the plan page, the commands and the
worker task, on the demo August round (81 schools, 8 committees)."""

import dataclasses
import datetime
import random
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from schedules import conflicts as rules
from schedules import lifecycle, planner, services
from schedules.errors import RoundNotPlannable
from schedules.models import Assignment, ExamDay, PlanRun, Round
from schedules.selectors import round_conflicts, round_data
from schedules.synthetic import synthetic_round
from supervision.models import Membership, School, SchoolTie


def login(client, username="coordinator"):
    client.force_login(get_user_model().objects.get(username=username))


def places(round_):
    return dict(Assignment.objects.filter(round=round_).active().values_list("id", "committee", "date", "session"))


def snapshot(round_):
    return {
        a: (c, d, s)
        for a, c, d, s in Assignment.objects.filter(round=round_).values_list("id", "committee", "date", "session")
    }


def changed(before, after):
    """Existing assignments whose committee, date or session changed (or that were cancelled)."""
    cancelled = set(Assignment.objects.filter(status="cancelled").values_list("id", flat=True))
    return {a for a, place in before.items() if after.get(a) != place or a in cancelled}


def replan(client, slug, **extra):
    """The page's two steps: the preview, then the confirmation of exactly that preview."""
    response = client.post(f"/schedules/{slug}/replan/", extra)
    assert response.status_code == 200, response.content.decode()[:500]
    body = response.content.decode()
    summary = re.search(r"ใหม่ (\d+) · ย้าย (\d+) · ยกเลิก (\d+)", body)
    fingerprint = re.search(r'name="confirm" value="(\w+)"', body).group(1)
    response = client.post(f"/schedules/{slug}/replan/", {"confirm": fingerprint, **extra})
    assert response.status_code == 302
    return tuple(int(n) for n in summary.groups()), body


def test_churn_add_a_school_lock_mark_done_move(client, demo):
    """The counts the issue measured (58 of 60, 55 of 61, 70 of 75) become 0, 0, 0 and a kept move."""
    login(client)
    aug = demo["aug-2563"]
    office_school = School.objects.filter(office=aug.office).order_by("code").first()

    # 1. add one school next to an existing one: the re-plan adds its visit and changes no existing one
    before = snapshot(aug)
    new = School.objects.create(
        office=aug.office,
        code="34990001",
        name_th="โรงเรียนเปิดใหม่",
        district=office_school.district,
        latitude=office_school.latitude + 0.01,
        longitude=office_school.longitude + 0.01,
    )
    (n_new, n_moved, n_cancelled), _ = replan(client, aug.slug)
    assert (n_new, n_moved, n_cancelled) == (1, 0, 0)
    after = snapshot(aug)
    assert len(changed(before, after)) <= 2 and Assignment.objects.filter(round=aug, school=new).active().count() == 1
    assert rules.errors(round_conflicts(aug)) == []

    # 2. lock one visit: nothing changes
    a = Assignment.objects.filter(round=aug).active().order_by("id")[3]
    client.post(f"/schedules/{aug.slug}/assignments/{a.pk}/lock/", {"locked": "1"})
    before = snapshot(aug)
    assert replan(client, aug.slug)[0] == (0, 0, 0)
    assert changed(before, snapshot(aug)) == set()

    # 3. a visit took place (its report submitted): nothing changes
    done = Assignment.objects.filter(round=aug).active().order_by("id")[5]
    assert services.assignment_mark_done(assignment_id=done.pk)
    before = snapshot(aug)
    assert replan(client, aug.slug)[0] == (0, 0, 0)
    assert changed(before, snapshot(aug)) == set()

    # 4. a coordinator's move survives the next re-plan with its reason
    moving = Assignment.objects.filter(round=aug, status="planned").order_by("id")[7]
    target = next(
        d
        for d in round_data(aug).counted_days
        if d != moving.date
        and not rules.errors(
            services.move_conflicts(
                assignment=moving, committee_id=moving.committee_id, date=d, session_id=moving.session_id
            )
        )
    )
    response = client.post(
        f"/schedules/{aug.slug}/assignments/{moving.pk}/move/",
        {
            "committee": moving.committee_id,
            "date": target.isoformat(),
            "session": moving.session_id,
            "reason": "โรงเรียนมีกิจกรรม",
        },
    )
    assert response.status_code == 302
    before = snapshot(aug)
    assert replan(client, aug.slug)[0] == (0, 0, 0)
    assert changed(before, snapshot(aug)) == set()
    moving.refresh_from_db()
    assert (moving.date, moving.status, moving.status_reason) == (target, "moved", "โรงเรียนมีกิจกรรม")


def test_a_fresh_replan_lists_every_move_with_its_reason_before_saving(client, demo):
    login(client)
    aug = demo["aug-2563"]
    before = snapshot(aug)
    response = client.post(f"/schedules/{aug.slug}/replan/", {"fresh": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="replan-preview"' in body
    assert snapshot(aug) == before  # the preview saves nothing


def test_a_visit_that_took_place_is_never_moved_or_cancelled(client, demo):
    login(client)
    aug = demo["aug-2563"]
    a = Assignment.objects.filter(round=aug, status="planned").order_by("id").first()
    # moved first, then visited: it becomes done like any other
    lifecycle.transition(a, "move", reason="ย้ายวัน", date=a.date)
    a.refresh_from_db()
    assert a.status == "planned"  # same place: nothing moved, status kept
    other_day = next(d for d in round_data(aug).counted_days if d != a.date)
    a = lifecycle.transition(a, "move", reason="ย้ายวัน", date=other_day)
    assert a.status == "moved"
    assert services.assignment_mark_done(assignment_id=a.pk)
    a.refresh_from_db()
    assert a.status == "done"
    assert not services.assignment_mark_done(assignment_id=a.pk)  # a repeat changes nothing
    seq = a.sequence
    response = client.post(
        f"/schedules/{aug.slug}/assignments/{a.pk}/move/",
        {"committee": a.committee_id, "date": a.date.isoformat(), "session": a.session_id, "reason": "x"},
    )
    assert response.status_code == 409 and "already_done" in response.content.decode()
    for action in ("move", "replan", "cancel"):
        refusal = lifecycle.check("done", action, reason="x")
        assert refusal is not None and refusal.code == "already_done"
    a.refresh_from_db()
    assert (a.status, a.sequence) == ("done", seq)


def test_lifecycle_claim_refuses_a_stale_copy(demo):
    a = Assignment.objects.filter(round=demo["aug-2563"], status="planned").order_by("id").first()
    stale = Assignment.objects.get(pk=a.pk)
    lifecycle.transition(a, "confirm")
    from schedules.errors import AssignmentStale

    with pytest.raises(AssignmentStale):
        lifecycle.transition(stale, "cancel", reason="ซ้ำ")
    assert Assignment.objects.get(pk=a.pk).status == "confirmed"


def _second_round(aug, **fields):
    return services.round_create(
        office=aug.office,
        slug="readiness-2563",
        title="ตรวจความพร้อม",
        kind=Round.Kind.READINESS,
        academic_year=2563,
        start_date=aug.start_date,
        end_date=aug.end_date,
        **fields,
    )


def test_a_person_is_never_booked_twice_across_rounds(demo):
    aug = demo["aug-2563"]
    a = Assignment.objects.filter(round=aug).active().order_by("id").first()
    other = _second_round(aug, target=Round.Target.LIST)
    school = School.objects.filter(office=aug.office).exclude(pk=a.school_id).order_by("code").last()
    other.target_schools.set([school])
    other.committees.set([a.committee])
    # book the same people elsewhere on the same day and session
    Assignment.objects.create(
        round=other, committee=other.committees.first(), school=school, date=a.date, session=other.sessions.first()
    )
    found = [c for c in round_conflicts(aug) if c.code == "person_booked_elsewhere"]
    assert found and found[0].severity == "error" and found[0].objects["assignments"] == [a.pk]
    # a move onto that day reports it (and is refused: it is an error); the planner moves the visit off it
    b = Assignment.objects.filter(round=aug, committee=a.committee).active().exclude(date=a.date).first()
    caused = services.move_conflicts(assignment=b, committee_id=b.committee_id, date=a.date, session_id=b.session_id)
    assert "person_booked_elsewhere" in {c.code for c in caused}
    _, plan_ = services.round_plan(round_=aug)
    assert plan_.displaced[a.pk].code == "person_booked_elsewhere" and plan_.complete
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_round", aug.slug, stdout=out, stderr=StringIO())
    assert "person_booked_elsewhere" in out.getvalue()


def test_the_planner_keeps_people_free_when_they_are_booked_in_another_round():
    """Property (seeded loop): whatever other rounds book, no plan has a person twice in a day and session."""
    rng = random.Random(11)
    for seed in range(6):
        d = synthetic_round(schools=30, committees=5, days=6, seed=seed, shared=1)
        people = [m for c in d.committees.values() for m in c.members]
        bookings = tuple(
            rules.Booking(
                m.person_id,
                m.name,
                rng.choice(d.counted_days),
                datetime.time(8),
                datetime.time(12),
                "อีกรอบ",
                "ที่อื่น",
                9000 + n,
            )
            for n, m in enumerate(rng.sample(people, 6))
        )
        d = dataclasses.replace(d, elsewhere=bookings)
        plan = planner.plan(d, time_limit=5)
        checked = rules.check(dataclasses.replace(d, visits=tuple(plan.visits)))
        codes = {c.code for c in checked}
        assert "person_booked_elsewhere" not in codes and "person_double_booked" not in codes, seed
        assert plan.complete, (seed, plan.unplaced[:2])


def test_every_tie_keeps_a_person_away_from_that_school(demo):
    """An acting director recorded as staff of another school, and a person directing two schools."""
    aug = demo["aug-2563"]
    a = Assignment.objects.filter(round=aug).active().order_by("id").first()
    member = Membership.objects.filter(committee=a.committee).order_by("id").first().person
    SchoolTie.objects.create(person=member, school=a.school, kind=SchoolTie.Kind.ACTING_DIRECTOR)
    found = [c for c in round_conflicts(aug) if c.code == "conflict_of_interest"]
    assert any(c.objects["school"] == a.school.code for c in found)
    # the re-plan moves that visit to a committee without the tie, and only that one
    _, plan_ = services.round_plan(round_=aug)
    assert set(plan_.displaced) == {a.pk} and plan_.displaced[a.pk].code == "conflict_of_interest"
    assert plan_.complete
    new = [v for v in plan_.new_visits if v.school_id == a.school_id]
    assert len(new) == 1 and new[0].committee_id != a.committee_id
    # a person may direct two schools: both are ties
    two = School.objects.filter(office=aug.office).exclude(pk=a.school_id).order_by("code")[:2]
    SchoolTie.objects.create(person=member, school=two[0], kind=SchoolTie.Kind.DIRECTOR)
    SchoolTie.objects.create(person=member, school=two[1], kind=SchoolTie.Kind.DIRECTOR)
    data = round_data(aug)
    tied = next(m for c in data.committees.values() for m in c.members if m.person_id == member.pk)
    assert {a.school_id, two[0].pk, two[1].pk} <= tied.schools


def test_the_leg_limit_is_kept_and_a_school_never_gets_two_visits_a_day():
    d = synthetic_round(schools=40, committees=8, days=9, seed=3, width_km=300, height_km=250)
    info = dataclasses.replace(d.round, max_leg_km=40.0, visits_per_school=2)
    d = dataclasses.replace(d, round=info)
    plan = planner.plan(d, time_limit=5)
    found = {c.code for c in rules.check(dataclasses.replace(d, visits=tuple(plan.visits)))}
    assert "leg_too_far" not in found and "school_twice_a_day" not in found
    assert plan.complete, plan.unplaced[:3]
    per_day = {(v.school_id, v.date) for v in plan.visits}
    assert len(per_day) == len(plan.visits) == 80


def test_rounds_that_cannot_be_planned_say_why(demo):
    aug = demo["aug-2563"]
    weekend = _second_round(aug)
    weekend.start_date = weekend.end_date = datetime.date(2020, 8, 8)  # a Saturday
    weekend.save()
    with pytest.raises(CommandError, match="no working day") as refused:
        call_command("plan_round", weekend.slug, stdout=StringIO(), stderr=StringIO())
    assert "ไม่มีวันทำการ" in str(refused.value) and "8 สิงหาคม 2563" in str(refused.value)

    exam = demo["onet-m3-2562"]
    ExamDay.objects.create(round=exam, date=exam.end_date + datetime.timedelta(days=3))
    with pytest.raises(RoundNotPlannable, match="outside the round's dates"):
        services.round_plan(round_=exam)
    ExamDay.objects.filter(round=exam, date__gt=exam.end_date).delete()
    exam.centres.all().delete()
    with pytest.raises(CommandError, match="no exam centres"):
        call_command("plan_round", exam.slug, stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="time-limit") as bad:
        call_command("plan_round", aug.slug, "--time-limit", "-3", stdout=StringIO(), stderr=StringIO())
    assert "\n" not in str(bad.value)
    with pytest.raises(CommandError, match="time-limit"):
        call_command("plan_round", aug.slug, "--time-limit", "soon", stdout=StringIO(), stderr=StringIO())


def test_end_before_start_is_a_message_on_the_date_field(demo):
    from django.utils import translation

    round_ = demo["aug-2563"]
    round_.end_date = round_.start_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        round_.full_clean()
    with translation.override("th"):
        assert refused.value.message_dict == {"end_date": ["วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"]}
    with translation.override("en"):
        assert refused.value.message_dict == {"end_date": ["The end date must not be before the start date."]}


def test_large_rounds_replan_in_the_worker_with_progress(client, demo, settings, django_capture_on_commit_callbacks):
    settings.SCHEDULES_WORKER_REPLAN_SCHOOLS = 10
    login(client)
    aug = demo["aug-2563"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/schedules/{aug.slug}/replan/")
    run = PlanRun.objects.get(round=aug)
    assert response.status_code == 302 and response["Location"].endswith(f"/replan/{run.pk}/") and callbacks
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-status="queued"' in page.content.decode()
    assert services.plan_run_execute(run_id=run.pk) == "done"
    assert services.plan_run_execute(run_id=run.pk) == "not queued"  # a redelivered task does nothing
    run.refresh_from_db()
    assert run.progress == 1.0 and run.result["summary"] == {"new": 0, "moved": 0, "cancelled": 0, "planned": 81}
    page = client.get(f"/schedules/{aug.slug}/replan/{run.pk}/").content.decode()
    assert 'id="replan-preview"' in page
    # confirming queues a run that saves exactly the previewed plan
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/schedules/{aug.slug}/replan/", {"confirm": run.result["fingerprint"]})
    confirm = PlanRun.objects.filter(round=aug, apply=True).get()
    services.plan_run_execute(run_id=confirm.pk)
    confirm.refresh_from_db()
    assert confirm.result["applied"]["unchanged"] == 81
    assert client.get(f"/schedules/{aug.slug}/replan/{confirm.pk}/").status_code == 302


def test_the_admin_shows_assignments_read_only_with_a_link_to_the_plan_page(client, demo):
    client.force_login(get_user_model().objects.filter(is_superuser=True).first() or _superuser())
    a = Assignment.objects.filter(round=demo["aug-2563"]).first()
    page = client.get(f"/admin/schedules/assignment/{a.pk}/change/").content.decode()
    assert f"/schedules/{a.round.slug}/#a{a.pk}" in page
    assert 'name="date"' not in page and 'name="committee"' not in page
    before = (a.committee_id, a.date, a.sequence)
    client.post(f"/admin/schedules/assignment/{a.pk}/change/", {"date": "2020-08-14", "committee": a.committee_id})
    a.refresh_from_db()
    assert (a.committee_id, a.date, a.sequence) == before


def _superuser():
    return get_user_model().objects.create_superuser("root-planner", "root@example.org", "x")
