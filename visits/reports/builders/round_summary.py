"""สรุปผลการนิเทศรายรอบ for the office director: coverage, scores, recommendations, follow-ups, gaps.

Written to stay readable from 81 to 1,000 schools: every table splits across pages with its header
repeated; per-school bars are drawn while they fit a few pages (≤ 120 schools), beyond that a
distribution of scores plus the ten lowest schools, and the full list stays in the table.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Spacer

from visits.reports.builders.common import Writer
from visits.reports.charts import Bar, BarChart
from visits.reports.data import RoundSummaryData
from visits.reports.layout import FRAME_W, ReportDoc
from visits.reports.thaitext import be_date, be_datetime

PER_SCHOOL_BARS = 120
LOW = colors.Color(0.80, 0.33, 0.25)


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def build_round_summary(data: RoundSummaryData) -> bytes:
    office = data.office
    t = office.thai_digits
    w = Writer(data.protected, t)
    doc = ReportDoc(office, f"สรุปผลการนิเทศ {data.round_title}")
    story: list = doc.heading(w, "รายงานสรุปผลการนิเทศ ติดตาม", data.round_title)
    story.append(
        w.pairs(
            [
                ("ปีการศึกษา", w.num(data.academic_year)),
                ("ช่วงเวลา", f"{be_date(data.start_date, t)} – {be_date(data.end_date, t)}"),
                ("ข้อมูล ณ", be_datetime(data.generated_at, t)),
            ],
            (3 * cm, FRAME_W - 3 * cm),
        )
    )

    planned = sum(c.planned for c in data.coverage)
    visited = sum(c.visited for c in data.coverage)
    submitted = sum(c.submitted for c in data.coverage)
    approved = sum(c.approved for c in data.coverage)
    scored = [s.percent for s in data.schools if s.percent is not None]
    mean = sum(scored) / len(scored) if scored else None

    story += [
        *w.h1("ภาพรวม"),
        w.table(
            ["โรงเรียนเป้าหมาย", "ตรวจเยี่ยมแล้ว", "ส่งรายงานแล้ว", "อนุมัติแล้ว", "คะแนนเฉลี่ย (ร้อยละ)"],
            [
                (
                    w.num(f"{planned:,}"),
                    _count(w, visited, planned),
                    _count(w, submitted, planned),
                    _count(w, approved, planned),
                    w.num(f"{mean:.1f}") if mean is not None else "-",
                )
            ],
            [FRAME_W / 5] * 5,
            ["center"] * 5,
            zebra=False,
        ),
    ]

    story += [
        *w.h1("ความครอบคลุมรายสหวิทยาเขต"),
        w.table(
            ["สหวิทยาเขต", "เป้าหมาย", "ตรวจเยี่ยม", "ส่งรายงาน", "อนุมัติ", "ร้อยละที่ตรวจเยี่ยม"],
            [
                (
                    c.name,
                    w.num(c.planned),
                    w.num(c.visited),
                    w.num(c.submitted),
                    w.num(c.approved),
                    w.num(f"{_pct(c.visited, c.planned):.1f}"),
                )
                for c in data.coverage
            ],
            [FRAME_W - 10.4 * cm, 1.9 * cm, 1.9 * cm, 1.9 * cm, 1.9 * cm, 2.8 * cm],
            ["left", "right", "right", "right", "right", "right"],
        ),
        Spacer(1, 8),
        w.p("ร้อยละของโรงเรียนที่ได้รับการตรวจเยี่ยม จำแนกตามสหวิทยาเขต", "h2"),
        BarChart(
            [Bar(c.name, _pct(c.visited, c.planned)) for c in data.coverage], 100, label_width=5.5 * cm, thai_digits=t
        ),
    ]

    if data.indicators:
        story += [
            *w.h1("ผลการนิเทศรายตัวชี้วัด (ร้อยละเฉลี่ย)"),
            BarChart(
                [Bar(f"{i.code} {i.name}", i.percent, color=LOW if i.percent < 50 else None) for i in data.indicators],
                100,
                label_width=7 * cm,
                thai_digits=t,
            ),
            Spacer(1, 6),
            w.table(
                ["ข้อ", "ตัวชี้วัด", "จำนวนโรงเรียน", "ร้อยละเฉลี่ย"],
                [(w.num(i.code), i.name, w.num(i.count), w.num(f"{i.percent:.1f}")) for i in data.indicators],
                [1.4 * cm, FRAME_W - 6.0 * cm, 2.4 * cm, 2.2 * cm],
                ["center", "left", "right", "right"],
            ),
        ]

    story += [PageBreak(), *w.h1("ผลการนิเทศรายโรงเรียน")]
    ranked = sorted((s for s in data.schools if s.percent is not None), key=lambda s: -s.percent)
    if ranked and len(ranked) <= PER_SCHOOL_BARS:
        story.append(
            BarChart(
                [Bar(s.school, s.percent, color=LOW if s.percent < 50 else None) for s in ranked],
                100,
                label_width=6.5 * cm,
                row_height=12.5,
                font_size=8.5,
                thai_digits=t,
            )
        )
    elif ranked:
        bands = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 100.01)]
        counts = [sum(1 for s in ranked if lo <= s.percent < hi) for lo, hi in bands]
        top = max(counts) or 1
        story += [
            w.p(f"การกระจายของคะแนน ({w.num(len(ranked))} โรงเรียนที่มีคะแนน)", "h2"),
            BarChart(
                [
                    Bar(
                        f"ร้อยละ {w.num(lo)}–{w.num(min(int(hi), 100))}",
                        n,
                        text=f"{w.num(n)} โรง",
                        color=LOW if lo < 50 else None,
                    )
                    for (lo, hi), n in zip(bands, counts, strict=True)
                ],
                top,
                label_width=4 * cm,
                thai_digits=t,
            ),
            Spacer(1, 6),
            w.p("สิบโรงเรียนที่มีคะแนนต่ำสุด", "h2"),
            BarChart(
                [Bar(s.school, s.percent, color=LOW if s.percent < 50 else None) for s in ranked[-10:]],
                100,
                label_width=6.5 * cm,
                thai_digits=t,
            ),
        ]
    story += [
        Spacer(1, 8),
        w.table(
            ["ที่", "โรงเรียน", "สหวิทยาเขต", "วันที่", "สถานะ", "ร้อยละ"],
            [
                (
                    w.num(n),
                    s.school,
                    s.consortium or "-",
                    be_date(s.visit_date, t, "%-d %b %y") if s.visit_date else "-",
                    s.status,
                    w.num(f"{s.percent:.1f}") if s.percent is not None else "-",
                )
                for n, s in enumerate(data.schools, 1)
            ],
            [1.1 * cm, FRAME_W - 11.1 * cm, 3.6 * cm, 2.2 * cm, 2.6 * cm, 1.6 * cm],
            ["center", "left", "left", "center", "left", "right"],
        ),
    ]

    if data.recommendations:
        story += [
            *w.h1("ข้อเสนอแนะที่พบบ่อย"),
            w.table(
                ["ที่", "ข้อเสนอแนะ", "จำนวนโรงเรียน"],
                [(w.num(n), text, w.num(count)) for n, (text, count) in enumerate(data.recommendations, 1)],
                [1.1 * cm, FRAME_W - 3.8 * cm, 2.7 * cm],
                ["center", "left", "right"],
            ),
        ]
    if data.followup_status:
        total = sum(n for _, n in data.followup_status)
        story += [
            *w.h1("สถานะการติดตามผล"),
            w.table(
                ["สถานะ", "จำนวน", "ร้อยละ"],
                [(label, w.num(n), w.num(f"{_pct(n, total):.1f}")) for label, n in data.followup_status],
                [FRAME_W - 5 * cm, 2.5 * cm, 2.5 * cm],
                ["left", "right", "right"],
            ),
        ]
    story.extend(w.h1(f"โรงเรียนที่ยังไม่ได้รับการตรวจเยี่ยม ({w.num(len(data.not_visited))} โรง)"))
    if data.not_visited:
        story.append(
            w.table(
                ["ที่", "โรงเรียน", "สหวิทยาเขต", "กำหนดการ"],
                [
                    (w.num(n), school, cons or "-", be_date(when, t) if when else "ยังไม่กำหนด")
                    for n, (school, cons, when) in enumerate(data.not_visited, 1)
                ],
                [1.1 * cm, FRAME_W - 9.1 * cm, 4.2 * cm, 3.8 * cm],
                ["center", "left", "left", "left"],
            )
        )
    else:
        story.append(w.p("ตรวจเยี่ยมครบทุกโรงเรียนแล้ว"))
    return doc.build(story)


def _count(w: Writer, n: int, whole: int) -> str:
    return f"{w.num(f'{n:,}')} ({w.num(f'{_pct(n, whole):.0f}')}%)"
