"""Shared fixtures: one office and the named actors every permission test uses.

alice   supervisor, chair of committee A
bob     supervisor, member of committee A
charlie supervisor, member of committee B (the outsider to A)
dana    school director of `school_a`
cora    coordinator of the office
oscar   office director
vera    viewer of the office
kit     ก.ต.ป.น. member (external), member of committee K (the office's ก.ต.ป.น. committee)
"""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from supervision.models import Membership
from supervision.roles import Role
from tests import factories as f
from tests.demo_db import demo_module, demo_snapshot, demo_transactional  # noqa: F401  (fixtures)


def pytest_sessionstart(session):
    """`pytest` alone works on a fresh clone: build the .mo catalogues that are missing or older than their .po."""
    from supervision.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose (0.25 s a password); tests need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(db):
    return f.AreaOfficeFactory(
        code="SEC29", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา อุบลราชธานี อำนาจเจริญ", short_name="สพม.อุบลราชธานี อำนาจเจริญ"
    )


def _actor(office, username, roles, **person_kwargs):
    user = f.UserFactory(username=username, roles=roles)
    person = f.PersonFactory(office=office, user=user, first_name=username.capitalize(), **person_kwargs)
    return person


@pytest.fixture
def actors(office):
    committee_a = f.CommitteeFactory(office=office, number=1, name="คณะนิเทศที่ 1")
    committee_b = f.CommitteeFactory(office=office, number=2, name="คณะนิเทศที่ 2")
    school_a = f.SchoolFactory(office=office, name_th="โรงเรียนเบญจะมะมหาราช (ทดสอบ)")
    school_b = f.SchoolFactory(office=office)
    alice = _actor(office, "alice", [Role.SUPERVISOR])
    bob = _actor(office, "bob", [Role.SUPERVISOR])
    charlie = _actor(office, "charlie", [Role.SUPERVISOR])
    dana = _actor(
        office, "dana", [Role.SCHOOL_DIRECTOR], affiliation="school", school=school_a, position="ผู้อำนวยการโรงเรียน"
    )
    school_a.director = dana
    school_a.save(update_fields=["director"])
    cora = _actor(office, "cora", [Role.COORDINATOR])
    oscar = _actor(office, "oscar", [Role.OFFICE_DIRECTOR], position="ผู้อำนวยการสำนักงานเขตพื้นที่")
    vera = _actor(office, "vera", [Role.VIEWER])
    kit = _actor(office, "kit", [Role.COMMITTEE_MEMBER], affiliation="external", position="ผู้ทรงคุณวุฒิ")
    committee_k = f.CommitteeFactory(office=office, number=None, name="ก.ต.ป.น. สพม.29", kind="ktpn")
    f.MembershipFactory(committee=committee_k, person=kit, role=Membership.Role.MEMBER)
    f.MembershipFactory(committee=committee_a, person=alice, role=Membership.Role.CHAIR)
    f.MembershipFactory(committee=committee_a, person=bob, role=Membership.Role.MEMBER)
    f.MembershipFactory(committee=committee_b, person=charlie, role=Membership.Role.CHAIR)
    return SimpleNamespace(
        office=office,
        committee_a=committee_a,
        committee_b=committee_b,
        school_a=school_a,
        school_b=school_b,
        alice=alice,
        bob=bob,
        charlie=charlie,
        dana=dana,
        cora=cora,
        oscar=oscar,
        vera=vera,
        kit=kit,
        committee_k=committee_k,
    )


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """client_for(person) -> an APIClient logged in as that person's user."""

    def make(person):
        client = APIClient()
        client.force_authenticate(person.user)
        return client

    return make


@pytest.fixture
def media_worker(settings, tmp_path):
    """A real Celery worker writing into this test's media folder (see tests/worker/conftest.py)."""
    from tests.worker.conftest import running_media_worker

    with running_media_worker(settings, tmp_path) as (worker, _media):
        yield worker
