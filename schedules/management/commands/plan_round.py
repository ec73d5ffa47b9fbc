"""plan_round ROUND [--apply] [--json]: plan a round (slug or id) and print or save the plan."""

import json
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from schedules import conflicts as rules
from schedules.selectors import plan_as_json, round_by_key
from schedules.services import plan_apply, round_plan


class Command(BaseCommand):
    help = "Plan a round: every target school, within capacity, on counted days, minimising travel."

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's slug or id")
        parser.add_argument("--apply", action="store_true", help="save the plan (locked and done visits stay)")
        parser.add_argument("--json", action="store_true", help="print the complete plan as JSON")
        parser.add_argument("--time-limit", type=float, default=20.0, help="solver limit in seconds")

    def handle(self, *args, **options):
        round_ = round_by_key(options["round"])
        if round_ is None:
            raise CommandError(f"ไม่พบรอบ / no such round: {options['round']}")
        try:
            data, plan = round_plan(round_=round_, time_limit=options["time_limit"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(plan_as_json(data, plan), ensure_ascii=False, indent=1))
        else:
            self._summary(data, plan)
        if options["apply"]:
            try:
                counts = plan_apply(round_=round_, plan=plan)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            msg = ", ".join(f"{k}={v}" for k, v in counts.items())
            (self.stderr if options["json"] else self.stdout).write(f"applied: {msg}")

    def _summary(self, data, plan):
        out = self.stdout.write
        schools = {v.school_id for v in plan.visits}
        days = sorted({v.date for v in plan.visits})
        out(f"รอบ (round): {data.round.slug}  engine={plan.engine}  {plan.seconds:.2f} s")
        out(f"โรงเรียนที่ลงแผน (schools covered): {len(schools & set(data.targets))}/{len(data.targets)}")
        out(f"วันที่ใช้ (days used): {len(days)} of {len(data.counted_days)} counted days")
        out(f"ระยะทางรวม (total km): {plan.total_km:.1f}")
        loads = Counter(v.committee_id for v in plan.visits)
        for c in data.round_committees:
            out(f"  {data.committees[c].label}: {loads.get(c, 0)} visits")
        for u in plan.unplaced:
            out(f"ลงแผนไม่ได้ (not placed): {u.code} {u.message_th} / {u.message_en}")
        from dataclasses import replace

        conflicts = rules.check(replace(data, visits=tuple(plan.visits)))
        out(
            f"ข้อขัดแย้ง (conflicts): {len(rules.errors(conflicts))} errors, "
            f"{len(conflicts) - len(rules.errors(conflicts))} warnings"
        )
        for c in conflicts:
            out(f"  [{c.severity}] {c.code}: {c.message_th}")
