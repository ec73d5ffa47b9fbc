"""Exports of a round or an academic year: XLSX (one workbook) and CSV (one file per sheet), streamed.

Sheets: schools and their visits; answers (one sheet per instrument version: one row per visit, one column
per item); follow-ups; the schedule; failed notifications. Every sheet is a generator of rows read in
chunks through `dashboard.selectors`, so memory stays flat whatever the size: the XLSX is written by
XlsxWriter (constant memory) to a temporary file and streamed from it, the CSV goes out row by row
(StreamingHttpResponse). Dates are real dates (Excel date cells; ISO 8601 in CSV), Thai text as typed.
A file is in Thai whoever asks and whatever its size — sheet names, headings, statuses, yes/no — like the PDF
reports: the worker builds the large ones with no reader's language, and a small one built in an English
request must not differ from it (the choice labels are read through the catalogues, so the rows are made
with Thai active).
The web page and the API call the same functions with the same access rule.

An export of more than `EXPORT_INLINE_MAX_VISITS` visits is not built inside the web request (gunicorn kills
a worker silent for 30 s, and a workbook is a zip whose directory is written last, so no byte of it can go
out before the whole is built): it becomes an `ExportJob` that the Celery worker builds into storage, and
the requester's page says "being prepared" until it turns into the download by itself.
"""

from __future__ import annotations

import csv
import datetime
import json
import logging
import re
import tempfile
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import CharField, TextField
from django.db.models.functions import Cast
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation

from dashboard import selectors
from dashboard.models import ExportJob
from schedules.models import Assignment, Round
from schedules.selectors import round_target_schools
from supervision.models import School
from visits.models import Answer, FollowUp, InstrumentVersion, Item, Visit
from visits.results import group_of

log = logging.getLogger(__name__)
CHUNK = 2000
SHEETS = (
    ("schools", "โรงเรียนและการตรวจเยี่ยม"),
    ("answers", "คำตอบ"),
    ("followups", "การติดตามผล"),
    ("schedule", "กำหนดการ"),
    ("notifications", "การแจ้งเตือนที่ส่งไม่สำเร็จ"),
)
SHEET_KEYS = {key for key, _ in SHEETS}
GROUP_LABELS = {"approved": "อนุมัติแล้ว", "pending": "รออนุมัติ", "in_progress": "ยังไม่ส่ง", "not_visited": "ยังไม่ตรวจเยี่ยม"}


class ExportScopeError(ValueError):
    """The query names no round or year the user may export."""


@dataclass(frozen=True)
class Scope:
    user: object
    name: str  # for the file name
    title: str
    round_ids: tuple[int, ...]
    full_access: bool

    def rounds(self):
        return Round.objects.filter(pk__in=self.round_ids)

    def visits(self):
        return selectors.dashboard_visits(self.user).filter(round_id__in=self.round_ids)


def scope_from_query(user, query) -> Scope:
    """`round=<slug>` or `year=<BE year>` (optionally `office=<code>`), narrowed to what the user may read."""
    if not selectors.can_read_dashboard(user):
        raise ExportScopeError("ไม่มีสิทธิ์ส่งออกข้อมูล / you may not export")
    rounds = selectors.dashboard_rounds(user)
    slug, year, office = (query.get("round") or "").strip(), (query.get("year") or "").strip(), query.get("office")
    if office:
        rounds = rounds.filter(office__code=office)
    if slug:
        rnd = rounds.filter(slug=slug).first()
        if rnd is None:
            raise ExportScopeError(f"ไม่พบรอบ {slug} / no round {slug}")
        return Scope(user, slug, rnd.title, (rnd.pk,), selectors.full_access(user))
    if year.isdigit():
        ids = tuple(rounds.filter(academic_year=int(year)).values_list("pk", flat=True))
        if not ids:
            raise ExportScopeError(f"ไม่พบรอบในปีการศึกษา {year} / no rounds in academic year {year}")
        return Scope(user, f"year-{year}", f"ปีการศึกษา {year}", ids, selectors.full_access(user))
    raise ExportScopeError("ระบุ round หรือ year / give round=<slug> or year=<BE year>")


def built_in_request(scope: Scope) -> bool:
    """Small enough to build while the person waits (seconds); larger ones go to the worker."""
    return scope.visits().count() <= settings.EXPORT_INLINE_MAX_VISITS


# Times go out as Asia/Bangkok wall-clock values (Excel cells carry no zone). `astimezone` with the zone
# object directly: `timezone.localtime` re-checks its arguments on every one of ~100,000 calls.
_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local(dt: datetime.datetime | None):
    return dt.astimezone(_ZONE).replace(tzinfo=None) if dt else None


