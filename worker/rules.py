"""Pure timing rules for notifications: quiet hours and retry backoff. No ORM, no clock."""

import datetime as dt
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


def in_quiet_hours(moment: dt.datetime, start: dt.time, end: dt.time) -> bool:
    """True if `moment` (aware) falls in the Bangkok quiet window [start, end); the window may span midnight."""
    if start == end:
        return False
    t = moment.astimezone(BANGKOK).time()
    if start < end:
        return start <= t < end
    return t >= start or t < end


def release_time(moment: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime:
    """The first instant at or after `moment` outside quiet hours (held messages go out at `end`)."""
    if not in_quiet_hours(moment, start, end):
        return moment
    local = moment.astimezone(BANGKOK)
    release = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if release <= local:
        release += dt.timedelta(days=1)
    return release.astimezone(dt.UTC)


def backoff(attempts: int, *, base_seconds: float, cap_seconds: float) -> dt.timedelta:
    """Delay before the next try after `attempts` failed tries: base, 2×base, 4×base … up to cap."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def bangkok_at(day: dt.date, at: dt.time) -> dt.datetime:
    """`day` at clock time `at` in Bangkok, as an aware UTC datetime."""
    return dt.datetime.combine(day, at, tzinfo=BANGKOK).astimezone(dt.UTC)
