"""The exports carry every text at its limit whole: the visit of tests/reports/test_text_limits.py (every
answer and recommendation at its limit, the school's name at its length) downloaded as the dashboard's
workbook and as its CSV sheets, and each text is found whole in one cell — nothing cut."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.reports.test_text_limits import _media, at_limits  # noqa: F401  (the reports' fixtures)

pytestmark = pytest.mark.django_db


def _texts(body):
    """The long texts the exports have a column for: text answers and recommendations (an item's note is not
    exported; it is in the visit report)."""
    return [
        *(a["value"] for a in body["answers"] if isinstance(a["value"], str)),
        *body["findings"]["recommendations"],
    ]


def test_the_workbook_and_csv_sheets_carry_every_text_at_its_limit(actors, at_limits):  # noqa: F811
    visit, body, _, rnd = at_limits
    client = Client()
    client.force_login(actors.cora.user)
    response = client.get(f"/dashboard/export.xlsx?round={rnd.slug}")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cells = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    missing = [t[:30] for t in [*_texts(body), visit.school.name_th] if t not in cells]
    assert not missing, f"not whole in one cell of the workbook: {missing}"

    found = set()
    for sheet in ("answers", "followups", "schools"):
        r = client.get(f"/dashboard/export/{sheet}.csv?round={rnd.slug}&version={rnd.instrument_id}")
        assert r.status_code == 200, sheet
        text = b"".join(r.streaming_content).decode("utf-8-sig")
        found |= {c for row in csv.reader(io.StringIO(text)) for c in row}
    missing = [t[:30] for t in [*_texts(body), visit.school.name_th] if t not in found]
    assert not missing, f"not whole in one cell of the CSV sheets: {missing}"
