"""Typed errors of the visits domain: the shared `DomainError` kinds plus the visit-specific ones. Each
carries a code and a Thai + English message; the API maps the class to an HTTP status (`http_status` is the
suggested one) and never needs to parse text.
"""

from supervision.errors import (  # noqa: F401  (re-exported: the visits domain raises these by these names)
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    Said,
    StaleVersion,
)

# The visits domain's name for the shared type (kept so that `except VisitError` reads as what it catches).
VisitError = DomainError


class VisitLocked(VisitError):
    """A submitted/approved/acknowledged visit is changed only through the workflow (HTTP 409)."""

    code = "visit_locked"
    http_status = 409
    default_th = "การตรวจเยี่ยมนี้ส่งแล้ว แก้ไขได้เฉพาะผ่านขั้นตอนการตรวจ"
    default_en = "this visit was submitted; it can only change through the review workflow"


class EvidenceLocked(VisitLocked):
    """Evidence of a submitted visit (caption, kind, item, hash, a new photo or signature) changes only after the
    visit is returned. Bytes that a listed photo still lacks may arrive, if they match the listed hash."""

    code = "evidence_locked"
    default_th = "การตรวจเยี่ยมนี้ส่งแล้ว หลักฐานและลายมือชื่อเปลี่ยนได้เฉพาะเมื่อถูกส่งกลับให้แก้ไข"
    default_en = "this visit was submitted; its evidence and signatures change only after it is returned"


class EvidenceError(VisitError):
    code = "evidence_invalid"


class EvidenceTooLarge(EvidenceError):
    code = "evidence_too_large"
    http_status = 413


class EvidenceTooManyPixels(EvidenceTooLarge):
    code = "evidence_too_many_pixels"


class EvidenceTypeRejected(EvidenceError):
    code = "evidence_type"
    http_status = 415
    default_th = "ชนิดไฟล์ไม่รองรับ (รับ JPEG, PNG, WebP หรือ PDF)"
    default_en = "unsupported file type (JPEG, PNG, WebP or PDF accepted)"


class EvidenceHashMismatch(EvidenceError):
    code = "evidence_hash_mismatch"
    http_status = 400
    default_th = "ค่า SHA-256 ของไฟล์ไม่ตรงกับที่แจ้งไว้"
    default_en = "the file's SHA-256 does not match the declared value"


class InstrumentError(VisitError):
    """A rejected instrument sheet; `rows` lists {row, column, message_th, message_en}."""

    code = "instrument_invalid"

    def __init__(self, rows: list[dict], **kwargs):
        self.rows = rows
        super().__init__("แบบนิเทศมีข้อผิดพลาด", "the instrument sheet has errors", rows=rows, **kwargs)

    def lines(self) -> list[str]:
        """Both languages on each line, for a command's one-line error (a terminal has no language switch)."""
        out = []
        for r in self.rows:
            where = f"แถว {r['row']} / row {r['row']}" if r.get("row") else "ไฟล์ / file"
            col = f", คอลัมน์ {r['column']}" if r.get("column") else ""
            out.append(f"{where}{col}: {r['message_th']} / {r['message_en']}")
        return out

    def said_lines(self) -> list[Said]:
        """One line per problem that reads in the language active when shown (the admin's import page)."""
        out = []
        for r in self.rows:
            row, column = r.get("row"), r.get("column")
            where_th, where_en = (f"แถว {row}", f"row {row}") if row else ("ไฟล์", "file")
            col_th, col_en = (f", คอลัมน์ {column}", f", column {column}") if column else ("", "")
            out.append(Said(f"{where_th}{col_th}: {r['message_th']}", f"{where_en}{col_en}: {r['message_en']}"))
        return out


class InstrumentOfAnotherOffice(VisitError):
    """An import named the code of an instrument owned by another office (or shared by all): its versions are
    that office's to add (HTTP 403)."""

    code = "instrument_of_another_office"
    http_status = 403
    default_th = "รหัสแบบนี้เป็นของสำนักงานเขตอื่นหรือใช้ร่วมกันทุกเขต เพิ่มฉบับใหม่ไม่ได้ ใช้รหัสอื่น"
    default_en = "this instrument code belongs to another office (or is shared by every office); use another code"
