"""A ก.ต.ป.น. with a chair from outside, members, a secretary (sami) and a note-taker/checker pair."""

import datetime as dt
from types import SimpleNamespace

import pytest

from meetings import services
from supervision.models import Committee, Membership, Person
from supervision.roles import Role
from tests import factories as f


@pytest.fixture
def board(actors):
    office = actors.office
    ktpn = f.CommitteeFactory(office=office, kind=Committee.Kind.KTPN, number=None, name="คณะกรรมการ ก.ต.ป.น.")
    chair = f.PersonFactory(
        office=office,
        prefix="ศาสตราจารย์ ดร.",
        first_name="ประเสริฐ",
        last_name="สาธิตดี",
        position="ผู้ทรงคุณวุฒิ",
        affiliation=Person.Affiliation.EXTERNAL,
        agency="มหาวิทยาลัยอุบลราชธานี",
    )
    member = f.PersonFactory(
        office=office,
        first_name="สมหญิง",
        last_name="ตัวอย่างงาม",
        prefix="นาง",
        position="ผู้ทรงคุณวุฒิด้านการศึกษา",
        affiliation=Person.Affiliation.EXTERNAL,
        agency="องค์การบริหารส่วนจังหวัด",
    )
    sami_user = f.UserFactory(username="sami", roles=[Role.SUPERVISOR])
    sami = f.PersonFactory(
        office=office, user=sami_user, first_name="สามารถ", last_name="จำลองชัย", position="ศึกษานิเทศก์ชำนาญการพิเศษ"
    )
    f.MembershipFactory(committee=ktpn, person=chair, role=Membership.Role.CHAIR, sort_order=1)
    f.MembershipFactory(committee=ktpn, person=member, role=Membership.Role.MEMBER, sort_order=2)
    f.MembershipFactory(committee=ktpn, person=actors.dana, role=Membership.Role.MEMBER, sort_order=3)
    f.MembershipFactory(committee=ktpn, person=actors.bob, role=Membership.Role.MEMBER, sort_order=4)
    f.MembershipFactory(committee=ktpn, person=sami, role=Membership.Role.SECRETARY, sort_order=5)
    return SimpleNamespace(**vars(actors), ktpn=ktpn, chair=chair, member=member, sami=sami)


def make_meeting(board, day=dt.date(2020, 7, 10), **kw):
    kw.setdefault("place", "ห้องประชุมราชพฤกษ์ สำนักงานเขตพื้นที่การศึกษา")
    kw.setdefault("subject", "ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น.")
    return services.meeting_create(committee=board.ktpn, user=board.sami.user, date=day, start_time=dt.time(9, 0), **kw)
