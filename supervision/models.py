"""The organisation: offices, places, schools, people and committees.

Every record that belongs to an office carries `office`, and `OfficeScopedQuerySet.for_user()` is the
single place that narrows a query to the offices a user may see (see `supervision.access`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from supervision.access import OfficeScopedQuerySet
from supervision.errors import Said
from supervision.geo import km_outside_district

LAT = [MinValueValidator(-90), MaxValueValidator(90)]
LON = [MinValueValidator(-180), MaxValueValidator(180)]


def _coordinate_checks(prefix: str, lat: str, lon: str, pair: bool = False) -> list[models.CheckConstraint]:
    both_or_neither = (
        [
            models.CheckConstraint(
                condition=Q(**{f"{lat}__isnull": True, f"{lon}__isnull": True})
                | Q(**{f"{lat}__isnull": False, f"{lon}__isnull": False}),
                name=f"{prefix}_coordinates_both_or_neither",
            )
        ]
        if pair
        else []
    )
    return [
        *both_or_neither,
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True}) | Q(**{f"{lat}__gte": -90, f"{lat}__lte": 90}),
            name=f"{prefix}_latitude_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lon}__isnull": True}) | Q(**{f"{lon}__gte": -180, f"{lon}__lte": 180}),
            name=f"{prefix}_longitude_range",
        ),
    ]


class AreaOffice(models.Model):
    """สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา (สพม.)."""

    code = models.CharField(_("รหัสเขต"), max_length=20, unique=True)
    name = models.CharField(_("ชื่อสำนักงาน"), max_length=200)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    address = models.TextField(_("ที่อยู่"), blank=True)
    base_latitude = models.FloatField(_("ละติจูดที่ตั้ง"), validators=LAT)
    base_longitude = models.FloatField(_("ลองจิจูดที่ตั้ง"), validators=LON)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    logo = models.ImageField(_("ตราสัญลักษณ์"), upload_to="office-logos/", blank=True)
    # หนังสือราชการ (orders, letters) carry the Garuda 3 cm high at the top; Nithet ships none, each office
    # uploads the image it is entitled to use (visits/reports/official.py).
    emblem = models.ImageField(_("ตราครุฑ"), upload_to="office-emblems/", blank=True)
    thai_digits = models.BooleanField(_("ใช้เลขไทยในเอกสาร"), default=False)

    class Meta:
        verbose_name = _("สำนักงานเขตพื้นที่")
        verbose_name_plural = pgettext_lazy("plural", "สำนักงานเขตพื้นที่")
        ordering = ["code"]
        constraints = _coordinate_checks("office", "base_latitude", "base_longitude")

    def __str__(self):
        return self.short_name or self.name


class Province(models.Model):
    code = models.CharField(_("รหัสจังหวัด"), max_length=4, unique=True)
    name_th = models.CharField(_("ชื่อจังหวัด"), max_length=100, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("จังหวัด")
        verbose_name_plural = pgettext_lazy("plural", "จังหวัด")
        ordering = ["name_th"]

    def __str__(self):
        return self.name_th


class District(models.Model):
    """อำเภอ."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("จังหวัด"))
    code = models.CharField(_("รหัสอำเภอ"), max_length=6, unique=True)
    name_th = models.CharField(_("ชื่ออำเภอ"), max_length=100)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, blank=True)
    # Rough centre and extent, used to check imported school coordinates lie in the district.
    latitude = models.FloatField(_("ละติจูด"), null=True, blank=True, validators=LAT)
    longitude = models.FloatField(_("ลองจิจูด"), null=True, blank=True, validators=LON)
    radius_km = models.FloatField(_("รัศมีโดยประมาณ กม."), null=True, blank=True)

    class Meta:
        verbose_name = _("อำเภอ")
        verbose_name_plural = pgettext_lazy("plural", "อำเภอ")
        ordering = ["province__name_th", "name_th"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name_th"], name="district_unique_name_in_province"),
            *_coordinate_checks("district", "latitude", "longitude", pair=True),
        ]

    def __str__(self):
        return f"อ.{self.name_th} จ.{self.province.name_th}"


class Consortium(models.Model):
    """สหวิทยาเขต: a cluster of schools of one office."""

    office = models.ForeignKey(
        AreaOffice, on_delete=models.CASCADE, related_name="consortia", verbose_name=_("สำนักงานเขต")
    )
    name = models.CharField(_("ชื่อสหวิทยาเขต"), max_length=200)
    code = models.CharField(_("รหัส"), max_length=30, blank=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("สหวิทยาเขต")
        verbose_name_plural = pgettext_lazy("plural", "สหวิทยาเขต")
        ordering = ["office", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="consortium_unique_name")]

    def __str__(self):
        return self.name


