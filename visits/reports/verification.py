"""Verification codes of issued PDFs: recorded when a report is built, checked by the public page.

A code is the first 8 hex digits of the report's content hash (the hash of everything it shows, with the
code and address themselves left out), so the same content always carries the same code. Building the
PDF records it (`issue`) with what the document said: kind, school, date, status and the full hash. The
page at ``{SITE_URL}/verify/<code>/`` (`check`) confirms those without sign-in and says when the record
has changed since (its content hash now differs) or when the code is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_LABELS = {"visit": "รายงานผลการนิเทศ", "round": "รายงานสรุปผลการนิเทศ", "exam": "รายงานการตรวจเยี่ยมสนามสอบ"}


def code_for(digest: str) -> str:
    return f"{digest[:4]}-{digest[4:8]}".upper()


def normalise(code: str) -> str:
    """What a person types from a printout: any case, with or without the dash, spaces around."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}" if len(raw) == 8 else raw


def verify_url(code: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/verify/{code}/"


def issue(kind: str, data) -> None:
    """Record a built report's code (once per content; a second build of the same content is the same
    document)."""
    from visits.models import IssuedDocument
    from visits.reports.service import verification_hash

    if kind != "visit" or not getattr(data, "verify_code", ""):
        return
    from supervision.models import School

    school = School.objects.filter(code=data.school_code).select_related("office").first() if data.school_code else None
    IssuedDocument.objects.get_or_create(
        code=data.verify_code,
        defaults={
            "kind": kind,
            "object_key": data.visit_id,
            "content_hash": verification_hash(data),
            "title": f"{KIND_LABELS[kind]} {data.school}",
            "school_name": data.school,
            "document_date": data.visit_date,
            "status": data.status,
            "office": school.office if school else None,
        },
    )


@dataclass(frozen=True)
class Check:
    code: str
    document: object | None  # IssuedDocument
    current_hash: str | None  # the record's content hash now; None when it no longer exists

    @property
    def known(self) -> bool:
        return self.document is not None

    @property
    def unchanged(self) -> bool:
        return self.known and self.current_hash == self.document.content_hash


def check(code: str) -> Check:
    from visits.models import IssuedDocument
    from visits.reports.service import ReportNotFound, report_data, verification_hash

    code = normalise(code)
    document = IssuedDocument.objects.filter(code=code).first()
    if document is None:
        return Check(code, None, None)
    try:
        current = verification_hash(report_data(document.kind, document.object_key))
    except ReportNotFound:
        current = None
    return Check(code, document, current)
