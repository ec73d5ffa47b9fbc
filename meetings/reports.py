"""The participation PDFs: the invitation letter (หนังสือเชิญประชุม), the minutes (รายงานการประชุม, แบบที่ 11)
and the satisfaction survey report (O16).

Data, then drawing (the house rule for reports): `*_data()` turns the ORM into frozen dataclasses and the
`build_*()` functions take only those and return bytes (no ORM, no I/O). They draw with the reports
module's Thai paragraphs and official page (`visits.reports`), and are served, cached and rendered by
`visits.reports.service` (kinds "invitation", "minutes", "survey").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table, TableStyle

from meetings.surveystats import SurveyResults
from visits.reports.builders.common import PLAIN, Writer
from visits.reports.data import OfficeInfo
from visits.reports.layout import FRAME_W, ReportDoc
from visits.reports.official import FRAME_W as OFFICIAL_FRAME_W
from visits.reports.official import MemberLine, OfficialDoc, OfficialWriter
from visits.reports.thaitext import be_date

BANGKOK = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True)
class AgendaLine:
    label: str  # "1", "4.2"
    title: str
    presenter: str = ""
    minutes_text: str = ""
    resolution_text: str = ""
    top: bool = True


@dataclass(frozen=True)
class AttendeeLine:
    name: str
    position: str
    note: str = ""  # "แทน …" for a substitute, the reason for an absentee


@dataclass(frozen=True)
class MeetingData:
    office: OfficeInfo
    body_name: str  # the committee, as "รายงานการประชุม<body_name>"
    title: str
    number_label: str
    date: dt.date
    start_time: dt.time
    place: str
    online_link: str
    letter_no: str
    letter_date: dt.date | None
    subject: str
    salutation: str
    enclosures: tuple[str, ...]
    body: tuple[str, ...]
    signer_name: str
    signer_position: str
    contact: str
    agenda: tuple[AgendaLine, ...]
    present: tuple[AttendeeLine, ...] = ()
    absent: tuple[AttendeeLine, ...] = ()
    guests: tuple[AttendeeLine, ...] = ()
    started: dt.time | None = None
    ended: dt.time | None = None
    note_taker: AttendeeLine | None = None
    checker: AttendeeLine | None = None
    certified_note: str = ""
    protected: tuple[str, ...] = ()


def _local_time(value: dt.datetime | None) -> dt.time | None:
    return value.astimezone(BANGKOK).time().replace(second=0, microsecond=0) if value else None


def meeting_data(meeting) -> MeetingData:
    """Freeze one meeting for its letter and its minutes."""
    from meetings.models import Invitation
    from visits.reports.data import office_info

    items = list(meeting.agenda.select_related("parent", "presenter"))
    tops = sorted((i for i in items if i.parent_id is None), key=lambda i: i.number)
    agenda = []
    for top in tops:
        agenda.append(
            AgendaLine(
                top.label,
                top.title,
                top.presenter.full_name if top.presenter else "",
                top.minutes_text,
                top.resolution_text,
            )
        )
        for sub in sorted((i for i in items if i.parent_id == top.pk), key=lambda i: i.number):
            agenda.append(
                AgendaLine(
                    f"{top.number}.{sub.number}",
                    sub.title,
                    sub.presenter.full_name if sub.presenter else "",
                    sub.minutes_text,
                    sub.resolution_text,
                    top=False,
                )
            )
    present, absent, guests = [], [], []
    A = Invitation.Attendance
    for inv in meeting.invitations.select_related("person").order_by("role", "sort_order", "id"):
        name, position = inv.person.full_name, inv.position or inv.person.position
        if inv.attendance == A.SUBSTITUTE:
            line = AttendeeLine(inv.attended_substitute_name, inv.attended_substitute_position, f"แทน {name}")
        elif inv.attendance == A.ABSENT:
            line = AttendeeLine(name, position, inv.absence_reason)
        else:
            line = AttendeeLine(name, position)
        if inv.role == Invitation.Role.GUEST:
            if inv.attended:
                guests.append(line)
        elif inv.attended:
            present.append(line)
        elif inv.attendance == A.ABSENT:
            absent.append(line)
    signer = meeting.signer
    certified_note = ""
    if meeting.certified_in_id:
        at = meeting.certified_in
        certified_note = f"รับรองแล้วในการประชุมครั้งที่ {at.number_label} เมื่อวันที่ {be_date(at.date)}"

    def person_line(p):
        return AttendeeLine(p.full_name, p.position) if p else None

    # People's names are never split across lines (places and committee names are long: they may wrap).
    names = [line.name for line in present + absent + guests]
    return MeetingData(
        office=office_info(meeting.office),
        body_name=meeting.committee.name,
        title=meeting.title,
        number_label=meeting.number_label,
        date=meeting.date,
        start_time=meeting.start_time,
        place=meeting.place,
        online_link=meeting.online_link,
        letter_no=meeting.letter_no,
        letter_date=meeting.letter_date,
        subject=meeting.subject,
        salutation=meeting.salutation,
        enclosures=tuple(line.strip() for line in meeting.enclosures.splitlines() if line.strip()),
        body=tuple(p.strip() for p in meeting.body.split("\n\n") if p.strip()),
        signer_name=signer.full_name if signer else "",
        signer_position=signer.position if signer else "",
        contact=" ".join(
            x for x in (meeting.office.phone and f"โทร. {meeting.office.phone}", meeting.office.email) if x
        ),
        agenda=tuple(agenda),
        present=tuple(present),
        absent=tuple(absent),
        guests=tuple(guests),
        started=_local_time(meeting.started_at),
        ended=_local_time(meeting.ended_at),
        note_taker=person_line(meeting.note_taker),
        checker=person_line(meeting.checker),
        certified_note=certified_note,
        protected=tuple(n for n in names if n),
    )


def _hm(t: dt.time | None, w) -> str:
    return w.num(f"{t:%H.%M} น.") if t else "........ น."


def _labelled(w: OfficialWriter, label: str, text: str, first: bool = True) -> Table:
    """เรื่อง / เรียน / สิ่งที่ส่งมาด้วย: the label, then the text hanging after it."""
    return Table(
        [[w.line(label, bold=True) if first else "", w.line(text)]],
        colWidths=[3.0 * cm, OFFICIAL_FRAME_W - 3.0 * cm],
        style=TableStyle(PLAIN),
        hAlign="LEFT",
    )


def build_invitation(data: MeetingData) -> bytes:
    """หนังสือเชิญประชุม in the layout of an official external letter (หนังสือภายนอก): ที่ on the left, the
    Garuda at the top centre, the office and its address on the right, the date, เรื่อง, เรียน,
    สิ่งที่ส่งมาด้วย, the body, the signature block; the agenda follows as its enclosure."""
    office = data.office
    w = OfficialWriter(data.protected, office.thai_digits)
    doc = OfficialDoc(office, f"หนังสือเชิญประชุม ครั้งที่ {data.number_label}")
    story: list = [*doc.emblem()]
    head_right = [w.line(office.name), *([w.line(office.address)] if office.address else [])]
    story.append(
        Table(
            [[w.line(f"ที่ {data.letter_no}" if data.letter_no else "ที่ ........../.........."), "", head_right]],
            colWidths=[OFFICIAL_FRAME_W * 0.40, OFFICIAL_FRAME_W * 0.18, OFFICIAL_FRAME_W * 0.42],
            style=TableStyle([*PLAIN, ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]),
        )
    )
    story.append(w.space(6))
    when = be_date(data.letter_date, office.thai_digits) if data.letter_date else "........ เดือน ........ พ.ศ. ......"
    story.append(Table([["", w.line(when)]], colWidths=[OFFICIAL_FRAME_W * 0.50, OFFICIAL_FRAME_W * 0.50],
                       style=TableStyle(PLAIN)))  # fmt: skip
    story.append(w.space(6))
    story.append(_labelled(w, "เรื่อง", data.subject))
    story.append(w.space(4))
    story.append(_labelled(w, "เรียน", data.salutation or f"กรรมการ{data.body_name}"))
    story.append(w.space(4))
    for n, enclosure in enumerate(data.enclosures, start=1):
        text = f"{w.num(n)}. {enclosure}" if len(data.enclosures) > 1 else enclosure
        story.append(_labelled(w, "สิ่งที่ส่งมาด้วย", text, first=n == 1))
    story.append(w.space(6))
    where = data.place or ""
    if data.online_link:
        where = f"{where} และผ่านระบบประชุมออนไลน์ {data.online_link}".strip()
    body = list(data.body) or [
        f"ด้วย{office.name} กำหนดจัดการประชุม{data.body_name} ครั้งที่ {data.number_label} "
        f"ในวันที่ {be_date(data.date, office.thai_digits)} เวลา {_hm(data.start_time, w)} ณ {where}"
    ]
    for para in body:
        story.append(w.para(para))
        story.append(w.space(3))
    closing = w.para(
        "จึงเรียนมาเพื่อโปรดเข้าร่วมประชุมตามวัน เวลา และสถานที่ดังกล่าว และแจ้งการเข้าร่วมประชุม "
        "(เข้าร่วม ส่งผู้แทน หรือไม่เข้าร่วม) ทางลิงก์ที่ได้รับทางอีเมล LINE หรือในระบบนิเทศ"
    )
    story.append(closing)
    story.append(w.space(10))
    story.append(Table([["", w.centre("ขอแสดงความนับถือ")]], colWidths=[OFFICIAL_FRAME_W * 0.42, OFFICIAL_FRAME_W * 0.58],
                       style=TableStyle(PLAIN)))  # fmt: skip
    story += w.signature(data.signer_name, data.signer_position or "")
    story.append(w.space(16))
    story.append(w.line("กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"))
    if data.contact:
        story.append(w.line(data.contact))
    # The agenda, as the enclosure it is.
    story.append(PageBreak())
    story.append(w.centre(f"ระเบียบวาระการประชุม{data.body_name}", title=True))
    story.append(w.centre(f"ครั้งที่ {data.number_label}"))
    story.append(w.centre(f"วันที่ {be_date(data.date, office.thai_digits)} เวลา {_hm(data.start_time, w)} ณ {where}"))
    story.append(w.rule())
    for line in data.agenda:
        if line.top:
            story.append(w.space(4))
            story.append(w.line(f"ระเบียบวาระที่ {line.label} {line.title}", bold=True))
        else:
            presenter = f" (ผู้นำเสนอ: {line.presenter})" if line.presenter else ""
            story.append(w.para(f"{line.label} {line.title}{presenter}"))
    return doc.build(story)


def _people(w: OfficialWriter, rows: tuple[AttendeeLine, ...]) -> list:
    if not rows:
        return [w.para("- ไม่มี -")]
    # แบบที่ 11: "๑. name  position แทน whom" / "… position (reason)": the note follows the position.
    return w.numbered_lines([MemberLine(r.name, f"{r.position or ''} {r.note or ''}".strip(), "") for r in rows])


def build_minutes(data: MeetingData) -> bytes:
    """รายงานการประชุม (แบบที่ 11 ระเบียบงานสารบรรณ): the body, number, date and place; who came (a
    substitute "แทน" whom), who did not (and why), who attended; the start; each agenda item with its
    text and มติ; the end; the note-taker and the checker."""
    office = data.office
    w = OfficialWriter(data.protected, office.thai_digits)
    doc = OfficialDoc(office, f"รายงานการประชุม ครั้งที่ {data.number_label}")
    where = data.place + (f" และผ่านระบบประชุมออนไลน์ {data.online_link}" if data.online_link else "")
    story: list = [
        w.centre(f"รายงานการประชุม{data.body_name}", title=True),
        w.centre(f"ครั้งที่ {data.number_label}"),
        w.centre(f"เมื่อวันที่ {be_date(data.date, office.thai_digits)}"),
        w.centre(f"ณ {where}"),
        w.rule(),
    ]
    for heading, rows in (("ผู้มาประชุม", data.present), ("ผู้ไม่มาประชุม", data.absent), ("ผู้เข้าร่วมประชุม", data.guests)):
        story += [CondPageBreak(2.5 * cm), w.line(heading, bold=True), *_people(w, rows), w.space(4)]
    story.append(w.line(f"เริ่มประชุมเวลา {_hm(data.started, w)}", bold=True))
    for line in data.agenda:
        if line.top:
            story += [CondPageBreak(2.5 * cm), w.space(4), w.line(f"ระเบียบวาระที่ {line.label} {line.title}", bold=True)]
        else:
            # Sub-items in regular weight: pypdf reads nothing of some bold lines of these PDFs (see
            # tests/meetings/test_pdfs.py), and a document's title must stay searchable.
            story.append(w.line(f"{line.label} {line.title}"))
        if line.presenter:
            story.append(w.para(f"ผู้นำเสนอ: {line.presenter}"))
        for para in (p for p in line.minutes_text.split("\n") if p.strip()):
            story.append(w.para(para))
        if line.resolution_text:
            story.append(w.para(f"มติที่ประชุม {line.resolution_text}"))
        elif line.top and not any(x for x in data.agenda if x.label.startswith(f"{line.label}.")):
            story.append(w.para("- ไม่มี -"))
    story.append(w.space(6))
    story.append(w.line(f"เลิกประชุมเวลา {_hm(data.ended, w)}", bold=True))
    for role, person in (("ผู้จดรายงานการประชุม", data.note_taker), ("ผู้ตรวจรายงานการประชุม", data.checker)):
        story += w.signature(person.name if person else "", [person.position if person else "", role])
    if data.certified_note:
        story += [w.space(12), w.line(data.certified_note)]
    return doc.build(story)


# --- Survey (O16) ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyReportData:
    office: OfficeInfo
    results: SurveyResults
    banding_note: str


def survey_report_data(form, *, round_id=None, academic_year=None) -> SurveyReportData:
    from meetings.surveystats import BANDINGS, survey_results
    from visits.reports.data import office_info

    parts, top = [], Decimal("5.00")
    for bound, label in BANDINGS[form.banding]:
        parts.append(f"{bound}–{top} {label}")
        top = bound - Decimal("0.01")
    parts.append(f"1.00–{top} น้อยที่สุด")
    return SurveyReportData(
        office=office_info(form.office),
        results=survey_results(form, round_id=round_id, academic_year=academic_year),
        banding_note="เกณฑ์การแปลความหมายค่าเฉลี่ย: " + " / ".join(parts),
    )


def build_survey_report(data: SurveyReportData) -> bytes:
    """รายงานผลการสำรวจความพึงพอใจ: n, X̄, S.D., ร้อยละ and level per item, dimension and overall."""
    r = data.results
    w = Writer((), data.office.thai_digits)
    doc = ReportDoc(data.office, "รายงานผลการสำรวจความพึงพอใจ")
    story = doc.heading(w, "รายงานผลการสำรวจความพึงพอใจต่อการนิเทศ", r.title, r.scope)
    story.append(
        w.p(
            f"ผู้ได้รับแบบสอบถาม {w.num(r.invited)} คน ตอบกลับ {w.num(r.overall.n)} คน"
            + (f" (ร้อยละ {w.num(f'{r.overall.n / r.invited * 100:.2f}')})" if r.invited else ""),
            "indent",
        )
    )
    story.append(w.p(data.banding_note, "small"))
    story.append(Spacer(1, 6))

    def fmt(x: float) -> str:
        return w.num(f"{x:.2f}")

    widths = [FRAME_W - 8.3 * cm, 1.2 * cm, 1.5 * cm, 1.5 * cm, 1.8 * cm, 2.3 * cm]
    aligns = ["left", "center", "center", "center", "center", "center"]
    head = ["รายการ", "n", "X̄", "S.D.", "ร้อยละ", "ระดับ"]
    rows, extra = [], []
    for dim in r.dimensions:
        extra.append(("BACKGROUND", (0, len(rows) + 1), (-1, len(rows) + 1), (0.93, 0.95, 0.98)))
        s = dim.stat
        rows.append((f"ด้าน{dim.name.removeprefix('ด้าน')}", w.num(s.n), fmt(s.mean), fmt(s.sd), fmt(s.percent), s.band))
        for n, item in enumerate(dim.items, start=1):
            s = item.stat
            rows.append((f"{w.num(n)}. {item.text}", w.num(s.n), fmt(s.mean), fmt(s.sd), fmt(s.percent), s.band))
    s = r.overall
    rows.append(("ภาพรวม", w.num(s.n), fmt(s.mean), fmt(s.sd), fmt(s.percent), s.band))
    extra.append(("FONTNAME", (0, len(rows)), (-1, len(rows)), "Sarabun-Bold"))
    story.append(w.table(head, rows, widths, aligns, zebra=False, extra=extra))
    if r.groups:
        story += w.h1("จำแนกตามกลุ่มผู้ตอบ")
        story.append(
            w.table(
                ["กลุ่ม", "n", "X̄", "S.D.", "ร้อยละ", "ระดับ"],
                [
                    (g.label, w.num(g.n), fmt(g.stat.mean), fmt(g.stat.sd), fmt(g.stat.percent), g.stat.band)
                    for g in r.groups
                ],
                widths,
                aligns,
                zebra=False,
            )
        )
    if r.suggestions:
        story += w.h1("ข้อเสนอแนะ")
        counted = Counter(r.suggestions)
        story += w.bullets([f"{text} ({w.num(n)} คน)" if n > 1 else text for text, n in counted.most_common()])
    return doc.build(story)
