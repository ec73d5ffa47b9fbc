"""Actions from resolutions reported to done through their lifecycle, and the files of meetings, documents and
learning exchanges: uploaded through the pages and the API, checked by content, size-limited, hashed,
downloadable only under the access rules, and public only for published meetings."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meetings import actions, services, workflow
from meetings.models import DocumentVersion, LearningExchange, MeetingAction, MeetingPhoto, ParticipationRecord
from tests.meetings.conftest import make_meeting
from tests.meetings.test_meetings import hold
from worker import notify
from worker.models import Event, Notification
from worker.rules import bangkok_at

pytestmark = pytest.mark.django_db


def png_bytes(color=(200, 30, 30), size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def invited(board):
    meeting = make_meeting(board, dt.date(2020, 7, 10))
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    return meeting


@pytest.fixture
def action(board, invited):
    item = services.agenda_item_add(meeting_id=invited.pk, user=board.sami.user, parent_number=4, title="ติดตามผล")
    services.resolution_add(
        item_id=item.pk,
        user=board.sami.user,
        kind="actions",
        text="มอบกลุ่มนิเทศจัดทำรายงาน",
        actions=[{"title": "จัดทำรายงานสรุปผลการนิเทศ", "owner": board.bob, "due_date": dt.date(2020, 8, 31)}],
    )
    return MeetingAction.objects.get()


# --- Actions ----------------------------------------------------------------------------------------------------


def test_the_action_check_is_a_table():
    owner, secretary = frozenset({"owner"}), frozenset({"secretary"})
    assert actions.check_action_transition("open", "in_progress", owner) is None
    assert actions.check_action_transition("open", "done", owner).code == "note_required"
    assert actions.check_action_transition("open", "done", owner, note="ส่งรายงานแล้ว") is None
    assert actions.check_action_transition("done", "in_progress", owner).code == "wrong_role"
    assert actions.check_action_transition("done", "in_progress", secretary).code == "reason_required"
    assert actions.check_action_transition("done", "in_progress", secretary, note="ขาดภาคผนวก") is None
    assert actions.check_action_transition("in_progress", "open", secretary).code == "not_allowed"
    assert actions.check_action_transition("open", "progress", owner).code == "note_required"
    assert actions.check_action_transition("done", "progress", owner, note="x").code == "already_done"
    assert actions.check_action_transition("open", "in_progress", frozenset()).code == "wrong_role"


def test_the_owner_reports_an_action_to_done_on_its_page_and_reminders_stop(board, action, client):
    client.force_login(board.bob.user)
    page = client.get("/meetings/actions/").content.decode()
    assert "จัดทำรายงานสรุปผลการนิเทศ" in page and "งานของฉัน" in page and "รายงานความคืบหน้า" in page
    client.post(f"/meetings/actions/{action.pk}/", {"to": "progress", "note": "รวบรวมข้อมูลแล้วร้อยละ 50"})
    action.refresh_from_db()
    assert action.status == "open" and "รวบรวมข้อมูลแล้วร้อยละ 50" in action.notes
    refused = client.post(f"/meetings/actions/{action.pk}/", {"to": "done", "note": ""}, follow=True)
    assert "ต้องระบุผลการดำเนินงาน" in refused.content.decode()
    action.refresh_from_db()
    assert action.status == "open"
    client.post(f"/meetings/actions/{action.pk}/", {"to": "done", "note": "ส่งรายงานถึง ผอ.เขต แล้ว"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    assert action.notes.count("\n") == 1 and "รายงานว่าดำเนินการแล้ว: ส่งรายงานถึง ผอ.เขต แล้ว" in action.notes
    assert action.history.count() >= 3
    # done: the worker owes the owner no overdue reminder
    notify.create_due_notifications(bangkok_at(dt.date(2020, 9, 2), dt.time(9, 0)))
    assert not Notification.objects.filter(event=Event.MEETING_ACTION_OVERDUE).exists()
    # the owner may not reopen; the secretary may, with the reason
    assert "ให้ดำเนินการต่อ" not in client.get("/meetings/actions/").content.decode()
    client.post(f"/meetings/actions/{action.pk}/", {"to": "in_progress", "note": "ขอแก้"})
    action.refresh_from_db()
    assert action.status == "done"
    client.force_login(board.sami.user)
    client.post(f"/meetings/actions/{action.pk}/", {"to": "in_progress", "note": "ให้เพิ่มภาคผนวก"})
    action.refresh_from_db()
    assert action.status == "in_progress" and action.done_at is None
    # someone who does not see the meeting and does not own the action: 404
    client.force_login(board.charlie.user)
    assert "จัดทำรายงานสรุปผลการนิเทศ" not in client.get("/meetings/actions/").content.decode()
    client.post(f"/meetings/actions/{action.pk}/", {"to": "done", "note": "x"})
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_actions_through_the_api(board, action, client_for):
    mine = client_for(board.bob).get("/api/v1/meeting-actions/?mine=1").json()["results"]
    assert [a["id"] for a in mine] == [action.pk] and mine[0]["status"] == "open"
    url = f"/api/v1/meeting-actions/{action.pk}/transitions/"
    r = client_for(board.bob).post(url, {"to": "in_progress"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = client_for(board.bob).post(url, {"to": "done"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "note_required"
    r = client_for(board.bob).post(url, {"to": "sideways"}, format="json")
    assert r.status_code == 400
    assert client_for(board.charlie).post(url, {"to": "done", "note": "x"}, format="json").status_code == 404
    r = client_for(board.bob).post(url, {"to": "done", "note": "เสร็จแล้ว"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["done_at"]
    r = client_for(board.bob).post(url, {"to": "in_progress", "note": "ขอแก้"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "wrong_role"


def test_a_move_on_an_action_changed_meanwhile_is_refused(board, action, monkeypatch):
    """The claim is one conditional UPDATE on what the check saw: a write in between makes it refuse."""
    from meetings import actions as module

    real = module.check_action_transition

    def check_then_someone_else_writes(*args, **kwargs):
        MeetingAction.objects.filter(pk=action.pk).update(status="in_progress")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "check_action_transition", check_then_someone_else_writes)
    from supervision.errors import StaleVersion

    with pytest.raises(StaleVersion):
        actions.action_transition(action_id=action.pk, user=board.bob.user, to="done", note="เสร็จ")
    action.refresh_from_db()
    assert action.notes == "" and action.done_at is None  # the refused move wrote nothing


# --- Meeting photos and agenda papers ----------------------------------------------------------------------------


def test_photos_and_agenda_papers_through_the_api_are_checked_hashed_and_scoped(board, invited, client_for, settings):
    sami = client_for(board.sami)
    data = png_bytes()
    r = sami.post(
        f"/api/v1/meetings/{invited.pk}/photos/",
        {"image": upload("ประชุม.png", data), "caption": "บรรยากาศการประชุม"},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    photo = r.json()
    assert photo["sha256"] == hashlib.sha256(data).hexdigest() and photo["size"] == len(data)
    assert photo["content_type"] == "image/png" and photo["original_name"] == "ประชุม.png"
    # content, not name: a PDF is no photo, a PNG named .pdf is refused, text is nothing we keep
    for name, body in [("scan.pdf", PDF), ("photo.pdf", data), ("notes.png", "ข้อความ".encode())]:
        r = sami.post(f"/api/v1/meetings/{invited.pk}/photos/", {"image": upload(name, body)}, format="multipart")
        assert r.status_code == 415, (name, r.content)
    settings.EVIDENCE_MAX_BYTES = 1000
    big = png_bytes(size=(400, 400)) + b"\0" * 2000
    r = sami.post(f"/api/v1/meetings/{invited.pk}/photos/", {"image": upload("big.png", big)}, format="multipart")
    assert r.status_code == 413
    settings.EVIDENCE_MAX_BYTES = 15 * 1024 * 1024
    assert MeetingPhoto.objects.count() == 1

    item = invited.agenda.get(parent__isnull=True, number=4)
    r = sami.post(
        f"/api/v1/meetings/{invited.pk}/attachments/",
        {"item": item.pk, "title": "ร่างแผนปฏิบัติการ", "file": upload("ร่างแผน.docx", docx_bytes())},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert r.json()["content_type"].endswith("wordprocessingml.document")
    attachment_url = r.json()["url"]
    detail = client_for(board.bob).get(f"/api/v1/meetings/{invited.pk}/").json()
    assert [p["id"] for p in detail["photos"]] == [photo["id"]]
    assert [a["title"] for i in detail["agenda"] for a in i["attachments"]] == ["ร่างแผนปฏิบัติการ"]
    # a member who is not the secretary may read but not add; an outsider sees nothing
    r = client_for(board.bob).post(
        f"/api/v1/meetings/{invited.pk}/photos/", {"image": upload("a.png", data)}, format="multipart"
    )
    assert r.status_code == 403
    r = client_for(board.charlie).post(
        f"/api/v1/meetings/{invited.pk}/photos/", {"image": upload("a.png", data)}, format="multipart"
    )
    assert r.status_code == 404

    from django.test import Client

    web = Client()
    web.force_login(board.bob.user)
    got = web.get(photo["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == data
    assert web.get(photo["thumbnail_url"])["Content-Type"] == "image/jpeg"
    assert web.get(attachment_url).status_code == 200
    web.force_login(board.charlie.user)
    assert web.get(photo["url"]).status_code == 404
    assert web.get(attachment_url).status_code == 404
    assert Client().get(attachment_url).status_code == 302  # anonymous: sign in first


def test_certified_minutes_take_no_more_files(board, client_for):
    first = hold(board, make_meeting(board, dt.date(2020, 7, 10)))
    second = make_meeting(board, dt.date(2020, 8, 10))
    workflow.meeting_transition(meeting_id=second.pk, to="invited", user=board.sami.user)
    services.minutes_certify(meeting_id=first.pk, at_meeting_id=second.pk, user=board.sami.user)
    r = client_for(board.sami).post(
        f"/api/v1/meetings/{first.pk}/photos/", {"image": upload("late.png", png_bytes())}, format="multipart"
    )
    assert r.status_code == 409 and r.json()["code"] == "minutes_locked"


def test_the_secretary_adds_photos_and_papers_on_the_meeting_page(board, invited, client):
    client.force_login(board.sami.user)
    item = invited.agenda.get(parent__isnull=True, number=1)
    client.post(
        f"/meetings/{invited.pk}/attachments/",
        {"item": item.pk, "title": "หนังสือแจ้งนโยบาย", "file": upload("policy.pdf", PDF)},
    )
    client.post(
        f"/meetings/{invited.pk}/photos/",
        {"image": [upload("1.png", png_bytes()), upload("2.png", png_bytes((0, 90, 0)))], "caption": "ภาพหมู่"},
    )
    bad = client.post(f"/meetings/{invited.pk}/photos/", {"image": upload("x.png", PDF)}, follow=True)
    assert "ภาพต้องเป็นไฟล์ JPEG, PNG หรือ WebP" in bad.content.decode()
    page = client.get(f"/meetings/{invited.pk}/").content.decode()
    assert "หนังสือแจ้งนโยบาย" in page and "ภาพที่ 1 ภาพหมู่" in page and "ภาพที่ 2 ภาพหมู่" in page
    assert invited.photos.count() == 2


def test_photos_are_public_only_for_a_published_meeting(board, client):
    meeting = hold(board, make_meeting(board, dt.date(2020, 7, 10)))
    photo = services.meeting_photo_add(
        meeting_id=meeting.pk, user=board.sami.user, upload=upload("p.png", png_bytes()), caption="ก.ต.ป.น."
    )
    code = meeting.office.code
    page_url = f"/meetings/public/{code}/meetings/{meeting.pk}/photos/"
    assert client.get(page_url).status_code == 404
    assert client.get(f"/meetings/public/{code}/photos/{photo.pk}/").status_code == 404
    services.participation_from_meeting(meeting=meeting, publish=True)
    page = client.get(page_url)
    assert page.status_code == 200 and "ก.ต.ป.น." in page.content.decode()
    assert client.get(f"/meetings/public/{code}/photos/{photo.pk}/thumb/")["Content-Type"] == "image/jpeg"
    # another office's code does not reach it
    from tests import factories as f

    other = f.AreaOfficeFactory()
    assert client.get(f"/meetings/public/{other.code}/photos/{photo.pk}/").status_code == 404


# --- Documents -------------------------------------------------------------------------------------------------


def test_documents_get_versions_with_checked_hashed_files(board, client, client_for):
    client.force_login(board.cora.user)
    r = client.post(
        "/meetings/documents/new/",
        {"title": "คู่มือการนิเทศ", "kind": "manual", "description": "", "file": upload("คู่มือ.docx", docx_bytes())},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    doc_url = r["Location"]
    doc_id = int(doc_url.rstrip("/").rsplit("/", 1)[1])
    client.post(f"/meetings/documents/{doc_id}/versions/", {"file": upload("v2.pdf", PDF), "note": "ปรับตามมติ"})
    bad = client.post(f"/meetings/documents/{doc_id}/versions/", {"file": upload("v3.pdf", png_bytes())}, follow=True)
    assert "ชื่อไฟล์ระบุเป็น .pdf แต่เนื้อไฟล์เป็น image/png" in bad.content.decode()
    versions = list(DocumentVersion.objects.filter(document_id=doc_id).order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[1].sha256 == hashlib.sha256(PDF).hexdigest()
    page = client.get(doc_url).content.decode()
    assert versions[1].sha256 in page and "คู่มือ.docx" in page
    got = client.get(f"/meetings/files/version/{versions[1].pk}/")
    assert b"".join(got.streaming_content) == PDF and got["Content-Type"] == "application/pdf"
    # a supervisor reads documents but does not add versions
    r = client_for(board.bob).post(
        f"/api/v1/documents/{doc_id}/versions/", {"file": upload("v3.pdf", PDF)}, format="multipart"
    )
    assert r.status_code == 403
    r = client_for(board.cora).post(
        f"/api/v1/documents/{doc_id}/versions/", {"file": upload("v3.pdf", PDF)}, format="multipart"
    )
    assert r.status_code == 201 and r.json()["number"] == 3
    listed = client_for(board.bob).get(f"/api/v1/documents/{doc_id}/").json()
    assert [v["number"] for v in listed["versions"]] == [3, 2, 1]


# --- Learning exchanges ----------------------------------------------------------------------------------------


EXCHANGE = {
    "event": "การประชุมเชิงปฏิบัติการแลกเปลี่ยนเรียนรู้",
    "start_date": "25/06/2563",
    "end_date": "26/06/2563",
    "place": "โรงเรียนเบญจะมะมหาราช",
    "topic": "การจัดการเรียนการสอนทางไกลช่วงโควิด-19",
    "learnt": "แนวทางการสอนออนไลน์ของโรงเรียนต้นแบบ",
    "usage": "ปรับแผนการนิเทศทางไกล",
    "count_office": "12",
    "count_school": "81",
    "count_ktpn": "0",
    "count_other": "3",
    "participants_note": "ผู้บริหารโรงเรียน 81 คน และโรงเรียนต้นแบบ 3 แห่ง",
}


def test_a_learning_exchange_is_recorded_on_its_form_with_attachments(board, client):
    client.force_login(board.dana.user)  # a school director records her consortium's exchange
    page = client.get("/meetings/exchanges/new/").content.decode()
    assert "ผู้เข้าร่วม จำแนกตามกลุ่ม" in page and "24/07/2563" in page
    bad = client.post("/meetings/exchanges/new/", {**EXCHANGE, "start_date": "2020-06-25"})
    assert "วันที่ไม่ถูกต้อง" in bad.content.decode() and not LearningExchange.objects.exists()
    r = client.post(
        "/meetings/exchanges/new/", {**EXCHANGE, "files": [upload("สรุป.pdf", PDF), upload("ภาพ.png", png_bytes())]}
    )
    assert r.status_code == 302
    x = LearningExchange.objects.get()
    assert x.start_date == dt.date(2020, 6, 25) and x.end_date == dt.date(2020, 6, 26) and x.count_school == 81
    assert sorted(a.content_type for a in x.attachments.all()) == ["application/pdf", "image/png"]
    record = ParticipationRecord.objects.get(exchange=x)
    assert record.total == 96 and record.published_at is None
    listing = client.get("/meetings/participation/").content.decode()
    assert "สรุป.pdf" in listing and "การจัดการเรียนการสอนทางไกลช่วงโควิด-19" in listing
    # a file that is not what it says refuses the whole record: nothing half-saved
    client.post("/meetings/exchanges/new/", {**EXCHANGE, "event": "อีกครั้ง", "files": [upload("a.pdf", b"MZ\x90")]})
    assert LearningExchange.objects.count() == 1
    client.force_login(board.vera.user)  # a viewer reads, does not record
    assert client.get("/meetings/exchanges/new/").status_code == 404


def test_a_learning_exchange_through_the_api(board, client_for):
    body = {
        **EXCHANGE,
        "start_date": "2020-06-25",
        "end_date": "2020-06-26",
        "files": [upload("สรุป.pdf", PDF)],
    }
    r = client_for(board.cora).post("/api/v1/learning-exchanges/", body, format="multipart")
    assert r.status_code == 201, r.content
    assert r.json()["attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    r = client_for(board.cora).post(
        "/api/v1/learning-exchanges/", {**body, "files": [], "learnt": "", "count_school": 0}, format="multipart"
    )
    assert r.status_code == 400
    r = client_for(board.vera).post("/api/v1/learning-exchanges/", {**body, "files": []}, format="multipart")
    assert r.status_code == 403
    assert len(client_for(board.bob).get("/api/v1/learning-exchanges/").json()["results"]) == 1


# --- Resolutions recorded on the page and through the API --------------------------------------------------------


def test_the_secretary_records_resolutions_on_the_meeting_page(board, invited, client):
    doc = services.document_create(office_id=board.office.pk, user=board.cora.user, title="แผนปฏิบัติการนิเทศ 2563")
    v1 = services.document_version_add(document=doc, user=board.cora.user, file=upload("v1.pdf", PDF))
    item = services.agenda_item_add(meeting_id=invited.pk, user=board.sami.user, parent_number=4, title="แผนนิเทศ")
    client.force_login(board.sami.user)
    page = client.get(f"/meetings/{invited.pk}/").content.decode()
    assert "บันทึกมติที่ประชุม" in page and "แผนปฏิบัติการนิเทศ 2563 ฉบับที่ 1" in page
    bad = client.post(
        f"/meetings/{invited.pk}/resolutions/",
        {
            "item": item.pk,
            "kind": "actions",
            "text": "มอบหมาย",
            "action-0-title": "ทำคู่มือ",
            "action-0-owner": board.bob.pk,
            "action-0-due": "2020-08-31",
        },
        follow=True,
    )
    assert "งานข้อ 1: วันที่ไม่ถูกต้อง" in bad.content.decode() and not MeetingAction.objects.exists()
    client.post(
        f"/meetings/{invited.pk}/resolutions/",
        {
            "item": item.pk,
            "kind": "actions",
            "text": "มอบกลุ่มนิเทศทำคู่มือ",
            "action-0-title": "ทำคู่มือ",
            "action-0-owner": board.bob.pk,
            "action-0-due": "31/08/2563",
        },
    )
    action = MeetingAction.objects.get()
    assert action.owner == board.bob and action.due_date == dt.date(2020, 8, 31)
    client.post(
        f"/meetings/{invited.pk}/resolutions/",
        {"item": item.pk, "kind": "approve", "text": "อนุมัติแผน", "document_version": v1.pk},
    )
    v1.refresh_from_db()
    assert v1.status == "approved" and v1.approved_by_resolution.item == item
    page = client.get(f"/meetings/documents/{doc.pk}/").content.decode()
    assert "อนุมัติแผน" in page and f"ครั้งที่ {invited.number_label}" in page
    # approved: no longer offered to a resolution
    page = client.get(f"/meetings/{invited.pk}/").content.decode()
    offered = page[page.index('id="res-version"') :]
    offered = offered[: offered.index("</select>")]
    assert "แผนปฏิบัติการนิเทศ 2563" not in offered
    assert "แผนปฏิบัติการนิเทศ 2563 ฉบับที่ 1</a>" in page  # the resolution shows what it approved


def test_resolutions_through_the_api(board, invited, client_for):
    item = services.agenda_item_add(meeting_id=invited.pk, user=board.sami.user, parent_number=4, title="ติดตาม")
    url = f"/api/v1/meetings/{invited.pk}/resolutions/"
    body = {
        "item": item.pk,
        "kind": "actions",
        "text": "มอบหมายจัดทำรายงาน",
        "actions": [{"title": "จัดทำรายงาน", "owner": board.bob.pk, "due_date": "2020-08-31"}],
    }
    r = client_for(board.sami).post(url, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["actions"][0]["owner_name"] == board.bob.full_name
    assert client_for(board.bob).post(url, body, format="json").status_code == 403  # a member, not the secretary
    assert client_for(board.charlie).post(url, body, format="json").status_code == 404
    r = client_for(board.sami).post(url, {**body, "kind": "approve", "actions": []}, format="json")
    assert r.status_code == 400 and "document_version" in r.json()["errors"]


def test_the_coordinator_builds_and_publishes_a_participation_record(board, client):
    meeting = hold(board, make_meeting(board, dt.date(2020, 7, 10)))
    photo = services.meeting_photo_add(
        meeting_id=meeting.pk, user=board.sami.user, upload=upload("p.png", png_bytes()), caption="ภาพ"
    )
    client.force_login(board.cora.user)
    page = client.get("/meetings/participation/").content.decode()
    assert "จัดทำบันทึกจากการประชุม" in page and f"ครั้งที่ {meeting.number_label}" in page
    client.post("/meetings/participation/build/", {"meeting": meeting.pk})
    record = ParticipationRecord.objects.get(meeting=meeting)
    assert record.count_school == 1 and record.published_at is None  # dana's substitute came for her
    refused = client.post(
        f"/meetings/participation/{record.pk}/", {"usage": "", "publish": "1", "confirm": "1"}, follow=True
    )
    assert "ระบุการนำผลไปใช้ปรับปรุงก่อนเผยแพร่" in refused.content.decode()
    public_url = f"/meetings/public/{meeting.office.code}/photos/{photo.pk}/"
    assert client.get(public_url).status_code == 404
    # publishing asks first: the page says what happens and nothing is published yet
    asked = client.post(f"/meetings/participation/{record.pk}/", {"usage": "ปรับแผนการนิเทศตามข้อเสนอ", "publish": "1"})
    assert asked.status_code == 200 and "ยืนยันการเผยแพร่ต่อสาธารณะ" in asked.content.decode()
    assert 'name="confirm" value="1"' in asked.content.decode()
    record.refresh_from_db()
    assert record.published_at is None
    client.post(
        f"/meetings/participation/{record.pk}/",
        {"usage": "ปรับแผนการนิเทศตามข้อเสนอ", "publish": "1", "confirm": "1"},
    )
    record.refresh_from_db()
    assert record.published_at is not None and record.usage == "ปรับแผนการนิเทศตามข้อเสนอ"
    assert client.get(public_url).status_code == 200
    from public.ita import records

    [ita] = records(board.office)[2563]["participation"]
    photos_page = f"/meetings/public/{meeting.office.code}/meetings/{meeting.pk}/photos/"
    assert ita.links == (("ภาพกิจกรรม 1 ภาพ", photos_page),)
    assert dict(ita.details)["การนำผลไปใช้ปรับปรุง"] == "ปรับแผนการนิเทศตามข้อเสนอ"
    client.post(f"/meetings/participation/{record.pk}/", {"usage": record.usage, "publish": "0", "confirm": "1"})
    record.refresh_from_db()
    assert record.published_at is None and client.get(public_url).status_code == 404
    client.force_login(board.bob.user)  # a supervisor reads, does not publish
    client.post(f"/meetings/participation/{record.pk}/", {"usage": "x", "publish": "1", "confirm": "1"})
    record.refresh_from_db()
    assert record.published_at is None and record.usage == "ปรับแผนการนิเทศตามข้อเสนอ"


# --- The meeting's details and letter ------------------------------------------------------------------------


def test_the_secretary_sets_the_letter_and_the_minutes_signers_on_the_edit_page(board, client):
    meeting = make_meeting(board, dt.date(2020, 7, 10))
    client.force_login(board.sami.user)
    page = client.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert "10/07/2563" in page and "หนังสือเชิญประชุม" in page
    body = {
        "title": meeting.title,
        "date": "10/07/2563",
        "start_time": "09:00",
        "place": "ห้องประชุมราชพฤกษ์",
        "letter_no": "ศธ 04332/ว 1021",
        "letter_date": "26/06/2563",
        "subject": "ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 1/2563",
        "salutation": "คณะกรรมการ ก.ต.ป.น.",
        "enclosures": "ระเบียบวาระการประชุม\nเอกสารประกอบการประชุม",
        "body": "ด้วยสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาจะจัดประชุม",
        "signer": board.oscar.pk,
        "note_taker": board.sami.pk,
        "checker": board.cora.pk,
    }
    moved = client.post(f"/meetings/{meeting.pk}/edit/", {**body, "date": "10/07/2564"}, follow=True)
    assert "ย้ายการประชุมข้ามปีไม่ได้" in moved.content.decode()
    assert client.post(f"/meetings/{meeting.pk}/edit/", body).status_code == 302
    meeting.refresh_from_db()
    assert meeting.letter_date == dt.date(2020, 6, 26) and meeting.signer == board.oscar
    assert (meeting.note_taker, meeting.checker) == (board.sami, board.cora)
    from tests.reports.pdftext import pdftotext, squeeze
    from visits.reports.service import render, report_data

    text = squeeze(pdftotext(render("invitation", report_data("invitation", meeting.pk))))
    assert squeeze("ที่ ศธ 04332/ว 1021") in text and squeeze("เอกสารประกอบการประชุม") in text
    assert squeeze(board.oscar.full_name) in text
    client.force_login(board.bob.user)  # a member: reads the meeting once invited, never edits it
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 404


def test_the_meeting_is_changed_through_the_api(board, client_for):
    meeting = make_meeting(board, dt.date(2020, 7, 10))
    url = f"/api/v1/meetings/{meeting.pk}/"
    r = client_for(board.sami).patch(url, {"note_taker": board.sami.pk, "checker": board.cora.pk}, format="json")
    assert r.status_code == 200, r.content
    meeting.refresh_from_db()
    assert meeting.checker == board.cora
    r = client_for(board.sami).patch(url, {"place": "", "online_link": ""}, format="json")
    assert r.status_code == 400 and "place" in r.json()["errors"]
    assert client_for(board.bob).patch(url, {"title": "x"}, format="json").status_code == 404  # still a draft
    hold(board, meeting)  # signed: the details no longer change
    r = client_for(board.sami).patch(url, {"title": "ชื่อใหม่"}, format="json")
    assert r.status_code == 409
