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

    code = models.CharField("รหัสเขต (code)", max_length=20, unique=True)
    name = models.CharField("ชื่อสำนักงาน (name)", max_length=200)
    short_name = models.CharField("ชื่อย่อ (short name)", max_length=100, blank=True)
    name_en = models.CharField("ชื่อภาษาอังกฤษ (English name)", max_length=200, blank=True)
    address = models.TextField("ที่อยู่ (address)", blank=True)
    base_latitude = models.FloatField("ละติจูดที่ตั้ง (base latitude)", validators=LAT)
    base_longitude = models.FloatField("ลองจิจูดที่ตั้ง (base longitude)", validators=LON)
    phone = models.CharField("โทรศัพท์ (phone)", max_length=50, blank=True)
    email = models.EmailField("อีเมล (e-mail)", blank=True)
    logo = models.ImageField("ตราสัญลักษณ์ (logo)", upload_to="office-logos/", blank=True)
    # หนังสือราชการ (orders, letters) carry the Garuda 3 cm high at the top; Nithet ships none, each office
    # uploads the image it is entitled to use (visits/reports/official.py).
    emblem = models.ImageField("ตราครุฑ (Garuda emblem)", upload_to="office-emblems/", blank=True)
    thai_digits = models.BooleanField("ใช้เลขไทยในเอกสาร (Thai digits in documents)", default=False)

    class Meta:
        verbose_name = "สำนักงานเขตพื้นที่ (area office)"
        verbose_name_plural = "สำนักงานเขตพื้นที่ (area offices)"
        ordering = ["code"]
        constraints = _coordinate_checks("office", "base_latitude", "base_longitude")

    def __str__(self):
        return self.short_name or self.name


class Province(models.Model):
    code = models.CharField("รหัสจังหวัด (code)", max_length=4, unique=True)
    name_th = models.CharField("ชื่อจังหวัด (Thai name)", max_length=100, unique=True)
    name_en = models.CharField("ชื่อภาษาอังกฤษ (English name)", max_length=100, blank=True)

    class Meta:
        verbose_name = "จังหวัด (province)"
        verbose_name_plural = "จังหวัด (provinces)"
        ordering = ["name_th"]

    def __str__(self):
        return self.name_th


