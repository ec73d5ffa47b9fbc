"""Demo instruments and the first week (3–7 Aug 2020) of the `aug-2563` round, recorded as real work.

Three instruments, written in the same sheet format offices import (`visits.instruments`): the August
supervision form (21 items, 4 sections), the O-NET exam-site checklist (17 items, following the testing
service's site procedures) and a school-reopening readiness checklist (10 items). The August form is set on
`aug-2563`, the checklist on `onet-m3-2562`, whose 28 inspections (7 committees × 2 days × 2 sessions) are
recorded too: most sites pass every item; `EXAM_FINDINGS` lists the failed items and incidents.

Every week-1 assignment of `aug-2563` gets a visit recorded through the same services a tablet and a chair
use (`visit_save`, `evidence_declare`/`evidence_store`, `signature_add`, `visit_transition`,
`followup_update`): answers, findings, recommendations, a photo, signatures, then submitted / returned /
approved. Committee 1 (the `chair` and `supervisor` logins) has visits in every state; the school of the
`school_director` login has an approved visit waiting for the director's acknowledgement. Visits without a
demo login in their committee are recorded and approved by the `coordinator` login (coordinators may).

Services stamp "now"; afterwards the story's timestamps (submitted/approved times, the log, follow-up due
dates) are moved back to August 2020 so reports read like the real round. Ids are uuid5 of stable keys, and
a visit that already exists is left alone, so loading twice gives the same rows.
"""

import datetime
import hashlib
import io
import random
import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from PIL import Image, ImageDraw

from schedules.models import Assignment, Round
from supervision.demo import DEMO_OFFICE_CODE
from supervision.models import AreaOffice, Membership
from visits import services
from visits.evidence import evidence_store
from visits.followups import followup_update
from visits.instruments import build_version, instrument_version_publish, parse_rows
from visits.models import Evidence, FollowUp, Instrument, InstrumentVersion, Signature, Visit, VisitTransition
from visits.workflow import visit_transition

