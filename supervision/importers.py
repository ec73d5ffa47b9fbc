"""Import schools and people from CSV or XLSX files: check every row first, then write all or nothing.

`import_schools(path, office=...)` and `import_people(path, office=...)` return an `ImportResult`. When
any row is bad, `errors` lists one `RowError` per problem (line number, column, code, Thai and English
message) and nothing is written; otherwise every row is upserted (schools by code, people by e-mail) in
one transaction. A cell left empty means "keep what is there" for an existing record.

Columns (the header row may use the English names or the Thai ones) are listed in `SCHOOL_COLUMNS` and
`PEOPLE_COLUMNS`; README "Importing real data" documents the same.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from supervision.geo import km_outside_district
from supervision.models import AreaOffice, Consortium, District, Person, Province, School, SchoolTie
from supervision.roles import Role
from supervision.services import record_upsert
from supervision.spreadsheets import SheetUnreadable, too_many_rows, xlsx_rows


@dataclass(frozen=True)
class Column:
    name: str
    thai: str
    required: bool
    help: str


SCHOOL_COLUMNS = [
    Column("code", "รหัสโรงเรียน", True, "OBEC school code, 10 digits (8 accepted); the key for updates"),
    Column("name_th", "ชื่อโรงเรียน", True, "Thai name, e.g. โรงเรียนโนนสว่างวิทยา"),
    Column("name_en", "ชื่อภาษาอังกฤษ", False, "English name"),
    Column("province", "จังหวัด", False, "province code (34) or name; needed only if the district name is ambiguous"),
    Column("district", "อำเภอ", True, "district (อำเภอ) code (3401) or name, Thai or English"),
    Column("consortium", "สหวิทยาเขต", False, "consortium name or code; must already exist in the office"),
    Column("latitude", "ละติจูด", False, "decimal degrees; with longitude; must lie inside the district"),
    Column("longitude", "ลองจิจูด", False, "decimal degrees; with latitude"),
    Column("students", "จำนวนนักเรียน", False, "whole number ≥ 0"),
    Column("teachers", "จำนวนครู", False, "whole number ≥ 0"),
    Column("address", "ที่อยู่", False, "postal address"),
]

PEOPLE_COLUMNS = [
    Column("email", "อีเมล", True, "e-mail address; the key for updates (one person per address per office)"),
    Column("prefix", "คำนำหน้า", False, "นาย / นาง / นางสาว / ดร. …"),
    Column("first_name", "ชื่อ", True, "first name"),
    Column("last_name", "นามสกุล", True, "last name"),
    Column("position", "ตำแหน่ง", False, "position, e.g. ศึกษานิเทศก์ชำนาญการพิเศษ"),
    Column(
        "affiliation",
        "สังกัด",
        False,
        "office / school / external (or สำนักงานเขต / โรงเรียน / ภายนอก); "
        "default: school when school_code is given, else office",
    ),
    Column("school_code", "รหัสโรงเรียน", False, "code of a school of the office (needed for affiliation school)"),
    Column("agency", "หน่วยงาน", False, "agency of an external person (required for external)"),
    Column("phone", "โทรศัพท์", False, "phone number"),
    Column("line_user_id", "LINE user id", False, "LINE user id for notifications"),
    Column("school_director", "ผู้อำนวยการโรงเรียน", False, "yes/no (ใช่/ไม่ใช่): the director of school_code"),
    Column(
        "ties",
        "ความเกี่ยวข้องกับโรงเรียน",
        False,
        "ties to schools, several separated by ';', each kind:school_code, Thai or English: director/ผู้อำนวยการ, "
        "acting_director/รักษาการผู้อำนวยการ, deputy/รองผู้อำนวยการ, teacher/ครู, staff/บุคลากร, "
        "board/กรรมการสถานศึกษา (e.g. 'acting_director:1034000002; board:1034000003'); added, never removed",
    ),
    Column(
        "roles",
        "บทบาท",
        False,
        "roles of the person's login, several separated by commas, Thai or English: ศึกษานิเทศก์ (supervisor), "
        "ผู้ประสานงาน (coordinator), ผู้อำนวยการสำนักงานเขต (office director), ผู้อำนวยการโรงเรียน (school director), "
        "กรรมการ (committee member), ผู้ดูข้อมูล (viewer); creates the login (no password: send an invitation)",
    ),
]

# Role names a people file may use (lower-cased), Thai or English, with the usual short forms.
_ROLE_NAMES = {
    "supervisor": Role.SUPERVISOR,
    "ศึกษานิเทศก์": Role.SUPERVISOR,
    "coordinator": Role.COORDINATOR,
    "ผู้ประสานงาน": Role.COORDINATOR,
    "office_director": Role.OFFICE_DIRECTOR,
    "office director": Role.OFFICE_DIRECTOR,
    "director": Role.OFFICE_DIRECTOR,
    "ผู้อำนวยการสำนักงานเขต": Role.OFFICE_DIRECTOR,
    "ผอ.เขต": Role.OFFICE_DIRECTOR,
    "school_director": Role.SCHOOL_DIRECTOR,
    "school director": Role.SCHOOL_DIRECTOR,
    "ผู้อำนวยการโรงเรียน": Role.SCHOOL_DIRECTOR,
    "ผอ.โรงเรียน": Role.SCHOOL_DIRECTOR,
    "committee_member": Role.COMMITTEE_MEMBER,
    "committee member": Role.COMMITTEE_MEMBER,
    "ktpn": Role.COMMITTEE_MEMBER,
    "กรรมการ": Role.COMMITTEE_MEMBER,
    "ก.ต.ป.น.": Role.COMMITTEE_MEMBER,
    "viewer": Role.VIEWER,
    "ผู้ดูข้อมูล": Role.VIEWER,
}


def _roles(row: dict, err: "_RowErrors") -> list[str]:
    roles = []
    for name in re.split(r"[,;\n]+", row.get("roles", "")):
        name = " ".join(name.split()).lower()
        if not name:
            continue
        role = _ROLE_NAMES.get(name)
        if role is None:
            err.add(
                "roles",
                "role_unknown",
                f"ไม่รู้จักบทบาท {name!r} (เช่น ศึกษานิเทศก์ ผู้ประสานงาน ผู้อำนวยการโรงเรียน กรรมการ ผู้ดูข้อมูล)",
                f"unknown role {name!r} (e.g. supervisor, coordinator, school director, committee member, viewer)",
            )
        elif role not in roles:
            roles.append(role)
    return roles


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    code: str
    message_th: str
    message_en: str

    def __str__(self):
        return f"line {self.line}, column {self.column}: {self.message_th} / {self.message_en} [{self.code}]"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, wrong type, no header)."""

    def __init__(self, message_th: str, message_en: str):
        super().__init__(f"{message_th} / {message_en}")


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: dict[str, str]  # canonical column name -> header text as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (line number, canonical name -> stripped text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _raw_rows(path: Path) -> list[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on a Thai Windows saves "CSV" in the Windows Thai code page (TIS-620 plus a few signs).
            text = raw.decode("cp874")
        reader = csv.reader(io.StringIO(text, newline=""))
        rows, start = [], 1
        try:
            for record in reader:
                if len(rows) > settings.IMPORT_MAX_ROWS:
                    exc = too_many_rows(settings.IMPORT_MAX_ROWS)
                    raise ImportFileError(exc.message_th, exc.message_en)
                rows.append((start, [c.strip() for c in record]))
                start = reader.line_num + 1
        except csv.Error as exc:  # a cell longer than the csv module takes (128 kB), a stray NUL, …
            raise ImportFileError(
                f"อ่านบรรทัด {reader.line_num} ไม่ได้ (เซลล์ยาวเกินไปหรือมีอักขระเสีย)",
                f"cannot read line {reader.line_num} ({exc})",
            ) from None
        return rows
    if suffix in (".xlsx", ".xlsm"):
        try:
            values = xlsx_rows(path, max_rows=settings.IMPORT_MAX_ROWS)
        except SheetUnreadable as exc:
            raise ImportFileError(exc.message_th, exc.message_en) from None
        return [(n, [_cell_text(v) for v in row]) for n, row in enumerate(values, start=1)]
    raise ImportFileError("รองรับเฉพาะไฟล์ .csv หรือ .xlsx", f"only .csv or .xlsx files are accepted, not {suffix!r}")


