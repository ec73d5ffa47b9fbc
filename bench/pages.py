"""Role homes benchmark: `python bench/pages.py [--requests N] [--port P]`.

Uses the database the settings point at (`DATABASE_URL` for PostgreSQL, else SQLite) with the demo office
loaded (`manage.py load_demo`; run it first, the script does not change data). For each of the seven demo
logins it counts the SQL queries of `/` in-process (Django's test client), then signs in through the real
sign-in page of a gunicorn server (2 workers) started on 127.0.0.1:P and times N requests of `/` over one
keep-alive connection. Prints queries per page and p50/p95 in ms. Targets (issue 9): ≤ 20 queries and
p95 ≤ 150 ms per home under gunicorn on PostgreSQL.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

LOGINS = ["coordinator", "director", "chair", "supervisor", "school_director", "ktpn", "viewer"]
PASSWORD = "nithet-demo-2563"


def count_queries() -> dict[str, int]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name in LOGINS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=name))
        client.get("/")  # warm
        with CaptureQueriesContext(connection) as ctx:
            status = client.get("/").status_code
        if status != 200:
            raise SystemExit(f"{name}: / answered {status}; load the demo first (manage.py load_demo)")
        out[name] = len(ctx.captured_queries)
    return out


class Session:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            key, _, rest = value.partition("=")
            self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, username):
        from urllib.parse import urlencode

        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/accounts/login/"},
        )
        if status != 302:
            raise SystemExit(f"{username}: sign-in answered {status}")


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    queries = count_queries()
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "supervision.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"},
    )
    try:
        wait_for(args.port)
        print(f"role homes on {engine}, gunicorn 2 workers, {args.requests} requests each")
        print(f"{'login':<16} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        worst = 0.0
        for name in LOGINS:
            s = Session(args.port)
            s.sign_in(name)
            times = []
            for _ in range(args.requests + 3):
                start = time.perf_counter()
                status, _ = s.request("GET", "/")
                times.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    raise SystemExit(f"{name}: / answered {status} under gunicorn")
            times = sorted(times[3:])
            p50 = statistics.median(times)
            p95 = times[int(0.95 * (len(times) - 1))]
            worst = max(worst, p95)
            print(f"{name:<16} {queries[name]:>7} {p50:>8.1f} {p95:>8.1f}")
        print(f"max queries {max(queries.values())} (target ≤ 20), worst p95 {worst:.1f} ms (target ≤ 150 ms)")
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
