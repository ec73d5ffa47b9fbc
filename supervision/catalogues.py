"""The translation catalogues: where they live and how the `.mo` files are built from them.

Thai is the source language: every msgid is Thai and each project app keeps the English in
`<app>/locale/en/LC_MESSAGES/django.po` (the project's `templates/` belong to `supervision/`). The `.po`
files are committed; the `.mo` files are built from them by `make` (and by the test session when missing)
with polib, so no gettext binary is needed to run Nithet. Only `make messages` (makemessages) needs gettext.

This module imports nothing from Django so that `python -m supervision.catalogues` runs before set-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGE = "en"
DOMAIN = "django"


def po_files(base: Path = BASE_DIR) -> list[Path]:
    """Every committed catalogue: `<app>/locale/en/LC_MESSAGES/django.po` one level under the project."""
    return sorted(base.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/{DOMAIN}.po"))


def stale_mo_files(base: Path = BASE_DIR) -> list[Path]:
    """The catalogues whose `.mo` is missing or older than the `.po`."""
    stale = []
    for po in po_files(base):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalogues(base: Path = BASE_DIR, only_stale: bool = True) -> list[Path]:
    """Build the `.mo` next to each `.po` (polib leaves out fuzzy and untranslated entries); returns the `.po`s."""
    import polib

    todo = stale_mo_files(base) if only_stale else po_files(base)
    for po_path in todo:
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return todo


if __name__ == "__main__":
    built = compile_catalogues(only_stale="--all" not in sys.argv)
    for path in built:
        print(f"compiled {path.relative_to(BASE_DIR).with_suffix('.mo')}")
