"""Report data: the ORM turned into frozen dataclasses. Builders take these and never touch the ORM.

The loaders at the bottom (`office_info`, `order_data`, `visit_data`, `round_data`, `exam_data`) are
the only code in visits/reports that queries the database or reads files from storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation


@dataclass(frozen=True)
class OfficeInfo:
    name: str
    short_name: str = ""
    address: str = ""
    phone: str = ""
    logo: bytes | None = None
    thai_digits: bool = False
    emblem: bytes | None = None  # the Garuda of official documents (orders, letters)


@dataclass(frozen=True)
class Member:
    name: str
    position: str
    role: str  # Thai label of the role in the committee (ประธานกรรมการ, กรรมการ, …)


@dataclass(frozen=True)
class OrderCommittee:
    """One committee appointed by an order: คณะที่ n, its members, and for exam rounds its centres and days."""

    name: str
    members: tuple[Member, ...]
    number: int | None = None
    centres: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    duties: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderData:
    """An appointment order (คำสั่ง): one document for a round's whole set of committees."""

    office: OfficeInfo
    order_no: str
    order_date: date | None
    subject: str
    reason: str  # the "ด้วย …" paragraph: why the committees are appointed
    authority: str  # "อาศัยอำนาจตาม … จึงแต่งตั้ง … ดังนี้"
    committees: tuple[OrderCommittee, ...]
    signer_name: str
    signer_position: str
    duties: tuple[str, ...] = ()  # shared by every committee of the order
    protected: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[Member, ...]:
        return tuple(m for c in self.committees for m in c.members)


@dataclass(frozen=True)
class AnswerRow:
    section: str
    code: str
    question: str
    answer: str
    score: float | None = None
    max_score: float | None = None
    note: str = ""


@dataclass(frozen=True)
class SectionScore:
    name: str
    score: float
    max_score: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class Photo:
    image: bytes  # a JPEG/PNG thumbnail, already scaled by the loader
    caption: str
    taken_at: datetime | None = None
    place: str = ""


@dataclass(frozen=True)
class SignatureRow:
    name: str
    role: str
    signed_at: datetime | None = None
    image: bytes | None = None


@dataclass(frozen=True)
class TransitionRow:
    at: datetime
    by: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class FollowUpRow:
    text: str
    owner: str
    due: date | None
    status: str


@dataclass(frozen=True)
class VisitReportData:
    office: OfficeInfo
    visit_id: str
    verify_code: str
    verify_url: str
    school: str
    school_code: str
    place: str  # อำเภอ/จังหวัด, consortium
    visit_date: date | None
    round_title: str
    committee: str
    members: tuple[Member, ...]
    status: str
    instrument: str = ""
    checkin: str = ""
    overall: float | None = None  # the visit's weighted score, percent
    sections: tuple[SectionScore, ...] = ()
    answers: tuple[AnswerRow, ...] = ()
    findings: tuple[tuple[str, str], ...] = ()  # (heading, text)
    recommendations: tuple[str, ...] = ()
    followups: tuple[FollowUpRow, ...] = ()
    photos: tuple[Photo, ...] = ()
    signatures: tuple[SignatureRow, ...] = ()
    transitions: tuple[TransitionRow, ...] = ()
    protected: tuple[str, ...] = ()
    status_code: str = ""  # Visit.Status value: draft, submitted and returned reports carry a mark


@dataclass(frozen=True)
class ConsortiumCoverage:
    name: str
    planned: int
    visited: int
    submitted: int
    approved: int


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    name: str
    percent: float
    count: int


@dataclass(frozen=True)
class SchoolScore:
    school: str
    consortium: str
    status: str
    percent: float | None
    visit_date: date | None


