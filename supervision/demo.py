"""The demo office, shaped like สพม.29 (now สพม.อุบลราชธานี อำนาจเจริญ).

Places are real: the provinces Ubon Ratchathani (34) and Amnat Charoen (37) and their districts (อำเภอ),
each with an approximate centre and radius. Everything else is INVENTED: consortium and school names are
made from place-like words and school-name endings, school codes are in a made-up 10-digit range
(10<province>29<nnnn>), and every person's surname is built on a word meaning "demo / example / assumed"
(สาธิต, ตัวอย่าง, สมมติ, ทดลอง, จำลอง) so that nobody can mistake a demo person for a real one. Agencies of
external committee members are real kinds of organisations, but the people named in them are not.

The data are fixed tables and arithmetic on indices (no random numbers), and `load()` upserts by natural
keys, saving a row only when a value differs: running it twice writes nothing the second time (not even a
history row).
"""

import datetime
import math
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from supervision.geo import offset_point
from supervision.models import (
    AreaOffice,
    Committee,
    Consortium,
    District,
    Membership,
    Person,
    Province,
    School,
)
from supervision.roles import Role, grant_role
from supervision.services import record_upsert

DEMO_OFFICE_CODE = "SEC29"
DEMO_PASSWORD = "nithet-demo-2563"
DEMO_EMAIL_DOMAIN = "demo.nithet.test"

OFFICE = {
    "name": "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา อุบลราชธานี อำนาจเจริญ",
    "short_name": "สพม.อุบลราชธานี อำนาจเจริญ",
    "name_en": "Secondary Educational Service Area Office Ubon Ratchathani Amnat Charoen",
    "address": "ถนนแจ้งสนิท ตำบลในเมือง อำเภอเมืองอุบลราชธานี จังหวัดอุบลราชธานี 34000",
    "base_latitude": 15.2287,
    "base_longitude": 104.8564,
    "phone": "045-000-000",
    "email": f"office@{DEMO_EMAIL_DOMAIN}",
}

PROVINCES = [
    ("34", "อุบลราชธานี", "Ubon Ratchathani"),
    ("37", "อำนาจเจริญ", "Amnat Charoen"),
]

