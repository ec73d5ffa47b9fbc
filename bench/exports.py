"""Exports benchmark: `python bench/exports.py` (add --quick for a tenth of the size).

Synthesizes the national picture in its own SQLite database (a temporary directory, or `--data-dir` to keep
it for the next run): 245 offices, 30,000 schools, one August round per office with
one visit per school (approved), 20 answers per visit, follow-ups; then exports the academic year as a
superuser reads it, as the worker builds a large export (`dashboard.exports.job_build`, into storage), in a
fresh process each time so peak memory is the export's own:
- the XLSX workbook (every sheet: schools and visits, answers, follow-ups, schedule, failed notifications);
- the answers sheet as CSV (the longest table).
Prints the wall time, the CPU time and the peak resident memory of each, and the load average (the
machine is shared: a wall time far above the CPU time means the process waited for a core).
Targets (issue 13): ≤ 60 s and ≤ 500 MiB.

Peak memory is the exporting process's own high-water mark (VmHWM in /proc/self/status, which starts
afresh at exec). Not `getrusage(RUSAGE_SELF).ru_maxrss`: Linux carries the parent's peak over fork and
exec into it, so every child reported the synthesizing parent's peak.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICES, SCHOOLS, ANSWERS = 245, 30_000, 20


def _setup(var_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
    os.environ["NITHET_VAR_DIR"] = var_dir
    os.environ["SQLITE_PATH"] = str(Path(var_dir) / "bench.sqlite3")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def synthesize(offices: int, schools: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from schedules.models import Assignment, Round, RoundSession
    from supervision.models import AreaOffice, Committee, Consortium, District, Province, School
    from visits.models import Answer, FollowUp, Instrument, InstrumentVersion, Item, Section, Visit

    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    t0 = time.perf_counter()
    with transaction.atomic():
        province = Province.objects.create(code="99", name_th="จังหวัดทดสอบ")
        office_rows = AreaOffice.objects.bulk_create(
            AreaOffice(
                code=f"N{k:03d}",
                name=f"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา ทดสอบ {k}",
                base_latitude=15.0,
                base_longitude=104.0,
            )
            for k in range(offices)
        )
        districts = District.objects.bulk_create(
            District(province=province, code=f"9{k:04d}", name_th=f"อำเภอทดสอบ {k}", latitude=15.0, longitude=104.0)
            for k in range(offices)
        )
        consortia = Consortium.objects.bulk_create(
            Consortium(office=o, name=f"สหวิทยาเขตทดสอบ {k}") for k, o in enumerate(office_rows)
        )
        instrument = Instrument.objects.create(code="bench-national", name="แบบนิเทศ ติดตาม (ทดสอบระดับประเทศ)")
        version = InstrumentVersion.objects.create(instrument=instrument, number=1)
        items = []
        for s in range(4):
            section = Section.objects.create(version=version, order=s + 1, title=f"ด้านที่ {s + 1} การจัดการเรียนการสอน")
            for i in range(ANSWERS // 4):
                kind = "rating" if i % 2 == 0 else "yes_no"
                levels = [{"value": v, "label": str(v)} for v in range(1, 5)] if kind == "rating" else []
                items.append(
                    Item.objects.create(
                        version=version,
                        section=section,
                        order=i + 1,
                        code=f"{s + 1}.{i + 1}",
                        type=kind,
                        text=f"ข้อคำถามทดสอบ ด้าน {s + 1} ข้อ {i + 1} การจัดการเรียนรู้เชิงรุก",
                        levels=levels,
                    )
                )
        version.status, version.published_at = "published", timezone.now()
        version.save()
        school_rows = School.objects.bulk_create(
            (
                School(
                    office=office_rows[k % offices],
                    code=f"{10_000_000 + k}",
                    name_th=f"โรงเรียนทดสอบน้ำใจวิทยา {k}",
                    district=districts[k % offices],
                    consortium=consortia[k % offices],
                    latitude=15.0,
                    longitude=104.0,
                )
                for k in range(schools)
            ),
            batch_size=2000,
        )
        committees = Committee.objects.bulk_create(Committee(office=o, number=1, name="คณะที่ 1") for o in office_rows)
        rounds = Round.objects.bulk_create(
            Round(
                office=o,
                academic_year=2563,
                title=f"นิเทศ ติดตาม ภาคเรียนที่ 1/2563 เขต {k}",
                slug=f"aug-2563-n{k:03d}",
                start_date=datetime.date(2020, 8, 3),
                end_date=datetime.date(2020, 8, 14),
                instrument=version,
                status="published",
            )
            for k, o in enumerate(office_rows)
        )
        sessions = RoundSession.objects.bulk_create(RoundSession(round=r, code="day", name="ทั้งวัน") for r in rounds)
        assignments = Assignment.objects.bulk_create(
            (
                Assignment(
                    round=rounds[k % offices],
                    committee=committees[k % offices],
                    school=s,
                    date=datetime.date(2020, 8, 3 + k % 10),
                    session=sessions[k % offices],
                    status="done",
                )
                for k, s in enumerate(school_rows)
            ),
            batch_size=2000,
        )
        when = timezone.make_aware(datetime.datetime(2020, 8, 5, 10, 0))
        visits = []
        for k, a in enumerate(assignments):
            score = rng.uniform(40, 100)
            visits.append(
                Visit(
                    id=uuid.UUID(int=k + 1),
                    round=a.round,
                    assignment=a,
                    school=a.school,
                    committee=a.committee,
                    instrument_version=version,
                    status="approved" if k % 5 else "submitted",
                    score=score,
                    section_scores=[{"title": f"ด้านที่ {s + 1} การจัดการเรียนการสอน", "percent": score} for s in range(4)],
                    recommendations=["ควรพัฒนาการวัดและประเมินผลตามสภาพจริง"],
                    check_in_at=when,
                    submitted_at=when,
                )
            )
        Visit.objects.bulk_create(visits, batch_size=2000)
        batch = []
        for v in visits:
            for item in items:
                batch.append(Answer(visit=v, item=item, value=rng.randint(1, 4) if item.type == "rating" else True))
            if len(batch) >= 20_000:
                Answer.objects.bulk_create(batch)
                batch = []
        Answer.objects.bulk_create(batch)
        FollowUp.objects.bulk_create(
            (
                FollowUp(
                    school=v.school,
                    source_visit=v,
                    recommendation_index=0,
                    recommendation=v.recommendations[0],
                    due_date=datetime.date(2020, 9, 30),
                )
                for v in visits[::3]
            ),
            batch_size=2000,
        )
        get_user_model().objects.create_superuser("bench", "", "bench-password")
    return {
        "schools": len(school_rows),
        "visits": len(visits),
        "answers": len(visits) * len(items),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def peak_rss_mib() -> float:
    """This process's resident-memory high-water mark (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def export(kind: str) -> dict:
    """One export as the worker builds a large one (`dashboard.exports.job_build`: the scope read with the
    requester's access rule, the file written and put into storage), timed from the job's start."""
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from dashboard import exports
    from dashboard.models import ExportJob

    user = get_user_model().objects.get(username="bench")
    job = ExportJob.objects.create(
        requested_by=user,
        query={"year": "2563"},
        output=kind,
        sheet="answers" if kind == "csv" else "",
        filename=f"bench-national.{kind}",
    )
    before_mib = peak_rss_mib()
    t0, cpu0 = time.perf_counter(), time.process_time()
    path = exports.job_build(str(job.pk))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    job.refresh_from_db()
    if path is None:
        raise RuntimeError(f"the export failed: {job.error}")
    size = default_storage.size(path)
    default_storage.delete(path)
    return {
        "kind": kind,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mib": round(peak_rss_mib(), 1),
        "start_mib": round(before_mib, 1),
        "bytes": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument(
        "--data-dir",
        help="keep the synthesized database in this directory and reuse it on the next run (for profiling)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each export; print its top functions")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup(args.var_dir)
        if not args.profile:
            print(json.dumps(export(args.child)))
            return 0
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(export, args.child)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        print(json.dumps(result))
        return 0
    scale = 10 if args.quick else 1
    with contextlib.ExitStack() as stack:
        if args.data_dir:
            var_dir = str(Path(args.data_dir).resolve() / ("quick" if args.quick else "full"))
            Path(var_dir).mkdir(parents=True, exist_ok=True)
        else:
            var_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="nithet-bench-exports-"))
        _setup(var_dir)
        marker = Path(var_dir) / "synthesized.json"
        if marker.exists():
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # the kept database, brought up to this checkout's models
            made = json.loads(marker.read_text())
            made["seconds"] = "reused"
        else:
            made = synthesize(OFFICES // scale or 1, SCHOOLS // scale)
            if args.data_dir:
                marker.write_text(json.dumps(made))
        print(
            f"synthesized {made['schools']:,} schools in {OFFICES // scale} offices, {made['visits']:,} visits, "
            f"{made['answers']:,} answers ({made['seconds']} s)"
        )
        print(f"load average before the exports: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        ok = True
        for kind in ("xlsx", "csv"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    kind,
                    "--var-dir",
                    var_dir,
                    *(["--profile"] if args.profile else []),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                print(out.stderr[-2000:], file=sys.stderr)
                return 1
            if args.profile:
                print(out.stderr, file=sys.stderr)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            within = r["seconds"] <= 60 and r["peak_mib"] <= 500
            ok &= within
            label = "XLSX, whole academic year" if kind == "xlsx" else "CSV, answers sheet"
            print(
                f"{label}: {r['seconds']} s (CPU {r['cpu_seconds']} s), peak {r['peak_mib']} MiB "
                f"(Django loaded: {r['start_mib']} MiB), {r['bytes'] / 1e6:.1f} MB "
                f"(target ≤ 60 s, ≤ 500 MiB: {'met' if within else 'MISSED'})"
            )
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