@dataclass(frozen=True)
class RoundSummaryData:
    office: OfficeInfo
    round_title: str
    slug: str
    academic_year: int
    start_date: date
    end_date: date
    generated_at: datetime
    coverage: tuple[ConsortiumCoverage, ...]
    indicators: tuple[IndicatorScore, ...]
    schools: tuple[SchoolScore, ...]
    recommendations: tuple[tuple[str, int], ...]
    followup_status: tuple[tuple[str, int], ...]
    not_visited: tuple[tuple[str, str, date | None], ...]  # school, consortium, planned date
    protected: tuple[str, ...] = ()
    # Approved and pending apart (visits.results): (mean or None, count) each, never pooled.
    approved_mean: tuple[float | None, int] = (None, 0)
    pending_mean: tuple[float | None, int] = (None, 0)
    # (section title, approved mean, n, pending mean, n)
    sections: tuple[tuple[str, float | None, int, float | None, int], ...] = ()
    levels: tuple[tuple[str, float], ...] = ()  # (label, lower bound), best first
    # School × section, weakest first: (school, consortium, overall, level label, ((percent, level index), ...))
    matrix: tuple[tuple[str, str, float | None, str, tuple[tuple[float | None, int | None], ...]], ...] = ()
    matrix_pending: tuple[tuple[str, str, float | None, str, tuple[tuple[float | None, int | None], ...]], ...] = ()
    consortium_means: tuple[tuple[str, float | None, int, float | None, int], ...] = ()
    overdue: tuple[tuple[str, str, str, date, int], ...] = ()  # school, owner, recommendation, due, days late
    recommendation_schools: tuple[tuple[str, int, tuple[str, ...]], ...] = ()
    approved_only: bool = False  # the public edition: pending results left out entirely


@dataclass(frozen=True)
class ExamCheck:
    item: str
    result: str  # ผ่าน / ไม่ผ่าน / -
    note: str = ""


@dataclass(frozen=True)
class ExamVisit:
    committee: str
    centre: str
    centre_code: str
    day: date
    session: str
    status: str
    checks: tuple[ExamCheck, ...] = ()
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamReportData:
    office: OfficeInfo
    round_title: str
    start_date: date
    end_date: date
    committees: tuple[tuple[str, tuple[Member, ...]], ...]
    visits: tuple[ExamVisit, ...]
    protected: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------------
# Loaders: records → data. The only database and storage reads of the reports package.
# ---------------------------------------------------------------------------------------------------
_ENGLISH_TAIL = re.compile(r"\s*\([A-Za-z][A-Za-z .,'/-]*\)\s*$")


# The loaders below run under Thai: the documents are Thai whatever language the request that asked for them
# is in, and model labels (choices, verbose names) are Thai msgids translated per request.
def _th(label: str) -> str:
    """The Thai half of a bilingual label: "อนุมัติแล้ว (approved)" → "อนุมัติแล้ว" (Thai brackets stay)."""
    return _ENGLISH_TAIL.sub("", str(label or ""))  # model labels are lazy Thai msgids


def _read(field_file) -> bytes | None:
    if not field_file:
        return None
    try:
        with field_file.storage.open(field_file.name, "rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def _thumbnail(raw: bytes | None, max_px: int = 640) -> bytes | None:
    """A JPEG no larger than `max_px`: keeps a report with many phone photos small and fast."""
    if not raw:
        return None
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(raw))
        img = ImageOps.exif_transpose(img)
        if img.format == "JPEG" and max(img.size) <= max_px:
            return raw
        img.thumbnail((max_px, max_px))
        if img.mode in ("RGBA", "LA", "P"):  # transparent signature or logo: onto white paper, not black
            img = img.convert("RGBA")
            paper = Image.new("RGB", img.size, "white")
            paper.paste(img, mask=img.getchannel("A"))
            img = paper
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=82)
        return out.getvalue()
    except (UnidentifiedImageError, OSError):
        return None


def office_info(office) -> OfficeInfo:
    from django.conf import settings

    return OfficeInfo(
        name=office.name,
        short_name=office.short_name,
        address=office.address,
        phone=office.phone,
        logo=_thumbnail(_read(office.logo), 400) if office.logo else None,
        thai_digits=bool(office.thai_digits or settings.REPORT_THAI_DIGITS),
        emblem=_thumbnail(_read(office.emblem), 600) if office.emblem else None,
    )


