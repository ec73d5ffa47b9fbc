"""The server side of the field app: one write plan for PUT and sync (notes count), signatures, GPS warnings,
"prepare for offline", no unchanged resubmission, and a queued visit keeping its instrument version."""

import datetime
import hashlib
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories as f
from tests.api.conftest import visit_body
from visits.models import Signature, Visit

pytestmark = pytest.mark.django_db
SYNC = "/api/v1/sync/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(color=(20, 20, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 120), color).save(buf, format="PNG")
    return buf.getvalue()


def put_submittable(client, field, vid, **extra) -> str:
    """Record a visit that may be submitted: Y1 needs a photo, listed and then uploaded (a visit is submitted
    only once its files arrived). Returns the photo's id."""
    data = png((90, 140, 60))
    photo = {
        "id": str(uuid.uuid4()),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "kind": "photo",
        "item": field.items["Y1"].pk,
    }
    assert client.put(
        f"/api/v1/visits/{vid}/", visit_body(field, evidence=[photo], **extra), format="json"
    ).status_code in (200, 201)
    uploaded = client.put(
        f"/api/v1/visits/{vid}/evidence/{photo['id']}/",
        {"file": SimpleUploadedFile("y1.png", data), "sha256": photo["sha256"]},
        format="multipart",
    )
    assert uploaded.status_code in (200, 201), uploaded.content
    return photo["id"]


def _answer(body, item_id):
    return next(a for a in body["answers"] if a["item"] == item_id)


def test_per_item_notes_count_on_put_and_on_sync_alike(actors, field, client_for):
    bob = client_for(actors.bob)
    r1 = field.items["R1"].pk
    by_put, by_sync = uuid.uuid4(), uuid.uuid4()
    asg2 = f.AssignmentFactory(round=field.round, committee=actors.committee_a, school=actors.school_b)
    body = visit_body(field)
    body["answers"][0]["note"] = "ครูใช้สื่อ ICT"
    created = bob.put(f"/api/v1/visits/{by_put}/", body, format="json")
    assert created.status_code == 201 and _answer(created.json(), r1)["note"] == "ครูใช้สื่อ ICT"
    synced = bob.post(
        SYNC, {"visits": [{**visit_body(field, asg2, answers=body["answers"]), "id": str(by_sync)}]}, format="json"
    )
    assert synced.json()["visits"][0]["status"] == 201
    assert _answer(synced.json()["visits"][0]["visit"], r1)["note"] == "ครูใช้สื่อ ICT"

    # The same note again changes nothing; only a new note is a change (a new version, stale quotes refused).
    again = bob.put(
        f"/api/v1/visits/{by_put}/", {"answers": [{"item": r1, "value": 3, "note": "ครูใช้สื่อ ICT"}]}, format="json"
    )
    assert again.status_code == 200 and again.json()["version"] == 1
    for vid, send in (
        (by_put, lambda b: bob.put(f"/api/v1/visits/{by_put}/", b, format="json")),
        (by_sync, lambda b: bob.post(SYNC, {"visits": [{**b, "id": str(by_sync)}]}, format="json")),
    ):
        changed = send({"answers": [{"item": r1, "value": 3, "note": "ใช้แท็บเล็ตทุกห้อง"}], "version": 1})
        copy = changed.json() if "visits" not in changed.json() else changed.json()["visits"][0]["visit"]
        assert copy["version"] == 2 and _answer(copy, r1)["note"] == "ใช้แท็บเล็ตทุกห้อง"
        assert _answer(copy, r1)["value"] == 3
        stale = send({"answers": [{"item": r1, "value": 3, "note": "อีกครั้ง"}], "version": 1})
        status = stale.status_code if "visits" not in stale.json() else stale.json()["visits"][0]["status"]
        assert status == 412
        assert Visit.objects.get(pk=vid).answers.get(item_id=r1).note == "ใช้แท็บเล็ตทุกห้อง"
    # a value sent without a note keeps the stored note
    kept = bob.put(f"/api/v1/visits/{by_put}/", {"answers": [{"item": r1, "value": 4}]}, format="json")
    assert _answer(kept.json(), r1) == {"item": r1, "value": 4, "note": "ใช้แท็บเล็ตทุกห้อง"}


