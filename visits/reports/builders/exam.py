"""รายงานการตรวจเยี่ยมสนามสอบ: committees × exam centres × sessions, checklist results, incidents."""

from __future__ import annotations

from collections import Counter

from reportlab.lib import colors
from reportlab.lib.units import cm

from visits.reports.builders.common import Writer
from visits.reports.data import ExamReportData
from visits.reports.layout import FRAME_W, ReportDoc
from visits.reports.thaitext import be_date

PASS = "ผ่าน"
FAIL = "ไม่ผ่าน"
FORM_NAMES = ("สทศ.2", "สทศ.3", "สทศ.5", "สทศ.6", "O-NET 1", "O-NET 2", "O-NET 3", "รอตรวจ", "ผ่านทุกข้อ")
# Failed items and incidents are what the office acts on: they stand out on every table that lists them.
FAILED_BG = colors.Color(0.99, 0.86, 0.86)


def build_exam_report(data: ExamReportData) -> bytes:
    office = data.office
    t = office.thai_digits
    # Dates are names too: never cut between day, month and year.
    days = {d for v in data.visits for d in (be_date(v.day, t, "%-d %b %y"), be_date(v.day, t))}
    # So are the testing service's form names (สทศ.5, O-NET 2) and the status words.
    w = Writer((*data.protected, *days, *FORM_NAMES), t)
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

    story += _per_committee(w, data) + _per_centre(w, data) + _failures_and_incidents(w, data, t)

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
                    zebra=False,
                    extra=[
                        ("BACKGROUND", (0, row), (-1, row), FAILED_BG)
                        for row, c in enumerate(v.checks, 1)
                        if c.result == FAIL
                    ],
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


def _failed(v) -> list:
    return [c for c in v.checks if c.result == FAIL]


def _per_committee(w: Writer, data: ExamReportData) -> list:
    """Each committee: inspections recorded, inspections with every item passed, failed items, incidents."""
    order = [name for name, _ in data.committees]
    by: dict[str, list] = {name: [] for name in order}
    for v in data.visits:
        by.setdefault(v.committee, []).append(v)
    rows, bad_rows = [], []
    for name, visits in by.items():
        done = [v for v in visits if v.checks]
        failed = sum(len(_failed(v)) for v in done)
        incidents = sum(len(v.incidents) for v in visits)
        rows.append(
            (
                name,
                w.num(len(visits)),
                w.num(len(done)),
                w.num(sum(1 for v in done if not _failed(v))),
                w.num(failed),
                w.num(incidents),
            )
        )
        if failed or incidents:
            bad_rows.append(len(rows))
    return [
        *w.h1("ผลการตรวจเยี่ยมรายคณะกรรมการ"),
        w.table(
            ["คณะ", "ครั้งที่กำหนด", "ตรวจแล้ว", "ผ่านทุกข้อ", "ข้อที่ไม่ผ่าน", "เหตุการณ์"],
            rows,
            [FRAME_W - 13.5 * cm, 2.7 * cm, 2.5 * cm, 2.5 * cm, 3 * cm, 2.8 * cm],
            ["left", "center", "center", "center", "center", "center"],
            zebra=False,
            extra=[("BACKGROUND", (0, r), (-1, r), FAILED_BG) for r in bad_rows],
        ),
    ]


def _per_centre(w: Writer, data: ExamReportData) -> list:
    """Each exam centre (สนามสอบ): inspections, the items it failed and its incidents, by name."""
    by: dict[tuple[str, str], list] = {}
    for v in data.visits:
        by.setdefault((v.centre, v.centre_code), []).append(v)
    rows, bad_rows = [], []
    for (centre, code), visits in sorted(by.items(), key=lambda kv: kv[0][1] or kv[0][0]):
        failed = [c.item for v in visits for c in _failed(v)]
        incidents = [i for v in visits for i in v.incidents]
        rows.append(
            (
                f"{centre} ({w.num(code)})" if code else centre,
                w.num(sum(1 for v in visits if v.checks)),
                "\n".join(f"• {item}" for item in failed) or "-",
                "\n".join(f"• {text}" for text in incidents) or "-",
            )
        )
        if failed or incidents:
            bad_rows.append(len(rows))
    return [
        *w.h1("ผลการตรวจเยี่ยมรายสนามสอบ"),
        w.table(
            ["สนามสอบ (รหัส)", "ตรวจแล้ว", "รายการที่ไม่ผ่าน", "เหตุการณ์"],
            rows,
            [5.2 * cm, 2.2 * cm, (FRAME_W - 7.4 * cm) / 2, (FRAME_W - 7.4 * cm) / 2],
            ["left", "center", "left", "left"],
            zebra=False,
            extra=[("BACKGROUND", (0, r), (-1, r), FAILED_BG) for r in bad_rows],
        ),
    ]


def _failures_and_incidents(w: Writer, data: ExamReportData, t: bool) -> list:
    """Every failed item and incident, with where and when it was found: the list the office follows up."""
    rows = []
    for v in data.visits:
        when = f"{be_date(v.day, t, '%-d %b %y')} {v.session}"
        rows += [(v.committee, v.centre, when, f"ไม่ผ่าน: {c.item}", c.note or "-") for c in _failed(v)]
        rows += [(v.committee, v.centre, when, "เหตุการณ์", text) for text in v.incidents]
    if not rows:
        return [*w.h1("รายการที่ไม่ผ่านและเหตุการณ์"), w.p("ทุกสนามสอบผ่านทุกรายการ ไม่มีเหตุการณ์ที่บันทึก")]
    return [
        *w.h1("รายการที่ไม่ผ่านและเหตุการณ์"),
        w.table(
            ["คณะ", "สนามสอบ", "วันที่ ช่วง", "รายการ", "รายละเอียด"],
            rows,
            [1.8 * cm, 4.4 * cm, 2.2 * cm, (FRAME_W - 8.4 * cm) * 0.55, (FRAME_W - 8.4 * cm) * 0.45],
            ["left", "left", "left", "left", "left"],
            zebra=False,
            extra=[("BACKGROUND", (0, r), (-1, r), FAILED_BG) for r, row in enumerate(rows, 1) if row[3] != "เหตุการณ์"],
        ),
    ]