# (DOPA code, Thai, English, approx. centre lat, lon, radius km, demo schools, consortium key)
DISTRICTS = [
    ("3401", "เมืองอุบลราชธานี", "Mueang Ubon Ratchathani", 15.2447, 104.8472, 12, 7, "mueang-ubon"),
    ("3402", "ศรีเมืองใหม่", "Si Mueang Mai", 15.4958, 105.2725, 20, 3, "khemarat"),
    ("3403", "โขงเจียม", "Khong Chiam", 15.3175, 105.4928, 18, 2, "phibun"),
    ("3404", "เขื่องใน", "Khueang Nai", 15.3986, 104.5500, 20, 3, "mun-chi"),
    ("3405", "เขมราฐ", "Khemarat", 16.0408, 105.2167, 18, 3, "khemarat"),
    ("3407", "เดชอุดม", "Det Udom", 14.9058, 105.0792, 22, 4, "det-udom"),
    ("3408", "นาจะหลวย", "Na Chaluai", 14.5644, 105.2483, 18, 2, "det-udom"),
    ("3409", "น้ำยืน", "Nam Yuen", 14.4592, 105.0125, 20, 2, "buntharik"),
    ("3410", "บุณฑริก", "Buntharik", 14.7578, 105.4117, 25, 3, "buntharik"),
    ("3411", "ตระการพืชผล", "Trakan Phuet Phon", 15.6061, 105.0228, 22, 3, "trakan"),
    ("3412", "กุดข้าวปุ้น", "Kut Khaopun", 15.7914, 105.0133, 15, 2, "trakan"),
    ("3414", "ม่วงสามสิบ", "Muang Sam Sip", 15.5142, 104.7408, 18, 3, "muang-sam-sip"),
    ("3415", "วารินชำราบ", "Warin Chamrap", 15.1956, 104.8647, 14, 5, "warin"),
    ("3419", "พิบูลมังสาหาร", "Phibun Mangsahan", 15.2431, 105.2300, 18, 4, "phibun"),
    ("3420", "ตาลสุม", "Tan Sum", 15.3794, 105.1558, 12, 2, "mun-chi"),
    ("3421", "โพธิ์ไทร", "Pho Sai", 15.7375, 105.3281, 15, 2, "khemarat"),
    ("3422", "สำโรง", "Samrong", 15.0092, 104.7819, 15, 2, "warin"),
    ("3424", "ดอนมดแดง", "Don Mot Daeng", 15.3350, 105.0194, 10, 2, "mun-chi"),
    ("3425", "สิรินธร", "Sirindhorn", 15.1958, 105.4253, 15, 2, "phibun"),
    ("3426", "ทุ่งศรีอุดม", "Thung Si Udom", 14.7228, 104.9175, 12, 2, "det-udom"),
    ("3429", "นาเยีย", "Na Yia", 15.0489, 105.0761, 10, 1, "phibun"),
    ("3430", "นาตาล", "Na Tan", 15.8583, 105.2772, 14, 2, "trakan"),
    ("3431", "เหล่าเสือโก้ก", "Lao Suea Kok", 15.4347, 104.9433, 10, 2, "muang-sam-sip"),
    ("3432", "สว่างวีระวงศ์", "Sawang Wirawong", 15.2250, 105.0911, 10, 1, "phibun"),
    ("3433", "น้ำขุ่น", "Nam Khun", 14.5622, 104.8011, 12, 2, "buntharik"),
    ("3701", "เมืองอำนาจเจริญ", "Mueang Amnat Charoen", 15.8650, 104.6267, 18, 4, "amnat"),
    ("3702", "ชานุมาน", "Chanuman", 16.1719, 104.9956, 18, 2, "rim-khong"),
    ("3703", "ปทุมราชวงศา", "Pathum Ratchawongsa", 16.0694, 104.8681, 15, 2, "rim-khong"),
    ("3704", "พนา", "Phana", 15.6853, 104.8578, 12, 2, "rim-khong"),
    ("3705", "เสนางคนิคม", "Senangkhanikhom", 16.0031, 104.6781, 15, 2, "rim-khong"),
    ("3706", "หัวตะพาน", "Hua Taphan", 15.7297, 104.4947, 15, 2, "amnat"),
    ("3707", "ลืออำนาจ", "Lue Amnat", 15.6617, 104.6447, 12, 1, "amnat"),
]

# key -> (code, Thai name)
CONSORTIA = {
    "mueang-ubon": ("C01", "สหวิทยาเขตเมืองดอกบัว"),
    "warin": ("C02", "สหวิทยาเขตวารินสำโรง"),
    "det-udom": ("C03", "สหวิทยาเขตเดชอุดม"),
    "buntharik": ("C04", "สหวิทยาเขตบุณฑริกน้ำยืน"),
    "phibun": ("C05", "สหวิทยาเขตพิบูลมังสาหาร"),
    "trakan": ("C06", "สหวิทยาเขตตระการพืชผล"),
    "khemarat": ("C07", "สหวิทยาเขตเขมราฐ"),
    "mun-chi": ("C08", "สหวิทยาเขตมูลชี"),
    "muang-sam-sip": ("C09", "สหวิทยาเขตม่วงสามสิบ"),
    "amnat": ("C10", "สหวิทยาเขตอำนาจเจริญ"),
    "rim-khong": ("C11", "สหวิทยาเขตริมโขง"),
}

