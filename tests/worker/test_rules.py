"""The pure timing rules: quiet hours, backoff, reminder times, working days."""

import datetime as dt

from worker.events import add_working_days, upcoming_times
from worker.models import RoundReminderPolicy
from worker.rules import BANGKOK, backoff, in_quiet_hours, release_time

NIGHT_START, NIGHT_END = dt.time(21, 0), dt.time(7, 0)


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def test_quiet_hours_span_midnight_in_bangkok_time():
    assert in_quiet_hours(bkk(2020, 8, 6, 21, 0), NIGHT_START, NIGHT_END)
    assert in_quiet_hours(bkk(2020, 8, 7, 6, 59), NIGHT_START, NIGHT_END)
    assert not in_quiet_hours(bkk(2020, 8, 7, 7, 0), NIGHT_START, NIGHT_END)
    assert not in_quiet_hours(bkk(2020, 8, 6, 20, 59), NIGHT_START, NIGHT_END)
    # 14:30 UTC is 21:30 in Bangkok
    assert in_quiet_hours(dt.datetime(2020, 8, 6, 14, 30, tzinfo=dt.UTC), NIGHT_START, NIGHT_END)


def test_held_messages_go_out_at_the_end_of_quiet_hours():
    assert release_time(bkk(2020, 8, 6, 22, 15), NIGHT_START, NIGHT_END) == bkk(2020, 8, 7, 7, 0)
    assert release_time(bkk(2020, 8, 7, 3, 0), NIGHT_START, NIGHT_END) == bkk(2020, 8, 7, 7, 0)
    daytime = bkk(2020, 8, 7, 12, 0)
    assert release_time(daytime, NIGHT_START, NIGHT_END) == daytime
    assert release_time(bkk(2020, 8, 7, 13, 0), dt.time(12, 0), dt.time(14, 0)) == bkk(2020, 8, 7, 14, 0)
    assert release_time(bkk(2020, 8, 6, 23, 0), dt.time(0, 0), dt.time(0, 0)) == bkk(2020, 8, 6, 23, 0)


def test_backoff_doubles_up_to_the_cap():
    delays = [backoff(n, base_seconds=60, cap_seconds=300).total_seconds() for n in range(1, 6)]
    assert delays == [60, 120, 240, 300, 300]


def test_upcoming_times_are_three_days_before_and_the_evening_before():
    policy = RoundReminderPolicy()
    visit, start = dt.date(2020, 8, 10), dt.time(8, 30)
    week = dt.timedelta(days=7)
    early, evening = bkk(2020, 8, 7, 8, 0), bkk(2020, 8, 9, 18, 0)
    assert upcoming_times(visit, start, policy, bkk(2020, 8, 3, 9, 0), week) == [early, evening]
    assert upcoming_times(visit, start, policy, bkk(2020, 8, 7, 8, 0), week) == [early, evening]
    # once both have passed only the latest is still owed; after the visit starts nothing is
    assert upcoming_times(visit, start, policy, bkk(2020, 8, 9, 19, 0), week) == [evening]
    assert upcoming_times(visit, start, policy, bkk(2020, 8, 10, 8, 30), week) == []
    # a short lookahead leaves the far reminder for a later pass
    assert upcoming_times(visit, start, policy, bkk(2020, 8, 3, 9, 0), dt.timedelta(days=5)) == [early]


def test_upcoming_times_follow_the_round_policy():
    policy = RoundReminderPolicy(days_before=1, days_before_at=dt.time(9, 0), evening_before=False)
    assert upcoming_times(
        dt.date(2020, 8, 10), dt.time(8, 30), policy, bkk(2020, 8, 1, 0, 0), dt.timedelta(days=30)
    ) == [bkk(2020, 8, 9, 9, 0)]


def test_working_days_skip_weekends_and_thai_holidays():
    # Fri 24 Jul 2020 + 3 working days: Mon 27 and Tue 28 Jul are holidays (Vajiralongkorn's birthday and the
    # substitute day), so Wed 29, Thu 30, Fri 31.
    assert add_working_days(dt.date(2020, 7, 24), 3) == dt.date(2020, 7, 31)
    assert add_working_days(dt.date(2020, 8, 7), 1) == dt.date(2020, 8, 10)
    assert add_working_days(dt.date(2020, 8, 7), 0) == dt.date(2020, 8, 7)
