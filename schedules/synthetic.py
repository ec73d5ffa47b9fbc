"""Synthetic rounds from a seed, as plain `conflicts.RoundData` (no database): for the benchmark and tests."""

from __future__ import annotations

import datetime
import math
import random

from schedules import conflicts as rules
from schedules.days import working_days

BASE = (15.2287, 104.8564)


def synthetic_round(
    *,
    schools: int = 81,
    committees: int = 8,
    days: int = 9,
    per_day: int = 2,
    seed: int = 1,
    width_km: float = 200.0,
    height_km: float = 150.0,
    shared: int = 2,
    interest: int = 8,
    base: tuple[float, float] = BASE,
    start: datetime.date = datetime.date(2020, 8, 3),
    id_offset: int = 0,
    slug: str = "synthetic",
) -> rules.RoundData:
    """`schools` in a width × height km box around the office; committees of 3 people, `shared` of them also
    on the next committee, `interest` schools with a committee member's own school; `days` counted days from
    `start` (Thai weekdays, holidays skipped)."""
    rng = random.Random(seed)
    km_lat = 110.574
    km_lon = 111.320 * math.cos(math.radians(base[0]))
    school_info = {}
    for i in range(schools):
        sid = id_offset + i + 1
        lat = base[0] + rng.uniform(-height_km / 2, height_km / 2) / km_lat
        lon = base[1] + rng.uniform(-width_km / 2, width_km / 2) / km_lon
        school_info[sid] = rules.SchoolInfo(sid, f"{10_000_000 + sid:08d}", f"โรงเรียนสังเคราะห์ {sid}", lat, lon)
    ids = list(school_info)
    person = id_offset * 10
    comm = {}
    for c in range(committees):
        members = []
        for k in range(3):
            person += 1
            own = ids[(c * 7 + 3) % len(ids)] if k == 2 and c < interest else None
            members.append(rules.Member(person, f"กรรมการ {person}", own))
        comm[id_offset + c + 1] = members
    keys = list(comm)
    for k in range(min(shared, committees - 1)):
        a, b = keys[2 * k % len(keys)], keys[(2 * k + 1) % len(keys)]
        comm[b].append(comm[a][0])
    committees_info = {c: rules.CommitteeInfo(c, f"คณะที่ {c - id_offset}", tuple(m)) for c, m in comm.items()}
    end = start
    counted = []
    while len(counted) < days:
        counted = [d.date for d in working_days(start, end) if d.counted]
        end += datetime.timedelta(days=1)
    end -= datetime.timedelta(days=1)
    day_map = {d.date: (d.counted, d.reason_th, d.reason_en) for d in working_days(start, end)}
    info = rules.RoundInfo(
        slug, False, start, end, day_map, 1, per_day, (rules.SessionInfo(1, "day", "ทั้งวัน", 1),), base, 1.3, 80.0
    )
    return rules.RoundData(info, committees_info, school_info, tuple(ids), (), (), tuple(committees_info))