def office_names(office) -> tuple[str, ...]:
    """School, consortium, district and province names of the office: never split across lines."""
    from supervision.models import Consortium, School

    schools = School.objects.filter(office=office)
    names = set(schools.values_list("name_th", flat=True))
    names.update(Consortium.objects.filter(office=office).values_list("name", flat=True))
    names.update(schools.values_list("district__name_th", flat=True))
    names.update(schools.values_list("district__province__name_th", flat=True))
    names.update(office.name.split())
    return tuple(sorted(n for n in names if n))


def _member(membership) -> Member:
    person = membership.person
    position = person.position
    if person.affiliation == "school" and person.school_id and person.school.name_th not in position:
        position = f"{position} {person.school.name_th}".strip()
    elif person.agency and person.agency not in position:
        position = f"{position} {person.agency}".strip()
    # Membership.position_note is the title the order gives (กรรมการและเลขานุการ …); else the role's name.
    return Member(person.full_name, position, _th(membership.position_note) or _th(membership.get_role_display()))


@translation.override("th")
def committee_members(committee) -> tuple[Member, ...]:
    if committee is None:
        return ()
    rows = committee.memberships.select_related("person__school").order_by("sort_order", "id")
    order = {"chair": 0, "member": 1, "secretary": 2}
    return tuple(_member(m) for m in sorted(rows, key=lambda m: (order.get(m.role, 1), m.sort_order, m.id)))


KTPN_REASON = (
    "ด้วยพระราชบัญญัติระเบียบบริหารราชการกระทรวงศึกษาธิการ พ.ศ. 2546 มาตรา 20 และระเบียบกระทรวงศึกษาธิการ"
    "ว่าด้วยการตรวจราชการ การติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา พ.ศ. 2560 กำหนดให้มีคณะกรรมการติดตาม "
    "ตรวจสอบ ประเมินผล และนิเทศการศึกษา (ก.ต.ป.น.) ประจำเขตพื้นที่การศึกษา เพื่อให้การติดตาม ตรวจสอบ ประเมินผล "
    "และนิเทศการจัดการศึกษาของ{office} เป็นไปอย่างต่อเนื่อง มีประสิทธิภาพ และเกิดประโยชน์ต่อผู้เรียน"
)
KTPN_DUTIES = (
    "พิจารณาให้ความเห็นชอบแผนการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษาของ{office}",
    "ติดตาม ตรวจสอบ และประเมินผลการจัดการศึกษาของสถานศึกษาในสังกัดตามแผนที่กำหนด",
    "รับทราบผลการนิเทศ ติดตาม และให้ข้อเสนอแนะเพื่อการพัฒนาคุณภาพการศึกษา",
    "รายงานผลการดำเนินงานต่อผู้อำนวยการ{office} โดยมีกลุ่มนิเทศ ติดตาม และประเมินผลการจัดการศึกษาเป็นฝ่ายเลขานุการ",
)
EXAM_DUTIES = (
    "ตรวจเยี่ยมสนามสอบที่ได้รับมอบหมายตามวันและช่วงเวลาสอบ ตามคู่มือการจัดสอบของสถาบันทดสอบทางการศึกษาแห่งชาติ (สทศ.)",
    "ตรวจสอบการรายงานตัวของกรรมการคุมสอบก่อนเวลาสอบ 30 นาที สภาพซองแบบทดสอบที่ปิดผนึก แบบ สทศ.2 สทศ.3 และ สทศ.5 "
    "การรับ-ส่งแบบทดสอบ (O-NET 1 และ O-NET 2) และการปฏิบัติหน้าที่ของตัวแทนศูนย์สอบ",
    "บันทึกผลการตรวจเยี่ยมและเหตุการณ์ที่พบ และรายงานต่อผู้อำนวยการ{office}",
)


def _order_committees(first) -> list:
    """The committees one order appoints: every committee of the office sharing `first`'s order number
    (the O-NET round's คณะที่ 1–7 under one order), or `first` alone when it has no number to share."""
    from supervision.models import Committee

    if not first.order_no:
        return [first]
    same = Committee.objects.filter(office=first.office, order_no=first.order_no).order_by("number", "name", "id")
    return list(same)


