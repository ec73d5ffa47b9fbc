"""Role homes at `/` on the demo office: each of the seven demo logins lands on its own work, read through the
access rules, within 20 queries; a person with two roles sees both parts."""

import re

from django.test import Client

from schedules.models import Assignment
from supervision.models import Membership
from supervision.roles import Role, grant_role
from visits.models import FollowUp, Visit, VisitTransition

MAX_QUERIES = 20


def home(user, django_assert_max_num_queries):
    client = Client()
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def sections(body):
    return set(re.findall(r'<section class="card" id="([a-z-]+)"', body))


def test_supervisor_sees_the_rounds_visits_with_state_brief_and_field_link(demo, django_assert_max_num_queries):
    user = demo["supervisor"]
    body = home(user, django_assert_max_num_queries)
    assert sections(body) == {"my-visits"}
    mine = Assignment.objects.active().filter(committee__memberships__person__user=user, round__slug="aug-2563")
    assert mine.exists()
    for a in mine:
        assert a.school.name_th in body
        assert f'href="/field/visits/{a.pk}"' in body
    # the demo's round lies in 2563: the list goes by round and state, not by today's date
    assert "ยังไม่ได้บันทึก" in body and "อนุมัติแล้ว" in body
    returned = Visit.objects.filter(assignment__in=mine, status=Visit.Status.RETURNED).first()
    if returned is not None:
        comment = VisitTransition.objects.filter(visit=returned, to_status="returned").latest("at").comment
        assert comment and comment in body
    director = mine.first().school.director
    assert director.full_name in body and "google.com/maps" in body


def test_chair_sees_reviews_waiting_and_returned(demo, django_assert_max_num_queries):
    user = demo["chair"]
    body = home(user, django_assert_max_num_queries)
    assert {"my-visits", "reviews"} <= sections(body)
    chaired = Membership.objects.filter(person__user=user, role="chair").values("committee_id")
    waiting = Visit.objects.filter(committee__in=chaired, status=Visit.Status.SUBMITTED)
    assert waiting.exists()
    for v in waiting:
        assert f'href="/visits/{v.pk}/"' in body


def test_coordinator_sees_round_progress_conflicts_and_failed_notifications(demo, django_assert_max_num_queries):
    body = home(demo["coordinator"], django_assert_max_num_queries)
    assert {"progress", "failed-notifications"} <= sections(body)
    assert 'href="/schedules/aug-2563/"' in body and 'href="/schedules/onet-m3-2562/"' in body
    assert "ข้อผิดพลาด จาก" in body  # the conflicts of the round being worked in


def test_office_director_sees_approvals_progress_and_the_dashboard(demo, django_assert_max_num_queries):
    body = home(demo["director"], django_assert_max_num_queries)
    assert {"approval", "progress"} <= sections(body)
    assert 'href="/dashboard/"' in body
    n = Visit.objects.filter(status=Visit.Status.SUBMITTED).count()
    assert f'<span class="badge submitted">{n}</span>' in body


def test_school_director_sees_their_school_reports_and_followups(demo, django_assert_max_num_queries):
    user = demo["school_director"]
    body = home(user, django_assert_max_num_queries)
    assert sections(body) == {"my-school"}
    school = user.person.directed_schools.get()
    assert school.name_th in body
    to_ack = Visit.objects.filter(school=school, status=Visit.Status.APPROVED)
    assert to_ack.exists() and all(f'href="/visits/{v.pk}/"' in body for v in to_ack)
    for fu in FollowUp.objects.filter(school=school, status__in=FollowUp.OPEN_STATUSES):
        assert f'href="/visits/followups/{fu.pk}/"' in body
    assert "การติดตามผลเกินกำหนด" in body


def test_ktpn_member_sees_their_committees_and_rounds(demo, django_assert_max_num_queries):
    user = demo["ktpn"]
    body = home(user, django_assert_max_num_queries)
    assert "my-committees" in sections(body)
    for m in Membership.objects.filter(person__user=user).select_related("committee"):
        assert m.committee.name in body


def test_viewer_sees_published_results(demo, django_assert_max_num_queries):
    body = home(demo["viewer"], django_assert_max_num_queries)
    assert sections(body) == {"results"}
    approved = Visit.objects.filter(round__slug="aug-2563", status__in=("approved", "acknowledged")).count()
    assert f"อนุมัติแล้ว {approved} รายงาน" in body
    assert 'href="/visits/reports/round/aug-2563/"' in body


def test_a_person_with_two_roles_sees_both_parts(demo, django_assert_max_num_queries):
    user = demo["supervisor"]
    grant_role(user, Role.VIEWER)
    body = home(type(user).objects.get(pk=user.pk), django_assert_max_num_queries)
    assert {"my-visits", "results"} <= sections(body)


def test_signed_out_goes_to_sign_in_and_no_role_to_the_no_role_page(demo):
    assert Client().get("/").status_code == 302
    user = demo["viewer"]
    user.groups.clear()
    client = Client()
    client.force_login(user)
    assert client.get("/")["Location"] == "/accounts/no-role/"
