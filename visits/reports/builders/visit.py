"""รายงานผลการนิเทศ: one school visit, from the scores to the signatures and the approval trail."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from visits.reports.builders.common import PLAIN, Writer
from visits.reports.charts import Bar, BarChart, Picture, QRCode
from visits.reports.data import VisitReportData
from visits.reports.layout import FRAME_W, ReportDoc
from visits.reports.thaitext import be_date, be_datetime

# A report that is not final says so across every page, with its status written out at the top.
STATUS_MARKS = {"draft": "ร่าง", "submitted": "รอตรวจ", "returned": "ส่งกลับแก้ไข"}


def build_visit_report(data: VisitReportData) -> bytes:
    office = data.office
    t = office.thai_digits
    w = Writer((*data.protected, data.school), t)
    doc = ReportDoc(
        office,
        f"รายงานการนิเทศ {data.school}",
        footer_note=f"รหัสตรวจสอบ {data.verify_code}",
        mark=STATUS_MARKS.get(data.status_code, ""),
        status=data.status,
        subject=f"รายงานผลการนิเทศ {data.school} {data.round_title}".strip(),
    )
    story: list = _title(doc, w, data)
    story += [
        w.pairs(
            [
                ("โรงเรียน", f"{data.school} ({w.num(data.school_code)})" if data.school_code else data.school),
                ("ที่ตั้ง", data.place or "-"),
                ("วันที่นิเทศ", be_date(data.visit_date, t)),
                ("รอบการนิเทศ", data.round_title or "-"),
                ("แบบนิเทศ", data.instrument or "-"),
                ("คณะกรรมการ", data.committee or "-"),
                ("สถานะ", data.status),
                *([("การลงเวลา", data.checkin)] if data.checkin else []),
            ],
            (3.3 * cm, FRAME_W - 3.3 * cm),
        ),
        Spacer(1, 6),
        _verification(w, data),
    ]

    if data.members:
        story += [
            *w.h1("คณะกรรมการนิเทศ"),
            w.table(
                ["ที่", "ชื่อ - สกุล", "ตำแหน่ง", "หน้าที่"],
                [(w.num(i), m.name, m.position or "-", m.role) for i, m in enumerate(data.members, 1)],
                [1.1 * cm, 5.2 * cm, 5.8 * cm, FRAME_W - 12.1 * cm],
                ["center", "left", "left", "left"],
            ),
        ]

    if data.sections:
        if all(s.max_score == 100 for s in data.sections):
            # Sections scored as percentages (weighted): the overall figure is the visit's own score.
            rows = [(s.name, w.num(f"{s.percent:.1f}")) for s in data.sections]
            if data.overall is not None:
                rows.append(("คะแนนรวม (ถ่วงน้ำหนัก)", w.num(f"{data.overall:.1f}")))
            table = w.table(
                ["ด้าน", "ร้อยละ"],
                rows,
                [FRAME_W - 2.6 * cm, 2.6 * cm],
                ["left", "right"],
                extra=[("BACKGROUND", (0, len(rows)), (-1, len(rows)), "#eef0f3")] if data.overall is not None else (),
            )
        else:
            total = sum(s.score for s in data.sections)
            total_max = sum(s.max_score for s in data.sections)
            rows = [
                (s.name, w.num(f"{s.score:g}"), w.num(f"{s.max_score:g}"), w.num(f"{s.percent:.1f}"))
                for s in data.sections
            ]
            rows.append(
                (
                    "รวม",
                    w.num(f"{total:g}"),
                    w.num(f"{total_max:g}"),
                    w.num(f"{100 * total / total_max:.1f}" if total_max else "-"),
                )
            )
            table = w.table(
                ["ด้าน", "คะแนน", "เต็ม", "ร้อยละ"],
                rows,
                [FRAME_W - 6.6 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm],
                ["left", "right", "right", "right"],
                extra=[("BACKGROUND", (0, len(rows)), (-1, len(rows)), "#eef0f3")],
            )
        story += [
            *w.h1("ผลการนิเทศรายด้าน"),
            table,
            Spacer(1, 8),
            BarChart([Bar(s.name, s.percent) for s in data.sections], 100, label_width=6 * cm, thai_digits=t),
        ]

    if data.answers:
        story.extend(w.h1("ผลการนิเทศรายข้อ"))
        section = None
        rows: list = []

        def flush():
            if rows:
                story.append(
                    w.table(
                        ["ข้อ", "รายการ", "ผล", "คะแนน"],
                        list(rows),
                        [1.3 * cm, FRAME_W - 7.3 * cm, 4.0 * cm, 2.0 * cm],
                        ["center", "left", "left", "right"],
                    )
                )
                rows.clear()

        for a in data.answers:
            if a.section != section:
                flush()
                section = a.section
                if section:
                    story.extend(w.h2(section))
            result = a.answer + (f" ({a.note})" if a.note else "")
            score = "-" if a.score is None else w.num(f"{a.score:g}/{a.max_score:g}" if a.max_score else f"{a.score:g}")
            rows.append((w.num(a.code), a.question, result or "-", score))
        flush()

    if data.findings:
        story.extend(w.h1("ข้อค้นพบ"))
        for heading, text in data.findings:
            story += [*w.h2(heading), w.p(text, "indent")]
    if data.recommendations:
        story += [*w.h1("ข้อเสนอแนะ"), *w.bullets(data.recommendations, "1.")]
    if data.followups:
        story += [
            *w.h1("การติดตามผล"),
            w.table(
                ["ที่", "เรื่องที่ต้องดำเนินการ", "ผู้รับผิดชอบ", "กำหนด", "สถานะ"],
                [
                    (w.num(i), f.text, f.owner or "-", be_date(f.due, t, "%-d %b %y") if f.due else "-", f.status)
                    for i, f in enumerate(data.followups, 1)
                ],
                [1 * cm, FRAME_W - 10 * cm, 3.6 * cm, 2.6 * cm, 2.8 * cm],
                ["center", "left", "left", "center", "left"],
            ),
        ]
    if data.photos:
        story += [*w.h1("ภาพประกอบ"), _photos(w, data)]
    if data.signatures:
        story += [*w.h1("ลงนาม"), _signatures(w, data)]
    if data.transitions:
        story += [
            *w.h1("ประวัติการดำเนินการ"),
            w.table(
                ["วันเวลา", "ผู้ดำเนินการ", "การดำเนินการ", "หมายเหตุ"],
                [(be_datetime(tr.at, t), tr.by, tr.action, tr.note or "-") for tr in data.transitions],
                [4.6 * cm, 4.2 * cm, 3.6 * cm, FRAME_W - 12.4 * cm],
            ),
        ]
    return doc.build(story)


def _title(doc: ReportDoc, w: Writer, data: VisitReportData) -> list:
    logo = doc.logo_flowable(1.9 * cm)
    lines = [
        w.p(data.office.name, "subtitle"),
        w.p("รายงานผลการนิเทศ ติดตาม การจัดการศึกษา", "title"),
        w.p(data.school, "subtitle"),
    ]
    if logo is None:
        return [*lines, Spacer(1, 8)]
    return [
        Table(
            [[logo, lines]],
            colWidths=[2.3 * cm, FRAME_W - 2.3 * cm],
            style=TableStyle([*PLAIN, ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
        ),
        Spacer(1, 10),
    ]


def _photos(w: Writer, data: VisitReportData):
    per_row = 3
    cell_w = FRAME_W / per_row
    cells = []
    for n, ph in enumerate(data.photos, start=1):
        img = Picture(ph.image, cell_w - 10, (cell_w - 10) * 0.75)
        meta = " · ".join(
            x for x in (ph.place, be_datetime(ph.taken_at, data.office.thai_digits) if ph.taken_at else "") if x
        )
        caption = f"ภาพที่ {w.num(n)}" + (f" {ph.caption}" if ph.caption else "")
        cells.append([img, w.p(caption, "small_center"), w.p(meta, "small_center")])
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    return Table(
        rows,
        colWidths=[cell_w] * per_row,
        hAlign="LEFT",
        style=TableStyle([*PLAIN, ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]),
    )


def _signatures(w: Writer, data: VisitReportData):
    cells = []
    for s in data.signatures:
        block: list = []
        if s.image:
            block.append(Picture(s.image, 4 * cm, 1.4 * cm))
        else:
            block.append(Spacer(1, 1.4 * cm))
        block += [w.p(f"({s.name})", "center"), w.p(s.role, "small_center")]
        if s.signed_at:
            block.append(w.p(be_datetime(s.signed_at, data.office.thai_digits), "small_center"))
        cells.append(block)
    per_row = 2
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    return Table(
        rows,
        colWidths=[FRAME_W / per_row] * per_row,
        hAlign="LEFT",
        style=TableStyle([*PLAIN, ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]),
    )


def _verification(w: Writer, data: VisitReportData):
    size = 2.4 * cm
    drawing = QRCode(data.verify_url, size)
    text = [
        w.p("ตรวจสอบความถูกต้องของเอกสาร", "bold"),
        w.p(f"รหัสตรวจสอบ: {data.verify_code}", keep_digits=True),
        w.p(data.verify_url, "small", keep_digits=True),
        w.p(f"เลขที่บันทึก {data.visit_id}", "small", keep_digits=True),
    ]
    return KeepTogether(
        Table(
            [[drawing, text]],
            colWidths=[size + 0.4 * cm, FRAME_W - size - 0.4 * cm],
            style=TableStyle([*PLAIN, ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
        )
    )
