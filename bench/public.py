"""Public round page benchmark: `python bench/public.py` (add --seconds N; default 15).

Builds its own SQLite database in a temporary directory: one office of 81 schools, a round with approved
and pending visits, published by the office director (so the page is the real rendered snapshot). Starts
gunicorn with 2 workers on 127.0.0.1 with REDIS_URL pointing at a closed port and no worker running (the
public site must not need either), then loads `/public/<office>/rounds/<slug>/` from 4 client processes over
keep-alive connections for a fixed time, two of them asking for English (Accept-Language: en) and two for
Thai: each language is its own rendered page and its own replay. Prints requests/s, the median and p95
latency, and the error count (a reply not in the language asked for counts as one).
Target (issue 13): ≥ 500 requests/s on 2 cores. The client shares the machine's cores with the server, so
the figure is a lower bound; it also prints the CPU time the gunicorn workers spent per request and what
that makes of two whole cores (the server's capacity), and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4
LANGUAGES = ("th", "en")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(var_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="supervision.settings",
        NITHET_VAR_DIR=var_dir,
        SQLITE_PATH=str(Path(var_dir) / "bench.sqlite3"),
        REDIS_URL="redis://127.0.0.1:1/0",  # Redis "down": nothing on this port
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    return env


def seed(var_dir: str) -> str:
    os.environ.update(env_for(var_dir))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from public import workflow
    from public.models import Publication
    from schedules.models import Assignment, Round, RoundSession
    from supervision.models import AreaOffice, Committee, Consortium, District, Person, Province, School
    from supervision.roles import Role, grant_role
    from tests.factories.visits import InstrumentVersionFactory
    from visits.models import Visit

    call_command("migrate", verbosity=0)
    office = AreaOffice.objects.create(
        code="BENCH29", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา ทดสอบ", base_latitude=15.2, base_longitude=104.8
    )
    province = Province.objects.create(code="34", name_th="อุบลราชธานี")
    district = District.objects.create(
        province=province, code="3401", name_th="เมืองอุบลราชธานี", latitude=15.24, longitude=104.85, radius_km=40
    )
    consortia = [Consortium.objects.create(office=office, name=f"สหวิทยาเขตทดสอบ {k}") for k in range(11)]
    schools = [
        School.objects.create(
            office=office,
            code=f"{34000000 + k}",
            name_th=f"โรงเรียนทดสอบ {k}",
            district=district,
            consortium=consortia[k % 11],
            latitude=15.2,
            longitude=104.8,
        )
        for k in range(81)
    ]
    version = InstrumentVersionFactory()
    rnd = Round.objects.create(
        office=office,
        academic_year=2563,
        title="นิเทศ ติดตาม ภาคเรียนที่ 1 ปีการศึกษา 2563",
        slug="aug-2563",
        start_date=datetime.date(2020, 8, 3),
        end_date=datetime.date(2020, 8, 14),
        instrument=version,
        status="published",
    )
    session = RoundSession.objects.create(round=rnd, code="day", name="ทั้งวัน")
    committee = Committee.objects.create(office=office, number=1, name="คณะที่ 1")
    for k, school in enumerate(schools[:60]):
        a = Assignment.objects.create(
            round=rnd, committee=committee, school=school, session=session, date=datetime.date(2020, 8, 3 + k % 10)
        )
        Visit.objects.create(
            round=rnd,
            assignment=a,
            school=school,
            committee=committee,
            instrument_version=version,
            status="approved" if k % 4 else "submitted",
            score=50 + k % 50,
            section_scores=[{"title": s.title, "percent": 50 + (k * 7) % 50} for s in version.sections.all()],
        )
    user = get_user_model().objects.create_user("director", password="bench-password")
    Person.objects.create(office=office, user=user, first_name="ผู้อำนวยการ", last_name="ทดสอบ")
    grant_role(user, Role.OFFICE_DIRECTOR)
    p = Publication.objects.create(office=office, kind="round", round=rnd, title=rnd.title, record_date=rnd.end_date)
    workflow.publication_transition(publication_id=p.pk, to="published", user=user)
    return f"/public/{office.code}/rounds/{rnd.slug}/"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and of its children (gunicorn's workers), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for p in (pid, *map(int, children)):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def client(port: int, path: str, until: float, out, language: str) -> None:
    latencies, errors = [], 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while time.perf_counter() < until:
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept-Language": language})
            response = conn.getresponse()
            response.read()
            if response.status != 200 or response.getheader("Content-Language") != language:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        latencies.append(time.perf_counter() - t0)
    out.put((latencies, errors))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nithet-bench-public-") as var_dir:
        path = seed(var_dir)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "supervision.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--keep-alive",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env_for(var_dir),
            start_new_session=True,
        )
        try:
            deadline = time.time() + 60
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", path)
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.time() > deadline:
                    print("gunicorn did not serve the page", file=sys.stderr)
                    return 1
                time.sleep(0.3)
            for n in range(200):  # warm both workers' per-process copies, in both languages
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", path, headers={"Accept-Language": LANGUAGES[n % 2]})
                c.getresponse().read()
            queue = multiprocessing.Queue()
            until = time.perf_counter() + args.seconds
            procs = [
                multiprocessing.Process(target=client, args=(port, path, until, queue, LANGUAGES[n % 2]))
                for n in range(CLIENTS)
            ]
            started, server_cpu0 = time.perf_counter(), cpu_seconds(server.pid)
            for p in procs:
                p.start()
            results = [queue.get() for _ in procs]
            elapsed, server_cpu = time.perf_counter() - started, cpu_seconds(server.pid) - server_cpu0
            for p in procs:
                p.join()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    rate = len(latencies) / elapsed
    per_request = server_cpu / len(latencies) if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
    print(
        f"public round page {path}: {rate:.0f} requests/s over {elapsed:.1f} s with {CLIENTS} clients (Thai and "
        f"English), "
        f"median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95:.1f} ms, errors {errors} "
        f"(Redis down, no worker; target ≥ 500 requests/s: {'met' if rate >= 500 and not errors else 'MISSED'})"
    )
    print(
        f"server CPU {per_request * 1e6:.0f} µs per request: two whole cores serve "
        f"{2 / per_request if per_request else 0:.0f} requests/s; load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    return 0 if rate >= 500 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
