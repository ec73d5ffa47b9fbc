"""Which days of a round count, and how to show them.

Supervision-type rounds count Monday–Friday minus Thai public holidays (the `holidays` package, TH, which
knows moved and substitute days) minus the office's closures. Exam rounds count exactly their exam days,
weekends included: the `ExamDay` rows, or every day of the window when none are listed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from pythainlp.util import thai_strftime


@lru_cache(maxsize=32)
def _thai_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.TH(years=year, language="th"))


def thai_holiday(day: datetime.date) -> str | None:
    """The Thai public holiday's name on that day, or None."""
    return _thai_holidays(day.year).get(day)


def date_range(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class DayInfo:
    """One calendar day of a round and why it does or does not count."""

    date: datetime.date
    counted: bool
    reason_th: str = ""
    reason_en: str = ""


def working_days(
    start: datetime.date,
    end: datetime.date,
    closures: dict[datetime.date, str] | None = None,
) -> list[DayInfo]:
    """Every day of the window, marked: weekends, Thai holidays and closures do not count."""
    closures = closures or {}
    out = []
    for day in date_range(start, end):
        holiday = thai_holiday(day)
        if day.weekday() >= 5:
            out.append(DayInfo(day, False, "วันหยุดสุดสัปดาห์", "weekend"))
        elif holiday:
            out.append(DayInfo(day, False, f"วันหยุดราชการ: {holiday}", "Thai public holiday"))
        elif day in closures:
            out.append(DayInfo(day, False, f"งดออกนิเทศ: {closures[day]}", "office closure"))
        else:
            out.append(DayInfo(day, True))
    return out


def exam_days(start: datetime.date, end: datetime.date, listed: set[datetime.date] | None = None) -> list[DayInfo]:
    """Exam rounds count their exam days only, weekends and holidays included."""
    out = []
    for day in date_range(start, end):
        if not listed or day in listed:
            out.append(DayInfo(day, True))
        else:
            out.append(DayInfo(day, False, "ไม่ใช่วันสอบ", "not an exam day"))
    return out


def round_days(round_) -> list[DayInfo]:
    """Every calendar day of a round, marked counted or not, with the reason."""
    from schedules.models import OfficeClosure

    if round_.is_exam:
        listed = set(round_.exam_days.values_list("date", flat=True)) if round_.pk else set()
        return exam_days(round_.start_date, round_.end_date, listed)
    closures = {}
    if round_.pk:
        rows = OfficeClosure.objects.filter(
            office_id=round_.office_id, date__gte=round_.start_date, date__lte=round_.end_date
        )
        for c in rows:
            if c.round_id is None or c.round_id == round_.pk:
                closures[c.date] = c.reason
    return working_days(round_.start_date, round_.end_date, closures)


def counted_days(round_) -> list[datetime.date]:
    return [d.date for d in round_days(round_) if d.counted]


def be_date(day: datetime.date) -> str:
    """12 สิงหาคม 2563 (12 August 2563 on an English page)."""
    from supervision.dates import be_long

    return be_long(day)


def be_date_short(day: datetime.date) -> str:
    """พ. 12 ส.ค. 63 — for grid headers (Wed 12 Aug 63 on an English page)."""
    from django.utils import translation

    if (translation.get_language() or "").startswith("en"):
        return f"{day:%a} {day.day} {day:%b} {(day.year + 543) % 100:02d}"
    return thai_strftime(day, "%a %-d %b %y")


def be_numeric(day: datetime.date) -> str:
    """12/08/2563 — the Buddhist-Era date in messages that are not in Thai."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"