def _local_date(dt: datetime.datetime | None):
    return dt.astimezone(_ZONE).date() if dt else None


# --- sheets -----------------------------------------------------------------------------------------
def schools_rows(scope: Scope) -> Iterator[list]:
    yield [
        "รอบ",
        "รหัสโรงเรียน",
        "โรงเรียน",
        "สหวิทยาเขต",
        "อำเภอ",
        "จังหวัด",
        "สถานะ",
        "ผล",
        "วันที่ตรวจเยี่ยม",
        "คะแนนรวม (ร้อยละ)",
        "ส่งเมื่อ",
        "อนุมัติเมื่อ",
        "รหัสการตรวจเยี่ยม",
    ]
    status_labels = {k: str(v).split(" (")[0] for k, v in Visit.Status.choices}
    titles = dict(scope.rounds().values_list("pk", "title"))
    visited: set[tuple[int, int]] = set()
    visits = (
        scope.visits()
        .order_by("round_id", "school__code", "created_at")
        .values_list(
            "pk",
            "round_id",
            "school_id",
            "school__code",
            "school__name_th",
            "school__consortium__name",
            "school__district__name_th",
            "school__district__province__name_th",
            "status",
            "check_in_at",
            "created_at",
            "score",
            "submitted_at",
            "approved_at",
        )
    )
    for (
        pk,
        rid,
        sid,
        code,
        name,
        cons,
        district,
        province,
        status,
        check_in,
        created,
        score,
        sub,
        appr,
    ) in visits.iterator(chunk_size=CHUNK):
        visited.add((rid, sid))
        group = group_of(status)
        yield [
            titles[rid],
            code,
            name,
            cons or "",
            district,
            province,
            status_labels[status],
            GROUP_LABELS[group],
            _local_date(check_in or created),
            score if group in ("approved", "pending") else None,
            _local(sub),
            _local(appr),
            str(pk),
        ]
    for rnd in scope.rounds().order_by("start_date"):
        targets = set(round_target_schools(rnd).values_list("pk", flat=True))
        targets.update(Assignment.objects.filter(round=rnd).active().values_list("school_id", flat=True))
        missing = sorted(sid for sid in targets if (rnd.pk, sid) not in visited)
        planned = dict(
            Assignment.objects.filter(round=rnd, school_id__in=missing)
            .active()
            .order_by("-date")
            .values_list("school_id", "date")
        )
        for start in range(0, len(missing), CHUNK):
            for s in (
                School.objects.filter(pk__in=missing[start : start + CHUNK])
                .select_related("consortium", "district__province")
                .order_by("code")
            ):
                yield [
                    rnd.title,
                    s.code,
                    s.name_th,
                    s.consortium.name if s.consortium_id else "",
                    s.district.name_th,
                    s.district.province.name_th,
                    GROUP_LABELS["not_visited"],
                    GROUP_LABELS["not_visited"],
                    planned.get(s.pk),
                    None,
                    None,
                    None,
                    "",
                ]


def answer_versions(scope: Scope) -> list[InstrumentVersion]:
    ids = scope.visits().order_by().values_list("instrument_version_id", flat=True).distinct()
    return list(
        InstrumentVersion.objects.filter(pk__in=ids).select_related("instrument").order_by("instrument__code", "number")
    )


def _answer_writer(item: Item):
    """A function turning one stored (non-null) answer of `item` into its cell: yes/no and choices as their
    Thai labels, ratings and numbers as numbers, text as typed."""
    if item.type == "yes_no":
        return lambda value: "ใช่" if value is True else "ไม่ใช่" if value is False else str(value)
    if item.type in ("single_choice", "multi_choice"):
        labels = {o.get("value"): o.get("label", o.get("value")) for o in item.options or []}

        def choice(value):
            if isinstance(value, list):
                return ", ".join(str(labels.get(v, v)) for v in value)
            return str(labels.get(value, value))

        return choice
    if item.type in ("rating", "number"):
        return lambda value: value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    return lambda value: value if isinstance(value, str) else str(value)


