"""Charts as ReportLab `Drawing`s: one definition, drawn as SVG on a web page and placed as-is in a PDF.

The dashboard renders a chart with `svg(drawing)` (ReportLab's renderSVG; the browser shapes the Thai text
with the Sarabun web font) and the round summary puts the same `ChartDrawing` in its story, where the
strings are shaped with harfbuzz like every other line of the report. So the page and the report can never
disagree: they are one object.

A Drawing is never split across pages (platypus moves it whole to the next page), and every label is
measured: bars leave room for their longest label, wrapping it onto a second line rather than cutting it.
Approved and pending results are separate series with their own colours and legend: never one mean.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from visits.reports import fonts
from visits.reports.thaitext import break_lines, digits, shaped

APPROVED = colors.HexColor("#1d4ed8")
PENDING = colors.HexColor("#d97706")
TRACK = colors.HexColor("#eceef2")
GRID = colors.HexColor("#9ca3af")
INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#6b7280")

# Colours of the map's school dots and of quality levels (the legend names them).
STATUS_COLOURS = {
    "not_visited": colors.HexColor("#9ca3af"),
    "in_progress": colors.HexColor("#a855f7"),
    "pending": PENDING,
    "approved": APPROVED,
}
LEVEL_COLOURS = [
    colors.HexColor("#047857"),
    colors.HexColor("#2563eb"),
    colors.HexColor("#d97706"),
    colors.HexColor("#b91c1c"),
]


class _ShapedPDFRenderer(renderPDF._PDFRenderer):
    """renderPDF with Thai strings shaped (harfbuzz) before they reach the canvas."""

    def drawString(self, stringObj):
        state = self._tracker.getState()
        anchor = state["textAnchor"]
        font, size = state["fontName"], state["fontSize"]
        text = stringObj.text
        x = stringObj.x
        if anchor in ("end", "middle"):
            width = stringWidth(text, font, size)
            x -= width if anchor == "end" else width / 2
        if self._fill:
            self._canvas.drawString(x, stringObj.y, shaped(text, font, size))


class ChartDrawing(Drawing):
    """A Drawing that shapes its Thai text when platypus draws it into a PDF."""

    # The renderer's initial state would select Helvetica (a base-14 font, never embedded).
    initialFontName = fonts.REGULAR

    def draw(self, showBoundary=None):
        fonts.register_fonts()
        _ShapedPDFRenderer().draw(renderPDF.renderScaledDrawing(self), self.canv, 0, 0, showBoundary=False)


_svg_ids = itertools.count(1)


def svg(drawing: Drawing, title: str = "") -> str:
    """The drawing as an inline <svg> element (no XML prolog), scaled to its container's width."""
    fonts.register_fonts()
    text = renderSVG.drawToString(drawing)
    start = text.find("<svg")
    out = text[start:] if start >= 0 else text
    # A fluid chart: the viewBox keeps proportions, the width follows the page (no sideways scroll).
    head_end = out.find(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", out[:head_end], count=2)
    if "viewBox" not in head:
        head += f' viewBox="0 0 {_fmt(drawing.width)} {_fmt(drawing.height)}"'
    body = out[head_end:].replace("<title>...</title>", f"<title>{escape(title)}</title>", 1)
    # renderSVG names its clip path "clip" in every drawing; on a page of several charts each needs its own.
    unique = f"clip{next(_svg_ids)}"
    body = body.replace('id="clip"', f'id="{unique}"').replace("url(#clip)", f"url(#{unique})")
    return head + ' width="100%" role="img"' + body


def _fmt(v: float) -> str:
    return f"{v:g}" if not float(v).is_integer() else str(int(v))


def _text(x, y, text, size=9.0, anchor="start", fill=INK, bold=False) -> String:
    return String(
        x, y, text, fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size, textAnchor=anchor, fillColor=fill
    )


# ---------------------------------------------------------------------------------------------------
# Horizontal bars, one or more series (approved / pending) per row
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: colors.Color


@dataclass(frozen=True)
class ChartWords:
    """The words the shared chart definitions print that are not data: titles, series names, the empty map.

    Thai by default, as the PDF reports print them. A web page passes them in its reader's language (the
    dashboard fills them from Django's catalogues, `dashboard.data.chart_words`); this module never reads the
    catalogues itself, because the report builders and `bench/reports.py` run it with no Django settings."""

    approved: str = "อนุมัติแล้ว"
    pending: str = "รออนุมัติ"
    visited: str = "ตรวจเยี่ยมแล้ว"
    sections_title: str = "ร้อยละเฉลี่ยรายด้าน"
    sections_approved_title: str = "ร้อยละเฉลี่ยรายด้าน (ผลที่อนุมัติแล้ว)"
    coverage_title: str = "ร้อยละของโรงเรียนที่ตรวจเยี่ยมแล้วและอนุมัติแล้ว รายสหวิทยาเขต"
    no_coordinates: str = "ไม่มีพิกัดโรงเรียน"


THAI_WORDS = ChartWords()
APPROVED_SERIES = Series("approved", THAI_WORDS.approved, APPROVED)
PENDING_SERIES = Series("pending", THAI_WORDS.pending, PENDING)


@dataclass(frozen=True)
class BarRow:
    label: str
    values: tuple[float | None, ...]  # one per series, on 0 … maximum; None = no data (nothing drawn)
    notes: tuple[str, ...] = ()  # printed after each bar (e.g. "n=12"); the value when empty


@dataclass(frozen=True)
class BarChartSpec:
    title: str
    rows: tuple[BarRow, ...]
    series: tuple[Series, ...] = (APPROVED_SERIES,)
    maximum: float = 100.0
    unit: str = ""
    thresholds: tuple[float, ...] = ()  # dashed lines (quality-level boundaries)
    thai_digits: bool = False
    extra: dict = field(default_factory=dict, compare=False)


# A label longer than this many lines (an instrument question may be 2,000 characters) ends its last line with
# "…": the chart stays one drawing that fits a page, and the tables beside it print the whole text.
MAX_LABEL_LINES = 3


def _at_most_lines(lines: list[str], room: float, font_size: float) -> list[str]:
    if len(lines) <= MAX_LABEL_LINES:
        return lines
    last = lines[MAX_LABEL_LINES - 1]
    while last and stringWidth(last + " …", fonts.REGULAR, font_size) > room * 0.99:
        last = last[:-1]
    return [*lines[: MAX_LABEL_LINES - 1], last.rstrip() + " …"]


def bar_chart(spec: BarChartSpec, width: float = 480.0, font_size: float = 9.0) -> ChartDrawing:
    """Horizontal bars: labels on the left (wrapped, up to MAX_LABEL_LINES), one bar per series per row, a
    0…max scale."""
    fonts.register_fonts()
    t = spec.thai_digits
    # Room for the longest label on one line (line filling keeps a small margin), at most 42 % of the width.
    longest = max((stringWidth(r.label, fonts.REGULAR, font_size) for r in spec.rows), default=40)
    label_room = min(width * 0.42, longest * 1.06 + 4)
    label_room = max(label_room, 40)
    # Word-wrap (Thai segmentation) only the labels that need it: the segmenter's dictionary is slow to load.
    wrapped = [
        [r.label]
        if stringWidth(r.label, fonts.REGULAR, font_size) <= label_room * 0.99
        else _at_most_lines(break_lines(r.label, fonts.REGULAR, font_size, label_room) or [""], label_room, font_size)
        for r in spec.rows
    ]
    n_series = len(spec.series)
    bar_h = 9.0
    line_h = font_size + 2
    row_heights = [max(len(lines) * line_h, n_series * (bar_h + 2)) + 6 for lines in wrapped]
    title_h = font_size + 8
    # One approved series needs no legend (the title says so); any other series is named, in any language.
    legend_h = line_h + 4 if n_series > 1 or spec.series[0].key != APPROVED_SERIES.key else 0
    axis_h = line_h + 2
    height = title_h + legend_h + axis_h + sum(row_heights) + 4
    d = ChartDrawing(width, height)
    plot_x = label_room + 8
    note_w = stringWidth("100.0 (n=000)", fonts.REGULAR, font_size - 1) + 6
    plot_w = max(40.0, width - plot_x - note_w)
    y = height - title_h + 4
    d.add(_text(0, y, spec.title, font_size + 1, bold=True))
    y -= legend_h
    if legend_h:
        x = 0.0
        for s in spec.series:
            d.add(Rect(x, y, 9, 7, fillColor=s.colour, strokeColor=None))
            d.add(_text(x + 12, y, s.label, font_size - 0.5))
            x += 24 + stringWidth(s.label, fonts.REGULAR, font_size - 0.5)
    y -= axis_h
    top = y
    ticks = 5
    for k in range(ticks + 1):
        x = plot_x + plot_w * k / ticks
        value = spec.maximum * k / ticks
        d.add(_text(x, top + 3, digits(f"{value:g}", t), font_size - 1.5, "middle", MUTED))
    body_h = sum(row_heights)
    for k in range(ticks + 1):
        x = plot_x + plot_w * k / ticks
        d.add(Line(x, top, x, top - body_h, strokeColor=TRACK, strokeWidth=0.5))
    for threshold in spec.thresholds:
        x = plot_x + plot_w * min(1.0, threshold / (spec.maximum or 1))
        d.add(Line(x, top, x, top - body_h, strokeColor=GRID, strokeWidth=0.6, strokeDashArray=[2, 2]))
    y = top
    for row, lines, rh in zip(spec.rows, wrapped, row_heights, strict=True):
        y -= rh
        g = Group()
        first_baseline = y + rh / 2 + len(lines) * line_h / 2 - line_h + 2.5
        for i, line in enumerate(lines):
            g.add(_text(label_room, first_baseline - i * line_h, line, font_size, "end"))
        bars_top = y + rh / 2 + n_series * (bar_h + 2) / 2
        for i, (s, value) in enumerate(zip(spec.series, row.values, strict=True)):
            by = bars_top - (i + 1) * (bar_h + 2) + 1
            g.add(Rect(plot_x, by, plot_w, bar_h, fillColor=TRACK, strokeColor=None))
            note = row.notes[i] if i < len(row.notes) else ""
            if value is None:
                g.add(_text(plot_x + 3, by + 1.5, note or "-", font_size - 1.5, fill=MUTED))
                continue
            share = max(0.0, min(1.0, value / (spec.maximum or 1)))
            g.add(Rect(plot_x, by, plot_w * share, bar_h, fillColor=s.colour, strokeColor=None))
            text = digits(f"{value:.1f}{spec.unit}", t) + (f" ({note})" if note else "")
            g.add(_text(plot_x + plot_w + 3, by + 1.5, text, font_size - 1))
        d.add(g)
    return d


# ---------------------------------------------------------------------------------------------------
# The map of schools, drawn from stored coordinates (works with no internet)
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    colour_key: str  # a key of the legend
    label: str = ""


@dataclass(frozen=True)
class MapPlace:
    lat: float
    lon: float
    name: str


@dataclass(frozen=True)
class MapSpec:
    title: str
    points: tuple[MapPoint, ...]
    places: tuple[MapPlace, ...]  # district centres, labelled
    legend: tuple[tuple[str, str, colors.Color], ...]  # (key, label, colour)
    counts: dict = field(default_factory=dict, compare=False)
    empty_text: str = THAI_WORDS.no_coordinates  # drawn instead of the dots when no school has coordinates


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator in units of the world (0…1), the projection online tiles use too."""
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(max(-85.0, min(85.0, lat))))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def map_frame(lats: Sequence[float], lons: Sequence[float], width: float, height: float, pad: float = 14):
    """(project(lat, lon) → (x, y) in drawing units, bounds in world units) fitting all points."""
    xs, ys = zip(*(mercator(a, b) for a, b in zip(lats, lons, strict=True)), strict=True)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 1e-4)
    scale = min((width - 2 * pad) / max(x1 - x0, span * 0.2), (height - 2 * pad) / max(y1 - y0, span * 0.2))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def project(lat, lon):
        mx, my = mercator(lat, lon)
        return width / 2 + (mx - cx) * scale, height / 2 - (my - cy) * scale

    return project, (cx, cy, scale)


def school_map(spec: MapSpec, width: float = 480.0, height: float = 420.0, font_size: float = 8.0) -> ChartDrawing:
    fonts.register_fonts()
    legend_h, title_h = MAP_LEGEND_H, MAP_TITLE_H
    plot_h = height - legend_h - title_h
    d = ChartDrawing(width, height)
    d.add(_text(0, height - 11, spec.title, font_size + 2, bold=True))
    d.add(Rect(0, legend_h, width, plot_h, fillColor=colors.HexColor("#f8fafc"), strokeColor=TRACK))
    coords = [(p.lat, p.lon) for p in spec.points] + [(p.lat, p.lon) for p in spec.places]
    if coords:
        project, _ = map_frame([c[0] for c in coords], [c[1] for c in coords], width, plot_h)
        colour = {key: c for key, _, c in spec.legend}
        for place in spec.places:
            x, y = project(place.lat, place.lon)
            d.add(Circle(x, y + legend_h, 14, fillColor=colors.HexColor("#e5e7eb"), strokeColor=None))
        for p in spec.points:
            x, y = project(p.lat, p.lon)
            d.add(
                Circle(
                    x,
                    y + legend_h,
                    3.6,
                    fillColor=colour.get(p.colour_key, MUTED),
                    strokeColor=colors.white,
                    strokeWidth=0.6,
                )
            )
        for place in spec.places:
            x, y = project(place.lat, place.lon)
            x = min(max(x, 4 + stringWidth(place.name, fonts.REGULAR, font_size) / 2), width - 4)
            d.add(_text(x, y + legend_h - 3, place.name, font_size, "middle", MUTED))
    else:
        d.add(_text(width / 2, legend_h + plot_h / 2, spec.empty_text, font_size + 1, "middle", MUTED))
    x = 0.0
    for key, label, c in spec.legend:
        n = spec.counts.get(key)
        text = f"{label} ({n})" if n is not None else label
        d.add(Circle(x + 4, 6, 3.6, fillColor=c, strokeColor=None))
        d.add(_text(x + 10, 3, text, font_size))
        x += 22 + stringWidth(text, fonts.REGULAR, font_size)
    return d


MAP_LEGEND_H, MAP_TITLE_H = 16, 16


def map_tiles(spec: MapSpec, url_template: str, width: float, height: float) -> list[dict]:
    """Online tiles (Web Mercator, like the dots) under a `school_map` of this size, as percentages of the
    drawing's box: the page lays them out behind the SVG. Only used when a tile URL is configured."""
    coords = [(p.lat, p.lon) for p in spec.points] + [(p.lat, p.lon) for p in spec.places]
    if not coords:
        return []
    plot_h = height - MAP_LEGEND_H - MAP_TITLE_H
    _, (cx, cy, scale) = map_frame([c[0] for c in coords], [c[1] for c in coords], width, plot_h)
    zoom = max(0, min(18, round(math.log2(max(scale, 1) / 200))))
    n = 2**zoom
    size = scale / n  # one tile in drawing units

    def left(tx):
        return width / 2 + (tx / n - cx) * scale

    def top(ty):
        return MAP_TITLE_H + plot_h / 2 + (ty / n - cy) * scale

    tiles = []
    for tx in range(max(0, math.floor((cx - width / 2 / scale) * n)), min(n, math.ceil((cx + width / 2 / scale) * n))):
        for ty in range(
            max(0, math.floor((cy - plot_h / 2 / scale) * n)), min(n, math.ceil((cy + plot_h / 2 / scale) * n))
        ):
            tiles.append(
                {
                    "url": url_template.format(z=zoom, x=tx, y=ty),
                    "left": 100 * left(tx) / width,
                    "top": 100 * top(ty) / height,
                    "width": 100 * size / width,
                    "height": 100 * size / height,
                }
            )
    return tiles


def sections_spec(
    rows: Sequence[tuple[str, float | None, int, float | None, int]],
    thresholds: Sequence[float] = (),
    thai_digits: bool = False,
    approved_only: bool = False,
    words: ChartWords = THAI_WORDS,
) -> BarChartSpec:
    """The per-section chart (title, approved mean, n, pending mean, n): the dashboard and the round summary
    PDF both draw this one definition, each with its reader's `words`. Approved and pending are two bars,
    never one."""
    approved = Series(APPROVED_SERIES.key, words.approved, APPROVED)
    if approved_only:
        return BarChartSpec(
            words.sections_approved_title,
            tuple(BarRow(title, (a,), (f"n={na}",)) for title, a, na, _, _ in rows),
            (approved,),
            thresholds=tuple(thresholds),
            thai_digits=thai_digits,
        )
    return BarChartSpec(
        words.sections_title,
        tuple(BarRow(title, (a, p), (f"n={na}", f"n={np_}")) for title, a, na, p, np_ in rows),
        (approved, Series(PENDING_SERIES.key, words.pending, PENDING)),
        thresholds=tuple(thresholds),
        thai_digits=thai_digits,
    )


def coverage_spec(coverage, thai_digits: bool = False, words: ChartWords = THAI_WORDS) -> BarChartSpec:
    """Coverage per consortium (rows with name, planned, visited, approved): the share of planned schools
    visited and approved, two bars each. The dashboard and the round summary PDF both draw this one
    definition, each with its reader's `words`."""

    def pct(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0

    return BarChartSpec(
        words.coverage_title,
        tuple(
            BarRow(
                c.name,
                (pct(c.visited, c.planned), pct(c.approved, c.planned)),
                (f"{c.visited}/{c.planned}", f"{c.approved}/{c.planned}"),
            )
            for c in coverage
        ),
        (
            Series("visited", words.visited, STATUS_COLOURS["in_progress"]),
            Series(APPROVED_SERIES.key, words.approved, APPROVED),
        ),
        thai_digits=thai_digits,
    )


def chunks(spec: BarChartSpec, per_drawing: int) -> list[BarChartSpec]:
    """A long chart as several whole drawings (each kept on one page), the title on the first."""
    from dataclasses import replace

    parts = [spec.rows[i : i + per_drawing] for i in range(0, len(spec.rows), per_drawing)] or [()]
    return [replace(spec, rows=rows, title=spec.title if n == 0 else "") for n, rows in enumerate(parts)]


def recolour(drawing: Drawing, flags: Sequence[bool], colour: colors.Color) -> None:
    """Paint the bar of row i in `colour` where flags[i] (e.g. pending schools among approved ones)."""
    rows = [g for g in drawing.contents if isinstance(g, Group)]
    for group, flag in zip(rows, flags, strict=False):
        if not flag:
            continue
        bars = [s for s in group.contents if isinstance(s, Rect) and s.fillColor != TRACK]
        for bar in bars:
            bar.fillColor = colour
