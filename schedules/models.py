"""Rounds, their days and sessions, and the assignments of committees to schools.

A `Round` is one supervision or inspection campaign of an office (e.g. the August supervision round or the
O-NET exam-site inspection). Its counted days come from `schedules.days`; its `Assignment`s say which
committee visits which school on which day and session. Pure checks live in `schedules.conflicts`.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from supervision.access import OfficeScopedQuerySet
from supervision.models import AreaOffice, Committee, Consortium, Person, School


class RoundQuerySet(OfficeScopedQuerySet):
    pass


class Round(models.Model):
    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("นิเทศ ติดตาม")
        EXAM_INSPECTION = "exam_inspection", _("ตรวจเยี่ยมสนามสอบ")
        READINESS = "readiness", _("ตรวจความพร้อม")
        FOLLOW_UP = "follow_up", _("ติดตามผล")

    class Target(models.TextChoices):
        ALL = "all", _("ทุกโรงเรียน")
        CONSORTIA = "consortia", _("เฉพาะสหวิทยาเขต")
        LIST = "list", _("เลือกโรงเรียน")

    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        PUBLISHED = "published", _("ประกาศแล้ว")
        CLOSED = "closed", _("ปิดรอบ")

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("สำนักงานเขต")
    )
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Kind.choices, default=Kind.SUPERVISION)
    academic_year = models.PositiveSmallIntegerField(
        _("ปีการศึกษา พ.ศ."), validators=[MinValueValidator(2500), MaxValueValidator(2700)]
    )
    title = models.CharField(_("ชื่อรอบ"), max_length=300)
    slug = models.SlugField(_("รหัสรอบ"), max_length=80, unique=True)
    start_date = models.DateField(_("วันเริ่ม"))
    end_date = models.DateField(_("วันสิ้นสุด"))
    target = models.CharField(_("โรงเรียนเป้าหมาย"), max_length=10, choices=Target.choices, default=Target.ALL)
    target_consortia = models.ManyToManyField(
        Consortium, blank=True, related_name="rounds", verbose_name=_("สหวิทยาเขตเป้าหมาย")
    )
    target_schools = models.ManyToManyField(
        School, blank=True, related_name="target_of_rounds", verbose_name=_("โรงเรียนเป้าหมาย")
    )
    visits_per_school = models.PositiveSmallIntegerField(_("จำนวนครั้งต่อโรงเรียน"), default=1)
    visits_per_committee_day = models.PositiveSmallIntegerField(_("จำนวนโรงเรียนต่อคณะต่อวัน"), default=2)
    max_leg_km = models.FloatField(
        _("ระยะทางสูงสุดระหว่างโรงเรียนในวันเดียวกัน กม."),
        null=True,
        blank=True,
        help_text=_("ว่างไว้ = ใช้ค่าตั้งต้นของระบบ"),
    )
    committees = models.ManyToManyField(Committee, blank=True, related_name="rounds", verbose_name=_("คณะกรรมการ"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Added by the visits app (D1): the instrument version every visit of this round is filled with.
    instrument = models.ForeignKey(
        "visits.InstrumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("แบบนิเทศ"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("รอบการนิเทศ")
        verbose_name_plural = pgettext_lazy("plural", "รอบการนิเทศ")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="round_dates_ordered"),
            models.CheckConstraint(condition=Q(visits_per_school__gte=1), name="round_visits_per_school_positive"),
            models.CheckConstraint(condition=Q(visits_per_committee_day__gte=1), name="round_visits_per_day_positive"),
            models.CheckConstraint(
                condition=Q(academic_year__gte=2500, academic_year__lte=2700), name="round_academic_year_be"
            ),
            models.CheckConstraint(
                condition=Q(max_leg_km__isnull=True) | Q(max_leg_km__gt=0), name="round_max_leg_km_positive"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_exam(self) -> bool:
        return self.kind == self.Kind.EXAM_INSPECTION

    def clean(self):
        # Said on the date field in the reader's language; the check constraint stays as the database's guard
        # (full_clean skips it once the field has an error, so no "Constraint … is violated" reaches a form).
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม")}, code="end_before_start")


class RoundSession(models.Model):
    """A named part of a round's day (e.g. the morning and afternoon O-NET papers). Every round has at least one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("รอบ"))
    code = models.SlugField(_("รหัส"), max_length=30)
    name = models.CharField(_("ชื่อช่วง"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    start_time = models.TimeField(_("เวลาเริ่ม"), default=datetime.time(8, 30))
    end_time = models.TimeField(_("เวลาสิ้นสุด"), default=datetime.time(16, 30))

    class Meta:
        verbose_name = _("ช่วงเวลา")
        verbose_name_plural = pgettext_lazy("plural", "ช่วงเวลา")
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="session_unique_code_in_round"),
            models.UniqueConstraint(fields=["round", "order"], name="session_unique_order_in_round"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_times_ordered"),
        ]

    def __str__(self):
        return self.name


class OfficeClosure(models.Model):
    """A date the office does not go out (training day, office event). `round` empty = closed for every round."""

    office = models.ForeignKey(
        AreaOffice, on_delete=models.CASCADE, related_name="closures", verbose_name=_("สำนักงานเขต")
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("เฉพาะรอบ"),
    )
    date = models.DateField(_("วันที่"))
    reason = models.CharField(_("เหตุผล"), max_length=200)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("วันงดออกนิเทศ")
        verbose_name_plural = pgettext_lazy("plural", "วันงดออกนิเทศ")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date"], condition=Q(round__isnull=True), name="closure_unique_office_date"
            ),
            models.UniqueConstraint(
                fields=["round", "date"], condition=Q(round__isnull=False), name="closure_unique_round_date"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.reason}"