# School names: an invented place-like word + a usual school-name ending. 31 and 7 are coprime, so the
# 81 combinations are all different.
PLACE_WORDS = [
    ("โนนสว่าง", "Non Sawang"),
    ("ห้วยทราย", "Huai Sai"),
    ("ดงบัง", "Dong Bang"),
    ("หนองแสง", "Nong Saeng"),
    ("บัวงาม", "Bua Ngam"),
    ("คำเจริญ", "Kham Charoen"),
    ("โพนทอง", "Phon Thong"),
    ("ศรีสำราญ", "Si Samran"),
    ("นาดี", "Na Di"),
    ("ดอนจิก", "Don Chik"),
    ("กุดเรือ", "Kut Ruea"),
    ("หนองบก", "Nong Bok"),
    ("โคกสะอาด", "Khok Sa-at"),
    ("ท่าช้าง", "Tha Chang"),
    ("บึงงาม", "Bueng Ngam"),
    ("ทุ่งเจริญ", "Thung Charoen"),
    ("แก่งกบ", "Kaeng Kop"),
    ("ผาสุก", "Pha Suk"),
    ("ป่าหวาย", "Pa Wai"),
    ("เหล่างาม", "Lao Ngam"),
    ("สร้างมิ่ง", "Sang Ming"),
    ("นาคำ", "Na Kham"),
    ("หัวดอน", "Hua Don"),
    ("ไร่ใต้", "Rai Tai"),
    ("โนนค้อ", "Non Kho"),
    ("ดอนแสนสุข", "Don Saen Suk"),
    ("ศรีไค", "Si Khai"),
    ("ชีทวน", "Chi Thuan"),
    ("ทรายมูล", "Sai Mun"),
    ("น้ำเที่ยง", "Nam Thiang"),
    ("บ้านแมด", "Ban Maet"),
]
NAME_ENDINGS = [
    ("วิทยา", "Witthaya"),
    ("พิทยาคม", "Phitthayakhom"),
    ("วิทยาคาร", "Witthayakhan"),
    ("ศึกษา", "Sueksa"),
    ("วิทยาสรรค์", "Witthayasan"),
    ("ประชาสามัคคี", "Pracha Samakkhi"),
    ("พัฒนศึกษา", "Phatthana Sueksa"),
]

MALE_NAMES = [
    "สมชาย",
    "ประเสริฐ",
    "วิชัย",
    "สุริยา",
    "ธนพล",
    "อนุชา",
    "ชัยวัฒน์",
    "ปิยะ",
    "กิตติ",
    "สมบัติ",
    "วีระ",
    "ณัฐพล",
    "สุรศักดิ์",
    "ประยงค์",
    "ธีระ",
    "บุญมี",
    "อำนาจ",
    "เกียรติ",
    "ทองใบ",
    "พงศกร",
]
FEMALE_NAMES = [
    "สมศรี",
    "วันเพ็ญ",
    "สุภาพร",
    "กาญจนา",
    "อรุณี",
    "พรทิพย์",
    "นงลักษณ์",
    "ศิริพร",
    "จันทร์เพ็ญ",
    "รัตนา",
    "มาลัย",
    "ปราณี",
    "อัมพร",
    "สุดารัตน์",
    "ดวงใจ",
    "ลำดวน",
    "บุษบา",
    "วิไลวรรณ",
    "จิราพร",
    "เยาวลักษณ์",
]
# Every surname says "demo" (สาธิต), "example" (ตัวอย่าง), "assumed" (สมมติ), "trial" (ทดลอง) or
# "simulated" (จำลอง): these people do not exist.
SURNAMES = [
    "สาธิตกุล",
    "ตัวอย่างดี",
    "สมมติวงศ์",
    "ทดลองศรี",
    "จำลองชัย",
    "สาธิตพงษ์",
    "ตัวอย่างงาม",
    "สมมติสกุล",
    "ทดลองสุข",
    "จำลองกิจ",
    "สาธิตวงศ์",
    "ตัวอย่างเจริญ",
    "สมมติพันธ์",
    "ทดลองทรัพย์",
    "จำลองวงศ์",
    "สาธิตชัย",
    "ตัวอย่างยิ่ง",
    "สมมติชาติ",
    "ทดลองพร",
    "จำลองสิน",
    "สาธิตนนท์",
    "ตัวอย่างศักดิ์",
    "สมมติรักษ์",
]

