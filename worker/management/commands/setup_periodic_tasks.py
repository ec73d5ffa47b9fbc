"""Register (or refresh) the beat entries; safe to run on every release."""

from django.core.management.base import BaseCommand

from worker.beat import setup_periodic_tasks


class Command(BaseCommand):
    help = "Register Nithet's periodic tasks in django-celery-beat (idempotent)."

    def handle(self, *args, **options):
        result = setup_periodic_tasks()
        self.stdout.write(", ".join(f"{k}={v}" for k, v in result.items()))
