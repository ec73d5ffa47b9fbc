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
