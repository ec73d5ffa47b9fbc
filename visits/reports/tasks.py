"""Celery tasks: reports are rendered in the worker, never inside a web request."""

from celery import shared_task

from visits.reports.fonts import register_fonts
from visits.reports.service import ReportBuildFailed, ReportNotFound, report_render

# The worker imports this module when it starts: without harfbuzz it refuses to start (ShapingUnavailable)
# instead of printing Thai with misplaced tone marks at the first report.
register_fonts()


@shared_task(name="visits.reports.build_report", acks_late=True, ignore_result=True)
def build_report(kind: str, key: str) -> str | None:
    """Render and store one report; the API answers 202 until the file exists. Returns its path."""
    try:
        path, _ = report_render(kind, key)
    except ReportNotFound:
        return None  # deleted since it was asked for: nothing to build
    except ReportBuildFailed:
        return None  # recorded once, the coordinators told; retrying the same content fails the same way
    return path
