"""School importer benchmark: `python bench/importers.py [--schools 30000] [--repeat 3]`.

The national picture is ~30,000 schools. On a fresh temporary SQLite database (in a temporary NITHET_VAR_DIR)
with the demo office's geography, it writes a CSV of N schools spread over the 32 demo districts, then times
through `import_schools` (the same function the command calls):
  * a first import (every row created, with its history row),
  * a re-import of the same file (every row unchanged: nothing written),
  * a file with one bad row at the end (every row checked, nothing written).
Prints the median of --repeat runs for each, and rows/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_csv(path: Path, n: int, bad_last: bool = False):
    from supervision.demo import DISTRICTS
    from supervision.geo import offset_point

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name_th", "district", "latitude", "longitude", "students", "teachers"])
        for i in range(n):
            d = DISTRICTS[i % len(DISTRICTS)]
            lat, lon = offset_point(d[3], d[4], i % 7, (i * 37) % 360)
            w.writerow([f"1099{i:06d}", f"โรงเรียนทดสอบ{i}", d[0], lat, lon, 500 + i % 300, 30])
        if bad_last:
            w.writerow(["1099x", "โรงเรียนผิด", "ไม่มีอำเภอนี้", "", "", "", ""])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="nithet-bench-import-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        {
            "NITHET_VAR_DIR": str(workdir / "var"),
            "SQLITE_PATH": str(workdir / "bench.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "supervision.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from supervision import demo
    from supervision.importers import import_schools
    from supervision.models import AreaOffice, School

    call_command("migrate", verbosity=0)
    demo.load(stdout=StringIO())
    office = AreaOffice.objects.get(code=demo.DEMO_OFFICE_CODE)
    good, bad = workdir / "schools.csv", workdir / "schools-bad.csv"
    write_csv(good, args.schools)
    write_csv(bad, args.schools, bad_last=True)

    timings: dict[str, list[float]] = {"create": [], "unchanged": [], "refused": []}
    for _ in range(args.repeat):
        School.history.filter(code__startswith="1099").delete()
        School.objects.filter(code__startswith="1099").delete()
        for label, path in (("create", good), ("unchanged", good), ("refused", bad)):
            start = time.perf_counter()
            result = import_schools(path, office=office)
            timings[label].append(time.perf_counter() - start)
            expected_errors = label == "refused"
            assert bool(result.errors) == expected_errors, (label, result.errors[:3])
            if label == "unchanged":
                assert result.unchanged == args.schools, result
    print(f"import_schools, {args.schools} rows, SQLite, median of {args.repeat}:")
    for label, values in timings.items():
        median = statistics.median(values)
        print(f"  {label:<10} {median:7.2f} s   {args.schools / median:8.0f} rows/s")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
