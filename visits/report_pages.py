"""The web side of a report link: a page that says "being prepared" in Thai and turns into the download by
itself, instead of the API's JSON "202 Accepted" (its polling is `supervision.preparing`, shared with the
dashboard's large exports).

`/visits/reports/<kind>/<key>/` finds the record through the same access rule as the API endpoint (missing and
not-yours are both 404). A report already built redirects to its PDF at once; otherwise the worker is asked to
build it and the page polls `?poll=1` (a small script) and refreshes itself (a meta refresh, for browsers
without JavaScript) until the PDF is there. A report whose content failed to build says so (422), once, and
stops polling; a changed record is new content and is tried afresh.
"""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from schedules.selectors import round_reports_for_user
from supervision import preparing
from supervision.models import Committee
from visits.reports.service import ReportBuildFailed, ReportNotFound, cached_report_path, report_kind_for_round
from visits.selectors import visits_for_user

log = logging.getLogger(__name__)


def _resolve(user, kind: str, key: str):
    """(report kind, cache key, PDF url, title) of a record the user may see, or 404."""
    if kind == "visit":
        visit = visits_for_user(user).select_related("school").filter(pk=key).first()
        if visit is None:
            raise Http404
        return "visit", str(visit.pk), reverse("visit-report", args=[visit.pk]), visit.school.name_th
    if kind == "round":
        rnd = round_reports_for_user(user).filter(slug=key).first()
        if rnd is None:
            raise Http404
        return report_kind_for_round(rnd), rnd.slug, reverse("round-report", args=[rnd.slug]), rnd.title
    if kind == "order":
        committee = Committee.objects.for_user(user).filter(pk=int(key) if key.isdigit() else None).first()
        if committee is None:
            raise Http404
        return "order", str(committee.pk), reverse("committee-order", args=[committee.pk]), str(committee)
    raise Http404


@login_required
def report_page(request, kind: str, key: str):
    from visits.reports.tasks import build_report

    try:
        report_kind, cache_key, pdf_url, title = _resolve(request.user, kind, key)
    except ValueError:
        raise Http404 from None
    try:
        _, ready = cached_report_path(report_kind, cache_key)
    except ReportNotFound:
        raise Http404 from None
    except ReportBuildFailed as exc:  # this very content failed to build: say so; polling again cannot help
        if request.GET.get("poll"):
            return preparing.poll_answer(ready=False, failed=True, url=request.path)
        context = preparing.page_context(
            request, title=title, pdf_url=pdf_url, failed=exc.message_for(translation.get_language())
        )
        return render(request, "visits/report_pending.html", context, status=exc.http_status)
    if request.GET.get("poll"):  # the page's script asking; the build was queued when the page was shown
        return preparing.poll_answer(ready=ready, failed=False, url=pdf_url)
    if ready:
        return redirect(pdf_url)
    queued = _queue(build_report, report_kind, cache_key)
    context = preparing.page_context(request, title=title, pdf_url=pdf_url, unavailable=not queued)
    return render(request, "visits/report_pending.html", context, status=202 if queued else 503)


def _queue(task, kind, key) -> bool:
    """Ask the worker to build the report; False when the job queue is down (the page says so)."""
    try:
        task.delay_on_commit(kind, key)
    except Exception:
        log.warning("report %s %s: the broker is unavailable", kind, key, exc_info=True)
        return False
    return True
