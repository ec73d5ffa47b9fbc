"""Report rendering benchmark: `python bench/reports.py` (add --quick for fewer runs).

Prints medians over warm runs (the first render of each kind, which loads fonts and the word list, is
not counted) for: the visit report (20 items, 6 photos), the round summary at 81 and 1,000 schools
(with the peak memory of a fresh process that renders the 1,000-school one), and Thai pages/s against
the same layouts filled with Latin text, in the same run, as a ratio.
Targets (issues 5 and 15): visit ≤ 80 ms; 81 schools ≤ 3 s; 1,000 schools ≤ 30 s and ≤ 300 MiB; ratio ≥ 0.4.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from visits.reports import samples  # noqa: E402
from visits.reports.builders import build_exam_report, build_order, build_round_summary, build_visit_report  # noqa: E402

_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_LATIN = (
    "supervision report school committee teaching learning students assessment quality plan "
    "follow up director office consortium indicator evidence classroom activity result"
).split()


def latin(value):
    """The same data with every Thai run replaced by Latin words of about the same length."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: latin(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, tuple):
        return tuple(latin(v) for v in value)
    if isinstance(value, str):
        return _THAI_RUN.sub(lambda m: _latin_words(len(m.group(0))), value)
    return value


def _latin_words(n: int) -> str:
    out, i = [], n
    while sum(len(w) + 1 for w in out) < n:
        out.append(_LATIN[i % len(_LATIN)])
        i += 7
    return " ".join(out)


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def timed(build, data, runs: int) -> tuple[float, int, float]:
    """(median wall seconds, pages, median CPU seconds) over warm runs. CPU time is printed too: on a
    machine shared with other work the wall clock also counts time spent waiting for a core."""
    build(data)  # warm: fonts, word list, caches
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        pdf = build(data)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), pages(pdf), statistics.median(cpu)


def peak_1000() -> None:
    """Run in a fresh process: peak RSS while rendering the 1,000-school summary."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = samples.round_summary(1000)
    build_round_summary(data)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{after / 1024:.1f} {before / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--peak-1000", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_1000:
        peak_1000()
        return
    runs = 5 if args.quick else 15
    rows = []
    visit = samples.visit(items=20, photos=6)
    s81 = samples.round_summary(81)
    s1000 = samples.round_summary(1000)
    rows.append(("visit report, 20 items + 6 photos", *timed(build_visit_report, visit, runs), 0.080))
    rows.append(("round summary, 81 schools", *timed(build_round_summary, s81, max(3, runs // 3)), 3))
    rows.append(("round summary, 1,000 schools", *timed(build_round_summary, s1000, 3), 30))
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'report':<38}{'median s':>10}{'cpu s':>8}{'pages':>7}{'pages/s':>9}   target")
    for name, t, n, c, target in rows:
        print(f"{name:<38}{t:>10.3f}{c:>8.3f}{n:>7}{n / t:>9.1f}   ≤ {target:g} s {verdict(t <= target)}")

    out = subprocess.run([sys.executable, __file__, "--peak-1000"], capture_output=True, text=True, check=True)
    peak, base = map(float, out.stdout.split())
    print(
        f"peak memory, 1,000-school summary (fresh process): {peak:.0f} MiB RSS "
        f"({base:.0f} MiB already reached while loading fonts and the word list)   "
        f"target ≤ 300 MiB {verdict(peak <= 300)}"
    )

    # Thai against Latin, same layouts, same run: pages per second over the four reports. The Latin
    # baseline is what ReportLab does for Latin text on its own (no shaping, wrapping at spaces).
    jobs = (
        (build_visit_report, visit),
        (build_round_summary, s81),
        (build_exam_report, samples.exam()),
        (build_order, samples.order()),
    )
    thai = rate([(build, data) for build, data in jobs], runs)
    with plain_reportlab():
        plain = rate([(build, latin(data)) for build, data in jobs], runs)
    same = rate([(build, latin(data)) for build, data in jobs], runs)
    print(
        f"Thai (shaped, word-filled) {thai:.1f} pages/s vs Latin (plain ReportLab) {plain:.1f} pages/s: "
        f"ratio {thai / plain:.2f}   target ≥ 0.4 {verdict(thai / plain >= 0.4)}"
    )
    print(f"(Latin through the same Thai pipeline: {same:.1f} pages/s)")


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def rate(jobs, runs: int) -> float:
    seconds = pages_total = 0
    for build, data in jobs:
        t, n, _ = timed(build, data, max(3, runs // 3))
        seconds += t
        pages_total += n
    return pages_total / seconds


@contextmanager
def plain_reportlab():
    """Styles without shaping and paragraphs wrapped by ReportLab itself: the Latin baseline."""
    from reportlab.platypus import Paragraph

    from visits.reports.styles import styles
    from visits.reports.thaitext import ThaiParagraph

    saved = {name: style.shaping for name, style in styles().items()}
    # ThaiParagraph breaks and draws its own lines: Paragraph's wrap, split and draw do it all instead.
    methods = {name: ThaiParagraph.__dict__[name] for name in ("wrap", "split", "draw")}
    for style in styles().values():
        style.shaping = 0
    for name in methods:
        setattr(ThaiParagraph, name, getattr(Paragraph, name))
    try:
        yield
    finally:
        for name, method in methods.items():
            setattr(ThaiParagraph, name, method)
        for name, style in styles().items():
            style.shaping = saved[name]


if __name__ == "__main__":
    main()
