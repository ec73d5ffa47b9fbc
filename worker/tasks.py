"""Celery tasks: thin callers of `worker.notify`. They take ids (never model instances) and an optional
injected clock; transport errors are retried through the ledger's backoff, not by re-running the task."""

import datetime as dt

from celery import shared_task

from worker import notify


def _parse(now: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(now) if now else None


@shared_task(name="worker.send_notifications", acks_late=True, ignore_result=True)
def send_notifications(ids: list[int], now: str | None = None) -> dict:
    return notify.send_batch(ids, now=_parse(now))


@shared_task(name="worker.dispatch_reminders", acks_late=True, ignore_result=True)
def dispatch_reminders() -> dict:
    return notify.dispatch()


@shared_task(name="worker.sweep_notifications", acks_late=True, ignore_result=True)
def sweep_notifications() -> int:
    """Re-queue rows left pending or sending past the timeout (e.g. the broker was down)."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        return notify.enqueue_ready(timezone.now())


@shared_task(name="worker.noop", ignore_result=True)
def noop(n: int = 0) -> None:
    """Does nothing: the benchmark's baseline for the broker's own cost per task."""
