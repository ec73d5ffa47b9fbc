"""What an office has published to the public, the log of publishing, and the rendered public pages.

A `Publication` is one thing the office director discloses: a round's results (frozen at publishing time,
approved results only) or one dated ITA record with its PDF (O10 plan, O11 six-month report, O12 annual
report, …). Its lifecycle is `public.workflow`; every publish and withdraw appends a `PublicationEvent`
(who, when, what). `PublicPage` holds each public page as rendered at the last publish: the public site
reads only these rows (and a per-process copy of them), so it needs neither Redis nor the worker.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from schedules.models import Round
from supervision.models import AreaOffice


def document_path(instance, filename):
    return f"public/{instance.office_id}/{instance.pk or 'new'}-{filename}"


class Publication(models.Model):
    class Kind(models.TextChoices):
        ROUND = "round", "ผลการนิเทศรายรอบ (round results)"
        ITA = "ita", "ข้อมูลเปิดเผยตาม ITA (ITA record)"

    class Status(models.TextChoices):
        DRAFT = "draft", "ร่าง (draft)"
        PUBLISHED = "published", "เผยแพร่แล้ว (published)"
        WITHDRAWN = "withdrawn", "ถอนการเผยแพร่ (withdrawn)"

    class Section(models.TextChoices):
        PLAN = "plan", "แผนการนิเทศ ติดตาม (แผนดำเนินงานประจำปี) (supervision plan)"
        MONITORING = "monitoring", "รายงานการกำกับติดตาม รอบ 6 เดือน (6-month monitoring report)"
        ANNUAL = "annual", "รายงานผลการดำเนินงานประจำปี (annual report)"
        STATISTICS = "statistics", "ข้อมูลเชิงสถิติการให้บริการ (service statistics)"
        SATISFACTION = "satisfaction", "รายงานผลการสำรวจความพึงพอใจ (satisfaction survey report)"
        PARTICIPATION = "participation", "การเปิดโอกาสให้เกิดการมีส่วนร่วม (participation records)"

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="publications", verbose_name="สำนักงานเขต (office)"
    )
    kind = models.CharField("ประเภท (kind)", max_length=10, choices=Kind.choices)
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="รอบ (round)",
    )
    section = models.CharField("หัวข้อ ITA (ITA section)", max_length=20, choices=Section.choices, blank=True)
    ita_year = models.PositiveSmallIntegerField("ปีการประเมิน ITA พ.ศ. (ITA year, BE)", null=True, blank=True)
    title = models.CharField("ชื่อเรื่อง (title)", max_length=300)
    record_date = models.DateField("วันที่ของเอกสาร (record date)")
    summary = models.TextField("สรุป (summary)", blank=True)
    document = models.FileField("เอกสาร PDF (document)", upload_to=document_path, blank=True)
    snapshot = models.JSONField("ข้อมูลที่เผยแพร่ (published data)", default=dict, blank=True)
    status = models.CharField("สถานะ (status)", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField("เผยแพร่เมื่อ (published at)", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้เผยแพร่ (published by)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "การเผยแพร่ (publication)"
        verbose_name_plural = "การเผยแพร่ (publications)"
        ordering = ["-record_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["round", "ita"]), name="publication_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "withdrawn"]), name="publication_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="round") & Q(round__isnull=False))
                | (Q(kind="ita") & ~Q(section="") & Q(ita_year__isnull=False)),
                name="publication_names_its_subject",
            ),
            models.UniqueConstraint(fields=["round"], condition=Q(kind="round"), name="publication_once_per_round"),
        ]

    def __str__(self):
        return self.title


class PublicationEvent(models.Model):
    """The publishing log: appended once per publish or withdraw, never edited."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="events", verbose_name="การเผยแพร่ (publication)"
    )
    action = models.CharField("การกระทำ (action)", max_length=20)
    from_status = models.CharField("จาก (from)", max_length=10)
    to_status = models.CharField("เป็น (to)", max_length=10)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="โดย (by)"
    )
    at = models.DateTimeField("เมื่อ (at)", auto_now_add=True)
    what = models.CharField("รายการ (what)", max_length=400)

    class Meta:
        verbose_name = "บันทึกการเผยแพร่ (publishing log)"
        verbose_name_plural = "บันทึกการเผยแพร่ (publishing log)"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.action} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("the publishing log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the publishing log is append-only")


class PublicPage(models.Model):
    """One public page of one office as rendered at the last publish (the DB-backed snapshot)."""

    office = models.ForeignKey(AreaOffice, on_delete=models.CASCADE, related_name="public_pages")
    path = models.CharField(max_length=200)  # "" (the office's index), "rounds/<slug>/", "ita/"
    html = models.TextField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "path"], name="public_page_once")]

    def __str__(self):
        return f"{self.office.code}/{self.path}"
