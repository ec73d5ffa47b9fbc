"""`manage.py messages`: makemessages for every project app into that app's own catalogue.

Django's makemessages puts every string into the first locale directory it finds; Nithet keeps one
catalogue per app (`<app>/locale/en/LC_MESSAGES/django.po`, the project's `templates/` in supervision's).
This command runs makemessages once over the project and files each string under the app whose folder holds
its source. `--out DIR` writes fresh catalogues under DIR instead (DIR/<app>/locale/...), leaving the
committed ones alone: the catalogue test compares them. Needs GNU gettext (`make messages`).
"""

import os
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.commands import makemessages

# The project's own templates directory belongs to this app's catalogue.
PROJECT_TEMPLATES_APP = "supervision"
SKIPPED_DIRS = {"tests", "bench", "migrations", "var", "node_modules", "static", "locale", "__pycache__"}


def project_app_dirs() -> dict[str, Path]:
    """label → folder of every installed app that lives in this project (not in site-packages)."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == base:
            found[path.name] = path
    return found


class Command(makemessages.Command):
    help = "makemessages for every project app into <app>/locale/en (templates/ → supervision)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--out", help="write the catalogues under this directory instead of the apps'")

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR).resolve()
        out = Path(options.pop("out") or base).resolve()
        self._app_dirs = project_app_dirs()
        self._targets = {name: out / name / "locale" for name in self._app_dirs}
        for target in self._targets.values():
            target.mkdir(parents=True, exist_ok=True)
        if not options.get("locale"):
            options["locale"] = ["en"]
        # No obsolete entries, no "#: file:line" references and no creation date: a catalogue changes only when
        # its strings do, so helpers adding strings to one app do not conflict over line numbers.
        options["no_obsolete"] = True
        options["no_location"] = True
        options["extensions"] = options.get("extensions") or ["html", "txt", "py"]
        previous = os.getcwd()
        os.chdir(base)
        try:
            super().handle(*args, **options)
        finally:
            os.chdir(previous)

    def write_po_file(self, potfile, locale):
        super().write_po_file(potfile, locale)
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        text = pofile.read_text(encoding="utf-8")
        text = re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, count=1, flags=re.M)
        text = text.replace('"Language: \\n"', f'"Language: {locale}\\n"', 1)
        pofile.write_text(text, encoding="utf-8")

    def find_files(self, root):
        self.locale_paths = [str(path) for path in self._targets.values()]
        self.default_locale_path = self.locale_paths[0]
        files = []
        sources = {name: [name] for name in self._app_dirs}
        sources.setdefault(PROJECT_TEMPLATES_APP, []).append("templates")
        for app, roots in sources.items():
            for source_root in roots:
                for dirpath, dirnames, filenames in os.walk(os.path.join(".", source_root)):
                    dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
                    for filename in sorted(filenames):
                        if os.path.splitext(filename)[1] in self.extensions:
                            files.append(self.translatable_file_class(dirpath, filename, str(self._targets[app])))
        return sorted(files)
