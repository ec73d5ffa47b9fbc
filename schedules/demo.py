"""Demo rounds for the demo office: the August 2563 supervision round (planned and applied) and the O-NET M.3
exam-site inspection of 1–2 Feb 2020 (academic year 2562).

People come from `supervision.demo` (looked up by their demo e-mail); committees are upserted by their
appointment order and number. Running `load` again changes nothing: rows are upserted only when a value
differs, and the August round is planned only while it has no assignments.
"""

import datetime

from django.contrib.auth import get_user_model

from schedules.models import Assignment, ExamCentre, ExamDay, Round, RoundSession
from schedules.selectors import round_conflicts
from schedules.services import plan_apply, round_plan
from supervision.demo import DEMO_EMAIL_DOMAIN, DEMO_OFFICE_CODE
from supervision.models import AreaOffice, Committee, Membership, Person, School
from supervision.services import record_upsert

AUG_SLUG = "aug-2563"
ONET_SLUG = "onet-m3-2562"
AUG_ORDER = ("301/2563", datetime.date(2020, 7, 24))
ONET_ORDER = ("25/2563", datetime.date(2020, 1, 20))

# committee number -> [(person key, role)]; person keys: sNN = supervisorNN, dK = director of school K,
# tK = teacher of school K, kNN = ktpnNN (external), and staff e-mail locals.
CHAIR, MEMBER, SECRETARY = Membership.Role.CHAIR, Membership.Role.MEMBER, Membership.Role.SECRETARY
AUG_COMMITTEES = {
    1: [("s01", CHAIR), ("s02", MEMBER), ("d3", MEMBER), ("staff.academic", SECRETARY)],
    2: [("s03", CHAIR), ("s10", MEMBER), ("d13", SECRETARY)],
    3: [("s04", CHAIR), ("s11", MEMBER), ("d23", SECRETARY)],
    4: [("s05", CHAIR), ("s12", MEMBER), ("d33", SECRETARY)],
    5: [("s06", CHAIR), ("s10", MEMBER), ("d43", MEMBER), ("t5", SECRETARY)],  # s10 also on committee 2
    6: [("s07", CHAIR), ("s11", MEMBER), ("d53", SECRETARY)],  # s11 also on committee 3
    7: [("s08", CHAIR), ("deputy.director", MEMBER), ("d63", SECRETARY)],
    8: [("s09", CHAIR), ("d73", MEMBER), ("t10", SECRETARY)],
}
ONET_COMMITTEES = {
    1: [("k01", CHAIR), ("s01", MEMBER), ("s08", SECRETARY)],
    2: [("k02", CHAIR), ("s02", MEMBER), ("s09", SECRETARY)],  # k02 is the `ktpn` demo login
    3: [("k03", CHAIR), ("s03", MEMBER), ("s10", SECRETARY)],
    4: [("s04", CHAIR), ("k04", MEMBER), ("s11", SECRETARY)],
    5: [("s05", CHAIR), ("s12", SECRETARY)],
    6: [("s06", CHAIR), ("deputy.director", SECRETARY)],
    7: [("s07", CHAIR), ("staff.academic", SECRETARY)],
}


def _person(office, schools, key: str) -> Person:
    if key[0] in "sk" and key[1:].isdigit():
        local = ("supervisor" if key[0] == "s" else "ktpn") + key[1:]
    elif key[0] in "dt" and key[1:].isdigit():
        local = ("director." if key[0] == "d" else "teacher.") + schools[int(key[1:])].code
    else:
        local = key
    return Person.objects.get(office=office, email=f"{local}@{DEMO_EMAIL_DOMAIN}")


def _committees(office, schools, director, spec, *, kind, order, name, subject, counts) -> list[Committee]:
    out = []
    for number, members in spec.items():
        committee, outcome = record_upsert(
            Committee,
            lookup={"office": office, "order_no": order[0], "number": number},
            values={
                "kind": kind,
                "name": name,
                "order_date": order[1],
                "order_subject": subject,
                "signed_by": director,
                "is_active": True,
            },
        )
        counts[outcome] += 1
        for sort, (key, role) in enumerate(members, start=1):
            _, outcome = record_upsert(
                Membership,
                lookup={"committee": committee, "person": _person(office, schools, key)},
                values={"role": role, "sort_order": sort, "position_note": role.label},
            )
            counts[outcome] += 1
        out.append(committee)
    return out


def _round(office, slug, values, committees, sessions, counts) -> Round:
    round_, outcome = record_upsert(Round, lookup={"slug": slug}, values={"office": office, **values})
    counts[outcome] += 1
    if set(round_.committees.values_list("pk", flat=True)) != {c.pk for c in committees}:
        round_.committees.set(committees)
        counts["updated"] += 1
    for order, (code, name, start, end) in enumerate(sessions, start=1):
        _, outcome = record_upsert(
            RoundSession,
            lookup={"round": round_, "code": code},
            values={"name": name, "order": order, "start_time": start, "end_time": end},
        )
        counts[outcome] += 1
    return round_


