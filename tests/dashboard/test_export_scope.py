"""Exports of an academic year from the dashboard page and from the API: the same workbook through the same
access rule, one answers sheet per instrument version, the stored answers in their items' columns, and real
dates (Excel date cells, ISO dates in CSV) — read back with openpyxl as a director's spreadsheet reads them."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _answered(rnd, committee, school, status, when, values):
    visit = f.VisitFactory(
        assignment=f.AssignmentFactory(round=rnd, committee=committee, school=school, date=when.date()),
        status=status,
        score=75.0,
        check_in_at=when,
    )
    items = {i.code: i for i in visit.instrument_version.items.all()}
    for code, value in values.items():
        f.AnswerFactory(visit=visit, item=items[code], value=value)
    return visit


@pytest.fixture
def year(actors):
    """Academic year 2563: a June round on version 1 of an instrument and an August round on its version 2;
    a round of 2562 that the year's export must leave out."""
    instrument = f.InstrumentFactory(code="supv-year", name="แบบนิเทศทั้งปี")
    v1 = f.InstrumentVersionFactory(instrument=instrument, number=1)
    v2 = f.InstrumentVersionFactory(instrument=instrument, number=2)
    june = f.RoundFactory(
        office=actors.office,
        slug="june-2563",
        instrument=v1,
        academic_year=2563,
        start_date=datetime.date(2020, 6, 1),
        end_date=datetime.date(2020, 6, 12),
        status="published",
    )
    august = f.RoundFactory(
        office=actors.office,
        slug="august-2563",
        instrument=v2,
        academic_year=2563,
        start_date=datetime.date(2020, 8, 3),
        end_date=datetime.date(2020, 8, 14),
        status="published",
    )
    before = f.RoundFactory(
        office=actors.office,
        slug="before-2562",
        instrument=v1,
        academic_year=2562,
        start_date=datetime.date(2019, 11, 4),
        end_date=datetime.date(2019, 11, 8),
        status="published",
    )
    bkk = datetime.timezone(datetime.timedelta(hours=7))
    visits = {
        "june": _answered(
            june,
            actors.committee_a,
            actors.school_a,
            "approved",
            datetime.datetime(2020, 6, 2, 9, 30, tzinfo=bkk),
            {"R1": 4, "Y1": True, "R2": 3, "T1": "ครูใช้สื่อท้องถิ่น ผ้าไหมอุบล"},
        ),
        "august": _answered(
            august,
            actors.committee_b,
            actors.school_b,
            "submitted",
            datetime.datetime(2020, 8, 4, 0, 30, tzinfo=bkk),  # 3 Aug 17:30 UTC: the date is Bangkok's, 4 Aug
            {"R1": 2, "Y1": False, "R2": 5},
        ),
        "before": _answered(
            before,
            actors.committee_a,
            actors.school_a,
            "approved",
            datetime.datetime(2019, 11, 5, 10, 0, tzinfo=bkk),
            {"R1": 1},
        ),
    }
    return {"v1": v1, "v2": v2, "visits": visits}


def _workbook(body: bytes):
    return load_workbook(io.BytesIO(body), read_only=True)


def _rows(wb, title):
    return list(wb[title].iter_rows(values_only=True))


