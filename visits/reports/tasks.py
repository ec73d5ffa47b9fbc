"""Celery tasks: reports are rendered in the worker, never inside a web request."""

from celery import shared_task

from visits.reports.service import ReportNotFound, report_render


@shared_task(name="visits.reports.build_report", acks_late=True, ignore_result=True)
def build_report(kind: str, key: str) -> str | None:
    """Render and store one report; the API answers 202 until the file exists. Returns its path."""
    try:
        path, _ = report_render(kind, key)
    except ReportNotFound:
        return None  # deleted since it was asked for: nothing to build
    return path
