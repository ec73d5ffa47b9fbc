"""Visits factories: a small published instrument, visits, answers, evidence and follow-ups.

`InstrumentVersionFactory()` builds this published version (weights in brackets):
  section "ด้านที่ 1 การจัดการเรียนการสอน" [weight 2]
    R1 rating 1–4 [2], required        Y1 yes/no [1], required, photo required
  section "ด้านที่ 2 ระบบดูแลช่วยเหลือนักเรียน" [weight 1]
    R2 rating 1–5 [1], required        C1 single choice (ดี 100 / พอใช้ 50 / ปรับปรุง 0) [1], optional
    N1 number, optional               T1 long text, optional
"""

import hashlib
import io

import factory
from django.utils import timezone
from PIL import Image

from tests.factories.schedules import AssignmentFactory, RoundFactory
from visits.models import Answer, Evidence, FollowUp, Instrument, InstrumentVersion, Item, Section, Visit

LEVELS_4 = [{"value": i, "label": label} for i, label in enumerate(["ปรับปรุง", "พอใช้", "ดี", "ดีมาก"], start=1)]
LEVELS_5 = [
    {"value": i, "label": label} for i, label in enumerate(["น้อยที่สุด", "น้อย", "ปานกลาง", "มาก", "มากที่สุด"], start=1)
]
CHOICES = [
    {"value": "good", "label": "ดี", "score": 100},
    {"value": "fair", "label": "พอใช้", "score": 50},
    {"value": "poor", "label": "ปรับปรุง", "score": 0},
]


def build_default_items(version: InstrumentVersion) -> None:
    s1 = Section.objects.create(version=version, order=1, title="ด้านที่ 1 การจัดการเรียนการสอน", weight=2)
    s2 = Section.objects.create(version=version, order=2, title="ด้านที่ 2 ระบบดูแลช่วยเหลือนักเรียน", weight=1)
    rows = [
        (s1, 1, "R1", Item.Type.RATING, "ครูจัดการเรียนรู้เชิงรุก", {"levels": LEVELS_4, "weight": 2}),
        (s1, 2, "Y1", Item.Type.YES_NO, "มีแผนการจัดการเรียนรู้ครบทุกรายวิชา", {"photo_required": True}),
        (s2, 1, "R2", Item.Type.RATING, "ระบบคัดกรองนักเรียน", {"levels": LEVELS_5}),
        (
            s2,
            2,
            "C1",
            Item.Type.SINGLE_CHOICE,
            "การติดตามนักเรียนที่มีผลการเรียน 0 ร มส มผ",
            {"options": CHOICES, "required": False},
        ),
        (s2, 3, "N1", Item.Type.NUMBER, "จำนวนนักเรียนที่มีผลการเรียน 0", {"required": False}),
        (s2, 4, "T1", Item.Type.LONG_TEXT, "ข้อสังเกตเพิ่มเติม", {"required": False}),
    ]
    for section, order, code, type_, text, extra in rows:
        Item.objects.create(version=version, section=section, order=order, code=code, type=type_, text=text, **extra)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"form-{n}")
    name = factory.Sequence(lambda n: f"แบบนิเทศทดสอบ {n}")


class InstrumentVersionFactory(factory.django.DjangoModelFactory):
    """A published version with the default items; `status="draft"` leaves a draft, `with_items=False` empty."""

    class Meta:
        model = InstrumentVersion

    instrument = factory.SubFactory(InstrumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = InstrumentVersion.Status.PUBLISHED
    with_items = True

    @classmethod
    def _create(cls, model_class, *args, with_items=True, status=InstrumentVersion.Status.PUBLISHED, **kwargs):
        # Items can only be added while the version is a draft, so publish after building them.
        obj = super()._create(model_class, *args, status=InstrumentVersion.Status.DRAFT, **kwargs)
        if with_items:
            build_default_items(obj)
        if status != InstrumentVersion.Status.DRAFT:
            obj.status, obj.published_at = status, timezone.now()
            obj.save()
        return obj


class VisitFactory(factory.django.DjangoModelFactory):
    """A draft visit of an assignment (committee and school from it) with the default instrument."""

    class Meta:
        model = Visit

    assignment = factory.SubFactory(AssignmentFactory)
    round = factory.LazyAttribute(lambda v: v.assignment.round if v.assignment else RoundFactory())
    school = factory.LazyAttribute(lambda v: v.assignment.school)
    committee = factory.LazyAttribute(lambda v: v.assignment.committee if v.assignment else None)
    instrument_version = factory.LazyAttribute(lambda v: v.round.instrument or InstrumentVersionFactory())
    status = Visit.Status.DRAFT


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    visit = factory.SubFactory(VisitFactory)
    item = factory.LazyAttribute(lambda a: a.visit.instrument_version.items.first())
    value = 3


def _tiny_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (90, 140, 60)).save(buf, format="JPEG")
    return buf.getvalue()


# The bytes of `EvidenceFactory(uploaded=True)`: a tiny real JPEG, so its hash is the file's.
UPLOADED_PHOTO = _tiny_jpeg()


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Listed evidence (manifest only, no bytes yet); `uploaded=True`: its bytes arrived (a visit is submitted
    only once every listed file has)."""

    class Meta:
        model = Evidence

    class Params:
        uploaded = factory.Trait(
            file=factory.django.FileField(data=UPLOADED_PHOTO, filename="photo.jpg"),
            sha256=hashlib.sha256(UPLOADED_PHOTO).hexdigest(),
            size=len(UPLOADED_PHOTO),
            content_type="image/jpeg",
            uploaded_at=factory.LazyFunction(timezone.now),
        )

    visit = factory.SubFactory(VisitFactory)
    kind = Evidence.Kind.PHOTO
    sha256 = "0" * 64
    size = 1000


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    school = factory.SubFactory("tests.factories.supervision.SchoolFactory")
    recommendation = factory.Sequence(lambda n: f"ควรพัฒนาระบบดูแลช่วยเหลือนักเรียน ข้อ {n}")
    status = FollowUp.Status.OPEN
