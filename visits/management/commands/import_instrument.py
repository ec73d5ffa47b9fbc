"""manage.py import_instrument FILE --name "..." [--code C] [--kind K] [--office CODE] [--publish]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supervision.models import AreaOffice
from visits.errors import InstrumentError, VisitError
from visits.instruments import instrument_import
from visits.models import Instrument


class Command(BaseCommand):
    help = "นำเข้าแบบนิเทศจากไฟล์ XLSX/CSV เป็นฉบับใหม่ / import an instrument sheet (XLSX or CSV) as a new version."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", required=True, help="ชื่อแบบนิเทศ / instrument name")
        parser.add_argument("--code", help="รหัสแบบ (slug); the next version of an existing code is added")
        parser.add_argument("--kind", default=Instrument.Kind.SUPERVISION, choices=Instrument.Kind.values)
        parser.add_argument("--office", help="รหัสเขต / office code (blank = shared)")
        parser.add_argument("--publish", action="store_true", help="เผยแพร่ทันที / publish at once")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ / file not found: {path}")
        office = None
        if opts["office"]:
            office = AreaOffice.objects.filter(code=opts["office"]).first()
            if office is None:
                raise CommandError(f"ไม่พบสำนักงานเขต / no office with code {opts['office']}")
        try:
            version = instrument_import(
                data=path.read_bytes(),
                name=opts["name"],
                code=opts["code"],
                kind=opts["kind"],
                office=office,
                publish=opts["publish"],
                filename=path.name,
            )
        except InstrumentError as exc:
            raise CommandError(
                f"ไม่ได้นำเข้า / nothing imported — {len(exc.rows)} ข้อผิดพลาด / problem(s): " + "; ".join(exc.lines())
            ) from None
        except VisitError as exc:
            raise CommandError(exc.message) from None
        items = version.items.count()
        state = "เผยแพร่แล้ว / published" if version.is_published else "ร่าง / draft"
        self.stdout.write(f"{version.instrument.code} v{version.number}: {items} ข้อ / items ({state})")
