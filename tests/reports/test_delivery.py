"""Reports from real records: the render_report command, the Celery task and the three PDF endpoints."""

import datetime
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from supervision.models import Membership
from supervision.roles import Role
from tests import factories as f
from tests.reports.pdftext import pypdf_text, squeeze
from visits.models import Evidence, Signature, Visit, VisitTransition
from visits.reports.tasks import build_report

STRENGTHS = "ผู้อำนวยการและครูร่วมกันพัฒนาหลักสูตรสถานศึกษาให้สอดคล้องกับบริบทของชุมชนหนองบัว"
TO_IMPROVE = "การติดตามนักเรียนที่มีผลการเรียน 0 ร มส มผ ยังไม่ต่อเนื่อง"
RECOMMENDATION = "ควรส่งเสริมการจัดการเรียนรู้เชิงรุกในทุกกลุ่มสาระการเรียนรู้"
INCIDENT = "ผู้เข้าสอบมาสาย 2 คน เนื่องจากฝนตกหนัก ได้รับอนุญาตตามระเบียบ"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://nithet.example"


def _image(color, size=(640, 480), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def world(actors):
    a = actors
    a.round = f.RoundFactory(
        office=a.office,
        slug="aug-2563-test",
        title="การนิเทศ ติดตาม ภาคเรียนที่ 1 ปีการศึกษา 2563",
        committees=[a.committee_a],
    )
    assignment = f.AssignmentFactory(round=a.round, committee=a.committee_a, school=a.school_a)
    f.AssignmentFactory(round=a.round, committee=a.committee_b, school=a.school_b)  # planned, not visited
    visit = f.VisitFactory(
        assignment=assignment,
        status=Visit.Status.APPROVED,
        strengths=STRENGTHS,
        to_improve=TO_IMPROVE,
        recommendations=[RECOMMENDATION],
        score=72.5,
        check_in_at=timezone.make_aware(datetime.datetime(2020, 8, 3, 9, 10)),
        section_scores=[
            {"section_id": 1, "title": "ด้านที่ 1 การจัดการเรียนการสอน", "weight": 2.0, "percent": 75.0, "scored_items": 2}
        ],
    )
    items = {i.code: i for i in visit.instrument_version.items.all()}
    for code, value in (("R1", 3), ("Y1", True), ("R2", 4), ("C1", "fair"), ("T1", "ห้องเรียนสะอาด")):
        f.AnswerFactory(visit=visit, item=items[code], value=value)
    photo = _image((120, 160, 200))
    ev = Evidence.objects.create(
        visit=visit,
        kind="photo",
        sha256=hashlib.sha256(photo).hexdigest(),
        size=len(photo),
        caption="กิจกรรมการเรียนรู้ชั้นมัธยมศึกษาปีที่ 3",
        exif_taken_at=timezone.make_aware(datetime.datetime(2020, 8, 3, 10, 0)),
    )
    ev.file.save("p.jpg", ContentFile(photo))
    sig = Signature(
        visit=visit, role="supervisor", signer_name="นางสาวอลิส ใจดี", signer=a.alice, signed_at=timezone.now()
    )
    sig.image.save("s.png", ContentFile(_image((255, 255, 255), (300, 100), "PNG")))
    VisitTransition.objects.create(visit=visit, from_status="draft", to_status="submitted", by=a.alice.user)
    VisitTransition.objects.create(visit=visit, from_status="submitted", to_status="approved", by=a.alice.user)
    f.FollowUpFactory(school=a.school_a, source_visit=visit, recommendation_index=0, recommendation=RECOMMENDATION)
    a.visit = visit

    a.exam = f.ExamRoundFactory(
        office=a.office, slug="onet-test", title="ตรวจเยี่ยมสนามสอบ O-NET ม.3", committees=[a.committee_a]
    )
    f.ExamCentreFactory(round=a.exam, school=a.school_b, centre_code="340101")
    exam_assignment = f.AssignmentFactory(round=a.exam, committee=a.committee_a, school=a.school_b)
    exam_visit = f.VisitFactory(assignment=exam_assignment, status=Visit.Status.SUBMITTED, observation_notes=INCIDENT)
    exam_items = {i.code: i for i in exam_visit.instrument_version.items.all()}
    f.AnswerFactory(visit=exam_visit, item=exam_items["Y1"], value=False, note="ไม่มีป้ายประกาศ")

    committee = a.committee_a
    committee.order_no, committee.order_date = "245/2563", datetime.date(2020, 7, 24)
    committee.order_subject = "แต่งตั้งคณะกรรมการนิเทศ ติดตาม ภาคเรียนที่ 1 ปีการศึกษา 2563"
    committee.signed_by = a.oscar
    committee.save()
    Membership.objects.filter(committee=committee, person=a.bob).update(position_note="กรรมการและเลขานุการ")
    return a


# --- the command --------------------------------------------------------------------------------


def _render(tmp_path, kind, key) -> str:
    out = tmp_path / f"{kind}.pdf"
    call_command("render_report", kind, str(key), "-o", str(out), stdout=io.StringIO())
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    return squeeze(pypdf_text(pdf))


def test_command_renders_the_visit_report(world, tmp_path):
    text = _render(tmp_path, "visit", world.visit.pk)
    for expected in (
        world.school_a.name_th,
        STRENGTHS,
        TO_IMPROVE,
        RECOMMENDATION,
        "3 สิงหาคม 2563",
        "72.5",
        "กิจกรรมการเรียนรู้ชั้นมัธยมศึกษาปีที่ 3",
        "นางสาวอลิส ใจดี",
        "อนุมัติ",
        world.round.title,
        "ด้านที่ 1 การจัดการเรียนการสอน",
        "ครูจัดการเรียนรู้เชิงรุก",
        "3 ดี",
        "พอใช้",
        "ห้องเรียนสะอาด",
        "/verify/",  # the printed address is the public verification page (tests/reports/test_verification.py)
    ):
        assert squeeze(expected) in text, expected


def test_command_renders_the_round_summary(world, tmp_path):
    text = _render(tmp_path, "round", world.round.slug)
    for expected in (
        world.school_a.name_th,
        world.school_b.name_th,
        RECOMMENDATION,
        "ยังไม่ตรวจเยี่ยม",
        "โรงเรียนที่ยังไม่ได้รับการตรวจเยี่ยม (1 โรง)",
        "ครูจัดการเรียนรู้เชิงรุก",
    ):
        assert squeeze(expected) in text, expected


def test_command_renders_the_exam_report(world, tmp_path):
    text = _render(tmp_path, "exam", world.exam.slug)
    for expected in (world.school_b.name_th, "340101", INCIDENT, "ไม่ผ่าน", "ไม่มีป้ายประกาศ", "ช่วงเช้า"):
        assert squeeze(expected) in text, expected


def test_command_renders_the_appointment_order(world, tmp_path):
    text = _render(tmp_path, "order", world.committee_a.pk)
    for expected in (
        "ที่ 245/2563",
        world.committee_a.order_subject,
        world.alice.full_name,
        "ประธานกรรมการ",
        world.bob.full_name,
        "กรรมการและเลขานุการ",
        f"({world.oscar.full_name})",
        "สั่ง ณ วันที่ 24 กรกฎาคม พ.ศ. 2563",
        world.office.name,
    ):
        assert squeeze(expected) in text, expected


def test_office_setting_prints_thai_digits(world, tmp_path):
    world.office.thai_digits = True
    world.office.save()
    text = _render(tmp_path, "order", world.committee_a.pk)
    assert squeeze("สั่ง ณ วันที่ ๒๔ กรกฎาคม พ.ศ. ๒๕๖๓") in text


@pytest.mark.parametrize(
    ("kind", "key", "message"),
    [
        ("visit", "4f0a3b8e-0000-4000-8000-000000000000", "no visit"),
        ("visit", "not-a-uuid", "no visit"),
        ("round", "no-such-round", "no round"),
        ("exam", "aug-2563-test", "is not an exam-site round"),
        ("order", "999999", "no committee"),
    ],
)
def test_command_fails_clearly_for_an_unknown_record(world, tmp_path, kind, key, message):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as excinfo:
        call_command("render_report", kind, key, "-o", str(out))
    assert message in str(excinfo.value) and "\n" not in str(excinfo.value)
    assert not out.exists()


# --- the API ------------------------------------------------------------------------------------


def _fetch_built(client, url, kind, key, capture):
    """First request: 202 and a build enqueued after commit; the worker builds it; then 200."""
    with capture(execute=False) as callbacks:
        first = client.get(url)
    assert first.status_code == 202, first.content
    assert first["Retry-After"] == "5"
    assert first.json()["status"] == "pending" and first.json()["kind"] == kind
    assert len(callbacks) == 1  # the task is sent only once the request's transaction commits
    assert build_report(kind, str(key)).startswith(f"reports/{kind}/")
    second = client.get(url)
    assert second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    return b"".join(second.streaming_content)


def test_visit_report_endpoint(world, client_for, django_capture_on_commit_callbacks):
    url = f"/api/v1/visits/{world.visit.pk}/report.pdf"
    pdf = _fetch_built(client_for(world.bob), url, "visit", world.visit.pk, django_capture_on_commit_callbacks)
    assert squeeze(STRENGTHS) in squeeze(pypdf_text(pdf))
    # The school's director sees the approved visit of their school; the outsider sees nothing.
    assert client_for(world.dana).get(url).status_code == 200
    assert client_for(world.charlie).get(url).status_code == 404
    # A changed record is a new content hash: built again, the old file is never served for it.
    Visit.objects.filter(pk=world.visit.pk).update(strengths="จุดเด่นใหม่")
    with django_capture_on_commit_callbacks(execute=False):
        assert client_for(world.bob).get(url).status_code == 202


def test_missing_visit_and_anonymous(world, client_for, api_client):
    assert (
        client_for(world.alice).get("/api/v1/visits/4f0a3b8e-0000-4000-8000-000000000000/report.pdf").status_code == 404
    )
    assert api_client.get(f"/api/v1/visits/{world.visit.pk}/report.pdf").status_code in (401, 403)


def test_round_report_endpoint(world, client_for, django_capture_on_commit_callbacks):
    url = f"/api/v1/rounds/{world.round.slug}/report.pdf"
    pdf = _fetch_built(client_for(world.oscar), url, "round", world.round.slug, django_capture_on_commit_callbacks)
    assert squeeze(world.school_b.name_th) in squeeze(pypdf_text(pdf))
    assert client_for(world.dana).get(url).status_code == 404  # every school's results: not for one school
    other = f.PersonFactory(
        office=f.AreaOfficeFactory(code="SEC99"), user=f.UserFactory(username="olga", roles=[Role.COORDINATOR])
    )
    assert client_for(other).get(url).status_code == 404
    assert client_for(world.oscar).get("/api/v1/rounds/nope/report.pdf").status_code == 404


def test_exam_round_serves_the_exam_report(world, client_for, django_capture_on_commit_callbacks):
    url = f"/api/v1/rounds/{world.exam.slug}/report.pdf"
    pdf = _fetch_built(client_for(world.cora), url, "exam", world.exam.slug, django_capture_on_commit_callbacks)
    assert squeeze(INCIDENT) in squeeze(pypdf_text(pdf))


def test_committee_order_endpoint(world, client_for, django_capture_on_commit_callbacks):
    url = f"/api/v1/committees/{world.committee_a.pk}/order.pdf"
    pdf = _fetch_built(client_for(world.cora), url, "order", world.committee_a.pk, django_capture_on_commit_callbacks)
    assert squeeze("ที่ 245/2563") in squeeze(pypdf_text(pdf))
    other = f.PersonFactory(
        office=f.AreaOfficeFactory(code="SEC98"), user=f.UserFactory(username="omar", roles=[Role.COORDINATOR])
    )
    assert client_for(other).get(url).status_code == 404
    assert client_for(world.cora).get("/api/v1/committees/999999/order.pdf").status_code == 404


def test_task_stores_once_and_skips_vanished_records(world):
    path = build_report("order", str(world.committee_a.pk))
    assert build_report("order", str(world.committee_a.pk)) == path
    assert build_report("visit", "4f0a3b8e-0000-4000-8000-000000000000") is None
