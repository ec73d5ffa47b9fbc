"""Exports over the API: the same sheets and the same access rule as the dashboard's downloads.

GET /api/v1/exports/?round=<slug>|year=<BE year>[&office=<code>]&output=xlsx|csv[&sheet=…&version=…]

A small export is the file at once (200). A large one (more than `EXPORT_INLINE_MAX_VISITS` visits) is built
by the worker: the answer is 202 with `Retry-After` and the job's address (`url`, also `Location`), which
answers 202 until the file is built and then gives it (200); a build that failed is 500, a job queue that is
down 503 — the answers of `api.jobs`, the same as a PDF report's. A job is its requester's only (anyone
else: 404).
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from api import jobs
from dashboard import exports
from dashboard.models import ExportJob

_RESPONSES = jobs.responses(
    "application/octet-stream",
    "the file",
    (500, "the export could not be built, or was not built in time (`export_overdue`): ask for it again"),
)


def _job_answer(job: ExportJob):
    """The job's file when built, else where and when to ask again (or why it failed): `api.jobs`' answer,
    the same as a PDF report's."""
    if job.status == ExportJob.Status.READY:
        return exports.job_file_response(job)
    if job.status == ExportJob.Status.FAILED:
        if job.error == exports.QUEUE_DOWN:
            return jobs.queue_down(
                "exports_unavailable",
                "จัดทำไฟล์ขนาดใหญ่ไม่ได้ในขณะนี้ (ระบบคิวงานขัดข้อง) กรุณาลองใหม่ภายหลัง",
                "Large exports are not available now (the job queue is down); try again later.",
            )
        if job.error == exports.OVERDUE:
            return jobs.failed(
                "export_overdue",
                "ระบบไม่ได้จัดทำไฟล์นี้ภายในเวลาที่กำหนด กรุณาขอไฟล์อีกครั้ง",
                "The export was not built in time; ask for it again.",
            )
        return jobs.failed("export_failed", "จัดทำไฟล์ส่งออกไม่สำเร็จ", "The export could not be built.")
    return jobs.being_prepared(
        "export",
        reverse("export-job", args=[job.pk]),
        "กำลังจัดทำไฟล์ส่งออก กรุณาลองใหม่อีกครั้ง",
        "The export is being built; try again shortly.",
    )


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("round", str, description="round slug"),
            OpenApiParameter("year", int, description="academic year (BE)"),
            OpenApiParameter("office", str, description="office code"),
            OpenApiParameter("output", str, enum=["xlsx", "csv"], description="file type (DRF reserves `format`)"),
            OpenApiParameter("sheet", str, enum=sorted(exports.SHEET_KEYS), description="for csv"),
            OpenApiParameter("version", int, description="instrument version id (csv answers)"),
            *jobs.HEADERS,
        ],
        responses=_RESPONSES,
    )
    def get(self, request):
        try:
            scope = exports.scope_from_query(request.user, request.query_params)
            fmt = request.query_params.get("output", "xlsx")
            sheet = ""
            if fmt == "csv":
                sheet = request.query_params.get("sheet", "schools")
                if sheet not in exports.SHEET_KEYS:
                    raise Http404
            version = request.query_params.get("version")
            if exports.built_in_request(scope):
                if fmt == "csv":
                    return exports.csv_response(scope, sheet, version)
                return exports.xlsx_response(scope)
            fmt = "csv" if fmt == "csv" else "xlsx"
            return _job_answer(exports.job_start(request.user, request.query_params, fmt, sheet, version))
        except exports.ExportScopeError as exc:
            raise Http404(str(exc)) from None


class ExportJobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="export_job",
        summary="ไฟล์ส่งออกขนาดใหญ่ / a large export",
        parameters=jobs.HEADERS,
        responses=_RESPONSES,
    )
    def get(self, request, job_id):
        job = exports.job_for(request.user, job_id)
        if job is None:
            raise Http404
        return _job_answer(job)
