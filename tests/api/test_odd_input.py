"""Odd input found by fuzzing the API and the admin: each is a clear 4xx in the API's error shape, never a 500
or Django's HTML page; spreadsheets that cannot be imported are refused whole with one line."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from tests.visits.test_instruments import GOOD
from visits.models import InstrumentVersion

pytestmark = pytest.mark.django_db


def _is_api_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "detail", "errors"}
    return body


@pytest.mark.parametrize(
    "method,url",
    [
        ("patch", "/api/v1/followups/abc/"),
        ("patch", "/api/v1/followups/123456789012345678901234567890/"),
        ("get", "/api/v1/visits/not-a-uuid/"),
        ("post", "/api/v1/visits/not-a-uuid/transitions/"),
        ("get", "/api/v1/visits/not-a-uuid/report.pdf"),
        ("get", "/api/v1/committees/abc/order.pdf"),
        ("get", "/api/v1/committees/99999999999999999999999/order.pdf"),
        ("get", "/api/v1/schools/abc/"),
        ("post", "/api/v1/notifications/abc/read/"),
        ("get", "/api/v1/no-such-thing/"),
    ],
)
def test_malformed_ids_in_paths_answer_the_apis_json_404(actors, client_for, method, url):
    client = client_for(actors.cora)
    response = getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)
    assert _is_api_error(response, 404)["code"] == "not_found"


@pytest.mark.parametrize(
    "method,url",
    [
        ("patch", "/api/v1/followups/abc/"),
        ("post", "/api/v1/visits/not-a-uuid/transitions/"),
        ("put", "/api/v1/visits/not-a-uuid/"),
        ("delete", "/api/v1/no-such-thing/"),
    ],
)
def test_a_token_client_writing_to_a_malformed_address_gets_the_apis_404_not_a_csrf_page(actors, method, url):
    """Found against the deployed stack: a tablet signs in with its token and sends no CSRF cookie, as a real
    client does (this client checks CSRF as the deployed stack does); a write to an address no route matches got
    Django's HTML 403 'CSRF verification failed' instead of the API's JSON 404."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=actors.cora.user).key}")
    response = getattr(client, method)(url, {"notes": "x"}, format="json")
    assert _is_api_error(response, 404)["code"] == "not_found"
    # the routes that exist still take the token without CSRF
    assert client.post("/api/v1/notifications/mark-read/", {}, format="json").status_code == 200


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/v1/visits/?updated_since=2020-08-01T00:00:00%2B23:59", "updated_since"),  # PostgreSQL: ±15:59
        ("/api/v1/visits/?updated_since=2020-08-01T00:00:00-25:00", "updated_since"),
        ("/api/v1/visits/?updated_since=9999-12-31T23:00:00-13:00", "updated_since"),  # beyond year 9999 in UTC
        ("/api/v1/visits/?status=bogus", "status"),
        ("/api/v1/visits/?ordering=bogus", "ordering"),
        ("/api/v1/followups/?status=bogus", "status"),
        ("/api/v1/followups/?ordering=-nothing", "ordering"),
        ("/api/v1/rounds/?kind=bogus", "kind"),
        ("/api/v1/notifications/?unread=maybe", "unread"),
    ],
)
def test_filters_refuse_what_they_cannot_honour(actors, client_for, url, field):
    body = _is_api_error(client_for(actors.cora).get(url, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert list(body["errors"]) == [field]


def test_a_valid_offset_filter_still_works(actors, client_for):
    response = client_for(actors.cora).get("/api/v1/visits/?updated_since=2020-08-01T00:00:00%2B07:00")
    assert response.status_code == 200


# --- spreadsheets ------------------------------------------------------------------------------------------
def _chart_only_xlsx() -> bytes:
    from openpyxl.chart import BarChart

    book = Workbook()
    chart = book.create_chartsheet("กราฟ")
    chart.add_chart(BarChart())
    book.remove(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite_sheet(sheet_xml: bytes) -> bytes:
    """A one-sheet workbook whose sheet1.xml is replaced by `sheet_xml` (what a broken or hostile tool writes)."""
    book = Workbook()
    book.active.append(["x"])
    source = io.BytesIO()
    book.save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else zin.read(item.filename)
            zout.writestr(item, data)
    return out.getvalue()


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s<sheetData>%s</sheetData></worksheet>'


def _mistyped_xlsx() -> bytes:
    rows = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
        b'<row r="2"><c r="A2" t="n"><v>abc</v></c></row>'  # a number cell that holds text
    )
    return _rewrite_sheet(SHEET % (b"", rows))


def _million_rows_xlsx() -> bytes:
    """1,000,000 rows that zip to a few MB; the declared dimension says so, as Excel writes it."""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 1_000_001))
    return _rewrite_sheet(SHEET % (b'<dimension ref="A1:A1000000"/>', rows))


