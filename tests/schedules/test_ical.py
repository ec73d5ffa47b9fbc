"""Private iCalendar feeds: parse with `icalendar`, Asia/Bangkok times, stable UIDs, SEQUENCE bumped on a move."""

import datetime

from django.contrib.auth import get_user_model
from icalendar import Calendar

from schedules.models import Assignment, CalendarFeed
from schedules.services import assignment_move, calendar_feed_get, move_conflicts


def events(client, feed):
    response = client.get(f"/schedules/ical/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_person_feed_lists_their_committees_visits(client, demo):
    chair = get_user_model().objects.get(username="chair").person
    feed = calendar_feed_get(person=chair)
    found = events(client, feed)
    mine = Assignment.objects.filter(committee__memberships__person=chair).active().distinct()
    assert len(found) == mine.count() > 0
    a = mine.order_by("date", "day_order").first()
    e = found[f"{a.uid}@nithet"]
    assert a.school.name_th in str(e["SUMMARY"]) and a.school.name_th in str(e["LOCATION"])
    start = e.decoded("DTSTART")
    assert start.utcoffset() == datetime.timedelta(hours=7) and start.date() == a.date
    assert chair.full_name in str(e["DESCRIPTION"]) and f"/schedules/{a.round.slug}/" in str(e["URL"])
    assert int(e["SEQUENCE"]) == 0


def test_two_visits_in_a_day_do_not_overlap(client, demo):
    a = Assignment.objects.filter(round=demo["aug-2563"], day_order=2).first()
    found = events(client, calendar_feed_get(committee=a.committee))
    same_day = sorted(
        (e.decoded("DTSTART"), e.decoded("DTEND")) for e in found.values() if e.decoded("DTSTART").date() == a.date
    )
    assert len(same_day) == 2 and same_day[0][1] <= same_day[1][0]


def test_a_move_keeps_the_uid_and_bumps_the_sequence(client, demo):
    a = Assignment.objects.filter(round=demo["aug-2563"]).order_by("id").first()
    feed = calendar_feed_get(committee=a.committee)
    before = events(client, feed)
    day = next(
        d
        for d in sorted({x.date for x in Assignment.objects.filter(round=a.round)})
        if d != a.date
        and not [
            c
            for c in move_conflicts(assignment=a, committee_id=a.committee_id, date=d, session_id=a.session_id)
            if c.severity == "error"
        ]
    )
    assignment_move(
        assignment=a, committee_id=a.committee_id, date=day, session_id=a.session_id, reason="ผู้อำนวยการติดราชการ"
    )
    after = events(client, feed)
    assert set(after) == set(before)
    e = after[f"{a.uid}@nithet"]
    assert int(e["SEQUENCE"]) == 1 and e.decoded("DTSTART").date() == day


def test_cancelled_visits_stay_as_cancelled_events(client, demo):
    a = Assignment.objects.filter(round=demo["aug-2563"]).first()
    a.status, a.status_reason, a.sequence = Assignment.Status.CANCELLED, "โรงเรียนปิดกรณีพิเศษ", a.sequence + 1
    a.save()
    e = events(client, calendar_feed_get(committee=a.committee))[f"{a.uid}@nithet"]
    assert str(e["STATUS"]) == "CANCELLED" and int(e["SEQUENCE"]) == 1


def test_revoking_replaces_the_link(client, demo):
    user = get_user_model().objects.get(username="supervisor")
    client.force_login(user)
    page = client.get("/schedules/calendar/")
    assert page.status_code == 200
    feed = CalendarFeed.objects.get(person=user.person)
    old = feed.token
    assert old in page.content.decode()
    assert client.post("/schedules/calendar/", {"revoke": feed.pk}).status_code == 302
    feed.refresh_from_db()
    assert feed.token != old
    assert client.get(f"/schedules/ical/{old}.ics").status_code == 404
    assert client.get(f"/schedules/ical/{feed.token}.ics").status_code == 200


def test_someone_elses_feed_cannot_be_revoked(client, demo):
    chair = get_user_model().objects.get(username="chair")
    other = calendar_feed_get(person=chair.person)
    client.force_login(get_user_model().objects.get(username="viewer"))
    assert client.post("/schedules/calendar/", {"revoke": other.pk}).status_code == 404
