"""Celery task: a large export is built in the worker, never inside a web request."""

from celery import shared_task


@shared_task(name="dashboard.build_export", acks_late=True, ignore_result=True)
def build_export(job_id: str) -> str | None:
    """Build and store one export job's file; its page answers "being prepared" until then."""
    from dashboard.exports import job_build

    return job_build(job_id)
