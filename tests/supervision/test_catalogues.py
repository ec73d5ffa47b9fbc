"""The translation catalogues are complete: every string shown to users has its English.

1. Every entry of every committed catalogue has a non-empty, non-fuzzy English msgstr.
2. Every translatable string in the source (templates and Python) is in its app's committed catalogue:
   `manage.py messages --out TMP` runs makemessages into a temporary directory and the two are compared.
"""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from supervision.catalogues import BASE_DIR, po_files
from supervision.management.commands.messages import project_app_dirs

needs_gettext = pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")


def _entries(path: Path) -> dict[tuple[str, str], polib.POEntry]:
    return {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def test_every_catalogue_entry_has_its_english():
    problems = []
    for path in po_files():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            where = f"{path.relative_to(BASE_DIR)}: {entry.msgid[:60]!r}"
            if "fuzzy" in entry.flags:
                problems.append(f"{where} is fuzzy")
            elif entry.msgid_plural:
                if not all(entry.msgstr_plural.values()):
                    problems.append(f"{where} lacks a plural form")
            elif not entry.msgstr.strip():
                problems.append(f"{where} has no English")
    assert po_files(), "no catalogues found"
    assert not problems, "\n".join(problems)


@needs_gettext
def test_every_translatable_string_is_in_its_apps_catalogue(tmp_path):
    call_command("messages", out=str(tmp_path), verbosity=0)
    problems = []
    for app in sorted(project_app_dirs()):
        fresh = tmp_path / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if not fresh.exists():
            continue  # the app has no translatable strings
        committed = BASE_DIR / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if not committed.exists():
            problems.append(f"{app}: has translatable strings but no catalogue (run `make messages`)")
            continue
        missing = set(_entries(fresh)) - set(_entries(committed))
        problems += [
            f"{app}: {msgid[:70]!r} is not in {committed.relative_to(BASE_DIR)}" for _, msgid in sorted(missing)
        ]
    assert not problems, "run `make messages` and add the English:\n" + "\n".join(problems)


def test_the_project_templates_belong_to_the_supervision_catalogue():
    base = polib.pofile(str(BASE_DIR / "supervision" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert base.find("ออกจากระบบ").msgstr == "Sign out"  # from templates/base.html
