"""The demo office's 2563 as its own page tells it (all people invented, see supervision/demo.py):

- ก.ต.ป.น. meetings 1/2563 (planning: the approach and a first draft of the supervision plan, sent back for
  changes), 2/2563 (approves the plan, the supervision manual, the COVID-19 remote-teaching plan and the
  local curriculum framework; certifies 1/2563) and 3/2563 (approves the school-reopening readiness report,
  the 0/ร/มส/มผ handbook and the student-support plan; certifies 2/2563), each with agenda, attendance and
  minutes;
- the directors' meeting 4/2563, where the approved documents are announced;
- the learning-exchange workshop of 25–26 June 2563 with the 81 school directors and three host schools
  of other offices;
- the satisfaction survey of the August round, answered by most of the directors asked;
- the o25 participation record of each, published.

Everything goes through the services (the same write paths as the pages). A meeting already there is left
as it is, so running `load_demo` again writes nothing new.
"""

import datetime as dt

from django.contrib.auth import get_user_model

from meetings import services, workflow
from meetings.models import (
    Document,
    DocumentVersion,
    Invitation,
    LearningExchange,
    Meeting,
    Opinion,
    ParticipationRecord,
    SurveyDimension,
    SurveyForm,
    SurveyInvitation,
    SurveyItem,
)
from supervision.demo import DEMO_EMAIL_DOMAIN, DEMO_OFFICE_CODE
from supervision.models import AreaOffice, Committee, Consortium, Membership, Person, School
from worker.rules import bangkok_at

DIRECTORS_MEETING = "การประชุมผู้บริหารสถานศึกษา"
DOCUMENTS = {
    "plan": ("plan", "แผนปฏิบัติการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา ปีการศึกษา 2563"),
    "manual": ("manual", "คู่มือการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา"),
    "covid": ("plan", "แผนการจัดการเรียนการสอนทางไกลในสถานการณ์การแพร่ระบาดของโรคติดเชื้อไวรัสโคโรนา 2019"),
    "local": ("framework", "กรอบหลักสูตรท้องถิ่น สพม.อุบลราชธานี อำนาจเจริญ"),
    "reopen": ("report", "รายงานผลการตรวจความพร้อมการเปิดภาคเรียน ปีการศึกษา 2563"),
    "grades": ("manual", "คู่มือการดำเนินงานแก้ปัญหานักเรียนที่มีผลการเรียน 0 ร มส และ มผ"),
    "support": ("plan", "แผนการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน"),
}
SURVEY = (
    "แบบสอบถามความพึงพอใจของผู้รับบริการต่อการนิเทศ ติดตาม",
    [
        ("ด้านกระบวนการนิเทศ", ["มีการแจ้งกำหนดการนิเทศล่วงหน้า", "ขั้นตอนการนิเทศชัดเจน เป็นระบบ", "ระยะเวลาการนิเทศเหมาะสม"]),
        ("ด้านศึกษานิเทศก์", ["ให้คำแนะนำด้วยความเป็นกันเอง", "มีความรู้ความเข้าใจในเรื่องที่นิเทศ", "รับฟังความคิดเห็นของโรงเรียน"]),
        (
            "ด้านผลการนิเทศ",
            ["ได้แนวทางพัฒนาที่นำไปใช้ได้จริง", "ข้อเสนอแนะสอดคล้องกับบริบทของโรงเรียน", "รายงานผลการนิเทศส่งถึงโรงเรียนรวดเร็ว"],
        ),
    ],
)


def _person(local: str) -> Person:
    return Person.objects.get(email=f"{local}@{DEMO_EMAIL_DOMAIN}")