@translation.override("th")
def order_data(target) -> OrderData:
    """The appointment order of a round's set of committees (`target` a Round) or of the order a committee
    belongs to (`target` a Committee): one document, every committee with its members (and for exam
    rounds its centres and days), the reason, the authority and the duties."""
    from schedules.models import Round
    from visits.reports.thaitext import be_date

    if isinstance(target, Round):
        committees = list(target.committees.order_by("number", "name", "id"))
        if not committees:
            from visits.reports.service import ReportNotFound

            raise ReportNotFound(f"รอบ {target.slug} ยังไม่มีคณะกรรมการ / round {target.slug} has no committees")
        rnd = target
        head = next((c for c in committees if c.order_no), committees[0])
    else:
        committees = _order_committees(target)
        head = target
        rnd = head.rounds.order_by("start_date").first()
    office = head.office
    office_name = office.name
    kinds = {c.kind for c in committees}
    many = len(committees) > 1
    base_name = head.name
    if "ktpn" in kinds and not many:
        reason = KTPN_REASON.format(office=office_name)
        duties = tuple(d.format(office=office_name) for d in KTPN_DUTIES)
    elif rnd is not None:
        reason = (
            f"ด้วย{office_name} กำหนด{rnd.title} ระหว่างวันที่ {be_date(rnd.start_date)} ถึงวันที่ "
            f"{be_date(rnd.end_date)} เพื่อให้การดำเนินงานเป็นไปด้วยความเรียบร้อย โปร่งใส และบรรลุวัตถุประสงค์"
        )
        duties = (
            tuple(d.format(office=office_name) for d in EXAM_DUTIES)
            if rnd.is_exam
            else (f"ดำเนินการ{rnd.title} ตามกำหนดการที่ได้รับมอบหมาย", f"สรุปผลและรายงานต่อผู้อำนวยการ{office_name}")
        )
    else:
        reason = f"ด้วย{office_name} เห็นสมควรแต่งตั้ง{base_name} เพื่อให้การดำเนินงานเป็นไปด้วยความเรียบร้อย"
        duties = ()
    appointed = "คณะกรรมการ ดังนี้" if many else f"{base_name} ประกอบด้วย"
    if "ktpn" in kinds and not many:
        authority = (
            "อาศัยอำนาจตามความในมาตรา 20 และมาตรา 37 แห่งพระราชบัญญัติระเบียบบริหารราชการกระทรวงศึกษาธิการ "
            f"พ.ศ. 2546 จึงแต่งตั้ง{appointed}"
        )
    else:
        authority = (
            f"อาศัยอำนาจตามความในมาตรา 37 แห่งพระราชบัญญัติระเบียบบริหารราชการกระทรวงศึกษาธิการ พ.ศ. 2546 จึงแต่งตั้ง{appointed}"
        )
    parts = []
    for c in committees:
        centres, dates = (), ()
        if rnd is not None:
            assignments = rnd.assignments.exclude(status="cancelled").filter(committee=c).select_related("school")
            dates = tuple(sorted({a.date for a in assignments}))
            if rnd.is_exam:
                codes = {e.school_id: e.centre_code for e in rnd.centres.all()}
                seen = {}
                for a in assignments.order_by("date", "school__name_th"):
                    code = codes.get(a.school_id, "")
                    seen.setdefault(a.school_id, f"{a.school.name_th} (รหัส {code})" if code else a.school.name_th)
                centres = tuple(seen.values())
        label = f"คณะที่ {c.number}" if c.number and many else c.name
        parts.append(OrderCommittee(label, committee_members(c), c.number, centres, dates))
    subject = head.order_subject or (f"แต่งตั้ง{base_name}" if not many else f"แต่งตั้งคณะกรรมการ{rnd.title if rnd else ''}")
    signer = head.signed_by
    return OrderData(
        office=office_info(office),
        order_no=head.order_no,
        order_date=head.order_date,  # none yet: a dotted line to date by hand
        subject=subject,
        reason=reason,
        authority=authority,
        committees=tuple(parts),
        signer_name=signer.full_name if signer else "",
        signer_position=signer.position if signer else "",
        duties=duties,
        protected=office_names(office),
    )


