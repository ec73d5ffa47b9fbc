"""The round summary's charts (issue 13): each is one drawing (a drawing is never split across pages; a long
chart becomes several whole ones) and every label lies inside it, nothing cut at its edge. (How the summary
opens and what follows: tests/dashboard/test_dashboard_points.py, on a round in the database.)"""

from reportlab.graphics.shapes import Group, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from visits.reports import drawings, samples
from visits.reports.layout import FRAME_W


def _strings(node, dx=0.0):
    for child in getattr(node, "contents", []):
        if isinstance(child, String):
            yield child, dx
        elif isinstance(child, Group):
            yield from _strings(child, dx + (child.transform[4] if child.transform else 0.0))


def test_every_label_of_the_summary_charts_lies_inside_its_drawing():
    data = samples.round_summary(81)
    thresholds = [lo for _, lo in data.levels if lo > 0]
    for spec in (drawings.coverage_spec(data.coverage), drawings.sections_spec(data.sections, thresholds)):
        d = drawings.bar_chart(spec, FRAME_W, 9.0)
        for s, dx in _strings(d):
            w = stringWidth(s.text, s.fontName, s.fontSize)
            left = dx + {"start": s.x, "middle": s.x - w / 2, "end": s.x - w}.get(s.textAnchor, s.x)
            assert left >= -0.5 and left + w <= d.width + 0.5, (spec.title, s.text)
