"""plan_round and check_round as the automated checks call them, on the demo rounds."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schedules.models import Assignment
from supervision.models import Person


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_rounds_pass_check_round(demo):
    for slug in ("aug-2563", "onet-m3-2562"):
        report = json.loads(run("check_round", slug, "--json"))
        assert report["round"] == slug and report["errors"] == 0, report["conflicts"][:3]


def test_demo_august_round_is_applied_as_the_contract_says(demo):
    aug = demo["aug-2563"]
    rows = Assignment.objects.filter(round=aug).active()
    assert rows.count() == 81 and rows.values("school").distinct().count() == 81
    assert aug.committees.count() == 8
    committee_1 = aug.committees.get(number=1)
    assert committee_1.chair.user.username == "chair"
    assert committee_1.members.filter(user__username="supervisor").exists()
    sizes = [c.memberships.count() for c in aug.committees.all()]
    assert min(sizes) >= 3 and max(sizes) <= 4
    people = [m.person_id for c in aug.committees.all() for m in c.memberships.all()]
    assert len(people) > len(set(people))  # some people are on two committees
    assert not rows.filter(date=datetime.date(2020, 8, 12)).exists()


def test_demo_onet_round(demo):
    onet = demo["onet-m3-2562"]
    assert onet.committees.count() == 7 and onet.centres.count() == 14
    assert [s.code for s in onet.sessions.all()] == ["morning", "afternoon"]
    assert all(c.order_no and c.order_date and c.signed_by.user.username == "director" for c in onet.committees.all())
    assert onet.committees.filter(members__user__username="ktpn").exists()
    assert Assignment.objects.filter(round=onet, date=datetime.date(2020, 2, 1)).exists()  # a Saturday


def test_demo_load_twice_changes_nothing(demo):
    from schedules import demo as schedules_demo

    before = list(Assignment.objects.order_by("id").values_list("id", "committee", "date", "sequence"))
    summary = schedules_demo.load(stdout=StringIO())
    assert summary["created"] == 0 and summary["updated"] == 0
    assert list(Assignment.objects.order_by("id").values_list("id", "committee", "date", "sequence")) == before


def test_plan_round_json_shape(demo):
    plan = json.loads(run("plan_round", "aug-2563", "--json"))
    assert set(plan) == {"round", "total_km", "assignments", "unplaced"}
    assert plan["round"] == "aug-2563" and isinstance(plan["total_km"], float) and plan["unplaced"] == []
    assert len(plan["assignments"]) == 81
    first = plan["assignments"][0]
    assert set(first) == {"school_code", "committee", "members", "date", "session"}
    assert all(isinstance(p, int) for p in first["members"])
    datetime.date.fromisoformat(first["date"])
    # no person at two schools on one day
    seen = {}
    for a in plan["assignments"]:
        for p in a["members"]:
            seen.setdefault((p, a["date"]), set()).add(a["committee"])
    assert all(len(c) == 1 for c in seen.values())


def test_plan_round_json_includes_locked_assignments(demo):
    aug = demo["aug-2563"]
    pinned = Assignment.objects.filter(round=aug).order_by("id")[:5]
    for a in pinned:
        a.locked = True
        a.save()
    kept = {(a.school.code, a.committee_id, a.date.isoformat()) for a in pinned}
    plan = json.loads(run("plan_round", str(aug.pk), "--json"))
    got = {(a["school_code"], a["committee"], a["date"]) for a in plan["assignments"]}
    assert kept <= got and len(plan["assignments"]) == 81


def test_plan_round_apply_keeps_locked_and_uids(demo):
    aug = demo["aug-2563"]
    locked = Assignment.objects.filter(round=aug).order_by("id").first()
    locked.date, locked.locked = datetime.date(2020, 8, 14), True
    locked.save()
    uids = set(Assignment.objects.filter(round=aug).values_list("uid", flat=True))
    out = run("plan_round", "aug-2563", "--apply")
    assert "applied" in out
    locked.refresh_from_db()
    assert locked.date == datetime.date(2020, 8, 14) and locked.locked
    active = Assignment.objects.filter(round=aug).active()
    assert active.count() == 81 and set(active.values_list("uid", flat=True)) <= uids
    assert json.loads(run("check_round", "aug-2563", "--json"))["errors"] == 0


def test_check_round_exits_1_on_an_error(demo):
    aug = demo["aug-2563"]
    a = Assignment.objects.filter(round=aug).first()
    a.date = datetime.date(2020, 8, 12)
    a.save()
    with pytest.raises(SystemExit) as exit_:
        run("check_round", "aug-2563", "--json")
    assert exit_.value.code == 1


def test_unknown_round_is_one_line_and_non_zero(demo):
    with pytest.raises(CommandError, match="no such round"):
        run("plan_round", "no-such-round")
    with pytest.raises(CommandError, match="no such round"):
        run("check_round", "12345")


def test_an_incomplete_plan_is_not_applied(demo):
    aug = demo["aug-2563"]
    aug.committees.set(aug.committees.order_by("number")[:1])
    Assignment.objects.filter(round=aug).delete()
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:  # incomplete: non-zero even without --apply
        call_command("plan_round", "aug-2563", "--json", "--time-limit", "5", stdout=out, stderr=err)
    assert exit_.value.code == 1 and "plan incomplete: 63 not placed" in err.getvalue()
    plan = json.loads(out.getvalue())
    assert len(plan["unplaced"]) == 81 - 18
    assert {u["reason"].split(":")[0] for u in plan["unplaced"]} == {"capacity", "conflict_of_interest"}
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("plan_round", "aug-2563", "--apply", stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1 and "nothing saved" in err.getvalue()
    assert not Assignment.objects.filter(round=aug).exists()


def test_unknown_round_exit_code_as_a_shell_sees_it(demo, capsys, monkeypatch, settings):
    from django.core.management import ManagementUtility
    from django.db import connections

    # A shell runs the system checks first; tests run with DEBUG off, where a loopback SITE_URL is refused.
    settings.SITE_URL = "https://nithet.example.go.th"

    # run_from_argv closes every connection when it ends; keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "check_round", "no-such-round"]).execute()
    assert exit_.value.code != 0
    err = capsys.readouterr().err.strip()
    assert "no such round" in err and "\n" not in err


def test_person_ids_in_members_are_people(demo):
    plan = json.loads(run("plan_round", "onet-m3-2562", "--json"))
    ids = {p for a in plan["assignments"] for p in a["members"]}
    assert Person.objects.filter(pk__in=ids).count() == len(ids)
    assert len(plan["assignments"]) == 28


def test_a_round_without_sessions_is_refused_in_one_line(db):
    from schedules.models import RoundSession
    from schedules.services import round_ensure_session
    from tests import factories as f

    round_ = f.RoundFactory(slug="no-session", office=f.AreaOfficeFactory(code="EMPTY1"))
    RoundSession.objects.filter(round=round_).delete()
    with pytest.raises(CommandError, match="no session"):
        run("plan_round", "no-session")
    round_ensure_session(round_=round_)
    assert [s.code for s in round_.sessions.all()] == ["day"]
    # an office with no schools: refused, not planned empty
    with pytest.raises(CommandError, match="no target schools") as refused:
        run("plan_round", "no-session", "--json")
    assert "\n" not in str(refused.value) and "ไม่มีโรงเรียนเป้าหมาย" in str(refused.value)