def _at(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return bangkok_at(day, dt.time(h, m))


def _documents(office, user) -> dict[str, Document]:
    out = {}
    for key, (kind, title) in DOCUMENTS.items():
        doc = Document.objects.filter(office=office, title=title).first() or services.document_create(
            office_id=office.pk, user=user, title=title, kind=kind
        )
        if not doc.versions.exists():
            services.document_version_add(document=doc, user=user, note="ร่างที่คณะทำงานจัดทำ")
        out[key] = doc
    return out


def _latest(doc: Document) -> DocumentVersion:
    return doc.versions.order_by("-number").first()


def _meeting(committee, user, spec: dict) -> Meeting | None:
    year = spec["date"].year + 543
    if Meeting.objects.filter(committee=committee, year=year, number=spec["number"]).exists():
        return None
    return services.meeting_create(
        committee=committee,
        user=user,
        date=spec["date"],
        start_time=dt.time(9, 0),
        end_time=dt.time(12, 0),
        place=spec["place"],
        online_link=spec.get("online_link", ""),
        number=spec["number"],
        title=spec["title"],
        letter_no=spec["letter_no"],
        letter_date=spec["date"] - dt.timedelta(days=10),
        subject=spec["subject"],
        salutation=spec["salutation"],
        enclosures="ระเบียบวาระการประชุม\nเอกสารประกอบการประชุม",
        signer=spec["signer"],
        note_taker=spec["note_taker"],
        checker=spec["checker"],
    )


def _run(meeting: Meeting, user, spec: dict, docs: dict, previous: Meeting | None = None) -> Meeting:
    """Send the letters, record the answers and the day, certify the previous minutes (item 2), write the
    minutes and the resolutions, sign."""
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=user)
    if previous is not None and previous.status == Meeting.Status.MINUTED:
        services.minutes_certify(meeting_id=previous.pk, at_meeting_id=meeting.pk, user=user)
    Meeting.objects.filter(pk=meeting.pk).update(invited_at=_at(spec["date"] - dt.timedelta(days=10), 10))
    invitations = list(meeting.invitations.select_related("person").order_by("sort_order", "id"))
    for k, inv in enumerate(invitations):
        if k in spec.get("absent", {}):
            services.invitation_answer(invitation=inv, answer="absent", reason=spec["absent"][k])
        elif k in spec.get("substitutes", {}):
            name, position = spec["substitutes"][k]
            services.invitation_answer(
                invitation=inv, answer="substitute", substitute_name=name, substitute_position=position
            )
        elif k % 7 != 6:  # a few never answer; the secretary marks them on the day
            services.invitation_answer(invitation=inv, answer="attend")
    services.attendance_record(
        meeting_id=meeting.pk,
        user=user,
        rows=[
            {"invitation": inv.pk, "attendance": "present"}
            for inv in Invitation.objects.filter(meeting=meeting, attendance="unknown")
        ],
    )
    for guest in spec.get("guests", []):
        services.invitation_add(meeting_id=meeting.pk, user=user, person=guest, role=Invitation.Role.GUEST)
    services.attendance_record(
        meeting_id=meeting.pk,
        user=user,
        rows=[
            {"invitation": inv.pk, "attendance": "present"}
            for inv in Invitation.objects.filter(meeting=meeting, role="guest")
        ],
    )
    services.meeting_times(
        meeting_id=meeting.pk, user=user, started_at=_at(spec["date"], 9, 10), ended_at=_at(spec["date"], 12, 5)
    )
    for parent, title, presenter, text, resolution, effect in spec["items"]:
        item = services.agenda_item_add(
            meeting_id=meeting.pk, user=user, parent_number=parent, title=title, presenter=presenter
        )
        services.minutes_write(
            meeting_id=meeting.pk,
            user=user,
            items=[{"item": item.pk, "minutes_text": text, "resolution_text": resolution}],
        )
        if effect:
            kind, key, *actions = effect
            services.resolution_add(
                item_id=item.pk,
                user=user,
                kind=kind,
                text=resolution,
                document_version=_latest(docs[key]) if key else None,
                actions=actions,
            )
            if kind == "changes":  # the working group brings a revised draft to the next meeting
                services.document_version_add(document=docs[key], user=user, note="ปรับปรุงตามมติที่ประชุม")
    for top, text, resolution in spec.get("tops", []):
        item = meeting.agenda.get(parent__isnull=True, number=top)
        services.minutes_write(
            meeting_id=meeting.pk,
            user=user,
            items=[{"item": item.pk, "minutes_text": text, "resolution_text": resolution}],
        )
    workflow.meeting_transition(meeting_id=meeting.pk, to="held", user=user)
    for signer in (spec["note_taker"], spec["checker"]):
        if signer.user_id:
            services.minutes_sign(meeting_id=meeting.pk, user=signer.user)
    meeting.refresh_from_db()
    if meeting.status == Meeting.Status.HELD:  # a signer without a login: the secretary records the signatures
        Meeting.objects.filter(pk=meeting.pk).update(
            note_taker_signed_at=_at(spec["date"], 16), checker_signed_at=_at(spec["date"] + dt.timedelta(days=1), 10)
        )
        workflow.meeting_transition(meeting_id=meeting.pk, to="minuted", user=user)
    return meeting


