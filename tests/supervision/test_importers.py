"""import_schools / import_people through the management commands: all or nothing, explained rows."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from supervision.models import Person, School
from tests import factories as f

SCHOOL_HEADER = [
    "code",
    "name_th",
    "name_en",
    "province",
    "district",
    "consortium",
    "latitude",
    "longitude",
    "students",
    "teachers",
]


@pytest.fixture
def place(db):
    office = f.AreaOfficeFactory(code="SEC29")
    ubon = f.ProvinceFactory(code="34", name_th="อุบลราชธานี", name_en="Ubon Ratchathani")
    other = f.ProvinceFactory(code="32", name_th="สุรินทร์", name_en="Surin")
    mueang = f.DistrictFactory(
        province=ubon,
        code="3401",
        name_th="เมืองอุบลราชธานี",
        name_en="Mueang Ubon Ratchathani",
        latitude=15.2447,
        longitude=104.8472,
        radius_km=12,
    )
    samrong = f.DistrictFactory(
        province=ubon,
        code="3422",
        name_th="สำโรง",
        name_en="Samrong",
        latitude=15.0092,
        longitude=104.7819,
        radius_km=15,
    )
    f.DistrictFactory(
        province=other, code="3299", name_th="สำโรง", name_en="Samrong", latitude=14.9, longitude=103.5, radius_km=15
    )
    consortium = f.ConsortiumFactory(office=office, name="สหวิทยาเขตเมืองดอกบัว", code="C01")
    return office, mueang, samrong, consortium


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def write_xlsx(path, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


GOOD = [
    [
        "1034290001",
        "โรงเรียนโนนสว่างวิทยา",
        "Non Sawang Witthaya School",
        "34",
        "เมืองอุบลราชธานี",
        "สหวิทยาเขตเมืองดอกบัว",
        "15.25",
        "104.85",
        "1,200",
        "60",
    ],
    ["1034290002", "โรงเรียนห้วยทรายพิทยาคม", "", "อุบลราชธานี", "3422", "C01", "15.01", "104.79", "300", "18"],
    ["1034290003", "โรงเรียนดงบังศึกษา", "", "", "อ.เมืองอุบลราชธานี", "", "", "", "", ""],
]


def run(command, path, **kwargs):
    out, err = StringIO(), StringIO()
    try:
        call_command(command, path, stdout=out, stderr=err, **kwargs)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def test_a_good_csv_creates_then_updates_then_changes_nothing(place, tmp_path):
    office, mueang, samrong, consortium = place
    ok, out, _ = run("import_schools", write_csv(tmp_path / "s.csv", SCHOOL_HEADER, GOOD))
    assert ok and "created 3" in out
    s1 = School.objects.get(code="1034290001")
    assert (s1.office, s1.district, s1.consortium, s1.students, s1.teachers) == (office, mueang, consortium, 1200, 60)
    s2 = School.objects.get(code="1034290002")
    assert s2.district == samrong and s2.consortium == consortium  # by district code and consortium code
    s3 = School.objects.get(code="1034290003")
    assert s3.latitude is None and s3.students == 0

    history = School.history.count()
    assert history == 3  # every new school has its history row
    ok, out, _ = run("import_schools", write_csv(tmp_path / "s.csv", SCHOOL_HEADER, GOOD))
    assert ok and "created 0, updated 0, unchanged 3" in out
    assert School.history.count() == history  # a re-import writes nothing

    changed = [[*GOOD[0][:8], "1300", ""]]  # students change; an empty cell keeps the stored teachers
    ok, out, _ = run("import_schools", write_csv(tmp_path / "s2.csv", SCHOOL_HEADER, changed))
    assert ok and "updated 1" in out
    s1.refresh_from_db()
    assert (s1.students, s1.teachers) == (1300, 60)


def test_a_good_xlsx_with_thai_headers_and_numeric_cells(place, tmp_path):
    header = ["รหัสโรงเรียน", "ชื่อโรงเรียน", "อำเภอ", "ละติจูด", "ลองจิจูด", "จำนวนนักเรียน", "หมายเหตุ"]
    rows = [[1034290011, "โรงเรียนหนองแสงวิทยา", "Mueang Ubon Ratchathani", 15.26, 104.84, 950, "extra column"]]
    ok, _out, err = run("import_schools", write_xlsx(tmp_path / "s.xlsx", header, rows))
    assert ok, err
    school = School.objects.get(code="1034290011")
    assert (school.latitude, school.longitude, school.students) == (15.26, 104.84, 950)


BAD_ROWS = [
    # (row, column named in the error, error code)
    (["", "โรงเรียนก", "", "", "3401", "", "", "", "", ""], "code", "required"),
    (["10342900AB", "โรงเรียนก", "", "", "3401", "", "", "", "", ""], "code", "code_format"),
    (["1034290001", "โรงเรียนก", "", "", "อำเภอไม่มีจริง", "", "", "", "", ""], "district", "district_unknown"),
    (["1034290001", "โรงเรียนก", "", "", "สำโรง", "", "", "", "", ""], "district", "district_ambiguous"),
    (["1034290001", "โรงเรียนก", "", "", "3401", "", "15.2x", "104.85", "", ""], "latitude", "coordinate_invalid"),
    (["1034290001", "โรงเรียนก", "", "", "3401", "", "95", "104.85", "", ""], "latitude", "coordinate_range"),
    (["1034290001", "โรงเรียนก", "", "", "3401", "", "15.25", "", "", ""], "longitude", "coordinate_pair"),
    (
        ["1034290001", "โรงเรียนก", "", "", "3401", "", "14.50", "104.85", "", ""],
        "latitude",
        "coordinate_outside_district",
    ),
    (["1034290001", "โรงเรียนก", "", "", "3401", "สหวิทยาเขตไม่มี", "", "", "", ""], "consortium", "consortium_unknown"),
    (["1034290001", "โรงเรียนก", "", "", "3401", "", "", "", "-5", ""], "students", "number_invalid"),
    (["1034290001", "โรงเรียนก", "", "", "3401", "", "", "", "", "12.5"], "teachers", "number_invalid"),
    (["1034290001", "โรงเรียนก", "", "ไม่มีจังหวัดนี้", "3401", "", "", "", "", ""], "province", "province_unknown"),
    (["1034290001", "", "", "", "3401", "", "", "", "", ""], "name_th", "required"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("bad", "column", "code"), BAD_ROWS, ids=[c for _r, _c, c in BAD_ROWS])
def test_one_bad_row_names_its_line_and_column_and_nothing_is_written(place, tmp_path, fmt, bad, column, code):
    rows = [GOOD[1], GOOD[2], bad]  # the bad row is on line 4 (header = line 1)
    writer = write_csv if fmt == "csv" else write_xlsx
    ok, _out, err = run("import_schools", writer(tmp_path / f"s.{fmt}", SCHOOL_HEADER, rows))
    assert not ok
    assert f"line 4, column {column}:" in err and f"[{code}]" in err
    assert "line 2" not in err and "line 3" not in err
    assert "nothing was written" in err
    assert School.objects.count() == 0


def test_a_duplicate_code_in_the_file_names_both_lines(place, tmp_path):
    ok, _out, err = run("import_schools", write_csv(tmp_path / "s.csv", SCHOOL_HEADER, [GOOD[0], GOOD[1], GOOD[0]]))
    assert not ok
    assert "line 4, column code:" in err and "line 2" in err and "[code_duplicate]" in err
    assert School.objects.count() == 0


def test_every_bad_row_is_reported_once_per_problem_and_the_old_data_stays(place, tmp_path):
    run("import_schools", write_csv(tmp_path / "a.csv", SCHOOL_HEADER, GOOD))
    rows = [[*GOOD[0][:8], "999", "1"], BAD_ROWS[0][0], ["1034290009", *BAD_ROWS[2][0][1:]]]
    ok, _out, err = run("import_schools", write_csv(tmp_path / "b.csv", SCHOOL_HEADER, rows))
    assert not ok
    lines = [line for line in err.splitlines() if line.startswith("line ")]
    assert [line.split(",")[0] for line in lines] == ["line 3", "line 4"]
    assert School.objects.get(code="1034290001").students == 1200  # the good row was not applied either


def test_a_code_of_another_office_is_refused(place, tmp_path):
    f.SchoolFactory(code="1034290001")  # another office's school
    ok, _out, err = run("import_schools", write_csv(tmp_path / "s.csv", SCHOOL_HEADER, [GOOD[0]]), office="SEC29")
    assert not ok and "[code_other_office]" in err


def test_file_level_problems(place, tmp_path):
    ok, _out, err = run("import_schools", write_csv(tmp_path / "s.csv", ["code", "name_th"], [["1034290001", "x"]]))
    assert not ok and "line 1, column district:" in err and "[column_missing]" in err
    (tmp_path / "s.txt").write_text("code\n")
    ok, _out, err = run("import_schools", str(tmp_path / "s.txt"))
    assert not ok and ".csv or .xlsx" in err
    ok, _out, err = run("import_schools", str(tmp_path / "none.csv"))
    assert not ok and "no such file" in err
    ok, _out, err = run("import_schools", write_csv(tmp_path / "s.csv", SCHOOL_HEADER, [GOOD[0]]), office="NOPE")
    assert not ok and "no area office" in err


# --- people ---------------------------------------------------------------------------------------

PEOPLE_HEADER = [
    "email",
    "prefix",
    "first_name",
    "last_name",
    "position",
    "affiliation",
    "school_code",
    "agency",
    "phone",
    "school_director",
]


@pytest.fixture
def school(place):
    office, mueang, _samrong, consortium = place
    return f.SchoolFactory(
        office=office, district=mueang, consortium=consortium, code="1034290001", latitude=15.25, longitude=104.85
    )


PEOPLE = [
    ["somchai@example.test", "นาย", "สมชาย", "สาธิตกุล", "ศึกษานิเทศก์ชำนาญการพิเศษ", "office", "", "", "", ""],
    ["Somsri@Example.test", "นาง", "สมศรี", "ตัวอย่างดี", "ผู้อำนวยการโรงเรียน", "", "1034290001", "", "", "ใช่"],
    ["expert@example.test", "ดร.", "วิชัย", "สมมติวงศ์", "ผู้ทรงคุณวุฒิ", "ภายนอก", "", "มหาวิทยาลัยตัวอย่าง", "", ""],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_people_file_creates_updates_and_sets_the_director(school, tmp_path, fmt):
    writer = write_csv if fmt == "csv" else write_xlsx
    ok, out, err = run("import_people", writer(tmp_path / f"p.{fmt}", PEOPLE_HEADER, PEOPLE))
    assert ok and "created 3" in out, err
    somsri = Person.objects.get(email="somsri@example.test")
    assert somsri.affiliation == Person.Affiliation.SCHOOL and somsri.school == school
    school.refresh_from_db()
    assert school.director == somsri
    assert Person.objects.get(email="expert@example.test").affiliation == Person.Affiliation.EXTERNAL

    ok, out, _ = run("import_people", writer(tmp_path / f"p.{fmt}", PEOPLE_HEADER, PEOPLE))
    assert ok and "created 0, updated 0, unchanged 3" in out
    moved = [["SOMCHAI@example.test", "", "สมชาย", "สาธิตกุล", "ศึกษานิเทศก์เชี่ยวชาญ", "", "", "", "", ""]]
    ok, out, _ = run("import_people", writer(tmp_path / f"q.{fmt}", PEOPLE_HEADER, moved))
    assert ok and "updated 1" in out
    somchai = Person.objects.get(email="somchai@example.test")
    assert somchai.position == "ศึกษานิเทศก์เชี่ยวชาญ" and somchai.prefix == "นาย"  # empty prefix kept


BAD_PEOPLE = [
    (["", "นาย", "ก", "ข", "", "", "", "", "", ""], "email", "required"),
    (["not-an-email", "นาย", "ก", "ข", "", "", "", "", "", ""], "email", "email_invalid"),
    (["somchai@example.test", "นาย", "ก", "ข", "", "", "", "", "", ""], "email", "email_duplicate"),
    (["a@example.test", "นาย", "", "ข", "", "", "", "", "", ""], "first_name", "required"),
    (["a@example.test", "นาย", "ก", "ข", "", "นักเรียน", "", "", "", ""], "affiliation", "affiliation_invalid"),
    (["a@example.test", "นาย", "ก", "ข", "", "", "1034999999", "", "", ""], "school_code", "school_unknown"),
    (["a@example.test", "นาย", "ก", "ข", "", "school", "", "", "", ""], "school_code", "required"),
    (["a@example.test", "นาย", "ก", "ข", "", "external", "", "", "", ""], "agency", "required"),
    (["a@example.test", "นาย", "ก", "ข", "", "", "", "", "", "maybe"], "school_director", "yes_no_invalid"),
    (["a@example.test", "นาย", "ก", "ข", "", "", "", "", "", "yes"], "school_director", "school_required"),
]


@pytest.mark.parametrize(("bad", "column", "code"), BAD_PEOPLE, ids=[c for _r, c, _k in BAD_PEOPLE])
def test_one_bad_person_row_names_its_line_and_nothing_is_written(school, tmp_path, bad, column, code):
    ok, _out, err = run("import_people", write_csv(tmp_path / "p.csv", PEOPLE_HEADER, [PEOPLE[0], bad]))
    assert not ok
    assert f"line 3, column {column}:" in err and f"[{code}]" in err, err
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_the_demo_schools_pass_the_importer_checks_and_reimport_unchanged(tmp_path):
    from supervision import demo

    demo.load(stdout=StringIO())
    rows = []
    for s in School.objects.filter(office__code=demo.DEMO_OFFICE_CODE).select_related("district", "consortium"):
        rows.append(
            [
                s.code,
                s.name_th,
                s.name_en,
                s.district.province.code,
                s.district.name_th,
                s.consortium.name,
                s.latitude,
                s.longitude,
                s.students,
                s.teachers,
            ]
        )
    ok, out, err = run(
        "import_schools", write_csv(tmp_path / "demo.csv", SCHOOL_HEADER, rows), office=demo.DEMO_OFFICE_CODE
    )
    assert ok, err
    assert "created 0, updated 0, unchanged 81" in out


def test_a_csv_saved_by_thai_excel_in_cp874_is_read(place, tmp_path):
    path = tmp_path / "thai-excel.csv"
    text = "รหัสโรงเรียน,ชื่อโรงเรียน,อำเภอ\r\n1034290021,โรงเรียนบัวงามวิทยา,เมืองอุบลราชธานี\r\n"
    path.write_bytes(text.encode("cp874"))
    ok, _out, err = run("import_schools", str(path))
    assert ok, err
    assert School.objects.get(code="1034290021").name_th == "โรงเรียนบัวงามวิทยา"


def test_moving_a_school_to_another_district_checks_its_stored_point(place, tmp_path):
    run("import_schools", write_csv(tmp_path / "a.csv", SCHOOL_HEADER, [GOOD[0]]))  # in Mueang, 15.25/104.85
    moved = [["1034290001", "โรงเรียนโนนสว่างวิทยา", "", "", "3422", "", "", "", "", ""]]  # Samrong, no point
    ok, _out, err = run("import_schools", write_csv(tmp_path / "b.csv", SCHOOL_HEADER, moved))
    assert not ok and "line 2, column latitude:" in err and "[coordinate_outside_district]" in err