def answers_rows(scope: Scope, version: InstrumentVersion) -> Iterator[list]:
    """One row per visit filled with `version`, one column per item (its code and text in the header)."""
    items = list(version.items.order_by("section__order", "order", "id"))
    yield [
        "รหัสการตรวจเยี่ยม",
        "รอบ",
        "รหัสโรงเรียน",
        "โรงเรียน",
        "สถานะ",
        "วันที่ตรวจเยี่ยม",
        "คะแนนรวม (ร้อยละ)",
        *(f"{i.code} {i.text}" for i in items),
    ]
    # item id -> (column, how its stored value is written): decided once per item, not once per answer.
    cells_of = {item.pk: (n, _answer_writer(item)) for n, item in enumerate(items)}
    status_labels = {k: str(v).split(" (")[0] for k, v in Visit.Status.choices}
    titles = dict(scope.rounds().values_list("pk", "title"))
    # Visits and their answers are matched on the visit id as the database spells it as text, and answers
    # are read as their JSON text and decoded here, once per distinct short value: at the national size
    # (600,000 answers) Django's per-row UUID and JSON conversions cost more than writing the cells.
    visit_key = Cast("pk", output_field=CharField())
    visits = (
        scope.visits()
        .filter(instrument_version=version)
        .order_by("round_id", "school__code", "pk")
        .values_list(
            visit_key,
            "pk",
            "round_id",
            "school__code",
            "school__name_th",
            "status",
            "check_in_at",
            "created_at",
            "score",
        )
    )
    chunk: list = []
    decoded: dict[str, object] = {}

    def value_of(text: str):
        found = decoded.get(text, decoded)
        if found is decoded:
            found = json.loads(text)
            if len(text) <= 32:  # ratings, yes/no, choices repeat; long texts are unique, not kept
                decoded[text] = found
        return found

    def flush(chunk):
        answers: dict = {}
        for key, item_id, text in (
            Answer.objects.filter(visit_id__in=[c[1] for c in chunk])
            .order_by()
            .values_list(Cast("visit_id", output_field=CharField()), "item_id", Cast("value", output_field=TextField()))
        ):
            if text is not None:
                answers.setdefault(key, {})[item_id] = text
        for key, pk, rid, code, name, status, check_in, created, score in chunk:
            cells = [None] * len(items)
            for item_id, text in answers.get(key, {}).items():
                found = cells_of.get(item_id)
                if found is not None:
                    value = value_of(text)
                    if value is not None:
                        cells[found[0]] = found[1](value)
            yield [
                str(pk),
                titles[rid],
                code,
                name,
                status_labels[status],
                _local_date(check_in or created),
                score,
                *cells,
            ]

    for row in visits.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def followups_rows(scope: Scope) -> Iterator[list]:
    yield ["รอบ", "รหัสโรงเรียน", "โรงเรียน", "ข้อเสนอแนะ", "สถานะ", "กำหนดเสร็จ", "ผู้รับผิดชอบ", "เสร็จเมื่อ", "ตรวจสอบเมื่อ"]
    labels = {k: str(v).split(" (")[0] for k, v in FollowUp.Status.choices}
    qs = (
        selectors.dashboard_followups(scope.user)
        .filter(source_visit__round_id__in=scope.round_ids)
        .order_by("school__code", "due_date", "id")
        .values_list(
            "source_visit__round__title",
            "school__code",
            "school__name_th",
            "recommendation",
            "status",
            "due_date",
            "owner__prefix",
            "owner__first_name",
            "owner__last_name",
            "done_at",
            "verified_at",
        )
    )
    for title, code, name, text, status, due, prefix, first, last, done, verified in qs.iterator(chunk_size=CHUNK):
        owner = f"{prefix or ''}{first or ''} {last or ''}".strip()
        yield [title, code, name, text, labels[status], due, owner, _local(done), _local(verified)]


def schedule_rows(scope: Scope) -> Iterator[list]:
    yield ["รอบ", "วันที่", "ช่วงเวลา", "คณะกรรมการ", "ลำดับในวัน", "รหัสโรงเรียน", "โรงเรียน", "สถานะ", "เหตุผล"]
    labels = {k: str(v).split(" (")[0] for k, v in Assignment.Status.choices}
    qs = (
        Assignment.objects.filter(round_id__in=scope.round_ids)
        .order_by("round_id", "date", "session__order", "committee__number", "day_order", "id")
        .values_list(
            "round__title",
            "date",
            "session__name",
            "committee__number",
            "committee__name",
            "day_order",
            "school__code",
            "school__name_th",
            "status",
            "status_reason",
        )
    )
    for title, date, session, number, committee, order, code, name, status, reason in qs.iterator(chunk_size=CHUNK):
        yield [
            title,
            date,
            session,
            f"คณะที่ {number}" if number else committee,
            order,
            code,
            name,
            labels[status],
            reason,
        ]