BKK = ZoneInfo("Asia/Bangkok")
NS = uuid.UUID("6f1c1a52-6c2e-4d0b-9a55-2563a0c0ffee")
HEADER = ["ด้าน", "น้ำหนักด้าน", "รหัสข้อ", "ชนิด", "ข้อคำถาม", "ระดับหรือตัวเลือก", "ต้องตอบ", "ต้องมีภาพ", "น้ำหนัก"]
Q4 = (
    "ปรับปรุง: ยังไม่ดำเนินการหรือดำเนินการไม่เป็นระบบ | พอใช้: ดำเนินการบางส่วน ยังไม่ต่อเนื่อง | "
    "ดี: ดำเนินการเป็นระบบและต่อเนื่อง | ดีมาก: ดำเนินการเป็นระบบ ต่อเนื่อง และเป็นแบบอย่างได้"
)
S1, S2, S3, S4 = ("การจัดการเรียนการสอน", "การวัดและประเมินผล", "ระบบดูแลช่วยเหลือนักเรียน", "การบริหารจัดการ")
AUG_FORM = [
    HEADER,
    [S1, "1", "1.1", "rating", "ครูจัดทำแผนการจัดการเรียนรู้ที่เน้นผู้เรียนเป็นสำคัญ (Active Learning)", Q4, "ใช่", "", "2"],
    [S1, "", "1.2", "rating", "ครูใช้สื่อ เทคโนโลยี และแหล่งเรียนรู้ที่หลากหลาย", Q4, "ใช่", "", "1"],
    [
        S1,
        "",
        "1.3",
        "rating",
        "การจัดการเรียนการสอนในสถานการณ์โควิด-19 (On-site / On-air / Online / On-hand)",
        Q4,
        "ใช่",
        "",
        "1",
    ],
    [S1, "", "1.4", "yes_no", "โรงเรียนมีการนิเทศภายในอย่างเป็นระบบ (มีปฏิทินและบันทึกการนิเทศ)", "", "ใช่", "ใช่", "1"],
    [S1, "", "1.5", "rating", "การพัฒนาทักษะการอ่าน การเขียน และการคิดวิเคราะห์ของผู้เรียน", Q4, "ใช่", "", "1"],
    [S2, "1", "2.1", "rating", "การวัดและประเมินผลตามสภาพจริง สอดคล้องกับตัวชี้วัด", Q4, "ใช่", "", "2"],
    [S2, "", "2.2", "yes_no", "มีเครื่องมือวัดและประเมินผลที่หลากหลายและมีคุณภาพ", "", "ใช่", "", "1"],
    [S2, "", "2.3", "rating", "การนำผลการประเมินไปใช้พัฒนาผู้เรียน", Q4, "ใช่", "", "1"],
    [
        S2,
        "",
        "2.4",
        "single_choice",
        "ผลการทดสอบ O-NET ปีการศึกษา 2562 เทียบกับปีก่อน",
        "up=สูงขึ้น=100 | same=เท่าเดิม=50 | down=ลดลง=0",
        "ใช่",
        "",
        "1",
    ],
    [S2, "", "2.5", "long_text", "การเตรียมความพร้อมสำหรับการทดสอบระดับชาติ", "", "ไม่", "", "0"],
    [S3, "1", "3.1", "rating", "การคัดกรองและรู้จักนักเรียนเป็นรายบุคคล", Q4, "ใช่", "", "2"],
    [S3, "", "3.2", "number", "จำนวนนักเรียนที่มีผลการเรียน 0 (ภาคเรียนที่ 2/2562)", "", "ใช่", "", "0"],
    [S3, "", "3.3", "number", "จำนวนนักเรียนที่มีผลการเรียน ร", "", "ใช่", "", "0"],
    [S3, "", "3.4", "number", "จำนวนนักเรียนที่มีผลการเรียน มส", "", "ใช่", "", "0"],
    [S3, "", "3.5", "number", "จำนวนนักเรียนที่มีผลกิจกรรม มผ", "", "ใช่", "", "0"],
    [
        S3,
        "",
        "3.6",
        "single_choice",
        "การติดตามแก้ไขผลการเรียน 0 ร มส มผ",
        "done=ดำเนินการครบทุกรายวิชา=100 | part=ดำเนินการบางส่วน=50 | none=ยังไม่ดำเนินการ=0",
        "ใช่",
        "",
        "2",
    ],
    [S3, "", "3.7", "yes_no", "มีการเยี่ยมบ้านนักเรียนครบทุกคน", "", "ใช่", "", "1"],
    [S4, "1", "4.1", "rating", "การบริหารหลักสูตรสถานศึกษา", Q4, "ใช่", "", "1"],
    [S4, "", "4.2", "rating", "การขับเคลื่อนนโยบายของสำนักงานเขตพื้นที่การศึกษา", Q4, "ใช่", "", "1"],
    [
        S4,
        "",
        "4.3",
        "multi_choice",
        "ช่องทางการสื่อสารกับผู้ปกครอง",
        "line=กลุ่มไลน์ | fb=เฟซบุ๊ก | meeting=ประชุมผู้ปกครอง | visit=เยี่ยมบ้าน",
        "ไม่",
        "",
        "0",
    ],
    [S4, "", "4.4", "yes_no", "มีแผนปฏิบัติการประจำปีที่สอดคล้องกับนโยบาย", "", "ใช่", "", "1"],
]
E1, E2, E3 = "ก่อนการสอบ", "ระหว่างการสอบ", "หลังการสอบ"
# The exam-site checklist follows the national testing service's (สทศ.) site procedures: proctors report to
# the head of site 30 minutes before the test, the test envelopes are checked sealed and opened in front of
# the candidates, forms สทศ.2 (signatures), สทศ.3 (special cases) and สทศ.5 (rule breaches), the O-NET 1
# (head of site ↔ proctor) and O-NET 2 (site → centre) hand-overs, and the exam centre's representative
# (ตัวแทนศูนย์สอบ) at the site (shared/research/participation-ita.md).
FORM_CASE = "none=ไม่มีกรณีดังกล่าว=100 | recorded=มี และบันทึกในแบบครบถ้วน=100 | missing=มี แต่ไม่ได้บันทึกในแบบ=0"
ONET_FORM = [
    HEADER,
    [E1, "1", "1.1", "yes_no", "กรรมการคุมสอบรายงานตัวต่อหัวหน้าสนามสอบก่อนเวลาสอบอย่างน้อย 30 นาที", "", "ใช่", "", "1"],
    [E1, "", "1.2", "yes_no", "ตัวแทนศูนย์สอบอยู่ประจำสนามสอบตลอดการสอบ", "", "ใช่", "", "1"],
    [E1, "", "1.3", "yes_no", "ติดประกาศรายชื่อผู้เข้าสอบและแผนผังที่นั่งสอบหน้าห้องสอบ", "", "ใช่", "ใช่", "1"],
    [
        E1,
        "",
        "1.4",
        "yes_no",
        "หัวหน้าสนามสอบส่งมอบแบบทดสอบแก่กรรมการคุมสอบ ลงลายมือชื่อรับ-ส่งในแบบ O-NET 1",
        "",
        "ใช่",
        "",
        "1",
    ],
    [E1, "", "1.5", "yes_no", "ผู้เข้าสอบไม่นำเครื่องมือสื่อสารและอุปกรณ์ต้องห้ามเข้าห้องสอบ", "", "ใช่", "", "1"],
    [E2, "1", "2.1", "yes_no", "ตรวจซองแบบทดสอบว่าปิดผนึกเรียบร้อย และเปิดซองต่อหน้าผู้เข้าสอบตรงเวลา", "", "ใช่", "", "1"],
    [E2, "", "2.2", "yes_no", "ผู้เข้าสอบลงลายมือชื่อในแบบ สทศ.2 ครบทุกคน (3 ฉบับต่อห้องสอบ)", "", "ใช่", "", "1"],
    [E2, "", "2.3", "single_choice", "กรณีพิเศษบันทึกในแบบ สทศ.3", FORM_CASE, "ใช่", "", "1"],
    [E2, "", "2.4", "single_choice", "การทุจริตหรือผิดระเบียบบันทึกในแบบ สทศ.5", FORM_CASE, "ใช่", "", "1"],
    [E2, "", "2.5", "number", "จำนวนผู้เข้าสอบ", "", "ใช่", "", "0"],
    [E2, "", "2.6", "number", "จำนวนผู้ขาดสอบ", "", "ใช่", "", "0"],
    [E2, "", "2.7", "short_text", "เหตุการณ์ผิดปกติ (ถ้ามี)", "", "ไม่", "", "0"],
    [E3, "1", "3.1", "yes_no", "บรรจุกระดาษคำตอบและปิดผนึกซองต่อหน้าผู้เข้าสอบ", "", "ใช่", "", "1"],
    [
        E3,
        "",
        "3.2",
        "yes_no",
        "กรรมการคุมสอบส่งคืนแบบทดสอบและกระดาษคำตอบแก่หัวหน้าสนามสอบ ลงลายมือชื่อในแบบ O-NET 1",
        "",
        "ใช่",
        "",
        "1",
    ],
    [
        E3,
        "",
        "3.3",
        "yes_no",
        "หัวหน้าสนามสอบส่งมอบกล่องกระดาษคำตอบแก่ตัวแทนศูนย์สอบตรงเวลา ลงลายมือชื่อในแบบ O-NET 2",
        "",
        "ใช่",
        "",
        "1",
    ],
    [E3, "", "3.4", "rating", "ความเรียบร้อยของการดำเนินการสอบโดยรวม", Q4, "ใช่", "", "2"],
    [E3, "", "3.5", "long_text", "ข้อเสนอแนะต่อสนามสอบ", "", "ไม่", "", "0"],
]
R1_, R2_ = "มาตรการป้องกันโรคโควิด-19", "ความพร้อมด้านการเรียนการสอน"
REOPEN_FORM = [
    HEADER,
    [R1_, "1", "1", "yes_no", "มีจุดคัดกรองวัดอุณหภูมิทางเข้าโรงเรียน", "", "ใช่", "ใช่", "1"],
    [R1_, "", "2", "yes_no", "นักเรียนและบุคลากรสวมหน้ากากอนามัยตลอดเวลา", "", "ใช่", "", "1"],
    [R1_, "", "3", "yes_no", "มีจุดล้างมือด้วยสบู่หรือเจลแอลกอฮอล์เพียงพอ", "", "ใช่", "", "1"],
    [R1_, "", "4", "yes_no", "จัดเว้นระยะห่างในห้องเรียนและพื้นที่ส่วนกลาง", "", "ใช่", "", "1"],
    [R1_, "", "5", "yes_no", "ทำความสะอาดพื้นที่และอุปกรณ์ที่ใช้ร่วมกันเป็นประจำ", "", "ใช่", "", "1"],
    [R1_, "", "6", "yes_no", "ลดการทำกิจกรรมรวมกลุ่ม", "", "ใช่", "", "1"],
    [
        R2_,
        "1",
        "7",
        "single_choice",
        "รูปแบบการจัดการเรียนการสอน",
        "onsite=On-site เต็มรูปแบบ=100 | shift=สลับวันมาเรียน=100 | online=ออนไลน์/On-air=50",
        "ใช่",
        "",
        "1",
    ],
    [R2_, "", "8", "rating", "ความพร้อมของแผนการจัดการเรียนรู้ภาคเรียนที่ 1/2563", Q4, "ใช่", "", "2"],
    [R2_, "", "9", "number", "จำนวนห้องเรียนที่ต้องแบ่งกลุ่มนักเรียน", "", "ไม่", "", "0"],
    [R2_, "", "10", "long_text", "ปัญหาและความต้องการช่วยเหลือ", "", "ไม่", "", "0"],
]
INSTRUMENTS = [
    (
        "aug-supervision-2563",
        "แบบนิเทศ ติดตามการจัดการเรียนการสอน ภาคเรียนที่ 1 ปีการศึกษา 2563",
        Instrument.Kind.SUPERVISION,
        AUG_FORM,
    ),
    ("onet-exam-site", "แบบตรวจเยี่ยมสนามสอบ O-NET", Instrument.Kind.EXAM_INSPECTION, ONET_FORM),
    (
        "reopening-readiness-2563",
        "แบบตรวจความพร้อมการเปิดภาคเรียน (มาตรการป้องกันโรคโควิด-19)",
        Instrument.Kind.READINESS,
        REOPEN_FORM,
    ),
]

