"""The notification ledger and per-person preferences.

One `Notification` row per (event, object, recipient, due time, channel); the unique constraint makes
creating due notifications idempotent (beat firing twice, two beat processes, a command run three times).
A row moves pending → sending → sent / failed; the move to sending is a conditional UPDATE (a claim), so
only one worker ever sends a row. In-app notifications are simply the sent rows of the in-app channel.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.models import Person


class Event(models.TextChoices):
    VISIT_UPCOMING = "visit_upcoming", _("ใกล้ถึงวันนิเทศ")
    ASSIGNMENT_MOVED = "assignment_moved", _("เลื่อนวันนิเทศ")
    ASSIGNMENT_CANCELLED = "assignment_cancelled", _("ยกเลิกการนิเทศ")
    REPORT_OVERDUE = "report_overdue", _("รายงานการนิเทศเกินกำหนด")
    REPORT_OVERDUE_ESCALATED = "report_overdue_escalated", _("รายงานเกินกำหนด แจ้งผู้ประสานงาน")
    AWAITING_APPROVAL = "awaiting_approval", _("รายงานรออนุมัติ")
    REPORT_APPROVED = "report_approved", _("รายงานได้รับอนุมัติ")
    FOLLOWUP_DUE = "followup_due", _("ครบกำหนดติดตามข้อเสนอแนะ")
    FOLLOWUP_OVERDUE = "followup_overdue", _("การติดตามเกินกำหนด")
    FOLLOWUP_ESCALATED = "followup_escalated", _("การติดตามเกินกำหนด แจ้ง ผอ.เขต")
    ROUND_DIGEST = "round_digest", _("สรุปความก้าวหน้ารายสัปดาห์")
    ACCOUNT_INVITATION = "account_invitation", _("คำเชิญเข้าใช้ระบบ")
    REPORT_FAILED = "report_failed", _("สร้างรายงาน PDF ไม่ได้")
    VISIT_RETURNED = "visit_returned", _("รายงานถูกส่งกลับให้แก้ไข")
    MEETING_INVITATION = "meeting_invitation", _("หนังสือเชิญประชุม")
    MEETING_REMINDER = "meeting_reminder", _("เตือนการประชุมพรุ่งนี้")
    MEETING_ACTION_DUE = "meeting_action_due", _("ครบกำหนดงานตามมติ")
    MEETING_ACTION_OVERDUE = "meeting_action_overdue", _("งานตามมติเกินกำหนด")
    MEETING_ACTION_ESCALATED = "meeting_action_escalated", _("งานตามมติเกินกำหนด แจ้ง ผอ.เขต")
    SURVEY_INVITATION = "survey_invitation", _("แบบสอบถามความพึงพอใจ")


class Channel(models.TextChoices):
    EMAIL = "email", _("อีเมล")
    LINE = "line", "LINE"
    INAPP = "inapp", _("ในระบบ")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("รอส่ง")
        SENDING = "sending", _("กำลังส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")
        CANCELLED = "cancelled", pgettext_lazy("state", "ยกเลิก")

    event = models.CharField(_("เหตุการณ์"), max_length=40, choices=Event.choices)
    object_type = models.CharField(_("ประเภทรายการ"), max_length=40)
    object_id = models.CharField(_("รหัสรายการ"), max_length=64)
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("ผู้รับ"))
    due_at = models.DateTimeField(_("กำหนดแจ้ง"))
    channel = models.CharField(_("ช่องทาง"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(_("หัวข้อ"), max_length=300)
    body = models.TextField(_("ข้อความ"))
    link = models.CharField(_("ลิงก์"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ส่ง"), default=0)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    # When the next attempt may run: the due time moved out of quiet hours, or the backoff after a failure.
    next_attempt_at = models.DateTimeField(_("ส่งครั้งถัดไป"))
    enqueued_at = models.DateTimeField(_("เข้าคิวเมื่อ"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = pgettext_lazy("plural", "การแจ้งเตือน")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "object_type", "object_id", "recipient", "due_at", "channel"],
                name="notification_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "cancelled"]),
                name="notification_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["object_type", "object_id", "event"], name="notification_object_idx"),
            models.Index(fields=["recipient", "channel", "status", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["claim_token"], name="notification_claim_idx"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient} ({self.channel})"


class NotificationPreference(models.Model):
    """How one person wants to be told. A person without a row gets the defaults below."""

    DEFAULT_QUIET_START = dt.time(21, 0)
    DEFAULT_QUIET_END = dt.time(7, 0)

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notification_preference", verbose_name=_("บุคคล")
    )
    email = models.BooleanField(_("รับทางอีเมล"), default=True)
    line = models.BooleanField(_("รับทาง LINE"), default=True)
    in_app = models.BooleanField(_("รับในระบบ"), default=True)
    quiet_start = models.TimeField(_("เริ่มช่วงงดส่ง"), default=DEFAULT_QUIET_START, help_text=_("เวลาไทย"))
    quiet_end = models.TimeField(
        _("สิ้นสุดช่วงงดส่ง"),
        default=DEFAULT_QUIET_END,
        help_text=_("เท่ากับเวลาเริ่ม = ไม่มีช่วงงดส่ง"),
    )

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = pgettext_lazy("plural", "การตั้งค่าการแจ้งเตือน")

    def __str__(self):
        return f"{self.person}"


class RoundReminderPolicy(models.Model):
    """When one round's reminders go out. A round without a row uses the defaults (the field defaults)."""

    round = models.OneToOneField(
        "schedules.Round", on_delete=models.CASCADE, related_name="reminder_policy", verbose_name=_("รอบ")
    )
    days_before = models.PositiveSmallIntegerField(_("เตือนล่วงหน้า (วัน)"), default=3, help_text=_("0 = ไม่เตือนล่วงหน้า"))
    days_before_at = models.TimeField(_("เวลาเตือนล่วงหน้า"), default=dt.time(8, 0))
    evening_before = models.BooleanField(_("เตือนเย็นวันก่อน"), default=True)
    evening_before_at = models.TimeField(_("เวลาเตือนเย็นวันก่อน"), default=dt.time(18, 0))
    report_due_working_days = models.PositiveSmallIntegerField(_("ส่งรายงานภายใน (วันทำการ)"), default=3)
    escalate_after_working_days = models.PositiveSmallIntegerField(_("แจ้งผู้ประสานงานเมื่อเกินอีก (วันทำการ)"), default=2)

    class Meta:
        verbose_name = _("การตั้งค่าเตือนของรอบ")
        verbose_name_plural = pgettext_lazy("plural", "การตั้งค่าเตือนของรอบ")

    def __str__(self):
        return f"{self.round}"


class AssignmentWatch(models.Model):
    """What the notifier last saw of an assignment, so a move or cancellation is noticed however it was made
    (plan page, admin, API, planner) without the schedules app calling us."""

    assignment = models.OneToOneField("schedules.Assignment", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    session_id = models.BigIntegerField()
    committee_id = models.BigIntegerField()
    school_id = models.BigIntegerField()
    status = models.CharField(max_length=10)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("สถานะการมอบหมายที่แจ้งแล้ว")
        verbose_name_plural = pgettext_lazy("plural", "สถานะการมอบหมายที่แจ้งแล้ว")

    def __str__(self):
        return f"{self.assignment_id} {self.date} {self.status}"
