import pytest
from django.db import IntegrityError, transaction

from supervision.models import Membership
from tests import factories as f


@pytest.mark.django_db
def test_it_rejects_a_second_chair_in_the_database():
    committee = f.CommitteeFactory()
    f.MembershipFactory(committee=committee, role=Membership.Role.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(committee=committee, person=f.PersonFactory(office=committee.office),
                                  role=Membership.Role.CHAIR)


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
