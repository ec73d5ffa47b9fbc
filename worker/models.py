"""The notification ledger and per-person preferences.

One `Notification` row per (event, object, recipient, due time, channel); the unique constraint makes
creating due notifications idempotent (beat firing twice, two beat processes, a command run three times).
A row moves pending → sending → sent / failed; the move to sending is a conditional UPDATE (a claim), so
only one worker ever sends a row. In-app notifications are simply the sent rows of the in-app channel.
"""

import datetime as dt

from django.db import models
from django.db.models import Q

from supervision.models import Person


class Event(models.TextChoices):
    VISIT_UPCOMING = "visit_upcoming", "ใกล้ถึงวันนิเทศ (visit coming up)"
    ASSIGNMENT_MOVED = "assignment_moved", "เลื่อนวันนิเทศ (visit moved)"
    ASSIGNMENT_CANCELLED = "assignment_cancelled", "ยกเลิกการนิเทศ (visit cancelled)"
    REPORT_OVERDUE = "report_overdue", "รายงานการนิเทศเกินกำหนด (report overdue)"
    REPORT_OVERDUE_ESCALATED = "report_overdue_escalated", "รายงานเกินกำหนด แจ้งผู้ประสานงาน (report overdue, escalated)"
    AWAITING_APPROVAL = "awaiting_approval", "รายงานรออนุมัติ (report awaiting approval)"
    REPORT_APPROVED = "report_approved", "รายงานได้รับอนุมัติ (report approved)"
    FOLLOWUP_DUE = "followup_due", "ครบกำหนดติดตามข้อเสนอแนะ (follow-up due)"
    FOLLOWUP_OVERDUE = "followup_overdue", "การติดตามเกินกำหนด (follow-up overdue)"
    FOLLOWUP_ESCALATED = "followup_escalated", "การติดตามเกินกำหนด แจ้ง ผอ.เขต (follow-up overdue, escalated)"
    ROUND_DIGEST = "round_digest", "สรุปความก้าวหน้ารายสัปดาห์ (weekly round digest)"
    ACCOUNT_INVITATION = "account_invitation", "คำเชิญเข้าใช้ระบบ (invitation to sign in)"
    REPORT_FAILED = "report_failed", "สร้างรายงาน PDF ไม่ได้ (a PDF report could not be built)"
    VISIT_RETURNED = "visit_returned", "รายงานถูกส่งกลับให้แก้ไข (report returned)"
    MEETING_INVITATION = "meeting_invitation", "หนังสือเชิญประชุม (meeting invitation)"
    MEETING_REMINDER = "meeting_reminder", "เตือนการประชุมพรุ่งนี้ (meeting tomorrow)"
    MEETING_ACTION_DUE = "meeting_action_due", "ครบกำหนดงานตามมติ (action due)"
    MEETING_ACTION_OVERDUE = "meeting_action_overdue", "งานตามมติเกินกำหนด (action overdue)"
    MEETING_ACTION_ESCALATED = "meeting_action_escalated", "งานตามมติเกินกำหนด แจ้ง ผอ.เขต (action overdue, escalated)"
    SURVEY_INVITATION = "survey_invitation", "แบบสอบถามความพึงพอใจ (satisfaction survey)"


