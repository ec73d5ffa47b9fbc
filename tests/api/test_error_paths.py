"""One spelling of a field's path in every 400: `.name` for a named field, `[i]` for a list's index (and a map's
numeric key), as JavaScript reads it (`answers[0].note`, `findings.recommendations[1]`, `visits[0]`). DRF gives a
ListField's or a ListSerializer's child errors as a dict keyed by index, and those once came out as `answers.0.note`
beside the domain's `answers[3].value`; a client matching the key it is told would miss one of them.

Many kinds of bad payload — nested lists in a visit PUT and a sync batch, meetings' resolutions, survey answers, a
follow-up's answer files, notification ids — each sent through the API as a client sends it; every `errors` key in
the body (at the top and inside each sync item) is read exactly as the API gives it."""

import re
import uuid

import pytest

from tests.api.conftest import visit_body
from tests.meetings.conftest import board as board_fixture  # noqa: F401  (the meetings tests' fixture)
from tests.meetings.conftest import make_meeting
from visits import limits
from visits.models import FollowUp

pytestmark = pytest.mark.django_db

DOTTED_INDEX = re.compile(r"\.\d")


def _error_keys(body) -> list[str]:
    """Every key of every `errors` object anywhere in the answer (a sync answer nests one per item)."""
    keys = []
    if isinstance(body, dict):
        for name, value in body.items():
            if name == "errors" and isinstance(value, dict):
                keys.extend(value)
            else:
                keys.extend(_error_keys(value))
    elif isinstance(body, list):
        for value in body:
            keys.extend(_error_keys(value))
    return keys


def _visit_cases(field):
    items = field.items
    r1, t1 = items["R1"].pk, items["T1"].pk
    ok = visit_body(field)["answers"]
    long_note = "ก" * (limits.NOTE_MAX + 1)
    evidence = {"id": str(uuid.uuid4()), "sha256": "a" * 64, "size": 10}
    return [
        # (what is wrong, the body's changes, the keys the client is told)
        ("a note too long", {"answers": [{"item": r1, "value": 3, "note": long_note}]}, {"answers[0].note"}),
        (
            "a second note not text",
            {"answers": [*ok[:1], {"item": t1, "value": "x", "note": ["x"]}]},
            {"answers[1].note"},
        ),
        ("an answer without an item", {"answers": [*ok, {"value": 1}]}, {"answers[3].item"}),
        ("an unknown item", {"answers": [*ok, {"item": 999_999, "value": 1}]}, {"answers[3].item"}),
        ("an answer that is not an object", {"answers": [*ok, 7]}, {"answers[3]"}),
        (
            "a long recommendation",
            {"findings": {"recommendations": ["ดี", "ก" * (limits.RECOMMENDATION_MAX + 1)]}},
            {"findings.recommendations[1]"},
        ),
        ("a recommendation not text", {"findings": {"recommendations": [["x"]]}}, {"findings.recommendations[0]"}),
        ("a caption too long", {"evidence": [{**evidence, "caption": "ก" * 1000}]}, {"evidence[0].caption"}),
        (
            "a bad hash in the second photo",
            {"evidence": [evidence, {**evidence, "sha256": "zz"}]},
            {"evidence[1].sha256"},
        ),
        (
            "a member id that is not one",
            {"members_present": [1, -4, "x"]},
            {"members_present[1]", "members_present[2]"},
        ),
        ("a bad latitude", {"check_in": {"at": "2020-08-03T09:00:00+07:00", "lat": 999, "lon": 1}}, {"check_in.lat"}),
    ]


def test_a_visit_put_names_every_list_index_in_brackets(actors, field, client_for):
    bob = client_for(actors.bob)
    vid = uuid.uuid4()
    for what, change, expected in _visit_cases(field):
        answer = bob.put(f"/api/v1/visits/{vid}/", {**visit_body(field), **change}, format="json")
        assert answer.status_code == 400, (what, answer.json())
        keys = _error_keys(answer.json())
        assert expected <= set(keys), (what, keys)
        assert not [k for k in keys if DOTTED_INDEX.search(k)], (what, keys)