def _value_text(item, value) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if item.type == "rating":
        label = next((lv.get("label", "") for lv in item.levels or [] if lv.get("value") == value), "")
        return f"{value} {label}".strip()
    if item.type == "yes_no":
        return "มี" if value is True else "ไม่มี" if value is False else str(value)
    if item.type in ("single_choice", "multi_choice"):
        labels = {o.get("value"): o.get("label", str(o.get("value"))) for o in item.options or []}
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _item_score(item, value) -> tuple[float | None, float | None]:
    from visits.scoring import item_percent

    percent = item_percent(item, value)
    if percent is None:
        return None, None
    if item.type == "rating":
        return float(value), float(len(item.levels))
    if item.type == "yes_no":
        return (1.0 if value else 0.0), 1.0
    return percent, 100.0


def _person_name(user) -> str:
    if user is None:
        return "-"
    person = getattr(user, "person", None)
    return person.full_name if person else (user.get_full_name() or user.username)


def _hm(dt) -> str:
    from django.utils import timezone

    return timezone.localtime(dt).strftime("%H:%M") if dt else ""


def _checkin_text(visit) -> str:
    parts = []
    if visit.check_in_at:
        text = f"เข้า {_hm(visit.check_in_at)} น."
        if visit.check_in_distance_m is not None:
            text += f" ห่างจากโรงเรียน {visit.check_in_distance_m:,.0f} ม."
        if visit.check_in_far:
            text += " (เกินรัศมีที่กำหนด)"
        parts.append(text)
    if visit.check_out_at:
        parts.append(f"ออก {_hm(visit.check_out_at)} น.")
    return " · ".join(parts)


@translation.override("th")
def visit_data(visit) -> VisitReportData:
    """Everything the visit report shows. `visit` must already be one the reader may see."""

    from visits.models import Visit
    from visits.workflow import TRANSITIONS, action_th

    visit = Visit.objects.select_related(
        "school__district__province",
        "school__consortium",
        "round",
        "committee",
        "instrument_version__instrument",
        "school__office",
    ).get(pk=visit.pk)
    school = visit.school
    office = school.office
    items = list(visit.instrument_version.items.select_related("section").order_by("section__order", "order", "id"))
    values = {a.item_id: a for a in visit.answers.all()}
    answers = []
    for item in items:
        ans = values.get(item.id)
        value = ans.value if ans else None
        score, max_score = _item_score(item, value)
        answers.append(
            AnswerRow(
                section=item.section.title,
                code=item.code,
                question=item.text,
                answer=_value_text(item, value),
                score=score,
                max_score=max_score,
                note=ans.note if ans else "",
            )
        )
    sections = tuple(
        SectionScore(s.get("title", ""), float(s["percent"]), 100.0)
        for s in visit.section_scores or []
        if s.get("percent") is not None
    )
    findings = tuple(
        (h, t)
        for h, t in (
            ("จุดเด่น", visit.strengths),
            ("จุดที่ควรพัฒนา", visit.to_improve),
            ("บันทึกการสังเกต", visit.observation_notes),
            ("บันทึกการสัมภาษณ์", visit.interview_notes),
            ("ความเห็นของโรงเรียน", visit.school_response),
        )
        if t and t.strip()
    )
    photos = []
    for ev in visit.evidence.filter(kind="photo").order_by("exif_taken_at", "created_at"):
        image = _thumbnail(_read(ev.thumbnail) or _read(ev.file))
        if image is None:
            continue
        photos.append(Photo(image, ev.caption, ev.exif_taken_at, _photo_place(ev, school)))
    signatures = tuple(
        SignatureRow(s.signer_name, _th(s.get_role_display()), s.signed_at, _thumbnail(_read(s.image), 600))
        for s in visit.signatures.order_by("signed_at")
    )
    transitions = tuple(
        TransitionRow(
            tr.at,
            _person_name(tr.by),
            action_th(TRANSITIONS[(tr.from_status, tr.to_status)][0])
            if (tr.from_status, tr.to_status) in TRANSITIONS
            else _th(tr.get_to_status_display()),
            tr.comment,
        )
        for tr in visit.transitions.select_related("by__person").order_by("at", "id")
    )
    followups = tuple(
        FollowUpRow(f.recommendation, f.owner.full_name if f.owner else "", f.due_date, _th(f.get_status_display()))
        for f in visit.followups.select_related("owner").order_by("recommendation_index", "id")
    )
    district = school.district
    place = f"อำเภอ{district.name_th} จังหวัด{district.province.name_th}"
    if school.consortium:
        place += f" · {school.consortium.name}"
    visit_date = (
        (visit.check_in_at and _local_date(visit.check_in_at))
        or (visit.assignment.date if visit.assignment_id else None)
        or _local_date(visit.created_at)
    )
    committee = visit.committee
    data = VisitReportData(
        office=office_info(office),
        visit_id=str(visit.pk),
        verify_code="",
        verify_url="",
        school=school.name_th,
        school_code=school.code,
        place=place,
        visit_date=visit_date,
        round_title=visit.round.title,
        committee=str(committee) if committee else "",
        members=committee_members(committee),
        status=_th(visit.get_status_display()),
        status_code=visit.status,
        instrument=str(visit.instrument_version),
        checkin=_checkin_text(visit),
        sections=sections,
        overall=visit.score,
        answers=tuple(answers),
        findings=findings,
        recommendations=tuple(str(r) for r in visit.recommendations or [] if str(r).strip()),
        followups=followups,
        photos=tuple(photos),
        signatures=signatures,
        transitions=transitions,
        protected=office_names(office),
    )
    from dataclasses import replace

    from visits.reports import verification
    from visits.reports.service import verification_hash

    code = verification.code_for(verification_hash(data))
    return replace(data, verify_code=code, verify_url=verification.verify_url(code))