STRENGTHS = [
    "ผู้บริหารให้ความสำคัญกับการนิเทศภายใน มีปฏิทินนิเทศชัดเจน",
    "ครูจัดกิจกรรมการเรียนรู้เชิงรุก นักเรียนมีส่วนร่วมดี",
    "โรงเรียนมีระบบดูแลช่วยเหลือนักเรียนที่เข้มแข็ง ครูที่ปรึกษาเยี่ยมบ้านครบ",
    "มีการใช้ DLTV และสื่อออนไลน์อย่างเหมาะสมในช่วงสถานการณ์โควิด-19",
    "ชุมชนและผู้ปกครองมีส่วนร่วมในการจัดการศึกษา",
]
TO_IMPROVE = [
    "การนำผลการประเมินไปใช้ปรับปรุงการจัดการเรียนรู้ยังไม่ชัดเจน",
    "การติดตามแก้ไขผลการเรียน 0 ร มส มผ ยังไม่ครบทุกรายวิชา",
    "เครื่องมือวัดผลบางรายวิชายังไม่หลากหลาย",
    "การบันทึกผลการนิเทศภายในยังไม่ต่อเนื่อง",
]
RECOMMENDATIONS = [
    "ควรจัดทำแผนติดตามแก้ไขผลการเรียน 0 ร มส มผ เป็นรายวิชาและกำหนดเวลาแล้วเสร็จ",
    "ควรส่งเสริมการวัดและประเมินผลตามสภาพจริงและนำผลไปพัฒนาผู้เรียน",
    "ควรจัดชุมชนการเรียนรู้ทางวิชาชีพ (PLC) เพื่อพัฒนาการจัดการเรียนรู้เชิงรุก",
    "ควรวิเคราะห์ผลการทดสอบ O-NET รายมาตรฐานและวางแผนยกระดับผลสัมฤทธิ์",
    "ควรบันทึกผลการนิเทศภายในอย่างต่อเนื่องและสะท้อนผลให้ครู",
    "ควรพัฒนาทักษะการอ่านและการเขียนของนักเรียนชั้น ม.1 อย่างเป็นระบบ",
]
# States for committee 1 (the chair/supervisor logins), in date order; other committees cycle STATES_OTHER.
STATES_C1 = ["approved", "approved", "submitted", "returned", "approved", "submitted", "draft", "approved", "submitted"]
STATES_OTHER = ["approved", "approved", "approved", "submitted", "approved", "approved", "submitted", "approved"]
PHOTO_EVERY = 3  # every third draft carries its photo file; the other drafts list theirs as still to come