class District(models.Model):
    """อำเภอ."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name="จังหวัด (province)"
    )
    code = models.CharField("รหัสอำเภอ (code)", max_length=6, unique=True)
    name_th = models.CharField("ชื่ออำเภอ (Thai name)", max_length=100)
    name_en = models.CharField("ชื่อภาษาอังกฤษ (English name)", max_length=100, blank=True)
    # Rough centre and extent, used to check imported school coordinates lie in the district.
    latitude = models.FloatField("ละติจูด (latitude)", null=True, blank=True, validators=LAT)
    longitude = models.FloatField("ลองจิจูด (longitude)", null=True, blank=True, validators=LON)
    radius_km = models.FloatField("รัศมีโดยประมาณ กม. (approx. radius km)", null=True, blank=True)

    class Meta:
        verbose_name = "อำเภอ (district)"
        verbose_name_plural = "อำเภอ (districts)"
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
        AreaOffice, on_delete=models.CASCADE, related_name="consortia", verbose_name="สำนักงานเขต (office)"
    )
    name = models.CharField("ชื่อสหวิทยาเขต (name)", max_length=200)
    code = models.CharField("รหัส (code)", max_length=30, blank=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "สหวิทยาเขต (consortium)"
        verbose_name_plural = "สหวิทยาเขต (consortia)"
        ordering = ["office", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="consortium_unique_name")]

    def __str__(self):
        return self.name


class School(models.Model):
    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="schools", verbose_name="สำนักงานเขต (office)"
    )
    code = models.CharField(
        "รหัสโรงเรียน สพฐ. (OBEC code)",
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{8}(\d{2})?$", "รหัสโรงเรียนต้องเป็นตัวเลข 8 หรือ 10 หลัก / school code must be 8 or 10 digits"
            )
        ],
    )
    name_th = models.CharField("ชื่อโรงเรียน (Thai name)", max_length=200)
    name_en = models.CharField("ชื่อภาษาอังกฤษ (English name)", max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", verbose_name="อำเภอ (district)"
    )
    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name="สหวิทยาเขต (consortium)",
    )
    address = models.TextField("ที่อยู่ (address)", blank=True)
    latitude = models.FloatField("ละติจูด (latitude)", null=True, blank=True, validators=LAT)
    longitude = models.FloatField("ลองจิจูด (longitude)", null=True, blank=True, validators=LON)
    director = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_schools",
        verbose_name="ผู้อำนวยการ (director)",
    )
    students = models.PositiveIntegerField("จำนวนนักเรียน (students)", default=0)
    teachers = models.PositiveIntegerField("จำนวนครู (teachers)", default=0)
    is_active = models.BooleanField("เปิดสอน (active)", default=True)

    objects = OfficeScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "โรงเรียน (school)"
        verbose_name_plural = "โรงเรียน (schools)"
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
        OFFICE = "office", "สำนักงานเขต (office)"
        SCHOOL = "school", "โรงเรียน (school)"
        EXTERNAL = "external", "หน่วยงานภายนอก (external agency)"

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="people", verbose_name="สำนักงานเขต (office)"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name="บัญชีผู้ใช้ (login)",
    )
    prefix = models.CharField(
        "คำนำหน้า (prefix)", max_length=40, blank=True, help_text="เช่น นาย นาง นางสาว ดร. / e.g. Mr, Mrs, Miss, Dr"
    )
    first_name = models.CharField("ชื่อ (first name)", max_length=100)
    last_name = models.CharField("นามสกุล (last name)", max_length=100)
    position = models.CharField("ตำแหน่ง (position)", max_length=200, blank=True)
    affiliation = models.CharField(
        "สังกัด (affiliation)", max_length=10, choices=Affiliation.choices, default=Affiliation.OFFICE
    )
    school = models.ForeignKey(
        School,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="โรงเรียนที่สังกัด (school)",
    )
    agency = models.CharField("หน่วยงาน (agency)", max_length=200, blank=True)
    email = models.EmailField("อีเมล (e-mail)", blank=True)
    phone = models.CharField("โทรศัพท์ (phone)", max_length=50, blank=True)
    line_user_id = models.CharField("LINE user id", max_length=64, blank=True)
    extra_offices = models.ManyToManyField(
        AreaOffice, blank=True, related_name="guests", verbose_name="สิทธิ์ดูสำนักงานอื่น (may also see offices)"
    )
    is_active = models.BooleanField("ใช้งาน (active)", default=True)

    objects = OfficeScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["user"])

    class Meta:
        verbose_name = "บุคลากร (person)"
        verbose_name_plural = "บุคลากร (people)"
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
        KTPN = "ktpn", "ก.ต.ป.น. (monitoring committee)"
        INTERNAL = "internal", "คณะนิเทศภายใน (internal supervision)"
        EXAM = "exam", "ตรวจเยี่ยมสนามสอบ (exam-site inspection)"
        ADHOC = "adhoc", "เฉพาะกิจ (ad hoc)"

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="committees", verbose_name="สำนักงานเขต (office)"
    )
    kind = models.CharField("ประเภท (kind)", max_length=10, choices=Kind.choices, default=Kind.INTERNAL)
    number = models.PositiveSmallIntegerField("คณะที่ (number)", null=True, blank=True)
    name = models.CharField("ชื่อคณะ (name)", max_length=300)
    order_no = models.CharField("เลขที่คำสั่ง (order no.)", max_length=50, blank=True, help_text="เช่น 123/2563")
    order_date = models.DateField("วันที่สั่ง (order date)", null=True, blank=True)
    order_subject = models.CharField("เรื่อง (order subject)", max_length=300, blank=True)
    signed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_orders",
        verbose_name="ผู้ลงนาม (signed by)",
    )
    members = models.ManyToManyField(Person, through="Membership", related_name="committees")
    is_active = models.BooleanField("ใช้งาน (active)", default=True)

    objects = OfficeScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "คณะกรรมการ (committee)"
        verbose_name_plural = "คณะกรรมการ (committees)"
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
        CHAIR = "chair", "ประธานกรรมการ (chair)"
        MEMBER = "member", "กรรมการ (member)"
        SECRETARY = "secretary", "กรรมการและเลขานุการ (secretary)"

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name="คณะกรรมการ (committee)"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name="บุคคล (person)"
    )
    role = models.CharField("บทบาท (role)", max_length=10, choices=Role.choices, default=Role.MEMBER)
    position_note = models.CharField("ตำแหน่งในคำสั่ง (position in the order)", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("ลำดับ (order)", default=0)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "กรรมการ (membership)"
        verbose_name_plural = "กรรมการ (memberships)"
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
        DIRECTOR = "director", "ผู้อำนวยการ (director)"
        ACTING_DIRECTOR = "acting_director", "รักษาการในตำแหน่งผู้อำนวยการ (acting director)"
        DEPUTY = "deputy", "รองผู้อำนวยการ (deputy director)"
        TEACHER = "teacher", "ครู (teacher)"
        STAFF = "staff", "บุคลากร (staff)"
        BOARD = "board", "กรรมการสถานศึกษา (school board)"

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="school_ties", verbose_name="บุคคล (person)"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="ties", verbose_name="โรงเรียน (school)")
    kind = models.CharField("ความเกี่ยวข้อง (tie)", max_length=20, choices=Kind.choices)
    note = models.CharField("หมายเหตุ (note)", max_length=200, blank=True)

    objects = SchoolTieQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ความเกี่ยวข้องกับโรงเรียน (school tie)"
        verbose_name_plural = "ความเกี่ยวข้องกับโรงเรียน (school ties)"
        ordering = ["person", "school", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "school", "kind"], name="school_tie_once")]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} {self.school}"
