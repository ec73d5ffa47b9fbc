"""Which report, for which record; content-hash caching in the default storage.

A report's file name is the SHA-256 of everything it shows (its frozen data, the builder format and the
ReportLab version): the same content is rendered once, a changed record gets a new file, and nothing
needs invalidating. `report_render` is what the Celery task and the command call; the API only looks
up `cached_report_path` and enqueues the task when it is missing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from datetime import date, datetime

import reportlab
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from supervision.errors import DomainError

log = logging.getLogger(__name__)

# Bump when a builder's layout changes, so cached files of the old layout are not served.
FORMAT_VERSION = "3"
KINDS = ("visit", "round", "exam", "order", "invitation", "minutes", "survey")


class ReportNotFound(LookupError):
    """The record a report was asked for does not exist (or is not a kind that report covers)."""


class ReportBuildFailed(DomainError):
    """The builder failed on this content. Recorded once (a marker beside where the PDF would be, named by the
    same content hash), so polling does not queue the same failing build again; a changed record has a new hash
    and is tried afresh. The office's coordinators are told through the notification ledger."""

    code = "report_failed"
    http_status = 422
    default_th = "สร้างรายงานนี้ไม่ได้ ระบบแจ้งผู้ประสานงานของเขตแล้ว"
    default_en = "this report could not be built; the office's coordinators have been told"


def _feed(h, value) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__name__.encode())
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            _feed(h, getattr(value, f.name))
    elif isinstance(value, tuple | list):
        h.update(b"[%d" % len(value))
        for v in value:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(value, bytes):
        h.update(b"b%d:" % len(value))
        h.update(value)
    elif isinstance(value, datetime | date):
        h.update(value.isoformat().encode())
    else:
        h.update(f"{type(value).__name__}:{value!r}".encode())
    h.update(b";")


def content_hash(data) -> str:
    h = hashlib.sha256(f"nithet-report/{FORMAT_VERSION}/reportlab-{reportlab.Version}/".encode())
    _feed(h, data)
    return h.hexdigest()


def _loaders() -> dict[str, tuple[Callable, Callable, Callable]]:
    """kind → (find the record by key, record → data, data → PDF bytes)."""
    from meetings import reports as meetings_reports
    from visits.reports import builders, data

    return {
        "visit": (_find_visit, data.visit_data, builders.build_visit_report),
        "round": (_find_round, data.round_data, builders.build_round_summary),
        "exam": (_find_exam_round, data.exam_data, builders.build_exam_report),
        "order": (_find_order_target, data.order_data, builders.build_order),
        "invitation": (_find_meeting, meetings_reports.meeting_data, meetings_reports.build_invitation),
        "minutes": (_find_meeting, meetings_reports.meeting_data, meetings_reports.build_minutes),
        "survey": (_find_survey, _survey_data, meetings_reports.build_survey_report),
    }


def _find_visit(key):
    import uuid

    from visits.models import Visit

    try:
        return Visit.objects.get(pk=uuid.UUID(str(key)))
    except (ValueError, Visit.DoesNotExist):
        raise ReportNotFound(f"ไม่พบการตรวจเยี่ยม {key} / no visit {key}") from None


def _find_round(key):
    from schedules.models import Round

    rnd = Round.objects.filter(slug=str(key)).first()
    if rnd is None:
        raise ReportNotFound(f"ไม่พบรอบ {key} / no round {key}")
    return rnd


def _find_exam_round(key):
    rnd = _find_round(key)
    if not rnd.is_exam:
        raise ReportNotFound(f"รอบ {key} ไม่ใช่รอบตรวจเยี่ยมสนามสอบ / round {key} is not an exam-site round")
    return rnd


def _find_order_target(key):
    """`order` takes a committee id (its whole order: every committee sharing its order number) or a
    round slug (the round's set of committees)."""
    if str(key).isdigit():
        return _find_committee(key)
    from schedules.models import Round

    rnd = Round.objects.filter(slug=str(key)).first()
    if rnd is None:
        raise ReportNotFound(f"ไม่พบคณะกรรมการหรือรอบ {key} / no committee or round {key}")
    return rnd


def _find_committee(key):
    from supervision.models import Committee

    try:
        return Committee.objects.get(pk=int(key))
    except (ValueError, Committee.DoesNotExist):
        raise ReportNotFound(f"ไม่พบคณะกรรมการ {key} / no committee {key}") from None


def _find_meeting(key):
    from meetings.models import Meeting

    try:
        return Meeting.objects.select_related("committee", "office", "signer").get(pk=int(key))
    except (ValueError, Meeting.DoesNotExist):
        raise ReportNotFound(f"ไม่พบการประชุม {key} / no meeting {key}") from None