def load(*, stdout) -> dict:
    office = AreaOffice.objects.get(code=DEMO_OFFICE_CODE)
    schools = list(School.objects.filter(office=office).order_by("code"))
    director = get_user_model().objects.get(username="director").person
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    aug_committees = _committees(
        office,
        schools,
        director,
        AUG_COMMITTEES,
        kind=Committee.Kind.INTERNAL,
        order=AUG_ORDER,
        name="คณะนิเทศ ติดตาม ภาคเรียนที่ 1/2563",
        subject="แต่งตั้งคณะกรรมการนิเทศ ติดตามการจัดการเรียนการสอน ภาคเรียนที่ 1/2563",
        counts=counts,
    )
    aug = _round(
        office,
        AUG_SLUG,
        {
            "kind": Round.Kind.SUPERVISION,
            "academic_year": 2563,
            "title": "นิเทศ ติดตามการจัดการเรียนการสอน ภาคเรียนที่ 1 ปีการศึกษา 2563",
            "start_date": datetime.date(2020, 8, 3),
            "end_date": datetime.date(2020, 8, 14),
            "target": Round.Target.ALL,
            "visits_per_school": 1,
            "visits_per_committee_day": 2,
            "status": Round.Status.PUBLISHED,
        },
        aug_committees,
        [("day", "ทั้งวัน", datetime.time(8, 30), datetime.time(16, 30))],
        counts,
    )

    onet_committees = _committees(
        office,
        schools,
        director,
        ONET_COMMITTEES,
        kind=Committee.Kind.EXAM,
        order=ONET_ORDER,
        name="คณะตรวจเยี่ยมสนามสอบ O-NET ม.3",
        subject="แต่งตั้งคณะกรรมการตรวจเยี่ยมสนามสอบการทดสอบทางการศึกษาระดับชาติขั้นพื้นฐาน (O-NET) ชั้นมัธยมศึกษาปีที่ 3 ปีการศึกษา 2562",
        counts=counts,
    )
    onet = _round(
        office,
        ONET_SLUG,
        {
            "kind": Round.Kind.EXAM_INSPECTION,
            "academic_year": 2562,
            "title": "ตรวจเยี่ยมสนามสอบ O-NET ชั้นมัธยมศึกษาปีที่ 3 ปีการศึกษา 2562",
            "start_date": datetime.date(2020, 2, 1),
            "end_date": datetime.date(2020, 2, 2),
            "target": Round.Target.LIST,
            "visits_per_school": 1,
            "visits_per_committee_day": 2,
            "status": Round.Status.PUBLISHED,
        },
        onet_committees,
        [
            ("morning", "ช่วงเช้า", datetime.time(8, 30), datetime.time(12, 0)),
            ("afternoon", "ช่วงบ่าย", datetime.time(13, 0), datetime.time(16, 30)),
        ],
        counts,
    )
    for day in (datetime.date(2020, 2, 1), datetime.date(2020, 2, 2)):
        _, outcome = record_upsert(ExamDay, lookup={"round": onet, "date": day}, values={})
        counts[outcome] += 1
    # The 14 biggest schools are the exam centres.
    centres = sorted(schools, key=lambda s: (-s.students, s.code))[:14]
    for n, school in enumerate(sorted(centres, key=lambda s: s.code), start=1):
        _, outcome = record_upsert(
            ExamCentre,
            lookup={"round": onet, "school": school},
            values={
                "centre_code": f"340{n:02d}",
                "rooms": max(4, school.students // 120),
                "candidates": school.students // 3,
            },
        )
        counts[outcome] += 1

    planned = {}
    for round_ in (aug, onet):
        if not Assignment.objects.filter(round=round_).exists():
            _, plan = round_plan(round_=round_)
            result = plan_apply(round_=round_, plan=plan)
            counts["created"] += result["created"]
            planned[round_.slug] = f"{len(plan.visits)} visits, {plan.total_km:.0f} km"
        errors = [c for c in round_conflicts(round_) if c.severity == "error"]
        if errors:
            raise RuntimeError(f"{round_.slug}: {errors[0].code}: {errors[0].message_en}")
    for slug, text in planned.items():
        stdout.write(f"Planned {slug}: {text}\n")
    return {
        "rounds": Round.objects.filter(office=office).count(),
        "assignments": Assignment.objects.filter(round__office=office).active().count(),
        "created": counts["created"],
        "updated": counts["updated"],
    }
