"""An export is the office's record in Thai whoever asks and whatever its size, like the PDF reports: a small
export downloaded in an English request is the very file a Thai request gets (statuses, headings, sheet
names), and the worker, which builds the large ones with no reader's language, writes the same words. It
read "Approved" among Thai headings when asked for in English."""

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from tests.dashboard.test_dashboard import _media, mixed  # noqa: F401  (the dashboard's fixtures)

pytestmark = pytest.mark.django_db


def _client(actors, language: str) -> Client:
    client = Client()
    client.force_login(actors.oscar.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_csv_asked_for_in_english_is_the_thai_file(actors, mixed):  # noqa: F811
    rnd, approved, pending = mixed
    files = {
        language: _body(_client(actors, language).get(f"/dashboard/export/schools.csv?round={rnd.slug}"))
        for language in ("th", "en")
    }
    assert files["en"] == files["th"]
    rows = list(csv.reader(io.StringIO(files["en"].decode("utf-8-sig"))))
    assert rows[0][:3] == ["รอบ", "รหัสโรงเรียน", "โรงเรียน"]
    status = {row[-1]: row[6] for row in rows[1:]}
    assert status[str(approved.pk)] == "อนุมัติแล้ว" and status[str(pending.pk)] != "Submitted"
    assert not [cell for row in rows for cell in row if cell in ("Approved", "Submitted", "Yes", "No")]


def test_a_workbook_asked_for_in_english_reads_like_the_thai_one(actors, mixed):  # noqa: F811
    rnd, approved, _ = mixed

    def cells(language):
        wb = load_workbook(io.BytesIO(_body(_client(actors, language).get(f"/dashboard/export.xlsx?round={rnd.slug}"))))
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}

    thai, english = cells("th"), cells("en")
    assert english == thai
    schools = english["โรงเรียนและการตรวจเยี่ยม"]
    assert [r[6] for r in schools[1:] if r[-1] == str(approved.pk)] == ["อนุมัติแล้ว"]


def test_the_worker_writes_the_same_words_as_a_request(actors, mixed, settings):  # noqa: F811
    """A large export (built by the worker's task, outside any request) has the small one's statuses."""
    from dashboard.models import ExportJob
    from dashboard.tasks import build_export

    rnd, _, _ = mixed
    small = _body(_client(actors, "en").get(f"/dashboard/export/schools.csv?round={rnd.slug}"))
    settings.EXPORT_INLINE_MAX_VISITS = 1
    client = _client(actors, "en")
    client.get(f"/dashboard/export/schools.csv?round={rnd.slug}")
    job = ExportJob.objects.get()
    assert build_export(str(job.pk))
    assert _body(client.get(f"/dashboard/exports/{job.pk}/")) == small