def load(*, stdout) -> dict:
    office = AreaOffice.objects.filter(code=DEMO_OFFICE_CODE).first()
    if office is None:
        return {}
    User = get_user_model()
    coordinator = User.objects.get(username="coordinator")
    director, deputy = _person("director"), _person("deputy.director")
    note_taker, checker = _person("supervisor02"), _person("supervisor01")
    ktpn = Committee.objects.get(office=office, kind=Committee.Kind.KTPN)
    docs = _documents(office, coordinator)
    schools = list(School.objects.filter(office=office).select_related("director").order_by("code"))

    board = {
        "signer": director,
        "note_taker": note_taker,
        "checker": checker,
        "salutation": "กรรมการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา ทุกท่าน",
        "title": "การประชุมคณะกรรมการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา (ก.ต.ป.น.)",
        "place": "ห้องประชุมราชพฤกษ์ สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา อุบลราชธานี อำนาจเจริญ",
    }
    tops_common = [(1, "ประธานแจ้งนโยบายการนิเทศ ติดตาม ของสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", "ที่ประชุมรับทราบ")]
    specs = [
        {
            **board,
            "number": 1,
            "date": dt.date(2020, 5, 22),
            "letter_no": "ศธ 04332/ว 1021",
            "subject": "ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 1/2563",
            "online_link": "https://meet.demo.nithet.test/ktpn-1-2563",
            "absent": {3: "ติดราชการ"},
            "items": [
                (
                    4,
                    "แนวทางการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา ปีการศึกษา 2563",
                    note_taker,
                    "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษานำเสนอแนวทางการนิเทศแบบมีส่วนร่วม 4 ขั้น "
                    "ได้แก่ ร่วมวางแผน ร่วมทำ ร่วมแลกเปลี่ยน และร่วมติดตาม กรรมการให้ข้อเสนอแนะให้เพิ่มการนิเทศออนไลน์",
                    "เห็นชอบแนวทาง และให้เพิ่มช่องทางการนิเทศออนไลน์",
                    None,
                ),
                (
                    4,
                    "ร่างแผนปฏิบัติการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา ปีการศึกษา 2563",
                    note_taker,
                    "ที่ประชุมพิจารณาร่างแผน กรรมการเสนอให้กำหนดตัวชี้วัดความสำเร็จให้ชัดเจน",
                    "ให้ปรับปรุงตัวชี้วัดความสำเร็จ แล้วเสนอที่ประชุมครั้งต่อไป",
                    ("changes", "plan"),
                ),
            ],
            "tops": tops_common,
        },
        {
            **board,
            "number": 2,
            "date": dt.date(2020, 6, 19),
            "letter_no": "ศธ 04332/ว 1288",
            "subject": "ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 2/2563",
            "substitutes": {2: ("นางสาวกานดา ตัวอย่างศรี", "นักวิชาการศึกษาชำนาญการ")},
            "items": [
                (
                    3,
                    "แผนปฏิบัติการนิเทศ ติดตาม ที่ปรับปรุงตามมติครั้งที่ 1/2563",
                    note_taker,
                    "ฝ่ายเลขานุการนำเสนอแผนที่ปรับปรุงตัวชี้วัดแล้ว",
                    "อนุมัติแผนปฏิบัติการนิเทศ ติดตาม ฉบับปรับปรุง",
                    ("approve", "plan"),
                ),
                (
                    4,
                    "คู่มือการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา",
                    checker,
                    "คณะทำงานนำเสนอคู่มือ ประกอบด้วยขั้นตอน เครื่องมือ และแบบรายงาน",
                    "อนุมัติคู่มือการนิเทศ",
                    ("approve", "manual"),
                ),
                (
                    4,
                    "แผนการจัดการเรียนการสอนทางไกลในสถานการณ์โควิด 19",
                    note_taker,
                    "ที่ประชุมพิจารณาแผนการจัดการเรียนการสอนแบบ On-Air Online และ On-Hand",
                    "อนุมัติแผน",
                    ("approve", "covid"),
                ),
                (
                    4,
                    "กรอบหลักสูตรท้องถิ่น",
                    checker,
                    "คณะทำงานนำเสนอกรอบหลักสูตรท้องถิ่นของสองจังหวัด",
                    "อนุมัติกรอบหลักสูตรท้องถิ่น",
                    ("approve", "local"),
                ),
                (
                    5,
                    "การติดตามความพร้อมการเปิดภาคเรียน",
                    note_taker,
                    "ประธานขอให้ติดตามความพร้อมของโรงเรียนทุกแห่งก่อนเปิดภาคเรียน",
                    "มอบกลุ่มนิเทศจัดทำรายงานความพร้อมการเปิดภาคเรียน",
                    (
                        "actions",
                        None,
                        {
                            "title": "จัดทำรายงานผลการตรวจความพร้อมการเปิดภาคเรียน",
                            "owner": checker,
                            "due_date": dt.date(2020, 7, 17),
                        },
                    ),
                ),
            ],
            "tops": tops_common,
        },
        {
            **board,
            "number": 3,
            "date": dt.date(2020, 7, 24),
            "letter_no": "ศธ 04332/ว 1540",
            "subject": "ขอเชิญประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 3/2563",
            "absent": {1: "ลาป่วย"},
            "items": [
                (
                    3,
                    "รายงานผลการตรวจความพร้อมการเปิดภาคเรียน ปีการศึกษา 2563",
                    checker,
                    "กลุ่มนิเทศรายงานผลการตรวจความพร้อมของโรงเรียน 81 แห่ง",
                    "อนุมัติรายงาน",
                    ("approve", "reopen"),
                ),
                (
                    4,
                    "คู่มือการดำเนินงานแก้ปัญหานักเรียนที่มีผลการเรียน 0 ร มส และ มผ",
                    note_taker,
                    "ที่ประชุมพิจารณาขั้นตอนการสอนซ่อมเสริมและการสอบแก้ตัว",
                    "อนุมัติคู่มือ",
                    ("approve", "grades"),
                ),
                (
                    4,
                    "แผนการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
                    checker,
                    "ที่ประชุมพิจารณาแผนการเยี่ยมบ้านและการคัดกรองนักเรียน",
                    "อนุมัติแผน",
                    ("approve", "support"),
                ),
                (
                    4,
                    "การนิเทศ ติดตาม ภาคเรียนที่ 1 ระหว่างวันที่ 3–14 สิงหาคม 2563",
                    note_taker,
                    "ฝ่ายเลขานุการนำเสนอกำหนดการออกนิเทศโรงเรียนทุกแห่ง 11 คณะ",
                    "เห็นชอบกำหนดการ และให้ประกาศในการประชุมผู้บริหาร",
                    (
                        "actions",
                        None,
                        {
                            "title": "สรุปผลการนิเทศภาคเรียนที่ 1 เสนอ ก.ต.ป.น.",
                            "owner": note_taker,
                            "due_date": dt.date(2020, 8, 31),
                        },
                    ),
                ),
            ],
            "tops": tops_common,
        },
    ]
    counts = {"meetings": 0}
    held = []
    for spec in specs:
        meeting = _meeting(ktpn, coordinator, spec)
        if meeting is None:
            continue
        previous = Meeting.objects.filter(committee=ktpn, year=2563, number=spec["number"] - 1).first()
        held.append(_run(meeting, coordinator, spec, docs, previous))
        counts["meetings"] += 1

    # The directors' meeting 4/2563: every school director, the office's staff as guests.
    directors_committee, _ = Committee.objects.get_or_create(
        office=office, kind=Committee.Kind.ADHOC, name=DIRECTORS_MEETING, defaults={"number": None}
    )
    for k, person in enumerate([director, deputy]):
        Membership.objects.get_or_create(
            committee=directors_committee,
            person=person,
            defaults={"role": "chair" if k == 0 else "secretary", "sort_order": k},
        )
    for k, school in enumerate(schools, start=2):
        if school.director_id:
            Membership.objects.get_or_create(
                committee=directors_committee,
                person=school.director,
                defaults={"role": "member", "sort_order": k, "position_note": f"ผู้อำนวยการ{school.name_th}"},
            )
    spec4 = {
        "number": 4,
        "date": dt.date(2020, 7, 29),
        "title": "การประชุมผู้บริหารสถานศึกษา",
        "place": "หอประชุมโรงเรียนในสังกัด (สถานที่สมมติ)",
        "letter_no": "ศธ 04332/ว 1577",
        "subject": "ขอเชิญประชุมผู้บริหารสถานศึกษา ครั้งที่ 4/2563",
        "salutation": "ผู้อำนวยการโรงเรียนในสังกัด ทุกโรงเรียน",
        "signer": director,
        "note_taker": note_taker,
        "checker": checker,
        "absent": {9: "ติดราชการ", 40: "ลาป่วย"},
        "substitutes": {20: ("นายวิชัย สาธิตกุล", "รองผู้อำนวยการโรงเรียน"), 61: ("นางวารี ทดลองดี", "รองผู้อำนวยการโรงเรียน")},
        "guests": [note_taker, checker],
        "items": [
            (
                1,
                "ประกาศเอกสารที่ ก.ต.ป.น. อนุมัติ ครั้งที่ 2/2563 และ 3/2563",
                deputy,
                "รองผู้อำนวยการสำนักงานเขตแจ้งแผนปฏิบัติการนิเทศ คู่มือการนิเทศ แผนการเรียนการสอนทางไกล "
                "กรอบหลักสูตรท้องถิ่น คู่มือ 0 ร มส มผ และแผนระบบดูแลช่วยเหลือนักเรียน ให้โรงเรียนนำไปใช้",
                "ที่ประชุมรับทราบ และให้โรงเรียนนำเอกสารไปใช้",
                None,
            ),
            (
                4,
                "กำหนดการนิเทศ ติดตาม ภาคเรียนที่ 1/2563",
                note_taker,
                "ศึกษานิเทศก์แจ้งกำหนดการออกนิเทศ 3–14 สิงหาคม 2563 (12 สิงหาคม วันหยุด)",
                "ที่ประชุมรับทราบกำหนดการ",
                None,
            ),
        ],
    }
    meeting4 = _meeting(directors_committee, coordinator, spec4)
    if meeting4 is not None:
        held.append(_run(meeting4, coordinator, spec4, docs))
        counts["meetings"] += 1

    # The 25–26 June 2563 workshop, recorded by one consortium.
    if not LearningExchange.objects.filter(office=office, start_date=dt.date(2020, 6, 25)).exists():
        exchange = LearningExchange.objects.create(
            office=office,
            consortium=Consortium.objects.filter(office=office).order_by("code").first(),
            event="การประชุมเชิงปฏิบัติการแลกเปลี่ยนเรียนรู้ผู้บริหารสถานศึกษา",
            start_date=dt.date(2020, 6, 25),
            end_date=dt.date(2020, 6, 26),
            place="หอประชุมสำนักงานเขตพื้นที่การศึกษา (สถานที่สมมติ)",
            topic="การจัดการเรียนการสอนในสถานการณ์การแพร่ระบาดของโรคโควิด 19 และการเตรียมความพร้อมเปิดภาคเรียน",
            learnt="โรงเรียนต้นแบบ 3 แห่งจากสำนักงานเขตอื่นนำเสนอการจัดการเรียนการสอนแบบผสมผสาน "
            "การคัดกรองนักเรียน และการจัดตารางเรียนสลับกลุ่ม ผู้บริหารแลกเปลี่ยนปัญหาและแนวทางแก้ไขรายสหวิทยาเขต",
            usage="สหวิทยาเขตจัดทำแนวทางการจัดการเรียนการสอนทางไกลร่วมกัน และนำไปใช้ในแผนการนิเทศ ติดตาม ภาคเรียนที่ 1/2563",
            count_office=14,
            count_school=81 + 3,
            count_ktpn=2,
            count_other=3,
            participants_note="ผู้บริหารสถานศึกษาในสังกัด 81 คน ผู้บริหารโรงเรียนเจ้าภาพจากสำนักงานเขตอื่น 3 คน "
            "ศึกษานิเทศก์และบุคลากรสำนักงานเขต 14 คน กรรมการ ก.ต.ป.น. 2 คน วิทยากรภายนอก 3 คน",
        )
        services.participation_from_exchange(exchange=exchange, publish=True)

    counts.update(_survey(office, coordinator))
    for meeting in held:
        services.participation_from_meeting(
            meeting=meeting,
            usage="นำมติที่ประชุมไปปรับปรุงแผนและคู่มือ และแจ้งโรงเรียนนำไปใช้ในการนิเทศ ติดตาม",
            publish=True,
        )
    return {
        **counts,
        "documents": Document.objects.filter(office=office).count(),
        "approved_versions": DocumentVersion.objects.filter(document__office=office, status="approved").count(),
        "participation_records": ParticipationRecord.objects.filter(office=office).count(),
    }


