"""The field app's files: plain modules of our own, every one of them stored by the service worker for a cold
start with no network, and no npm step anywhere between a fresh clone and `make run` / `make test`.

A module the app imports that the worker does not store opens fine online and breaks the app offline (the
import fails and the page stays on "กำลังเปิด…"): these tests catch it before a supervisor does. A library
fetched from elsewhere (a CDN, a bare npm specifier) would need pinning, its licence beside it and a
refresh script; the app has none, and these tests fail if one appears without them."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from field.views import ASSETS

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "field" / "static" / "field"
IMPORT = re.compile(r"""(?:^|\s)(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']""", re.M)


def _imports(path: Path) -> list[str]:
    return [a or b for a, b in IMPORT.findall(path.read_text(encoding="utf-8"))]


def test_every_file_of_the_app_is_stored_for_offline():
    shipped = {f"field/{p.name}" for p in STATIC.iterdir() if p.is_file()}
    assert shipped - {"field/sw.js"} == set(ASSETS)  # sw.js is served from /field/ itself
    for name in ASSETS:
        assert finders.find(name), name


def test_the_app_imports_only_its_own_modules_each_stored_for_offline():
    modules = {p.name for p in STATIC.glob("*.js")}
    found = {}
    for path in STATIC.glob("*.js"):
        for spec in _imports(path):
            found.setdefault(path.name, []).append(spec)
            assert spec.startswith("./") and spec.endswith(".js"), f"{path.name} imports {spec!r}: not one of ours"
            assert spec[2:] in modules and f"field/{spec[2:]}" in ASSETS, f"{path.name} imports {spec!r}"
    # app.js reaches every other module (the regex really reads the imports)
    assert sorted(found["app.js"]) == ["./db.js", "./i18n.js", "./media.js", "./outbox.js"]


def test_no_script_is_loaded_from_elsewhere():
    shell = (ROOT / "field" / "templates" / "field" / "shell.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*\ssrc=", shell) == ['<script type="module" src=']
    for path in [*STATIC.glob("*.js"), ROOT / "field" / "templates" / "field" / "shell.html"]:
        assert not re.search(r"https?://", path.read_text(encoding="utf-8")), path.name


def test_make_run_and_make_test_need_no_npm():
    for name in ("Makefile", ".ci/run"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not re.search(r"\b(npm|npx|yarn|pnpm|node)\b", text), name
    assert not list(ROOT.glob("package*.json")) and not (ROOT / "node_modules").exists()