def _undeclared_rows_xlsx(n_rows) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, n_rows + 1))
    return _rewrite_sheet(SHEET % (b"", rows))


BAD_SHEETS = {
    "chart_only": (_chart_only_xlsx, "no worksheet"),
    "mistyped_cell": (_mistyped_xlsx, "does not match its type"),
    "million_rows": (_million_rows_xlsx, "more than"),
}


@pytest.fixture
def cora_admin(actors):
    client = Client()
    client.force_login(actors.cora.user)
    return client


@pytest.mark.parametrize("kind", sorted(BAD_SHEETS))
def test_admin_instrument_import_refuses_unreadable_sheets(cora_admin, kind):
    make, english = BAD_SHEETS[kind]
    response = cora_admin.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.xlsx", make()), "name": "แบบ", "code": "odd", "kind": "supervision"},
        HTTP_ACCEPT_LANGUAGE="en",  # the page's problems read in its language (English here)
    )
    assert response.status_code == 200 and english in response.content.decode()
    assert not InstrumentVersion.objects.exists()


@pytest.mark.parametrize("kind", sorted(BAD_SHEETS))
def test_admin_school_import_refuses_unreadable_sheets(cora_admin, actors, kind):
    make, english = BAD_SHEETS[kind]
    response = cora_admin.post(
        "/admin/supervision/school/import/",
        {"office": actors.office.pk, "file": SimpleUploadedFile("schools.xlsx", make())},
    )
    assert response.status_code == 200 and english in response.content.decode()


@pytest.mark.parametrize("kind", sorted(BAD_SHEETS))
def test_import_commands_refuse_unreadable_sheets_with_one_line(actors, tmp_path, kind):
    make, english = BAD_SHEETS[kind]
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(make())
    for command, extra in (("import_schools", []), ("import_people", []), ("import_instrument", ["--name", "แบบ"])):
        with pytest.raises(CommandError, match=english):
            call_command(command, str(path), *extra)


def test_a_sheet_without_a_declared_size_is_cut_at_the_limit(actors, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 1000
    path = tmp_path / "schools.xlsx"
    path.write_bytes(_undeclared_rows_xlsx(5000))
    with pytest.raises(CommandError, match="more than 1,000 rows"):
        call_command("import_schools", str(path))


def test_an_instrument_sheet_is_still_imported(cora_admin):
    book = Workbook()
    for row in GOOD:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    response = cora_admin.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.xlsx", out.getvalue()), "name": "แบบ", "code": "ok", "kind": "supervision"},
    )
    assert response.status_code == 302 and InstrumentVersion.objects.get(instrument__code="ok").items.count() == 4


def test_an_instrument_question_beyond_its_limit_is_refused_on_import(cora_admin):
    from tests.visits.test_instruments import HEADER, as_csv

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["ด้านที่ 1", "", "1.1", "yes_no", "ข" * 30_000, "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    sheet = out.getvalue()
    pages = {
        language: cora_admin.post(
            "/admin/visits/instrument/import/",
            {"file": SimpleUploadedFile("form.xlsx", sheet), "name": "แบบ", "code": "big", "kind": "supervision"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        for language in ("en", "th")
    }
    assert {r.status_code for r in pages.values()} == {200}
    assert "longer than 2,000 characters (30,000)" in pages["en"].content.decode()
    assert "ยาวเกิน 2,000 ตัวอักษร" in pages["th"].content.decode() and not InstrumentVersion.objects.exists()
    # The 5,000,000-character question of the attack, as CSV: refused whole, not a 500.
    huge = as_csv([HEADER, ["ด้านที่ 1", "", "1.1", "yes_no", "ข" * 5_000_000, "", "", "", ""]])
    response = cora_admin.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.csv", huge), "name": "แบบ", "code": "huge", "kind": "supervision"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "cannot read this row" in response.content.decode()
    assert not InstrumentVersion.objects.exists()
    at_limit = as_csv([HEADER, ["ด้านที่ 1", "", "1.1", "yes_no", "ข" * 2000, "", "", "", ""]])
    response = cora_admin.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.csv", at_limit), "name": "แบบ", "code": "edge", "kind": "supervision"},
    )
    assert response.status_code == 302