def _survey(office, user) -> dict:
    from schedules.models import Round

    title, dimensions = SURVEY
    form = SurveyForm.objects.filter(office=office, title=title).first()
    if form is None:
        form = SurveyForm.objects.create(office=office, title=title, anonymous=True, banding="0.5")
        for d, (name, items) in enumerate(dimensions, start=1):
            dim = SurveyDimension.objects.create(form=form, order=d, name=name)
            for i, text in enumerate(items, start=1):
                SurveyItem.objects.create(dimension=dim, order=i, text=text)
    aug = Round.objects.filter(slug="aug-2563").first()
    if aug is None:
        return {"survey_responses": form.responses.count()}
    from visits.models import Visit

    approved = Visit.objects.filter(round=aug, approved_at__isnull=False).order_by("approved_at")
    last = approved.last()
    if last is not None:
        services.survey_invitations_ensure(last.approved_at + dt.timedelta(hours=1), since=dt.timedelta(days=3650))
    items = list(SurveyItem.objects.filter(dimension__form=form).order_by("dimension__order", "order"))
    for k, inv in enumerate(SurveyInvitation.objects.filter(form=form, answered_at__isnull=True).order_by("id")):
        if k % 6 == 5:
            continue  # not everyone answers
        answers = {item.pk: 5 - ((k * 7 + n * 3) % 11 == 0) - ((k + n) % 4 == 0) for n, item in enumerate(items)}
        services.survey_submit(
            token=inv.token,
            answers=answers,
            suggestion="อยากให้มีการนิเทศออนไลน์เพิ่มเติม" if k % 4 == 0 else "",
            now=inv.created_at + dt.timedelta(days=1),
        )
    services.participation_from_survey(
        form=form, round=aug, usage="นำผลไปปรับปรุงระยะเวลาและรูปแบบการนิเทศในภาคเรียนที่ 2", publish=True
    )
    if aug is not None and not Opinion.objects.filter(office=office, round=aug).exists():
        director = School.objects.filter(office=office).order_by("code").first().director
        opinion = Opinion.objects.create(
            office=office, round=aug, kind="question", text="โรงเรียนส่งเอกสารประกอบการนิเทศล่วงหน้าได้หรือไม่", author=director
        )
        services.opinion_answer(
            opinion_id=opinion.pk, user=user, answer="ส่งได้ทางระบบนิเทศก่อนวันนิเทศอย่างน้อย 3 วัน", publish=True
        )
    return {"survey_responses": form.responses.count(), "survey_invitations": form.invitations.count()}