def _photo_place(evidence, school) -> str:
    """Where a photo was taken, in words: the school (and how far from it, when the photo's position is
    outside the school's check-in radius), never raw coordinates."""
    from django.conf import settings

    from visits.services import distance_m

    if evidence.exif_lat is None or evidence.exif_lon is None or school.latitude is None:
        return school.name_th
    distance = distance_m(evidence.exif_lat, evidence.exif_lon, school.latitude, school.longitude)
    if distance <= settings.VISIT_CHECKIN_RADIUS_M:
        return school.name_th
    return f"ห่างจาก{school.name_th} {distance / 1000:,.1f} กม."


def _local_date(dt):
    from django.utils import timezone

    return timezone.localtime(dt).date() if dt else None


_DONE = ("submitted", "approved", "acknowledged")
_APPROVED = ("approved", "acknowledged")


def _round_schools(rnd):
    """The round's target schools plus any school it has an assignment or a visit for."""
    from schedules.models import Round
    from supervision.models import School

    if rnd.target == Round.Target.CONSORTIA:
        qs = School.objects.filter(office=rnd.office, consortium__in=rnd.target_consortia.all())
    elif rnd.target == Round.Target.LIST:
        qs = rnd.target_schools.all()
    else:
        qs = School.objects.filter(office=rnd.office, is_active=True)
    ids = set(qs.values_list("id", flat=True))
    ids.update(rnd.assignments.values_list("school_id", flat=True))
    ids.update(rnd.visits.values_list("school_id", flat=True))
    return School.objects.filter(id__in=ids).select_related("consortium").order_by("consortium__name", "name_th")


def _latest_visits(rnd) -> dict:
    """The most advanced visit of each school in the round (approved beats submitted beats draft)."""
    rank = {"acknowledged": 4, "approved": 3, "submitted": 2, "returned": 1, "draft": 0}
    best: dict[int, object] = {}
    for v in rnd.visits.only(
        "id",
        "school_id",
        "status",
        "score",
        "check_in_at",
        "created_at",
        "updated_at",
        "recommendations",
        "assignment_id",
    ).order_by("created_at"):
        cur = best.get(v.school_id)
        if cur is None or rank[v.status] >= rank[cur.status]:
            best[v.school_id] = v
    return best


