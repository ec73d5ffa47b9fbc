import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api.conftest import visit_body
from visits.models import Answer, Evidence, Visit

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/sync/"


def _item(vid, body):
    return {"id": str(vid), **body}


def _strip(payload):
    """A visit's JSON without what differs between two visits of the same content."""
    return {
        k: v
        for k, v in payload.items()
        if k not in ("id", "assignment", "school", "created_at", "updated_at", "check_in")
    }


def test_one_bad_item_never_drops_the_others(actors, field, client_for):
    client = client_for(actors.bob)
    asg2 = f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=2)
    good, bad, other_committee, shapeless = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    body = {
        "visits": [
            _item(good, visit_body(field, field.asg_a)),
            _item(bad, visit_body(field, asg2, answers=[{"item": field.items["R1"].pk, "value": "มาก"}])),
            _item(other_committee, visit_body(field, field.asg_b)),
            {"id": str(shapeless), "answers": "not a list"},
        ]
    }
    response = client.post(SYNC, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    results = response.json()["visits"]
    assert [r["status"] for r in results] == [201, 400, 403, 400]
    assert results[0]["visit"]["version"] == 1 and results[0]["error"] is None
    assert results[1]["error"]["errors"] == {"answers[0].value": ["item R1: must be a level 1–4"]}
    assert results[1]["visit"] is None
    assert "answers" in results[3]["error"]["errors"]
    assert list(Visit.objects.values_list("pk", flat=True)) == [good]


def test_a_replayed_batch_changes_nothing_and_answers_the_same(actors, field, client_for):
    client = client_for(actors.bob)
    asgs = [f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=i + 2) for i in range(5)]
    body = {"visits": [_item(uuid.uuid4(), visit_body(field, a)) for a in asgs]}
    first = client.post(SYNC, body, format="json").json()
    assert [r["status"] for r in first["visits"]] == [201] * 5
    history = Visit.history.count()
    again = client.post(SYNC, body, format="json").json()
    assert [r["status"] for r in again["visits"]] == [200] * 5
    assert [r["visit"] for r in again["visits"]] == [r["visit"] for r in first["visits"]]
    assert Visit.objects.count() == 5 and Answer.objects.count() == 15
    assert Visit.history.count() == history


def test_stale_and_locked_items_carry_the_servers_copy(actors, field, client_for):
    client = client_for(actors.bob)
    stale_id, locked_id = uuid.uuid4(), uuid.uuid4()
    asg2 = f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=2)
    client.put(f"/api/v1/visits/{stale_id}/", visit_body(field, field.asg_a), format="json")
    client.put(f"/api/v1/visits/{stale_id}/", {"findings": {"strengths": "v2"}, "version": 1}, format="json")
    client.put(f"/api/v1/visits/{locked_id}/", visit_body(field, asg2), format="json")
    Visit.objects.filter(pk=locked_id).update(status=Visit.Status.SUBMITTED)

    results = client.post(
        SYNC,
        {
            "visits": [
                {"id": str(stale_id), "findings": {"strengths": "from an old copy"}, "version": 1},
                {"id": str(locked_id), "findings": {"strengths": "after submitting"}, "version": 1},
            ]
        },
        format="json",
    ).json()["visits"]
    assert [r["status"] for r in results] == [412, 409]
    assert results[0]["visit"]["findings"]["strengths"] == "v2" and results[0]["visit"]["version"] == 2
    assert results[1]["visit"]["status"] == "submitted"
    assert Visit.objects.get(pk=stale_id).strengths == "v2"


