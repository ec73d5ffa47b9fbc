"""Thai sample data for tests, benchmarks and page previews (bench/render_pages.py).

Realistic names and sentences (long school names, tone marks on tall letters, Sara Am, mixed Thai and
English), so a look at the pages shows what a director would see.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta, timezone

from visits.reports.data import (
    AnswerRow,
    ConsortiumCoverage,
    ExamCheck,
    ExamReportData,
    ExamVisit,
    FollowUpRow,
    IndicatorScore,
    Member,
    OfficeInfo,
    OrderCommittee,
    OrderData,
    Photo,
    RoundSummaryData,
    SchoolScore,
    SectionScore,
    SignatureRow,
    TransitionRow,
    VisitReportData,
)

BKK = timezone(timedelta(hours=7))
OFFICE_NAME = "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาอุบลราชธานี อำนาจเจริญ"
SCHOOLS = [
    "โรงเรียนเบญจะมะมหาราช",
    "โรงเรียนนารีนุกูล",
    "โรงเรียนลือคำหาญวารินชำราบ",
    "โรงเรียนหนองบัววิทยา",
    "โรงเรียนกันทรารมณ์",
    "โรงเรียนพิบูลมังสาหาร",
    "โรงเรียนปทุมราชวงศา",
    "โรงเรียนน้ำยืนวิทยา",
    "โรงเรียนตระการพืชผล",
    "โรงเรียนเขื่องในพิทยาคาร",
    "โรงเรียนม่วงสามสิบ",
    "โรงเรียนศรีเมืองวิทยาคาร",
]
CONSORTIA = [
    "สหวิทยาเขตเมืองอุบล",
    "สหวิทยาเขตวารินชำราบ",
    "สหวิทยาเขตมูลน้ำน้อย",
    "สหวิทยาเขตอำนาจเจริญ",
    "สหวิทยาเขตโขงเจียม",
    "สหวิทยาเขตตระการ",
]
PLACES = ["อำเภอเมืองอุบลราชธานี", "อำเภอวารินชำราบ", "จังหวัดอุบลราชธานี", "จังหวัดอำนาจเจริญ"]
PEOPLE = [
    ("นายสมชาย ใจดี", "ศึกษานิเทศก์ชำนาญการพิเศษ", "ประธานกรรมการ"),
    ("นางสาวปิยะนุช ศรีสุข", "ศึกษานิเทศก์ชำนาญการ", "กรรมการ"),
    ("ดร. วิไลวรรณ ผ่องแผ้ว", "ผู้ทรงคุณวุฒิ ก.ต.ป.น.", "กรรมการ"),
    ("นายธนพล ฟ้าใส", "ศึกษานิเทศก์", "กรรมการและเลขานุการ"),
]
QUESTIONS = [
    "โรงเรียนมีแผนปฏิบัติการประจำปีที่สอดคล้องกับนโยบายของสำนักงานเขตพื้นที่การศึกษา",
    "ครูจัดการเรียนรู้เชิงรุก (Active Learning) และใช้สื่อเทคโนโลยีอย่างเหมาะสม",
    "มีระบบดูแลช่วยเหลือนักเรียนและติดตามนักเรียนที่มีผลการเรียน 0 ร มส มผ",
    "ผู้บริหารนิเทศภายในอย่างเป็นระบบและนำผลไปปรับปรุงการจัดการเรียนรู้",
    "การประเมินผลการเรียนรู้ใช้เครื่องมือที่หลากหลายและสะท้อนผลสัมฤทธิ์ที่แท้จริง",
]
LONG = (
    "ผู้อำนวยการโรงเรียนและคณะครูร่วมกันพัฒนาหลักสูตรสถานศึกษาให้สอดคล้องกับบริบทของชุมชน "
    "มีการใช้ข้อมูลผลการทดสอบทางการศึกษาระดับชาติขั้นพื้นฐาน (O-NET) ในการวางแผนยกระดับผลสัมฤทธิ์ "
    "ทางการเรียน และส่งเสริมให้นักเรียนได้เรียนรู้จากแหล่งเรียนรู้ในท้องถิ่น เช่น แม่น้ำมูล และวัดหนองป่าพง"
)


def office(thai_digits: bool = False, logo: bool = True) -> OfficeInfo:
    return OfficeInfo(
        name=OFFICE_NAME,
        short_name="สพม.อุบลราชธานี อำนาจเจริญ",
        address="ถนนแจ้งสนิท ตำบลในเมือง อำเภอเมืองอุบลราชธานี จังหวัดอุบลราชธานี 34000",
        logo=_logo_png() if logo else None,
        thai_digits=thai_digits,
    )


def _logo_png() -> bytes:
    """A plain round seal drawn with Pillow (the office uploads its real logo)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 160), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((6, 6, 154, 154), outline=(30, 60, 140), width=8)
    d.ellipse((40, 40, 120, 120), fill=(30, 60, 140))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def photo_jpeg(seed: int, size=(480, 360)) -> bytes:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    img = Image.new("RGB", size, (rnd.randrange(120, 220), rnd.randrange(120, 220), rnd.randrange(120, 220)))
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.rectangle(
            (x, y, x + rnd.randrange(30, 160), y + rnd.randrange(20, 120)),
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def members() -> tuple[Member, ...]:
    return tuple(Member(n, p, r) for n, p, r in PEOPLE)


def order(thai_digits: bool = False, committees: int = 1) -> OrderData:
    parts = tuple(
        OrderCommittee(
            f"คณะที่ {n}" if committees > 1 else "คณะกรรมการนิเทศ ติดตาม คณะที่ 1",
            members(),
            n,
            centres=(f"{SCHOOLS[n % len(SCHOOLS)]} (สนามสอบ 34010{n})",) if committees > 1 else (),
            dates=(date(2020, 2, 1), date(2020, 2, 2)) if committees > 1 else (),
        )
        for n in range(1, committees + 1)
    )
    return OrderData(
        office=office(thai_digits),
        order_no="245/2563",
        order_date=date(2020, 7, 24),
        subject="แต่งตั้งคณะกรรมการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา ภาคเรียนที่ 1 ปีการศึกษา 2563",
        reason=(
            "ด้วยสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาอุบลราชธานี อำนาจเจริญ กำหนดนิเทศ ติดตาม และประเมินผล"
            "การจัดการศึกษาของสถานศึกษาในสังกัด ระหว่างวันที่ 3 - 14 สิงหาคม 2563 เพื่อให้การดำเนินงาน"
            "เป็นไปด้วยความเรียบร้อยและบรรลุวัตถุประสงค์"
        ),
        authority=(
            "อาศัยอำนาจตามความในมาตรา 37 แห่งพระราชบัญญัติระเบียบบริหารราชการกระทรวงศึกษาธิการ "
            "พ.ศ. 2546 จึงแต่งตั้งคณะกรรมการนิเทศ ติดตาม คณะที่ 1 ประกอบด้วย"
        ),
        committees=parts,
        duties=(
            "นิเทศ ติดตาม การจัดการเรียนการสอนของโรงเรียนที่ได้รับมอบหมาย",
            "สรุปผลการนิเทศและรายงานต่อผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาภายในวันที่ 21 สิงหาคม 2563",
        ),
        signer_name="นายประพันธ์ ผิวผ่อง",
        signer_position="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาอุบลราชธานี อำนาจเจริญ",
        protected=tuple(SCHOOLS + PLACES + CONSORTIA),
    )


def visit(items: int = 20, photos: int = 6, thai_digits: bool = False, school: str = SCHOOLS[2]) -> VisitReportData:
    sections = ["ด้านการบริหารจัดการ", "ด้านการจัดการเรียนรู้", "ด้านระบบดูแลช่วยเหลือนักเรียน", "ด้านการวัดและประเมินผล"]
    answers = []
    for i in range(items):
        sec = sections[i * len(sections) // items]
        answers.append(
            AnswerRow(
                section=sec,
                code=f"{i + 1}",
                question=QUESTIONS[i % len(QUESTIONS)],
                answer=["ดีมาก", "ดี", "พอใช้", "ปรับปรุง"][i % 4],
                score=float(4 - i % 4),
                max_score=4.0,
                note="มีหลักฐานเชิงประจักษ์ครบถ้วน" if i % 5 == 0 else "",
            )
        )
    scores = []
    for sec in sections:
        mine = [a for a in answers if a.section == sec]
        scores.append(SectionScore(sec, sum(a.score for a in mine), sum(a.max_score for a in mine)))
    at = datetime(2020, 8, 3, 9, 15, tzinfo=BKK)
    return VisitReportData(
        office=office(thai_digits),
        visit_id="6f1c2e0a-3b7d-4c55-9a0e-2d4b8f7e1a93",
        verify_code="K7Q2-M9XD",
        verify_url="https://nithet.example.go.th/verify/K7Q2-M9XD/",
        school=school,
        school_code="1034340101",
        place=f"{PLACES[1]} {PLACES[2]} · {CONSORTIA[1]}",
        visit_date=date(2020, 8, 3),
        round_title="การนิเทศ ติดตาม ภาคเรียนที่ 1 ปีการศึกษา 2563",
        committee="คณะที่ 1 คณะนิเทศ ติดตาม",
        members=members(),
        status="อนุมัติแล้ว",
        instrument="แบบนิเทศการจัดการศึกษา ฉบับที่ 2",
        checkin="เข้า 09:12 น. ห่างจากโรงเรียน 85 ม. · ออก 15:40 น.",
        sections=tuple(scores),
        answers=tuple(answers),
        findings=(
            ("จุดเด่น", LONG),
            (
                "จุดที่ควรพัฒนา",
                "การนำผลการประเมินไปใช้ปรับปรุงการจัดการเรียนรู้ยังไม่ต่อเนื่อง ควรจัดทำแผนพัฒนาครูรายบุคคล "
                "(ID Plan) และติดตามผลทุกภาคเรียน",
            ),
        ),
        recommendations=(
            "ควรส่งเสริมการจัดการเรียนรู้เชิงรุกในทุกกลุ่มสาระการเรียนรู้",
            "ควรติดตามนักเรียนที่มีผลการเรียน 0 ร มส มผ ให้แก้ไขภายในภาคเรียนถัดไป",
            "ควรเผยแพร่แนวปฏิบัติที่ดีของโรงเรียนผ่านเครือข่ายสหวิทยาเขต",
        ),
        followups=(
            FollowUpRow("จัดทำแผนพัฒนาครูรายบุคคลและรายงานผล", "นางสาวปิยะนุช ศรีสุข", date(2020, 9, 30), "กำลังดำเนินการ"),
            FollowUpRow("ติดตามนักเรียนที่มีผลการเรียน 0 ร มส มผ", "ผู้อำนวยการโรงเรียน", date(2020, 10, 15), "ยังไม่เริ่ม"),
        ),
        photos=tuple(
            Photo(
                photo_jpeg(i),
                f"กิจกรรมการเรียนรู้ห้องที่ {i + 1} ชั้นมัธยมศึกษาปีที่ {i % 6 + 1}",
                at + timedelta(minutes=17 * i),
                school,
            )
            for i in range(photos)
        ),
        signatures=(
            SignatureRow(PEOPLE[0][0], "ประธานคณะกรรมการนิเทศ", at + timedelta(hours=6)),
            SignatureRow("นายวิชัย ศรีวงศ์", "ผู้อำนวยการโรงเรียน", at + timedelta(hours=6, minutes=5)),
        ),
        transitions=(
            TransitionRow(at, PEOPLE[0][0], "เริ่มบันทึก"),
            TransitionRow(at + timedelta(hours=6), PEOPLE[0][0], "ส่งรายงาน"),
            TransitionRow(at + timedelta(days=1), "นายวิชัย ศรีวงศ์", "รับทราบ", "รับทราบและจะดำเนินการ"),
            TransitionRow(at + timedelta(days=2), "นายประพันธ์ ผิวผ่อง", "อนุมัติ"),
        ),
        protected=tuple(SCHOOLS + PLACES + CONSORTIA),
    )


def round_summary(n_schools: int = 81, thai_digits: bool = False, seed: int = 7) -> RoundSummaryData:
    rnd = random.Random(seed)
    names = [
        f"{SCHOOLS[i % len(SCHOOLS)]}{'' if i < len(SCHOOLS) else ' ' + str(i // len(SCHOOLS) + 1)}"
        for i in range(n_schools)
    ]
    consortia = [CONSORTIA[i % len(CONSORTIA)] for i in range(n_schools)]
    statuses = ["อนุมัติแล้ว", "ส่งแล้ว รอตรวจ", "ร่าง", "ยังไม่ตรวจเยี่ยม"]
    schools, not_visited = [], []
    for i, name in enumerate(names):
        st = statuses[0] if rnd.random() < 0.7 else rnd.choice(statuses[1:])
        pct = None if st == statuses[3] else round(rnd.uniform(35, 98), 1)
        when = None if st == statuses[3] else date(2020, 8, 3) + timedelta(days=rnd.randrange(12))
        schools.append(SchoolScore(name, consortia[i], st, pct, when))
        if st == statuses[3]:
            not_visited.append((name, consortia[i], date(2020, 8, 17) if i % 2 else None))
    coverage = []
    for c in CONSORTIA:
        mine = [s for s in schools if s.consortium == c]
        coverage.append(
            ConsortiumCoverage(
                c,
                len(mine),
                sum(1 for s in mine if s.status != statuses[3]),
                sum(1 for s in mine if s.status in statuses[:2]),
                sum(1 for s in mine if s.status == statuses[0]),
            )
        )
    indicators = tuple(
        IndicatorScore(str(k + 1), q, rnd.uniform(40, 95), n_schools - len(not_visited))
        for k, q in enumerate(QUESTIONS * 2)
    )
    return RoundSummaryData(
        office=office(thai_digits),
        round_title="การนิเทศ ติดตาม ภาคเรียนที่ 1 ปีการศึกษา 2563",
        slug="aug-2563",
        academic_year=2563,
        start_date=date(2020, 8, 3),
        end_date=date(2020, 8, 14),
        generated_at=datetime(2020, 8, 20, 10, 30, tzinfo=BKK),
        coverage=tuple(coverage),
        indicators=indicators,
        schools=tuple(schools),
        recommendations=(
            ("ควรส่งเสริมการจัดการเรียนรู้เชิงรุกในทุกกลุ่มสาระการเรียนรู้", 37),
            ("ควรติดตามนักเรียนที่มีผลการเรียน 0 ร มส มผ อย่างต่อเนื่อง", 29),
            ("ควรใช้ผลการทดสอบ O-NET วางแผนพัฒนาผู้เรียน", 18),
        ),
        followup_status=(("ยังไม่ดำเนินการ", 21), ("กำลังดำเนินการ", 34), ("ดำเนินการแล้ว", 40), ("ตรวจสอบแล้ว", 12)),
        not_visited=tuple(not_visited),
        protected=tuple(SCHOOLS + PLACES + CONSORTIA),
    )


def exam(thai_digits: bool = False) -> ExamReportData:
    checks = (
        "สนามสอบติดป้ายประกาศรายชื่อและแผนผังห้องสอบ",
        "ข้อสอบบรรจุในซองปิดผนึกเรียบร้อย",
        "กรรมการคุมสอบครบตามจำนวนห้องสอบ",
        "ห้องสอบมีนาฬิกาและอุปกรณ์ครบถ้วน",
        "จัดเก็บเครื่องมือสื่อสารของผู้เข้าสอบไว้นอกห้องสอบ",
    )
    visits = []
    for k in range(7):
        for day, session in ((date(2020, 2, 1), "ช่วงเช้า"), (date(2020, 2, 1), "ช่วงบ่าย"), (date(2020, 2, 2), "ช่วงเช้า")):
            centre = SCHOOLS[(2 * k + (session == "ช่วงบ่าย")) % len(SCHOOLS)]
            failed = (k + day.day) % 4 == 0
            visits.append(
                ExamVisit(
                    committee=f"คณะที่ {k + 1}",
                    centre=centre,
                    centre_code=f"34{k:02d}{day.day}",
                    day=day,
                    session=session,
                    status="อนุมัติแล้ว",
                    checks=tuple(
                        ExamCheck(
                            c,
                            "ไม่ผ่าน" if failed and i == 2 else "ผ่าน",
                            "กรรมการคุมสอบมาไม่ครบ 1 คน จัดสำรองแทนแล้ว" if failed and i == 2 else "",
                        )
                        for i, c in enumerate(checks)
                    ),
                    incidents=("ผู้เข้าสอบมาสาย 2 คน เนื่องจากฝนตกหนัก ได้รับอนุญาตตามระเบียบ",) if failed else (),
                )
            )
    return ExamReportData(
        office=office(thai_digits),
        round_title="การตรวจเยี่ยมสนามสอบ O-NET ชั้นมัธยมศึกษาปีที่ 3 ปีการศึกษา 2562",
        start_date=date(2020, 2, 1),
        end_date=date(2020, 2, 2),
        committees=tuple((f"คณะที่ {k + 1}", members()[: 2 + k % 3]) for k in range(7)),
        visits=tuple(visits),
        protected=tuple(SCHOOLS + PLACES + CONSORTIA),
    )