def test_a_sync_batch_names_every_list_index_in_brackets(actors, field, client_for):
    bob = client_for(actors.bob)
    items = [{"id": str(uuid.uuid4()), **visit_body(field), **change} for _, change, _ in _visit_cases(field)]
    answer = bob.post("/api/v1/sync/", {"visits": items}, format="json")
    assert answer.status_code == 200, answer.json()
    results = answer.json()["visits"]
    for (what, _, expected), result in zip(_visit_cases(field), results, strict=True):
        assert result["status"] == 400, (what, result)
        keys = _error_keys(result)
        assert expected <= set(keys), (what, keys)
        assert not [k for k in keys if DOTTED_INDEX.search(k)], (what, keys)

    # The batch's own lists: an item that is not an object, evidence manifests that are not either.
    answer = bob.post("/api/v1/sync/", {"visits": [items[0], "x"], "evidence": [{}, 3]}, format="json")
    assert answer.status_code == 400, answer.json()
    keys = _error_keys(answer.json())
    assert {"visits[1]", "evidence[1]"} <= set(keys), keys
    assert not [k for k in keys if DOTTED_INDEX.search(k)], keys

    # A manifest of the batch's evidence list checked on its own: its fields, by their names.
    manifest = {"visit": "not-a-uuid", "id": str(uuid.uuid4()), "sha256": "zz", "size": -1}
    answer = bob.post("/api/v1/sync/", {"evidence": [manifest]}, format="json")
    keys = _error_keys(answer.json())
    assert {"visit", "sha256", "size"} <= set(keys), keys
    assert not [k for k in keys if DOTTED_INDEX.search(k)], keys


def test_meetings_name_every_list_index_and_numeric_key_in_brackets(board_fixture, client_for):  # noqa: F811
    a = board_fixture
    meeting = make_meeting(a)
    from meetings import services, workflow

    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=a.sami.user)
    item = services.agenda_item_add(meeting_id=meeting.pk, user=a.sami.user, parent_number=4, title="แผนนิเทศ")
    sami = client_for(a.sami)
    good = {"title": "จัดทำรายงาน", "owner": a.bob.pk, "due_date": "2020-08-31"}
    resolution = {
        "item": item.pk,
        "kind": "actions",
        "text": "มอบกลุ่มนิเทศจัดทำรายงาน",
        "actions": [good, {"title": "", "owner": "x", "due_date": "31/08/2563x"}, good, {**good, "owner": 999_999}],
    }
    answer = sami.post(f"/api/v1/meetings/{meeting.pk}/resolutions/", resolution, format="json")
    assert answer.status_code == 400, answer.json()
    keys = _error_keys(answer.json())
    assert {"actions[1].title", "actions[1].owner", "actions[1].due_date"} <= set(keys), keys
    assert not [k for k in keys if DOTTED_INDEX.search(k)], keys

    # The owner who is not a person of the office: named by the action's index too.
    resolution["actions"] = [good, {**good, "owner": 999_999}]
    answer = sami.post(f"/api/v1/meetings/{meeting.pk}/resolutions/", resolution, format="json")
    assert answer.status_code == 400, answer.json()
    assert set(_error_keys(answer.json())) == {"actions[1].owner"}, answer.json()

    # A survey's answers are a map by item id: a bad rating is named `answers[<id>]`.
    answer = client_for(a.dana).post(
        "/api/v1/survey-invitations/1/answer/", {"answers": {"3": 9, "17": "x"}}, format="json"
    )
    assert answer.status_code == 400, answer.json()
    keys = _error_keys(answer.json())
    assert {"answers[3]", "answers[17]"} <= set(keys), keys
    assert not [k for k in keys if DOTTED_INDEX.search(k)], keys


def test_follow_up_answers_and_notification_ids_name_their_index_in_brackets(actors, field, client_for):
    followup = FollowUp.objects.create(
        school=actors.school_a, recommendation="จัดทำแผนพัฒนาการวัดผล", due_date="2020-09-30", owner=actors.dana
    )
    dana = client_for(actors.dana)
    # JSON cannot carry a file: each entry of `files` is refused by its index.
    answer = dana.patch(f"/api/v1/followups/{followup.pk}/", {"notes": "ทำแล้ว", "files": ["a", "b"]}, format="json")
    assert answer.status_code == 400, answer.json()
    keys = _error_keys(answer.json())
    assert set(keys) == {"files[0]", "files[1]"}, keys

    answer = dana.post("/api/v1/notifications/mark-read/", {"ids": [1, 0, "x"]}, format="json")
    assert answer.status_code == 400, answer.json()
    keys = _error_keys(answer.json())
    assert set(keys) == {"ids[1]", "ids[2]"}, keys
