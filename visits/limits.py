"""How long each text of a visit may be (characters): one place for the API's serializers, the domain's checks
(every write path — PUT, sync, the web, the demo — goes through `visits.services`) and the README's table.

Sized for what a committee writes at a school (a long answer is a page or two of Thai), and small enough that
every report renders a visit with every text at its limit (tests/reports/test_text_limits.py builds each one).
A longer text is refused with 400 naming the field, in Thai or English; nothing is cut silently.
"""

SHORT_TEXT_MAX = 500  # the answer of a short-text item
LONG_TEXT_MAX = 5_000  # the answer of a long-text item
NOTE_MAX = 2_000  # an item's note
FINDING_MAX = 10_000  # strengths, to improve, observation notes, interview notes (each)
RECOMMENDATION_MAX = 2_000  # one recommendation
RECOMMENDATIONS_MAX = 30  # recommendations of one visit
CAPTION_MAX = 500  # a photo's caption
COMMENT_MAX = 5_000  # a reviewer's comment, the school's response
SIGNER_NAME_MAX = 200
DUE_CHANGE_REASON_MAX = 2_000  # why a follow-up's due date should move, and the office's answer


def too_long_message(limit: int) -> tuple[str, str]:
    return f"ยาวเกิน {limit:,} ตัวอักษร", f"longer than {limit:,} characters"