def read_table(path, columns: list[Column]) -> tuple[Table | None, list[RowError]]:
    path = Path(path)
    if not path.is_file():
        raise ImportFileError("ไม่พบไฟล์", f"no such file: {path}")
    try:
        raw = _raw_rows(path)
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError) as exc:
        raise ImportFileError("อ่านไฟล์ไม่ได้", f"cannot read the file: {exc}") from exc
    raw = [(n, cells) for n, cells in raw if any(cells)]
    if not raw:
        raise ImportFileError("ไฟล์ว่าง ไม่มีแถวหัวตาราง", "the file is empty: no header row")
    header_line, header_cells = raw[0]
    aliases = {}
    for col in columns:
        aliases[col.name.lower()] = col.name
        aliases[col.thai.lower()] = col.name
    headers: dict[str, str] = {}
    positions: dict[int, str] = {}
    errors = []
    for pos, text in enumerate(header_cells):
        name = aliases.get(text.lower())
        if name is None:
            continue  # extra columns are allowed and ignored
        if name in headers:
            errors.append(
                RowError(header_line, text, "column_repeated", f"คอลัมน์ {text} ซ้ำ", f"column {name} appears twice")
            )
            continue
        headers[name] = text
        positions[pos] = name
    for col in columns:
        if col.required and col.name not in headers:
            errors.append(
                RowError(
                    header_line,
                    col.name,
                    "column_missing",
                    f"ไม่มีคอลัมน์ {col.name} ({col.thai})",
                    f"the column {col.name} is missing",
                )
            )
    if errors:
        return None, errors
    rows = []
    for line, cells in raw[1:]:
        rows.append((line, {name: (cells[pos] if pos < len(cells) else "") for pos, name in positions.items()}))
    return Table(headers, rows), []


