"""รายงานการตรวจเยี่ยมสนามสอบ: committees × exam centres × sessions, checklist results, incidents."""

from __future__ import annotations

from collections import Counter

from reportlab.lib.units import cm

from visits.reports.builders.common import Writer
from visits.reports.data import ExamReportData
from visits.reports.layout import FRAME_W, ReportDoc
from visits.reports.thaitext import be_date

PASS = "ผ่าน"


def build_exam_report(data: ExamReportData) -> bytes:
    office = data.office
    t = office.thai_digits
    w = Writer(data.protected, t)
    doc = ReportDoc(office, f"รายงานการตรวจเยี่ยมสนามสอบ {data.round_title}")
    story: list = doc.heading(
        w,
        "รายงานผลการตรวจเยี่ยมสนามสอบ",
        data.round_title,
        f"วันที่ {be_date(data.start_date, t)} – {be_date(data.end_date, t)}",
    )

    done = [v for v in data.visits if v.checks]
    failed = sum(1 for v in done for c in v.checks if c.result != PASS and c.result != "-")
    story += [
        *w.h1("ภาพรวม"),
        w.table(
            ["คณะกรรมการ", "สนามสอบ", "ครั้งที่ตรวจเยี่ยม", "รายการที่ไม่ผ่าน", "เหตุการณ์ที่บันทึก"],
            [
                (
                    w.num(len(data.committees)),
                    w.num(len({v.centre for v in data.visits})),
                    w.num(len(done)),
                    w.num(failed),
                    w.num(sum(len(v.incidents) for v in data.visits)),
                )
            ],
            [FRAME_W / 5] * 5,
            ["center"] * 5,
            zebra=False,
        ),
    ]

    story += [
        *w.h1("ตารางการตรวจเยี่ยม (คณะกรรมการ × สนามสอบ × ช่วงสอบ)"),
        w.table(
            ["คณะ", "สนามสอบ", "วันที่", "ช่วง", "ผล", "สถานะ"],
            [
                (
                    v.committee,
                    f"{v.centre} ({w.num(v.centre_code)})" if v.centre_code else v.centre,
                    be_date(v.day, t, "%-d %b %y"),
                    v.session,
                    _result(w, v),
                    v.status,
                )
                for v in data.visits
            ],
            [1.7 * cm, FRAME_W - 10.9 * cm, 2.2 * cm, 1.9 * cm, 2.6 * cm, 2.5 * cm],
            ["left", "left", "center", "left", "left", "left"],
        ),
    ]

    # Items that failed anywhere, most frequent first: what the office must act on.
    misses = Counter(c.item for v in data.visits for c in v.checks if c.result not in (PASS, "-"))
    if misses:
        story += [
            *w.h1("รายการตรวจที่ไม่ผ่าน"),
            w.table(
                ["รายการ", "จำนวนครั้ง"],
                [(item, w.num(n)) for item, n in misses.most_common()],
                [FRAME_W - 2.6 * cm, 2.6 * cm],
                ["left", "right"],
            ),
        ]

    story.extend(w.h1("ผลการตรวจรายสนามสอบ"))
    for v in data.visits:
        story.extend(w.h2(f"{v.committee} · {v.centre} · {be_date(v.day, t)} {v.session}"))
        if v.checks:
            story.append(
                w.table(
                    ["ที่", "รายการตรวจ", "ผล", "หมายเหตุ"],
                    [(w.num(i), c.item, c.result, c.note or "-") for i, c in enumerate(v.checks, 1)],
                    [1 * cm, FRAME_W - 8.6 * cm, 1.8 * cm, 5.8 * cm],
                    ["center", "left", "center", "left"],
                )
            )
        else:
            story.append(w.p("ยังไม่มีผลการตรวจ"))
        if v.incidents:
            story += [w.p("เหตุการณ์/ข้อสังเกต", "bold"), *w.bullets(v.incidents)]

    story.extend(w.h1("คณะกรรมการตรวจเยี่ยม"))
    for name, people in data.committees:
        story += [
            *w.h2(name),
            w.table(
                ["ที่", "ชื่อ - สกุล", "ตำแหน่ง", "หน้าที่"],
                [(w.num(i), m.name, m.position or "-", m.role) for i, m in enumerate(people, 1)],
                [1.1 * cm, 5.2 * cm, 5.8 * cm, FRAME_W - 12.1 * cm],
                ["center", "left", "left", "left"],
            ),
        ]
    return doc.build(story)


def _result(w: Writer, v) -> str:
    if not v.checks:
        return "ยังไม่ตรวจ"
    bad = sum(1 for c in v.checks if c.result not in (PASS, "-"))
    return "ผ่านทุกข้อ" if not bad else f"ไม่ผ่าน {w.num(bad)} ข้อ"
