import datetime
import hashlib
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories as f
from tests.api.conftest import visit_body
from visits.models import Evidence, FollowUp, Visit, VisitTransition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png_bytes(color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="PNG")
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _visit_with_manifest(client, field, data: bytes, *, item=None):
    vid, ev = uuid.uuid4(), uuid.uuid4()
    manifest = {"id": str(ev), "sha256": sha(data), "size": len(data), "kind": "photo"}
    if item is not None:
        manifest["item"] = item.pk
    response = client.put(f"/api/v1/visits/{vid}/", visit_body(field, evidence=[manifest]), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["evidence_missing"] == [str(ev)]
    return vid, ev


def upload(client, vid, ev, data: bytes, digest: str | None = None, name: str = "photo.png", **headers):
    return client.put(
        f"/api/v1/visits/{vid}/evidence/{ev}/",
        {"file": SimpleUploadedFile(name, data), "sha256": digest or sha(data)},
        format="multipart",
        **headers,
    )


def test_evidence_upload_is_idempotent_and_clears_the_missing_list(actors, field, client_for):
    client = client_for(actors.bob)
    data = png_bytes()
    vid, ev = _visit_with_manifest(client, field, data)

    first = upload(client, vid, ev, data)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["evidence_missing"] == []
    assert body["evidence"][0]["uploaded"] is True and body["evidence"][0]["content_type"] == "image/png"
    assert body["evidence"][0]["thumbnail_url"]
    again = upload(client, vid, ev, data)
    assert again.status_code == 200
    assert again.json() == body


def test_a_wrong_hash_is_rejected_and_nothing_is_stored(actors, field, client_for):
    client = client_for(actors.bob)
    data = png_bytes()
    vid, ev = _visit_with_manifest(client, field, data)
    other = png_bytes((0, 0, 255))
    response = upload(client, vid, ev, other, HTTP_ACCEPT_LANGUAGE="en")  # hash of other bytes, not the listed
    assert response.status_code == 400
    assert response.json()["code"] == "evidence_hash_mismatch"
    lying = upload(client, vid, ev, data, digest="0" * 64)
    assert lying.status_code == 400
    assert not Evidence.objects.get(pk=ev).is_uploaded


def test_oversized_is_413_and_wrong_type_is_415(actors, field, client_for, settings):
    client = client_for(actors.bob)
    text = b"just some text, not a photo" * 10
    vid, ev = _visit_with_manifest(client, field, text)
    wrong_type = upload(client, vid, ev, text)
    assert wrong_type.status_code == 415
    assert wrong_type.json()["code"] == "evidence_type"

    settings.EVIDENCE_MAX_BYTES = 100
    too_big = upload(client, vid, ev, text)
    assert too_big.status_code == 413
    raw = client.put(f"/api/v1/visits/{vid}/evidence/{ev}/", b"\x89PNG", content_type="image/png")
    assert raw.status_code == 415  # the API takes multipart form data only
    assert not Evidence.objects.get(pk=ev).is_uploaded


def test_evidence_of_a_visit_i_cannot_see_is_not_found(actors, field, client_for):
    data = png_bytes()
    vid, ev = _visit_with_manifest(client_for(actors.bob), field, data)
    assert upload(client_for(actors.charlie), vid, ev, data).status_code == 404
    assert upload(client_for(actors.bob), uuid.uuid4(), ev, data).status_code == 404


def test_upload_can_list_evidence_itself(actors, field, client_for):
    client = client_for(actors.bob)
    vid = uuid.uuid4()
    client.put(f"/api/v1/visits/{vid}/", visit_body(field), format="json")
    data = png_bytes()
    response = upload(client, vid, uuid.uuid4(), data)
    assert response.status_code == 201
    assert response.json()["evidence"][0]["size"] == len(data)


def _transition(client, vid, to, comment="", **extra):
    return client.post(f"/api/v1/visits/{vid}/transitions/", {"to": to, "comment": comment, **extra}, format="json")


def test_the_review_workflow_through_the_api(actors, field, client_for):
    bob, alice, dana, charlie = (client_for(p) for p in (actors.bob, actors.alice, actors.dana, actors.charlie))
    data = png_bytes()
    vid, ev = _visit_with_manifest(bob, field, data, item=field.items["Y1"])

    assert _transition(bob, vid, "approved").status_code == 409  # draft → approved is not a move
    # The photo is listed but its bytes have not arrived: not submitted yet, and the refusal says which file.
    early = _transition(bob, vid, "submitted")
    assert early.status_code == 409 and early.json()["code"] == "files_missing"
    assert [m["id"] for m in early.json()["missing_files"]] == [str(ev)]
    assert Visit.objects.get(pk=vid).status == "draft"
    assert upload(bob, vid, ev, data).status_code in (200, 201)
    submitted = _transition(bob, vid, "submitted")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.headers["ETag"] == '"v2"'

    wrong_role = _transition(bob, vid, "approved", HTTP_ACCEPT_LANGUAGE="en")
    assert wrong_role.status_code == 409
    assert wrong_role.json()["code"] == "wrong_role"
    no_comment = _transition(alice, vid, "returned")
    assert no_comment.status_code == 409 and no_comment.json()["code"] == "comment_required"
    assert _transition(charlie, vid, "approved").status_code == 404
    assert _transition(dana, vid, "approved").status_code == 404  # not approved yet: dana cannot see it
    assert _transition(alice, vid, "approved", version=1).status_code == 412

    returned = _transition(alice, vid, "returned", "เพิ่มหลักฐานการวัดผล")
    assert returned.status_code == 200
    edit = bob.put(
        f"/api/v1/visits/{vid}/",
        {"findings": {"recommendations": ["ทำแผนวัดผล", "อบรมครู"]}, "version": returned.json()["version"]},
        format="json",
    )
    assert edit.status_code == 200
    assert _transition(bob, vid, "submitted").status_code == 200
    approved = _transition(alice, vid, "approved")
    assert approved.status_code == 200
    assert FollowUp.objects.filter(source_visit_id=vid).count() == 2

    assert dana.get(f"/api/v1/visits/{vid}/").status_code == 200
    assert _transition(dana, vid, "acknowledged").status_code == 409  # a response is required
    ack = _transition(dana, vid, "acknowledged", "รับทราบและจะดำเนินการ")
    assert ack.status_code == 200 and ack.json()["school_response"] == "รับทราบและจะดำเนินการ"
    log = list(VisitTransition.objects.filter(visit_id=vid).values_list("from_status", "to_status"))
    assert log == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
        ("approved", "acknowledged"),
    ]


