"""คำสั่งแต่งตั้งคณะกรรมการ: the committee appointment order in the layout of a Thai official order."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import HRFlowable, KeepTogether, Spacer

from visits.reports.builders.common import Writer
from visits.reports.data import OrderData
from visits.reports.layout import FRAME_W, ReportDoc
from visits.reports.thaitext import be_date


def build_order(data: OrderData) -> bytes:
    office = data.office
    w = Writer(data.protected, office.thai_digits)
    doc = ReportDoc(office, f"คำสั่ง {w.num(data.order_no)}".strip())
    story: list = []
    logo = doc.logo_flowable(2.4 * cm)
    if logo is not None:
        story += [logo, Spacer(1, 4)]
    story += [
        w.p(f"คำสั่ง{office.name}", "title"),
        w.p(f"ที่ {w.num(data.order_no)}" if data.order_no else "ที่ ........../..........", "subtitle"),
        w.p(f"เรื่อง {data.subject}", "subtitle"),
        HRFlowable(width=3.5 * cm, thickness=0.6, color="black", spaceBefore=4, spaceAfter=10, hAlign="CENTER"),
    ]
    for para in data.body:
        story.append(w.p(para, "indent"))
        story.append(Spacer(1, 3))
    story.append(Spacer(1, 4))
    rows = [(w.num(i), m.name, m.position or "-", m.role) for i, m in enumerate(data.members, start=1)]
    story.append(
        w.table(
            ["ที่", "ชื่อ - สกุล", "ตำแหน่ง", "หน้าที่ในคณะกรรมการ"],
            rows,
            [1.1 * cm, 5.2 * cm, 6.0 * cm, FRAME_W - 12.3 * cm],
            ["center", "left", "left", "left"],
            zebra=False,
        )
    )
    story.append(Spacer(1, 8))
    if data.duties:
        story.append(w.p("ให้คณะกรรมการมีหน้าที่ ดังนี้", "indent"))
        story += w.bullets(data.duties, "1.", "clause")
        story.append(Spacer(1, 4))
    story.append(w.p("ให้ผู้ที่ได้รับการแต่งตั้งปฏิบัติหน้าที่ที่ได้รับมอบหมายให้เกิดผลดีต่อทางราชการ", "indent"))
    story.append(w.p("ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป", "indent"))
    story.append(Spacer(1, 10))
    when = (
        be_date(data.order_date, office.thai_digits, "%-d %B พ.ศ. %Y")
        if data.order_date
        else "..... เดือน .................... พ.ศ. ........"
    )
    signature = [
        w.p(f"สั่ง ณ วันที่ {when}", "indent"),
        Spacer(1, 1.6 * cm),
        _centered_right(w, f"({data.signer_name})" if data.signer_name else "(....................................)"),
        _centered_right(w, data.signer_position or ""),
    ]
    story.append(KeepTogether(signature))
    return doc.build(story)


def _centered_right(w: Writer, text: str):
    """A line centred in the right half of the page: where a Thai official signature block sits."""
    from reportlab.platypus import Table, TableStyle

    from visits.reports.builders.common import PLAIN

    return Table([["", w.p(text, "center")]], colWidths=[FRAME_W * 0.42, FRAME_W * 0.58], style=TableStyle(PLAIN))
