"""Reading the rows of an uploaded XLSX safely: every importer (schools, people, instruments) reads through here.

A spreadsheet is untrusted input. A workbook whose only sheet is a chart sheet, a cell whose stored value does
not match its declared type, or a sheet of a million rows must each end in one clear refusal, never a 500 or
a web worker running past its timeout. Rows are read lazily and the read stops as soon as the limit is passed
(the sheet's declared dimension is checked first, so an honest huge sheet is refused before any row is read).
"""

import io


class SheetUnreadable(Exception):
    """The workbook cannot be imported as a whole; Thai and English say why."""

    def __init__(self, message_th: str, message_en: str):
        self.message_th, self.message_en = message_th, message_en
        super().__init__(f"{message_th} / {message_en}")


def too_many_rows(max_rows: int) -> SheetUnreadable:
    return SheetUnreadable(
        f"ไฟล์มีเกิน {max_rows:,} แถว แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์",
        f"the file has more than {max_rows:,} rows; split it and import the parts one by one",
    )


def xlsx_rows(source, *, max_rows: int) -> list[tuple]:
    """The first worksheet's rows as tuples of cell values (header row included), at most `max_rows` data rows.

    `source` is a path or the file's bytes. Raises SheetUnreadable."""
    from openpyxl import load_workbook

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise SheetUnreadable("อ่านไฟล์ Excel ไม่ได้", f"cannot read the XLSX file ({type(exc).__name__})") from None
    try:
        if not book.worksheets:  # chart sheets are not worksheets
            raise SheetUnreadable(
                "ไฟล์ไม่มีแผ่นงานที่เป็นตาราง (มีแต่แผนภูมิ)", "the workbook has no worksheet with rows (only charts)"
            )
        sheet = book.worksheets[0]
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
        if declared > max_rows + 1:
            raise too_many_rows(max_rows)
        rows = []
        line = 0
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if line > max_rows + 1:
                    raise too_many_rows(max_rows)
                rows.append(values)
        except SheetUnreadable:
            raise
        except Exception as exc:  # a cell whose stored value does not match its type (t="n" holding text, …)
            raise SheetUnreadable(
                f"อ่านเซลล์ในแถว {line + 1} ไม่ได้ (ค่าที่เก็บไม่ตรงกับชนิดของเซลล์) แก้แล้วบันทึกไฟล์ใหม่",
                f"a cell in row {line + 1} cannot be read (its stored value does not match its type); "
                f"fix it and save the file again ({type(exc).__name__})",
            ) from None
        return rows
    finally:
        book.close()