def _instrument(office, code, name, kind, rows, counts) -> InstrumentVersion:
    instrument, created = Instrument.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "office": office}
    )
    counts["created" if created else "unchanged"] += 1
    version = instrument.versions.order_by("number").first()
    if version is None:
        version = InstrumentVersion.objects.create(instrument=instrument, number=1, notes="ฉบับสาธิต (demo version)")
        build_version(version, parse_rows(rows))
        version = instrument_version_publish(version=version)
        counts["created"] += 1
    return version


def _photo(seed: int, when: datetime.datetime, lat: float, lon: float) -> bytes:
    """A small generated classroom-ish picture with EXIF time and GPS, as a tablet camera would write."""
    from PIL import ExifTags

    rnd = random.Random(seed)
    im = Image.new("RGB", (480, 360), (235, 232, 220))
    d = ImageDraw.Draw(im)
    d.rectangle((40, 30, 440, 170), fill=(34, 85, 60))  # the board
    for row in range(3):
        for col in range(5):
            x, y = 50 + col * 85, 200 + row * 50
            d.rectangle((x, y, x + 60, y + 25), fill=(150, 100, 60))
            d.ellipse((x + 20, y - 18, x + 40, y + 2), fill=tuple(rnd.randrange(60, 200) for _ in range(3)))
    d.text((60, 60), f"Aug 2020 #{seed % 1000}", fill=(240, 240, 240))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = when.astimezone(BKK).strftime("%Y:%m:%d %H:%M:%S")
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)

    def dms(v):
        deg = int(v)
        minutes = int((v - deg) * 60)
        return (float(deg), float(minutes), round((v - deg - minutes / 60) * 3600, 2))

    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", dms(lat)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", dms(lon)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80, exif=exif.tobytes())
    return buf.getvalue()