def _find_survey(key):
    """`<form id>`, `<form id>:<round slug>` or `<form id>:<academic year BE>`."""
    from meetings.models import SurveyForm
    from schedules.models import Round

    form_key, _, scope = str(key).partition(":")
    try:
        form = SurveyForm.objects.select_related("office").get(pk=int(form_key))
    except (ValueError, SurveyForm.DoesNotExist):
        raise ReportNotFound(f"ไม่พบแบบสอบถาม {key} / no survey {key}") from None
    if not scope:
        return form, {}
    if scope.isdigit() and len(scope) == 4:
        return form, {"academic_year": int(scope)}
    rnd = Round.objects.filter(slug=scope, office_id=form.office_id).first()
    if rnd is None:
        raise ReportNotFound(f"ไม่พบรอบ {scope} / no round {scope}")
    return form, {"round_id": rnd.pk}


def _survey_data(found):
    from meetings.reports import survey_report_data

    form, scope = found
    return survey_report_data(form, **scope)


def report_kind_for_round(rnd) -> str:
    """A round's report is the exam-site report for exam rounds, the round summary otherwise."""
    return "exam" if rnd.is_exam else "round"


def report_data(kind: str, key):
    if kind not in KINDS:
        raise ReportNotFound(f"unknown report kind {kind!r}; expected one of {', '.join(KINDS)}")
    find, load, _ = _loaders()[kind]
    return load(find(key))


def report_path(kind: str, data) -> str:
    return f"reports/{kind}/{content_hash(data)}.pdf"


def failure_path(path: str) -> str:
    return path.removesuffix(".pdf") + ".failed.json"


def cached_report_path(kind: str, key) -> tuple[str, bool]:
    """(storage path, already built?) for the record's current content; ReportBuildFailed when this very
    content already failed to build."""
    path = report_path(kind, report_data(kind, key))
    if default_storage.exists(path):
        return path, True
    if default_storage.exists(failure_path(path)):
        raise ReportBuildFailed(kind=kind)
    return path, False


def verification_hash(data) -> str:
    """The content hash a verification code is made from: everything the report shows except the code
    and the address that are printed because of it."""
    if dataclasses.is_dataclass(data) and {f.name for f in dataclasses.fields(data)} >= {"verify_code", "verify_url"}:
        data = dataclasses.replace(data, verify_code="", verify_url="")
    return content_hash(data)


def render(kind: str, data) -> bytes:
    """Build the PDF; a report with a verification code is recorded as issued (the public page checks it)."""
    from visits.reports import verification

    pdf = _loaders()[kind][2](data)
    verification.issue(kind, data)
    return pdf


def report_render(kind: str, key) -> tuple[str, bytes]:
    """Build the report for the record as it is now and store it (once) under its content hash."""
    data = report_data(kind, key)
    path = report_path(kind, data)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as fh:
            return path, fh.read()
    if default_storage.exists(failure_path(path)):
        raise ReportBuildFailed(kind=kind)
    try:
        pdf = render(kind, data)
    except Exception as exc:  # a builder bug or content it cannot lay out: record it once, tell the office
        log.exception("report %s %s could not be built", kind, key)
        _record_failure(kind, key, path, exc)
        raise ReportBuildFailed(kind=kind) from exc
    if not default_storage.exists(path):  # another worker may have finished the same file meanwhile
        default_storage.save(path, ContentFile(pdf))
    return path, pdf


def _office_id(kind: str, key) -> int | None:
    record = _loaders()[kind][0](key)
    if kind == "visit":
        return record.school.office_id
    return record.office_id


def _record_failure(kind: str, key, path: str, exc: Exception) -> None:
    """Write the failure marker (first writer wins) and one ledger row per coordinator and channel."""
    import json

    from django.utils import timezone

    marker = failure_path(path)
    if default_storage.exists(marker):
        return
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    default_storage.save(
        marker, ContentFile(json.dumps({"kind": kind, "key": str(key), "at": now.isoformat(), "error": error}))
    )
    from supervision.roles import Role
    from worker.events import people_with_role
    from worker.models import Event
    from worker.notify import Due, schedule_notifications

    office_id = _office_id(kind, key)
    names = {"visit": "รายงานผลการนิเทศ", "round": "สรุปผลการนิเทศรายรอบ", "exam": "รายงานสนามสอบ", "order": "คำสั่งแต่งตั้ง"}
    digest = path.rsplit("/", 1)[-1].removesuffix(".pdf")[:16]
    schedule_notifications(
        Due(
            event=Event.REPORT_FAILED,
            object_type=f"report_{kind}",
            object_id=f"{key}:{digest}",
            recipient_id=person_id,
            due_at=now.replace(microsecond=0),
            send_at=now,
            title=f"สร้าง{names[kind]}ไม่ได้ ({key})",
            body=(
                f"ระบบสร้าง{names[kind]} {key} ไม่ได้ ผู้ขอรายงานจะเห็นข้อความแจ้งว่าสร้างไม่ได้ "
                f"กรุณาแจ้งผู้ดูแลระบบ / the {kind} report {key} could not be built: {error[:300]}"
            ),
        )
        for person_id in people_with_role([office_id], Role.COORDINATOR).get(office_id, [])
    )
