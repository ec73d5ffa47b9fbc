"""Meetings through the API and the office pages, under the one access rule per object kind."""

import datetime as dt

import pytest

from meetings import services, workflow
from meetings.models import DocumentVersion, Invitation, Opinion
from tests.meetings.conftest import make_meeting
from tests.meetings.test_meetings import hold

pytestmark = pytest.mark.django_db


def test_who_sees_a_meeting(board, client_for):
    meeting = make_meeting(board)
    ids = lambda person: [m["id"] for m in client_for(person).get("/api/v1/meetings/").json()["results"]]  # noqa: E731
    assert ids(board.sami) == [meeting.pk]  # the secretary sees the draft
    assert ids(board.cora) == [meeting.pk]  # a coordinator of the office
    assert ids(board.bob) == []  # a member: not until the letters go out
    assert ids(board.charlie) == []  # not on the committee, not invited
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    assert ids(board.bob) == [meeting.pk]
    assert ids(board.charlie) == []
    assert client_for(board.charlie).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    detail = client_for(board.bob).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert detail["number_label"] == "1/2563"
    assert [i["label"] for i in detail["agenda"]] == ["1", "2", "3", "4", "5"]


def test_answering_an_invitation_through_the_api(board, client_for):
    meeting = make_meeting(board)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    mine = client_for(board.bob).get("/api/v1/invitations/").json()["results"]
    assert len(mine) == 1
    url = f"/api/v1/invitations/{mine[0]['id']}/answer/"
    bad = client_for(board.bob).post(url, {"answer": "substitute"}, format="json")
    assert bad.status_code == 400 and "substitute_name" in bad.json()["errors"]
    ok = client_for(board.bob).post(
        url,
        {"answer": "substitute", "substitute_name": "นายก ตัวแทน", "substitute_position": "ศึกษานิเทศก์"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["answer"] == "substitute"
    # someone else's invitation does not exist for you
    assert client_for(board.charlie).post(url, {"answer": "attend"}, format="json").status_code == 404
    assert client_for(board.sami).post(url, {"answer": "attend"}, format="json").status_code == 404
    # the secretary sees who answered
    rows = client_for(board.sami).get(f"/api/v1/meetings/{meeting.pk}/").json()["invitations"]
    assert {r["person"]: r["answer"] for r in rows}[board.bob.pk] == "substitute"


def test_transitions_through_the_api(board, client_for):
    meeting = make_meeting(board)
    r = client_for(board.bob).post(f"/api/v1/meetings/{meeting.pk}/transitions/", {"to": "invited"}, format="json")
    assert r.status_code == 404  # a draft is invisible to a member
    r = client_for(board.sami).post(f"/api/v1/meetings/{meeting.pk}/transitions/", {"to": "held"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_allowed"
    r = client_for(board.sami).post(
        f"/api/v1/meetings/{meeting.pk}/transitions/", {"to": "invited", "expected_version": 99}, format="json"
    )
    assert r.status_code == 412
    r = client_for(board.sami).post(f"/api/v1/meetings/{meeting.pk}/transitions/", {"to": "invited"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "invited"


def test_opinions_are_answered_by_the_office_and_public_when_published(board, client_for):
    meeting = make_meeting(board)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    r = client_for(board.bob).post(
        "/api/v1/opinions/", {"text": "ขอเอกสารล่วงหน้า", "meeting": meeting.pk}, format="json"
    )
    assert r.status_code == 201
    oid = r.json()["id"]
    assert client_for(board.charlie).get(f"/api/v1/opinions/{oid}/").status_code == 404  # not published yet
    assert (
        client_for(board.bob).post(f"/api/v1/opinions/{oid}/answer/", {"answer": "ได้"}, format="json").status_code
        == 403
    )
    r = client_for(board.cora).post(
        f"/api/v1/opinions/{oid}/answer/", {"answer": "ส่งทางระบบก่อนประชุม 3 วัน", "publish": True}, format="json"
    )
    assert r.status_code == 200 and r.json()["published_at"]
    assert client_for(board.charlie).get(f"/api/v1/opinions/{oid}/").status_code == 200
    from meetings.selectors import published_opinions

    assert list(published_opinions(board.office.pk)) == [Opinion.objects.get(pk=oid)]
    from django.test import Client

    page = Client().get(f"/meetings/public/{board.office.code}/opinions/").content.decode()
    assert "ขอเอกสารล่วงหน้า" in page and "ส่งทางระบบก่อนประชุม 3 วัน" in page


def test_a_resolution_approves_a_document_version_and_freezes_it(board, client):
    doc = services.document_create(office_id=board.office.pk, user=board.cora.user, title="คู่มือการนิเทศ", kind="manual")
    v1 = services.document_version_add(document=doc, user=board.cora.user, note="ร่างแรก")
    meeting = make_meeting(board)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    item = services.agenda_item_add(meeting_id=meeting.pk, user=board.sami.user, parent_number=4, title="คู่มือการนิเทศ")
    services.resolution_add(item_id=item.pk, user=board.sami.user, kind="changes", text="ให้ปรับปรุง", document_version=v1)
    v1.refresh_from_db()
    assert v1.status == "changes"
    v2 = services.document_version_add(document=doc, user=board.cora.user, note="ปรับปรุงแล้ว")
    res = services.resolution_add(
        item_id=item.pk, user=board.sami.user, kind="approve", text="อนุมัติ", document_version=v2
    )
    v2.refresh_from_db()
    assert v2.status == "approved" and v2.approved_by_resolution == res
    from meetings.models import VersionFrozen

    v2.note = "แก้ภายหลัง"
    with pytest.raises(VersionFrozen):
        v2.save()
    assert DocumentVersion.objects.get(pk=v2.pk).note == "ปรับปรุงแล้ว"
    client.force_login(board.bob.user)
    page = client.get(f"/meetings/documents/{doc.pk}/").content.decode()
    assert "ครั้งที่ 1/2563" in page and "อนุมัติแล้ว" in page and "ให้ปรับปรุง" in page


def test_the_secretary_runs_a_meeting_through_the_pages(board, client):
    client.force_login(board.sami.user)
    r = client.post(
        "/meetings/new/",
        {
            "committee": board.ktpn.pk,
            "date": "10/07/2563",
            "start_time": "09:00",
            "place": "ห้องประชุม 1",
            "subject": "ขอเชิญประชุม",
        },
    )
    assert r.status_code == 302
    meeting = board.ktpn.meetings.get()
    assert meeting.date == dt.date(2020, 7, 10) and meeting.number_label == "1/2563"
    bad = client.post(
        "/meetings/new/", {"committee": board.ktpn.pk, "date": "2020-07-10", "start_time": "09:00", "subject": "x"}
    )
    assert "วันที่ไม่ถูกต้อง" in bad.content.decode()
    client.post(f"/meetings/{meeting.pk}/agenda/", {"parent_number": 4, "title": "แผนนิเทศ", "presenter": board.sami.pk})
    asked = client.post(f"/meetings/{meeting.pk}/transition/", {"to": "invited"}).content.decode()
    assert "ยืนยันการส่งหนังสือเชิญ" in asked and "ผู้ได้รับเชิญ 5 คน" in asked  # asked first, nothing sent yet
    meeting.refresh_from_db()
    assert meeting.status == "draft"
    client.post(f"/meetings/{meeting.pk}/transition/", {"to": "invited", "confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.status == "invited"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "ตอบแล้ว 0 จาก 5" in page
    inv = meeting.invitations.get(person=board.dana)
    # the invitee answers from the link in the letter, no sign-in needed
    from django.test import Client

    anon = Client()
    assert anon.get(f"/meetings/answer/{inv.token}/").status_code == 200
    anon.post(f"/meetings/answer/{inv.token}/", {"answer": "absent", "reason": "ติดสอบ"})
    inv.refresh_from_db()
    assert (inv.answer, inv.reason) == ("absent", "ติดสอบ")
    assert "ตอบแล้ว 1 จาก 5" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    # attendance on the day: dana's deputy came after all
    rows = {f"att-{i.pk}": "present" for i in meeting.invitations.all()}
    rows.update(
        {f"att-{inv.pk}": "substitute", f"sub-{inv.pk}": "นางสาวมาลี แทนใจดี", "started": "09:05", "ended": "11:30"}
    )
    assert client.post(f"/meetings/{meeting.pk}/attendance/", rows).status_code == 302
    inv.refresh_from_db()
    assert inv.attended and inv.attended_substitute_name == "นางสาวมาลี แทนใจดี"
    items = {f"res-{i.pk}": "รับทราบ" for i in meeting.agenda.all()}
    assert client.post(f"/meetings/{meeting.pk}/minutes/", items).status_code == 302
    client.post(f"/meetings/{meeting.pk}/transition/", {"to": "held"})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").content.startswith(b"%PDF")
    assert client.get(f"/meetings/{meeting.pk}/invitation.pdf").content.startswith(b"%PDF")
    client.force_login(board.charlie.user)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404


def test_the_home_partial_lists_invitations_waiting_for_an_answer(board, rf):
    from django.template import Context, Template

    meeting = make_meeting(board)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    request = rf.get("/")
    request.user = board.bob.user
    html = Template("{% load meetings_tags %}{% my_invitations %}").render(Context({"request": request}))
    token = Invitation.objects.get(meeting=meeting, person=board.bob).token
    assert str(meeting) in html and str(token) in html  # the answer link, as the page prints it


def test_participation_record_of_a_meeting_counts_by_group(board):
    meeting = hold(board, make_meeting(board))
    record = services.participation_from_meeting(meeting=meeting, usage="ปรับแผน", publish=True)
    # chair (external ก.ต.ป.น.), dana's substitute (school), sami and bob (office); the absent member not counted
    assert (record.count_ktpn, record.count_school, record.count_office, record.count_other) == (1, 1, 2, 0)
    assert "เห็นชอบ" in record.results and record.published_at
    from meetings.selectors import published_participation

    assert list(published_participation(board.office.pk)) == [record]
    # …and on the public ITA page's participation section (O33 / o25), with its four parts
    from public.ita import records

    [ita] = records(board.office)[2563]["participation"]
    assert dict(ita.details)["ผู้เข้าร่วม"].startswith("บุคลากรสำนักงานเขต 2 คน ผู้บริหารสถานศึกษาและครู 1 คน ก.ต.ป.น. 1 คน")
    assert [label for label, _ in ita.details] == ["ประเด็น", "ผู้เข้าร่วม", "ผลการมีส่วนร่วม", "การนำผลไปใช้ปรับปรุง"]
