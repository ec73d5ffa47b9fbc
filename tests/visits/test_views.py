"""The visit pages: lists and records behind the access rule, review buttons, evidence files, follow-ups."""

import uuid

import pytest
from django.test import Client

from tests.visits.test_evidence import image_bytes, sha
from visits import services
from visits.evidence import evidence_store
from visits.models import FollowUp, Visit


def client_for(person):
    c = Client()
    c.force_login(person.user)
    return c


def test_anonymous_is_sent_to_login(make_visit):
    visit = make_visit()
    assert Client().get(f"/visits/{visit.pk}/").status_code == 302
    assert Client().get("/visits/").status_code == 302


def test_school_director_sees_only_approved_and_acknowledges(actors, make_visit):
    approved = make_visit(status="approved", recommendations=["ควรพัฒนา"])
    draft = make_visit(status="draft")
    dana = client_for(actors.dana)
    page = dana.get("/visits/").content.decode()
    assert str(approved.pk) in page and str(draft.pk) not in page
    assert dana.get(f"/visits/{draft.pk}/").status_code == 404
    detail = dana.get(f"/visits/{approved.pk}/").content.decode()
    assert "ครูจัดการเรียนรู้เชิงรุก" in detail and 'value="acknowledged"' in detail
    r = dana.post(
        f"/visits/{approved.pk}/transition/", {"to": "acknowledged", "comment": "", "version": 1}, follow=True
    )
    assert "ความเห็นของโรงเรียน" in r.content.decode()  # refused: the response is required
    assert Visit.objects.get(pk=approved.pk).status == "approved"
    dana.post(
        f"/visits/{approved.pk}/transition/", {"to": "acknowledged", "comment": "รับทราบและจะดำเนินการ", "version": 1}
    )
    assert Visit.objects.get(pk=approved.pk).status == "acknowledged"


def test_chair_approves_from_the_page_and_outsider_gets_404(actors, make_visit):
    visit = make_visit(status="submitted")
    assert client_for(actors.charlie).get(f"/visits/{visit.pk}/").status_code == 404
    assert client_for(actors.charlie).post(f"/visits/{visit.pk}/transition/", {"to": "approved"}).status_code == 404
    page = client_for(actors.bob).get(f"/visits/{visit.pk}/").content.decode()
    assert "?to=approved" not in page  # a member, not the chair
    assert f'href="/visits/reports/visit/{visit.pk}/"' in page
    alice = client_for(actors.alice)
    assert "?to=approved" in alice.get(f"/visits/{visit.pk}/").content.decode()
    # Approve asks first: the bare POST (or the GET behind the button) only shows what will happen.
    asked = alice.post(f"/visits/{visit.pk}/transition/", {"to": "approved", "version": visit.version})
    assert asked.status_code == 200 and 'name="confirm" value="1"' in asked.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "submitted"
    alice.post(f"/visits/{visit.pk}/transition/", {"to": "approved", "version": visit.version, "confirm": "1"})
    assert Visit.objects.get(pk=visit.pk).status == "approved"


def test_a_return_asks_first_and_needs_its_comment(actors, make_visit):
    visit = make_visit(status="submitted")
    alice = client_for(actors.alice)
    page = alice.get(f"/visits/{visit.pk}/transition/?to=returned")
    body = page.content.decode()
    assert page.status_code == 200 and 'name="comment"' in body and "required" in body
    refused = alice.post(
        f"/visits/{visit.pk}/transition/", {"to": "returned", "version": visit.version, "confirm": "1", "comment": " "}
    )
    assert refused.status_code == 400
    assert "ต้องระบุเหตุผลที่ส่งกลับ / a comment is required to return a visit" in refused.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "submitted"
    alice.post(
        f"/visits/{visit.pk}/transition/",
        {"to": "returned", "version": visit.version, "confirm": "1", "comment": "ภาพถ่ายไม่ชัด ถ่ายใหม่"},
    )
    assert Visit.objects.get(pk=visit.pk).status == "returned"
    assert client_for(actors.charlie).get(f"/visits/{visit.pk}/transition/?to=returned").status_code == 404


def test_evidence_files_only_for_those_who_see_the_visit(actors, make_visit):
    visit = make_visit(complete=False)
    data = image_bytes("PNG", (500, 300))
    eid = uuid.uuid4()
    services.evidence_declare(
        visit_id=visit.pk, user=actors.bob.user, evidence_id=eid, sha256=sha(data), size=len(data)
    )
    evidence_store(evidence_id=eid, user=actors.bob.user, upload=data)
    r = client_for(actors.bob).get(f"/visits/{visit.pk}/evidence/{eid}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == data and r["Content-Type"] == "image/png"
    assert client_for(actors.bob).get(f"/visits/{visit.pk}/evidence/{eid}/thumb/")["Content-Type"] == "image/jpeg"
    assert client_for(actors.charlie).get(f"/visits/{visit.pk}/evidence/{eid}/").status_code == 404


@pytest.mark.parametrize("actor,visible", [("dana", True), ("charlie", False)])
def test_followup_page(actors, actor, visible):
    fu = FollowUp.objects.create(school=actors.school_a, recommendation="ควรจัดทำแผนพัฒนา")
    c = client_for(getattr(actors, actor))
    assert ("ควรจัดทำแผนพัฒนา" in c.get("/visits/followups/").content.decode()) is visible
    r = c.post(f"/visits/followups/{fu.pk}/", {"status": "in_progress", "notes": "เริ่มแล้ว"})
    fu.refresh_from_db()
    if visible:
        assert r.status_code == 302 and (fu.status, fu.notes) == ("in_progress", "เริ่มแล้ว")
    else:
        assert r.status_code == 404 and fu.status == "open"
