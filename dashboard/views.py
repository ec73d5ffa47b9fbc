"""The directors' dashboard page and its exports (XLSX and CSV), behind `dashboard.selectors`.

Anyone the dashboard rule refuses gets 404, the same as a round that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dashboard import exports, selectors
from dashboard.data import Filters, dashboard_data
from dashboard.models import ExportJob
from supervision import preparing
from visits.reports import drawings


def _tiles(spec: drawings.MapSpec) -> list[dict]:
    """Online map tiles under the server-drawn map, only when a tile URL is configured."""
    url = settings.DASHBOARD_MAP_TILE_URL
    if not url or not spec.points:
        return []
    return drawings.map_tiles(spec, url, width=MAP_W, height=MAP_H)


MAP_W, MAP_H = 480.0, 420.0


@login_required
def dashboard(request):
    if not selectors.can_read_dashboard(request.user):
        raise Http404
    f = Filters.from_query(request.GET)
    data = dashboard_data(request.user, f)
    map_drawing = drawings.school_map(data.map, MAP_W, MAP_H)
    blocks = [
        {
            "block": b,
            "section_svg": drawings.svg(drawings.bar_chart(b.section_chart), b.section_chart.title),
        }
        for b in data.blocks
    ]
    query = request.GET.copy()
    query.pop("colour", None)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "d": data,
            "f": f,
            "full_access": selectors.full_access(request.user),
            "coverage_svg": drawings.svg(drawings.bar_chart(data.coverage_chart), data.coverage_chart.title),
            "map_svg": drawings.svg(map_drawing, data.map.title),
            "tiles": _tiles(data.map),
            "tile_attribution": settings.DASHBOARD_MAP_TILE_ATTRIBUTION,
            "blocks": blocks,
            "query": query.urlencode(),
            "sheets": exports.SHEETS,
            "title": _("แดชบอร์ดผู้บริหาร"),
            "surveys": _surveys(request.user, data),
        },
    )


def _surveys(user, data):
    """Satisfaction results over the dashboard's round (or academic year): the meetings app owns them."""
    from meetings.surveystats import dashboard_surveys

    if data.scope == "none":
        return []
    if data.round is not None:
        return dashboard_surveys(user, round_id=data.round.pk, round_slug=data.round.slug)
    return dashboard_surveys(user, academic_year=data.academic_year)


def _scope(request):
    try:
        return exports.scope_from_query(request.user, request.GET)
    except exports.ExportScopeError as exc:
        raise Http404(str(exc)) from None


@login_required
def export_xlsx(request):
    scope = _scope(request)
    if exports.built_in_request(scope):
        return exports.xlsx_response(scope)
    return redirect("dashboard:export_job", exports.job_start(request.user, request.GET, "xlsx").pk)


@login_required
def export_csv(request, sheet: str):
    scope = _scope(request)
    if sheet not in exports.SHEET_KEYS:
        raise Http404
    version = request.GET.get("version")
    if exports.built_in_request(scope):
        return exports.csv_response(scope, sheet, version_id=version)
    return redirect("dashboard:export_job", exports.job_start(request.user, request.GET, "csv", sheet, version).pk)


@login_required
def export_job(request, job_id):
    """A large export's own address: "being prepared" until the worker has built it, then the file itself
    (the page polls `?poll=1` and reloads; without JavaScript it refreshes itself: `supervision.preparing`, the
    same as a report's page). Only its requester's."""
    job = exports.job_for(request.user, job_id)
    if job is None:
        raise Http404
    ready, failed = job.status == ExportJob.Status.READY, job.status == ExportJob.Status.FAILED
    if request.GET.get("poll"):
        return preparing.poll_answer(ready=ready, failed=failed, url=request.path)
    if ready:
        return exports.job_file_response(job)
    context = preparing.page_context(
        request,
        job=job,
        failed=failed,
        queue_down=job.error == exports.QUEUE_DOWN,
        overdue=job.error == exports.OVERDUE,
        again_url=exports.job_request_url(job),
        title=_("กำลังจัดทำไฟล์ส่งออก"),
    )
    status = (503 if context["queue_down"] else 500) if failed else 202
    return render(request, "dashboard/export_pending.html", context, status=status)
