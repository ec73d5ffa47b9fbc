"""The admin through the browser's entry points: a coordinator sees and edits only their own office."""

import pytest
from django.test import Client
from django.urls import reverse

from supervision.models import Committee, Membership, Person, School
from supervision.roles import Role
from tests import factories as f


@pytest.fixture
def world(actors):
    other = f.AreaOfficeFactory(code="SEC99", name="สำนักงานอื่น")
    foreign_school = f.SchoolFactory(office=other, name_th="โรงเรียนต่างเขต")
    foreign_person = f.PersonFactory(office=other, first_name="คนต่างเขต")
    foreign_committee = f.CommitteeFactory(office=other, name="คณะต่างเขต")
    return actors, other, foreign_school, foreign_person, foreign_committee


def login(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_coordinator_lists_only_their_office(world):
    actors, _other, foreign_school, foreign_person, foreign_committee = world
    client = login(actors.cora)
    page = client.get(reverse("admin:supervision_school_changelist")).content.decode()
    assert actors.school_a.name_th in page and foreign_school.name_th not in page
    assert "โรงเรียน" in page  # Thai verbose names
    page = client.get(reverse("admin:supervision_person_changelist")).content.decode()
    assert actors.alice.full_name in page and foreign_person.first_name not in page
    page = client.get(reverse("admin:supervision_committee_changelist")).content.decode()
    assert actors.committee_a.name in page and foreign_committee.name not in page
    for name in ("school", "person", "committee"):
        obj = {"school": foreign_school, "person": foreign_person, "committee": foreign_committee}[name]
        response = client.get(reverse(f"admin:supervision_{name}_change", args=[obj.pk]))
        assert response.status_code == 302  # "does not exist" -> back to the admin index, nothing shown


def test_search_and_filters_work(world):
    actors = world[0]
    client = login(actors.cora)
    page = client.get(reverse("admin:supervision_school_changelist"), {"q": actors.school_a.code}).content.decode()
    assert actors.school_a.name_th in page and actors.school_b.name_th not in page
    response = client.get(reverse("admin:supervision_person_changelist"), {"affiliation__exact": "school"})
    assert actors.dana.full_name in response.content.decode()
    assert actors.alice.full_name not in response.content.decode()


def test_autocomplete_offers_only_the_users_office(world):
    actors, _other, foreign_school, foreign_person, _c = world
    client = login(actors.cora)
    url = reverse("admin:autocomplete")
    data = client.get(
        url, {"app_label": "supervision", "model_name": "committee", "field_name": "signed_by", "term": ""}
    ).json()
    names = {r["text"] for r in data["results"]}
    assert actors.oscar.full_name in names and foreign_person.full_name not in names
    data = client.get(
        url, {"app_label": "supervision", "model_name": "person", "field_name": "school", "term": "โรงเรียน"}
    ).json()
    assert foreign_school.name_th not in {r["text"] for r in data["results"]}


def test_coordinator_builds_a_committee_with_members_inline(world):
    actors, other, _s, foreign_person, _c = world
    client = login(actors.cora)
    url = reverse("admin:supervision_committee_add")
    assert client.get(url).status_code == 200
    form = {
        "office": actors.office.pk,
        "kind": Committee.Kind.KTPN,
        "number": "",
        "name": "คณะ ก.ต.ป.น. ทดสอบ",
        "is_active": "on",
        "order_no": "12/2563",
        "order_date": "01/06/2563",  # the admin reads Buddhist-Era dates
        "order_subject": "",
        "signed_by": "",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-sort_order": "1",
        "memberships-0-person": actors.alice.pk,
        "memberships-0-role": "chair",
        "memberships-1-sort_order": "2",
        "memberships-1-person": actors.bob.pk,
        "memberships-1-role": "member",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    committee = Committee.objects.get(name="คณะ ก.ต.ป.น. ทดสอบ")
    assert committee.chair == actors.alice and committee.memberships.count() == 2
    assert committee.order_date.isoformat() == "2020-06-01"
    assert committee.history.count() == 1

    # A person of another office is not a valid choice, and the other office cannot be chosen either.
    bad = {**form, "name": "คณะที่สอง", "memberships-1-person": foreign_person.pk, "office": other.pk}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert Committee.objects.filter(name="คณะที่สอง").count() == 0
    errors = response.context["adminform"].form.errors
    assert "office" in errors


def test_admin_rejects_two_chairs_with_a_message(world):
    actors = world[0]
    client = login(actors.cora)
    url = reverse("admin:supervision_committee_change", args=[actors.committee_a.pk])
    assert client.get(url).status_code == 200
    existing = list(actors.committee_a.memberships.order_by("sort_order", "id"))
    form = {
        "office": actors.office.pk,
        "kind": actors.committee_a.kind,
        "number": 1,
        "name": actors.committee_a.name,
        "is_active": "on",
        "order_no": "",
        "order_date": "",
        "order_subject": "",
        "signed_by": "",
        "memberships-TOTAL_FORMS": str(len(existing) + 1),
        "memberships-INITIAL_FORMS": str(len(existing)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(existing):
        form.update(
            {
                f"memberships-{i}-id": m.pk,
                f"memberships-{i}-committee": actors.committee_a.pk,
                f"memberships-{i}-sort_order": m.sort_order,
                f"memberships-{i}-person": m.person_id,
                f"memberships-{i}-role": m.role,
            }
        )
    n = len(existing)
    form.update(
        {
            f"memberships-{n}-sort_order": "9",
            f"memberships-{n}-person": actors.charlie.pk,
            f"memberships-{n}-role": "chair",
        }
    )
    response = client.post(url, form)
    assert response.status_code == 200  # the form comes back with the error, nothing saved
    assert "คณะกรรมการมีประธานได้คนเดียว" in response.content.decode()  # Thai page; English in the catalogue
    assert actors.committee_a.memberships.filter(role=Membership.Role.CHAIR).count() == 1


def test_coordinator_cannot_widen_their_own_reach(world):
    actors = world[0]
    client = login(actors.cora)
    url = reverse("admin:supervision_person_change", args=[actors.cora.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "extra_offices" not in form.fields and "user" not in form.fields
    assert not Person.objects.get(pk=actors.cora.pk).extra_offices.exists()


def test_superuser_sees_every_office_and_school_history_renders(world):
    actors, _other, foreign_school, *_ = world
    admin_user = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("admin:supervision_school_changelist")).content.decode()
    assert actors.school_a.name_th in page and foreign_school.name_th in page
    school = School.objects.get(pk=actors.school_a.pk)
    school.students = 1234
    school.save()
    response = client.get(reverse("admin:supervision_school_history", args=[school.pk]))
    assert response.status_code == 200


def test_viewer_role_cannot_reach_the_admin(world):
    viewer = f.PersonFactory(office=world[0].office, user=f.UserFactory(username="v", roles=[Role.VIEWER]))
    response = login(viewer).get(reverse("admin:supervision_school_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


ORG_MODELS = ["areaoffice", "province", "district", "consortium", "school", "person", "committee", "membership"]


@pytest.mark.parametrize("model", ORG_MODELS)
def test_every_org_admin_page_renders_for_coordinator_and_superuser(world, model):
    actors = world[0]
    f.ConsortiumFactory(office=actors.office)
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    for user in (actors.cora.user, root):
        client = Client()
        client.force_login(user)
        changelist = client.get(reverse(f"admin:supervision_{model}_changelist"), {"q": "ทดสอบ"})
        assert changelist.status_code == 200, (model, user.username)
        if model != "areaoffice" or user.is_superuser:
            assert client.get(reverse(f"admin:supervision_{model}_add")).status_code == 200, (model, user.username)


def test_coordinator_imports_schools_from_the_admin_into_their_office(world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    actors, other, *_ = world
    district = actors.school_a.district
    client = login(actors.cora)
    changelist = client.get(reverse("admin:supervision_school_changelist")).content.decode()
    assert reverse("admin:supervision_school_import") in changelist
    url = reverse("admin:supervision_school_import")
    page = client.get(url)
    assert page.status_code == 200 and list(page.context["form"].fields["office"].queryset) == [actors.office]

    good = f"code,name_th,district\n1034295001,โรงเรียนนำเข้าวิทยา,{district.code}\n".encode()
    response = client.post(
        url, {"office": actors.office.pk, "file": SimpleUploadedFile("schools.csv", good, "text/csv")}
    )
    assert response.status_code == 302
    assert School.objects.get(code="1034295001").office == actors.office

    bad = f"code,name_th,district\n1034295002,โรงเรียนก,{district.code}\nabc,โรงเรียนข,{district.code}\n".encode()
    response = client.post(url, {"office": actors.office.pk, "file": SimpleUploadedFile("s.csv", bad, "text/csv")})
    assert response.status_code == 200
    assert response.context["problems"] == [
        "line 3, column code: รหัสโรงเรียนต้องเป็นตัวเลข 10 หลัก (หรือ 8 หลัก) ไม่ใช่ 'abc' / "
        "the school code must be 10 (or 8) digits, not 'abc' [code_format]"
    ]
    assert not School.objects.filter(code="1034295002").exists()

    # Another office is not a choice, whatever the form says.
    response = client.post(url, {"office": other.pk, "file": SimpleUploadedFile("schools.csv", good, "text/csv")})
    assert response.status_code == 200 and "office" in response.context["form"].errors


def test_people_import_page_and_who_may_use_it(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    actors = world[0]
    url = reverse("admin:supervision_person_import")
    data = "email,first_name,last_name\nnew.person@example.test,ใหม่,สาธิตกุล\n".encode()
    response = login(actors.cora).post(
        url, {"office": actors.office.pk, "file": SimpleUploadedFile("p.csv", data, "text/csv")}
    )
    assert response.status_code == 302
    assert Person.objects.get(email="new.person@example.test").office == actors.office
    # The office director may look at the organisation in the admin but not import into it.
    assert login(actors.oscar).get(url).status_code == 403
