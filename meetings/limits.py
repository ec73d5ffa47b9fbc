"""How long each text of a meeting, document, survey, opinion or exchange may be (characters): one place for
the domain's checks (every write path — the pages, the API, the demo — goes through `meetings.services`,
`meetings.actions` or `meetings.workflow`), so a page and the API refuse the same text the same way.

A short text (a title, a place, a name, a reason) takes its column's length; a long text (TextField) takes
the limit below, sized for what a secretary or a member writes (a long minute is a few pages of Thai) and
small enough that the invitation, minutes and survey PDFs and the exports carry every text at its limit
(tests/meetings/test_text_limits.py builds each one). A longer text is refused with 400 (a page shows the
refusal) naming the field, in Thai or English; nothing is cut silently."""

from django.db import models

from supervision.errors import InvalidInput, Said
from visits.limits import too_long_message

LETTER_BODY_MAX = 20_000  # the invitation letter's body
LONG_TEXT_MAX = 5_000  # a resolution, an opinion and its answer, a suggestion, an exchange's texts …
MINUTES_MAX = 10_000  # what was said on one agenda item
NOTE_MAX = 2_000  # a version's note, a document's description, a certification note, a participants' note

# (model name, field) -> limit, for the TextFields; CharFields take their max_length.
TEXT_LIMITS = {
    ("Meeting", "enclosures"): LONG_TEXT_MAX,
    ("Meeting", "body"): LETTER_BODY_MAX,
    ("Meeting", "certification_note"): NOTE_MAX,
    ("AgendaItem", "detail"): LONG_TEXT_MAX,
    ("AgendaItem", "minutes_text"): MINUTES_MAX,
    ("AgendaItem", "resolution_text"): LONG_TEXT_MAX,
    ("Document", "description"): NOTE_MAX,
    ("DocumentVersion", "note"): NOTE_MAX,
    ("Resolution", "text"): LONG_TEXT_MAX,
    ("SurveyResponse", "suggestion"): LONG_TEXT_MAX,
    ("Opinion", "text"): LONG_TEXT_MAX,
    ("Opinion", "answer"): LONG_TEXT_MAX,
    ("LearningExchange", "learnt"): LONG_TEXT_MAX,
    ("LearningExchange", "usage"): LONG_TEXT_MAX,
    ("LearningExchange", "participants_note"): NOTE_MAX,
    ("ParticipationRecord", "usage"): LONG_TEXT_MAX,
}


def limit_of(model: type[models.Model], field: str) -> int:
    key = (model.__name__, field)
    if key in TEXT_LIMITS:
        return TEXT_LIMITS[key]
    return model._meta.get_field(field).max_length


def too_long(model: type[models.Model], field: str, value) -> list[Said] | None:
    if isinstance(value, str) and len(value.strip()) > (n := limit_of(model, field)):
        return [Said(*too_long_message(n))]
    return None


def check(model: type[models.Model], /, *, prefix: str = "", **values) -> None:
    """Refuse (400, each over-long field named) any of `values` longer than `model`'s limit for that field."""
    errors = {f"{prefix}{name}": said for name, value in values.items() if (said := too_long(model, name, value))}
    if errors:
        raise InvalidInput(fields=errors)
