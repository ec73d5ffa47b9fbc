"""Every API error has one shape: `{"code", "detail", "errors"}`, in Thai or English by Accept-Language.

Domain modules raise `visits.errors.VisitError` subclasses (each names its HTTP status, code and message in
both languages), Django's `ValidationError` (bad input → 400 with field errors), `Http404` /
`ObjectDoesNotExist` (→ 404: missing and forbidden look the same) or the typed errors below; views never
build error responses by hand. Messages are chosen by the language `LocaleMiddleware` activated from the
request's Accept-Language (Thai by default). DRF's own messages come translated by DRF's Thai catalogue;
ours are written in both languages with `tr()`, field messages as `gettext` msgids or
`supervision.errors.Said` (Thai and English with the values filled in), both read in the request's language:
nothing is packed into one "ไทย / English" string and split apart here.
"""

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from visits.errors import VisitError


def tr(th: str, en: str) -> str:
    """The message in the request's language: English when asked for, Thai otherwise."""
    lang = (translation.get_language() or "th").lower()
    return en if lang.startswith("en") else th


class ApiError(exceptions.APIException):
    """An API error with a code, a message in both languages and optional extra body fields."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "error"
    th = "คำขอไม่ถูกต้อง"
    en = "Bad request."

    def __init__(self, detail=None, *, code=None, errors=None, extra=None, th=None, en=None, status_code=None):
        if status_code is not None:
            self.status_code = status_code
        self.th = th or self.th
        self.en = en or self.en
        super().__init__(detail or tr(self.th, self.en), code or self.default_code)
        self.errors = errors or {}
        self.extra = extra or {}


class Conflict(ApiError):
    """The request is well formed but the record's state forbids it (e.g. an illegal transition)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    th = "สถานะของรายการไม่อนุญาตให้ทำรายการนี้"
    en = "The record's current state does not allow this."


class PreconditionFailed(ApiError):
    """A stale write: the client's version is not the server's. The body carries the server's copy."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    th = "ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว โปรดโหลดฉบับล่าสุดก่อนบันทึก"
    en = "The record was changed since you loaded it; fetch the current copy and retry."


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    th = "ไฟล์มีขนาดใหญ่เกินกำหนด"
    en = "The file is larger than allowed."


class UnsupportedType(ApiError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_type"
    th = "ไม่รองรับชนิดไฟล์นี้"
    en = "This type of file is not accepted."


class NotFound(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    th = "ไม่พบรายการ"
    en = "Not found."


def error_path(prefix: str, key) -> str:
    """One spelling of a path, as JavaScript reads it: `.name` for a named field, `[i]` for a list's index (and
    for a map's numeric key, e.g. a survey's answers by item id): `answers[3].note`, never `answers.3.note`.
    DRF gives a ListField's or a ListSerializer's child errors as a dict keyed by index, a DictField's as a
    dict keyed by the client's key; both come here."""
    key = str(key)
    if key.isdigit():
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def _flatten(value, prefix: str = "", out: dict | None = None) -> dict:
    """DRF's nested errors → {"check_in.lat": [...], "answers[0].value": [...]} with translated strings
    (the same names the domain uses, spelled by `error_path`, and one flat shape for the schema)."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "non_field_errors" and prefix:  # DRF's errors about a list or object as a whole
                _flatten(sub, prefix, out)
            else:
                _flatten(sub, error_path(prefix, key), out)
    elif isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
    elif isinstance(value, list | tuple):
        for i, sub in enumerate(value):
            if sub:
                _flatten(sub, f"{prefix}[{i}]", out)
    elif value:
        out.setdefault(prefix or "non_field_errors", []).append(str(value))
    return out


def django_validation_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in msgs]
            for field, msgs in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def error_body(exc: Exception) -> tuple[int, dict] | None:
    """(status, body) for an exception the API knows how to explain, else None.

    Shared by the exception handler and by the sync endpoint, which answers each item on its own.
    """
    if isinstance(exc, RequestDataTooBig):
        return 413, {
            "code": "too_large",
            "detail": tr("ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด", "The request body is too large."),
            "errors": {},
        }
    if isinstance(exc, VisitError):
        errors = {
            field: [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
            for field, msgs in exc.fields.items()
        }
        detail = tr(exc.message_th, exc.message_en or exc.message_th)
        return exc.http_status, {"code": exc.code, "detail": detail, "errors": errors, **exc.extra}
    if isinstance(exc, ApiError):
        body = {"code": exc.get_codes(), "detail": str(exc.detail), "errors": exc.errors}
        body.update(exc.extra)
        return exc.status_code, body
    if isinstance(exc, DjangoValidationError):
        errors = django_validation_errors(exc)
        code = getattr(exc, "code", None) or "invalid"
        return 400, {"code": code, "detail": tr("ข้อมูลไม่ถูกต้อง", "Invalid input."), "errors": errors}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return 400, {"code": "invalid", "detail": tr("ข้อมูลไม่ถูกต้อง", "Invalid input."), "errors": errors}
    if isinstance(exc, Http404 | ObjectDoesNotExist | exceptions.NotFound):
        return 404, {"code": "not_found", "detail": tr("ไม่พบรายการ", "Not found."), "errors": {}}
    if isinstance(exc, DjangoPermissionDenied):
        detail = str(exc) if str(exc) else tr("ไม่มีสิทธิ์ทำรายการนี้", "You may not do this.")
        return 403, {"code": "permission_denied", "detail": detail, "errors": {}}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        return exc.status_code, {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail),
            "errors": {},
        }
    return None


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any /api/ address no route matches (a malformed UUID or id, a typo): the API's JSON 404, not a page.

    Exempt from Django's CSRF check, as DRF's views are: a tablet signed in with its token sends no CSRF cookie,
    and a PATCH or POST to a malformed address got the CSRF failure's HTML 403 instead of this 404 (the test
    client skips CSRF checks; the deployed stack does not). It reads nothing and changes nothing."""
    from django.http import JsonResponse

    return JsonResponse(
        {"code": "not_found", "detail": tr("ไม่พบรายการ", "Not found."), "errors": {}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def handler(exc, context):
    """DRF's EXCEPTION_HANDLER: DRF's headers (WWW-Authenticate, Retry-After), our body shape."""
    response = drf_exception_handler(exc, context)
    known = error_body(exc)
    if known is None:
        return response
    set_rollback()
    code, body = known
    headers = {}
    if response is not None:
        headers = {k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After")}
    return Response(body, status=code, headers=headers or None)