def test_my_assignments_of_a_day_carry_the_schools_open_follow_ups(actors, field, client_for):
    f.FollowUpFactory(school=actors.school_a, recommendation="ปรับปรุงห้องสมุด", due_date=datetime.date(2020, 9, 1))
    f.FollowUpFactory(school=actors.school_a, status=FollowUp.Status.VERIFIED)
    later = f.AssignmentFactory(
        round=field.round, committee=actors.committee_a, date=datetime.date(2020, 8, 4), day_order=2
    )
    vid = uuid.uuid4()
    client_for(actors.bob).put(f"/api/v1/visits/{vid}/", visit_body(field), format="json")

    body = client_for(actors.bob).get("/api/v1/assignments/", {"date": "2020-08-03"}).json()
    assert [a["id"] for a in body["results"]] == [field.asg_a.pk]
    mine = body["results"][0]
    assert mine["school"]["id"] == actors.school_a.pk
    assert mine["instrument_version"] == field.version.pk
    assert mine["visit"] == str(vid)
    assert [fu["recommendation"] for fu in mine["open_followups"]] == ["ปรับปรุงห้องสมุด"]
    all_days = client_for(actors.alice).get("/api/v1/assignments/").json()["results"]
    assert [a["id"] for a in all_days] == [field.asg_a.pk, later.pk]
    charlie = client_for(actors.charlie).get("/api/v1/assignments/", {"date": "2020-08-03"}).json()["results"]
    assert [a["id"] for a in charlie] == [field.asg_b.pk]
    assert client_for(actors.bob).get("/api/v1/assignments/", {"date": "2020-13-45"}).status_code == 400


