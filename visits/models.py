"""Instruments (versioned checklists) and the visits recorded with them.

A published `InstrumentVersion` never changes: visits pin the version they were filled with, so a score or
a report always reads the questions that were actually asked. A `Visit`'s primary key is a UUID made on
the tablet; `version` is bumped by every accepted write and is what optimistic concurrency compares.
Writes go through `visits.services` / `visits.workflow`; reads through `visits.selectors`.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from supervision.errors import Said
from supervision.models import LAT, LON, AreaOffice, Committee, Person, School
from visits.quality import default_quality_levels, validate_quality_levels


class PublishedVersionError(ValidationError):
    """Raised on any attempt to change the questions of a published instrument version."""

    code = "version_published"

    def __init__(self):
        super().__init__(
            Said("ฉบับนี้เผยแพร่แล้ว แก้ไขไม่ได้", "this version is published and cannot be changed"), code=self.code
        )


# ---------------------------------------------------------------------------------------------------
# Instruments
# ---------------------------------------------------------------------------------------------------
class Instrument(models.Model):
    """แบบนิเทศ / เครื่องมือ: a named checklist; its questions live in versions."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("นิเทศ ติดตาม")
        EXAM_INSPECTION = "exam_inspection", _("ตรวจเยี่ยมสนามสอบ")
        READINESS = "readiness", _("ตรวจความพร้อม")
        FOLLOW_UP = "follow_up", _("ติดตามผล")

    office = models.ForeignKey(
        AreaOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("สำนักงานเขต"),
        help_text=_("ว่างไว้ = ใช้ได้ทุกเขต"),
    )
    code = models.SlugField(_("รหัสแบบ"), max_length=80, unique=True)
    name = models.CharField(_("ชื่อแบบ"), max_length=300)
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Kind.choices, default=Kind.SUPERVISION)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    quality_levels = models.JSONField(
        _("ระดับคุณภาพ"),
        default=default_quality_levels,
        validators=[validate_quality_levels],
        help_text=_(
            'เกณฑ์ขั้นต่ำของแต่ละระดับ เรียงจากสูงไปต่ำ เช่น [{"min": 90, "label": "ดีเยี่ยม"}, …, {"min": 0, "label": "ปรับปรุง"}]'
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("แบบนิเทศ")
        verbose_name_plural = pgettext_lazy("plural", "แบบนิเทศ")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InstrumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        PUBLISHED = "published", _("เผยแพร่แล้ว")
        RETIRED = "retired", _("เลิกใช้")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="versions", verbose_name=_("แบบนิเทศ")
    )
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("หมายเหตุ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("ฉบับของแบบนิเทศ")
        verbose_name_plural = pgettext_lazy("plural", "ฉบับของแบบนิเทศ")
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_number_once"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="instrument_version_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} (ฉบับที่ {self.number})"

    def save(self, *args, **kwargs):
        # Once published, only the status may move on (published -> retired); the questions never change.
        if self.pk and not self._state.adding:
            old = InstrumentVersion.objects.filter(pk=self.pk).values("status", "number", "instrument_id").first()
            if (
                old
                and old["status"] != self.Status.DRAFT
                and (
                    self.status == self.Status.DRAFT
                    or old["number"] != self.number
                    or old["instrument_id"] != self.instrument_id
                )
            ):
                raise PublishedVersionError()
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT


class _FrozenWithVersion(models.Model):
    """Sections and items refuse to change once their version is published (the service checks too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _version_id(self):
        raise NotImplementedError

    def _guard(self):
        if InstrumentVersion.objects.filter(pk=self._version_id()).exclude(status="draft").exists():
            raise PublishedVersionError()


class Section(_FrozenWithVersion):
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="sections", verbose_name=_("ฉบับ")
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    title = models.CharField(_("ชื่อด้าน"), max_length=300)
    weight = models.DecimalField(
        _("น้ำหนักด้าน"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("ด้าน")
        verbose_name_plural = pgettext_lazy("plural", "ด้าน")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "title"], name="section_title_once_per_version"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="section_weight_not_negative"),
        ]

    def __str__(self):
        return self.title

    def _version_id(self):
        return self.version_id


class Item(_FrozenWithVersion):
    class Type(models.TextChoices):
        RATING = "rating", _("ระดับคุณภาพ")
        YES_NO = "yes_no", _("มี/ไม่มี")
        NUMBER = "number", _("ตัวเลข")
        SHORT_TEXT = "short_text", _("ข้อความสั้น")
        LONG_TEXT = "long_text", _("ข้อความยาว")
        SINGLE_CHOICE = "single_choice", _("เลือกหนึ่งข้อ")
        MULTI_CHOICE = "multi_choice", _("เลือกหลายข้อ")

    SCORED_TYPES = (Type.RATING, Type.YES_NO, Type.SINGLE_CHOICE)

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("ฉบับ")
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("ด้าน"))
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    code = models.CharField(_("รหัสข้อ"), max_length=30)
    type = models.CharField(_("ชนิดคำตอบ"), max_length=15, choices=Type.choices)
    # Limits (README "Text limits"): enforced by the sheet import, the admin form and the API alike.
    text = models.TextField(_("ข้อคำถาม"), max_length=2000)
    help_text = models.TextField(_("คำอธิบาย"), blank=True, max_length=4000)
    # rating: [{"value": 1, "label": "ต้องปรับปรุง"}, ...] (4 or 5 levels, values 1..n);
    # choices: [{"value": "a", "label": "...", "score": 100}, ...] (score optional, 0..100).
    levels = models.JSONField(_("ระดับและคำอธิบาย"), default=list, blank=True)
    options = models.JSONField(_("ตัวเลือก"), default=list, blank=True)
    required = models.BooleanField(_("ต้องตอบ"), default=True)
    photo_required = models.BooleanField(_("ต้องมีภาพถ่าย"), default=False)
    weight = models.DecimalField(
        _("น้ำหนัก"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("ข้อคำถาม")
        verbose_name_plural = pgettext_lazy("plural", "ข้อคำถาม")
        ordering = ["version", "section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="item_code_once_per_version"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="item_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(
                    type__in=["rating", "yes_no", "number", "short_text", "long_text", "single_choice", "multi_choice"]
                ),
                name="item_type_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def _version_id(self):
        return self.version_id

    @property
    def scale(self) -> int:
        return len(self.levels) if self.type == self.Type.RATING else 0

    @property
    def is_scored(self) -> bool:
        return self.type in self.SCORED_TYPES and self.weight > 0


# ---------------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------------
class Visit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        SUBMITTED = "submitted", _("ส่งแล้ว รอตรวจ")
        RETURNED = "returned", _("ส่งกลับให้แก้ไข")
        APPROVED = "approved", _("อนุมัติแล้ว")
        ACKNOWLEDGED = "acknowledged", _("โรงเรียนรับทราบแล้ว")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(_("รุ่นข้อมูล"), default=1)
    status = models.CharField(_("สถานะ"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    round = models.ForeignKey("schedules.Round", on_delete=models.PROTECT, related_name="visits", verbose_name=_("รอบ"))
    assignment = models.ForeignKey(
        "schedules.Assignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("การมอบหมาย"),
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visits", verbose_name=_("โรงเรียน"))
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("คณะกรรมการ"),
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="visits", verbose_name=_("แบบนิเทศ")
    )
    members_present = models.ManyToManyField(
        Person, blank=True, related_name="visits_present", verbose_name=_("กรรมการที่มา")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits_created",
        verbose_name=_("ผู้บันทึก"),
    )

    check_in_at = models.DateTimeField(_("เวลาเข้า"), null=True, blank=True)
    check_in_lat = models.FloatField(_("ละติจูดเข้า"), null=True, blank=True, validators=LAT)
    check_in_lon = models.FloatField(_("ลองจิจูดเข้า"), null=True, blank=True, validators=LON)
    check_in_accuracy_m = models.FloatField(_("ความแม่นยำ ม."), null=True, blank=True)
    check_in_distance_m = models.FloatField(_("ระยะห่างจากโรงเรียน ม."), null=True, blank=True)
    check_in_far = models.BooleanField(_("อยู่ไกลเกินรัศมี"), default=False)
    check_out_at = models.DateTimeField(_("เวลาออก"), null=True, blank=True)
    check_out_lat = models.FloatField(_("ละติจูดออก"), null=True, blank=True, validators=LAT)
    check_out_lon = models.FloatField(_("ลองจิจูดออก"), null=True, blank=True, validators=LON)
    check_out_accuracy_m = models.FloatField(_("ความแม่นยำ ม."), null=True, blank=True)
    check_out_distance_m = models.FloatField(_("ระยะห่างจากโรงเรียน ม."), null=True, blank=True)
    check_out_far = models.BooleanField(_("อยู่ไกลเกินรัศมี"), default=False)

    strengths = models.TextField(_("จุดเด่น"), blank=True)
    to_improve = models.TextField(_("จุดที่ควรพัฒนา"), blank=True)
    recommendations = models.JSONField(_("ข้อเสนอแนะ"), default=list, blank=True, help_text=_("รายการข้อความ"))
    observation_notes = models.TextField(_("บันทึกการสังเกต"), blank=True)
    interview_notes = models.TextField(_("บันทึกการสัมภาษณ์"), blank=True)

    score = models.FloatField(_("คะแนนรวม %"), null=True, blank=True)
    section_scores = models.JSONField(_("คะแนนรายด้าน"), default=list, blank=True)
    failed_items = models.JSONField(_("ข้อที่ไม่ผ่าน"), default=list, blank=True)

    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits_approved",
        verbose_name=_("ผู้อนุมัติ"),
    )
    acknowledged_at = models.DateTimeField(_("รับทราบเมื่อ"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits_acknowledged",
        verbose_name=_("ผู้รับทราบ"),
    )
    school_response = models.TextField(_("ความเห็นของโรงเรียน"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["section_scores", "failed_items"])

    class Meta:
        verbose_name = _("การตรวจเยี่ยม")
        verbose_name_plural = pgettext_lazy("plural", "การตรวจเยี่ยม")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "approved", "acknowledged"]),
                name="visit_status_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="visit_version_positive"),
            # Two tablets of one committee must not make two records of the same assignment.
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(assignment__isnull=False), name="visit_once_per_assignment"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="visit_score_percent"
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["round", "school"]),
            models.Index(fields=["committee", "status"]),
        ]

    def __str__(self):
        return f"{self.school} — {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Answer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers", verbose_name=_("การตรวจเยี่ยม"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("ข้อคำถาม"))
    value = models.JSONField(_("คำตอบ"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("คำตอบ")
        verbose_name_plural = pgettext_lazy("plural", "คำตอบ")
        ordering = ["visit", "item__section__order", "item__order"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="answer_once_per_item")]

    def __str__(self):
        return f"{self.item.code}: {self.value}"


def evidence_path(instance, filename):
    return f"evidence/{instance.visit_id}/{instance.id}{_suffix(filename)}"


def thumbnail_path(instance, filename):
    return f"evidence/{instance.visit_id}/{instance.id}-thumb.jpg"


def signature_path(instance, filename):
    return f"signatures/{instance.visit_id}/{instance.id}.png"


def followup_evidence_path(instance, filename):
    return f"followups/{instance.pk or 'new'}/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot >= 0 else ""


class Evidence(models.Model):
    """A photo or document listed by the tablet (manifest: id, sha256, size) and uploaded later.

    `file` stays empty until the bytes arrive and match the declared hash; the visit shows what is missing.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("ภาพถ่าย")
        DOCUMENT = "document", _("เอกสาร")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("การตรวจเยี่ยม"))
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence", verbose_name=_("ข้อคำถาม")
    )
    kind = models.CharField(_("ชนิด"), max_length=10, choices=Kind.choices, default=Kind.PHOTO)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("ขนาด ไบต์"))
    file = models.FileField(_("ไฟล์"), upload_to=evidence_path, null=True, blank=True)
    thumbnail = models.ImageField(_("ภาพย่อ"), upload_to=thumbnail_path, null=True, blank=True)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=50, blank=True)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True)
    caption = models.CharField(_("คำบรรยาย"), max_length=500, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("ถ่ายเมื่อ"), null=True, blank=True)
    exif_lat = models.FloatField(_("ละติจูด EXIF"), null=True, blank=True, validators=LAT)
    exif_lon = models.FloatField(_("ลองจิจูด EXIF"), null=True, blank=True, validators=LON)
    created_at = models.DateTimeField(auto_now_add=True)
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("หลักฐาน")
        verbose_name_plural = pgettext_lazy("plural", "หลักฐาน")
        ordering = ["visit", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["photo", "document"]), name="evidence_kind_valid"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.caption or self.id}"

    @property
    def is_uploaded(self) -> bool:
        return bool(self.file)


