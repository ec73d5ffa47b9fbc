"""Typed errors of the visits domain. Each carries a code and a Thai + English message; the API maps the
class to an HTTP status (`http_status` is the suggested one) and never needs to parse text.
"""


class VisitError(Exception):
    """Base: `code`, `message_th`, `message_en`, optional `fields` {field: [message, ...]}."""

    code = "visit_error"
    http_status = 400

    def __init__(self, message_th: str = "", message_en: str = "", *, code: str | None = None,
                 fields: dict | None = None, **extra):
        self.message_th = message_th or getattr(self, "default_th", "")
        self.message_en = message_en or getattr(self, "default_en", "")
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.message_th} / {self.message_en}" if self.message_en else self.message_th

    def as_dict(self) -> dict:
        data = {"code": self.code, "message_th": self.message_th, "message_en": self.message_en,
                "detail": self.message}
        if self.fields:
            data["fields"] = self.fields
        data.update(self.extra)
        return data


class InvalidInput(VisitError):
    """Bad data from a client: `fields` says which and why (HTTP 400)."""

    code = "invalid"
    default_th = "ข้อมูลไม่ถูกต้อง"
    default_en = "invalid data"


class NotFound(VisitError):
    code = "not_found"
    http_status = 404
    default_th = "ไม่พบข้อมูล"
    default_en = "not found"


class Forbidden(VisitError):
    """The user sees the record but may not do this to it (HTTP 403)."""

    code = "forbidden"
    http_status = 403
    default_th = "ไม่มีสิทธิ์ทำรายการนี้"
    default_en = "you may not do this"


class InvalidTransition(VisitError):
    """An illegal workflow move, or a legal move by the wrong person (HTTP 409)."""

    code = "invalid_transition"
    http_status = 409


class VisitLocked(VisitError):
    """A submitted/approved/acknowledged visit is changed only through the workflow (HTTP 409)."""

    code = "visit_locked"
    http_status = 409
    default_th = "การตรวจเยี่ยมนี้ส่งแล้ว แก้ไขได้เฉพาะผ่านขั้นตอนการตรวจ"
    default_en = "this visit was submitted; it can only change through the review workflow"


class StaleVersion(VisitError):
    """The client wrote on top of an older copy (HTTP 412); `current_version` tells which is current."""

    code = "stale_version"
    http_status = 412
    default_th = "ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว กรุณาโหลดใหม่"
    default_en = "the visit was changed elsewhere; reload and try again"


class Conflict(VisitError):
    """A unique rule would be broken, e.g. a second visit for the same assignment (HTTP 409)."""

    code = "conflict"
    http_status = 409


class EvidenceError(VisitError):
    code = "evidence_invalid"


class EvidenceTooLarge(EvidenceError):
    code = "evidence_too_large"
    http_status = 413


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
        out = []
        for r in self.rows:
            where = f"แถว {r['row']} / row {r['row']}" if r.get("row") else "ไฟล์ / file"
            col = f", คอลัมน์ {r['column']}" if r.get("column") else ""
            out.append(f"{where}{col}: {r['message_th']} / {r['message_en']}")
        return out
