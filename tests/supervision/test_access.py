"""The office rule: a user sees their own office's organisation data, plus offices granted explicitly."""

import pytest

from supervision.models import Committee, Consortium, Membership, Person, School
from tests import factories as f

SCOPED = [School, Person, Committee, Consortium, Membership]


def _office_of(obj):
    return obj.committee.office_id if isinstance(obj, Membership) else obj.office_id


@pytest.fixture
def two_offices(db):
    here, there = f.AreaOfficeFactory(code="SEC-X"), f.AreaOfficeFactory(code="SEC-Y")
    for office in (here, there):
        f.SchoolFactory(office=office)
        f.MembershipFactory(committee=f.CommitteeFactory(office=office))
    me = f.PersonFactory(office=here, user=f.UserFactory(username="me"))
    return here, there, me


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_user_sees_only_their_office(two_offices, model):
    here, there, me = two_offices
    visible = list(model.objects.for_user(me.user))
    assert visible, "the user's own office has rows"
    assert {_office_of(o) for o in visible} == {here.id}
    assert model.objects.filter(**{model.objects.none().office_field: there}).exists()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_extra_offices_grant_more(two_offices, model):
    here, there, me = two_offices
    me.extra_offices.add(there)
    user = type(me.user).objects.get(pk=me.user.pk)  # a fresh request's user: no cached office ids
    assert {_office_of(o) for o in model.objects.for_user(user)} == {here.id, there.id}


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_superuser_sees_all_and_strangers_see_nothing(two_offices, model):
    from django.contrib.auth.models import AnonymousUser

    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert model.objects.for_user(admin).count() == model.objects.count()
    nobody = f.UserFactory(username="no-person")  # a login with no Person: no office at all
    assert model.objects.for_user(nobody).count() == 0
    assert model.objects.for_user(AnonymousUser()).count() == 0
