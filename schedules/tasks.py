"""Celery task: re-plan a large round in the worker (never inside a web request). Takes ids, stays thin."""

from celery import shared_task

from schedules import services


@shared_task(name="schedules.replan_round", acks_late=True, ignore_result=True)
def replan_round(run_id: int) -> str:
    """Compute the preview of a re-plan (or, for a confirmed one, save it), reporting progress on the run."""
    return services.plan_run_execute(run_id=run_id)
