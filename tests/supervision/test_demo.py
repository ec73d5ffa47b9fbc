from io import StringIO

import pytest
from django.apps import apps
from django.test import Client

from supervision import demo
from supervision.geo import distance_km
from supervision.models import AreaOffice, Committee, Membership, Person, School


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in ("supervision", "auth")}


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    out = StringIO()
    first = demo.load(stdout=out)
    counts = _counts()
    second = demo.load(stdout=StringIO())
    assert _counts() == counts
    assert second["created"] == 0 and second["updated"] == 0
    assert first["schools"] == second["schools"] == 81
    # History rows are counted too: the second run saved nothing.
    assert counts["supervision.HistoricalSchool"] > 0


@pytest.mark.django_db
def test_every_demo_school_lies_inside_its_district():
    demo.load(stdout=StringIO())
    schools = School.objects.filter(office__code=demo.DEMO_OFFICE_CODE).select_related("district__province")
    assert schools.count() == 81
    assert {s.district.province.code for s in schools} == {"34", "37"}
    for s in schools:
        d = s.district
        assert distance_km(s.latitude, s.longitude, d.latitude, d.longitude) < d.radius_km, s.code
        assert len(s.code) == 10 and s.code.isdigit()
        assert s.director is not None and s.director.school_id == s.id
        assert s.consortium.office_id == s.office_id
    assert len({s.name_th for s in schools}) == 81


@pytest.mark.django_db
def test_demo_logins_work_and_are_printed():
    out = StringIO()
    demo.load(stdout=out)
    printed = out.getvalue()
    assert demo.DEMO_PASSWORD in printed
    office = AreaOffice.objects.get(code=demo.DEMO_OFFICE_CODE)
    for username, role, _who in demo.LOGINS:
        assert username in printed
        person = Person.objects.get(user__username=username)
        assert person.office == office
        assert person.user.groups.filter(name=role).exists()
        assert Client().login(username=username, password=demo.DEMO_PASSWORD)
    assert Person.objects.get(user__username="ktpn").affiliation == Person.Affiliation.EXTERNAL
    assert Person.objects.get(user__username="school_director").directed_schools.count() == 1


@pytest.mark.django_db
def test_demo_has_a_standing_ktpn_committee_with_an_order():
    demo.load(stdout=StringIO())
    ktpn = Committee.objects.get(office__code=demo.DEMO_OFFICE_CODE, kind=Committee.Kind.KTPN)
    assert ktpn.order_no and ktpn.order_date and ktpn.signed_by.user.username == "director"
    roles = list(ktpn.memberships.values_list("role", flat=True))
    assert roles.count(Membership.Role.CHAIR) == 1
    externals = ktpn.members.filter(affiliation=Person.Affiliation.EXTERNAL)
    assert externals.count() == 8
    assert externals.filter(user__username="ktpn").exists()


@pytest.mark.django_db
def test_demo_people_are_invented():
    demo.load(stdout=StringIO())
    people = Person.objects.filter(office__code=demo.DEMO_OFFICE_CODE)
    assert people.filter(affiliation=Person.Affiliation.OFFICE, position__startswith="ศึกษานิเทศก์").count() == 12
    markers = ("สาธิต", "ตัวอย่าง", "สมมติ", "ทดลอง", "จำลอง")
    assert all(any(m in p.last_name for m in markers) for p in people)