@translation.override("th")
def round_data(rnd, approved_only: bool = False) -> RoundSummaryData:
    """The round summary's data. `approved_only`: the public edition (no pending score anywhere)."""
    from collections import Counter, defaultdict

    from django.db.models import Max, Min

    from visits.models import Answer, FollowUp, Visit
    from visits.scoring import item_percent

    schools = list(_round_schools(rnd))
    visits = _latest_visits(rnd)
    planned_dates = dict(
        rnd.assignments.exclude(status="cancelled")
        .values("school_id")
        .annotate(d=Min("date"))
        .values_list("school_id", "d")
    )
    status_labels = dict(Visit.Status.choices)
    rows, not_visited = [], []
    cover: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for s in schools:
        cons = s.consortium.name if s.consortium else "ไม่ระบุสหวิทยาเขต"
        v = visits.get(s.id)
        c = cover[cons]
        c[0] += 1
        if v is None:
            rows.append(SchoolScore(s.name_th, cons, "ยังไม่ตรวจเยี่ยม", None, None))
            not_visited.append((s.name_th, cons, planned_dates.get(s.id)))
            continue
        c[1] += 1
        c[2] += v.status in _DONE
        c[3] += v.status in _APPROVED
        scored = v.status in (_APPROVED if approved_only else _DONE)
        rows.append(
            SchoolScore(
                s.name_th,
                cons,
                _th(status_labels[v.status]),
                v.score if scored else None,
                _local_date(v.check_in_at) or planned_dates.get(s.id) or _local_date(v.created_at),
            )
        )
    coverage = tuple(ConsortiumCoverage(name, *nums) for name, nums in sorted(cover.items()))

    # Indicator means come from approved visits only: a pending score is not a result yet.
    done_ids = [v.id for v in visits.values() if v.status in _APPROVED]
    per_item: dict[int, list[float]] = defaultdict(list)
    items = {}
    for a in Answer.objects.filter(visit_id__in=done_ids).select_related("item__section"):
        p = item_percent(a.item, a.value)
        if p is not None:
            per_item[a.item_id].append(p)
            items[a.item_id] = a.item
    ordered = sorted(items.values(), key=lambda i: (i.section.order, i.order, i.code))
    indicators = tuple(
        IndicatorScore(i.code, i.text, sum(per_item[i.id]) / len(per_item[i.id]), len(per_item[i.id])) for i in ordered
    )

    counts: Counter = Counter()
    for v in visits.values():
        if v.status in (_APPROVED if approved_only else _DONE):
            for r in {" ".join(str(r).split()) for r in v.recommendations or []}:
                if r:
                    counts[r] += 1
    fu_labels = dict(FollowUp.Status.choices)
    fu = Counter(FollowUp.objects.filter(source_visit__round=rnd).values_list("status", flat=True))
    followup_status = tuple((_th(fu_labels[k]), fu[k]) for k in FollowUp.Status.values if fu.get(k))
    as_of = rnd.visits.aggregate(t=Max("updated_at"))["t"] or rnd.updated_at
    return RoundSummaryData(
        office=office_info(rnd.office),
        round_title=rnd.title,
        slug=rnd.slug,
        academic_year=rnd.academic_year,
        start_date=rnd.start_date,
        end_date=rnd.end_date,
        generated_at=as_of,
        coverage=coverage,
        indicators=indicators,
        schools=tuple(rows),
        # Most frequent first, ties by their text: never the order a set of strings happened to iterate in, which
        # follows the process's hash seed — the web and the worker then hashed different content, the worker's
        # PDF was never the one the API looked for, and report.pdf answered 202 (and queued a build) forever.
        recommendations=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]),
        followup_status=followup_status,
        not_visited=tuple(not_visited),
        protected=office_names(rnd.office),
        **_results_fields(rnd, approved_only),
    )


