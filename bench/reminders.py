"""Reminder throughput benchmark: `python bench/reminders.py` (add --repeat 3 for medians over three runs).

One Celery worker with 2 prefork processes on Redis (a private redis-server on a free 127.0.0.1 port unless
REDIS_URL is set; a private queue either way), e-mail through Django's locmem backend, a fresh database
(a temporary SQLite file, or a throw-away PostgreSQL database when DATABASE_URL is set).

Measures, in the same run and on the same broker:
  * reminders: 10,000 upcoming-visit reminders (2,500 assignments x 4 committee members) created by one
    dispatch pass, queued and sent by the worker — from the start of the pass until no row is pending/sending;
    then checks zero duplicates (every row claimed once, keys unique) and zero lost (all 10,000 sent);
  * baseline: 10,000 no-op tasks, one `.delay()` each, until the queue is drained and acknowledged.
Target (issue 6): reminders end to end <= 15 s and <= 1.5 x the no-op baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_ASSIGNMENTS, MEMBERS = 2_500, 4
VISIT_DAY = dt.date(2020, 8, 10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.02)


def prepare_environment(workdir: Path) -> tuple[subprocess.Popen | None, str, str | None]:
    """Environment for this process and the worker: private broker, fresh database, locmem e-mail."""
    redis_proc = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        port = free_port()
        redis_proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        redis_url = f"redis://127.0.0.1:{port}/0"
    os.environ["REDIS_URL"] = redis_url
    bench_db = None
    if os.environ.get("DATABASE_URL"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        bench_db = f"nithet_bench_reminders_{os.getpid()}"
        admin_url = os.environ["DATABASE_URL"]
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{bench_db}"))
        os.environ["BENCH_ADMIN_DATABASE_URL"] = admin_url
    else:
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.update(
        {
            "NITHET_VAR_DIR": str(workdir / "var"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LINE_CHANNEL_ACCESS_TOKEN": "",
            "DJANGO_SETTINGS_MODULE": "supervision.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    return redis_proc, redis_url, bench_db


def make_data():
    """2,500 assignments of one published round, 500 committees of 4 members with e-mail (no login)."""
    from schedules.models import Assignment, Round, RoundSession
    from supervision.models import AreaOffice, Committee, District, Membership, Person, Province, School

    office = AreaOffice.objects.create(code="BENCH", name="สำนักงานทดสอบ", base_latitude=15.2, base_longitude=104.8)
    province = Province.objects.create(code="99", name_th="จังหวัดทดสอบ")
    district = District.objects.create(province=province, code="9901", name_th="อำเภอทดสอบ")
    schools = School.objects.bulk_create(
        [
            School(office=office, code=f"99{i:06d}", name_th=f"โรงเรียนทดสอบวิทยา {i}", district=district)
            for i in range(100)
        ]
    )
    committees = Committee.objects.bulk_create(
        [Committee(office=office, number=i + 1, name=f"คณะนิเทศที่ {i + 1}") for i in range(N_ASSIGNMENTS // 5)]
    )
    people = Person.objects.bulk_create(
        [
            Person(office=office, first_name=f"กรรมการ{i}", last_name="ทดสอบ", email=f"member{i}@bench.test")
            for i in range(len(committees) * MEMBERS)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(committee=c, person=people[ci * MEMBERS + k], role="chair" if k == 0 else "member")
            for ci, c in enumerate(committees)
            for k in range(MEMBERS)
        ]
    )
    rnd = Round.objects.create(
        office=office,
        academic_year=2563,
        title="รอบทดสอบประสิทธิภาพ",
        slug="bench",
        start_date=VISIT_DAY,
        end_date=VISIT_DAY,
        status=Round.Status.PUBLISHED,
    )
    session = RoundSession.objects.create(round=rnd, code="day", name="ทั้งวัน", order=1)
    Assignment.objects.bulk_create(
        [
            Assignment(
                round=rnd,
                committee=c,
                school=schools[(ci * 5 + k) % len(schools)],
                date=VISIT_DAY,
                session=session,
                day_order=k + 1,
            )
            for ci, c in enumerate(committees)
            for k in range(5)
        ]
    )


def start_worker(queue: str, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
    )
    from worker.celery import app

    wait(
        lambda: bool(app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5)),
        60,
        "the worker to answer a ping",
    )
    return proc


def drained(client, queue: str) -> bool:
    """Nothing waiting in the queue and nothing delivered but not yet acknowledged (acks_late)."""
    return client.llen(queue) == 0 and client.hlen("unacked") == 0


def run_noop(client, queue: str, n: int) -> float:
    from worker.tasks import noop

    start = time.perf_counter()
    for i in range(n):
        noop.delay(i)
    wait(lambda: drained(client, queue), 600, "the no-op tasks")
    return time.perf_counter() - start


def run_reminders(expected: int) -> dict:
    from worker import notify
    from worker.models import AssignmentWatch, Notification
    from worker.rules import bangkok_at

    Notification.objects.all().delete()
    AssignmentWatch.objects.all().delete()
    now = bangkok_at(VISIT_DAY - dt.timedelta(days=1), dt.time(18, 0))
    S = Notification.Status
    start = time.perf_counter()
    result = notify.dispatch(now)
    dispatched = time.perf_counter() - start
    wait(
        lambda: not Notification.objects.filter(status__in=[S.PENDING, S.SENDING]).exists(),
        600,
        "the reminders to be sent",
    )
    total = time.perf_counter() - start
    rows = Notification.objects.all()
    keys = rows.values("event", "object_type", "object_id", "recipient_id", "due_at", "channel").distinct().count()
    return {
        "seconds": total,
        "dispatch_seconds": dispatched,
        "created": result["created"],
        "enqueued": result["enqueued"],
        "sent": rows.filter(status=S.SENT).count(),
        "failed": rows.filter(status=S.FAILED).count(),
        "duplicates": rows.filter(attempts__gt=1).count() + (rows.count() - keys),
        "lost": expected - rows.filter(status=S.SENT).count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (medians are printed)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="nithet-bench-reminders-"))
    redis_proc, redis_url, bench_db = prepare_environment(workdir)
    queue = f"nithet-bench-{os.getpid()}"
    worker = None
    try:
        import django

        django.setup()
        import redis
        from django.conf import settings
        from django.core.management import call_command

        from worker.celery import app

        app.conf.task_default_queue = queue
        client = redis.Redis.from_url(redis_url)
        wait(lambda: _ping(client), 20, "redis-server")
        db = settings.DATABASES["default"]
        print(
            f"database: {db['ENGINE'].rsplit('.', 1)[-1]}, broker: {redis_url}, worker: prefork x2, "
            f"batch size {settings.NOTIFY_BATCH_SIZE}"
        )
        call_command("migrate", verbosity=0)
        make_data()
        worker = start_worker(queue, workdir / "worker.log")

        expected = N_ASSIGNMENTS * MEMBERS
        reminders = [run_reminders(expected) for _ in range(args.repeat)]
        noops = [run_noop(client, queue, expected) for _ in range(args.repeat)]

        for i, r in enumerate(reminders, 1):
            print(
                f"  reminders run {i}: {r['seconds']:.2f} s (dispatch pass {r['dispatch_seconds']:.2f} s), "
                f"created {r['created']}, enqueued {r['enqueued']}, sent {r['sent']}, failed {r['failed']}, "
                f"duplicates {r['duplicates']}, lost {r['lost']}"
            )
        for i, t in enumerate(noops, 1):
            print(f"  no-op run {i}: {t:.2f} s")
        rem = statistics.median(r["seconds"] for r in reminders)
        base = statistics.median(noops)
        ratio = rem / base
        dup = sum(r["duplicates"] for r in reminders)
        lost = sum(r["lost"] for r in reminders)
        ok = rem <= 15 and ratio <= 1.5 and dup == 0 and lost == 0
        print(
            f"reminders end to end (10,000 created, dispatched, sent): median {rem:.2f} s "
            f"({expected / rem:,.0f} messages/s)"
        )
        print(f"no-op baseline (10,000 tasks, one .delay() each): median {base:.2f} s")
        print(f"ratio reminders / no-op: {ratio:.2f}  duplicates: {dup}  lost: {lost}")
        print(f"target <= 15 s and <= 1.5x baseline, zero duplicates, zero lost: {'MET' if ok else 'NOT MET'}")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=20)
        else:
            _purge(redis_url, queue)
        if bench_db:
            _drop_database(bench_db)
        shutil.rmtree(workdir, ignore_errors=True)


def _ping(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


def _purge(redis_url: str, queue: str):
    import redis

    redis.Redis.from_url(redis_url).delete(queue)


def _drop_database(name: str):
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(os.environ["BENCH_ADMIN_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
