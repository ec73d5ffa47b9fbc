"""Instrument sheets in and out, and published versions staying as they were."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, InternalError, connection, transaction

from tests import factories as f
from visits.errors import InstrumentError
from visits.instruments import export_version, instrument_import, instrument_version_publish
from visits.models import InstrumentVersion, Item, PublishedVersionError, Section

HEADER = ["ด้าน", "น้ำหนักด้าน", "รหัสข้อ", "ชนิด", "ข้อคำถาม", "ระดับหรือตัวเลือก", "ต้องตอบ", "ต้องมีภาพ", "น้ำหนัก"]
GOOD = [
    HEADER,
    ["การจัดการเรียนการสอน", "2", "1.1", "rating", "ครูจัดการเรียนรู้เชิงรุก", "ปรับปรุง|พอใช้|ดี|ดีมาก", "ใช่", "ไม่", "2"],
    ["", "", "1.2", "มี/ไม่มี", "มีแผนการจัดการเรียนรู้", "", "ใช่", "ใช่", "1"],
    [
        "ระบบดูแลช่วยเหลือนักเรียน",
        "1",
        "2.1",
        "single_choice",
        "การแก้ 0 ร มส มผ",
        "done=ดำเนินการครบ=100|part=บางส่วน=50|none=ยังไม่ดำเนินการ=0",
        "ใช่",
        "",
        "",
    ],
    ["ระบบดูแลช่วยเหลือนักเรียน", "", "2.2", "number", "จำนวนนักเรียนติด 0", "", "ไม่", "", ""],
]


def as_csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_csv_import_builds_sections_items_and_publishes(db):
    version = instrument_import(data=as_csv(GOOD), name="แบบนิเทศทดสอบ", code="test-form", publish=True)
    assert version.is_published and version.number == 1
    sections = list(version.sections.order_by("order"))
    assert [s.title for s in sections] == ["การจัดการเรียนการสอน", "ระบบดูแลช่วยเหลือนักเรียน"]
    assert [float(s.weight) for s in sections] == [2.0, 1.0]
    r = Item.objects.get(version=version, code="1.1")
    assert r.type == "rating" and r.scale == 4 and r.levels[3] == {"value": 4, "label": "ดีมาก"} and r.weight == 2
    y = Item.objects.get(version=version, code="1.2")
    assert y.type == "yes_no" and y.photo_required and y.section == sections[0]
    c = Item.objects.get(version=version, code="2.1")
    assert c.options[1] == {"value": "part", "label": "บางส่วน", "score": 50}
    assert not Item.objects.get(version=version, code="2.2").required
    again = instrument_import(data=as_csv(GOOD), name="แบบนิเทศทดสอบ", code="test-form")
    assert again.number == 2 and not again.is_published


def test_bad_sheet_lists_rows_and_columns_and_saves_nothing(db):
    rows = [
        HEADER,
        ["ด้าน 1", "", "1.1", "rating", "ข้อ", "a|b|c", "ใช่", "", ""],  # 3 levels
        ["ด้าน 1", "", "1.1", "yes_no", "ซ้ำ", "", "", "", ""],  # duplicate code
        ["ด้าน 1", "", "1.3", "colour", "ข้อ", "", "", "", ""],  # unknown type
        ["ด้าน 1", "", "1.4", "number", "", "", "บางที", "", "-1"],  # no text, bad bool, bad weight
    ]
    with pytest.raises(InstrumentError) as info:
        instrument_import(data=as_csv(rows), name="x", code="bad")
    found = {(p["row"], p["column"]) for p in info.value.rows}
    assert (2, "ระดับหรือตัวเลือก (levels/options)") in found
    assert (3, "รหัสข้อ (code)") in found
    assert (4, "ชนิด (type)") in found
    assert {(5, "ข้อคำถาม (text)"), (5, "ต้องตอบ (required)"), (5, "น้ำหนัก (weight)")} <= found
    assert "แถว 3 / row 3, คอลัมน์ รหัสข้อ (code)" in "\n".join(info.value.lines())
    assert not InstrumentVersion.objects.exists() and not Item.objects.exists()


def test_missing_header_column_is_reported_on_row_1(db):
    with pytest.raises(InstrumentError) as info:
        instrument_import(data=as_csv([["ด้าน", "ข้อคำถาม"], ["a", "b"]]), name="x", code="x")
    assert {(p["row"], p["column"]) for p in info.value.rows} == {(1, "รหัสข้อ (code)"), (1, "ชนิด (type)")}


def test_xlsx_export_imports_back_identically(db):
    original = f.InstrumentVersionFactory()
    data = export_version(original, "xlsx")
    assert data[:2] == b"PK"
    copy = instrument_import(data=data, name="สำเนา", code="copy")

    def shape(v):
        return [
            (
                i.section.title,
                float(i.section.weight),
                i.code,
                i.type,
                i.text,
                i.levels,
                i.options,
                i.required,
                i.photo_required,
                float(i.weight),
            )
            for i in v.items.select_related("section")
        ]

    assert shape(copy) == shape(original)
    csv_copy = instrument_import(data=export_version(original, "csv"), name="สำเนา csv", code="copy-csv")
    assert shape(csv_copy) == shape(original)


def test_windows_thai_csv_is_read(db):
    version = instrument_import(data=as_csv(GOOD).decode().encode("cp874"), name="cp874", code="cp874")
    assert version.items.count() == 4


def test_command_imports_and_publishes(db, tmp_path):
    path = tmp_path / "form.csv"
    path.write_bytes(as_csv(GOOD))
    out = io.StringIO()
    call_command("import_instrument", str(path), "--name", "แบบ", "--code", "cmd-form", "--publish", stdout=out)
    assert "cmd-form v1: 4" in out.getvalue()
    assert InstrumentVersion.objects.get(instrument__code="cmd-form").is_published


def test_command_rejects_bad_sheet_with_row_numbers(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(as_csv([HEADER, ["ด้าน", "", "", "rating", "ข้อ", "", "", "", ""]]))
    with pytest.raises(CommandError, match=r"row 2.*รหัสข้อ \(code\)"):
        call_command("import_instrument", str(path), "--name", "แบบ")
    assert not InstrumentVersion.objects.exists()


def test_published_version_is_immutable(db):
    version = f.InstrumentVersionFactory(status="draft")
    instrument_version_publish(version=version)
    item = version.items.first()
    item.text = "แก้ไข"
    with pytest.raises(PublishedVersionError):
        item.save()
    with pytest.raises(PublishedVersionError):
        Section.objects.create(version=version, title="ด้านใหม่")
    with pytest.raises(PublishedVersionError):
        item.delete()
    version.status = InstrumentVersion.Status.DRAFT
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(PublishedVersionError):
        instrument_version_publish(version=InstrumentVersion.objects.get(pk=version.pk))
    assert Item.objects.get(pk=item.pk).text != "แก้ไข"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_raw_changes_to_published_items(db):
    version = f.InstrumentVersionFactory()
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        Item.objects.filter(version=version).update(text="bulk edit")
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        InstrumentVersion.objects.filter(pk=version.pk).update(status="draft")


def test_draft_can_be_edited(db):
    version = f.InstrumentVersionFactory(status="draft")
    item = version.items.first()
    item.text = "แก้ไขได้"
    item.save()
    assert Item.objects.get(pk=item.pk).text == "แก้ไขได้"


def test_export_command_round_trips_through_import_command(db, tmp_path):
    original = f.InstrumentVersionFactory(instrument__code="src")
    out = tmp_path / "src.xlsx"
    call_command("export_instrument", "src", str(out), stdout=io.StringIO())
    call_command("import_instrument", str(out), "--name", "copy", "--code", "dst", stdout=io.StringIO())
    copy = InstrumentVersion.objects.get(instrument__code="dst")
    assert list(copy.items.values_list("code", "type", "weight")) == list(
        original.items.values_list("code", "type", "weight")
    )
    with pytest.raises(CommandError, match="no instrument version"):
        call_command("export_instrument", "nope", str(out))
