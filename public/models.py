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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schedules.models import Round
from supervision.models import AreaOffice


def document_path(instance, filename):
    return f"public/{instance.office_id}/{instance.pk or 'new'}-{filename}"


class Publication(models.Model):
    class Kind(models.TextChoices):
        ROUND = "round", _("ผลการนิเทศรายรอบ")
        ITA = "ita", _("ข้อมูลเปิดเผยตาม ITA")

    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        PUBLISHED = "published", _("เผยแพร่แล้ว")
        WITHDRAWN = "withdrawn", _("ถอนการเผยแพร่")

    class Section(models.TextChoices):
        PLAN = "plan", _("แผนการนิเทศ ติดตาม (แผนดำเนินงานประจำปี)")
        MONITORING = "monitoring", _("รายงานการกำกับติดตาม รอบ 6 เดือน")
        ANNUAL = "annual", _("รายงานผลการดำเนินงานประจำปี")
        STATISTICS = "statistics", _("ข้อมูลเชิงสถิติการให้บริการ")
        SATISFACTION = "satisfaction", _("รายงานผลการสำรวจความพึงพอใจ")
        PARTICIPATION = "participation", _("การเปิดโอกาสให้เกิดการมีส่วนร่วม")

    office = models.ForeignKey(
        AreaOffice, on_delete=models.PROTECT, related_name="publications", verbose_name=_("สำนักงานเขต")
    )
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices)
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("รอบ"),
    )
    section = models.CharField(_("หัวข้อ ITA"), max_length=20, choices=Section.choices, blank=True)
    ita_year = models.PositiveSmallIntegerField(_("ปีการประเมิน ITA พ.ศ."), null=True, blank=True)
    title = models.CharField(_("ชื่อเรื่อง"), max_length=300)
    record_date = models.DateField(_("วันที่ของเอกสาร"))
    summary = models.TextField(_("สรุป"), blank=True)
    document = models.FileField(_("เอกสาร PDF"), upload_to=document_path, blank=True)
    snapshot = models.JSONField(_("ข้อมูลที่เผยแพร่"), default=dict, blank=True)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้เผยแพร่"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("การเผยแพร่")
        verbose_name_plural = pgettext_lazy("plural", "การเผยแพร่")
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
        Publication, on_delete=models.CASCADE, related_name="events", verbose_name=_("การเผยแพร่")
    )
    action = models.CharField(_("การกระทำ"), max_length=20)
    from_status = models.CharField(_("จาก"), max_length=10)
    to_status = models.CharField(_("เป็น"), max_length=10)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("โดย"))
    at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    what = models.CharField(_("รายการ"), max_length=400)

    class Meta:
        verbose_name = _("บันทึกการเผยแพร่")
        verbose_name_plural = pgettext_lazy("plural", "บันทึกการเผยแพร่")
        ordering = ["-at", "-id"]

    # The log keeps `public.workflow`'s action names; pages show these labels.
    ACTION_LABELS = {
        "publish": _("เผยแพร่"),
        "republish": _("เผยแพร่ข้อมูลล่าสุด"),
        "withdraw": _("ถอนการเผยแพร่"),
    }

    def __str__(self):
        return f"{self.action} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("the publishing log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the publishing log is append-only")

    def get_action_display(self):
        return self.ACTION_LABELS.get(self.action, self.action)


class PublicPage(models.Model):
    """One public page of one office in one language (each of `settings.LANGUAGES`) as rendered at the last
    publish (the DB-backed snapshot)."""

    office = models.ForeignKey(AreaOffice, on_delete=models.CASCADE, related_name="public_pages")
    path = models.CharField(max_length=200)  # "" (the office's index), "rounds/<slug>/", "ita/"
    language = models.CharField(max_length=8, default="th")
    html = models.TextField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "path", "language"], name="public_page_once")]

    def __str__(self):
        return f"{self.office.code}/{self.path} ({self.language})"
