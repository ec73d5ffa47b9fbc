"""สรุปผลการนิเทศรายรอบ for the office director: coverage, scores, recommendations, follow-ups, gaps.

Written to stay readable from 81 to 1,000 schools: every table splits across pages with its header
repeated; per-school bars are drawn while they fit a few pages (≤ 120 schools), beyond that a
distribution of scores plus the ten lowest schools, and the full list stays in the table.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from visits.reports import drawings
from visits.reports.builders.common import Writer
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
    a_mean, a_n = data.approved_mean
    p_mean, p_n = data.pending_mean
    story += [*w.h1("สรุปสำหรับผู้บริหาร"), w.p(_key_numbers(w, data, planned, visited, submitted, approved))]
    steps = _next_steps(w, data, planned, visited, submitted, approved)
    if steps:
        story += [w.p("สิ่งที่ควรดำเนินการต่อ", "h2"), *w.bullets(steps)]

    story += [
        *w.h1("ภาพรวม"),
        w.table(
            ["โรงเรียนเป้าหมาย", "ตรวจเยี่ยมแล้ว", "ส่งรายงานแล้ว", "อนุมัติแล้ว", "เฉลี่ย อนุมัติแล้ว", "เฉลี่ย รออนุมัติ"],
            [
                (
                    w.num(f"{planned:,}"),
                    _count(w, visited, planned),
                    _count(w, submitted, planned),
                    _count(w, approved, planned),
                    _mean(w, a_mean, a_n),
                    "-" if data.approved_only else _mean(w, p_mean, p_n),
                )
            ],
            [FRAME_W / 6] * 6,
            ["center"] * 6,
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
        *_charts(drawings.coverage_spec(data.coverage, t)),  # the dashboard's coverage chart, one definition
    ]

    thresholds = [lo for _, lo in data.levels if lo > 0]
    if data.sections:
        story += [
            *w.h1("ผลการนิเทศรายด้าน (อนุมัติแล้วและรออนุมัติแยกกัน)" if not data.approved_only else "ผลการนิเทศรายด้าน"),
            *_charts(drawings.sections_spec(data.sections, thresholds, t, data.approved_only)),
        ]
    if data.matrix or data.matrix_pending:
        story += _matrix(w, data, data.matrix, "ตารางโรงเรียน × ด้าน ผลที่อนุมัติแล้ว (อ่อนที่สุดก่อน)")
        if data.matrix_pending:
            story += _matrix(w, data, data.matrix_pending, "ตารางโรงเรียน × ด้าน ผลที่ส่งแล้ว รออนุมัติ (อ่อนที่สุดก่อน)")
    if data.consortium_means:
        story += [
            *w.h1("ผลเฉลี่ยรายสหวิทยาเขต (อนุมัติแล้วและรออนุมัติแยกกัน)"),
            w.table(
                ["สหวิทยาเขต", "อนุมัติแล้ว", "จำนวน", "รออนุมัติ", "จำนวน"],
                [
                    (name, _mean(w, a, None), w.num(na), "-" if data.approved_only else _mean(w, p, None), w.num(np_))
                    for name, a, na, p, np_ in data.consortium_means
                ],
                [FRAME_W - 9.6 * cm, 2.4 * cm, 2.4 * cm, 2.4 * cm, 2.4 * cm],
                ["left", "right", "right", "right", "right"],
            ),
        ]

    if data.indicators:
        story += [
            *w.h1("ผลการนิเทศรายตัวชี้วัด (ร้อยละเฉลี่ย เฉพาะผลที่อนุมัติแล้ว)"),
            *_charts(
                drawings.BarChartSpec(
                    "",
                    tuple(drawings.BarRow(f"{i.code} {i.name}", (i.percent,)) for i in data.indicators),
                    thresholds=tuple(thresholds),
                    thai_digits=t,
                )
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
        story += _charts(
            drawings.BarChartSpec(
                "ร้อยละรายโรงเรียน (สีน้ำเงิน อนุมัติแล้ว / สีส้ม รออนุมัติ)" if not data.approved_only else "ร้อยละรายโรงเรียน",
                tuple(drawings.BarRow(s.school, (s.percent,)) for s in ranked),
                thresholds=tuple(thresholds),
                thai_digits=t,
                extra={"pending": [s.status != "อนุมัติแล้ว" and "รับทราบ" not in s.status for s in ranked]},
            ),
            per_drawing=36,
            font_size=8,
        )
    elif ranked:
        bands = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 100.01)]
        counts = [sum(1 for s in ranked if lo <= s.percent < hi) for lo, hi in bands]
        top = max(counts) or 1
        story += _charts(
            drawings.BarChartSpec(
                f"การกระจายของคะแนน ({w.num(len(ranked))} โรงเรียนที่มีคะแนน)",
                tuple(
                    drawings.BarRow(f"ร้อยละ {w.num(lo)}–{w.num(min(int(hi), 100))}", (n,), (f"{w.num(n)} โรง",))
                    for (lo, hi), n in zip(bands, counts, strict=True)
                ),
                maximum=top,
                thai_digits=t,
            )
        )
        story += _charts(
            drawings.BarChartSpec(
                "สิบโรงเรียนที่มีคะแนนต่ำสุด",
                tuple(drawings.BarRow(s.school, (s.percent,)) for s in ranked[-10:]),
                thai_digits=t,
            )
        )
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

    if data.recommendation_schools:
        story += [
            *w.h1("ข้อเสนอแนะที่พบบ่อย และโรงเรียนที่เกี่ยวข้อง"),
            w.table(
                ["ที่", "ข้อเสนอแนะ", "จำนวน", "โรงเรียน"],
                [
                    (w.num(n), text, w.num(count), ", ".join(schools))
                    for n, (text, count, schools) in enumerate(data.recommendation_schools, 1)
                ],
                [1.1 * cm, FRAME_W - 9.1 * cm, 1.6 * cm, 6.4 * cm],
                ["center", "left", "right", "left"],
            ),
        ]
    elif data.recommendations:
        story += [
            *w.h1("ข้อเสนอแนะที่พบบ่อย"),
            w.table(
                ["ที่", "ข้อเสนอแนะ", "จำนวนโรงเรียน"],
                [(w.num(n), text, w.num(count)) for n, (text, count) in enumerate(data.recommendations, 1)],
                [1.1 * cm, FRAME_W - 3.8 * cm, 2.7 * cm],
                ["center", "left", "right"],
            ),
        ]
    story += w.h1(f"การติดตามผลที่เกินกำหนด ({w.num(len(data.overdue))} รายการ)")
    if data.overdue:
        story.append(
            w.table(
                ["โรงเรียน", "ผู้รับผิดชอบ", "ข้อเสนอแนะ", "กำหนดเสร็จ", "เกิน (วัน)"],
                [
                    (school, owner, text, be_date(due, t, "%-d %b %y"), w.num(days))
                    for school, owner, text, due, days in data.overdue
                ],
                [4.2 * cm, 3.6 * cm, FRAME_W - 12.2 * cm, 2.4 * cm, 2.0 * cm],
                ["left", "left", "left", "center", "right"],
            )
        )
    else:
        story.append(w.p("ไม่มีการติดตามผลที่เกินกำหนด"))
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


def _charts(spec: drawings.BarChartSpec, per_drawing: int = 20, font_size: float = 9.0) -> list:
    """A chart as whole drawings (never split across a page; a long one in several parts), labels measured."""
    pending = spec.extra.get("pending")
    out = []
    offset = 0
    for part in drawings.chunks(spec, per_drawing):
        d = drawings.bar_chart(part, FRAME_W, font_size)
        if pending:
            drawings.recolour(d, pending[offset : offset + len(part.rows)], drawings.PENDING)
        offset += len(part.rows)
        out += [KeepTogether([d]), Spacer(1, 6)]
    return out


def _mean(w: Writer, value: float | None, n: int | None) -> str:
    if value is None:
        return "-"
    return w.num(f"{value:.1f}") + (f" (n={w.num(n)})" if n is not None else "")


def _key_numbers(w: Writer, data: RoundSummaryData, planned, visited, submitted, approved) -> str:
    a_mean, a_n = data.approved_mean
    p_mean, p_n = data.pending_mean
    parts = [
        f"โรงเรียนเป้าหมาย {w.num(planned)} โรง ตรวจเยี่ยมแล้ว {w.num(visited)} โรง "
        f"(ร้อยละ {w.num(f'{_pct(visited, planned):.0f}')}) ส่งรายงานแล้ว {w.num(submitted)} โรง "
        f"อนุมัติแล้ว {w.num(approved)} โรง"
    ]
    if a_mean is not None:
        parts.append(f"คะแนนเฉลี่ยของผลที่อนุมัติแล้วร้อยละ {w.num(f'{a_mean:.1f}')} ({w.num(a_n)} โรง)")
    if p_mean is not None and not data.approved_only:
        parts.append(f"ผลที่ส่งแล้วรออนุมัติเฉลี่ยร้อยละ {w.num(f'{p_mean:.1f}')} ({w.num(p_n)} โรง แสดงแยก ไม่นำมาเฉลี่ยรวม)")
    scored = [(title, a) for title, a, _, _, _ in data.sections if a is not None]
    if scored:
        weakest = min(scored, key=lambda x: x[1])
        parts.append(f"ด้านที่อ่อนที่สุดคือ{weakest[0]} (ร้อยละ {w.num(f'{weakest[1]:.1f}')})")
    if data.levels and data.matrix:
        lowest = data.levels[-1][0]
        n_low = sum(1 for row in data.matrix if row[3] == lowest)
        parts.append(f"โรงเรียนระดับ{lowest} {w.num(n_low)} โรง")
    parts.append(f"การติดตามผลเกินกำหนด {w.num(len(data.overdue))} รายการ")
    return " ".join(parts)


def _next_steps(w: Writer, data: RoundSummaryData, planned, visited, submitted, approved) -> list[str]:
    steps = []
    if planned - visited > 0:
        names = ", ".join(name for name, _, _ in data.not_visited[:5])
        more = f" และอีก {w.num(len(data.not_visited) - 5)} โรง" if len(data.not_visited) > 5 else ""
        steps.append(f"ตรวจเยี่ยมโรงเรียนที่ยังไม่ได้รับการตรวจเยี่ยม {w.num(planned - visited)} โรง: {names}{more}")
    if submitted - approved > 0 and not data.approved_only:
        steps.append(f"ประธานคณะกรรมการพิจารณาอนุมัติรายงานที่ส่งแล้ว {w.num(submitted - approved)} ฉบับ")
    scored = [(title, a) for title, a, _, _, _ in data.sections if a is not None]
    if scored:
        weakest = min(scored, key=lambda x: x[1])
        schools = ", ".join(row[0] for row in data.matrix[:3])
        steps.append(f"นิเทศเสริมด้าน{weakest[0]} โดยเริ่มจากโรงเรียนที่คะแนนต่ำสุด: {schools}")
    if data.overdue:
        steps.append(f"ติดตามการดำเนินงานตามข้อเสนอแนะที่เกินกำหนด {w.num(len(data.overdue))} รายการ กับผู้รับผิดชอบ")
    return steps


def _matrix(w: Writer, data: RoundSummaryData, rows, title: str) -> list:
    titles = [s[0] for s in data.sections]
    n = len(titles)
    section_w = min(2.2 * cm, (FRAME_W - 8.5 * cm) / max(n, 1))
    widths = [FRAME_W - 3.0 * cm - n * section_w, 3.0 * cm] + [section_w] * n
    legend = " · ".join(f"{label} ≥ {w.num(f'{lo:g}')}" for label, lo in data.levels)
    return [
        *w.h1(title),
        w.p(f"ระดับคุณภาพ: {legend} (ด้าน: " + "; ".join(f"{k + 1}. {t}" for k, t in enumerate(titles)) + ")"),
        w.table(
            ["โรงเรียน", "ภาพรวม", *(f"ด้าน {w.num(k + 1)}" for k in range(n))],
            [
                (
                    school,
                    f"{w.num(f'{overall:.1f}')} {label}" if overall is not None else "-",
                    *(w.num(f"{p:.1f}") if p is not None else "-" for p, _ in cells),
                )
                for school, _, overall, label, cells in rows
            ],
            widths,
            ["left", "left", *["right"] * n],
        ),
    ]


def _count(w: Writer, n: int, whole: int) -> str:
    return f"{w.num(f'{n:,}')} ({w.num(f'{_pct(n, whole):.0f}')}%)"