# --- parsing helpers ----------------------------------------------------------------------------------


class _RowErrors:
    def __init__(self, table: Table, line: int, sink: list[RowError]):
        self.table, self.line, self.sink = table, line, sink

    def add(self, column: str, code: str, th: str, en: str):
        self.sink.append(RowError(self.line, self.table.headers.get(column, column), code, th, en))


def _required(row: dict, name: str, err: _RowErrors, thai: str) -> str:
    value = row.get(name, "")
    if not value:
        err.add(name, "required", f"ต้องระบุ{thai}", f"{name} is required")
    return value


def _whole_number(row: dict, name: str, err: _RowErrors) -> int | None:
    text = row.get(name, "").replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer() or number < 0:
        err.add(
            name, "number_invalid", f"ต้องเป็นจำนวนเต็มไม่ติดลบ ไม่ใช่ {text!r}", f"must be a whole number ≥ 0, not {text!r}"
        )
        return None
    return int(number)


def _decimal(row: dict, name: str, low: float, high: float, err: _RowErrors) -> float | None:
    text = row.get(name, "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        err.add(
            name, "coordinate_invalid", f"พิกัดต้องเป็นตัวเลขทศนิยม ไม่ใช่ {text!r}", f"must be a decimal number, not {text!r}"
        )
        return None
    if not low <= value <= high:
        err.add(name, "coordinate_range", f"พิกัดต้องอยู่ระหว่าง {low} ถึง {high}", f"must be between {low} and {high}")
        return None
    return value


_YES = {"yes", "y", "true", "1", "ใช่", "x", "✓"}
_NO = {"no", "n", "false", "0", "ไม่ใช่", "ไม่", ""}