def notifications_rows(scope: Scope) -> Iterator[list]:
    """Failed notifications about the scope's rounds, assignments, visits and follow-ups (office-wide roles)."""
    yield ["เหตุการณ์", "ผู้รับ", "ช่องทาง", "หัวข้อ", "กำหนดแจ้ง", "จำนวนครั้งที่ส่ง", "ข้อผิดพลาดล่าสุด"]
    if not scope.full_access:
        return
    from worker.models import Notification

    offices = set(scope.rounds().values_list("office_id", flat=True))
    failed = (
        Notification.objects.filter(status=Notification.Status.FAILED, recipient__office_id__in=offices)
        .select_related("recipient")
        .order_by("due_at", "id")
    )
    keys = {"round": {str(i) for i in scope.round_ids}}
    lazy = {
        "assignment": lambda: Assignment.objects.filter(round_id__in=scope.round_ids).values_list("pk", flat=True),
        "visit": lambda: scope.visits().values_list("pk", flat=True),
        "followup": lambda: FollowUp.objects.filter(source_visit__round_id__in=scope.round_ids).values_list(
            "pk", flat=True
        ),
    }
    events = {k: str(v).split(" (")[0] for k, v in Notification._meta.get_field("event").choices}
    for n in failed.iterator(chunk_size=CHUNK):
        if n.object_type not in keys:
            if n.object_type not in lazy:
                continue
            keys[n.object_type] = {str(i) for i in lazy[n.object_type]()}
        if n.object_id not in keys[n.object_type]:
            continue
        yield [
            events.get(n.event, n.event),
            n.recipient.full_name,
            n.channel,
            n.title,
            _local(n.due_at),
            n.attempts,
            n.last_error,
        ]


def sheets(scope: Scope) -> Iterator[tuple[str, Iterator[list]]]:
    """(sheet title, rows) in workbook order; answers make one sheet per instrument version."""
    titles = dict(SHEETS)
    yield titles["schools"], schools_rows(scope)
    for version in answer_versions(scope):
        yield f"คำตอบ {version.instrument.code} ฉ.{version.number}", answers_rows(scope, version)
    yield titles["followups"], followups_rows(scope)
    yield titles["schedule"], schedule_rows(scope)
    yield titles["notifications"], notifications_rows(scope)


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", title)[:31]
    name, n = base, 2
    while name in used:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_xlsx(scope: Scope, fh) -> None:
    """The whole workbook, row by row: XlsxWriter in constant-memory mode flushes each row to its sheet's
    temporary file as the next begins, so no sheet is held in memory; strings are written inline (no shared
    string table to grow). Why XlsxWriter and not openpyxl's write-only workbook: per cell it costs about
    half as much (no cell object per value), which at the national size is the difference between within and
    past the target. Each value goes through the writer of its type, so a text is always text (never read as
    a formula, number or link) and a date or time is a real Excel date with its format."""
    with translation.override("th"):
        _write_xlsx(scope, fh)


