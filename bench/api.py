"""API benchmark: `python bench/api.py` (add --quick for a shorter run).

Creates its own PostgreSQL database (`nithet_bench`, on the server of DATABASE_URL, default the local
development one), migrates it, seeds one committee's visits (each with 20 answers), starts gunicorn with
2 workers on 127.0.0.1, then measures
- the visit list, 50 per page, at 4 concurrent clients: requests/s and p95 latency (wrk if installed,
  else a bounded Python load generator), over a fixed duration;
- `POST /api/v1/sync/` of 100 new visits (20 answers each): the median of several runs, one at a time.
Then stops the server and drops the database. Targets (issue 4): list ≥ 150 req/s with p95 ≤ 100 ms;
sync of 100 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "nithet_bench"
LIST_VISITS = 200
ANSWERS = 20
CLIENTS = 4
SYNC_SIZE = 100

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(95) / 1000.0, latency:percentile(50) / 1000.0,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def bench_database_url() -> tuple[str, str]:
    """(admin URL on the same server, bench URL)."""
    base = os.environ.get("DATABASE_URL") or "postgres://nithet:nithet@127.0.0.1:5432/nithet"
    parts = urlparse(base)
    return base, urlunparse(parts._replace(path=f"/{DB_NAME}"))


def admin_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- seeding (runs in a child process with the bench database configured) ---------------------------------
def seed(sync_runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
    import django

    django.setup()
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from schedules.models import Assignment, Round, RoundSession
    from supervision.models import AreaOffice, Committee, District, Membership, Person, Province, School
    from supervision.roles import Role, grant_role
    from visits.models import Answer, Instrument, InstrumentVersion, Item, Section, Visit

    office = AreaOffice.objects.create(
        code="BENCH", name="สำนักงานทดสอบสมรรถนะ", base_latitude=15.2, base_longitude=104.8
    )
    province = Province.objects.create(code="99", name_th="จังหวัดทดสอบ")
    district = District.objects.create(province=province, code="9901", name_th="อำเภอทดสอบ")
    schools = [
        School.objects.create(
            office=office,
            code=f"99{i:06d}",
            name_th=f"โรงเรียนทดสอบ {i}",
            district=district,
            latitude=15.0 + i * 0.01,
            longitude=104.6,
        )
        for i in range(20)
    ]
    user = get_user_model().objects.create_user("bench", password="bench-pass-1234")
    grant_role(user, Role.SUPERVISOR)
    person = Person.objects.create(office=office, user=user, first_name="ทดสอบ", last_name="สมรรถนะ")
    committee = Committee.objects.create(office=office, number=1, name="คณะที่ 1")
    Membership.objects.create(committee=committee, person=person, role=Membership.Role.CHAIR)

    instrument = Instrument.objects.create(code="bench-form", name="แบบนิเทศทดสอบ", office=office)
    version = InstrumentVersion.objects.create(instrument=instrument, number=1)
    levels = [{"value": v, "label": str(v)} for v in range(1, 5)]
    items = []
    for s in range(4):
        section = Section.objects.create(version=version, order=s + 1, title=f"ด้านที่ {s + 1}")
        for i in range(ANSWERS // 4):
            items.append(
                Item.objects.create(
                    version=version,
                    section=section,
                    order=i + 1,
                    code=f"{s + 1}.{i + 1}",
                    type=Item.Type.RATING,
                    text=f"ข้อ {s + 1}.{i + 1}",
                    levels=levels,
                )
            )
    version.status, version.published_at = InstrumentVersion.Status.PUBLISHED, timezone.now()
    version.save()

    rnd = Round.objects.create(
        office=office,
        academic_year=2563,
        title="รอบทดสอบ",
        slug="bench",
        start_date=datetime.date(2020, 8, 3),
        end_date=datetime.date(2021, 3, 31),
        instrument=version,
    )
    session = RoundSession.objects.create(round=rnd, code="day", name="ทั้งวัน", order=1)
    needed = LIST_VISITS + sync_runs * SYNC_SIZE
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                round=rnd,
                committee=committee,
                school=schools[n % 20],
                session=session,
                date=datetime.date(2020, 8, 3) + datetime.timedelta(days=n // 20),
            )
            for n in range(needed)
        ]
    )
    now = timezone.now()
    visits = Visit.objects.bulk_create(
        [
            Visit(
                id=uuid.uuid4(),
                round=rnd,
                assignment=a,
                school=a.school,
                committee=committee,
                instrument_version=version,
                created_by=user,
                strengths="จุดเด่น " * 20,
                to_improve="ควรพัฒนา " * 10,
                recommendations=["ข้อเสนอแนะที่ 1", "ข้อเสนอแนะที่ 2"],
                check_in_at=now,
                check_in_lat=15.0,
                check_in_lon=104.6,
                check_in_accuracy_m=5.0,
                check_in_distance_m=12.0,
                score=75.0,
                section_scores=[
                    {"section_id": 1, "title": "ด้านที่ 1", "weight": 1.0, "percent": 75.0, "scored_items": 5}
                ],
            )
            for a in assignments[:LIST_VISITS]
        ]
    )
    Answer.objects.bulk_create(
        [Answer(visit=v, item=item, value=(n % 4) + 1) for v in visits for n, item in enumerate(items)]
    )
    token = Token.objects.create(user=user)
    print(
        json.dumps(
            {"token": token.key, "items": [i.pk for i in items], "free": [a.pk for a in assignments[LIST_VISITS:]]}
        )
    )


# --- load -------------------------------------------------------------------------------------------------
def run_wrk(url: str, token: str, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(CLIENTS),
                "-d",
                f"{seconds}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                "-H",
                f"Authorization: Token {token}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p95, p50, errors = line.split()[1:]
    return {
        "tool": "wrk",
        "requests": int(requests),
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p95_ms": float(p95),
        "p50_ms": float(p50),
        "errors": int(errors),
    }


def run_python_load(url: str, token: str, seconds: int, max_requests: int = 20000) -> dict:
    """A bounded fallback: CLIENTS threads with keep-alive sessions, stopping at the time or count limit."""
    import requests

    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) + errors[0] >= max_requests:
                    return
            t = time.perf_counter()
            response = session.get(url, timeout=5)
            elapsed = time.perf_counter() - t
            with lock:
                if response.status_code == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    latencies.sort()
    return {
        "tool": "python",
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "p50_ms": statistics.median(latencies) * 1000,
        "errors": errors[0],
    }


def time_syncs(base: str, token: str, seeded: dict, runs: int) -> list[float]:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    free, items = seeded["free"], seeded["items"]
    times = []
    for run in range(runs):
        batch = free[run * SYNC_SIZE : (run + 1) * SYNC_SIZE]
        body = {
            "visits": [
                {
                    "id": str(uuid.uuid4()),
                    "assignment": a,
                    "answers": [{"item": item, "value": (n % 4) + 1} for n, item in enumerate(items)],
                    "findings": {"strengths": "จุดเด่น", "to_improve": "ควรพัฒนา", "recommendations": ["ข้อเสนอแนะ"]},
                    "check_in": {"at": "2020-08-03T09:00:00+07:00", "lat": 15.0, "lon": 104.6, "accuracy": 5},
                }
                for a in batch
            ]
        }
        payload = json.dumps(body)
        t = time.perf_counter()
        response = session.post(
            f"{base}/api/v1/sync/", data=payload, timeout=60, headers={"Content-Type": "application/json"}
        )
        elapsed = time.perf_counter() - t
        statuses = {r["status"] for r in response.json()["visits"]}
        if response.status_code != 200 or statuses != {201}:
            raise SystemExit(f"sync run {run} failed: HTTP {response.status_code}, item statuses {statuses}")
        times.append(elapsed)
    return times


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) the gunicorn workers have used so far, from /proc (Linux)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return float("nan")
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, seconds: float = 30) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s of load and 3 syncs instead of 15 s and 7")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sync-runs", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    seconds, sync_runs = (5, 3) if args.quick else (15, 7)
    if args.seed:
        seed(args.sync_runs or sync_runs)
        return

    admin_url, bench_url = bench_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_DEBUG": "0",
        # DEBUG off refuses a loopback SITE_URL (supervision.E001); the bench issues no PDF to a reader.
        "SITE_URL": os.environ.get("SITE_URL", "https://nithet.bench.invalid"),
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    admin_sql(admin_url, f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(admin_url, f"CREATE DATABASE {DB_NAME}")
    server = server_log = None
    try:
        print(f"database {DB_NAME}: migrating and seeding {LIST_VISITS} visits × {ANSWERS} answers …", flush=True)
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=600
        )
        seeded = json.loads(
            subprocess.run(
                [python, __file__, "--seed", "--sync-runs", str(sync_runs)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
        server_log = tempfile.NamedTemporaryFile("w+", prefix="nithet-bench-gunicorn-", suffix=".log")
        server = subprocess.Popen(
            [
                gunicorn,
                "supervision.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        wait_for(f"{base}/healthz")

        list_url = f"{base}/api/v1/visits/?page_size=50"
        import requests

        check = requests.get(list_url, headers={"Authorization": f"Token {seeded['token']}"}, timeout=10).json()
        assert len(check["results"]) == 50 and len(check["results"][0]["answers"]) == ANSWERS, check.get("detail")
        # warm both workers (connections, imports) before measuring
        run_python_load(list_url, seeded["token"], 1, max_requests=40)
        load_before = os.getloadavg()[0]
        cpu_before = workers_cpu_seconds(server.pid)
        load = (
            run_wrk(list_url, seeded["token"], seconds)
            if shutil.which("wrk")
            else run_python_load(list_url, seeded["token"], seconds)
        )
        cpu_per_request = (workers_cpu_seconds(server.pid) - cpu_before) / max(load["requests"], 1) * 1000
        syncs = time_syncs(base, seeded["token"], seeded, sync_runs)

        load_avg = (load_before, *os.getloadavg()[1:])
        print(
            f"machine: {os.cpu_count()} CPUs, load average {load_avg[0]:.1f} / {load_avg[1]:.1f} / {load_avg[2]:.1f} "
            "(other work on the machine slows every figure below)"
        )
        print(
            f"visit list (50/page, {ANSWERS} answers each), {CLIENTS} clients, {seconds} s, via {load['tool']}: "
            f"{load['rps']:.1f} requests/s, p50 {load['p50_ms']:.1f} ms, p95 {load['p95_ms']:.1f} ms, "
            f"{load['requests']} requests, {load['errors']} errors   (target ≥ 150 req/s, p95 ≤ 100 ms)"
        )
        print(
            f"  gunicorn workers' CPU per list request: {cpu_per_request:.1f} ms (Python only; PostgreSQL's "
            "share is not counted)"
        )
        print(
            f"sync of {SYNC_SIZE} new visits ({ANSWERS} answers each), {sync_runs} runs: median "
            f"{statistics.median(syncs) * 1000:.0f} ms (min {min(syncs) * 1000:.0f}, max {max(syncs) * 1000:.0f})"
            f"   (target ≤ 300 ms)"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if server_log is not None:
            server_log.close()
        admin_sql(admin_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
