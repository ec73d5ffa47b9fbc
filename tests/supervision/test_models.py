import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from supervision.models import Membership
from tests import factories as f


@pytest.mark.django_db
def test_it_rejects_a_second_chair_in_the_database():
    committee = f.CommitteeFactory()
    f.MembershipFactory(committee=committee, role=Membership.Role.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            committee=committee, person=f.PersonFactory(office=committee.office), role=Membership.Role.CHAIR
        )


@pytest.mark.django_db
def test_it_rejects_a_person_twice_in_one_committee():
    membership = f.MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(committee=membership.committee, person=membership.person)


@pytest.mark.django_db
def test_it_rejects_a_duplicate_school_code():
    school = f.SchoolFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.SchoolFactory(code=school.code)


@pytest.mark.django_db
def test_thai_full_name_joins_prefix():
    assert f.PersonFactory.build(prefix="นาง", first_name="สมศรี", last_name="ใจงาม").full_name == "นางสมศรี ใจงาม"
    assert f.PersonFactory.build(prefix="ดร.", first_name="สมชาย", last_name="ดี").full_name == "ดร. สมชาย ดี"


@pytest.mark.django_db
def test_a_person_sees_only_their_own_office(actors):
    from supervision.models import School

    other_office = f.AreaOfficeFactory(code="SEC99")
    f.SchoolFactory(office=other_office)
    visible = School.objects.for_user(actors.alice.user)
    assert set(visible.values_list("office_id", flat=True)) == {actors.office.id}


@pytest.mark.django_db
def test_it_rejects_the_same_email_twice_in_one_office_whatever_the_case():
    person = f.PersonFactory(email="somchai@example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PersonFactory(office=person.office, email="SomChai@Example.test")
    f.PersonFactory(office=person.office, email="")  # no e-mail: allowed any number of times
    f.PersonFactory(office=person.office, email="")
    f.PersonFactory(office=f.AreaOfficeFactory(), email="somchai@example.test")  # another office


@pytest.mark.django_db
def test_it_rejects_half_a_coordinate_in_the_database():
    school = f.SchoolFactory()
    from supervision.models import School

    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.filter(pk=school.pk).update(longitude=None)


@pytest.mark.django_db
def test_school_clean_explains_a_point_outside_its_district_and_a_foreign_consortium():
    from django.core.exceptions import ValidationError

    district = f.DistrictFactory(latitude=15.25, longitude=104.85, radius_km=10)
    school = f.SchoolFactory.build(
        office=f.AreaOfficeFactory(),
        district=district,
        consortium=f.ConsortiumFactory(),
        latitude=15.25,
        longitude=104.85,
    )
    with pytest.raises(ValidationError) as err:  # the consortium is of another office
        school.full_clean()
    assert "consortium" in err.value.message_dict
    school.consortium = f.ConsortiumFactory(office=school.office)
    school.latitude = 15.60  # ~39 km north
    with pytest.raises(ValidationError) as err:
        school.clean()
    with translation.override("th"):
        assert "นอกอำเภอ" in err.value.message_dict["latitude"][0]
    with translation.override("en"):
        assert "km outside" in err.value.message_dict["latitude"][0]
        assert "นอกอำเภอ" not in err.value.message_dict["latitude"][0]


@pytest.mark.django_db
def test_person_clean_needs_a_school_of_the_same_office_and_an_agency_for_externals():
    from django.core.exceptions import ValidationError

    from supervision.models import Person

    office = f.AreaOfficeFactory()
    foreign_school = f.SchoolFactory()
    with pytest.raises(ValidationError) as err:
        f.PersonFactory.build(office=office, affiliation=Person.Affiliation.SCHOOL, school=foreign_school).clean()
    assert "school" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        f.PersonFactory.build(office=office, affiliation=Person.Affiliation.EXTERNAL, agency="").clean()
    assert "agency" in err.value.message_dict