class ExamDay(models.Model):
    """A day an exam round inspects: exam rounds count exactly these days (weekends included)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exam_days", verbose_name=_("รอบ"))
    date = models.DateField(_("วันสอบ"))

    class Meta:
        verbose_name = _("วันสอบ")
        verbose_name_plural = pgettext_lazy("plural", "วันสอบ")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["round", "date"], name="exam_day_unique")]

    def __str__(self):
        return str(self.date)

    def clean(self):
        if self.round_id and self.date and not (self.round.start_date <= self.date <= self.round.end_date):
            raise ValidationError({"date": _("วันสอบอยู่นอกช่วงวันของรอบ")}, code="exam_day_outside_window")


class ExamCentre(models.Model):
    """A school acting as an exam centre (สนามสอบ) in one exam round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="centres", verbose_name=_("รอบ"))
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="exam_centres", verbose_name=_("โรงเรียนสนามสอบ")
    )
    centre_code = models.CharField(_("รหัสสนามสอบ"), max_length=30, blank=True)
    rooms = models.PositiveSmallIntegerField(_("จำนวนห้องสอบ"), default=0)
    candidates = models.PositiveIntegerField(_("จำนวนผู้เข้าสอบ"), default=0)

    class Meta:
        verbose_name = _("สนามสอบ")
        verbose_name_plural = pgettext_lazy("plural", "สนามสอบ")
        ordering = ["round", "centre_code", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="exam_centre_unique_school")]

    def __str__(self):
        return f"สนามสอบ {self.school}"


class AssignmentQuerySet(OfficeScopedQuerySet):
    office_field = "round__office"

    def active(self):
        return self.exclude(status=Assignment.Status.CANCELLED)


class Assignment(models.Model):
    """One committee visiting one school on one day and session of a round.

    `uid` and `sequence` make the calendar event: a move keeps the uid and bumps the sequence, so calendar
    apps update the event instead of adding a second one. History keeps every earlier date and committee.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("วางแผน")
        CONFIRMED = "confirmed", _("ยืนยันแล้ว")
        DONE = "done", _("ดำเนินการแล้ว")
        CANCELLED = "cancelled", _("ยกเลิก")
        MOVED = "moved", _("เลื่อน/ย้าย")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("รอบ"))
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("คณะกรรมการ")
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("โรงเรียน/สนามสอบ"),
    )
    date = models.DateField(_("วันที่"))
    session = models.ForeignKey(
        RoundSession, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("ช่วงเวลา")
    )
    day_order = models.PositiveSmallIntegerField(_("ลำดับในวัน"), default=1)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    status_reason = models.CharField(_("เหตุผล"), max_length=300, blank=True)
    locked = models.BooleanField(_("ล็อก"), default=False, help_text=_("การวางแผนอัตโนมัติจะไม่ย้ายรายการนี้"))
    uid = models.UUIDField("iCal UID", default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField("iCal SEQUENCE", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("การมอบหมาย")
        verbose_name_plural = pgettext_lazy("plural", "การมอบหมาย")
        ordering = ["round", "date", "session__order", "committee__number", "day_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "committee", "school", "date", "session"],
                condition=~Q(status="cancelled"),
                name="assignment_once_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "confirmed", "done", "cancelled", "moved"]),
                name="assignment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["cancelled", "moved"]) | ~Q(status_reason=""),
                name="assignment_moved_or_cancelled_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["round", "date"]), models.Index(fields=["committee", "date"])]

    def __str__(self):
        return f"{self.committee} → {self.school} {self.date}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The private link to one person's or one committee's iCalendar feed. Revoking replaces the token."""

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("บุคคล"),
    )
    committee = models.OneToOneField(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("คณะกรรมการ"),
    )
    token = models.CharField(_("โทเคน"), max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ปฏิทินส่วนตัว")
        verbose_name_plural = pgettext_lazy("plural", "ปฏิทินส่วนตัว")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(committee__isnull=True))
                | (Q(person__isnull=True) & Q(committee__isnull=False)),
                name="calendar_feed_one_owner",
            ),
        ]

    def __str__(self):
        return f"iCal {self.person or self.committee}"


class PlanRun(models.Model):
    """A re-plan of a large round done in the worker: its progress while it runs, then the preview (the
    changes it would make) or what it saved. The page polls it; the task takes its id."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังคำนวณ")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="plan_runs", verbose_name=_("รอบ"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้สั่ง"),
    )
    fresh = models.BooleanField(_("วางแผนใหม่ทั้งหมด"), default=False)
    apply = models.BooleanField(_("บันทึกเมื่อเสร็จ"), default=False)
    fingerprint = models.CharField(_("รหัสตัวอย่างที่ยืนยัน"), max_length=32, blank=True)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(_("ความคืบหน้า"), default=0.0)
    step = models.CharField(_("ขั้นตอน"), max_length=100, blank=True)
    result = models.JSONField(_("ผลลัพธ์"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("การวางแผนในเบื้องหลัง")
        verbose_name_plural = pgettext_lazy("plural", "การวางแผนในเบื้องหลัง")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.round} {self.status} {self.progress:.0%}"
