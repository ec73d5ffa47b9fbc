"""The periodic tasks, registered idempotently in django-celery-beat (editable in the admin afterwards).

`update_or_create` by name: running this again keeps last-run times and any schedule edits of other entries.
"""

from django_celery_beat.models import IntervalSchedule, PeriodicTask

ENTRIES = [
    # (name, task, every, period)
    ("nithet: dispatch reminders", "worker.dispatch_reminders", 1, IntervalSchedule.MINUTES),
    ("nithet: sweep stuck notifications", "worker.sweep_notifications", 5, IntervalSchedule.MINUTES),
]


def setup_periodic_tasks() -> dict[str, int]:
    created = updated = 0
    for name, task, every, period in ENTRIES:
        schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        existing = PeriodicTask.objects.filter(name=name).first()
        if existing and existing.task == task and existing.interval_id == schedule.id:
            continue  # unchanged: keep last_run_at and any admin edits such as `enabled`
        _, was_created = PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": schedule, "crontab": None, "solar": None, "clocked": None}
        )
        created += was_created
        updated += not was_created
    return {"periodic_tasks": len(ENTRIES), "created": created, "updated": updated}
