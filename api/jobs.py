"""One answer for a file the worker builds: a large export (`api/exports.py`) and a PDF report
(`api/reports.py`) say "being prepared", "the job queue is down" and "it failed" the same way, so a client
(the field app, a script) polls both with one piece of code.

- ready: 200, the file itself (the caller's response);
- being prepared: 202, `{"status": "pending", "kind", "url", "detail", "retry_after"}`, headers `Retry-After`
  and `Location` (= `url`);
- the job queue is down: 503, the API's error shape `{"code", "detail", "errors": {}}`, `Retry-After: 60`;
- failed: 500 or 422, the error shape, no `Retry-After`.

`url` is where to ask again: the same address for a report, the job's own address for an export. A report
whose content cannot be built is 422 (`report_failed`: asking again cannot help until the record changes);
an export job that failed or was never built in time is 500 (`export_failed`, `export_overdue`).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from api.exceptions import tr

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_RETRY_AFTER_SECONDS = 60

PENDING_SCHEMA = inline_serializer(
    "JobPendingOut",
    {
        "status": serializers.CharField(help_text="always `pending` while the file is being built"),
        "kind": serializers.CharField(help_text="what is being built: `export`, or the report's kind"),
        "url": serializers.CharField(help_text="where to ask again (also the `Location` header)"),
        "detail": serializers.CharField(),
        "retry_after": serializers.IntegerField(help_text="seconds, as the `Retry-After` header"),
    },
)


# The answers' headers, for the schema (`parameters=` of the endpoint's extend_schema).
HEADERS = [
    OpenApiParameter(
        "Retry-After",
        int,
        OpenApiParameter.HEADER,
        response=[202, 503],
        description=f"seconds before asking again: {RETRY_AFTER_SECONDS} while being built, "
        f"{UNAVAILABLE_RETRY_AFTER_SECONDS} with the job queue down",
    ),
    OpenApiParameter(
        "Location", str, OpenApiParameter.HEADER, response=[202], description="where to ask again (the body's `url`)"
    ),
]


def being_prepared(kind: str, url: str, th: str, en: str) -> Response:
    """202: the worker is building the file; ask `url` again after Retry-After seconds."""
    body = {"status": "pending", "kind": kind, "url": url, "detail": tr(th, en), "retry_after": RETRY_AFTER_SECONDS}
    return Response(body, status=202, headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Location": url})


def queue_down(code: str, th: str, en: str) -> Response:
    """503: the job queue (the broker) is down, so nothing can be built now; ask again after Retry-After."""
    return Response(
        {"code": code, "detail": tr(th, en), "errors": {}},
        status=503,
        headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
    )


def failed(code: str, th: str, en: str, status: int = 500) -> Response:
    """The build failed (or never happened in time): the error shape, no Retry-After (asking again is a new
    request for the file, not a poll)."""
    return Response({"code": code, "detail": tr(th, en), "errors": {}}, status=status)


def responses(media_type: str, file_description: str, failure: tuple[int, str]) -> dict:
    """The schema's answers of an endpoint that serves a worker-built file (drf-spectacular)."""
    failure_status, failure_description = failure
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=file_description),
        (202, "application/json"): OpenApiResponse(
            PENDING_SCHEMA,
            description="being built; ask `url` (the `Location` header) again after `Retry-After` seconds",
        ),
        (failure_status, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description=failure_description),
        (503, "application/json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="not available now (the job queue is down); ask again after `Retry-After`"
        ),
    }
