"""Horizontal bar charts drawn on the canvas with shaped Thai labels.

One bar per row; the chart is drawn whole on one page and its labels wrap rather than being cut.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable

from visits.reports import fonts
from visits.reports.thaitext import break_lines, digits, draw_text

BAR = colors.Color(0.22, 0.42, 0.70)
TRACK = colors.Color(0.92, 0.93, 0.95)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0 … maximum
    text: str = ""  # printed after the bar; the value when empty
    color: colors.Color | None = None


class BarChart(Flowable):
    """Labelled horizontal bars on a 0 … `maximum` scale. Drawn whole: platypus moves it to the next page
    rather than leave a lone bar behind (a visit has a handful of sections; the round summary draws its
    long charts as several whole drawings, visits/reports/drawings.py). Labels are never cut: a long one
    wraps between words onto more lines and its row grows."""

    def __init__(
        self,
        bars: Sequence[Bar],
        maximum: float = 100.0,
        label_width: float = 150,
        row_height: float = 15,
        font_size: float = 9.5,
        thai_digits: bool = False,
        ticks: int = 5,
    ):
        super().__init__()
        self.bars = list(bars)
        self.maximum = maximum or 1.0
        self.label_width = label_width
        self.row_height = row_height
        self.font_size = font_size
        self.thai_digits = thai_digits
        self.ticks = ticks
        self._leading = font_size * 1.3
        self._labels = [break_lines(b.label, fonts.REGULAR, font_size, label_width) for b in self.bars]
        self._rows = [max(row_height, len(lines) * self._leading + 4) for lines in self._labels]

    def _axis(self) -> float:
        return self.row_height + 2

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = sum(self._rows) + self._axis()
        return self.width, self.height

    def split(self, availWidth, availHeight):
        return []  # never split: the chart goes to the next page whole

    def draw(self):
        c = self.canv
        size = self.font_size
        plot_x = self.label_width + 6
        plot_w = self.width - plot_x - 34
        top = self.height - self._axis()
        c.saveState()
        y_top = top
        for bar, lines, row in zip(self.bars, self._labels, self._rows, strict=True):
            y = y_top - row  # bottom of this row
            mid = y + row / 2
            first = mid + (len(lines) - 1) * self._leading / 2 - size * 0.35
            for k, line in enumerate(lines):
                draw_text(c, self.label_width, first - k * self._leading, line, fonts.REGULAR, size, align="right")
            bar_h = self.row_height - 5
            c.setFillColor(TRACK)
            c.rect(plot_x, mid - bar_h / 2, plot_w, bar_h, stroke=0, fill=1)
            share = max(0.0, min(1.0, bar.value / self.maximum))
            c.setFillColor(bar.color or BAR)
            c.rect(plot_x, mid - bar_h / 2, plot_w * share, bar_h, stroke=0, fill=1)
            c.setFillColor(colors.black)
            text = bar.text or digits(f"{bar.value:.1f}", self.thai_digits)
            draw_text(c, plot_x + plot_w + 3, mid - size * 0.35, text, fonts.REGULAR, size)
            y_top = y
        # Scale along the top: 0, 20, … maximum.
        c.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
        c.setLineWidth(0.3)
        for k in range(self.ticks + 1):
            x = plot_x + plot_w * k / self.ticks
            c.line(x, top, x, top + 3)
            value = self.maximum * k / self.ticks
            draw_text(c, x, top + 5, digits(f"{value:g}", self.thai_digits), fonts.REGULAR, size - 1.5, align="center")
        c.restoreState()


class QRCode(Flowable):
    """A QR code drawn as filled squares (no Drawing: its renderer would pull in Helvetica)."""

    def __init__(self, text: str, size: float):
        super().__init__()
        from visits.reports.qr import qr_matrix

        self.matrix = qr_matrix(text)
        self.width = self.height = size

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        n = len(self.matrix)
        cell = self.width / n
        c = self.canv
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(self.matrix):
            for k, dark in enumerate(row):
                if dark:
                    path.rect(k * cell, self.height - (r + 1) * cell, cell, cell)
        c.drawPath(path, stroke=0, fill=1)


class _JpegReader:
    """Lazily made ImageReader that names a JPEG by its bytes instead of decoding it to RGB first.

    canvas.drawImage decodes every ImageReader to raw RGB just to name it (a third of a photo-heavy
    report's time); a JPEG is embedded as it is anyway, so its bytes are as good a name."""

    @staticmethod
    def make(data: bytes):
        from reportlab.lib.utils import ImageReader

        class Reader(ImageReader):
            def getRGBData(self):
                if self.jpeg_fh() is not None:
                    self._dataA = None  # a JPEG has no alpha channel
                    return data
                return super().getRGBData()

        return Reader(io.BytesIO(data))


class Picture(Flowable):
    """A photo, logo or signature scaled to fit `width` × `height`, keeping its proportions."""

    def __init__(self, data: bytes, width: float, height: float):
        super().__init__()
        self.reader = _JpegReader.make(data)
        iw, ih = self.reader.getSize()
        scale = min(width / iw, height / ih)
        self.width, self.height = iw * scale, ih * scale
        self.hAlign = "CENTER"

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        self.canv.drawImage(self.reader, 0, 0, self.width, self.height, mask="auto")