def _yes_no(row: dict, name: str, err: _RowErrors) -> bool | None:
    text = row.get(name, "")
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False if text else None
    err.add(name, "yes_no_invalid", f"ต้องเป็น ใช่ หรือ ไม่ใช่ ไม่ใช่ {text!r}", f"must be yes or no, not {text!r}")
    return None


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    for p in prefixes:
        if text.startswith(p):
            return text[len(p) :].strip()
    return text


class _Places:
    """Provinces and districts by code, Thai name (with or without อำเภอ/อ.) and English name."""

    def __init__(self):
        self.provinces: dict[str, Province] = {}
        for p in Province.objects.all():
            for key in (p.code, p.name_th, p.name_en.lower()):
                if key:
                    self.provinces[key] = p
        self.districts: dict[str, list[District]] = {}
        for d in District.objects.select_related("province"):
            for key in {d.code, d.name_th, d.name_en.lower()}:
                if key:
                    self.districts.setdefault(key, []).append(d)

    def province(self, text: str) -> Province | None:
        return self.provinces.get(_strip_prefix(text, ("จังหวัด", "จ.")).lower()) if text else None

    def districts_named(self, text: str) -> list[District]:
        return self.districts.get(_strip_prefix(text, ("อำเภอ", "อ.")).lower(), [])


_SCHOOL_CODE = re.compile(r"^\d{8}(\d{2})?$")


def _only_set(values: dict, existing: bool) -> dict:
    """For an existing record, an empty cell keeps the stored value."""
    return {k: v for k, v in values.items() if not (existing and v in (None, ""))}


# --- schools ------------------------------------------------------------------------------------------


