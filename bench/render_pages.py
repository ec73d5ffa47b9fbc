"""Write PNGs of the first pages of each report for a person to look at: `python bench/render_pages.py`.

Renders the four reports from the Thai sample data (and the appointment order once more with Thai
digits, the round summary at 1,000 schools) to bench/out/<report>.pdf and bench/out/<report>-<page>.png
(pdftoppm from Debian poppler-utils). Look for: tone marks on the right letters and not colliding with
ป ฝ ฟ, no word cut in half at a line end, school names whole, dates in BE, the page footer "หน้า X / Y".
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from visits.reports import samples  # noqa: E402
from visits.reports.builders import build_exam_report, build_order, build_round_summary, build_visit_report  # noqa: E402

REPORTS = {
    "visit": lambda: build_visit_report(samples.visit()),
    "round-81": lambda: build_round_summary(samples.round_summary(81)),
    "round-1000": lambda: build_round_summary(samples.round_summary(1000)),
    "exam": lambda: build_exam_report(samples.exam()),
    "order": lambda: build_order(samples.order()),
    "order-thai-digits": lambda: build_order(samples.order(thai_digits=True)),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2, help="first N pages of each report (default 2)")
    parser.add_argument("--dpi", type=int, default=110)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm not found: apt-get install poppler-utils")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, build in REPORTS.items():
        pdf = out / f"{name}.pdf"
        pdf.write_bytes(build())
        for old in out.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(
            [pdftoppm, "-png", "-r", str(args.dpi), "-f", "1", "-l", str(args.pages), str(pdf), str(out / name)],
            check=True,
        )
        pngs = sorted(p.name for p in out.glob(f"{name}-*.png"))
        print(f"{pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf}: {', '.join(pngs)}")


if __name__ == "__main__":
    main()
