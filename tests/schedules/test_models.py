import datetime

import pytest
from django.db import IntegrityError, transaction

from schedules.models import Assignment, CalendarFeed
from tests import factories as f


@pytest.mark.django_db
def test_a_round_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RoundFactory(start_date=datetime.date(2020, 8, 14), end_date=datetime.date(2020, 8, 3))


@pytest.mark.django_db
def test_a_committee_visits_a_school_once_per_slot_unless_cancelled():
    a = f.AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(round=a.round, committee=a.committee, school=a.school, date=a.date, session=a.session)
    a.status, a.status_reason = Assignment.Status.CANCELLED, "โรงเรียนปิด"
    a.save()
    Assignment.objects.create(round=a.round, committee=a.committee, school=a.school, date=a.date, session=a.session)


@pytest.mark.django_db
def test_a_moved_assignment_needs_a_reason():
    a = f.AssignmentFactory()
    a.status = Assignment.Status.MOVED
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()


@pytest.mark.django_db
def test_a_calendar_feed_has_exactly_one_owner():
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create()


@pytest.mark.django_db
def test_assignments_keep_their_history():
    a = f.AssignmentFactory()
    a.date = datetime.date(2020, 8, 4)
    a.save()
    dates = [h.date for h in a.history.order_by("history_date")]
    assert dates == [datetime.date(2020, 8, 3), datetime.date(2020, 8, 4)]
