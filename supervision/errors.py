"""The one domain error type every app raises (visits, schedules, accounts, meetings, reports, public).

A `DomainError` carries a stable `code`, a Thai and an English message, optional per-field messages and
the objects involved. Entry points turn it into their own form without parsing text: the API into HTTP
`http_status` with the same fields, a management command into a non-zero exit and one line, a page into a
message. Subclass it per refusal kind; the generic kinds (invalid input, not found, forbidden, invalid
transition, conflict, stale version) live here so that every app shares them.
"""


class Said:
    """One message written in Thai and English at once, its values already filled in (a field message such as
    "no item 7 in this instrument"): it reads in the language active when it is shown — the API's request
    language, the page's, Thai by default. Field messages whose text is fixed use `gettext` instead; neither
    is ever packed into one "ไทย / English" string to be split apart again."""

    __slots__ = ("en", "th")

    def __init__(self, th: str, en: str):
        self.th, self.en = th, en

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.en if (get_language() or "").startswith("en") and self.en else self.th

    def __repr__(self) -> str:
        return f"Said({self.th!r}, {self.en!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Said):
            return (self.th, self.en) == (other.th, other.en)
        return str(self) == other

    def __hash__(self) -> int:
        return hash((self.th, self.en))

    def __contains__(self, text) -> bool:
        return text in str(self)

    def __mod__(self, params) -> "Said":
        # Django's ValidationError fills `%(value)s`-style params into its message: fill both halves.
        return Said(self.th % params if "%" in self.th else self.th, self.en % params if "%" in self.en else self.en)


class DomainError(Exception):
    """Base: `code`, `message_th`, `message_en`, optional `fields` {field: [message, ...]} and `objects`."""

    code = "domain_error"
    http_status = 400

    def __init__(
        self,
        message_th: str = "",
        message_en: str = "",
        *,
        code: str | None = None,
        fields: dict | None = None,
        objects: list | tuple | None = None,
        **extra,
    ):
        self.message_th = message_th or getattr(self, "default_th", "")
        self.message_en = message_en or getattr(self, "default_en", "")
        if code:
            self.code = code
        self.fields = fields or {}
        self.objects = list(objects or [])
        self.extra = extra
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.message_th} / {self.message_en}" if self.message_en else self.message_th

    def message_for(self, language: str | None) -> str:
        """The message in one language (`en` or anything else for Thai), for pages that show one."""
        return self.message_en if (language or "").startswith("en") and self.message_en else self.message_th

    def as_dict(self) -> dict:
        data = {"code": self.code, "message_th": self.message_th, "message_en": self.message_en, "detail": self.message}
        if self.fields:
            data["fields"] = {
                name: [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
                for name, msgs in self.fields.items()
            }
        data.update(self.extra)
        return data


class InvalidInput(DomainError):
    """Bad data from a client: `fields` says which and why (HTTP 400)."""

    code = "invalid"
    default_th = "ข้อมูลไม่ถูกต้อง"
    default_en = "invalid data"


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_th = "ไม่พบข้อมูล"
    default_en = "not found"


class Forbidden(DomainError):
    """The user sees the record but may not do this to it (HTTP 403)."""

    code = "forbidden"
    http_status = 403
    default_th = "ไม่มีสิทธิ์ทำรายการนี้"
    default_en = "you may not do this"


class InvalidTransition(DomainError):
    """An illegal workflow move, or a legal move by the wrong person (HTTP 409)."""

    code = "invalid_transition"
    http_status = 409


class StaleVersion(DomainError):
    """The client wrote on top of an older copy (HTTP 412); `current_version` tells which is current."""

    code = "stale_version"
    http_status = 412
    default_th = "ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว กรุณาโหลดใหม่"
    default_en = "the visit was changed elsewhere; reload and try again"


class Conflict(DomainError):
    """A unique rule would be broken, e.g. a second visit for the same assignment (HTTP 409)."""

    code = "conflict"
    http_status = 409