def import_schools(path, *, office: AreaOffice) -> ImportResult:
    """Check every row of a schools file; if all are good, upsert them by code in one transaction."""
    table, errors = read_table(path, SCHOOL_COLUMNS)
    if table is None:
        return ImportResult(errors=errors)
    places = _Places()
    consortia: dict[str, Consortium] = {}
    for c in Consortium.objects.filter(office=office):
        consortia[c.name] = c
        if c.code:
            consortia[c.code] = c
    existing = {s.code: s for s in School.objects.select_related("office").order_by()}
    first_line_of: dict[str, int] = {}
    planned: list[tuple[str, dict]] = []

    for line, row in table.rows:
        err = _RowErrors(table, line, errors)
        code = _required(row, "code", err, "รหัสโรงเรียน")
        if code:
            if not _SCHOOL_CODE.match(code):
                err.add(
                    "code",
                    "code_format",
                    f"รหัสโรงเรียนต้องเป็นตัวเลข 10 หลัก (หรือ 8 หลัก) ไม่ใช่ {code!r}",
                    f"the school code must be 10 (or 8) digits, not {code!r}",
                )
            elif code in first_line_of:
                err.add(
                    "code",
                    "code_duplicate",
                    f"รหัส {code} ซ้ำกับบรรทัด {first_line_of[code]}",
                    f"code {code} already appears on line {first_line_of[code]}",
                )
            else:
                first_line_of[code] = line
                other = existing.get(code)
                if other is not None and other.office_id != office.id:
                    err.add(
                        "code",
                        "code_other_office",
                        f"รหัส {code} เป็นของโรงเรียนใน {other.office}",
                        f"code {code} belongs to a school of another office ({other.office.code})",
                    )
        name_th = _required(row, "name_th", err, "ชื่อโรงเรียน")

        province = None
        if row.get("province"):
            province = places.province(row["province"])
            if province is None:
                err.add(
                    "province",
                    "province_unknown",
                    f"ไม่รู้จักจังหวัด {row['province']!r}",
                    f"unknown province {row['province']!r}",
                )
        district = None
        district_text = _required(row, "district", err, "อำเภอ")
        if district_text:
            candidates = places.districts_named(district_text)
            if province is not None:
                candidates = [d for d in candidates if d.province_id == province.id]
            if not candidates:
                where = f" ใน จ.{province.name_th}" if province else ""
                err.add(
                    "district",
                    "district_unknown",
                    f"ไม่รู้จักอำเภอ {district_text!r}{where}",
                    f"unknown district {district_text!r}",
                )
            elif len(candidates) > 1:
                err.add(
                    "district",
                    "district_ambiguous",
                    f"มีอำเภอ {district_text!r} หลายจังหวัด ระบุคอลัมน์ province",
                    f"district {district_text!r} exists in several provinces; fill in the province column",
                )
            else:
                district = candidates[0]

        consortium = None
        if row.get("consortium"):
            consortium = consortia.get(row["consortium"])
            if consortium is None:
                err.add(
                    "consortium",
                    "consortium_unknown",
                    f"ไม่มีสหวิทยาเขต {row['consortium']!r} ใน {office}",
                    f"no consortium {row['consortium']!r} in office {office.code}",
                )

        lat = _decimal(row, "latitude", -90, 90, err)
        lon = _decimal(row, "longitude", -180, 180, err)
        if bool(row.get("latitude")) != bool(row.get("longitude")):
            missing = "longitude" if row.get("latitude") else "latitude"
            err.add(missing, "coordinate_pair", "ต้องระบุทั้งละติจูดและลองจิจูด", "give both latitude and longitude")
        elif district is not None:
            stored = existing.get(code)
            if not row.get("latitude") and stored is not None and stored.latitude is not None:
                lat, lon = stored.latitude, stored.longitude  # empty cells keep the stored point: check it
            beyond = None if lat is None or lon is None else km_outside_district(district, lat, lon)
            if beyond is not None:
                err.add(
                    "latitude",
                    "coordinate_outside_district",
                    f"พิกัด {lat}, {lon} อยู่นอกอำเภอ{district.name_th} {beyond} กม.",
                    f"the point {lat}, {lon} lies {beyond} km outside {district.name_en or district.name_th}",
                )
        students = _whole_number(row, "students", err)
        teachers = _whole_number(row, "teachers", err)

        if code and district is not None:
            planned.append(
                (
                    code,
                    {
                        "office": office,
                        "name_th": name_th,
                        "name_en": row.get("name_en", ""),
                        "district": district,
                        "consortium": consortium,
                        "latitude": lat,
                        "longitude": lon,
                        "students": students,
                        "teachers": teachers,
                        "address": row.get("address", ""),
                    },
                )
            )

    result = ImportResult(errors=errors)
    if errors:
        return result
    new_schools = []
    with transaction.atomic():
        for code, values in planned:
            if code in existing:
                _obj, outcome = record_upsert(
                    School, lookup={"code": code}, values=_only_set(values, True), instance=existing[code]
                )
                _count(result, outcome)
            else:
                values = {**values, "students": values["students"] or 0, "teachers": values["teachers"] or 0}
                new_schools.append(School(code=code, **values))
        # New schools in batches, each with its history row (one INSERT per batch instead of two per school).
        bulk_create_with_history(new_schools, School, batch_size=500)
        result.created = len(new_schools)
    return result


def _count(result: ImportResult, outcome: str):
    setattr(result, outcome, getattr(result, outcome) + 1)


# --- people -------------------------------------------------------------------------------------------

_AFFILIATIONS = {
    "office": Person.Affiliation.OFFICE,
    "สำนักงานเขต": Person.Affiliation.OFFICE,
    "สพม.": Person.Affiliation.OFFICE,
    "school": Person.Affiliation.SCHOOL,
    "โรงเรียน": Person.Affiliation.SCHOOL,
    "external": Person.Affiliation.EXTERNAL,
    "ภายนอก": Person.Affiliation.EXTERNAL,
    "หน่วยงานภายนอก": Person.Affiliation.EXTERNAL,
}