class Channel(models.TextChoices):
    EMAIL = "email", "อีเมล (e-mail)"
    LINE = "line", "LINE"
    INAPP = "inapp", "ในระบบ (in-app)"


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "รอส่ง (pending)"
        SENDING = "sending", "กำลังส่ง (sending)"
        SENT = "sent", "ส่งแล้ว (sent)"
        FAILED = "failed", "ส่งไม่สำเร็จ (failed)"
        CANCELLED = "cancelled", "ยกเลิก (cancelled)"

    event = models.CharField("เหตุการณ์ (event)", max_length=40, choices=Event.choices)
    object_type = models.CharField("ประเภทรายการ (object type)", max_length=40)
    object_id = models.CharField("รหัสรายการ (object id)", max_length=64)
    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notifications", verbose_name="ผู้รับ (recipient)"
    )
    due_at = models.DateTimeField("กำหนดแจ้ง (due at)")
    channel = models.CharField("ช่องทาง (channel)", max_length=10, choices=Channel.choices)
    status = models.CharField("สถานะ (status)", max_length=10, choices=Status.choices, default=Status.PENDING)
    title = models.CharField("หัวข้อ (title)", max_length=300)
    body = models.TextField("ข้อความ (body)")
    link = models.CharField("ลิงก์ (link)", max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField("จำนวนครั้งที่ส่ง (attempts)", default=0)
    last_error = models.TextField("ข้อผิดพลาดล่าสุด (last error)", blank=True)
    # When the next attempt may run: the due time moved out of quiet hours, or the backoff after a failure.
    next_attempt_at = models.DateTimeField("ส่งครั้งถัดไป (next attempt)")
    enqueued_at = models.DateTimeField("เข้าคิวเมื่อ (enqueued at)", null=True, blank=True)
    claimed_at = models.DateTimeField("เริ่มส่งเมื่อ (claimed at)", null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField("ส่งเมื่อ (sent at)", null=True, blank=True)
    read_at = models.DateTimeField("อ่านเมื่อ (read at)", null=True, blank=True)
    created_at = models.DateTimeField("สร้างเมื่อ (created at)", auto_now_add=True)

    class Meta:
        verbose_name = "การแจ้งเตือน (notification)"
        verbose_name_plural = "การแจ้งเตือน (notifications)"
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
        Person, on_delete=models.CASCADE, related_name="notification_preference", verbose_name="บุคคล (person)"
    )
    email = models.BooleanField("รับทางอีเมล (e-mail)", default=True)
    line = models.BooleanField("รับทาง LINE (LINE)", default=True)
    in_app = models.BooleanField("รับในระบบ (in-app)", default=True)
    quiet_start = models.TimeField(
        "เริ่มช่วงงดส่ง (quiet hours from)", default=DEFAULT_QUIET_START, help_text="เวลาไทย / Bangkok time"
    )
    quiet_end = models.TimeField(
        "สิ้นสุดช่วงงดส่ง (quiet hours until)",
        default=DEFAULT_QUIET_END,
        help_text="เท่ากับเวลาเริ่ม = ไม่มีช่วงงดส่ง / equal to the start = no quiet hours",
    )

    class Meta:
        verbose_name = "การตั้งค่าการแจ้งเตือน (notification preference)"
        verbose_name_plural = "การตั้งค่าการแจ้งเตือน (notification preferences)"

    def __str__(self):
        return f"{self.person}"


class RoundReminderPolicy(models.Model):
    """When one round's reminders go out. A round without a row uses the defaults (the field defaults)."""

    round = models.OneToOneField(
        "schedules.Round", on_delete=models.CASCADE, related_name="reminder_policy", verbose_name="รอบ (round)"
    )
    days_before = models.PositiveSmallIntegerField(
        "เตือนล่วงหน้า (วัน) (days before)", default=3, help_text="0 = ไม่เตือนล่วงหน้า / 0 = no early reminder"
    )
    days_before_at = models.TimeField("เวลาเตือนล่วงหน้า (early reminder time)", default=dt.time(8, 0))
    evening_before = models.BooleanField("เตือนเย็นวันก่อน (evening-before reminder)", default=True)
    evening_before_at = models.TimeField("เวลาเตือนเย็นวันก่อน (evening reminder time)", default=dt.time(18, 0))
    report_due_working_days = models.PositiveSmallIntegerField(
        "ส่งรายงานภายใน (วันทำการ) (report due, working days after the visit)", default=3
    )
    escalate_after_working_days = models.PositiveSmallIntegerField(
        "แจ้งผู้ประสานงานเมื่อเกินอีก (วันทำการ) (escalate after further working days)", default=2
    )

    class Meta:
        verbose_name = "การตั้งค่าเตือนของรอบ (round reminder policy)"
        verbose_name_plural = "การตั้งค่าเตือนของรอบ (round reminder policies)"

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
        verbose_name = "สถานะการมอบหมายที่แจ้งแล้ว (assignment as last notified)"
        verbose_name_plural = "สถานะการมอบหมายที่แจ้งแล้ว (assignments as last notified)"

    def __str__(self):
        return f"{self.assignment_id} {self.date} {self.status}"
