"""Schedules factories: rounds (with their one default session), exam centres and assignments."""

import datetime

import factory

from schedules.models import Assignment, ExamCentre, ExamDay, OfficeClosure, Round, RoundSession
from tests.factories.supervision import AreaOfficeFactory, CommitteeFactory, SchoolFactory


class RoundFactory(factory.django.DjangoModelFactory):
    """A supervision round 3–14 Aug 2020 (BE 2563) with one all-day session."""

    class Meta:
        model = Round
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    office = factory.SubFactory(AreaOfficeFactory)
    kind = Round.Kind.SUPERVISION
    academic_year = 2563
    title = factory.Sequence(lambda n: f"นิเทศ ติดตาม รอบทดสอบ {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    start_date = datetime.date(2020, 8, 3)
    end_date = datetime.date(2020, 8, 14)
    visits_per_school = 1
    visits_per_committee_day = 2

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        """sessions=[("morning", "เช้า"), ...]; default one all-day session."""
        if not create:
            return
        for order, (code, name) in enumerate(extracted or [("day", "ทั้งวัน")], start=1):
            RoundSession.objects.get_or_create(round=self, code=code, defaults={"name": name, "order": order})

    @factory.post_generation
    def committees(self, create, extracted, **kwargs):
        if create and extracted:
            self.committees.set(extracted)


class ExamRoundFactory(RoundFactory):
    """O-NET style: a weekend, two named sessions."""

    kind = Round.Kind.EXAM_INSPECTION
    academic_year = 2562
    start_date = datetime.date(2020, 2, 1)
    end_date = datetime.date(2020, 2, 2)
    visits_per_committee_day = 1

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        for order, (code, name) in enumerate(extracted or [("morning", "ช่วงเช้า"), ("afternoon", "ช่วงบ่าย")], start=1):
            RoundSession.objects.get_or_create(round=self, code=code, defaults={"name": name, "order": order})


class RoundSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundSession
        django_get_or_create = ("round", "code")

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"s{n}")
    name = factory.Sequence(lambda n: f"ช่วงที่ {n}")
    order = factory.Sequence(lambda n: n + 10)


class OfficeClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeClosure

    office = factory.SubFactory(AreaOfficeFactory)
    date = datetime.date(2020, 8, 5)
    reason = "ประชุมสำนักงาน"


class ExamDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamDay

    round = factory.SubFactory(ExamRoundFactory)
    date = datetime.date(2020, 2, 1)


class ExamCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamCentre

    round = factory.SubFactory(ExamRoundFactory)
    school = factory.SubFactory(SchoolFactory, office=factory.SelfAttribute("..round.office"))
    centre_code = factory.Sequence(lambda n: f"C{n:03d}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment on the round's first day, first session."""

    class Meta:
        model = Assignment

    round = factory.SubFactory(RoundFactory)
    committee = factory.SubFactory(CommitteeFactory, office=factory.SelfAttribute("..round.office"))
    school = factory.SubFactory(SchoolFactory, office=factory.SelfAttribute("..round.office"))
    date = factory.LazyAttribute(lambda a: a.round.start_date)
    session = factory.LazyAttribute(lambda a: a.round.sessions.order_by("order").first())
    status = Assignment.Status.PLANNED