# Tie kinds a people file may name (lower-cased), Thai or English.
_TIE_KINDS = {
    "director": SchoolTie.Kind.DIRECTOR,
    "ผู้อำนวยการ": SchoolTie.Kind.DIRECTOR,
    "ผู้อำนวยการโรงเรียน": SchoolTie.Kind.DIRECTOR,
    "acting_director": SchoolTie.Kind.ACTING_DIRECTOR,
    "acting director": SchoolTie.Kind.ACTING_DIRECTOR,
    "รักษาการผู้อำนวยการ": SchoolTie.Kind.ACTING_DIRECTOR,
    "รักษาการในตำแหน่งผู้อำนวยการ": SchoolTie.Kind.ACTING_DIRECTOR,
    "deputy": SchoolTie.Kind.DEPUTY,
    "deputy director": SchoolTie.Kind.DEPUTY,
    "รองผู้อำนวยการ": SchoolTie.Kind.DEPUTY,
    "teacher": SchoolTie.Kind.TEACHER,
    "ครู": SchoolTie.Kind.TEACHER,
    "staff": SchoolTie.Kind.STAFF,
    "บุคลากร": SchoolTie.Kind.STAFF,
    "board": SchoolTie.Kind.BOARD,
    "school board": SchoolTie.Kind.BOARD,
    "กรรมการสถานศึกษา": SchoolTie.Kind.BOARD,
}