def test_signatures_are_stored_once_by_device_id_listed_and_shown_to_the_reviewer(actors, field, client_for):
    bob, charlie = client_for(actors.bob), client_for(actors.charlie)
    vid, sid = uuid.uuid4(), uuid.uuid4()
    assert bob.put(f"/api/v1/visits/{vid}/", visit_body(field), format="json").status_code == 201
    image = png()
    digest = hashlib.sha256(image).hexdigest()

    def put(client, data, digest=digest, role="chair"):
        return client.put(
            f"/api/v1/visits/{vid}/signatures/{sid}/",
            {"file": SimpleUploadedFile("s.png", data), "sha256": digest, "role": role, "signer_name": "นางอรุณี"},
            format="multipart",
        )

    first = put(bob, image)
    assert first.status_code == 201, first.json()
    again = put(bob, image)
    assert again.status_code == 200
    assert Signature.objects.filter(visit_id=vid).count() == 1
    listed = again.json()["signatures"]
    assert [(s["id"], s["role"], s["signer_name"], s["sha256"]) for s in listed] == [
        (str(sid), "chair", "นางอรุณี", digest)
    ]
    assert put(bob, png((200, 0, 0)), digest=hashlib.sha256(png((200, 0, 0))).hexdigest()).status_code == 409
    assert put(bob, image, digest="0" * 64).status_code == 400
    assert put(bob, image, role="janitor").status_code == 400
    assert put(charlie, image).status_code == 404

    got = bob.get(listed[0]["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == image
    assert charlie.get(listed[0]["url"]).status_code == 404

    # the chair's (reviewer's) visit page shows the signature image through the access rule
    from django.test import Client

    web = Client()
    web.force_login(actors.alice.user)
    page = web.get(f"/visits/{vid}/").content.decode()
    assert f"/visits/{vid}/signatures/{sid}/" in page and "นางอรุณี" in page
    assert web.get(f"/visits/{vid}/signatures/{sid}/").status_code == 200


def test_a_visit_is_submitted_only_once_every_listed_file_and_signature_arrived(actors, field, client_for):
    bob = client_for(actors.bob)
    vid = uuid.uuid4()
    photo, extra = png((10, 120, 10)), png((120, 10, 10))
    ids = {"y1": str(uuid.uuid4()), "extra": str(uuid.uuid4()), "sig": str(uuid.uuid4())}
    manifest = [
        {
            "id": ids["y1"],
            "sha256": hashlib.sha256(photo).hexdigest(),
            "size": len(photo),
            "item": field.items["Y1"].pk,
        },
        {"id": ids["extra"], "sha256": hashlib.sha256(extra).hexdigest(), "size": len(extra), "caption": "ห้องสมุด"},
    ]
    body = visit_body(field, evidence=manifest)
    assert bob.put(f"/api/v1/visits/{vid}/", body, format="json").status_code == 201
    signature = png((0, 0, 90))
    files = [
        {"id": ids["y1"], "sha256": manifest[0]["sha256"]},
        {"id": ids["extra"], "sha256": manifest[1]["sha256"]},
        {"id": ids["sig"], "sha256": hashlib.sha256(signature).hexdigest(), "kind": "signature", "name": "นางอรุณี"},
    ]

    def submit(**headers):
        return bob.post(
            f"/api/v1/visits/{vid}/transitions/", {"to": "submitted", "files": files}, format="json", **headers
        )

    def upload(eid, data):
        sha = hashlib.sha256(data).hexdigest()
        form = {"file": SimpleUploadedFile("p.png", data), "sha256": sha}
        return bob.put(f"/api/v1/visits/{vid}/evidence/{eid}/", form, format="multipart")

    # Nothing has arrived: refused, naming every missing file, in Thai and English; the visit stays a draft.
    refused = submit()
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["code"] == "files_missing"
    assert {(m["id"], m["kind"], m["reason"]) for m in answer["missing_files"]} == {
        (ids["y1"], "photo", "not_received"),
        (ids["extra"], "photo", "not_received"),
        (ids["sig"], "signature", "not_received"),
    }
    assert "ยังไม่ได้รับไฟล์ 3 รายการ" in answer["detail"] and "ลายมือชื่อ นางอรุณี" in answer["detail"]
    english = submit(HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "has not received 3 file(s)" in english and "signature นางอรุณี" in english
    assert Visit.objects.get(pk=vid).status == "draft"

    # The photos arrive; the signature the tablet says it sent has not: still refused, for that one only.
    assert upload(ids["y1"], photo).status_code in (200, 201) and upload(ids["extra"], extra).status_code in (200, 201)
    assert [m["id"] for m in submit().json()["missing_files"]] == [ids["sig"]]
    # A signature under that id with other bytes is not the one the tablet holds: refused as a hash mismatch.
    other = png((1, 2, 3))
    form = {
        "file": SimpleUploadedFile("s.png", other),
        "sha256": hashlib.sha256(other).hexdigest(),
        "role": "chair",
        "signer_name": "นางอรุณี",
    }
    assert bob.put(f"/api/v1/visits/{vid}/signatures/{ids['sig']}/", form, format="multipart").status_code == 201
    mismatch = submit()
    assert mismatch.status_code == 409 and mismatch.json()["missing_files"][0]["reason"] == "hash_mismatch"
    Signature.objects.filter(pk=ids["sig"]).delete()
    form = {**form, "file": SimpleUploadedFile("s.png", signature), "sha256": files[2]["sha256"]}
    assert bob.put(f"/api/v1/visits/{vid}/signatures/{ids['sig']}/", form, format="multipart").status_code == 201

    # Everything is held with its hash: submitted.
    done = submit()
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "submitted" and done.json()["evidence_missing"] == []


def test_gps_check_in_warns_about_poor_accuracy_and_distance(actors, field, client_for, settings):
    actors.school_a.latitude, actors.school_a.longitude = 15.0, 104.6
    actors.school_a.save()
    bob = client_for(actors.bob)
    vid = uuid.uuid4()
    body = visit_body(
        field,
        check_in={"at": "2020-08-03T09:00:00+07:00", "lat": 15.0001, "lon": 104.6001, "accuracy": 8},
        check_out={"at": "2020-08-03T15:00:00+07:00", "lat": 15.03, "lon": 104.6, "accuracy": 3000},
    )
    visit = bob.put(f"/api/v1/visits/{vid}/", body, format="json").json()
    assert visit["check_in"]["inaccurate"] is False and visit["check_in"]["far"] is False
    assert visit["check_in"]["distance_m"] < 20
    assert visit["check_out"]["inaccurate"] is True and visit["check_out"]["far"] is True
    assert visit["check_out"]["distance_m"] > settings.VISIT_CHECKIN_RADIUS_M

    from django.test import Client

    web = Client()
    web.force_login(actors.alice.user)
    page = web.get(f"/visits/{vid}/").content.decode()
    assert "±3000" in page and "พิกัดไม่แม่นยำ" in page and "เกินรัศมี" in page


def test_prepare_for_offline_goes_by_round_and_state(actors, field, client_for):
    """The factories' round lies in 2563 (August 2020): dates alone would prepare nothing."""
    actors.school_a.latitude, actors.school_a.longitude = 15.0, 104.6
    actors.school_a.director = actors.dana
    actors.school_a.save()
    earlier = f.VisitFactory(
        assignment=f.AssignmentFactory(
            round=field.round,
            committee=actors.committee_a,
            school=actors.school_a,
            date=field.asg_a.date - datetime.timedelta(days=1),
            status="done",
        ),
        status=Visit.Status.APPROVED,
        recommendations=["จัดทำแผนซ่อมเสริม"],
    )
    f.FollowUpFactory(school=actors.school_a, recommendation="ปรับปรุงห้องสมุด", source_visit=earlier)
    bob = client_for(actors.bob)
    brief = bob.get("/api/v1/field/prepare/").json()
    [asg] = [a for a in brief["assignments"] if a["id"] == field.asg_a.pk]
    assert field.asg_b.pk not in {a["id"] for a in brief["assignments"]}  # not bob's committee
    assert earlier.assignment_id not in {a["id"] for a in brief["assignments"]}  # done: nothing to prepare
    assert asg["school"]["map_url"].endswith("15.000000,104.600000")
    assert asg["school"]["director"]["name"].endswith(actors.dana.last_name)
    assert asg["last_visit"]["recommendations"] == ["จัดทำแผนซ่อมเสริม"]
    assert [fu["recommendation"] for fu in asg["open_followups"]] == ["ปรับปรุงห้องสมุด"]
    assert {m["id"] for m in asg["committee"]["members"]} == {actors.alice.pk, actors.bob.pk}
    version = brief["instruments"][str(field.version.pk)]
    items = [i for s in version["sections"] for i in s["items"]]
    assert {i["code"] for i in items} == set(field.items)
    assert any(i["levels"] for i in items if i["type"] == "rating")

    # a visit submitted leaves the list; once the chair returns it, it is back with the chair's comment
    vid = uuid.uuid4()
    put_submittable(bob, field, vid)
    assert bob.post(f"/api/v1/visits/{vid}/transitions/", {"to": "submitted"}, format="json").status_code == 200
    assert field.asg_a.pk not in {a["id"] for a in bob.get("/api/v1/field/prepare/").json()["assignments"]}
    alice = client_for(actors.alice)
    alice.post(f"/api/v1/visits/{vid}/transitions/", {"to": "returned", "comment": "ขอภาพเพิ่ม"}, format="json")
    brief = bob.get("/api/v1/field/prepare/").json()
    [asg] = [a for a in brief["assignments"] if a["id"] == field.asg_a.pk]
    assert asg["visit"] == str(vid) and asg["returned"]["comment"] == "ขอภาพเพิ่ม"
    assert brief["visits"][str(vid)]["status"] == "returned"
    assert client_for(actors.charlie).get("/api/v1/field/prepare/").json()["assignments"][0]["id"] == field.asg_b.pk


def test_a_returned_visit_cannot_be_resubmitted_unchanged(actors, field, client_for):
    bob, alice = client_for(actors.bob), client_for(actors.alice)
    vid = uuid.uuid4()
    put_submittable(bob, field, vid)
    assert bob.post(f"/api/v1/visits/{vid}/transitions/", {"to": "submitted"}, format="json").status_code == 200
    alice.post(f"/api/v1/visits/{vid}/transitions/", {"to": "returned", "comment": "ขอข้อเสนอแนะเพิ่ม"}, format="json")
    unchanged = bob.post(f"/api/v1/visits/{vid}/transitions/", {"to": "submitted"}, format="json")
    assert unchanged.status_code == 409 and unchanged.json()["code"] == "unchanged_since_return"
    # the same content sent again is not a change either
    bob.put(f"/api/v1/visits/{vid}/", visit_body(field), format="json")
    assert bob.post(f"/api/v1/visits/{vid}/transitions/", {"to": "submitted"}, format="json").status_code == 409
    edited = visit_body(field, findings={"recommendations": ["จัดทำแผนพัฒนาการวัดผล", "อบรมครูเรื่อง PLC"]})
    assert bob.put(f"/api/v1/visits/{vid}/", edited, format="json").status_code == 200
    assert bob.post(f"/api/v1/visits/{vid}/transitions/", {"to": "submitted"}, format="json").status_code == 200


def test_a_queued_visit_keeps_its_instrument_version_when_a_new_one_is_published(actors, field, client_for):
    """The tablet prepared version 1; the office publishes version 2 before the tablet is back online."""
    bob = client_for(actors.bob)
    prepared = bob.get("/api/v1/field/prepare/").json()
    [asg] = [a for a in prepared["assignments"] if a["id"] == field.asg_a.pk]
    assert asg["instrument_version"] == field.version.pk
    newer = f.InstrumentVersionFactory(instrument=field.version.instrument)
    field.round.instrument = newer
    field.round.save()

    vid = uuid.uuid4()
    queued = {**visit_body(field), "instrument_version": asg["instrument_version"], "id": str(vid)}
    result = bob.post(SYNC, {"visits": [queued]}, format="json").json()["visits"][0]
    assert result["status"] == 201, result
    assert result["visit"]["instrument_version"] == field.version.pk
    assert Visit.objects.get(pk=vid).instrument_version_id == field.version.pk
    # later edits quoting the version it was made with are fine; another version is refused
    again = bob.post(SYNC, {"visits": [{**queued, "version": 1}]}, format="json").json()["visits"][0]
    assert again["status"] == 200
    other = bob.put(f"/api/v1/visits/{vid}/", {"instrument_version": newer.pk}, format="json")
    assert other.status_code == 400