def test_the_years_workbook_from_the_page_and_the_api_is_one_sheet_per_version_with_the_stored_answers(
    actors, year, client_for
):
    page = Client()
    page.force_login(actors.oscar.user)
    web = page.get("/dashboard/export.xlsx?year=2563")
    api = client_for(actors.oscar).get("/api/v1/exports/?year=2563&output=xlsx")
    assert web.status_code == 200 and api.status_code == 200
    books = [_workbook(b"".join(r.streaming_content)) for r in (web, api)]
    assert books[0].sheetnames == books[1].sheetnames
    answers = [name for name in books[0].sheetnames if name.startswith("คำตอบ")]
    assert answers == ["คำตอบ supv-year ฉ.1", "คำตอบ supv-year ฉ.2"]  # one sheet per instrument version
    for wb in books:
        for title, key in (("คำตอบ supv-year ฉ.1", "june"), ("คำตอบ supv-year ฉ.2", "august")):
            header, *rows = _rows(wb, title)
            visit = year["visits"][key]
            assert [r[0] for r in rows] == [str(visit.pk)]  # the 2562 round's visit is not in the year
            (row,) = rows
            for answer in visit.answers.select_related("item"):
                cell = row[header.index(f"{answer.item.code} {answer.item.text}")]
                expected = {True: "ใช่", False: "ไม่ใช่"}.get(answer.value, answer.value)
                assert cell == expected, (title, answer.item.code)
            visited = row[header.index("วันที่ตรวจเยี่ยม")]
            assert isinstance(visited, datetime.datetime), visited  # a date cell, not text
            assert visited.date() == visit.check_in_at.astimezone(timezone.get_default_timezone()).date()
        schools = _rows(wb, wb.sheetnames[0])
        assert {(r[0], r[1]) for r in schools[1:] if r[12]} == {  # rows of visits (the rest: not visited)
            (year["visits"]["june"].round.title, actors.school_a.code),
            (year["visits"]["august"].round.title, actors.school_b.code),
        }
    header, *rows = _rows(books[0], "คำตอบ supv-year ฉ.2")
    assert rows[0][header.index("วันที่ตรวจเยี่ยม")].date() == datetime.date(2020, 8, 4)  # Bangkok's date
    header, *rows = _rows(books[0], "คำตอบ supv-year ฉ.1")
    assert rows[0][header.index("T1 ข้อสังเกตเพิ่มเติม")] == "ครูใช้สื่อท้องถิ่น ผ้าไหมอุบล"  # Thai intact


def test_the_years_csv_names_a_version_and_carries_iso_dates(actors, year):
    page = Client()
    page.force_login(actors.cora.user)
    response = page.get(f"/dashboard/export/answers.csv?year=2563&version={year['v2'].pk}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r[0] for r in rows] == [str(year["visits"]["august"].pk)]
    assert rows[0][header.index("วันที่ตรวจเยี่ยม")] == "2020-08-04"


@pytest.mark.parametrize("name", ["alice", "bob", "charlie", "dana"])
def test_those_without_the_dashboard_get_404_from_the_page_and_the_api_alike(actors, year, client_for, name):
    person = getattr(actors, name)
    page = Client()
    page.force_login(person.user)
    for query in ("year=2563", "round=june-2563"):
        assert page.get(f"/dashboard/export.xlsx?{query}").status_code == 404, query
        assert page.get(f"/dashboard/export/schools.csv?{query}").status_code == 404, query
        assert client_for(person).get(f"/api/v1/exports/?{query}&output=xlsx").status_code == 404, query


def test_another_offices_coordinator_gets_nothing_of_this_office(actors, year, client_for):
    from supervision.roles import Role

    other = f.AreaOfficeFactory(code="SEC98")
    stranger = f.PersonFactory(office=other, user=f.UserFactory(username="far-coordinator", roles=[Role.COORDINATOR]))
    page = Client()
    page.force_login(stranger.user)
    assert page.get("/dashboard/export.xlsx?year=2563").status_code == 404
    assert page.get("/dashboard/export.xlsx?round=june-2563").status_code == 404
    assert client_for(stranger).get("/api/v1/exports/?year=2563&output=xlsx").status_code == 404


def test_a_viewer_exports_the_approved_results_only_from_the_page_and_the_api_alike(actors, year, client_for):
    page = Client()
    page.force_login(actors.vera.user)
    web = page.get("/dashboard/export.xlsx?year=2563")
    api = client_for(actors.vera).get("/api/v1/exports/?year=2563&output=xlsx")
    for response in (web, api):
        assert response.status_code == 200
        wb = _workbook(b"".join(response.streaming_content))
        visits = {r[12] for r in _rows(wb, wb.sheetnames[0])[1:] if r[12]}
        assert visits == {str(year["visits"]["june"].pk)}  # the August visit is submitted, not approved
        assert [n for n in wb.sheetnames if n.startswith("คำตอบ")] == ["คำตอบ supv-year ฉ.1"]