def _ties(row: dict, schools: dict[str, School], err: "_RowErrors") -> list[tuple[str, School]]:
    """The `ties` cell: 'kind:school_code; kind:school_code'. Each bad item is its own error on the row."""
    out = []
    for item in (row.get("ties") or "").replace("\n", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        kind_text, sep, code = (part.strip() for part in item.rpartition(":"))
        if not sep or not kind_text or not code:
            err.add(
                "ties",
                "tie_malformed",
                f"ความเกี่ยวข้อง {item!r} ต้องเขียนเป็น ประเภท:รหัสโรงเรียน เช่น ครู:1034000002",
                f"tie {item!r} must be kind:school_code, e.g. teacher:1034000002",
            )
            continue
        kind = _TIE_KINDS.get(kind_text.lower())
        if kind is None:
            err.add(
                "ties",
                "tie_kind_unknown",
                f"ไม่รู้จักความเกี่ยวข้อง {kind_text!r} (ผู้อำนวยการ รักษาการผู้อำนวยการ รองผู้อำนวยการ ครู บุคลากร กรรมการสถานศึกษา)",
                f"unknown tie {kind_text!r} (director, acting_director, deputy, teacher, staff, board)",
            )
        school = schools.get(code)
        if school is None:
            err.add(
                "ties",
                "tie_school_unknown",
                f"ไม่มีโรงเรียนรหัส {code} ในสำนักงานเขตนี้ (ความเกี่ยวข้อง {item!r})",
                f"no school with code {code} in this office (tie {item!r})",
            )
        if kind is not None and school is not None and (kind, school) not in out:
            out.append((kind, school))
    return out


def import_people(path, *, office: AreaOffice) -> ImportResult:
    """Check every row of a people file; if all are good, upsert them by e-mail in one transaction."""
    table, errors = read_table(path, PEOPLE_COLUMNS)
    if table is None:
        return ImportResult(errors=errors)
    schools = {s.code: s for s in School.objects.filter(office=office)}
    existing = {p.email.lower(): p for p in Person.objects.filter(office=office).exclude(email="")}
    first_line_of: dict[str, int] = {}
    director_line_of: dict[str, int] = {}
    planned: list[tuple[str, dict, School | None, list[str], list[tuple[str, School]]]] = []

    for line, row in table.rows:
        err = _RowErrors(table, line, errors)
        email = _required(row, "email", err, "อีเมล").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                err.add("email", "email_invalid", f"อีเมล {email!r} ไม่ถูกต้อง", f"{email!r} is not an e-mail address")
                email = ""
        if email:
            if email in first_line_of:
                err.add(
                    "email",
                    "email_duplicate",
                    f"อีเมล {email} ซ้ำกับบรรทัด {first_line_of[email]}",
                    f"e-mail {email} already appears on line {first_line_of[email]}",
                )
            first_line_of.setdefault(email, line)
        first = _required(row, "first_name", err, "ชื่อ")
        last = _required(row, "last_name", err, "นามสกุล")

        school = None
        if row.get("school_code"):
            school = schools.get(row["school_code"])
            if school is None:
                err.add(
                    "school_code",
                    "school_unknown",
                    f"ไม่มีโรงเรียนรหัส {row['school_code']} ใน {office}",
                    f"no school with code {row['school_code']} in office {office.code}",
                )
        affiliation = None
        if row.get("affiliation"):
            affiliation = _AFFILIATIONS.get(row["affiliation"].lower())
            if affiliation is None:
                err.add(
                    "affiliation",
                    "affiliation_invalid",
                    f"สังกัดต้องเป็น สำนักงานเขต โรงเรียน หรือ ภายนอก ไม่ใช่ {row['affiliation']!r}",
                    f"affiliation must be office, school or external, not {row['affiliation']!r}",
                )
        elif row.get("school_code"):
            affiliation = Person.Affiliation.SCHOOL
        known = existing.get(email)
        effective = affiliation or (known.affiliation if known else Person.Affiliation.OFFICE)
        if effective == Person.Affiliation.SCHOOL and not row.get("school_code") and not (known and known.school_id):
            err.add(
                "school_code", "required", "บุคลากรสังกัดโรงเรียนต้องระบุรหัสโรงเรียน", "a school's person needs school_code"
            )
        if effective == Person.Affiliation.EXTERNAL and not row.get("agency") and not (known and known.agency):
            err.add("agency", "required", "บุคคลภายนอกต้องระบุหน่วยงาน", "an external person needs an agency")
        is_director = _yes_no(row, "school_director", err)
        roles = _roles(row, err)
        ties = _ties(row, schools, err)
        if is_director:
            if not row.get("school_code"):
                err.add(
                    "school_director",
                    "school_required",
                    "ผู้อำนวยการต้องระบุรหัสโรงเรียน",
                    "a school director needs school_code",
                )
            elif row["school_code"] in director_line_of:
                err.add(
                    "school_director",
                    "director_duplicate",
                    f"โรงเรียนนี้มีผู้อำนวยการแล้วที่บรรทัด {director_line_of[row['school_code']]}",
                    f"this school already has a director on line {director_line_of[row['school_code']]}",
                )
            else:
                director_line_of[row["school_code"]] = line

        if email and first and last:
            planned.append(
                (
                    email,
                    {
                        "prefix": row.get("prefix", ""),
                        "first_name": first,
                        "last_name": last,
                        "position": row.get("position", ""),
                        "affiliation": affiliation,
                        "school": school,
                        "agency": row.get("agency", ""),
                        "phone": row.get("phone", ""),
                        "line_user_id": row.get("line_user_id", ""),
                    },
                    school if is_director else None,
                    roles,
                    ties,
                )
            )

    result = ImportResult(errors=errors)
    if errors:
        return result
    with transaction.atomic():
        from accounts.invitations import account_for  # accounts builds on supervision, not the reverse

        for email, values, directs, roles, ties in planned:
            known = existing.get(email)
            if known is None:
                values = {k: v for k, v in values.items() if v is not None}
                person, outcome = Person.objects.create(office=office, email=email, **values), "created"
            else:
                person, outcome = record_upsert(
                    Person, lookup={"pk": known.pk}, values=_only_set(values, True), instance=known
                )
            if directs is not None and directs.director_id != person.id:
                directs.director = person
                directs.save(update_fields=["director"])
                outcome = "updated" if outcome == "unchanged" else outcome
            for kind, school in ties:
                _tie, made = SchoolTie.objects.get_or_create(person=person, school=school, kind=kind)
                if made and outcome == "unchanged":
                    outcome = "updated"
            if roles:
                had = set(person.user.groups.values_list("name", flat=True)) if person.user_id else set()
                account_for(person, roles)  # the login (no password until the invitation), with these roles
                if not set(roles) <= had and outcome == "unchanged":
                    outcome = "updated"
            _count(result, outcome)
    return result