KTPN_AGENCIES = [
    ("ผู้ทรงคุณวุฒิด้านการบริหารการศึกษา", "ข้าราชการบำนาญ (ผู้ทรงคุณวุฒิ)"),
    ("ผู้ทรงคุณวุฒิด้านหลักสูตรและการสอน", "มหาวิทยาลัยอุบลราชธานี"),
    ("ผู้ทรงคุณวุฒิด้านการวัดและประเมินผล", "มหาวิทยาลัยราชภัฏอุบลราชธานี"),
    ("ผู้แทนองค์กรปกครองส่วนท้องถิ่น", "องค์การบริหารส่วนจังหวัดอำนาจเจริญ"),
    ("ผู้ทรงคุณวุฒิด้านการศึกษาพิเศษ", "สำนักงานศึกษาธิการจังหวัดอุบลราชธานี"),
    ("ผู้แทนภาคเอกชน", "หอการค้าจังหวัดอุบลราชธานี"),
    ("ผู้ทรงคุณวุฒิด้านเทคโนโลยีการศึกษา", "มหาวิทยาลัยราชภัฏอุบลราชธานี"),
    ("ผู้แทนผู้ปกครอง", "เครือข่ายผู้ปกครองนักเรียน"),
]

KTPN_ORDER_NO = "245/2563"
KTPN_NAME = "คณะกรรมการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา (ก.ต.ป.น.)"

LOGINS = [
    # username, role, who
    ("coordinator", Role.COORDINATOR, "ผู้ประสานงานการนิเทศ (coordinator)"),
    ("director", Role.OFFICE_DIRECTOR, "ผู้อำนวยการสำนักงานเขต (office director)"),
    ("chair", Role.SUPERVISOR, "ศึกษานิเทศก์ ประธานคณะ (supervisor, chairs committee 1)"),
    ("supervisor", Role.SUPERVISOR, "ศึกษานิเทศก์ (supervisor)"),
    ("school_director", Role.SCHOOL_DIRECTOR, "ผู้อำนวยการโรงเรียน (school director)"),
    ("ktpn", Role.COMMITTEE_MEMBER, "กรรมการ ก.ต.ป.น. ภายนอก (external committee member)"),
    ("viewer", Role.VIEWER, "ผู้ดูข้อมูล (viewer)"),
]


# --- pure helpers ---------------------------------------------------------------------------------


