"""Fixtures for notification tests: a fake LINE API on 127.0.0.1, a published round with a visit coming up,
and a REAL Celery worker in a subprocess (filesystem broker by default, Redis when REDIS_URL is set).

The worker is another process, so it must see the test database. On PostgreSQL it simply connects to the test
database. On SQLite the test database lives in memory, which no other process can open, so while a worker is in
use this process's connection moves to a file copy of it (`SqliteFileCopy`) that the worker opens too; the
in-memory database comes back afterwards, untouched. Tests that use the worker are `transaction=True` so their
writes are committed.
"""

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from schedules.models import Round
from tests import factories as f
from worker.celery import app as celery_app
from worker.models import Notification
from worker.rules import BANGKOK

ROOT = Path(__file__).resolve().parents[2]


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def dispatch(now: dt.datetime) -> dict:
    """Run the dispatch command as the checks do and return its JSON."""
    from io import StringIO

    out = StringIO()
    call_command("dispatch_reminders", "--now", now.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def wait_for(predicate, *, timeout=30.0, what="condition", worker=None):
    """Poll (not sleep-for-timing) until `predicate()` is truthy or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = f"\n--- worker log ---\n{worker.log_tail()}" if worker is not None else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{tail}")
        time.sleep(0.1)


# --- Fake LINE Messaging API ---------------------------------------------------------------------------------


class FakeLine:
    """Records pushes; `mode` is "ok", "500" or "slow" (answers after `delay` seconds, past the client timeout)."""

    def __init__(self):
        self.mode = "ok"
        self.delay = 2.0
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with fake.lock:
                    fake.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "json": body, "mode": fake.mode}
                    )
                    mode = fake.mode
                if mode == "slow":
                    time.sleep(fake.delay)
                if mode == "500":
                    self._answer(500, {"message": "An error occurred in the server"})
                else:
                    self._answer(200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def pushes(self, to=None, mode=None):
        with self.lock:
            return [
                r
                for r in self.requests
                if (to is None or r["json"].get("to") == to) and (mode is None or r["mode"] == mode)
            ]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def fake_line_server():
    server = FakeLine()
    yield server
    server.close()


@pytest.fixture
def fake_line(fake_line_server, settings):
    fake_line_server.mode = "ok"
    with fake_line_server.lock:
        fake_line_server.requests.clear()
    settings.LINE_API_BASE = fake_line_server.base
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    settings.LINE_TIMEOUT_SECONDS = 0.5
    return fake_line_server


# --- A round with a visit coming up ---------------------------------------------------------------------------


@pytest.fixture
def visit_plan(actors):
    """Committee A (alice chair, bob member) visits school A on Monday 10 Aug 2020 (published round)."""
    rnd = f.RoundFactory(
        office=actors.office,
        slug="aug-test",
        title="นิเทศ ติดตาม สิงหาคม 2563",
        status=Round.Status.PUBLISHED,
        committees=[actors.committee_a],
    )
    assignment = f.AssignmentFactory(
        round=rnd, committee=actors.committee_a, school=actors.school_a, date=dt.date(2020, 8, 10)
    )
    for i, person in enumerate([actors.alice, actors.bob]):
        person.line_user_id = f"U{'0' * 31}{i}"
        person.save(update_fields=["line_user_id"])
    return SimpleNamespace(round=rnd, assignment=assignment, **vars(actors))


def rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("id"))


# --- A real Celery worker -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server on a free 127.0.0.1 port, stopped and started by the test itself."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        wait_for(lambda: _redis_ping(redis.Redis(port=self.port)), timeout=20, what="redis-server to start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


def _redis_ping(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


class SqliteFileCopy:
    """Moves this process's SQLite connection from the in-memory test database to a file copy of it (made with
    SQLite's online backup, so it holds the schema and whatever is committed), and back again.

    The in-memory connection is kept open meanwhile (that keeps the shared in-memory database alive) and
    becomes Django's connection again on `restore()`; nothing written to the copy leaks back."""

    def __init__(self, path: Path):
        self.path = path
        self.saved = None

    def switch(self):
        from django.db import connection

        if self.saved is not None or not connection.is_in_memory_db():
            return
        connection.ensure_connection()
        with sqlite3.connect(self.path) as target:
            connection.connection.backup(target)
        target.close()
        self.saved = (connection.settings_dict["NAME"], connection.connection)
        connection.connection = None  # Django never closes an in-memory connection; detach it instead
        connection.settings_dict["NAME"] = str(self.path)

    def restore(self):
        from django.db import connection

        if self.saved is None:
            return
        name, memory = self.saved
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory
        self.saved = None


class CeleryWorker:
    """`celery -A worker worker --pool=solo` in a subprocess, on its own queue, seeing the test database.

    `start()` / `stop()` bracket its whole use (on SQLite they move this process to the shared file and back);
    `pause()` / `resume()` stop and start only the process, e.g. to show that queued work waits for it."""

    def __init__(self, *, broker: str, workdir: Path, extra_env: dict | None = None):
        from django.db import connection

        self.queue = f"nithet-test-{os.getpid()}"
        self.workdir = workdir
        self.log = workdir / "worker.log"
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_NAME")}
        db = connection.settings_dict
        self.sqlite = None
        if db["ENGINE"].endswith("sqlite3"):
            self.sqlite = SqliteFileCopy(workdir / "test-db.sqlite3")
            env["SQLITE_PATH"] = str(workdir / "test-db.sqlite3") if connection.is_in_memory_db() else str(db["NAME"])
        else:
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        if broker.startswith("redis://"):
            env["REDIS_URL"] = broker
        env.update(
            {
                "NITHET_VAR_DIR": str(workdir / "var"),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "LINE_CHANNEL_ACCESS_TOKEN": "test-token",
                "LINE_TIMEOUT_SECONDS": "0.5",
                "NOTIFY_MAX_ATTEMPTS": "3",
                "PYTHONUNBUFFERED": "1",
                **(extra_env or {}),
            }
        )
        self.env = env
        self.proc = None

    def start(self):
        if self.sqlite is not None:
            self.sqlite.switch()
        self.resume()

    def stop(self):
        self.pause()
        if self.sqlite is not None:
            self.sqlite.restore()

    def resume(self):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "worker",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
        )

    def pause(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def emails(self) -> list[str]:
        """Every message the worker's file e-mail backend wrote."""
        out = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text(errors="replace").split("-" * 79 + "\n"):
                if chunk.strip():
                    out.append(chunk)
        return out

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def _point_app_at(broker: str, workdir: Path, queue: str):
    """Make this (test) process publish where the worker listens; returns a function that undoes it."""
    conf = celery_app.conf
    saved = {
        k: conf.get(k)
        for k in ("broker_url", "broker_transport_options", "task_default_queue", "broker_connection_retry_on_startup")
    }
    if broker.startswith("redis://"):
        conf.broker_url = broker
        conf.broker_transport_options = {"visibility_timeout": 3600}
    else:
        folder = workdir / "var" / "broker"
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        conf.broker_url = "filesystem://"
        conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
    conf.task_default_queue = queue
    _reset_pools()

    def undo():
        for k, v in saved.items():
            conf[k] = v
        _reset_pools()

    return undo


def _reset_pools():
    """Forget the cached connection and producer pools so the next publish uses the new broker settings."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def worker_env(django_db_setup, django_db_blocker, tmp_path_factory, fake_line_server):
    """A started worker for a test module, on Redis when REDIS_URL is set, else the filesystem broker."""
    workdir = tmp_path_factory.mktemp("celery")
    broker = os.environ.get("REDIS_URL") or "filesystem://"
    with django_db_blocker.unblock():
        w = CeleryWorker(broker=broker, workdir=workdir, extra_env={"LINE_API_BASE": fake_line_server.base})
        w.start()
    undo = _point_app_at(broker, workdir, w.queue)
    yield w
    with django_db_blocker.unblock():
        w.stop()
    undo()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def worker(worker_env, fake_line, settings):
    settings.LINE_TIMEOUT_SECONDS = 0.5
    if worker_env.proc is None or worker_env.proc.poll() is not None:
        worker_env.resume()
    for path in worker_env.mail_dir.glob("*"):
        path.unlink()
    return worker_env


@contextlib.contextmanager
def running_media_worker(settings, tmp_path, **extra_env):
    """A real Celery worker for one test, writing into that test's media folder (the report and export
    builds), on the filesystem broker or REDIS_URL's Redis (as .ci/run does); yields (worker, media folder)."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    workdir = tmp_path / "celery"
    workdir.mkdir()
    broker = os.environ.get("REDIS_URL") or "filesystem://"
    worker = CeleryWorker(broker=broker, workdir=workdir, extra_env={"MEDIA_ROOT": str(media), **extra_env})
    undo = _point_app_at(broker, workdir, worker.queue)
    worker.start()
    try:
        yield worker, media
    finally:
        worker.stop()
        undo()
        shutil.rmtree(workdir, ignore_errors=True)
