"""One dispatch pass: create the notifications due at --now (default: the clock) and queue the ready ones."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from worker import notify


def aware(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now ต้องเป็นเวลาแบบ ISO 8601 / --now must be ISO 8601, got {value!r}") from exc
    if moment.tzinfo is None:
        raise CommandError(f"--now ต้องระบุเขตเวลา / --now needs a time zone offset, got {value!r}")
    return moment.astimezone(dt.UTC)


class Command(BaseCommand):
    help = "Create due notifications (idempotent) and queue the ready ones for the worker."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this moment, e.g. 2020-08-07T18:00:00+07:00")
        parser.add_argument("--json", action="store_true", help="print the result as JSON only")

    def handle(self, *args, now=None, **options):
        result = notify.dispatch(aware(now) if now else None)
        if options["json"]:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"สร้าง (created) {result['created']}, เข้าคิว (enqueued) {result['enqueued']}")
        for event, n in sorted(result["by_event"].items()):
            self.stdout.write(f"  {event}: {n}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