def test_the_bulk_path_and_put_save_the_same_visit(actors, field, client_for):
    """Plain items take the bulk path; the same content through PUT (the canonical service) must match."""
    client = client_for(actors.bob)
    asg2 = f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=2)
    body = visit_body(field, members_present=[actors.alice.pk, actors.bob.pk])
    put = client.put(f"/api/v1/visits/{uuid.uuid4()}/", body, format="json").json()
    synced = client.post(
        SYNC, {"visits": [_item(uuid.uuid4(), {**body, "assignment": asg2.pk})]}, format="json"
    ).json()["visits"][0]["visit"]
    assert _strip(synced) == _strip(put)

    # and an update of each: answers changed, one added, findings changed
    change = {
        "answers": [{"item": field.items["R1"].pk, "value": 1}, {"item": field.items["N1"].pk, "value": 7}],
        "findings": {"to_improve": "ทั้งหมด"},
        "members_present": [actors.alice.pk],
        "version": 1,
    }
    put2 = client.put(f"/api/v1/visits/{put['id']}/", change, format="json").json()
    synced2 = client.post(SYNC, {"visits": [_item(synced["id"], change)]}, format="json").json()["visits"][0]["visit"]
    assert _strip(synced2) == _strip(put2)
    assert put2["version"] == 2 and put2["score"] < put["score"]
    assert Visit.history.filter(id=synced["id"]).count() == Visit.history.filter(id=put["id"]).count() == 2

    # the field history is the same too: who, what type, which values
    def history(model, **where):
        fields = [
            f.attname
            for f in model.history.model._meta.concrete_fields
            if f.attname
            not in (
                "history_id",
                "history_date",
                "id",
                "visit_id",
                "assignment_id",
                "created_at",
                "updated_at",
                "school_id",
                "check_in_distance_m",
                "check_in_far",
            )
        ]
        return sorted(tuple(str(v) for v in row) for row in model.history.filter(**where).values_list(*fields))

    assert history(Visit, id=synced["id"]) == history(Visit, id=put["id"])
    assert history(Answer, visit_id=synced["id"]) == history(Answer, visit_id=put["id"])
    assert {h.history_user_id for h in Answer.history.filter(visit_id=synced["id"])} == {actors.bob.user.pk}


def test_a_hundred_visits_sync_in_a_bounded_number_of_queries(actors, field, client_for):
    client = client_for(actors.bob)
    asgs = [f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=i + 2) for i in range(100)]
    body = {"visits": [_item(uuid.uuid4(), visit_body(field, a)) for a in asgs]}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(SYNC, body, format="json")
    assert [r["status"] for r in response.json()["visits"]] == [201] * 100
    assert Answer.objects.count() == 300
    assert len(ctx) < 60, [q["sql"][:120] for q in ctx.captured_queries]


def test_duplicates_in_a_batch_and_second_visits_of_an_assignment_are_refused(actors, field, client_for):
    client = client_for(actors.bob)
    vid = uuid.uuid4()
    results = client.post(
        SYNC,
        {
            "visits": [
                _item(vid, visit_body(field)),
                _item(vid, visit_body(field)),
                _item(uuid.uuid4(), visit_body(field)),
            ]
        },
        format="json",
    ).json()["visits"]
    assert [r["status"] for r in results] == [201, 400, 409]
    assert results[2]["error"]["code"] == "assignment_has_visit"
    assert Visit.objects.count() == 1


def test_evidence_manifests_sync_alongside_visits(actors, field, client_for):
    client = client_for(actors.bob)
    vid, ev = uuid.uuid4(), uuid.uuid4()
    response = client.post(
        SYNC,
        {
            "visits": [_item(vid, visit_body(field))],
            "evidence": [
                {"visit": str(vid), "id": str(ev), "sha256": "a" * 64, "size": 1234, "item": field.items["Y1"].pk},
                {"visit": str(uuid.uuid4()), "id": str(uuid.uuid4()), "sha256": "b" * 64, "size": 10},
                {"visit": str(vid), "id": "not-a-uuid", "sha256": "c" * 64, "size": 10},
            ],
        },
        format="json",
    ).json()
    assert [e["status"] for e in response["evidence"]] == [201, 404, 400]
    visit = client.get(f"/api/v1/visits/{vid}/").json()
    assert visit["evidence_missing"] == [str(ev)]
    assert Evidence.objects.get().item_id == field.items["Y1"].pk


def test_too_many_items_is_413(actors, field, client_for, monkeypatch):
    monkeypatch.setattr("api.sync.MAX_ITEMS", 2)
    body = {"visits": [{"id": str(uuid.uuid4())} for _ in range(3)]}
    assert client_for(actors.bob).post(SYNC, body, format="json").status_code == 413


def test_a_body_over_the_upload_limit_is_413(actors, field, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = {"visits": [_item(uuid.uuid4(), visit_body(field)) for _ in range(20)]}
    response = client_for(actors.bob).post(SYNC, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is too large."
    assert not Visit.objects.exists()
