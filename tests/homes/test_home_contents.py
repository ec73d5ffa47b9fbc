"""What each role home holds, item by item as the sign-in issue lists it, on the demo office with a few records
added where the demo has none: the supervisor's school brief (address, map link, the director's contact, open
follow-ups, the last visit's recommendations) and a returned visit with the chair's comment; the chair's
returned visits waiting for their authors; the coordinator's failed notifications; the school director's
reports to acknowledge and follow-ups due and overdue; the ก.ต.ป.น. member's rounds and visits."""

import datetime
import re

from django.utils import timezone

from homes.parts import DUE_SOON_DAYS
from schedules.models import Assignment, Round
from supervision.models import Membership
from tests import factories as f
from tests.homes.test_homes import home
from visits.models import FollowUp, Visit
from visits.workflow import visit_transition
from worker.models import Channel, Notification


def _shown(html: str) -> str:
    """The text a reader sees (tags dropped)."""
    return " ".join(" ".join(re.findall(r">([^<>]*)<", html)).split())


def _planned_item(body: str, school_name: str) -> str:
    """The first planned-visit item of the home that names the school."""
    items = body.split('<li class="planned-visit"')[1:]
    return next(i for i in items if school_name in i)


def _section(body: str, heading: str) -> str:
    """From a heading (h3) to the next one."""
    start = body.index(f"<h3>{heading}</h3>")
    end = body.find("<h3>", start + 1)
    return body[start : end if end > 0 else len(body)]


def test_the_supervisors_school_brief_and_a_return_with_the_chairs_comment(demo, django_assert_max_num_queries):
    user = demo["supervisor"]
    mine = Assignment.objects.active().filter(committee__memberships__person__user=user, round__slug="aug-2563")
    a, other = mine.order_by("date", "id")[:2]
    school = a.school
    school.address = "99 หมู่ 1 ตำบลทดลองบรีฟ อำเภอเมือง"
    school.save(update_fields=["address"])
    director = school.director
    director.phone, director.email = "045-111-222", "brief-director@school.example"
    director.save(update_fields=["phone", "email"])
    earlier = f.RoundFactory(
        office=school.office,
        slug="brief-earlier-2562",
        start_date=datetime.date(2019, 11, 4),
        end_date=datetime.date(2019, 11, 8),
        status=Round.Status.CLOSED,
        committees=[a.committee],
    )
    previous = f.VisitFactory(
        assignment=f.AssignmentFactory(round=earlier, committee=a.committee, school=school),
        status=Visit.Status.APPROVED,
        approved_at=timezone.make_aware(datetime.datetime(2019, 11, 20, 10, 0)),
        recommendations=["ข้อเสนอแนะครั้งก่อน: จัดทำแผนพัฒนาการอ่าน"],
    )
    f.FollowUpFactory(
        school=school,
        source_visit=previous,
        recommendation="การติดตามที่ยังค้าง: ห้องสมุดมีชีวิต",
        due_date=datetime.date(2020, 9, 30),
    )
    f.FollowUpFactory(school=school, source_visit=previous, recommendation="ตรวจสอบแล้ว ไม่ต้องแสดง", status="verified")

    body = home(user, django_assert_max_num_queries)
    raw = _planned_item(body, school.name_th)
    item = _shown(raw)
    assert "99 หมู่ 1 ตำบลทดลองบรีฟ อำเภอเมือง" in item
    assert f"query={school.latitude:.6f},{school.longitude:.6f}" in raw  # the map link, at the school
    assert director.full_name in item and "045-111-222" in item and "brief-director@school.example" in item
    assert 'href="tel:045-111-222"' in raw and 'href="mailto:brief-director@school.example"' in raw
    assert "การติดตามที่ยังค้าง: ห้องสมุดมีชีวิต (กำหนด 30 กันยายน 2563)" in item
    assert "ตรวจสอบแล้ว ไม่ต้องแสดง" not in item
    assert "20 พฤศจิกายน 2562" in item and "ข้อเสนอแนะครั้งก่อน: จัดทำแผนพัฒนาการอ่าน" in item
    assert f'href="/field/visits/{a.pk}"' in raw
    # another school's brief carries none of it
    far = _shown(_planned_item(body, other.school.name_th))
    assert "ห้องสมุดมีชีวิต" not in far and "จัดทำแผนพัฒนาการอ่าน" not in far

    # a visit the chair returns shows its state and the chair's comment on the supervisor's home
    visit = Visit.objects.filter(assignment__in=mine, status=Visit.Status.SUBMITTED).first()
    chair = Membership.objects.get(committee=visit.committee, role=Membership.Role.CHAIR).person.user
    visit_transition(visit_id=visit.pk, to="returned", user=chair, comment="กรุณาแนบภาพกิจกรรมลดเวลาเรียน")
    item = _shown(_planned_item(home(user, django_assert_max_num_queries), visit.school.name_th))
    assert "ส่งกลับให้แก้ไข" in item
    assert f"ความเห็นของ{chair.person.full_name}: กรุณาแนบภาพกิจกรรมลดเวลาเรียน" in item


