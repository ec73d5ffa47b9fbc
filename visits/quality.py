"""Quality levels of a percent score (ดีเยี่ยม / ดี / พอใช้ / ปรับปรุง), configurable per instrument.

`Instrument.quality_levels` holds the lower bound of each level, best first: a score is at the first level
whose `min` it reaches. The default is the office's usual four-level reading of a percent score.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from supervision.errors import Said

DEFAULT_QUALITY_LEVELS = [
    {"min": 90, "label": "ดีเยี่ยม"},
    {"min": 75, "label": "ดี"},
    {"min": 60, "label": "พอใช้"},
    {"min": 0, "label": "ปรับปรุง"},
]


def default_quality_levels() -> list[dict]:
    return [dict(level) for level in DEFAULT_QUALITY_LEVELS]


def validate_quality_levels(value) -> None:
    """Levels: a non-empty list of {"min": 0–100, "label": text}, strictly falling, the last at 0."""
    message = Said(
        "ระดับคุณภาพต้องเป็นรายการ {min, label} เรียงจากสูงไปต่ำ และระดับสุดท้ายเริ่มที่ 0",
        "quality levels must be a list of {min, label}, highest first, the last starting at 0",
    )
    if not isinstance(value, list) or not value:
        raise ValidationError(message, code="quality_levels")
    previous = None
    for level in value:
        if not isinstance(level, dict) or not str(level.get("label", "")).strip():
            raise ValidationError(message, code="quality_levels")
        bound = level.get("min")
        if isinstance(bound, bool) or not isinstance(bound, int | float) or not 0 <= bound <= 100:
            raise ValidationError(message, code="quality_levels")
        if previous is not None and bound >= previous:
            raise ValidationError(message, code="quality_levels")
        previous = bound
    if previous != 0:
        raise ValidationError(message, code="quality_levels")


def quality_level(percent: float | None, levels: list[dict] | None = None) -> tuple[int, str] | None:
    """(index of the level, best = 0; its label) for a percent, or None when there is no score."""
    if percent is None:
        return None
    levels = levels or DEFAULT_QUALITY_LEVELS
    for index, level in enumerate(levels):
        if percent >= level["min"]:
            return index, level["label"]
    return len(levels) - 1, levels[-1]["label"]
