"""Organisation factories."""

import factory
from django.contrib.auth import get_user_model

from supervision.models import (
    AreaOffice,
    Committee,
    Consortium,
    District,
    Membership,
    Person,
    Province,
    School,
)
from supervision.roles import grant_role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or ():
            grant_role(self, role)


class AreaOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaOffice
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SEC{29 + n}")
    name = factory.Sequence(lambda n: f"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต {29 + n}")
    short_name = factory.Sequence(lambda n: f"สพม.{29 + n}")
    base_latitude = 15.2287
    base_longitude = 104.8564


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "34"
    name_th = "อุบลราชธานี"
    name_en = "Ubon Ratchathani"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"34{n:02d}")
    name_th = factory.Sequence(lambda n: f"อำเภอทดสอบ{n}")
    latitude = 15.25
    longitude = 104.85
    radius_km = 30


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    office = factory.SubFactory(AreaOfficeFactory)
    name = factory.Sequence(lambda n: f"สหวิทยาเขตทดสอบ {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    office = factory.SubFactory(AreaOfficeFactory)
    code = factory.Sequence(lambda n: f"1034{n:06d}")
    name_th = factory.Sequence(lambda n: f"โรงเรียนทดสอบวิทยา {n}")
    name_en = factory.Sequence(lambda n: f"Test Wittaya School {n}")
    district = factory.SubFactory(DistrictFactory)
    consortium = factory.SubFactory(ConsortiumFactory, office=factory.SelfAttribute("..office"))
    latitude = factory.Sequence(lambda n: 15.0 + (n % 50) * 0.01)
    longitude = factory.Sequence(lambda n: 104.6 + (n % 40) * 0.01)
    students = 800
    teachers = 40


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    office = factory.SubFactory(AreaOfficeFactory)
    prefix = "นาย"
    first_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    last_name = "สมมติ"
    position = "ศึกษานิเทศก์ชำนาญการพิเศษ"
    email = factory.Sequence(lambda n: f"person{n}@example.test")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    office = factory.SubFactory(AreaOfficeFactory)
    kind = Committee.Kind.INTERNAL
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"คณะนิเทศที่ {n + 1}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory, office=factory.SelfAttribute("..committee.office"))
    role = Membership.Role.MEMBER
