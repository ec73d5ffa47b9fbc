"""`manage.py import_people FILE`: upsert people by e-mail from CSV/XLSX, all or nothing."""

from supervision.importers import import_people
from supervision.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import people from a CSV or XLSX file (columns in README 'Importing real data'); all or nothing."
    importer = staticmethod(import_people)
    noun = "people"
