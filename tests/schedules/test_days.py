import datetime

import pytest

from schedules.days import be_date, counted_days, round_days
from tests import factories as f

D = datetime.date


@pytest.mark.django_db
def test_august_round_skips_weekends_and_the_queen_mothers_birthday():
    round_ = f.RoundFactory(start_date=D(2020, 8, 3), end_date=D(2020, 8, 14))
    days = counted_days(round_)
    assert D(2020, 8, 12) not in days
    assert D(2020, 8, 8) not in days and D(2020, 8, 9) not in days
    assert len(days) == 9
    why = {d.date: d for d in round_days(round_)}
    assert "วันแม่" in why[D(2020, 8, 12)].reason_th
    assert why[D(2020, 8, 8)].reason_en == "weekend"


@pytest.mark.django_db
def test_substitute_days_and_office_closures_do_not_count():
    round_ = f.RoundFactory(start_date=D(2020, 7, 27), end_date=D(2020, 7, 31))
    f.OfficeClosureFactory(office=round_.office, date=D(2020, 7, 29), reason="อบรมบุคลากร")
    other = f.RoundFactory(office=round_.office, start_date=D(2020, 7, 27), end_date=D(2020, 7, 31))
    f.OfficeClosureFactory(office=round_.office, round=other, date=D(2020, 7, 30), reason="เฉพาะรอบอื่น")
    # 27 Jul 2020 is a moved Songkran day, 28 Jul the King's birthday; the 29th is closed by the office.
    assert counted_days(round_) == [D(2020, 7, 30), D(2020, 7, 31)]
    assert counted_days(other) == [D(2020, 7, 31)]


@pytest.mark.django_db
def test_exam_round_counts_its_weekend():
    round_ = f.ExamRoundFactory(start_date=D(2020, 2, 1), end_date=D(2020, 2, 2))
    assert counted_days(round_) == [D(2020, 2, 1), D(2020, 2, 2)]
    f.ExamDayFactory(round=round_, date=D(2020, 2, 2))
    assert counted_days(round_) == [D(2020, 2, 2)]


def test_dates_are_shown_in_the_buddhist_era():
    assert be_date(D(2020, 8, 12)) == "12 สิงหาคม 2563"


def test_the_demo_rounds_count_the_right_days(demo):
    aug, onet = demo["aug-2563"], demo["onet-m3-2562"]
    days = counted_days(aug)
    assert len(days) == 9 and D(2020, 8, 12) not in days and all(d.weekday() < 5 for d in days)
    assert counted_days(onet) == [D(2020, 2, 1), D(2020, 2, 2)]  # Saturday and Sunday


@pytest.mark.django_db
def test_target_schools_all_consortia_or_list():
    from schedules.models import Round
    from schedules.selectors import round_target_schools

    round_ = f.RoundFactory()
    a, b = f.SchoolFactory(office=round_.office), f.SchoolFactory(office=round_.office)
    f.SchoolFactory(office=round_.office, is_active=False)
    f.SchoolFactory()  # another office
    assert set(round_target_schools(round_)) == {a, b}
    round_.target = Round.Target.CONSORTIA
    round_.target_consortia.set([a.consortium])
    assert list(round_target_schools(round_)) == [a]
    round_.target = Round.Target.LIST
    round_.target_schools.set([b])
    assert list(round_target_schools(round_)) == [b]