def person_name(index: int) -> tuple[str, str, str]:
    """(prefix, first, last) for demo person number `index`; alternates men and women."""
    if index % 2 == 0:
        prefix, first = "นาย", MALE_NAMES[(index // 2) % len(MALE_NAMES)]
    else:
        prefix = "นาง" if index % 4 == 1 else "นางสาว"
        first = FEMALE_NAMES[(index // 2) % len(FEMALE_NAMES)]
    last = SURNAMES[(index * 7 + index // len(SURNAMES)) % len(SURNAMES)]
    return prefix, first, last


def school_rows() -> list[dict]:
    """The 81 demo schools as plain dicts (code, names, district code, consortium key, point, counts)."""
    rows = []
    i = 0
    for d_index, (dcode, _th, _en, lat, lon, radius, n_schools, consortium_key) in enumerate(DISTRICTS):
        for k in range(n_schools):
            place_th, place_en = PLACE_WORDS[i % len(PLACE_WORDS)]
            end_th, end_en = NAME_ENDINGS[i % len(NAME_ENDINGS)]
            # Sunflower spread within 60 % of the radius: inside the district, never two on one spot.
            dist = radius * 0.6 * math.sqrt((k + 0.5) / n_schools)
            bearing = (d_index * 53 + k * 137.508) % 360
            s_lat, s_lon = offset_point(lat, lon, dist, bearing)
            # The first school of a district is its big town school; the others are smaller.
            students = 1500 + (i * 211) % 1700 if k == 0 else 180 + (i * 157) % 900
            if dcode in ("3401", "3701") and k < 2:
                students += 1200
            rows.append(
                {
                    "code": f"10{dcode[:2]}29{i + 1:04d}",
                    "name_th": f"โรงเรียน{place_th}{end_th}",
                    "name_en": f"{place_en} {end_en} School",
                    "district_code": dcode,
                    "consortium_key": consortium_key,
                    "latitude": s_lat,
                    "longitude": s_lon,
                    "students": students,
                    "teachers": max(12, students // 19),
                }
            )
            i += 1
    return rows


# --- upserts --------------------------------------------------------------------------------------


class _Counter(dict):
    def bump(self, key: str, created: bool, changed: bool):
        self.setdefault(key, {"created": 0, "updated": 0})
        if created:
            self[key]["created"] += 1
        elif changed:
            self[key]["updated"] += 1


def upsert(model, lookup: dict, values: dict, counter: _Counter | None = None):
    obj, outcome = record_upsert(model, lookup=lookup, values=values)
    if counter is not None:
        counter.bump(model.__name__, outcome == "created", outcome == "updated")
    return obj


def _demo_email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


def _login(username: str, person: Person, role: str, counter: _Counter, password_hash: Callable[[], str]):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            password=password_hash(),
        )
        user.save()
        counter.bump("User", True, True)
    elif not user.has_usable_password():
        user.password = password_hash()
        user.save(update_fields=["password"])
    if not user.groups.filter(name=role).exists():
        grant_role(user, role)
    if person.user_id != user.id:
        person.user = user
        person.save(update_fields=["user"])
    return user


@transaction.atomic
def load(*, stdout) -> dict:
    """Create or refresh the demo office; returns counts of what is there, prints the demo logins."""
    counter = _Counter()
    office = upsert(AreaOffice, {"code": DEMO_OFFICE_CODE}, OFFICE, counter)

    provinces = {
        code: upsert(Province, {"code": code}, {"name_th": th, "name_en": en}, counter) for code, th, en in PROVINCES
    }
    districts = {}
    for dcode, th, en, lat, lon, radius, _n, _c in DISTRICTS:
        districts[dcode] = upsert(
            District,
            {"code": dcode},
            {
                "province": provinces[dcode[:2]],
                "name_th": th,
                "name_en": en,
                "latitude": lat,
                "longitude": lon,
                "radius_km": float(radius),
            },
            counter,
        )
    consortia = {
        key: upsert(Consortium, {"office": office, "name": name}, {"code": code}, counter)
        for key, (code, name) in CONSORTIA.items()
    }

    schools = []
    for row in school_rows():
        schools.append(
            upsert(
                School,
                {"code": row["code"]},
                {
                    "office": office,
                    "name_th": row["name_th"],
                    "name_en": row["name_en"],
                    "district": districts[row["district_code"]],
                    "consortium": consortia[row["consortium_key"]],
                    "latitude": row["latitude"],
                    "longitude": row["longitude"],
                    "students": row["students"],
                    "teachers": row["teachers"],
                    "is_active": True,
                },
                counter,
            )
        )

    n = iter(range(10_000))  # person index -> a stable name

    def person(local: str, **values) -> Person:
        prefix, first, last = person_name(next(n))
        values = {"prefix": prefix, "first_name": first, "last_name": last, **values}
        values.setdefault("affiliation", Person.Affiliation.OFFICE)
        return upsert(Person, {"office": office, "email": _demo_email(local)}, values, counter)

    director = person(
        "director",
        prefix="ดร.",
        position="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษา อุบลราชธานี อำนาจเจริญ",
        phone="045-000-001",
    )
    deputy = person("deputy.director", position="รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")
    coordinator = person(
        "coordinator", position="นักวิชาการศึกษาชำนาญการ (ผู้ประสานงานการนิเทศ)", phone="045-000-010", line_user_id=""
    )
    person("staff.academic", position="นักวิชาการศึกษา กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")
    person("staff.admin", position="เจ้าพนักงานธุรการ กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")
    viewer = person("viewer", position="นักวิเคราะห์นโยบายและแผน")

    supervisor_ranks = ["ศึกษานิเทศก์เชี่ยวชาญ"] + ["ศึกษานิเทศก์ชำนาญการพิเศษ"] * 7 + ["ศึกษานิเทศก์ชำนาญการ"] * 4
    supervisors = [
        person(f"supervisor{k + 1:02d}", position=rank, phone=f"08-0000-00{k + 1:02d}")
        for k, rank in enumerate(supervisor_ranks)
    ]

    externals = [
        person(f"ktpn{k + 1:02d}", position=position, affiliation=Person.Affiliation.EXTERNAL, agency=agency)
        for k, (position, agency) in enumerate(KTPN_AGENCIES)
    ]

    for k, school in enumerate(schools):
        head = person(
            f"director.{school.code}", position="ผู้อำนวยการโรงเรียน", affiliation=Person.Affiliation.SCHOOL, school=school
        )
        if school.director_id != head.id:
            school.director = head
            school.save(update_fields=["director"])
        if k < 24:
            person(
                f"teacher.{school.code}",
                position="ครูชำนาญการพิเศษ (หัวหน้างานวิชาการ)",
                affiliation=Person.Affiliation.SCHOOL,
                school=school,
            )

    ktpn = upsert(
        Committee,
        {"office": office, "kind": Committee.Kind.KTPN, "order_no": KTPN_ORDER_NO},
        {
            "name": KTPN_NAME,
            "number": None,
            "order_date": datetime.date(2020, 6, 15),
            "order_subject": "แต่งตั้งคณะกรรมการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา (ก.ต.ป.น.)",
            "signed_by": director,
            "is_active": True,
        },
        counter,
    )
    board = [(externals[0], Membership.Role.CHAIR, "ประธานกรรมการ")]
    board += [(p, Membership.Role.MEMBER, "กรรมการ") for p in externals[1:]]
    board += [(deputy, Membership.Role.MEMBER, "กรรมการ"), (director, Membership.Role.SECRETARY, "กรรมการและเลขานุการ")]
    for order, (member, role, note) in enumerate(board, start=1):
        upsert(
            Membership,
            {"committee": ktpn, "person": member},
            {"role": role, "position_note": note, "sort_order": order},
            counter,
        )

    login_people = {
        "coordinator": coordinator,
        "director": director,
        "chair": supervisors[0],
        "supervisor": supervisors[1],
        "school_director": schools[0].director,
        "ktpn": externals[1],
        "viewer": viewer,
    }
    hashed: list[str] = []  # hash the password once (it is slow on purpose), only if some login needs it

    def password_hash() -> str:
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        return hashed[0]

    for username, role, _who in LOGINS:
        _login(username, login_people[username], role, counter, password_hash)

    stdout.write(f"Demo office: {office.name} ({office.code}) — {len(schools)} schools\n")
    stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):\n")
    for username, _role, who in LOGINS:
        p = login_people[username]
        stdout.write(f"  {username:<16} {p.full_name} — {who}\n")

    return {
        "schools": School.objects.filter(office=office).count(),
        "people": Person.objects.filter(office=office).count(),
        "consortia": Consortium.objects.filter(office=office).count(),
        "districts": District.objects.filter(code__in=[d[0] for d in DISTRICTS]).count(),
        "committees": Committee.objects.filter(office=office).count(),
        "created": sum(v["created"] for v in counter.values()),
        "updated": sum(v["updated"] for v in counter.values()),
    }
