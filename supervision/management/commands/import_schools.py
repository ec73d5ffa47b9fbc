"""`manage.py import_schools FILE`: upsert schools by code from CSV/XLSX, all or nothing."""

from supervision.importers import import_schools
from supervision.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import schools from a CSV or XLSX file (columns in README 'Importing real data'); all or nothing."
    importer = staticmethod(import_schools)
    noun = "schools"