class Signature(models.Model):
    """A signature drawn on the tablet: the PNG, who signed and as what. `id` is made on the device, so a
    retried upload finds the row it made; `sha256` is the image's hash the tablet checks the server's copy by."""

    class Role(models.TextChoices):
        SUPERVISOR = "supervisor", _("ผู้นิเทศ")
        CHAIR = "chair", _("ประธานคณะกรรมการ")
        SCHOOL_DIRECTOR = "school_director", _("ผู้อำนวยการโรงเรียน")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("การตรวจเยี่ยม"))
    role = models.CharField(_("ลงนามในฐานะ"), max_length=20, choices=Role.choices)
    signer_name = models.CharField(_("ชื่อผู้ลงนาม"), max_length=200)
    signer = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("ผู้ลงนาม"),
    )
    image = models.ImageField(_("ภาพลายมือชื่อ"), upload_to=signature_path)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    signed_at = models.DateTimeField(_("ลงนามเมื่อ"))

    class Meta:
        verbose_name = _("ลายมือชื่อ")
        verbose_name_plural = pgettext_lazy("plural", "ลายมือชื่อ")
        ordering = ["visit", "signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["supervisor", "chair", "school_director"]), name="signature_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.signer_name} ({self.get_role_display()})"


class AppendOnlyError(Exception):
    pass


class VisitTransition(models.Model):
    """The workflow log: appended once per accepted transition, never edited or deleted."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("การตรวจเยี่ยม")
    )
    from_status = models.CharField(_("จาก"), max_length=12, choices=Visit.Status.choices)
    to_status = models.CharField(_("เป็น"), max_length=12, choices=Visit.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_transitions", verbose_name=_("โดย")
    )
    at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    comment = models.TextField(_("ความเห็น"), blank=True)
    # The visit's version once moved: a returned visit resubmitted at this same version (and with no new
    # evidence or signature) was not changed, and is refused.
    version = models.PositiveIntegerField(_("รุ่นข้อมูลหลังเปลี่ยน"), null=True, blank=True)

    class Meta:
        verbose_name = _("ประวัติสถานะ")
        verbose_name_plural = pgettext_lazy("plural", "ประวัติสถานะ")
        ordering = ["visit", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="transition_changes"),
            models.CheckConstraint(
                condition=~Q(to_status="returned") | ~Q(comment=""), name="transition_return_has_comment"
            ),
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the transition log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the transition log is append-only")


class FollowUp(models.Model):
    """A recommendation the school owns and acts on until the office verifies it."""

    class Status(models.TextChoices):
        OPEN = "open", _("ยังไม่ดำเนินการ")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        DONE = "done", _("ดำเนินการแล้ว")
        VERIFIED = "verified", _("ตรวจสอบแล้ว")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="followups", verbose_name=_("โรงเรียน"))
    source_visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("จากการตรวจเยี่ยม"),
    )
    recommendation_index = models.PositiveSmallIntegerField(_("ข้อเสนอแนะข้อที่"), null=True, blank=True)
    recommendation = models.TextField(_("ข้อเสนอแนะ"))
    due_date = models.DateField(_("กำหนดเสร็จ"), null=True, blank=True)
    status = models.CharField(_("สถานะ"), max_length=12, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("ผู้รับผิดชอบ"),
    )
    notes = models.TextField(_("บันทึกการดำเนินงาน"), blank=True)
    evidence = models.FileField(_("หลักฐาน"), upload_to=followup_evidence_path, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups_created",
        verbose_name=_("ผู้สร้าง"),
    )
    done_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    verified_at = models.DateTimeField(_("ตรวจสอบเมื่อ"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups_verified",
        verbose_name=_("ผู้ตรวจสอบ"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("การติดตามผล")
        verbose_name_plural = pgettext_lazy("plural", "การติดตามผล")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "verified"]), name="followup_status_valid"
            ),
            models.UniqueConstraint(
                fields=["source_visit", "recommendation_index"],
                condition=Q(source_visit__isnull=False, recommendation_index__isnull=False),
                name="followup_once_per_recommendation",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return self.recommendation[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def followup_answer_file_path(instance, filename):
    return f"followups/{instance.followup_id}/{uuid.uuid4().hex}{_suffix(filename)}"


class FollowUpEvidence(models.Model):
    """One file (a photo or a PDF) a school sends as proof of what it did about a follow-up."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="files", verbose_name=_("การติดตามผล"))
    file = models.FileField(_("ไฟล์"), upload_to=followup_answer_file_path)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=100)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("ขนาด ไบต์"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ส่ง"),
    )
    uploaded_at = models.DateTimeField(_("ส่งเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("หลักฐานการติดตามผล")
        verbose_name_plural = pgettext_lazy("plural", "หลักฐานการติดตามผล")
        ordering = ["followup", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class FollowUpTransition(models.Model):
    """The follow-up's log: appended once per accepted transition (an answer, a return, an acceptance)."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("การติดตามผล")
    )
    from_status = models.CharField(_("จาก"), max_length=12, choices=FollowUp.Status.choices)
    to_status = models.CharField(_("เป็น"), max_length=12, choices=FollowUp.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("โดย"))
    at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    comment = models.TextField(_("ความเห็น"), blank=True)

    class Meta:
        verbose_name = _("ประวัติการติดตามผล")
        verbose_name_plural = pgettext_lazy("plural", "ประวัติการติดตามผล")
        ordering = ["followup", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="followup_transition_changes")
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class IssuedDocument(models.Model):
    """A PDF the office issued with a verification code (printed and in its QR code): what it said, so the
    public page /verify/<code>/ can confirm a printout without sign-in and tell when the record has
    changed since (visits/reports/verification.py)."""

    code = models.CharField(_("รหัสตรวจสอบ"), max_length=20, unique=True)
    kind = models.CharField(_("ประเภทเอกสาร"), max_length=20)
    object_key = models.CharField(_("รหัสเรื่อง"), max_length=64)
    content_hash = models.CharField(_("ค่าแฮชของเนื้อหา"), max_length=64)
    title = models.CharField(_("ชื่อเอกสาร"), max_length=300)
    school_name = models.CharField(_("โรงเรียน"), max_length=200, blank=True)
    document_date = models.DateField(_("วันที่ของเอกสาร"), null=True, blank=True)
    status = models.CharField(_("สถานะ"), max_length=100, blank=True)
    office = models.ForeignKey(
        "supervision.AreaOffice", on_delete=models.PROTECT, related_name="issued_documents", null=True, blank=True
    )
    created_at = models.DateTimeField(_("ออกเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("เอกสารที่ออก")
        verbose_name_plural = pgettext_lazy("plural", "เอกสารที่ออก")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "object_key"])]

    def __str__(self):
        return f"{self.code} {self.title}"


class FollowUpDueChange(models.Model):
    """A request to move a follow-up's due date, and the office's decision: the only way a due date changes
    once the follow-up exists (a school cannot push its own date away and so escape escalation). The
    lifecycle is in `visits.followups` (pending → approved | refused, by another person than the requester)."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("รออนุมัติ")
        APPROVED = "approved", gettext_lazy("อนุมัติแล้ว")
        REFUSED = "refused", gettext_lazy("ไม่อนุมัติ")

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="due_changes", verbose_name=gettext_lazy("การติดตามผล")
    )
    from_date = models.DateField(gettext_lazy("กำหนดเสร็จเดิม"), null=True, blank=True)
    to_date = models.DateField(gettext_lazy("กำหนดเสร็จที่ขอ"))
    reason = models.TextField(gettext_lazy("เหตุผล"))
    status = models.CharField(gettext_lazy("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("ผู้ขอ")
    )
    requested_at = models.DateTimeField(gettext_lazy("ขอเมื่อ"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=gettext_lazy("ผู้พิจารณา"),
    )
    decided_at = models.DateTimeField(gettext_lazy("พิจารณาเมื่อ"), null=True, blank=True)
    decision_comment = models.TextField(gettext_lazy("ความเห็นของผู้พิจารณา"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("คำขอเลื่อนกำหนดเสร็จ")
        verbose_name_plural = gettext_lazy("คำขอเลื่อนกำหนดเสร็จ")
        ordering = ["followup", "requested_at", "id"]
        constraints = [
            # one open request at a time per follow-up (a second one waits for the first decision)
            models.UniqueConstraint(
                fields=["followup"], condition=Q(status="pending"), name="followup_one_pending_due_change"
            ),
        ]

    def __str__(self):
        return f"{self.followup_id}: {self.from_date} → {self.to_date} ({self.status})"
