import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api.conftest import visit_body
from visits.models import Answer, Visit

pytestmark = pytest.mark.django_db


def url(visit_id):
    return f"/api/v1/visits/{visit_id}/"


def test_the_same_put_twice_makes_one_visit_and_the_same_answer(actors, field, client_for):
    client = client_for(actors.bob)
    vid = uuid.uuid4()
    body = visit_body(field)

    first = client.put(url(vid), body, format="json")
    assert first.status_code == 201, first.json()
    assert first.headers["ETag"] == '"v1"'
    again = client.put(url(vid), body, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["ETag"] == '"v1"'

    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert (visit.pk, visit.version, visit.created_by, visit.committee) == (vid, 1, actors.bob.user, actors.committee_a)
    assert Answer.objects.filter(visit=visit).count() == 3
    saved = first.json()
    assert saved["school"]["id"] == actors.school_a.pk
    assert saved["findings"]["recommendations"] == ["จัดทำแผนพัฒนาการวัดผล"]
    assert saved["check_in"]["accuracy"] == 8 and saved["check_in"]["distance_m"] is not None
    assert saved["score"] is not None
    assert client.get(url(vid)).json() == saved
    assert client.get(url(vid), HTTP_IF_NONE_MATCH='"v1"').status_code == 304


def test_an_update_bumps_the_version_and_a_stale_write_gets_412_with_the_servers_copy(actors, field, client_for):
    bob, alice = client_for(actors.bob), client_for(actors.alice)
    vid = uuid.uuid4()
    bob.put(url(vid), visit_body(field), format="json")

    edited = alice.put(url(vid), {"findings": {"strengths": "อาคารสะอาด"}, "version": 1}, format="json")
    assert edited.status_code == 200
    assert edited.json()["version"] == 2 and edited.headers["ETag"] == '"v2"'

    stale = bob.put(url(vid), {"findings": {"strengths": "ของบ็อบ"}, "version": 1}, format="json")
    assert stale.status_code == 412
    body = stale.json()
    assert body["code"] == "stale_version"
    assert body["current"]["version"] == 2
    assert body["current"]["findings"]["strengths"] == "อาคารสะอาด"

    by_header = bob.put(url(vid), {"findings": {"strengths": "ของบ็อบ"}}, format="json", HTTP_IF_MATCH='"v1"')
    assert by_header.status_code == 412
    ok = bob.put(url(vid), {"findings": {"strengths": "ของบ็อบ"}}, format="json", HTTP_IF_MATCH='"v2"')
    assert ok.status_code == 200 and ok.json()["version"] == 3
    assert Visit.objects.get().strengths == "ของบ็อบ"


def test_bad_values_are_400_with_field_messages_in_thai_or_english(actors, field, client_for):
    client = client_for(actors.bob)
    body = visit_body(field, answers=[{"item": field.items["R1"].pk, "value": 9}])
    thai = client.put(url(uuid.uuid4()), body, format="json")
    assert thai.status_code == 400
    assert thai.json()["errors"] == {"answers[0].value": ["ข้อ R1: ต้องเป็นระดับ 1–4"]}
    english = client.put(url(uuid.uuid4()), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"] == {"answers[0].value": ["item R1: must be a level 1–4"]}
    assert english.json()["detail"] == "invalid data"

    shape = client.put(url(uuid.uuid4()), {"check_in": {"lat": 200}}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert shape.status_code == 400
    assert shape.json()["errors"] == {"check_in.lat": ["Ensure this value is less than or equal to 90."]}
    assert not Visit.objects.exists()


def test_a_submitted_visit_changes_only_through_the_workflow(actors, field, client_for):
    bob = client_for(actors.bob)
    vid = uuid.uuid4()
    saved = bob.put(url(vid), visit_body(field), format="json").json()
    Visit.objects.filter(pk=vid).update(status=Visit.Status.SUBMITTED)

    replay = bob.put(url(vid), visit_body(field), format="json")
    assert replay.status_code == 200  # same content: nothing to refuse
    change = bob.put(url(vid), {"findings": {"strengths": "แก้หลังส่ง"}, "version": saved["version"]}, format="json")
    assert change.status_code == 409
    assert change.json()["code"] == "visit_locked"
    assert change.json()["current"]["status"] == "submitted"


def test_creating_on_another_committees_assignment_is_refused(actors, field, client_for):
    response = client_for(actors.charlie).put(url(uuid.uuid4()), visit_body(field, field.asg_a), format="json")
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_list_runs_the_same_number_of_queries_whatever_the_page_size(actors, field, client_for):
    client = client_for(actors.cora)
    for i in range(12):
        asg = f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=i + 2)
        client.put(url(uuid.uuid4()), visit_body(field, asg, members_present=[actors.alice.pk]), format="json")
    counts = {}
    for size in (2, 12):
        client.get("/api/v1/visits/", {"page_size": size})  # warm per-request caches alike
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/visits/", {"page_size": size})
        assert len(response.json()["results"]) == size
        assert all(len(v["answers"]) == 3 for v in response.json()["results"])
        counts[size] = len(ctx)
    assert counts[2] == counts[12]


def test_list_filters_orders_and_pages_by_50(actors, field, client_for):
    client = client_for(actors.cora)
    a = client.put(url(uuid.uuid4()), visit_body(field, field.asg_a), format="json").json()
    b = client.put(url(uuid.uuid4()), visit_body(field, field.asg_b), format="json").json()
    Visit.objects.filter(pk=b["id"]).update(status=Visit.Status.SUBMITTED)

    assert [v["id"] for v in client.get("/api/v1/visits/", {"status": "draft"}).json()["results"]] == [a["id"]]
    assert [v["id"] for v in client.get("/api/v1/visits/", {"school": actors.school_b.pk}).json()["results"]] == [
        b["id"]
    ]
    ordered = client.get("/api/v1/visits/", {"ordering": "created_at"}).json()
    assert [v["id"] for v in ordered["results"]] == [a["id"], b["id"]]
    assert ordered["count"] == 2 and ordered["next"] is None
    bad = client.get("/api/v1/visits/", {"status": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_a_visit_reads_the_same_in_the_list_and_on_its_own(actors, field, client_for):
    """The list splices stored answer JSON for speed; it must say exactly what the detail says."""
    client = client_for(actors.bob)
    vid = uuid.uuid4()
    body = visit_body(
        field,
        members_present=[actors.alice.pk],
        evidence=[{"id": str(uuid.uuid4()), "sha256": "b" * 64, "size": 10, "caption": "ห้องเรียน"}],
    )
    body["answers"] += [
        {"item": field.items["C1"].pk, "value": "good"},
        {"item": field.items["N1"].pk, "value": 2.5},
        {"item": field.items["T1"].pk, "value": 'ข้อสังเกต "พิเศษ"'},
    ]
    client.put(url(vid), body, format="json")
    listed = client.get("/api/v1/visits/").json()["results"]
    assert listed == [client.get(url(vid)).json()]
    assert {a["item"]: a["value"] for a in listed[0]["answers"]}[field.items["T1"].pk] == 'ข้อสังเกต "พิเศษ"'
