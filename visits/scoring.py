"""Scores of a visit: per section and overall, as percentages, plus the items that failed.

Rules (pure; items and answer values in, numbers out):
- Only rating, yes/no and scored single-choice items count, and only when answered and weighted (> 0).
- An item's percent: rating v of n levels → v / n × 100; yes → 100, no → 0; a choice → its option's
  `score` (0–100; a choice item none of whose options has a score is not scored).
- A section's percent is the item-weighted mean of its items' percents; the overall percent is the
  section-weighted mean of the sections that have a percent. Unanswered items are left out, not zeroed.
- An item fails when its percent is below 50, or for ratings when v ≤ n / 2 (1–2 of 4, 1–2 of 5).
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class SectionScore:
    section_id: int
    title: str
    weight: float
    percent: float | None
    scored_items: int


@dataclass(frozen=True)
class FailedItem:
    item_id: int
    code: str
    text: str
    value: object
    percent: float


@dataclass(frozen=True)
class Scores:
    overall: float | None
    sections: list[SectionScore] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)

    def sections_json(self) -> list[dict]:
        return [s.__dict__.copy() for s in self.sections]

    def failed_json(self) -> list[dict]:
        return [f.__dict__.copy() for f in self.failed]


def item_percent(item, value) -> float | None:
    """The item's percent for `value`, or None when the item or the answer doesn't count."""
    if value is None or not item.weight or Decimal(item.weight) <= 0:
        return None
    if item.type == "rating":
        n = len(item.levels or [])
        if not n or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= n:
            return None
        return value / n * 100
    if item.type == "yes_no":
        return 100.0 if value is True else 0.0 if value is False else None
    if item.type == "single_choice":
        for option in item.options or []:
            if option.get("value") == value and option.get("score") is not None:
                return float(option["score"])
        return None
    return None


def item_failed(item, value, percent: float | None) -> bool:
    if percent is None:
        return False
    if item.type == "rating":
        return value * 2 <= len(item.levels)
    return percent < 50


def score(sections, items, values: dict[int, object]) -> Scores:
    """sections: Section rows in order; items: Item rows; values: {item_id: cleaned value}."""
    by_section: dict[int, list] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    results, failed = [], []
    total_w = total = 0.0
    for section in sections:
        w_sum = p_sum = 0.0
        count = 0
        for item in sorted(by_section.get(section.id, []), key=lambda i: (i.order, i.id)):
            value = values.get(item.id)
            percent = item_percent(item, value)
            if percent is None:
                continue
            w = float(item.weight)
            w_sum += w
            p_sum += w * percent
            count += 1
            if item_failed(item, value, percent):
                failed.append(FailedItem(item.id, item.code, item.text, value, round(percent, 2)))
        percent = round(p_sum / w_sum, 2) if w_sum else None
        sw = float(section.weight)
        results.append(SectionScore(section.id, section.title, sw, percent, count))
        if percent is not None and sw > 0:
            total_w += sw
            total += sw * percent
    overall = round(total / total_w, 2) if total_w else None
    return Scores(overall=overall, sections=results, failed=failed)
