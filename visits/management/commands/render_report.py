"""Render one report synchronously: `render_report {visit UUID | round SLUG | exam ROUND | order COMMITTEE or ROUND |
invitation MEETING | minutes MEETING | survey FORM[:ROUND SLUG | :ACADEMIC YEAR]} -o FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from visits.reports.service import KINDS, ReportNotFound, render, report_data


class Command(BaseCommand):
    help = (
        "สร้างรายงาน PDF / render a report: visit <uuid>, round <slug>, exam <round slug>, "
        "order <committee id | round slug>, "
        "invitation <meeting id>, minutes <meeting id>, survey <form id>[:<round slug>|:<academic year>]"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("key", help="visit UUID, round slug, committee id, meeting id or survey form id")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")

    def handle(self, *args, kind, key, output, **options):
        try:
            data = report_data(kind, key)
        except ReportNotFound as exc:
            raise CommandError(str(exc)) from None
        try:
            pdf = render(kind, data)
        except Exception as exc:  # the builder failed on this content: one line, non-zero exit
            raise CommandError(f"สร้างรายงานไม่ได้ / the report could not be built: {type(exc).__name__}: {exc}") from None
        target = Path(output)
        try:
            target.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"เขียนไฟล์ไม่ได้ / cannot write {target}: {exc.strerror}") from None
        self.stdout.write(f"{target} ({len(pdf):,} bytes)")