def test_the_chair_sees_returned_visits_waiting_for_their_authors_with_the_comment(demo, django_assert_max_num_queries):
    chair = demo["chair"]
    chaired = Membership.objects.filter(person__user=chair, role=Membership.Role.CHAIR).values("committee_id")
    visit = Visit.objects.filter(committee__in=chaired, status=Visit.Status.SUBMITTED).first()
    visit_transition(visit_id=visit.pk, to="returned", user=chair, comment="ขอหลักฐานเพิ่มเติม ข้อ 2.3")
    body = home(chair, django_assert_max_num_queries)
    returned = _shown(_section(body, "ส่งกลับแล้ว รอผู้บันทึกแก้ไข"))
    assert visit.school.name_th in returned and "ขอหลักฐานเพิ่มเติม ข้อ 2.3" in returned
    waiting = _section(body.split('id="reviews"')[1], "ส่งกลับแล้ว รอผู้บันทึกแก้ไข")
    assert f'href="/visits/{visit.pk}/"' in waiting
    assert visit.school.name_th not in _shown(body.split('id="reviews"')[1].split("<h3>")[0])  # no longer waiting


def test_the_coordinator_sees_the_failed_notifications(demo, django_assert_max_num_queries):
    coordinator = demo["coordinator"]
    recipient = demo["supervisor"].person
    failed = f.NotificationFactory(
        recipient=recipient,
        channel=Channel.EMAIL,
        status=Notification.Status.FAILED,
        title="นัดหมายการนิเทศ โรงเรียนทดสอบส่งไม่ถึง",
        last_error="550 mailbox unavailable",
        sent_at=None,
    )
    f.NotificationFactory(recipient=recipient, title="ส่งถึงแล้ว ไม่ต้องแสดง")
    body = home(coordinator, django_assert_max_num_queries)
    part = body.split('id="failed-notifications"')[1].split("</section>")[0]
    shown = _shown(part)
    count = Notification.objects.filter(status=Notification.Status.FAILED).count()
    assert f'<span class="badge returned">{count}</span>' in part
    assert f"{recipient} · {failed.get_channel_display()} · นัดหมายการนิเทศ โรงเรียนทดสอบส่งไม่ถึง" in shown
    assert "550 mailbox unavailable" in shown and "ส่งถึงแล้ว ไม่ต้องแสดง" not in shown
    assert 'href="/admin/worker/notification/?status__exact=failed"' in part


def test_the_school_director_sees_reports_to_acknowledge_and_follow_ups_due_and_overdue(
    demo, django_assert_max_num_queries
):
    user = demo["school_director"]
    school = user.person.directed_schools.get()
    source = Visit.objects.filter(school=school, status=Visit.Status.APPROVED).first()
    today = timezone.localdate()
    late = f.FollowUpFactory(
        school=school,
        source_visit=source,
        recommendation="เกินกำหนด: ปรับปรุงห้องปฏิบัติการ",
        due_date=today - datetime.timedelta(days=3),
    )
    soon = f.FollowUpFactory(
        school=school,
        source_visit=source,
        recommendation="ใกล้ครบกำหนด: ส่งแผนการสอนซ่อมเสริม",
        due_date=today + datetime.timedelta(days=DUE_SOON_DAYS - 1),
        status=FollowUp.Status.IN_PROGRESS,
    )
    body = home(user, django_assert_max_num_queries)
    overdue = _section(body, "การติดตามผลเกินกำหนด")
    due = _section(body, "ใกล้ครบกำหนด")
    assert late.recommendation in overdue and soon.recommendation not in overdue
    assert soon.recommendation in due and late.recommendation not in due
    assert f'href="/visits/followups/{late.pk}/"' in overdue and f'href="/visits/followups/{soon.pk}/"' in due
    to_ack = _section(body, "รายงานรอการรับทราบ")
    assert f'href="/visits/{source.pk}/"' in to_ack
    # once acknowledged, the report leaves the list
    visit_transition(visit_id=source.pk, to="acknowledged", user=user, comment="รับทราบ จะดำเนินการตามข้อเสนอแนะ")
    assert f'href="/visits/{source.pk}/"' not in _section(
        home(user, django_assert_max_num_queries), "รายงานรอการรับทราบ"
    )


def test_the_ktpn_member_sees_the_rounds_and_visits_of_their_committees(demo, django_assert_max_num_queries):
    user = demo["ktpn"]
    body = home(user, django_assert_max_num_queries)
    part = body.split('id="my-committees"')[1].split("</section>")[0]
    committees = Membership.objects.filter(person__user=user).values("committee_id")
    rounds = Round.objects.filter(committees__in=committees).distinct()
    assert rounds.exists()
    for r in rounds:
        assert f'href="/schedules/{r.slug}/"' in part
    visits = Visit.objects.filter(committee__in=committees).order_by("-assignment__date", "-id")[:20]
    assert visits
    for v in visits:
        assert f'href="/visits/{v.pk}/"' in part


def test_the_header_leads_each_reader_to_the_dashboard_and_the_director_to_publishing(demo):
    from django.test import Client

    expected = {  # role: (dashboard link, publishing link)
        "director": (True, True),
        "coordinator": (True, False),
        "ktpn": (True, False),
        "viewer": (True, False),
        "supervisor": (False, False),
        "chair": (False, False),
        "school_director": (False, False),
    }
    for name, (dashboard, publishing) in expected.items():
        client = Client()
        client.force_login(demo[name])
        nav = client.get("/").content.decode().split('<nav class="site-nav">')[1].split("</nav>")[0]
        assert ('<a href="/dashboard/">แดชบอร์ด</a>' in nav) == dashboard, name
        assert ('<a href="/public/manage/">เผยแพร่สาธารณะ</a>' in nav) == publishing, name
        # each link leads to a page the reader may open, and the rest are refused
        assert client.get("/dashboard/").status_code == (200 if dashboard else 404), name
        assert client.get("/public/manage/").status_code == (200 if publishing else 404), name
    client.force_login(demo["director"])
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/dashboard/">Dashboard</a>' in english and '<a href="/public/manage/">Public pages</a>' in english
