"""An export too large to build inside a web request (gunicorn's worker timeout is 30 s): the worker builds
it from the requester's query, through the same access rule, and the requester's page turns into the
download by itself when it is ready."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("กำลังจัดทำ")
        READY = "ready", _("พร้อมดาวน์โหลด")
        FAILED = "failed", _("จัดทำไม่สำเร็จ")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("ผู้ขอ")
    )
    # The query as the user gave it (round / year / office); the scope is read again from it, with the
    # requester's access rule, when the worker builds the file.
    query = models.JSONField(_("ขอบเขต"), default=dict)
    output = models.CharField(_("ชนิดไฟล์"), max_length=8, choices=[("xlsx", "XLSX"), ("csv", "CSV")])
    sheet = models.CharField(_("ชุดข้อมูล"), max_length=32, blank=True)
    version = models.CharField(_("ฉบับของแบบนิเทศ"), max_length=32, blank=True)
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    path = models.CharField(_("ที่เก็บไฟล์"), max_length=255, blank=True)
    filename = models.CharField(_("ชื่อไฟล์"), max_length=255)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    created_at = models.DateTimeField(_("ขอเมื่อ"), auto_now_add=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("งานส่งออกข้อมูล")
        verbose_name_plural = pgettext_lazy("plural", "งานส่งออกข้อมูล")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.status})"