class School(models.Model):
    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="schools", verbose_name=_("สำนักงานเขต")
    )
    code = models.CharField(
        _("รหัสโรงเรียน สพฐ."),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{8}(\d{2})?$", _("รหัสโรงเรียนต้องเป็นตัวเลข 8 หรือ 10 หลัก"))],
    )
    name_th = models.CharField(_("ชื่อโรงเรียน"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("อำเภอ"))
    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name=_("สหวิทยาเขต"),
    )
    address = models.TextField(_("ที่อยู่"), blank=True)
    latitude = models.FloatField(_("ละติจูด"), null=True, blank=True, validators=LAT)
    longitude = models.FloatField(_("ลองจิจูด"), null=True, blank=True, validators=LON)
    director = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_schools",
        verbose_name=_("ผู้อำนวยการ"),
    )
    students = models.PositiveIntegerField(_("จำนวนนักเรียน"), default=0)
    teachers = models.PositiveIntegerField(_("จำนวนครู"), default=0)
    is_active = models.BooleanField(_("เปิดสอน"), default=True)

    objects = OfficeScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("โรงเรียน")
        verbose_name_plural = pgettext_lazy("plural", "โรงเรียน")
        ordering = ["name_th"]
        constraints = _coordinate_checks("school", "latitude", "longitude", pair=True)

    def __str__(self):
        return self.name_th

    def clean(self):
        errors = {}
        if self.consortium_id and self.office_id and self.consortium.office_id != self.office_id:
            errors["consortium"] = Said(
                "สหวิทยาเขตต้องอยู่ในสำนักงานเขตเดียวกับโรงเรียน", "the consortium belongs to another office"
            )
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = Said(
                "ต้องระบุทั้งละติจูดและลองจิจูด", "give both latitude and longitude"
            )
        elif self.latitude is not None and self.district_id:
            beyond = km_outside_district(self.district, self.latitude, self.longitude)
            if beyond is not None:
                errors["latitude"] = Said(
                    f"พิกัดอยู่นอกอำเภอ{self.district.name_th} {beyond} กม.",
                    f"the point lies {beyond} km outside {self.district.name_en or self.district.name_th}",
                )
        if errors:
            raise ValidationError(errors)

    @property
    def province(self) -> Province:
        return self.district.province


class Person(models.Model):
    class Affiliation(models.TextChoices):
        OFFICE = "office", _("สำนักงานเขต")
        SCHOOL = "school", _("โรงเรียน")
        EXTERNAL = "external", _("หน่วยงานภายนอก")

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="people", verbose_name=_("สำนักงานเขต")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("บัญชีผู้ใช้"),
    )
    prefix = models.CharField(_("คำนำหน้า"), max_length=40, blank=True, help_text=_("เช่น นาย นาง นางสาว ดร."))
    first_name = models.CharField(_("ชื่อ"), max_length=100)
    last_name = models.CharField(_("นามสกุล"), max_length=100)
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    affiliation = models.CharField(_("สังกัด"), max_length=10, choices=Affiliation.choices, default=Affiliation.OFFICE)
    school = models.ForeignKey(
        School,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("โรงเรียนที่สังกัด"),
    )
    agency = models.CharField(_("หน่วยงาน"), max_length=200, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    line_user_id = models.CharField("LINE user id", max_length=64, blank=True)
    extra_offices = models.ManyToManyField(
        AreaOffice, blank=True, related_name="guests", verbose_name=_("สิทธิ์ดูสำนักงานอื่น")
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    objects = OfficeScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["user"])

    class Meta:
        verbose_name = _("บุคลากร")
        verbose_name_plural = pgettext_lazy("plural", "บุคลากร")
        ordering = ["first_name", "last_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(affiliation="school") | Q(school__isnull=False),
                name="person_school_affiliation_names_school",
            ),
            # The e-mail is the natural key of `import_people`: one person per address in an office.
            models.UniqueConstraint(
                Lower("email"), "office", condition=~Q(email=""), name="person_unique_email_in_office"
            ),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        errors = {}
        if self.affiliation == self.Affiliation.SCHOOL and not self.school_id:
            errors["school"] = Said("บุคลากรสังกัดโรงเรียนต้องระบุโรงเรียน", "a school's person needs the school")
        elif self.school_id and self.office_id and self.school.office_id != self.office_id:
            errors["school"] = Said("โรงเรียนอยู่ในสำนักงานเขตอื่น", "the school belongs to another office")
        if self.affiliation == self.Affiliation.EXTERNAL and not self.agency:
            errors["agency"] = Said("บุคคลภายนอกต้องระบุหน่วยงาน", "an external person needs an agency")
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        # Thai style: the prefix joins the first name without a space (นายสมชาย ใจดี), but "ดร." takes one.
        sep = " " if self.prefix.endswith(".") else ""
        return f"{self.prefix}{sep}{self.first_name} {self.last_name}".strip()


class Committee(models.Model):
    class Kind(models.TextChoices):
        KTPN = "ktpn", _("ก.ต.ป.น.")
        INTERNAL = "internal", _("คณะนิเทศภายใน")
        EXAM = "exam", _("ตรวจเยี่ยมสนามสอบ")
        ADHOC = "adhoc", _("เฉพาะกิจ")

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="committees", verbose_name=_("สำนักงานเขต")
    )
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices, default=Kind.INTERNAL)
    number = models.PositiveSmallIntegerField(_("คณะที่"), null=True, blank=True)
    name = models.CharField(_("ชื่อคณะ"), max_length=300)
    order_no = models.CharField(_("เลขที่คำสั่ง"), max_length=50, blank=True, help_text=_("เช่น 123/2563"))
    order_date = models.DateField(_("วันที่สั่ง"), null=True, blank=True)
    order_subject = models.CharField(_("เรื่อง"), max_length=300, blank=True)
    signed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_orders",
        verbose_name=_("ผู้ลงนาม"),
    )
    members = models.ManyToManyField(Person, through="Membership", related_name="committees")
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    objects = OfficeScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("คณะกรรมการ")
        verbose_name_plural = pgettext_lazy("plural", "คณะกรรมการ")
        ordering = ["office", "kind", "number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "order_no", "number"],
                condition=Q(number__isnull=False) & ~Q(order_no=""),
                name="committee_unique_number_per_order",
            ),
        ]

    def __str__(self):
        return f"คณะที่ {self.number} {self.name}" if self.number else self.name

    def clean(self):
        if self.signed_by_id and self.office_id and self.signed_by.office_id != self.office_id:
            raise ValidationError({"signed_by": Said("ผู้ลงนามอยู่ในสำนักงานเขตอื่น", "the signer belongs to another office")})

    @property
    def chair(self) -> Person | None:
        m = next((m for m in self.memberships.all() if m.role == Membership.Role.CHAIR), None)
        return m.person if m else None


