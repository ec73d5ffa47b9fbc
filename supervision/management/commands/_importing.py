"""What `import_schools` and `import_people` share: pick the office, run the importer, report."""

from django.core.management.base import BaseCommand, CommandError

from supervision.importers import ImportFileError
from supervision.models import AreaOffice


class ImportCommand(BaseCommand):
    importer = None  # set by the subclass: importer(path, office=...) -> ImportResult
    noun = "rows"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file with a header row")
        parser.add_argument("--office", help="area office code; needed only when there is more than one office")

    def handle(self, *args, file, office=None, **options):
        office = self._office(office)
        try:
            result = type(self).importer(file, office=office)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            bad_lines = len({e.line for e in result.errors})
            raise CommandError(
                f"{bad_lines} แถวมีข้อผิดพลาด ไม่ได้บันทึกข้อมูลใด ๆ / {bad_lines} bad row(s); nothing was written"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{office.code}: {self.noun} created {result.created}, updated {result.updated}, "
                f"unchanged {result.unchanged}"
            )
        )

    def _office(self, code):
        if code:
            office = AreaOffice.objects.filter(code=code).first()
            if office is None:
                raise CommandError(f"ไม่มีสำนักงานเขตรหัส {code} / no area office with code {code}")
            return office
        offices = list(AreaOffice.objects.all()[:2])
        if len(offices) != 1:
            codes = ", ".join(AreaOffice.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"ระบุ --office (มี: {codes}) / give --office CODE (offices: {codes})")
        return offices[0]
