"""plan_round ROUND [--apply] [--fresh] [--json] [--time-limit S]: plan a round (slug or id), print or save it.

Exits non-zero when the plan is incomplete (with or without --apply) and when the round cannot be planned;
every refusal is one line, Thai then English.
"""

import json
import sys
from collections import Counter
from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from schedules import conflicts as rules
from schedules.errors import DomainError
from schedules.selectors import plan_as_json, round_by_key
from schedules.services import changes_summary, plan_apply, plan_changes, round_plan


def positive_seconds(text: str) -> float:
    """--time-limit: a finite number of seconds above 0, or one line saying what is wrong (not a usage dump)."""
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--time-limit ต้องเป็นจำนวนวินาที / must be a number of seconds: {text!r}") from None
    if not (0 < value < float("inf")):
        raise CommandError(f"--time-limit ต้องมากกว่า 0 วินาที / must be more than 0 seconds: {text!r}")
    return value


class Command(BaseCommand):
    help = "Plan a round with as few changes as possible (exit 1 when the plan is incomplete)."

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's slug or id")
        parser.add_argument("--apply", action="store_true", help="save the plan (locked and done visits stay)")
        parser.add_argument("--fresh", action="store_true", help="re-plan every visit that is not locked or done")
        parser.add_argument("--json", action="store_true", help="print the complete plan as JSON")
        parser.add_argument(
            "--time-limit", default="20", help="seconds for the whole command: reading, planning and saving"
        )

    def handle(self, *args, **options):
        round_ = round_by_key(options["round"])
        if round_ is None:
            raise CommandError(f"ไม่พบรอบ / no such round: {options['round']}")
        try:
            data, plan = round_plan(
                round_=round_,
                time_limit=positive_seconds(str(options["time_limit"])),
                fresh=options["fresh"],
                saving=options["apply"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        changes = plan_changes(data, plan)
        if options["json"]:
            # The JSON shape is a contract (automated checks read it): the change summary goes to stderr.
            self.stdout.write(json.dumps(plan_as_json(data, plan), ensure_ascii=False, indent=1))
            self.stderr.write("changes: " + ", ".join(f"{k}={v}" for k, v in changes_summary(changes).items()))
        else:
            self._summary(data, plan, changes)
        if not plan.complete:
            self.stderr.write(
                f"แผนไม่ครบ ลงแผนไม่ได้ {len(plan.unplaced)} รายการ / plan incomplete: {len(plan.unplaced)} not placed"
                + ("; nothing saved" if options["apply"] else "")
            )
            sys.exit(1)
        if options["apply"]:
            try:
                counts = plan_apply(round_=round_, plan=plan, data=data)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            msg = ", ".join(f"{k}={v}" for k, v in counts.items())
            (self.stderr if options["json"] else self.stdout).write(f"applied: {msg}")

    def _summary(self, data, plan, changes):
        out = self.stdout.write
        schools = {v.school_id for v in plan.visits}
        days = sorted({v.date for v in plan.visits})
        out(f"รอบ (round): {data.round.slug}  engine={plan.engine}  {plan.seconds:.2f} s {plan.note}".rstrip())
        out(f"โรงเรียนที่ลงแผน (schools covered): {len(schools & set(data.targets))}/{len(data.targets)}")
        out(f"วันที่ใช้ (days used): {len(days)} of {len(data.counted_days)} counted days")
        out(f"ระยะทางรวม (total km): {plan.total_km:.1f}")
        summary = changes_summary(changes)
        out(
            f"การเปลี่ยนแปลง (changes): ใหม่ {summary['new']} new, ย้าย {summary['moved']} moved, "
            f"ยกเลิก {summary['cancelled']} cancelled"
        )
        for c in changes:
            if c.kind != "new":
                out(f"  {c.kind}: {c.school} — {c.reason_th} / {c.reason_en}")
        loads = Counter(v.committee_id for v in plan.visits)
        for c in data.round_committees:
            out(f"  {data.committees[c].label}: {loads.get(c, 0)} visits")
        for u in plan.unplaced:
            out(f"ลงแผนไม่ได้ (not placed): {u.code} {u.message_th} / {u.message_en}")
        conflicts = rules.check(replace(data, visits=tuple(plan.visits)))
        out(
            f"ข้อขัดแย้ง (conflicts): {len(rules.errors(conflicts))} errors, "
            f"{len(conflicts) - len(rules.errors(conflicts))} warnings"
        )
        for c in conflicts:
            out(f"  [{c.severity}] {c.code}: {c.message_th}")
