"""คำสั่งแต่งตั้งคณะกรรมการ: one order for a round's whole set of committees, in the official layout
(visits/reports/official.py): Garuda, คำสั่ง / ที่ / เรื่อง, the reason ("ด้วย …"), the authority, each
committee (คณะที่ n with its centres, days and numbered member lines), the duties, the signature."""

from __future__ import annotations

from reportlab.platypus import KeepTogether

from visits.reports.data import OrderData
from visits.reports.official import MemberLine, OfficialDoc, OfficialWriter
from visits.reports.thaitext import be_date


def _days(dates, thai_digits: bool) -> str:
    if not dates:
        return ""
    if len(dates) == 1:
        return f"วันที่ {be_date(dates[0], thai_digits)}"
    return "วันที่ " + " และ ".join(be_date(d, thai_digits) for d in dates)


def build_order(data: OrderData) -> bytes:
    office = data.office
    t = office.thai_digits
    w = OfficialWriter(data.protected, t)
    doc = OfficialDoc(office, f"คำสั่ง{office.name} ที่ {data.order_no}".strip(), subject=data.subject)
    story: list = [
        *doc.emblem(),
        w.centre(f"คำสั่ง{office.name}", bold=True),
        w.centre(f"ที่ {data.order_no}" if data.order_no else "ที่ ........../.........."),
        w.centre(f"เรื่อง {data.subject}"),
        w.rule(),
        w.para(data.reason),
        w.para(data.authority),
    ]
    many = len(data.committees) > 1
    for c in data.committees:
        head: list = []
        if many:
            head += [w.space(4), w.line(c.name, bold=True)]
            if c.dates:
                head.append(w.para(f"ตรวจเยี่ยม{_days(c.dates, t)}"))
            for n, centre in enumerate(c.centres, start=1):
                head.append(w.para(f"สนามสอบที่ {w.num(n)} {centre}"))
        members = w.numbered_lines([MemberLine(m.name, m.position or "", m.role) for m in c.members])
        # The committee's heading, days and centres never end a page: they go with its first member.
        story += [KeepTogether(head + members[:1]), *members[1:]] if head else members
        if c.duties:
            duties = w.clauses(c.duties)
            story += [KeepTogether([w.para("มีหน้าที่ ดังนี้"), *duties[:1]]), *duties[1:]]
    if data.duties:
        duties = w.clauses(data.duties)
        story += [KeepTogether([w.space(4), w.para("ให้คณะกรรมการมีหน้าที่ ดังนี้"), *duties[:1]]), *duties[1:]]
    story.append(w.para("ให้ผู้ที่ได้รับการแต่งตั้งปฏิบัติหน้าที่ที่ได้รับมอบหมายให้เกิดผลดีต่อทางราชการ"))
    last = w.para("ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป")
    when = (
        be_date(data.order_date, t, "%-d %B พ.ศ. %Y")
        if data.order_date
        else "..... เดือน .................... พ.ศ. ........"
    )
    story += w.signature(data.signer_name, data.signer_position, when=f"สั่ง ณ วันที่ {when}", keep_with=[last])
    return doc.build(story)
