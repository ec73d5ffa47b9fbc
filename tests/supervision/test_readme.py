"""The README's configuration table and import columns stay in step with the code."""

import re
from pathlib import Path

from supervision.importers import PEOPLE_COLUMNS, SCHOOL_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_environment_variable_of_the_settings_is_in_the_configuration_table():
    settings_py = (ROOT / "supervision" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_py))
    names |= set(re.findall(r'"([A-Z][A-Z0-9_]+)" in env', settings_py))
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = sorted(n for n in names if f"`{n}`" not in table)
    assert names and not missing, f"add these to README 'Configuration': {missing}"


def test_every_import_column_is_documented():
    section = README.split("## Importing real data", 1)[1].split("\n## ", 1)[0]
    for column in SCHOOL_COLUMNS + PEOPLE_COLUMNS:
        assert f"| `{column.name}` | {column.thai} |" in section, column.name


def test_the_dispatch_reminders_example_prints_what_the_readme_says(demo_module, db):
    """The README's `dispatch_reminders --now … --json` line, run on fresh demo data, prints its numbers."""
    import io
    import json

    from django.core.management import call_command

    section = README.split("## Reminders and notifications", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"dispatch_reminders (--now \S+) --json", section)
    printed = re.search(r"^# (\{.*\})", section, re.MULTILINE)
    assert command and printed, "the README's dispatch_reminders example is missing"
    out = io.StringIO()
    call_command("dispatch_reminders", *command.group(1).split(), "--json", stdout=out)
    assert json.loads(out.getvalue()) == json.loads(printed.group(1))
    again = io.StringIO()
    call_command("dispatch_reminders", *command.group(1).split(), "--json", stdout=again)
    assert json.loads(again.getvalue())["created"] == 0  # "run it again: 0"