def _results_fields(rnd, approved_only: bool) -> dict:
    """The director's reading of the round through visits.results: approved and pending apart."""
    from django.utils import timezone

    from visits import results
    from visits.models import FollowUp, Visit
    from visits.quality import DEFAULT_QUALITY_LEVELS

    visits = Visit.objects.filter(round=rnd)
    if approved_only:
        visits = visits.filter(status__in=_APPROVED)
    rows = results.load_rows(visits)
    levels = list((rnd.instrument.instrument.quality_levels if rnd.instrument_id else None) or DEFAULT_QUALITY_LEVELS)
    titles = results.section_titles(rows)
    overall = results.split_mean(rows)

    def m(split):
        return split.approved.value, split.approved.count, split.pending.value, split.pending.count

    def matrix_rows(group):
        return tuple(
            (
                r.school,
                r.consortium,
                r.overall.percent,
                r.overall.level_label,
                tuple((c.percent, c.level) for c in r.cells),
            )
            for r in results.matrix(rows, titles, levels, group)
        )

    today = timezone.localdate()
    overdue = tuple(
        (
            fu.school.name_th,
            fu.owner.full_name if fu.owner_id else "ยังไม่ระบุผู้รับผิดชอบ",
            fu.recommendation,
            fu.due_date,
            (today - fu.due_date).days,
        )
        for fu in FollowUp.objects.filter(
            source_visit__round=rnd, status__in=FollowUp.OPEN_STATUSES, due_date__lt=today
        )
        .select_related("school", "owner")
        .order_by("school__name_th", "due_date", "id")
    )
    return {
        "approved_mean": (overall.approved.value, overall.approved.count),
        "pending_mean": (overall.pending.value, overall.pending.count),
        "sections": tuple((s.title, *m(s.means)) for s in results.section_results(rows, titles)),
        "levels": tuple((lv["label"], lv["min"]) for lv in levels),
        "matrix": matrix_rows(results.APPROVED),
        "matrix_pending": () if approved_only else matrix_rows(results.PENDING),
        "consortium_means": tuple((name, *m(split)) for name, split in results.consortium_results(rows)),
        "overdue": overdue,
        "recommendation_schools": tuple((r.text, r.count, r.schools) for r in results.recommendations(rows)),
        "approved_only": approved_only,
    }


@translation.override("th")
def exam_data(rnd) -> ExamReportData:
    """Exam-site inspection: each assignment (committee × centre × day × session) with its visit's checklist."""
    from visits.models import Visit

    centres = {c.school_id: c.centre_code for c in rnd.centres.all()}
    visits = {
        v.assignment_id: v
        for v in Visit.objects.filter(round=rnd, assignment__isnull=False).prefetch_related("answers__item")
    }
    status_labels = dict(Visit.Status.choices)
    rows = []
    assignments = (
        rnd.assignments.exclude(status="cancelled")
        .select_related("committee", "school", "session")
        .order_by("date", "session__order", "committee__number")
    )
    for a in assignments:
        v = visits.get(a.id)
        checks = ()
        incidents: tuple[str, ...] = ()
        if v is not None:
            from visits.scoring import item_failed, item_percent

            answers = sorted(v.answers.all(), key=lambda x: (x.item.section_id, x.item.order, x.item.id))
            out = []
            for ans in answers:
                p = item_percent(ans.item, ans.value)
                result = "-" if p is None else ("ไม่ผ่าน" if item_failed(ans.item, ans.value, p) else "ผ่าน")
                note = ans.note
                if p is None and ans.value not in (None, "", []):
                    result = _value_text(ans.item, ans.value)
                elif ans.item.type in ("single_choice", "rating") and p is not None:
                    # Which case it was (a สทศ.3 case recorded, a rating level) says more than ผ่าน alone.
                    label = _value_text(ans.item, ans.value)
                    note = f"{label}: {note}" if note else label
                out.append(ExamCheck(ans.item.text, result, note))
            checks = tuple(out)
            incidents = tuple(t.strip() for t in (v.observation_notes, v.to_improve) if t and t.strip())
        committee = a.committee
        rows.append(
            ExamVisit(
                committee=f"คณะที่ {committee.number}" if committee.number else committee.name,
                centre=a.school.name_th,
                centre_code=centres.get(a.school_id, ""),
                day=a.date,
                session=a.session.name if a.session_id else "",
                status=_th(status_labels[v.status]) if v else "ยังไม่ได้บันทึก",
                checks=checks,
                incidents=incidents,
            )
        )
    committees = tuple(
        (f"คณะที่ {c.number}" if c.number else c.name, committee_members(c))
        for c in rnd.committees.order_by("number", "name")
    )
    return ExamReportData(
        office=office_info(rnd.office),
        round_title=rnd.title,
        start_date=rnd.start_date,
        end_date=rnd.end_date,
        committees=committees,
        visits=tuple(rows),
        protected=office_names(rnd.office),
    )
