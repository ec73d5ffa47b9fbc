"""Instruments in and out of spreadsheets, and the version lifecycle (draft → published → retired).

Sheet format (XLSX first sheet, or CSV in UTF-8 / Windows-874), one header row, then one row per item:

| column (header: English key or Thai name) | meaning                                                        |
|-------------------------------------------|----------------------------------------------------------------|
| section / ด้าน                            | the section title; rows of a section stay together, in order  |
| section_weight / น้ำหนักด้าน (optional)     | the section's weight in the overall score (default 1)          |
| code / รหัสข้อ                             | unique item code, e.g. 1.1                                     |
| type / ชนิด                                | rating, yes_no, number, short_text, long_text, single_choice,  |
|                                           | multi_choice (or the Thai names: ระดับคุณภาพ, มี/ไม่มี, ตัวเลข, ... ) |
| text / ข้อคำถาม                            | the question                                                   |
| levels / ระดับหรือตัวเลือก                    | rating: the level descriptors from 1 up, separated by `|`,    |
|                                           | 4 or 5 of them; choices: options separated by `|`, each        |
|                                           | `label`, `value=label` or `value=label=score` (score 0–100)    |
| required / ต้องตอบ (optional)               | yes/no (ใช่/ไม่) — default yes                                    |
| photo_required / ต้องมีภาพ (optional)         | yes/no — default no                                            |
| weight / น้ำหนัก (optional)                  | the item's weight within its section (default 1)               |
| help / คำอธิบาย (optional)                   | guidance shown with the question                               |

A bad sheet is rejected as a whole with every problem's row number and column (InstrumentError); nothing is
saved. `export_version()` writes the same format, so an export imports back unchanged.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from supervision.errors import Said
from supervision.spreadsheets import SheetUnreadable, too_many_rows, xlsx_rows
from visits.errors import InstrumentError, InstrumentOfAnotherOffice, InvalidInput
from visits.models import Instrument, InstrumentVersion, Item, PublishedVersionError, Section

# key -> (Thai name, English name, required column?)
COLUMNS = {
    "section": ("ด้าน", "section", True),
    "section_weight": ("น้ำหนักด้าน", "section weight", False),
    "code": ("รหัสข้อ", "code", True),
    "type": ("ชนิด", "type", True),
    "text": ("ข้อคำถาม", "text", True),
    "levels": ("ระดับหรือตัวเลือก", "levels/options", False),
    "required": ("ต้องตอบ", "required", False),
    "photo_required": ("ต้องมีภาพ", "photo required", False),
    "weight": ("น้ำหนัก", "weight", False),
    "help": ("คำอธิบาย", "help", False),
}
TYPE_ALIASES = {
    "rating": "rating",
    "ระดับคุณภาพ": "rating",
    "ระดับ": "rating",
    "yes_no": "yes_no",
    "yes/no": "yes_no",
    "มี/ไม่มี": "yes_no",
    "ใช่/ไม่ใช่": "yes_no",
    "number": "number",
    "ตัวเลข": "number",
    "short_text": "short_text",
    "ข้อความสั้น": "short_text",
    "long_text": "long_text",
    "ข้อความยาว": "long_text",
    "text": "long_text",
    "single_choice": "single_choice",
    "เลือกหนึ่งข้อ": "single_choice",
    "choice": "single_choice",
    "multi_choice": "multi_choice",
    "เลือกหลายข้อ": "multi_choice",
}
YES = {"yes", "y", "true", "1", "ใช่", "ต้อง", "x", "✓"}
NO = {"no", "n", "false", "0", "ไม่", "ไม่ต้อง", ""}
MAX_ROWS = 500
# Longest cell accepted per column (the model's max_length where it has one); a longer one is a row problem.
CELL_LIMITS = {
    "text": Item._meta.get_field("text").max_length,
    "help": Item._meta.get_field("help_text").max_length,
    "levels": 4000,
}
# Rows read from a file at most (blank and formatted rows count): a larger sheet is refused before it is read.
MAX_SHEET_ROWS = 10 * MAX_ROWS


@dataclass
class ItemRow:
    row: int
    code: str
    type: str
    text: str
    levels: list = field(default_factory=list)
    options: list = field(default_factory=list)
    required: bool = True
    photo_required: bool = False
    weight: Decimal = Decimal(1)
    help: str = ""


@dataclass
class SectionRows:
    title: str
    weight: Decimal = Decimal(1)
    items: list[ItemRow] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------------------
def read_table(data: bytes, filename: str = "") -> list[list[str]]:
    """Rows of cells as text, from XLSX (by its zip signature) or CSV (UTF-8, else Windows-874 Thai)."""
    if data[:4] == b"PK\x03\x04":
        try:
            values = xlsx_rows(data, max_rows=MAX_SHEET_ROWS)
        except SheetUnreadable as exc:
            raise InstrumentError([_problem(None, None, exc.message_th, exc.message_en)]) from None
        return [["" if c is None else _cell_text(c) for c in row] for row in values]
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InstrumentError(
            [_problem(None, None, "อ่านไฟล์ไม่ได้ (ต้องเป็น XLSX หรือ CSV)", "cannot read the file (XLSX or CSV expected)")]
        )
    rows = []
    reader = csv.reader(io.StringIO(text))
    try:
        for record in reader:
            if len(rows) > MAX_SHEET_ROWS:
                exc = too_many_rows(MAX_SHEET_ROWS)
                raise InstrumentError([_problem(None, None, exc.message_th, exc.message_en)])
            rows.append(record)
    except csv.Error as exc:  # a cell longer than the csv module takes (128 kB), a stray NUL, …
        raise InstrumentError(
            [_problem(reader.line_num, None, "อ่านแถวนี้ไม่ได้ (เซลล์ยาวเกินไปหรือมีอักขระเสีย)", f"cannot read this row ({exc})")]
        ) from None
    return rows


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _problem(row, column, th, en) -> dict:
    col = None
    if column:
        thai, eng, _ = COLUMNS[column]
        col = f"{thai} ({eng})"
    return {"row": row, "column": col, "message_th": th, "message_en": en}


def _header_key(cell: str) -> str | None:
    text = (cell or "").strip().lower()
    if "(" in text and text.endswith(")"):  # "ด้าน (section)"
        inner = text[text.rindex("(") + 1 : -1].strip()
        text = inner or text
    text = text.replace("-", "_")
    for key, (thai, eng, _) in COLUMNS.items():
        if text in (key, eng.lower(), thai.lower()):
            return key
    return None


def _bool(value: str, default: bool) -> bool | None:
    v = (value or "").strip().lower()
    if not v:
        return default
    if v in YES:
        return True
    if v in NO:
        return False
    return None


def _decimal(value: str, default: Decimal) -> Decimal | None:
    v = (value or "").strip()
    if not v:
        return default
    try:
        d = Decimal(v)
    except InvalidOperation:
        return None
    return d if d.is_finite() and d >= 0 and d < 10000 else None


def parse_rows(rows: list[list[str]]) -> list[SectionRows]:
    """The table → sections and items, or InstrumentError listing every problem (row numbers from 1)."""
    problems: list[dict] = []
    if not rows:
        raise InstrumentError([_problem(None, None, "ไฟล์ว่าง", "the file is empty")])
    header = rows[0]
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _header_key(str(cell))
        if key and key not in index:
            index[key] = i
    for key, (_thai, _eng, needed) in COLUMNS.items():
        if needed and key not in index:
            problems.append(_problem(1, key, "ไม่พบคอลัมน์นี้ในแถวหัวตาราง", "this column is missing from the header row"))
    if problems:
        raise InstrumentError(problems)

    def cell(row, key):
        i = index.get(key)
        return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""

    sections: dict[str, SectionRows] = {}
    seen_codes: dict[str, int] = {}
    data_rows = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(str(c).strip() for c in r)]
    if not data_rows:
        raise InstrumentError([_problem(2, None, "ไม่มีข้อคำถาม", "the sheet has no items")])
    if len(data_rows) > MAX_ROWS:
        raise InstrumentError([_problem(None, None, f"ข้อคำถามเกิน {MAX_ROWS} ข้อ", f"more than {MAX_ROWS} items")])
    last_title = None
    for n, row in data_rows:
        bad = len(problems)
        title = cell(row, "section") or last_title or ""
        if not title:
            problems.append(_problem(n, "section", "ต้องระบุชื่อด้าน", "the section is required"))
        elif len(title) > 300:
            problems.append(_problem(n, "section", "ชื่อด้านยาวเกิน 300 ตัวอักษร", "section title over 300 characters"))
        last_title = title or last_title
        sweight = _decimal(cell(row, "section_weight"), None)
        if cell(row, "section_weight") and sweight is None:
            problems.append(_problem(n, "section_weight", "ต้องเป็นตัวเลขไม่ติดลบ", "must be a non-negative number"))
        code = cell(row, "code")
        if not code:
            problems.append(_problem(n, "code", "ต้องระบุรหัสข้อ", "the item code is required"))
        elif len(code) > 30:
            problems.append(_problem(n, "code", "รหัสข้อยาวเกิน 30 ตัวอักษร", "code over 30 characters"))
        elif code in seen_codes:
            problems.append(
                _problem(
                    n,
                    "code",
                    f"รหัสข้อซ้ำกับแถว {seen_codes[code]}",
                    f"duplicate code, first used on row {seen_codes[code]}",
                )
            )
        else:
            seen_codes[code] = n
        raw_type = cell(row, "type")
        type_ = TYPE_ALIASES.get(raw_type.lower()) if raw_type else None
        if not type_:
            problems.append(
                _problem(
                    n,
                    "type",
                    f"ชนิดไม่ถูกต้อง: {raw_type!r}",
                    f"unknown type {raw_type!r}; use one of " + ", ".join(Item.Type.values),
                )
            )
        text = cell(row, "text")
        if not text:
            problems.append(_problem(n, "text", "ต้องระบุข้อคำถาม", "the question text is required"))
        for key, limit in CELL_LIMITS.items():
            if len(cell(row, key) or "") > limit:
                problems.append(
                    _problem(
                        n,
                        key,
                        f"ยาวเกิน {limit:,} ตัวอักษร ({len(cell(row, key)):,})",
                        f"longer than {limit:,} characters ({len(cell(row, key)):,})",
                    )
                )
        required = _bool(cell(row, "required"), True)
        if required is None:
            problems.append(_problem(n, "required", "ต้องเป็น ใช่ หรือ ไม่", "must be yes or no"))
        photo = _bool(cell(row, "photo_required"), False)
        if photo is None:
            problems.append(_problem(n, "photo_required", "ต้องเป็น ใช่ หรือ ไม่", "must be yes or no"))
        weight = _decimal(cell(row, "weight"), Decimal(1))
        if weight is None:
            problems.append(_problem(n, "weight", "ต้องเป็นตัวเลขไม่ติดลบ", "must be a non-negative number"))
        levels, options = [], []
        raw_levels = cell(row, "levels")
        parts = [p.strip() for p in raw_levels.split("|")] if raw_levels else []
        if type_ == "rating":
            if len(parts) not in (4, 5) or not all(parts):
                problems.append(
                    _problem(
                        n,
                        "levels",
                        "ระดับคุณภาพต้องมี 4 หรือ 5 ระดับ คั่นด้วย |",
                        "a rating needs 4 or 5 level descriptors separated by |",
                    )
                )
            else:
                levels = [{"value": i, "label": p} for i, p in enumerate(parts, start=1)]
        elif type_ in ("single_choice", "multi_choice"):
            options, why = _options(parts)
            if why:
                problems.append(_problem(n, "levels", *why))
        elif parts:
            problems.append(
                _problem(
                    n,
                    "levels",
                    "ระบุระดับหรือตัวเลือกได้เฉพาะข้อแบบระดับคุณภาพหรือตัวเลือก",
                    "levels/options only apply to rating and choice items",
                )
            )
        if len(problems) > bad:
            continue
        section = sections.get(title)
        if section is None:
            section = sections[title] = SectionRows(title=title, weight=sweight if sweight is not None else Decimal(1))
        elif sweight is not None and sweight != section.weight:
            problems.append(
                _problem(
                    n,
                    "section_weight",
                    f"น้ำหนักด้านไม่ตรงกับแถวก่อนหน้า ({section.weight})",
                    f"differs from this section's weight on an earlier row ({section.weight})",
                )
            )
            continue
        section.items.append(
            ItemRow(
                row=n,
                code=code,
                type=type_,
                text=text,
                levels=levels,
                options=options,
                required=required,
                photo_required=photo,
                weight=weight,
                help=cell(row, "help"),
            )
        )
    if problems:
        raise InstrumentError(problems)
    return list(sections.values())


def _options(parts: list[str]) -> tuple[list, tuple | None]:
    if len(parts) < 2 or not all(parts):
        return [], ("ตัวเลือกต้องมีอย่างน้อย 2 ข้อ คั่นด้วย |", "a choice needs at least 2 options separated by |")
    options, values = [], set()
    for i, part in enumerate(parts, start=1):
        bits = [b.strip() for b in part.split("=")]
        if len(bits) == 1:
            value, label, score = str(i), bits[0], None
        elif len(bits) == 2:
            value, label, score = bits[0], bits[1], None
        elif len(bits) == 3:
            value, label, score = bits
            try:
                score = float(score)
            except ValueError:
                return [], (
                    f"คะแนนของตัวเลือก {part!r} ต้องเป็นตัวเลข 0–100",
                    f"the score of option {part!r} must be a number 0–100",
                )
            if not 0 <= score <= 100:
                return [], (f"คะแนนของตัวเลือก {part!r} ต้องอยู่ระหว่าง 0–100", f"the score of option {part!r} must be 0–100")
            score = int(score) if score.is_integer() else score
        else:
            return [], (f"ตัวเลือก {part!r} ไม่ถูกรูปแบบ", f"option {part!r} is not value=label=score")
        if not value or not label or value in values:
            return [], (f"ตัวเลือก {part!r} ว่างหรือซ้ำ", f"option {part!r} is empty or repeated")
        values.add(value)
        option = {"value": value, "label": label}
        if score is not None:
            option["score"] = score
        options.append(option)
    return options, None


# --- services ----------------------------------------------------------------------------------------------
@transaction.atomic
def instrument_import(
    *,
    data: bytes,
    name: str,
    code: str | None = None,
    kind: str = Instrument.Kind.SUPERVISION,
    office=None,
    publish: bool = False,
    notes: str = "",
    filename: str = "",
) -> InstrumentVersion:
    """Import a sheet as the next version of the instrument `code` (made if new, owned by `office`). Nothing is
    saved if the sheet has any problem. An existing code gets a new version only when it belongs to the same
    office (`office=None`: a shared instrument): one office never changes another's instrument."""
    from django.utils.text import slugify

    sections = parse_rows(read_table(data, filename))
    if not (name or "").strip():
        raise InvalidInput(fields={"name": [Said("ต้องระบุชื่อแบบนิเทศ", "the instrument name is required")]})
    code = code or slugify(name, allow_unicode=False) or f"instrument-{timezone.now():%Y%m%d%H%M%S}"
    if kind not in Instrument.Kind.values:
        raise InvalidInput(fields={"kind": [Said(f"ไม่รู้จักประเภท {kind}", f"unknown kind {kind}")]})
    instrument, _ = Instrument.objects.select_for_update().get_or_create(
        code=code, defaults={"name": name.strip(), "kind": kind, "office": office}
    )
    if instrument.office_id != (office.pk if office is not None else None):
        raise InstrumentOfAnotherOffice(
            fields={"code": [f"{InstrumentOfAnotherOffice.default_th} / {InstrumentOfAnotherOffice.default_en}"]},
            objects=[code],
        )
    number = (instrument.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = InstrumentVersion.objects.create(instrument=instrument, number=number, notes=notes)
    build_version(version, sections)
    if publish:
        version = instrument_version_publish(version=version)
    return version


def build_version(version: InstrumentVersion, sections: list[SectionRows]) -> None:
    if version.is_published:
        raise PublishedVersionError()
    for s_order, s in enumerate(sections, start=1):
        section = Section.objects.create(version=version, order=s_order, title=s.title, weight=s.weight)
        Item.objects.bulk_create(
            [
                Item(
                    version=version,
                    section=section,
                    order=i_order,
                    code=it.code,
                    type=it.type,
                    text=it.text,
                    help_text=it.help,
                    levels=it.levels,
                    options=it.options,
                    required=it.required,
                    photo_required=it.photo_required,
                    weight=it.weight,
                )
                for i_order, it in enumerate(s.items, start=1)
            ]
        )


@transaction.atomic
def instrument_version_publish(*, version: InstrumentVersion) -> InstrumentVersion:
    """Freeze a draft. From here on its sections and items cannot change (model guard, DB trigger on
    PostgreSQL); visits and rounds may use it."""
    if not version.items.exists():
        raise InvalidInput(
            fields={"items": [Said("ฉบับที่ไม่มีข้อคำถามเผยแพร่ไม่ได้", "a version without items cannot be published")]}
        )
    claimed = InstrumentVersion.objects.filter(pk=version.pk, status=InstrumentVersion.Status.DRAFT).update(
        status=InstrumentVersion.Status.PUBLISHED, published_at=timezone.now()
    )
    if claimed != 1:
        raise PublishedVersionError()
    version.refresh_from_db()
    return version


@transaction.atomic
def instrument_version_draft_copy(*, version: InstrumentVersion) -> InstrumentVersion:
    """A new draft with the same questions, to edit what a published version cannot."""
    number = (version.instrument.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    draft = InstrumentVersion.objects.create(
        instrument=version.instrument, number=number, notes=f"คัดลอกจากฉบับที่ {version.number}"
    )
    build_version(draft, sections_of(version))
    return draft


def sections_of(version: InstrumentVersion) -> list[SectionRows]:
    out = []
    for section in version.sections.prefetch_related("items").order_by("order", "id"):
        rows = SectionRows(title=section.title, weight=section.weight)
        for it in sorted(section.items.all(), key=lambda i: (i.order, i.id)):
            rows.items.append(
                ItemRow(
                    row=0,
                    code=it.code,
                    type=it.type,
                    text=it.text,
                    levels=it.levels,
                    options=it.options,
                    required=it.required,
                    photo_required=it.photo_required,
                    weight=it.weight,
                    help=it.help_text,
                )
            )
        out.append(rows)
    return out


# --- export ------------------------------------------------------------------------------------------------
def _levels_cell(item: ItemRow) -> str:
    if item.type == "rating":
        return " | ".join(lv["label"] for lv in item.levels)
    if item.type in ("single_choice", "multi_choice"):
        parts = []
        for o in item.options:
            part = f"{o['value']}={o['label']}"
            if o.get("score") is not None:
                part += f"={o['score']}"
            parts.append(part)
        return " | ".join(parts)
    return ""


def _number(d: Decimal) -> str:
    return format(Decimal(d).normalize(), "f")


def export_rows(version: InstrumentVersion) -> list[list[str]]:
    header = [f"{thai} ({key})" for key, (thai, _eng, _) in COLUMNS.items()]
    rows = [header]
    for section in sections_of(version):
        for it in section.items:
            rows.append(
                [
                    section.title,
                    _number(section.weight),
                    it.code,
                    it.type,
                    it.text,
                    _levels_cell(it),
                    "ใช่" if it.required else "ไม่",
                    "ใช่" if it.photo_required else "ไม่",
                    _number(it.weight),
                    it.help,
                ]
            )
    return rows


def export_version(version: InstrumentVersion, fmt: str = "xlsx") -> bytes:
    rows = export_rows(version)
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        return buf.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "items"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
