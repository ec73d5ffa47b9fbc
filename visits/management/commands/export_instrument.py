"""manage.py export_instrument CODE OUTPUT [--number N] — write a version in the import sheet format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from visits.instruments import export_version
from visits.models import InstrumentVersion


class Command(BaseCommand):
    help = "ส่งออกแบบนิเทศเป็น XLSX/CSV (ตามนามสกุลไฟล์) / export an instrument version as XLSX or CSV (by extension)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="รหัสแบบ / instrument code")
        parser.add_argument("output", help="ไฟล์ .xlsx หรือ .csv / an .xlsx or .csv path")
        parser.add_argument("--number", type=int, help="ฉบับที่ (default: the newest)")

    def handle(self, *args, **opts):
        fmt = Path(opts["output"]).suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("ไฟล์ต้องลงท้าย .xlsx หรือ .csv / the output must end in .xlsx or .csv")
        versions = InstrumentVersion.objects.filter(instrument__code=opts["code"]).order_by("-number")
        if opts["number"]:
            versions = versions.filter(number=opts["number"])
        version = versions.first()
        if version is None:
            raise CommandError(f"ไม่พบแบบนิเทศ / no instrument version {opts['code']} {opts['number'] or ''}".strip())
        Path(opts["output"]).write_bytes(export_version(version, fmt))
        self.stdout.write(f"{version.instrument.code} v{version.number} → {opts['output']}")
