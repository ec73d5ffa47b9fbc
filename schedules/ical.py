"""iCalendar feeds: one private feed per person and per committee.

Each assignment is one event whose UID never changes; its SEQUENCE is the assignment's `sequence`, bumped by
every move, so calendar apps update the event in place. Cancelled assignments stay in the feed as
STATUS:CANCELLED so subscribed calendars remove them. Times are Asia/Bangkok: a session's hours, split evenly
between the visits a committee makes in that session.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vGeo

from schedules.days import be_date
from schedules.models import Assignment, CalendarFeed, Round

BANGKOK = ZoneInfo("Asia/Bangkok")
STATUS = {
    Assignment.Status.PLANNED: "TENTATIVE",
    Assignment.Status.CONFIRMED: "CONFIRMED",
    Assignment.Status.DONE: "CONFIRMED",
    Assignment.Status.MOVED: "CONFIRMED",
    Assignment.Status.CANCELLED: "CANCELLED",
}


def feed_assignments(feed: CalendarFeed):
    """Assignments in a feed: the committee's, or those of every committee the person sits on; drafts hidden."""
    rows = Assignment.objects.exclude(round__status=Round.Status.DRAFT)
    if feed.committee_id:
        rows = rows.filter(committee_id=feed.committee_id)
    else:
        rows = rows.filter(committee__memberships__person_id=feed.person_id)
    return (
        rows.select_related("round", "school", "session", "committee")
        .prefetch_related("committee__memberships__person")
        .order_by("date", "session__order", "day_order", "id")
        .distinct()
    )


def _times(a: Assignment, index: int, count: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(a.date, a.session.start_time, tzinfo=BANGKOK)
    end = datetime.datetime.combine(a.date, a.session.end_time, tzinfo=BANGKOK)
    step = (end - start) / max(1, count)
    return start + step * index, start + step * (index + 1)


def feed_calendar(feed: CalendarFeed) -> bytes:
    rows = list(feed_assignments(feed))
    slots = defaultdict(list)
    for a in rows:
        if a.status != Assignment.Status.CANCELLED:
            slots[(a.committee_id, a.date, a.session_id)].append(a.id)
    owner = feed.person.full_name if feed.person_id else str(feed.committee)
    cal = Calendar()
    cal.add("prodid", "-//Nithet//schedules//TH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"นิเทศ — {owner}")
    cal.add("x-wr-timezone", "Asia/Bangkok")
    for a in rows:
        same = slots.get((a.committee_id, a.date, a.session_id), [a.id])
        index = same.index(a.id) if a.id in same else 0
        start, end = _times(a, index, len(same))
        members = "\n".join(
            f"- {m.person.full_name} ({m.get_role_display().split(' (')[0]})" for m in a.committee.memberships.all()
        )
        link = f"{settings.SITE_URL}/schedules/{a.round.slug}/"
        event = Event()
        event.add("uid", f"{a.uid}@nithet")
        event.add("sequence", a.sequence)
        event.add("dtstamp", a.updated_at)
        event.add("last-modified", a.updated_at)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{a.round.get_kind_display().split(' (')[0]}: {a.school.name_th} ({a.committee})")
        event.add("location", ", ".join(x for x in (a.school.name_th, a.school.address) if x))
        if a.school.latitude is not None and a.school.longitude is not None:
            event.add("geo", vGeo((a.school.latitude, a.school.longitude)))
        event.add(
            "description",
            f"{a.round.title}\n{be_date(a.date)} {a.session.name}\n{a.committee}\n"
            f"กรรมการ (members):\n{members}\n{link}",
        )
        event.add("url", link)
        event.add("status", STATUS[a.status])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