def _write_xlsx(scope: Scope, fh) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(fh, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    used: set[str] = set()
    date, moment = datetime.date, datetime.datetime
    for title, rows in sheets(scope):
        ws = workbook.add_worksheet(_sheet_title(title, used))
        for column, text in enumerate(next(rows)):
            ws.write_string(0, column, text, bold)
        ws.freeze_panes(1, 0)
        text, number, when, flag = ws.write_string, ws.write_number, ws.write_datetime, ws.write_boolean
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if value:
                        text(r, c, value)
                elif value is None:
                    continue
                elif kind is int or kind is float:
                    number(r, c, value)
                elif kind is moment:
                    when(r, c, value, time_format)
                elif kind is date:
                    when(r, c, value, date_format)
                elif kind is bool:
                    flag(r, c, value)
                else:
                    text(r, c, str(value))
    workbook.close()


def xlsx_response(scope: Scope) -> FileResponse:
    fh = tempfile.TemporaryFile()
    write_xlsx(scope, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"nithet-{scope.name}.xlsx", content_type=XLSX_TYPE)


class _Echo:
    def write(self, value):
        return value


def _csv_value(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def csv_lines(rows: Iterator[list]) -> Iterator[str]:
    """UTF-8 with a byte-order mark first, so Excel opens the Thai text correctly. The rows are made with Thai
    active (the module's docstring says why)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    with translation.override("th"):
        for row in rows:
            yield writer.writerow([_csv_value(v) for v in row])


def sheet_rows(scope: Scope, sheet: str, version_id=None) -> Iterator[list]:
    if sheet == "answers":
        versions = answer_versions(scope)
        if version_id:
            versions = [v for v in versions if str(v.pk) == str(version_id)]
        if not versions:
            raise ExportScopeError("ไม่พบฉบับของแบบนิเทศ / no instrument version with answers in this scope")
        # One CSV is one table: the first version unless `version` names another.
        return answers_rows(scope, versions[0])
    return {
        "schools": schools_rows,
        "followups": followups_rows,
        "schedule": schedule_rows,
        "notifications": notifications_rows,
    }[sheet](scope)


def csv_response(scope: Scope, sheet: str, version_id=None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(sheet_rows(scope, sheet, version_id)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="nithet-{scope.name}-{sheet}.csv"'
    return response


# --- large exports: built by the worker -------------------------------------------------------------
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUEUE_DOWN = "queue_down"
OVERDUE = "overdue"  # still queued at EXPORT_JOB_DEADLINE_MINUTES: its queue message is taken as lost


def job_start(user, query, output: str, sheet: str = "", version: str = "") -> ExportJob:
    """Record the request (its scope checked now with the user's access rule) and queue its build."""
    from dashboard.tasks import build_export

    scope = scope_from_query(user, query)
    _forget_old_jobs(user)
    filename = f"nithet-{scope.name}.xlsx" if output == "xlsx" else f"nithet-{scope.name}-{sheet}.csv"
    job = ExportJob.objects.create(
        requested_by=user,
        query={k: str(query.get(k)) for k in ("round", "year", "office") if query.get(k)},
        output=output,
        sheet=sheet if output == "csv" else "",
        version=str(version or "") if output == "csv" else "",
        filename=filename,
    )
    try:
        build_export.delay_on_commit(str(job.pk))
    except Exception:  # the broker (Redis) is down: the job's page says so, never a 500
        log.warning("export %s: the broker is unavailable", job.pk, exc_info=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=QUEUE_DOWN, finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def _forget_old_jobs(user) -> None:
    cutoff = timezone.now() - datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    for job in ExportJob.objects.filter(requested_by=user, created_at__lt=cutoff):
        if job.path:
            default_storage.delete(job.path)
        job.delete()


def job_build(job_id: str) -> str | None:
    """Build a queued job's file into storage (what the Celery task runs); returns its storage path.
    The scope is read again from the job's query with the requester's access rule as it is now."""
    job = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).select_related("requested_by").first()
    if job is None:
        return None  # built already, failed, or forgotten
    try:
        scope = scope_from_query(job.requested_by, job.query)
        with tempfile.TemporaryFile() as fh:
            if job.output == "xlsx":
                write_xlsx(scope, fh)
            else:
                for line in csv_lines(sheet_rows(scope, job.sheet, job.version or None)):
                    fh.write(line.encode("utf-8"))
            fh.seek(0)
            path = default_storage.save(f"exports/{job.pk}/{job.filename}", File(fh))
    except Exception as exc:
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return None
    ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.READY, path=path, finished_at=timezone.now()
    )
    return path


def job_for(user, job_id) -> ExportJob | None:
    """The requester's own job, while they may still read the dashboard; None for anyone else. A job still
    queued past EXPORT_JOB_DEADLINE_MINUTES is failed now (one conditional UPDATE, so a build finishing at
    the same moment wins): it never stays "being prepared" for ever."""
    if not selectors.can_read_dashboard(user):
        return None
    job = ExportJob.objects.filter(pk=job_id, requested_by=user).first()
    if job is not None and job.status == ExportJob.Status.QUEUED:
        deadline = timezone.now() - datetime.timedelta(minutes=settings.EXPORT_JOB_DEADLINE_MINUTES)
        if ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED, created_at__lt=deadline).update(
            status=ExportJob.Status.FAILED, error=OVERDUE, finished_at=timezone.now()
        ):
            log.warning("export %s: not built within %s minutes", job.pk, settings.EXPORT_JOB_DEADLINE_MINUTES)
        job.refresh_from_db()
    return job


def job_request_url(job: ExportJob) -> str:
    """The dashboard download the job was made from: following it asks for the same export again."""
    from urllib.parse import urlencode

    from django.urls import reverse

    query = dict(job.query)
    if job.output == "csv":
        if job.version:
            query["version"] = job.version
        path = reverse("dashboard:export_csv", args=[job.sheet])
    else:
        path = reverse("dashboard:export_xlsx")
    return f"{path}?{urlencode(query)}"


def job_file_response(job: ExportJob) -> FileResponse:
    content_type = XLSX_TYPE if job.output == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(
        default_storage.open(job.path, "rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )
