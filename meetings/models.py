"""Participation: meetings (agenda, invitations, attendance, minutes, resolutions, actions), office documents
approved by resolution, satisfaction surveys, opinions, learning exchanges and o25 participation records.

Invariants that never change are database constraints (one number per committee and year, one invitation per
person and meeting, one answer per item and response, Likert values 1–5). What may change when is the
meeting's lifecycle (`meetings.workflow`); certified minutes are refused by `save()` as well, so no path
(admin, shell, a forgotten service) can rewrite them.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from supervision.access import OfficeScopedQuerySet
from supervision.errors import DomainError
from supervision.models import AreaOffice, Committee, Consortium, Person


class MinutesLocked(DomainError):
    """Certified minutes (and everything they record) are the record of the meeting: nothing changes them."""

    code = "minutes_locked"
    http_status = 409
    default_th = "รายงานการประชุมได้รับการรับรองแล้ว แก้ไขไม่ได้"
    default_en = "the minutes have been certified and cannot be changed"


class VersionFrozen(DomainError):
    code = "version_frozen"
    http_status = 409
    default_th = "ฉบับที่อนุมัติแล้วแก้ไขไม่ได้ ให้เพิ่มฉบับใหม่"
    default_en = "an approved version is frozen; add a new version instead"


def _attachment_path(instance, filename):
    return f"meetings/{uuid.uuid4().hex}/{filename}"


class StoredFile(models.Model):
    """What was checked when a file was kept (`meetings.files`): its type by content, the name it came with,
    its size and SHA-256 (shown so a reader can check a copy), who sent it and when."""

    content_type = models.CharField(_("ชนิดไฟล์"), max_length=100, blank=True)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class MeetingQuerySet(OfficeScopedQuerySet):
    pass


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        INVITED = "invited", _("ส่งหนังสือเชิญแล้ว")
        HELD = "held", _("ประชุมแล้ว")
        MINUTED = "minuted", _("ลงนามรายงานการประชุมแล้ว")
        CERTIFIED = "certified", _("รับรองรายงานการประชุมแล้ว")
        CANCELLED = "cancelled", _("ยกเลิก")

    office = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="meetings")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("คณะ"))
    title = models.CharField(_("ชื่อการประชุม"), max_length=300)
    year = models.PositiveSmallIntegerField(_("ปี พ.ศ."))
    number = models.PositiveSmallIntegerField(_("ครั้งที่"))
    date = models.DateField(_("วันที่ประชุม"))
    start_time = models.TimeField(_("เวลาเริ่ม"))
    end_time = models.TimeField(_("เวลาสิ้นสุด (กำหนดการ)"), null=True, blank=True)
    place = models.CharField(_("สถานที่"), max_length=300, blank=True)
    online_link = models.URLField(_("ลิงก์ประชุมออนไลน์"), blank=True)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The invitation letter (หนังสือเชิญประชุม)
    letter_no = models.CharField(_("ที่ (เลขที่หนังสือ)"), max_length=60, blank=True, help_text=_("เช่น ศธ 04xxx/ว ..."))
    letter_date = models.DateField(_("ลงวันที่"), null=True, blank=True)
    subject = models.CharField(_("เรื่อง"), max_length=300, blank=True)
    salutation = models.CharField(_("เรียน"), max_length=300, blank=True)
    enclosures = models.TextField(_("สิ่งที่ส่งมาด้วย (บรรทัดละรายการ)"), blank=True)
    body = models.TextField(_("ข้อความ"), blank=True)
    signer = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ผู้ลงนาม")
    )
    invited_at = models.DateTimeField(_("ส่งหนังสือเชิญเมื่อ"), null=True, blank=True)
    # What happened
    started_at = models.DateTimeField(_("เริ่มประชุมเวลา"), null=True, blank=True)
    ended_at = models.DateTimeField(_("เลิกประชุมเวลา"), null=True, blank=True)
    note_taker = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ผู้จดรายงานการประชุม")
    )
    checker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ตรวจรายงานการประชุม"),
    )
    note_taker_signed_at = models.DateTimeField(null=True, blank=True)
    checker_signed_at = models.DateTimeField(null=True, blank=True)
    certified_at = models.DateTimeField(_("รับรองเมื่อ"), null=True, blank=True)
    certified_in = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="certified_minutes"
    )
    certification_note = models.TextField(_("การแก้ไขในการรับรอง"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    LOCKED = (Status.CERTIFIED,)
    CONTENT_EDITABLE = (Status.DRAFT, Status.INVITED, Status.HELD)

    class Meta:
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "number"], name="meeting_number_once_per_year"),
            models.CheckConstraint(condition=Q(number__gte=1), name="meeting_number_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "invited", "held", "minuted", "certified", "cancelled"]),
                name="meeting_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.title} ครั้งที่ {self.number_label}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Meeting.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in self.LOCKED:
                raise MinutesLocked(objects=[str(self.pk)])
        super().save(*args, **kwargs)

    @property
    def number_label(self) -> str:
        return f"{self.number}/{self.year}"


def _refuse_if_locked(meeting_id):
    if meeting_id and Meeting.objects.filter(pk=meeting_id, status__in=Meeting.LOCKED).exists():
        raise MinutesLocked(objects=[str(meeting_id)])


class AgendaItem(models.Model):
    """ระเบียบวาระ: five standard top items (number 1–5, parent empty) and their sub-items (4.1, 4.2 …)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    number = models.PositiveSmallIntegerField(_("ข้อ"))
    title = models.CharField(_("เรื่อง"), max_length=500)
    presenter = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ผู้นำเสนอ")
    )
    detail = models.TextField(_("รายละเอียด"), blank=True)
    minutes_text = models.TextField(_("สาระการประชุม"), blank=True)
    resolution_text = models.TextField(_("มติที่ประชุม"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "parent_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], condition=Q(parent__isnull=True), name="agenda_top_number_once"
            ),
            models.UniqueConstraint(
                fields=["parent", "number"], condition=Q(parent__isnull=False), name="agenda_sub_number_once"
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.title}"

    def save(self, *args, **kwargs):
        _refuse_if_locked(self.meeting_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.meeting_id)
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.parent.number}.{self.number}" if self.parent_id else str(self.number)


class AgendaAttachment(StoredFile):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("ชื่อเอกสาร"), max_length=300)
    file = models.FileField(_("ไฟล์"), upload_to=_attachment_path)

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        _refuse_if_locked(AgendaItem.objects.filter(pk=self.item_id).values_list("meeting_id", flat=True).first())
        super().save(*args, **kwargs)


class Invitation(models.Model):
    """One invitee of one meeting: the answer they gave to the letter, and what the secretary recorded on
    the day. `role` says how the minutes list them: members under ผู้มาประชุม / ผู้ไม่มาประชุม, others under
    ผู้เข้าร่วมประชุม."""

    class Role(models.TextChoices):
        MEMBER = "member", _("กรรมการ")
        GUEST = "guest", _("ผู้เข้าร่วมประชุม")

    class Answer(models.TextChoices):
        PENDING = "pending", _("ยังไม่ตอบ")
        ATTEND = "attend", _("เข้าร่วมประชุม")
        SUBSTITUTE = "substitute", _("ส่งผู้แทน")
        ABSENT = "absent", _("ไม่เข้าร่วมประชุม")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("ยังไม่บันทึก")
        PRESENT = "present", _("มาประชุม")
        SUBSTITUTE = "substitute", _("ผู้แทนมาประชุม")
        ABSENT = "absent", _("ไม่มาประชุม")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="meeting_invitations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    position = models.CharField(_("ตำแหน่ง"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answer = models.CharField(_("คำตอบ"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    substitute_name = models.CharField(_("ชื่อผู้แทน"), max_length=200, blank=True)
    substitute_position = models.CharField(_("ตำแหน่งผู้แทน"), max_length=200, blank=True)
    reason = models.CharField(_("เหตุผล"), max_length=300, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        _("การมาประชุม"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attended_substitute_name = models.CharField(_("ผู้มาแทน"), max_length=200, blank=True)
    attended_substitute_position = models.CharField(_("ตำแหน่งผู้มาแทน"), max_length=200, blank=True)
    absence_reason = models.CharField(_("เหตุที่ไม่มา"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "role", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="invitation_once_per_person"),
            models.CheckConstraint(
                condition=~Q(answer="substitute") | ~Q(substitute_name=""), name="invitation_substitute_named"
            ),
            models.CheckConstraint(
                condition=~Q(attendance="substitute") | ~Q(attended_substitute_name=""),
                name="invitation_attending_substitute_named",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.meeting}"

    def save(self, *args, **kwargs):
        _refuse_if_locked(self.meeting_id)
        super().save(*args, **kwargs)

    @property
    def attended(self) -> bool:
        """A substitute who came counts as the member attending (the minutes print "แทน")."""
        return self.attendance in (self.Attendance.PRESENT, self.Attendance.SUBSTITUTE)


class MeetingPhoto(StoredFile):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("ภาพ"), upload_to=_attachment_path)
    thumbnail = models.ImageField(upload_to=_attachment_path, blank=True)
    caption = models.CharField(_("คำบรรยายภาพ"), max_length=300, blank=True)
    taken_at = models.DateTimeField(_("ถ่ายเมื่อ"), null=True, blank=True)

    def __str__(self):
        return self.caption or self.image.name

    def save(self, *args, **kwargs):
        _refuse_if_locked(self.meeting_id)
        super().save(*args, **kwargs)


# --- Documents ---------------------------------------------------------------------------------------------


class Document(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("แผน")
        MANUAL = "manual", _("คู่มือ")
        REPORT = "report", _("รายงาน")
        FRAMEWORK = "framework", _("กรอบหลักสูตร")
        OTHER = "other", _("อื่น ๆ")

    office = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices, default=Kind.PLAN)
    title = models.CharField(_("ชื่อเอกสาร"), max_length=300)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["office", "title"]
        constraints = [models.UniqueConstraint(fields=["office", "title"], name="document_title_once_per_office")]

    def __str__(self):
        return self.title


class DocumentVersion(StoredFile):
    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        CHANGES_REQUESTED = "changes", _("ให้ปรับปรุง")
        APPROVED = "approved", _("อนุมัติแล้ว")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    file = models.FileField(_("ไฟล์"), upload_to=_attachment_path, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_by_resolution = models.ForeignKey(
        "Resolution", on_delete=models.PROTECT, null=True, blank=True, related_name="approved_versions"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_once"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by_resolution__isnull=False),
                name="document_version_approved_names_resolution",
            ),
        ]

    def __str__(self):
        return f"{self.document} ฉบับที่ {self.number}"

    def save(self, *args, **kwargs):
        if self.pk and DocumentVersion.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise VersionFrozen(objects=[str(self.pk)])
        super().save(*args, **kwargs)


# --- Resolutions and actions ------------------------------------------------------------------------------


class Resolution(models.Model):
    """What a มติ does beyond its words: approve a document version, ask for changes to it, or raise actions."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("อนุมัติเอกสาร")
        CHANGES = "changes", _("ให้ปรับปรุงเอกสาร")
        ACTIONS = "actions", _("มอบหมายให้ดำเนินการ")
        NOTE = "note", _("รับทราบ")

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="resolutions")
    kind = models.CharField(_("ประเภทมติ"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("มติ"))
    document_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="resolutions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["approve", "changes"]) | Q(document_version__isnull=False),
                name="resolution_document_kinds_name_version",
            )
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        _refuse_if_locked(AgendaItem.objects.filter(pk=self.item_id).values_list("meeting_id", flat=True).first())
        super().save(*args, **kwargs)


class MeetingAction(models.Model):
    """An action a resolution gave someone, tracked to done; reminded and escalated by the worker."""

    class Status(models.TextChoices):
        OPEN = "open", _("ยังไม่ดำเนินการ")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        DONE = "done", _("ดำเนินการแล้ว")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("สิ่งที่ต้องดำเนินการ"), max_length=500)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="meeting_actions", verbose_name=_("ผู้รับผิดชอบ")
    )
    due_date = models.DateField(_("กำหนดเสร็จ"))
    status = models.CharField(_("สถานะ"), max_length=12, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("บันทึกการดำเนินงาน"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.title


# --- Surveys -----------------------------------------------------------------------------------------------


class SurveyForm(models.Model):
    """An office's satisfaction survey on supervision: dimensions and items, banding, anonymity."""

    class Banding(models.TextChoices):
        HALF = "0.5", _("ช่วงละ 0.50 (4.51–5.00 มากที่สุด)")
        EIGHT = "0.8", _("ช่วงละ 0.80 (4.21–5.00 มากที่สุด)")

    office = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="survey_forms")
    title = models.CharField(_("ชื่อแบบสอบถาม"), max_length=300)
    anonymous = models.BooleanField(_("ไม่ระบุตัวผู้ตอบ"), default=True)
    banding = models.CharField(_("เกณฑ์แปลผล"), max_length=3, choices=Banding.choices, default=Banding.HALF)
    include_teachers = models.BooleanField(_("ส่งถึงครูที่ร่วมรับการนิเทศด้วย"), default=False)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["office", "title"]

    def __str__(self):
        return self.title


class SurveyDimension(models.Model):
    form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("ด้าน"), max_length=200)

    class Meta:
        ordering = ["form", "order", "id"]

    def __str__(self):
        return self.name


class SurveyItem(models.Model):
    dimension = models.ForeignKey(SurveyDimension, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("ข้อคำถาม"), max_length=500)

    class Meta:
        ordering = ["dimension__order", "order", "id"]

    def __str__(self):
        return self.text


class SurveyInvitation(models.Model):
    """Who is asked to rate one approved visit. Only an invitation's holder may answer, once."""

    class Group(models.TextChoices):
        DIRECTOR = "director", _("ผู้บริหารสถานศึกษา")
        TEACHER = "teacher", _("ครู")

    form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, related_name="invitations")
    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="survey_invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_invitations")
    group = models.CharField(max_length=10, choices=Group.choices, default=Group.DIRECTOR)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "visit", "person"], name="survey_invitation_once"),
        ]

    def __str__(self):
        return f"{self.person} — {self.visit_id}"


class SurveyResponse(models.Model):
    """One submitted questionnaire. When the form is anonymous the response keeps no link to who sent it
    (the invitation only records that it was answered)."""

    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="responses")
    round = models.ForeignKey("schedules.Round", on_delete=models.SET_NULL, null=True, related_name="+")
    academic_year = models.PositiveSmallIntegerField(_("ปีการศึกษา"))
    group = models.CharField(max_length=10, choices=SurveyInvitation.Group.choices)
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    suggestion = models.TextField(_("ข้อเสนอแนะ"), blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        from supervision.dates import be_display

        return f"{self.form} {be_display(self.submitted_at)}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_answer_once_per_item"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="survey_answer_likert"),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.value}"


# --- Opinions, exchanges, participation --------------------------------------------------------------------


class Opinion(models.Model):
    """A question or suggestion on one round or one meeting (the O32 opinion channel)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("คำถาม")
        SUGGESTION = "suggestion", _("ข้อเสนอแนะ")

    office = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="opinions")
    round = models.ForeignKey("schedules.Round", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="opinions")
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField(_("ความคิดเห็น"))
    author = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answer = models.TextField(_("คำตอบของสำนักงาน"), blank=True)
    answered_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(round__isnull=False) & Q(meeting__isnull=True))
                | (Q(round__isnull=True) & Q(meeting__isnull=False)),
                name="opinion_one_channel",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(answer=""), name="opinion_published_is_answered"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class LearningExchange(models.Model):
    """บันทึกการแลกเปลี่ยนเรียนรู้."""

    office = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="learning_exchanges")
    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("สหวิทยาเขต"),
    )
    event = models.CharField(_("กิจกรรม"), max_length=300)
    start_date = models.DateField(_("วันที่"))
    end_date = models.DateField(_("ถึงวันที่"), null=True, blank=True)
    place = models.CharField(_("สถานที่"), max_length=300)
    topic = models.CharField(_("ประเด็นการแลกเปลี่ยน"), max_length=500)
    learnt = models.TextField(_("สิ่งที่ได้เรียนรู้"))
    usage = models.TextField(_("การนำไปใช้"))
    count_office = models.PositiveIntegerField(_("บุคลากรสำนักงานเขต"), default=0)
    count_school = models.PositiveIntegerField(_("ผู้บริหารและครู"), default=0)
    count_ktpn = models.PositiveIntegerField(_("ก.ต.ป.น."), default=0)
    count_other = models.PositiveIntegerField(_("บุคคลภายนอกอื่น"), default=0)
    participants_note = models.TextField(_("รายละเอียดผู้เข้าร่วม"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self):
        return self.event


class ExchangeAttachment(StoredFile):
    exchange = models.ForeignKey(LearningExchange, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("ชื่อเอกสาร"), max_length=300)
    file = models.FileField(_("ไฟล์"), upload_to=_attachment_path)

    def __str__(self):
        return self.title


class ParticipationRecord(models.Model):
    """One activity in the o25 (O33) shape: topic; who took part, counted by group; results; how used."""

    class Source(models.TextChoices):
        MEETING = "meeting", _("การประชุม")
        SURVEY = "survey", _("การสำรวจความพึงพอใจ")
        EXCHANGE = "exchange", _("การแลกเปลี่ยนเรียนรู้")

    office = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="participation_records")
    source = models.CharField(max_length=10, choices=Source.choices)
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    exchange = models.OneToOneField(LearningExchange, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    survey_form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    survey_round = models.ForeignKey(
        "schedules.Round", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    date = models.DateField(_("วันที่"))
    topic = models.CharField(_("ประเด็น"), max_length=500)
    count_office = models.PositiveIntegerField(_("บุคลากรสำนักงานเขต"), default=0)
    count_school = models.PositiveIntegerField(_("ผู้บริหารและครู"), default=0)
    count_ktpn = models.PositiveIntegerField(_("ก.ต.ป.น."), default=0)
    count_other = models.PositiveIntegerField(_("บุคคลภายนอกอื่น"), default=0)
    results = models.TextField(_("ผลการมีส่วนร่วม"))
    usage = models.TextField(_("การนำผลไปใช้ปรับปรุง"), blank=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey_form", "survey_round"],
                condition=Q(source="survey"),
                name="participation_one_per_survey_round",
            ),
        ]

    def __str__(self):
        return self.topic

    @property
    def total(self) -> int:
        return self.count_office + self.count_school + self.count_ktpn + self.count_other

    @property
    def fiscal_year(self) -> int:
        """Thai fiscal year (BE) the activity falls in: October starts the next one."""
        return self.date.year + 543 + (1 if self.date.month >= 10 else 0)
