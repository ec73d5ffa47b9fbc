"""What an answer value may be for each item type (pure: items in, cleaned values or messages out).

Stored shapes (Answer.value JSON): rating → int 1..n; yes_no → bool; number → int or float;
short/long text → str; single choice → the option's value; multi choice → a list of option values.
`None` means unanswered.
"""

from visits.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX, too_long_message

_TRUE = {"yes", "y", "true", "1", "มี", "ใช่"}
_FALSE = {"no", "n", "false", "0", "ไม่มี", "ไม่ใช่"}


class ValueProblem(Exception):
    def __init__(self, message_th: str, message_en: str):
        self.message_th, self.message_en = message_th, message_en
        super().__init__(message_th)

    def __str__(self):
        return f"{self.message_th} / {self.message_en}"


def _option_values(item) -> list:
    return [o.get("value") for o in (item.options or [])]


def clean_value(item, raw):
    """Return the stored form of `raw` for `item`, or raise ValueProblem."""
    if raw is None or raw == "" or raw == []:
        return None
    t = item.type
    if t == "rating":
        n = len(item.levels or [])
        if isinstance(raw, bool) or not isinstance(raw, int | str | float):
            raise ValueProblem(f"ต้องเป็นระดับ 1–{n}", f"must be a level 1–{n}")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueProblem(f"ต้องเป็นระดับ 1–{n}", f"must be a level 1–{n}") from None
        if isinstance(raw, float) and raw != value:
            raise ValueProblem("ต้องเป็นจำนวนเต็ม", "must be a whole number")
        if not 1 <= value <= n:
            raise ValueProblem(f"ต้องเป็นระดับ 1–{n}", f"must be a level 1–{n}")
        return value
    if t == "yes_no":
        if isinstance(raw, bool):
            return raw
        key = str(raw).strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueProblem("ต้องเป็น มี/ไม่มี (true/false)", "must be yes or no (true/false)")
    if t == "number":
        if isinstance(raw, bool):
            raise ValueProblem("ต้องเป็นตัวเลข", "must be a number")
        if isinstance(raw, int | float):
            return raw
        try:
            number = float(str(raw).strip().replace(",", ""))
        except ValueError:
            raise ValueProblem("ต้องเป็นตัวเลข", "must be a number") from None
        return int(number) if number.is_integer() else number
    if t in ("short_text", "long_text"):
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise ValueProblem("ต้องเป็นข้อความ", "must be text")
        text = str(raw).strip()
        limit = SHORT_TEXT_MAX if t == "short_text" else LONG_TEXT_MAX
        if len(text) > limit:
            raise ValueProblem(*too_long_message(limit))
        return text or None
    if t == "single_choice":
        allowed = _option_values(item)
        if isinstance(raw, list | dict) or raw not in allowed:
            raise ValueProblem("ไม่ใช่ตัวเลือกของข้อนี้", "not one of this item's options")
        return raw
    if t == "multi_choice":
        allowed = _option_values(item)
        values = raw if isinstance(raw, list) else [raw]
        bad = [v for v in values if isinstance(v, list | dict) or v not in allowed]
        if bad:
            listed = ", ".join(map(str, bad))
            raise ValueProblem(f"ไม่ใช่ตัวเลือกของข้อนี้: {listed}", f"not among this item's options: {listed}")
        # Keep the options' order and drop repeats.
        return [v for v in allowed if v in values]
    raise ValueProblem("ชนิดข้อคำถามไม่รู้จัก", "unknown item type")
