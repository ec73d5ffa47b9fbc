"""A school answers a follow-up with evidence (web and API multipart); the office accepts or sends it back with a
comment. The lifecycle's pure check and its claim (a second request on the same state is refused)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from visits.errors import StaleVersion
from visits.followups import _claim, check_followup_transition
from visits.models import FollowUp
from visits.workflow import visit_transition

pytestmark = pytest.mark.django_db


def png(color=(10, 120, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(buf, format="PNG")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def followup(actors, make_visit):
    visit = make_visit(status="submitted", recommendations=["ควรจัดทำแผนพัฒนาการอ่านของนักเรียน ม.1"])
    visit_transition(visit_id=visit.pk, to="approved", user=actors.alice.user)
    return FollowUp.objects.get(source_visit=visit)


def web(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_the_pure_check():
    assert check_followup_transition("open", "done", {"school"}, has_answer=False).code == "answer_required"
    assert check_followup_transition("open", "done", {"school"}, has_answer=True) is None
    assert check_followup_transition("done", "verified", {"school"}).code == "wrong_role"
    assert check_followup_transition("done", "in_progress", {"office"}).code == "comment_required"
    assert check_followup_transition("done", "in_progress", {"office"}, comment="ไม่ครบ") is None
    assert check_followup_transition("verified", "open", {"office"}).code == "not_allowed"


def test_school_answers_on_the_web_with_photos_and_a_pdf_office_sends_back_then_accepts(actors, followup):
    dana, cora = web(actors.dana), web(actors.cora)
    page = dana.get(f"/visits/followups/{followup.pk}/").content.decode()
    assert 'name="files" multiple' in page and 'enctype="multipart/form-data"' in page
    answer = dana.post(
        f"/visits/followups/{followup.pk}/act/",
        {
            "action": "answer",
            "notes": "จัดกิจกรรมรักการอ่านทุกเช้าแล้ว",
            "files": [
                SimpleUploadedFile("photo.png", png(), "image/png"),
                SimpleUploadedFile("plan.pdf", PDF, "application/pdf"),
            ],
        },
    )
    assert answer.status_code == 302
    followup.refresh_from_db()
    assert followup.status == "done" and followup.notes == "จัดกิจกรรมรักการอ่านทุกเช้าแล้ว"
    files = list(followup.files.order_by("id"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("photo.png", "image/png"),
        ("plan.pdf", "application/pdf"),
    ]
    assert b"".join(cora.get(f"/visits/followups/{followup.pk}/files/{files[1].pk}/").streaming_content) == PDF
    assert web(actors.charlie).get(f"/visits/followups/{followup.pk}/files/{files[1].pk}/").status_code == 404
    # sending back needs its comment (marked required, refused by the server in Thai and English)
    page = cora.get(f"/visits/followups/{followup.pk}/").content.decode()
    assert 'name="comment" rows="3" required' in page
    refused = cora.post(f"/visits/followups/{followup.pk}/act/", {"action": "send_back", "comment": "  "})
    assert refused.status_code == 409
    assert "ต้องระบุเหตุผลที่ส่งกลับ / a comment is required to send a follow-up back" in refused.content.decode()
    cora.post(f"/visits/followups/{followup.pk}/act/", {"action": "send_back", "comment": "ภาพยังไม่ชัด"})
    followup.refresh_from_db()
    assert followup.status == "in_progress"
    assert "ภาพยังไม่ชัด" in dana.get(f"/visits/followups/{followup.pk}/").content.decode()
    dana.post(f"/visits/followups/{followup.pk}/act/", {"action": "answer", "notes": "ถ่ายภาพใหม่แล้ว"})
    assert dana.post(f"/visits/followups/{followup.pk}/act/", {"action": "accept"}).status_code == 409
    cora.post(f"/visits/followups/{followup.pk}/act/", {"action": "accept"})
    followup.refresh_from_db()
    assert followup.status == "verified" and followup.verified_by == actors.cora.user
    assert list(followup.transitions.values_list("to_status", flat=True)) == ["done", "in_progress", "done", "verified"]


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_is_kept(actors, followup):
    response = web(actors.dana).post(
        f"/visits/followups/{followup.pk}/act/",
        {
            "action": "answer",
            "notes": "ทำแล้ว",
            "files": [
                SimpleUploadedFile("photo.png", png(), "image/png"),
                SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf"),
            ],
        },
    )
    assert response.status_code == 415
    followup.refresh_from_db()
    assert followup.status == "open" and not followup.files.exists()


def test_the_api_takes_the_answer_as_multipart(actors, followup):
    dana = APIClient()
    dana.force_authenticate(actors.dana.user)
    response = dana.patch(
        f"/api/v1/followups/{followup.pk}/",
        {"status": "done", "notes": "ส่งแผนแล้ว", "files": [SimpleUploadedFile("a.png", png(), "image/png")]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and [f["content_type"] for f in body["files"]] == ["image/png"]
    assert dana.get(body["files"][0]["url"]).status_code == 200
    office = APIClient()
    office.force_authenticate(actors.oscar.user)
    back = office.patch(f"/api/v1/followups/{followup.pk}/", {"status": "in_progress"}, format="json")
    assert back.status_code == 409 and back.json()["code"] == "comment_required"
    ok = office.patch(
        f"/api/v1/followups/{followup.pk}/", {"status": "in_progress", "comment": "ขอรายละเอียด"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
    outsider = APIClient()
    outsider.force_authenticate(actors.charlie.user)
    assert outsider.get(body["files"][0]["url"]).status_code == 404


def test_the_claim_refuses_a_second_request_on_the_same_state(actors, followup):
    stale = FollowUp.objects.get(pk=followup.pk)
    _claim(followup, "in_progress", actors.dana.user, "", {})
    with pytest.raises(StaleVersion):
        _claim(stale, "done", actors.dana.user, "", {"notes": "x"})
    assert FollowUp.objects.get(pk=followup.pk).status == "in_progress"
