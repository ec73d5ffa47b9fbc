"""Load the demo office (shaped like สพม.29). Each app adds its part in its own `demo.py`.

Running it again changes nothing: every step upserts by natural keys.
"""

import importlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Order matters: data flows organisation -> schedules -> visits -> meetings -> notifications -> public.
DEMO_STEPS = ["supervision.demo", "schedules.demo", "visits.demo", "meetings.demo", "worker.demo", "public.demo"]


class Command(BaseCommand):
    help = "Load (or refresh) the demo office with schools, people, committees, rounds and visits."

    def handle(self, *args, **options):
        for module_name in DEMO_STEPS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue  # that app has no demo part
                raise
            try:
                with transaction.atomic():
                    summary = module.load(stdout=self.stdout)
            except Exception as exc:
                raise CommandError(f"demo step {module_name} failed: {exc}") from exc
            if summary:
                parts = ", ".join(f"{k}={v}" for k, v in summary.items())
                self.stdout.write(f"{module_name}: {parts}")
