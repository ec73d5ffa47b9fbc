"""PDF downloads: a visit's report, a round's summary (or exam-site report), a committee's appointment order.

Each endpoint finds the record through the same access rule as the record itself (missing and forbidden
are both 404). A report already built for the record's current content is served at once (200); otherwise
the worker is asked to build it and the answer is 202 with Retry-After — rendering never happens here.
"""

import logging

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import tr
from api.permissions import IsPerson, get_visible
from schedules.selectors import round_reports_for_user
from supervision.models import Committee
from visits.reports.service import ReportNotFound, cached_report_path, report_kind_for_round
from visits.reports.tasks import build_report
from visits.selectors import visits_for_user

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_RETRY_AFTER_SECONDS = 60
log = logging.getLogger(__name__)

_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="the PDF"),
    (202, "application/json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="being built; ask again after `Retry-After` seconds"
    ),
    (404, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="no such record, or not yours to see"),
    (422, "application/json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="this report could not be built (recorded; the coordinators were told)"
    ),
    (503, "application/json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="reports are not available now (the job queue is down); see `Retry-After`"
    ),
}


def _serve(kind: str, key: str, filename: str, request=None, page: str = ""):
    from django.core.files.storage import default_storage
    from django.http import Http404

    try:
        path, ready = cached_report_path(kind, key)
    except ReportNotFound:
        raise Http404 from None
    if ready:
        return FileResponse(
            default_storage.open(path, "rb"), content_type="application/pdf", as_attachment=False, filename=filename
        )
    if page and request is not None and getattr(request.accepted_renderer, "format", "") == "api":
        # A person following a report link in a browser gets the "being prepared" page, which turns into the
        # PDF by itself — not the browsable API's "202 Accepted".
        from django.shortcuts import redirect

        return redirect(page)
    try:
        # Outside a transaction (every GET in production) this publishes at once, so a broker that is down
        # is noticed here; inside one (tests) it publishes when that commits.
        build_report.delay_on_commit(kind, key)
    except Exception:  # the broker (Redis) is down: say so and when to ask again, never a 500
        log.warning("report %s %s: the broker is unavailable", kind, key, exc_info=True)
        response = Response(
            {
                "code": "reports_unavailable",
                "detail": tr(
                    "สร้างรายงานไม่ได้ในขณะนี้ (ระบบคิวงานขัดข้อง) กรุณาลองใหม่ภายหลัง",
                    "Reports are not available now (the job queue is down); try again later.",
                ),
                "errors": {},
            },
            status=503,
        )
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
        return response
    response = Response(
        {
            "status": "pending",
            "kind": kind,
            "detail": tr("กำลังสร้างรายงาน กรุณาลองใหม่อีกครั้ง", "the report is being built, try again shortly"),
            "retry_after": RETRY_AFTER_SECONDS,
        },
        status=202,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class VisitReportView(APIView):
    permission_classes = [IsPerson]

    @extend_schema(
        operation_id="visit_report_pdf", summary="รายงานผลการนิเทศ (PDF) / visit report", responses=_RESPONSES
    )
    def get(self, request, visit_id):
        visit = get_visible(visits_for_user(request.user), pk=visit_id)
        page = reverse("visits:report_page", args=["visit", visit.pk])
        return _serve("visit", str(visit.pk), f"visit-{visit.pk}.pdf", request, page)


class RoundReportView(APIView):
    permission_classes = [IsPerson]

    @extend_schema(
        operation_id="round_report_pdf",
        summary="สรุปผลรอบ / รายงานสนามสอบ (PDF) / round summary or exam-site report",
        responses=_RESPONSES,
    )
    def get(self, request, slug):
        rnd = get_visible(round_reports_for_user(request.user), slug=slug)
        page = reverse("visits:report_page", args=["round", rnd.slug])
        return _serve(report_kind_for_round(rnd), rnd.slug, f"round-{rnd.slug}.pdf", request, page)


class CommitteeOrderView(APIView):
    permission_classes = [IsPerson]

    @extend_schema(
        operation_id="committee_order_pdf",
        summary="คำสั่งแต่งตั้งคณะกรรมการ (PDF) / appointment order",
        responses=_RESPONSES,
    )
    def get(self, request, pk):
        committee = get_visible(Committee.objects.for_user(request.user), pk=pk)
        page = reverse("visits:report_page", args=["order", committee.pk])
        return _serve("order", str(committee.pk), f"order-{committee.pk}.pdf", request, page)