class MembershipQuerySet(OfficeScopedQuerySet):
    office_field = "committee__office"


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("ประธานกรรมการ")
        MEMBER = "member", _("กรรมการ")
        SECRETARY = "secretary", _("กรรมการและเลขานุการ")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("คณะกรรมการ")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("บุคคล"))
    role = models.CharField(_("บทบาท"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    position_note = models.CharField(_("ตำแหน่งในคำสั่ง"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("กรรมการ")
        verbose_name_plural = pgettext_lazy("plural", "กรรมการ")
        ordering = ["committee", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="membership_person_once"),
            models.UniqueConstraint(fields=["committee"], condition=Q(role="chair"), name="membership_one_chair"),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()}"

    def clean(self):
        # External members may serve any office's committee; the office's own staff come from that office.
        if (
            self.person_id
            and self.committee_id
            and self.person.affiliation != Person.Affiliation.EXTERNAL
            and self.person.office_id != self.committee.office_id
        ):
            raise ValidationError({"person": Said("บุคคลนี้อยู่ในสำนักงานเขตอื่น", "this person belongs to another office")})


class SchoolTieQuerySet(OfficeScopedQuerySet):
    office_field = "school__office"


class SchoolTie(models.Model):
    """A person's tie to a school that makes them a party to it (conflict of interest when inspecting it).

    One row per tie: a person may direct two schools, act as director of one while on the staff of another,
    teach at one and sit on another's school board. The planner and the rules read every tie, together with
    `Person.school` (the school a person is recorded as staff of) and `School.director`.
    """

    class Kind(models.TextChoices):
        DIRECTOR = "director", _("ผู้อำนวยการ")
        ACTING_DIRECTOR = "acting_director", _("รักษาการในตำแหน่งผู้อำนวยการ")
        DEPUTY = "deputy", _("รองผู้อำนวยการ")
        TEACHER = "teacher", _("ครู")
        STAFF = "staff", _("บุคลากร")
        BOARD = "board", _("กรรมการสถานศึกษา")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="school_ties", verbose_name=_("บุคคล"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="ties", verbose_name=_("โรงเรียน"))
    kind = models.CharField(_("ความเกี่ยวข้อง"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("หมายเหตุ"), max_length=200, blank=True)

    objects = SchoolTieQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ความเกี่ยวข้องกับโรงเรียน")
        verbose_name_plural = pgettext_lazy("plural", "ความเกี่ยวข้องกับโรงเรียน")
        ordering = ["person", "school", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "school", "kind"], name="school_tie_once")]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} {self.school}"