def test_school_director_moves_her_follow_ups_along(actors, field, client_for):
    mine = f.FollowUpFactory(school=actors.school_a)
    theirs = f.FollowUpFactory(school=actors.school_b)
    dana = client_for(actors.dana)

    listed = dana.get("/api/v1/followups/").json()
    assert [fu["id"] for fu in listed["results"]] == [mine.pk]
    done = dana.patch(f"/api/v1/followups/{mine.pk}/", {"status": "in_progress", "notes": "เริ่มแล้ว"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "in_progress" and done.json()["notes"] == "เริ่มแล้ว"
    assert dana.patch(f"/api/v1/followups/{theirs.pk}/", {"status": "done"}, format="json").status_code == 404
    verify = dana.patch(f"/api/v1/followups/{mine.pk}/", {"status": "verified"}, format="json")
    assert verify.status_code == 409  # only the office verifies
    assert client_for(actors.cora).get(f"/api/v1/followups/{theirs.pk}/").status_code == 200


def test_visit_status_visible_to_the_school_only_once_approved(actors, field, client_for):
    vid = uuid.uuid4()
    client_for(actors.bob).put(f"/api/v1/visits/{vid}/", visit_body(field), format="json")
    dana = client_for(actors.dana)
    assert dana.get("/api/v1/visits/").json()["count"] == 0
    Visit.objects.filter(pk=vid).update(status=Visit.Status.APPROVED)
    assert dana.get("/api/v1/visits/").json()["count"] == 1


def test_evidence_is_downloaded_only_through_the_access_rule(actors, field, client_for):
    bob = client_for(actors.bob)
    data = png_bytes()
    vid, ev = _visit_with_manifest(bob, field, data)
    listed = upload(bob, vid, ev, data).json()["evidence"][0]
    assert listed["url"] == f"/api/v1/visits/{vid}/evidence/{ev}/"  # never a /media/ storage address
    assert listed["thumbnail_url"] == f"{listed['url']}?thumbnail=1"

    got = bob.get(listed["url"])
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == data
    thumb = bob.get(listed["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    # charlie sits on another committee: the file does not exist for him
    assert client_for(actors.charlie).get(listed["url"]).status_code == 404
    assert bob.get(f"/api/v1/visits/{vid}/evidence/{uuid.uuid4()}/").status_code == 404
    # and the stored file is not reachable by its storage path, logged in or not
    stored = Evidence.objects.get(pk=ev).file.name
    assert bob.get(f"/media/{stored}").status_code == 404


def test_followup_evidence_is_downloaded_by_its_school_not_by_others(actors, client_for):
    from django.core.files.base import ContentFile

    followup = f.FollowUpFactory(school=actors.school_a)
    followup.evidence.save("plan.pdf", ContentFile(b"%PDF-1.4 follow-up plan"))
    listed = client_for(actors.dana).get(f"/api/v1/followups/{followup.pk}/").json()
    assert listed["evidence_url"] == f"/api/v1/followups/{followup.pk}/evidence/"
    got = client_for(actors.dana).get(listed["evidence_url"])
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content).startswith(b"%PDF-1.4")
    assert client_for(actors.charlie).get(listed["evidence_url"]).status_code == 404


def test_a_photo_above_the_pixel_limit_is_413_through_the_api(actors, field, client_for, settings):
    """EVIDENCE_MAX_PIXELS is read from the header: a 3,000 × 2,000 photo with the limit at 5 Mpx."""
    from PIL import Image

    settings.EVIDENCE_MAX_PIXELS = 5_000_000
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (10, 20, 30)).save(out, "PNG")
    data = out.getvalue()
    client = client_for(actors.bob)
    vid, ev = _visit_with_manifest(client, field, data)
    response = upload(client, vid, ev, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413 and response.json()["code"] == "evidence_too_many_pixels"
    assert "3,000 × 2,000 pixels" in response.json()["detail"]
    assert not Evidence.objects.get(pk=ev).is_uploaded


def test_a_photo_turned_by_exif_is_served_as_the_tablet_sent_it(actors, field, client_for):
    """Issue #12: the photo the tablet listed (its hash and size) is the one the API serves back, byte for byte;
    turning it upright is the thumbnail's business, and the listed width and height are as seen upright."""
    from PIL import ExifTags

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # camera held sideways: turn 90° clockwise to view
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 200)).save(buf, format="JPEG", exif=exif)
    data = buf.getvalue()
    client = client_for(actors.bob)
    vid, ev = _visit_with_manifest(client, field, data)
    stored = upload(client, vid, ev, data, name="photo.jpg")
    assert stored.status_code == 201, stored.json()
    listed = stored.json()["evidence"][0]
    assert listed["sha256"] == sha(data) and listed["size"] == len(data)

    served = client.get(listed["url"])
    assert served.status_code == 200
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert body == data and sha(body) == listed["sha256"]
    thumbnail = client.get(listed["thumbnail_url"])
    assert thumbnail.status_code == 200
    thumb = b"".join(thumbnail.streaming_content) if thumbnail.streaming else thumbnail.content
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.width < im.height  # upright: the sideways 40×20 frame reads as portrait
