"""check_round ROUND [--json]: list a round's conflicts; exit 1 when any is an error."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from schedules import conflicts as rules
from schedules.selectors import round_by_key, round_conflicts


class Command(BaseCommand):
    help = "Check a round's assignments and explain every conflict (exit 1 when any is an error)."

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's slug or id")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        round_ = round_by_key(options["round"])
        if round_ is None:
            raise CommandError(f"ไม่พบรอบ / no such round: {options['round']}")
        conflicts = round_conflicts(round_)
        errors = rules.errors(conflicts)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "round": round_.slug,
                        "errors": len(errors),
                        "warnings": len(conflicts) - len(errors),
                        "conflicts": [c.as_dict() for c in conflicts],
                    },
                    ensure_ascii=False,
                    indent=1,
                )
            )
        else:
            for c in conflicts:
                self.stdout.write(f"[{c.severity}] {c.code}: {c.message_th} / {c.message_en}")
            self.stdout.write(f"{round_.slug}: {len(errors)} errors, {len(conflicts) - len(errors)} warnings")
        if errors:
            sys.exit(1)