def _signature(seed: int) -> bytes:
    rnd = random.Random(seed)
    im = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    d = ImageDraw.Draw(im)
    x, y = 20, 70
    points = [(x, y)]
    for _ in range(14):
        x += rnd.randint(12, 26)
        y = max(20, min(100, y + rnd.randint(-30, 30)))
        points.append((x, y))
    d.line(points, fill=(20, 30, 120, 255), width=4, joint="curve")
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _answers(rnd: random.Random, version: InstrumentVersion, school) -> list[dict]:
    out = []
    weak = rnd.random() < 0.25  # a quarter of schools struggle
    for item in version.items.all():
        if item.type == "rating":
            value = rnd.choice([1, 2, 2, 3] if weak else [2, 3, 3, 4, 4])
        elif item.type == "yes_no":
            value = rnd.random() > (0.4 if weak else 0.12)
        elif item.type == "number":
            value = rnd.randint(0, max(1, school.students // (40 if weak else 150)))
        elif item.type == "single_choice":
            value = rnd.choice([o["value"] for o in item.options] + ([] if weak else [item.options[0]["value"]]))
        elif item.type == "multi_choice":
            value = sorted(rnd.sample([o["value"] for o in item.options], rnd.randint(1, len(item.options))))
        elif item.type == "long_text":
            value = "เตรียมความพร้อมโดยจัดติวเข้มและใช้ข้อสอบเก่าวิเคราะห์รายมาตรฐาน" if rnd.random() < 0.5 else None
        else:
            value = None
        if value is not None:
            out.append({"item": item.code, "value": value})
    return out


def _when(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BKK)


def _committee_people(a: Assignment, users: dict):
    """(members, recorder, chair) of the assignment's committee: a member with a login other than the chair
    records (else any member with a login, else the coordinator); the chair reviews (else the coordinator)."""
    members = list(Membership.objects.filter(committee=a.committee).select_related("person__user"))
    login_members = [m for m in members if m.person.user_id]
    recorder = next(
        (m.person.user for m in login_members if m.role != Membership.Role.CHAIR),
        next((m.person.user for m in login_members), users["coordinator"]),
    )
    chair = next((m.person.user for m in login_members if m.role == Membership.Role.CHAIR), users["coordinator"])
    return members, recorder, chair


def _save_visit(vid, recorder, a, members, answers, findings, where, start, stay, accuracy, counts) -> None:
    """Save the visit as its tablet would: answers, findings, check-in at `start` and check-out `stay` later
    at `where` (lat, lon) with `accuracy` (in, out) metres, every member present."""
    lat, lon = where
    services.visit_save(
        visit_id=vid,
        user=recorder,
        data={
            "assignment": a.pk,
            "answers": answers,
            "findings": findings,
            "check_in": {"at": start.isoformat(), "lat": lat, "lon": lon, "accuracy": accuracy[0]},
            "check_out": {"at": (start + stay).isoformat(), "lat": lat, "lon": lon, "accuracy": accuracy[1]},
            "members_present": [m.person_id for m in members],
        },
    )
    counts["visits"] += 1


def _record_photos(vid, recorder, items, *, key, image, caption, original_name, upload, counts) -> None:
    """Declare the photo each item asks for (ids from `key`) and, when `upload`, send its file."""
    for item in items:
        eid = uuid.uuid5(NS, f"{key}/photo/{item.code}")
        services.evidence_declare(
            visit_id=vid,
            user=recorder,
            evidence_id=eid,
            sha256=hashlib.sha256(image).hexdigest(),
            size=len(image),
            item=item.code,
            caption=caption(item),
            original_name=original_name,
        )
        if upload:
            evidence_store(evidence_id=eid, user=recorder, upload=image)
            counts["photos"] += 1


def _record(a: Assignment, n: int, state: str, users: dict, counts: dict) -> None:
    """Record one visit of assignment `a` and walk it to `state`, through the services."""
    vid = uuid.uuid5(NS, f"aug-2563/{a.school.code}")
    if Visit.objects.filter(pk=vid).exists():
        counts["unchanged"] += 1
        return
    rnd = random.Random(int(a.school.code))
    members, recorder, chair = _committee_people(a, users)
    version = a.round.instrument
    # One visit in seventeen checks in from the district office, ~2 km away: the far flag shows on it.
    lat = (a.school.latitude or 15.24) + (0.02 if n % 17 == 5 else rnd.uniform(-0.0015, 0.0015))
    lon = (a.school.longitude or 104.85) + rnd.uniform(-0.0015, 0.0015)
    start = _when(a.date, 9 if a.day_order == 1 else 13, rnd.randint(0, 40))
    recs = rnd.sample(RECOMMENDATIONS, rnd.randint(1, 3))
    # Drawn in this order from the school's generator: the demo's answers, texts and times stay as they were.
    answers = _answers(rnd, version, a.school)
    findings = {
        "strengths": rnd.choice(STRENGTHS),
        "to_improve": rnd.choice(TO_IMPROVE),
        "recommendations": recs,
        "observation_notes": "สังเกตการสอนชั้น ม.2 และ ม.5 รายวิชาคณิตศาสตร์และภาษาไทย",
        "interview_notes": "สัมภาษณ์ผู้อำนวยการ รองฯ ฝ่ายวิชาการ และหัวหน้างานทะเบียนวัดผล",
    }
    check_in_accuracy = rnd.choice([5, 8, 12, 20])
    stay = datetime.timedelta(hours=2, minutes=rnd.randint(0, 50))
    _save_visit(vid, recorder, a, members, answers, findings, (lat, lon), start, stay, (check_in_accuracy, 10), counts)
    _record_photos(
        vid,
        recorder,
        version.items.filter(photo_required=True),
        key=f"aug-2563/{a.school.code}",
        image=_photo(int(a.school.code) + n, start + datetime.timedelta(minutes=30), lat, lon),
        caption=lambda item: f"หลักฐานข้อ {item.code}: {item.text[:60]}",
        original_name=f"IMG_{a.school.code[-4:]}.jpg",
        # A visit is submitted only once its files arrived; some drafts still wait for theirs.
        upload=state != "draft" or n % PHOTO_EVERY == 0,
        counts=counts,
    )
    if state == "draft":
        _backdate(vid, a.date, start)
        return
    director = a.school.director
    if n % 2 == 0 or a.committee.number == 1:
        for role, name, signer in (
            ("supervisor", str(members[0].person), members[0].person),
            ("school_director", str(director) if director else "ผู้อำนวยการโรงเรียน", director),
        ):
            services.signature_add(
                visit_id=vid,
                user=recorder,
                signature_id=uuid.uuid5(NS, f"{vid}/{role}"),
                role=role,
                signer_name=name,
                signer=signer,
                image=_signature(n * 7 + len(role)),
                signed_at=start + datetime.timedelta(hours=2),
            )
            counts["signatures"] += 1
    visit_transition(visit_id=vid, to="submitted", user=recorder)
    if state == "returned":
        visit_transition(
            visit_id=vid,
            to="returned",
            user=chair,
            comment="ขอให้แนบภาพถ่ายการนิเทศภายในเพิ่มเติม และระบุจำนวนนักเรียนที่มีผลการเรียน 0 ให้ครบ",
        )
    elif state == "approved":
        # Four eyes: the approver is never the author, so a visit the coordinator recorded for a committee
        # without logins is approved by its chair, who gets a (password-less) login for it.
        if chair != recorder:
            approver = chair
        elif recorder != users["coordinator"]:
            approver = users["coordinator"]
        else:
            approver = _chair_login(a.committee)
        visit_transition(visit_id=vid, to="approved", user=approver)
    _backdate(vid, a.date, start)


# What the O-NET committees found, by the inspection's place in date/session/committee order: item → (answer,
# note), and the incident written in the visit's observations. Every other inspection passes every item.
EXAM_FINDINGS = {
    2: ({"1.1": (False, "กรรมการคุมสอบห้อง 4 มาถึงเวลา 08.15 น. ช้ากว่ากำหนด 15 นาที")}, "กรรมการคุมสอบมาช้า 1 คน"),
    5: (
        {"2.4": ("recorded", "บันทึกในแบบ สทศ.5 และรายงานหัวหน้าสนามสอบแล้ว")},
        "พบผู้เข้าสอบนำโทรศัพท์มือถือเข้าห้องสอบ 1 คน กรรมการเก็บไว้และบันทึกในแบบ สทศ.5",
    ),
    9: ({"2.2": (False, "ห้องสอบที่ 2 ผู้เข้าสอบลงลายมือชื่อไม่ครบ 1 ฉบับ")}, ""),
    13: (
        {"3.3": (False, "ส่งมอบกล่องกระดาษคำตอบแก่ตัวแทนศูนย์สอบล่าช้า 40 นาที")},
        "รอกรรมการคุมสอบห้องสุดท้ายบรรจุกระดาษคำตอบ ทำให้ส่งมอบในแบบ O-NET 2 ล่าช้า",
    ),
    18: (
        {"2.3": ("missing", "ผู้เข้าสอบป่วย ย้ายไปสอบที่ห้องพยาบาล ไม่ได้บันทึกในแบบ สทศ.3")},
        "ผู้เข้าสอบป่วยระหว่างสอบ 1 คน ย้ายไปสอบที่ห้องพยาบาล",
    ),
    22: (
        {"1.2": (False, "ตัวแทนศูนย์สอบมาถึงหลังเปิดซองแบบทดสอบ 10 นาที"), "3.4": (2, "")},
        "ตัวแทนศูนย์สอบมาถึงช้าเนื่องจากรถเสียระหว่างทาง",
    ),
    25: ({"2.1": (False, "ห้องสอบที่ 5 เปิดซองแบบทดสอบก่อนเวลา 5 นาที")}, ""),
}
EXAM_STATES = ["approved", "approved", "approved", "submitted", "approved", "approved", "approved"]


def _exam_answers(rnd: random.Random, version: InstrumentVersion, centre, found: dict) -> list[dict]:
    out = []
    for item in version.items.all():
        value, note = found.get(item.code, (None, ""))
        if value is None:
            if item.type == "yes_no":
                value = True
            elif item.type == "single_choice":
                value = "none"
            elif item.type == "rating":
                value = rnd.choice([3, 4, 4])
            elif item.type == "number":
                per_session = max(30, (centre.candidates if centre else 120) // 2)
                value = per_session - rnd.randint(0, 4) if item.code == "2.5" else rnd.randint(0, 4)
            else:
                continue
        out.append({"item": item.code, "value": value, "note": note})
    return out


def _record_exam(a: Assignment, n: int, users: dict, counts: dict) -> None:
    """Record one O-NET site inspection (assignment `a`, the n-th in order) through the services."""
    key = f"onet-m3-2562/{a.school.code}/{a.date.isoformat()}/{a.session.code if a.session_id else ''}"
    vid = uuid.uuid5(NS, f"{key}/{a.committee.number}")
    if Visit.objects.filter(pk=vid).exists():
        counts["unchanged"] += 1
        return
    rnd = random.Random(f"{key}/{a.committee.number}")
    members, recorder, chair = _committee_people(a, users)
    found, incident = EXAM_FINDINGS.get(n, ({}, ""))
    centre = a.round.centres.filter(school=a.school).first()
    morning = not a.session_id or a.session.order == 1
    # The committee reaches the site before the proctors report (30 minutes before the test).
    start = _when(a.date, 7 if morning else 12, 45 if morning else 15)
    lat, lon = a.school.latitude or 15.24, a.school.longitude or 104.85
    findings = {
        "observation_notes": incident,
        "to_improve": "",
        "strengths": "สนามสอบดำเนินการตามคู่มือการจัดสอบของ สทศ." if not found else "",
    }
    answers = _exam_answers(rnd, a.round.instrument, centre, found)
    _save_visit(
        vid, recorder, a, members, answers, findings, (lat, lon), start, datetime.timedelta(hours=3), (8, 8), counts
    )
    _record_photos(
        vid,
        recorder,
        a.round.instrument.items.filter(photo_required=True),
        key=f"{key}/{a.committee.number}",
        image=_photo(int(a.school.code) + 100 + n, start + datetime.timedelta(minutes=20), lat, lon),
        caption=lambda item: f"ประกาศรายชื่อผู้เข้าสอบและแผนผังที่นั่งสอบ ข้อ {item.code}",
        original_name=f"ONET_{a.school.code[-4:]}_{n}.jpg",
        upload=True,
        counts=counts,
    )
    state = EXAM_STATES[n % len(EXAM_STATES)]
    visit_transition(visit_id=vid, to="submitted", user=recorder)
    if state == "approved":
        approver = chair if chair != recorder else (users["coordinator"] if recorder != users["coordinator"] else None)
        visit_transition(visit_id=vid, to="approved", user=approver or _chair_login(a.committee))
    _backdate(vid, a.date, start)


def _chair_login(committee):
    """The committee chair's login, made (without a usable password) when the demo chair has none."""
    from supervision.roles import Role, grant_role

    chair = Membership.objects.select_related("person__user").get(committee=committee, role=Membership.Role.CHAIR)
    if chair.person.user_id is None:
        user = get_user_model().objects.create_user(username=f"demo-chair-{committee.pk}", password=None)
        grant_role(user, Role.SUPERVISOR)
        chair.person.user = user
        chair.person.save(update_fields=["user"])
    return chair.person.user


def _backdate(vid, day: datetime.date, start: datetime.datetime) -> None:
    """Put the story's timestamps in August 2020 (services stamped them with the time of loading)."""
    submitted = start + datetime.timedelta(hours=7)
    decided = _when(day + datetime.timedelta(days=1 if day.weekday() < 4 else 3), 10)
    visit = Visit.objects.get(pk=vid)
    Visit.objects.filter(pk=vid).update(
        created_at=start,
        updated_at=decided if visit.status != "submitted" else submitted,
        submitted_at=submitted if visit.submitted_at else None,
        approved_at=decided if visit.approved_at else None,
    )
    for t in VisitTransition.objects.filter(visit_id=vid):
        at = submitted if t.to_status == "submitted" else decided
        VisitTransition.objects.filter(pk=t.pk).update(at=at)
    Evidence.objects.filter(visit_id=vid).update(created_at=start + datetime.timedelta(minutes=30))
    Evidence.objects.filter(visit_id=vid, uploaded_at__isnull=False).update(uploaded_at=submitted)
    FollowUp.objects.filter(source_visit_id=vid).update(
        due_date=decided.date() + datetime.timedelta(days=60), created_at=decided
    )


def load(*, stdout) -> dict:
    office = AreaOffice.objects.get(code=DEMO_OFFICE_CODE)
    counts = {"created": 0, "unchanged": 0, "visits": 0, "photos": 0, "signatures": 0}
    versions = {code: _instrument(office, code, name, kind, rows, counts) for code, name, kind, rows in INSTRUMENTS}
    for slug, code in (("aug-2563", "aug-supervision-2563"), ("onet-m3-2562", "onet-exam-site")):
        Round.objects.filter(slug=slug).filter(Q(instrument__isnull=True) | ~Q(instrument=versions[code])).update(
            instrument=versions[code]
        )

    onet = Round.objects.filter(slug="onet-m3-2562").first()
    if onet is not None and "coordinator" in (
        exam_users := {u.username: u for u in get_user_model().objects.filter(username="coordinator")}
    ):
        inspections = (
            Assignment.objects.filter(round=onet)
            .active()
            .select_related("school", "committee", "round__instrument", "session")
            .order_by("date", "session__order", "committee__number", "id")
        )
        for n, a in enumerate(inspections):
            _record_exam(a, n, exam_users, counts)

    aug = Round.objects.filter(slug="aug-2563").first()
    if aug is None:
        stdout.write("visits.demo: round aug-2563 not found; instruments only\n")
        return _summary(office, counts)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["coordinator", "school_director"])}
    director_school = users["school_director"].person.directed_schools.first() if "school_director" in users else None
    first_week = Q(date__range=(datetime.date(2020, 8, 3), datetime.date(2020, 8, 7)))
    if director_school is not None:
        first_week |= Q(school=director_school)
    week1 = (
        Assignment.objects.filter(first_week, round=aug)
        .active()
        .select_related("school__director", "committee", "round__instrument", "session")
        .order_by("date", "committee__number", "day_order", "id")
    )
    seen_c1 = 0
    for n, a in enumerate(week1):
        if a.committee.number == 1:
            state = STATES_C1[seen_c1 % len(STATES_C1)]
            seen_c1 += 1
        else:
            state = STATES_OTHER[n % len(STATES_OTHER)]
        if director_school is not None and a.school_id == director_school.pk:
            state = "approved"  # waiting for the school_director login to acknowledge
        _record(a, n, state, users, counts)

    # Some schools have started on their follow-ups (a coordinator may update on a school's behalf).
    coordinator = users["coordinator"]
    for k, fu in enumerate(
        FollowUp.objects.filter(school__office=office, status="open", source_visit__round=aug).order_by("id")
    ):
        if counts["visits"] == 0:
            break  # already loaded: leave the follow-ups as the first load (or real users) left them
        if k % 3 == 1:
            followup_update(
                followup_id=fu.pk, user=coordinator, status="in_progress", notes="โรงเรียนประชุมครูเพื่อวางแผนดำเนินการแล้ว"
            )
        elif k % 5 == 2:
            followup_update(
                followup_id=fu.pk, user=coordinator, status="done", notes="ดำเนินการครบแล้ว แนบรายงานผลการดำเนินงาน"
            )
    return _summary(office, counts)


def _summary(office, counts) -> dict:
    visits = Visit.objects.filter(school__office=office)
    return {
        "instruments": Instrument.objects.filter(Q(office=office) | Q(office__isnull=True)).count(),
        "visits": visits.count(),
        "approved": visits.filter(status="approved").count(),
        "submitted": visits.filter(status="submitted").count(),
        "returned": visits.filter(status="returned").count(),
        "followups": FollowUp.objects.filter(school__office=office).count(),
        "photos": Evidence.objects.filter(visit__school__office=office).exclude(file="").count(),
        "signatures": Signature.objects.filter(visit__school__office=office).count(),
        "created": counts["created"] + counts["visits"],
    }
