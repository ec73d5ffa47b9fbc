"""Issue #12's attack, re-run against a running deployment: one command, each check printed PASS or FAIL, exit 1 on
any FAIL. Not part of `make test`: it needs a deployed stack (gunicorn + PostgreSQL + Redis + a Celery worker)
with the demo office loaded, and it changes that stack's data (new visits, a second office, reminders sent).

    python bench/attack.py --base http://127.0.0.1:8630 --redis-port 56630

Run it on the deployment's host with the deployment's environment (DATABASE_URL, REDIS_URL, NITHET_VAR_DIR …):
the checks go through HTTP as an attacker's would, and the script reads the database only to make the second
office (SEC-ATK, a coordinator and a supervisor), to count what an attack left behind and, for the worker kill,
to count deliveries per ledger row. `--redis-port` lets it stop and restart that Redis (the Redis-down check);
the worker kill starts its own Celery worker (on its own Redis database, so the deployment's worker never takes
the batch) against a slow SMTP sink it runs itself, SIGKILLs it mid-batch, and starts another.

Checks: cross-office writes (API, the admin import page, admin actions); a report with every text at its limit;
Redis down (sign-in, report.pdf, /healthz); a 13,300 × 13,300 PNG; unbounded text; X-Forwarded-For rotation and
the per-account / per-address throttle; odd input (non-numeric ids, out-of-range offsets, malformed UUIDs,
invalid enum filters); four eyes; the due-date escape; an EXIF-rotated photo's hash; 8 parallel PUTs to a new
UUID; a worker SIGKILL mid reminder batch.
"""

import argparse
import concurrent.futures
import csv
import datetime as dt
import hashlib
import io
import os
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

DEMO_PASSWORD = "nithet-demo-2563"
ATK_PASSWORD = "attack-2563-pass-word"
OTHER_OFFICE = "SEC-ATK"
TIMEOUT = 120

results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, bool(ok), detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  — {detail}" if detail else ""), flush=True)
    return ok


def guarded(fn):
    """A check that raises is a FAIL with its exception, and the run goes on."""

    def run(*args, **kwargs):
        try:
            fn(*args, **kwargs)
        except Exception as exc:  # the attack reports every failure, whatever it is, and goes on
            check(fn.__name__, False, f"{type(exc).__name__}: {exc}"[:300])

    run.__name__ = fn.__name__
    return run


# --- the deployment's database: the second office, and counting ----------------------------------------------


def django_setup():
    import django

    django.setup()


def make_second_office():
    """SEC-ATK with a coordinator, a supervisor and a victim account (idempotent); its sign-in failures cleared."""
    from django.contrib.auth import get_user_model

    from accounts.models import SignInFailure
    from supervision.models import AreaOffice, Person
    from supervision.roles import Role, grant_role

    office, _ = AreaOffice.objects.get_or_create(
        code=OTHER_OFFICE,
        defaults={
            "name": "สำนักงานทดสอบการโจมตี",
            "short_name": "สพม.ทดสอบ",
            "base_latitude": 16.4,
            "base_longitude": 102.8,
        },
    )
    users = {}
    for username, role in (
        ("atk_coordinator", Role.COORDINATOR),
        ("atk_supervisor", Role.SUPERVISOR),
        ("atk_victim", Role.SUPERVISOR),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@atk.test"})
        user.set_password(ATK_PASSWORD)
        user.save()
        grant_role(user, role)
        Person.objects.get_or_create(
            user=user, defaults={"office": office, "first_name": username, "last_name": "ทดสอบ", "prefix": "นาย"}
        )
        users[username] = user
    SignInFailure.objects.filter(
        username__in=[*users, "supervisor", "chair", "coordinator", "school_director"]
    ).delete()
    return office


# --- HTTP -------------------------------------------------------------------------------------------------------


class Api:
    def __init__(self, base: str, username: str, password: str = DEMO_PASSWORD):
        self.base = base
        self.session = requests.Session()
        answer = requests.post(
            f"{base}/api/v1/auth/token/", json={"username": username, "password": password}, timeout=TIMEOUT
        )
        answer.raise_for_status()
        self.session.headers["Authorization"] = f"Token {answer.json()['token']}"

    def __getattr__(self, method):
        def call(path, **kw):
            kw.setdefault("timeout", TIMEOUT)
            return self.session.request(method.upper(), f"{self.base}{path}", **kw)

        return call


def web_session(base: str, username: str, password: str) -> requests.Session:
    """A browser's session: the sign-in page's CSRF token, then the form posted."""
    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 302, f"sign-in of {username}: {answer.status_code}"
    return s


def csrf_post(s: requests.Session, base: str, path: str, data: dict, files=None) -> requests.Response:
    page = s.get(f"{base}{path}", timeout=TIMEOUT)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    token = match.group(1) if match else s.cookies.get("csrftoken", "")
    return s.post(
        f"{base}{path}",
        data={**data, "csrfmiddlewaretoken": token},
        files=files,
        headers={"Referer": f"{base}{path}"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def is_api_error(answer, status) -> bool:
    try:
        body = answer.json()
    except ValueError:
        return False
    return answer.status_code == status and {"code", "detail", "errors"} <= set(body)


# --- visits -----------------------------------------------------------------------------------------------------


class Office:
    """What the demo office offers the checks: its round, a school, the instrument and its items."""

    def __init__(self, api: Api):
        rounds = api.get("/api/v1/rounds/?page_size=100").json()["results"]
        self.round = next(r for r in rounds if r["slug"] == "aug-2563")
        version_id = self.round.get("instrument_version") or 1
        self.version = api.get(f"/api/v1/instrument-versions/{version_id}/").json()
        self.items = [item for section in self.version["sections"] for item in section["items"]]
        schools = api.get("/api/v1/schools/?page_size=200").json()["results"]
        self.schools = [s["id"] for s in schools]

    def answers(self, long_text: str = "ครูจัดกิจกรรมการเรียนรู้เชิงรุก") -> list[dict]:
        out = []
        for item in self.items:
            kind = item["type"]
            if kind == "rating":
                value = item["levels"][-1]["value"]
            elif kind == "yes_no":
                value = True
            elif kind == "number":
                value = 3
            elif kind in ("single_choice", "multi_choice"):
                value = item["options"][0]["value"]
                value = [value] if kind == "multi_choice" else value
            elif kind == "long_text":
                value = long_text
            else:
                value = "ข้อสังเกต"
            out.append({"item": item["id"], "value": value})
        return out

    def long_item(self) -> dict:
        return next(i for i in self.items if i["type"] == "long_text")

    def body(self, school=None, **extra) -> dict:
        return {
            "round": self.round["id"],
            "school": school or self.schools[0],
            "answers": self.answers(),
            "findings": {"strengths": "ครูใช้สื่อหลากหลาย", "recommendations": ["จัดทำแผนพัฒนาการวัดผล"]},
            "check_in": {"at": "2020-08-03T09:00:00+07:00", "lat": 15.0, "lon": 104.6, "accuracy": 8},
            **extra,
        }


def thai_text(n: int) -> str:
    unit = "ครูจัดกิจกรรมการเรียนรู้เชิงรุก ผู้เรียนได้ลงมือปฏิบัติจริง "
    return (unit * (n // len(unit) + 1))[: n - 1] + "ก"


def wait_for_pdf(api: Api, path: str, seconds: float = 180) -> requests.Response:
    """Poll as a client does (202 + Retry-After) until the report is built, refused or the time is up."""
    end = time.monotonic() + seconds
    while True:
        answer = api.get(path)
        if answer.status_code != 202 or time.monotonic() > end:
            return answer
        time.sleep(min(float(answer.headers.get("Retry-After", 2)), 5))


# --- the checks -------------------------------------------------------------------------------------------------


@guarded
def cross_office_writes(base, office, sup, atk_sup, atk_coord_web):
    from visits.models import Instrument, InstrumentVersion, Visit

    ours = uuid.uuid4()
    created = sup.put(f"/api/v1/visits/{ours}/", json=office.body())
    check("cross-office: our supervisor creates a visit", created.status_code == 201, str(created.status_code))
    new = atk_sup.put(f"/api/v1/visits/{uuid.uuid4()}/", json=office.body())
    edit = atk_sup.put(f"/api/v1/visits/{ours}/", json={**office.body(), "members_present": []})
    move = atk_sup.post(f"/api/v1/visits/{ours}/transitions/", json={"to": "submitted"})
    sync = atk_sup.post("/api/v1/sync/", json={"visits": [{"id": str(uuid.uuid4()), **office.body()}]})
    synced = sync.json()["visits"][0]["status"] if sync.status_code == 200 else sync.status_code
    statuses = [new.status_code, edit.status_code, move.status_code, synced]
    check(
        "cross-office: another office's supervisor cannot create, edit, submit or sync into our round",
        new.status_code in (400, 403, 404)
        and edit.status_code == 404
        and move.status_code == 404
        and synced in (400, 403, 404)
        and Visit.objects.get(pk=ours).version == created.json()["version"],
        f"PUT new {statuses[0]}, PUT ours {statuses[1]}, transition {statuses[2]}, sync item {statuses[3]}",
    )

    instrument = Instrument.objects.filter(office__code="SEC29").order_by("pk").first()
    before = InstrumentVersion.objects.filter(instrument=instrument).count()
    sheet = io.StringIO()
    csv.writer(sheet).writerows(
        [
            ["ด้าน", "น้ำหนักด้าน", "รหัสข้อ", "ชนิด", "ข้อคำถาม", "ระดับหรือตัวเลือก", "ต้องตอบ", "ต้องมีภาพ", "น้ำหนัก"],
            ["การจัดการเรียนการสอน", "1", "1.1", "rating", "ข้อของผู้โจมตี", "ปรับปรุง|พอใช้|ดี|ดีมาก", "ใช่", "ไม่", "1"],
        ]
    )
    answer = csrf_post(
        atk_coord_web,
        base,
        "/admin/visits/instrument/import/",
        {"name": "แบบของผู้โจมตี", "code": instrument.code, "kind": "supervision", "publish": "on"},
        files={"file": ("form.csv", sheet.getvalue().encode(), "text/csv")},
    )
    after = InstrumentVersion.objects.filter(instrument=instrument).count()
    check(
        "cross-office: the admin import page refuses our instrument's code to another office's coordinator",
        after == before and answer.status_code in (200, 400, 403),
        f"HTTP {answer.status_code}, our versions {before} → {after}",
    )

    ids = list(InstrumentVersion.objects.filter(instrument__office__code="SEC29").values_list("pk", "status"))
    for action in ("publish", "draft_copy"):
        csrf_post(
            atk_coord_web,
            base,
            "/admin/visits/instrumentversion/",
            {"action": action, "_selected_action": [pk for pk, _ in ids]},
        )
    now = list(InstrumentVersion.objects.filter(instrument__office__code="SEC29").values_list("pk", "status"))
    check("cross-office: admin actions (publish, draft copy) leave our versions alone", now == ids, f"{len(ids)} kept")


@guarded
def long_text_report(office, sup, coordinator):
    from visits import limits

    vid = uuid.uuid4()
    body = office.body(school=office.schools[1])
    long_item = office.long_item()
    body["answers"] = [
        a if a["item"] != long_item["id"] else {**a, "value": thai_text(limits.LONG_TEXT_MAX)} for a in body["answers"]
    ]
    body["answers"][0]["note"] = thai_text(limits.NOTE_MAX)
    body["findings"] = {
        "strengths": thai_text(limits.FINDING_MAX),
        "to_improve": thai_text(limits.FINDING_MAX),
        "observation_notes": thai_text(limits.FINDING_MAX),
        "recommendations": [thai_text(limits.RECOMMENDATION_MAX) for _ in range(limits.RECOMMENDATIONS_MAX)],
    }
    saved = sup.put(f"/api/v1/visits/{vid}/", json=body)
    check(
        "long text: a visit with every text at its limit is accepted", saved.status_code == 201, str(saved.status_code)
    )
    started = time.monotonic()
    pdf = wait_for_pdf(sup, f"/api/v1/visits/{vid}/report.pdf")
    check(
        "long text: its report.pdf is built (not 202 forever, not an error)",
        pdf.status_code == 200 and pdf.content.startswith(b"%PDF"),
        f"HTTP {pdf.status_code} after {time.monotonic() - started:.1f} s, {len(pdf.content):,} bytes",
    )
    started = time.monotonic()
    summary = wait_for_pdf(coordinator, f"/api/v1/rounds/{office.round['slug']}/report.pdf", seconds=300)
    check(
        "long text: the round summary is built",
        summary.status_code == 200 and summary.content.startswith(b"%PDF"),
        f"HTTP {summary.status_code} after {time.monotonic() - started:.1f} s",
    )


@guarded
def unbounded_text(office, sup):
    vid = uuid.uuid4()
    body = office.body(school=office.schools[2])
    long_item = office.long_item()
    body["answers"] = [a if a["item"] != long_item["id"] else {**a, "value": "ก" * 5_000_000} for a in body["answers"]]
    answer = sup.put(f"/api/v1/visits/{vid}/", json=body)
    check(
        "unbounded text: a 5,000,000-character answer is refused with a field message",
        answer.status_code in (400, 413) and is_api_error(answer, answer.status_code),
        f"HTTP {answer.status_code} {list(answer.json().get('errors', {}))[:3] if answer.content else ''}",
    )
    listed = sup.get("/api/v1/visits/?page_size=100")
    check(
        "unbounded text: the visit list stays small", len(listed.content) < 2_000_000, f"{len(listed.content):,} bytes"
    )


@guarded
def odd_input(sup, coordinator):
    cases = [
        ("patch", "/api/v1/followups/abc/", 404),
        ("patch", "/api/v1/followups/123456789012345678901234567890/", 404),
        ("get", "/api/v1/visits/not-a-uuid/", 404),
        ("post", "/api/v1/visits/not-a-uuid/transitions/", 404),
        ("get", "/api/v1/visits/not-a-uuid/report.pdf", 404),
        ("get", "/api/v1/committees/abc/order.pdf", 404),
        ("get", "/api/v1/schools/abc/", 404),
        ("get", "/api/v1/visits/?updated_since=2020-08-01T00:00:00%2B23:59", 400),
        ("get", "/api/v1/visits/?updated_since=2020-08-01T00:00:00-25:00", 400),
        ("get", "/api/v1/visits/?updated_since=9999-12-31T23:00:00-13:00", 400),
        ("get", "/api/v1/visits/?status=bogus", 400),
        ("get", "/api/v1/followups/?status=bogus", 400),
        ("get", "/api/v1/rounds/?kind=bogus", 400),
        ("get", "/api/v1/notifications/?unread=maybe", 400),
        ("get", "/api/v1/visits/?ordering=bogus", 400),
    ]
    bad = []
    for method, path, status in cases:
        answer = getattr(coordinator, method)(path, **({"json": {}} if method != "get" else {}))
        if not is_api_error(answer, status):
            bad.append(f"{method.upper()} {path} → {answer.status_code} {answer.headers.get('Content-Type')}")
    check(f"odd input: {len(cases)} malformed ids and filters answer the API's error shape", not bad, "; ".join(bad))


@guarded
def four_eyes(office, chair):
    me = chair.get("/api/v1/me/").json()
    committees = [c["id"] for c in me.get("committees", []) if c.get("role") == "chair"] or [
        c["id"] for c in me.get("committees", [])
    ]
    vid = uuid.uuid4()
    photo = exif_rotated_jpeg()
    digest = hashlib.sha256(photo).hexdigest()
    evidence = [
        {"id": str(uuid.uuid4()), "sha256": digest, "size": len(photo), "item": i["id"]}
        for i in office.items
        if i["photo_required"]
    ]
    body = office.body(school=office.schools[3], committee=committees[0], evidence=evidence)
    saved = chair.put(f"/api/v1/visits/{vid}/", json=body)
    for e in evidence:
        chair.put(
            f"/api/v1/visits/{vid}/evidence/{e['id']}/",
            data={"sha256": digest},
            files={"file": ("photo.jpg", photo, "image/jpeg")},
        )
    submitted = chair.post(f"/api/v1/visits/{vid}/transitions/", json={"to": "submitted"})
    approved = chair.post(f"/api/v1/visits/{vid}/transitions/", json={"to": "approved"})
    status = chair.get(f"/api/v1/visits/{vid}/").json().get("status")
    check(
        "four eyes: a chair cannot approve the visit they wrote",
        saved.status_code == 201
        and submitted.status_code == 200
        and approved.status_code == 409
        and status == "submitted",
        f"PUT {saved.status_code}, submit {submitted.status_code}, approve {approved.status_code} "
        f"({approved.json().get('code') if approved.content else ''}), status {status}",
    )


@guarded
def due_date_escape(director):
    followups = director.get("/api/v1/followups/?open=true&page_size=5").json()["results"]
    fu = followups[0]
    answer = director.patch(f"/api/v1/followups/{fu['id']}/", json={"due_date": "2099-12-31"})
    after = director.get(f"/api/v1/followups/{fu['id']}/").json()["due_date"]
    check(
        "due date: a school director cannot move their follow-up's due date to 2099",
        answer.status_code == 400 and after == fu["due_date"],
        f"PATCH {answer.status_code}, due {fu['due_date']} → {after}",
    )


def exif_rotated_jpeg() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (640, 480), (200, 40, 40))
    image.paste((20, 20, 220), (0, 0, 320, 240))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° CW to show upright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


@guarded
def exif_photo_hash(office, sup):
    data = exif_rotated_jpeg()
    digest = hashlib.sha256(data).hexdigest()
    vid, eid = uuid.uuid4(), uuid.uuid4()
    body = office.body(school=office.schools[4], evidence=[{"id": str(eid), "sha256": digest, "size": len(data)}])
    sup.put(f"/api/v1/visits/{vid}/", json=body)
    up = sup.put(
        f"/api/v1/visits/{vid}/evidence/{eid}/",
        data={"sha256": digest},
        files={"file": ("photo.jpg", data, "image/jpeg")},
    )
    got = sup.get(f"/api/v1/visits/{vid}/evidence/{eid}/")
    listed = next((e for e in sup.get(f"/api/v1/visits/{vid}/").json()["evidence"] if e["id"] == str(eid)), {})
    thumb = sup.get(f"/api/v1/visits/{vid}/evidence/{eid}/?thumbnail=1")
    check(
        "EXIF photo: the original is served with the manifest's hash and size; the thumbnail separately",
        up.status_code in (200, 201)
        and hashlib.sha256(got.content).hexdigest() == digest
        and len(got.content) == len(data)
        and listed.get("sha256") == digest
        and thumb.status_code == 200
        and thumb.content != data,
        f"upload {up.status_code}, served {len(got.content)}/{len(data)} bytes, hash "
        f"{'same' if hashlib.sha256(got.content).hexdigest() == digest else 'DIFFERENT'}, "
        f"thumbnail {thumb.status_code}",
    )


@guarded
def decompression_bomb(base, office, sup):
    from PIL import Image

    image = Image.new("1", (13_300, 13_300), 0)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    data = out.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    vid, eid = uuid.uuid4(), uuid.uuid4()
    body = office.body(school=office.schools[5], evidence=[{"id": str(eid), "sha256": digest, "size": len(data)}])
    sup.put(f"/api/v1/visits/{vid}/", json=body)
    health: list[float] = []

    def probe():
        for _ in range(5):
            t = time.monotonic()
            requests.get(f"{base}/healthz", timeout=TIMEOUT)
            health.append(time.monotonic() - t)
            time.sleep(0.2)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        bombs = [
            pool.submit(
                sup.put,
                f"/api/v1/visits/{vid}/evidence/{eid}/",
                data={"sha256": digest},
                files={"file": ("bomb.png", data, "image/png")},
            )
            for _ in range(4)
        ]
        prober = pool.submit(probe)
        answers = [b.result() for b in bombs]
        prober.result()
    took = time.monotonic() - started
    codes = sorted({a.status_code for a in answers})
    check(
        f"bomb: four {len(data):,}-byte 13,300 × 13,300 PNGs at once are refused before decoding; /healthz answers",
        all(a.status_code in (400, 413, 415) and is_api_error(a, a.status_code) for a in answers) and max(health) < 5,
        f"HTTP {codes} in {took:.1f} s, slowest /healthz {max(health):.2f} s",
    )


@guarded
def parallel_puts(office, sup):
    vid = uuid.uuid4()
    body = office.body(school=office.schools[6])
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: sup.put(f"/api/v1/visits/{vid}/", json=body), range(8)))
    codes = sorted(a.status_code for a in answers)
    ids = {a.json().get("id") for a in answers if a.status_code in (200, 201)}
    check(
        "8 parallel PUTs to a new UUID: one 201, the rest answer like the winner (no 409)",
        codes.count(201) == 1 and set(codes) <= {200, 201} and ids == {str(vid)},
        f"HTTP {codes}",
    )


@guarded
def throttle(base, settings):
    """Rotate X-Forwarded-For (no proxy is trusted) on one account, then check who may still sign in."""
    limit = settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS
    url = f"{base}/api/v1/auth/token/"
    answers = [
        requests.post(
            url,
            json={"username": "atk_victim", "password": "guess"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=TIMEOUT,
        )
        for n in range(limit + 3)
    ]
    right = requests.post(
        url,
        json={"username": "atk_victim", "password": ATK_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.99"},
        timeout=TIMEOUT,
    )
    codes = [a.status_code for a in answers]
    check(
        f"throttle: rotating X-Forwarded-For gives no more than {limit} guesses on one account",
        all(c == 400 for c in codes[:limit]) and all(c == 429 for c in codes[limit:]) and right.status_code == 429,
        f"guesses {codes}, then the right password {right.status_code}",
    )
    neighbour = requests.post(url, json={"username": "atk_coordinator", "password": ATK_PASSWORD}, timeout=TIMEOUT)
    check(
        "throttle: a colleague at the same address still signs in",
        neighbour.status_code == 200,
        f"HTTP {neighbour.status_code}",
    )


def redis_cli(port, *args) -> str:
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True).stdout.strip()


@guarded
def redis_down(base, office, sup, port):
    vid = uuid.uuid4()
    sup.put(f"/api/v1/visits/{vid}/", json=office.body(school=office.schools[7]))
    info = redis_cli(port, "CONFIG", "GET", "dir")
    directory = info.splitlines()[-1] if info else "/tmp"
    redis_cli(port, "SHUTDOWN", "NOSAVE")
    try:
        time.sleep(1)
        sign_in = requests.post(
            f"{base}/api/v1/auth/token/",
            json={"username": "supervisor", "password": DEMO_PASSWORD},
            timeout=TIMEOUT,
        )
        web = requests.Session()
        page = web.get(f"{base}/accounts/login/", timeout=TIMEOUT)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        web_in = web.post(
            f"{base}/accounts/login/",
            data={"username": "supervisor", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{base}/accounts/login/"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        check(
            "Redis down: token and web sign-in still work",
            sign_in.status_code == 200 and web_in.status_code == 302,
            f"token {sign_in.status_code}, web {web_in.status_code}",
        )
        pdf = sup.get(f"/api/v1/visits/{vid}/report.pdf")
        code = pdf.json().get("code") if pdf.headers.get("Content-Type", "").startswith("application/json") else ""
        check(
            "Redis down: report.pdf says 'not available now' (503, the API's error shape), not 500",
            is_api_error(pdf, 503),
            f"HTTP {pdf.status_code} {code}",
        )
        write = sup.put(f"/api/v1/visits/{vid}/", json=office.body(school=office.schools[7], members_present=[]))
        check("Redis down: a visit write still lands", write.status_code == 200, f"HTTP {write.status_code}")
        health = requests.get(f"{base}/healthz", timeout=TIMEOUT)
        down = [d.get("part") for d in health.json().get("down", [])] if health.content else []
        check(
            "Redis down: /healthz is 503 and names what is down",
            health.status_code == 503 and "broker" in down,
            f"HTTP {health.status_code}, down {down}",
        )
    finally:
        subprocess.run(
            [
                *("redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *("--daemonize", "yes", "--dir", directory, "--logfile", str(Path(directory) / "redis.log")),
            ],
            check=True,
        )
        for _ in range(50):
            if redis_cli(port, "PING") == "PONG":
                break
            time.sleep(0.2)
    back = requests.get(f"{base}/healthz", timeout=TIMEOUT)
    check("Redis back: /healthz is 200 again", back.status_code == 200, f"HTTP {back.status_code}")


# --- the worker kill --------------------------------------------------------------------------------------------


class SlowSmtp(socketserver.ThreadingTCPServer):
    """A mail transport that takes `delay` seconds to accept each message, and keeps what it accepted."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float):
        self.delay = delay
        self.messages: list[str] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        try:
            self.converse()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the worker was killed mid-conversation: that is the point

    def converse(self):
        self.reply("220 sink")
        while line := self.rfile.readline():
            verb = line.decode("utf-8", "replace").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (row := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(row.decode("utf-8", "replace"))
                time.sleep(self.server.delay)  # the transport is slow; a kill lands here
                with self.server.lock:
                    self.server.messages.append("".join(lines))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@guarded
def worker_kill(redis_url: str, evening: str):
    from django.conf import settings

    from worker.models import Channel, Notification

    S = Notification.Status
    sink = SlowSmtp(delay=0.3)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    broker = re.sub(r"/\d*$", "", redis_url.rstrip("/")) + "/7"  # a database no other worker reads
    env = {
        **os.environ,
        "REDIS_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.server_address[1]),
        "EMAIL_USE_TLS": "0",
    }

    def start_worker():
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "worker", "worker", "--concurrency", "1", "--pool", "solo"),
                *("--loglevel", "WARNING", "-n", f"attack-{uuid.uuid4().hex[:6]}@%h"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def dispatch(now: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "dispatch_reminders", "--now", now, "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    # An evening of the round: the next days' visit reminders fall due, e-mail for everyone with an address.
    emails = Notification.objects.filter(channel=Channel.EMAIL)
    sent_before = set(emails.filter(status=S.SENT).values_list("pk", flat=True))

    def seen(ids) -> list[int]:
        """The ledger rows of `ids` the transport accepted, once per message."""
        rows = []
        for message in list(sink.messages):
            row = re.search(r"^X-Nithet-Notification: (\d+)\s*$", message, re.M)
            if row and int(row.group(1)) in ids:
                rows.append(int(row.group(1)))
        return rows

    first = start_worker()
    try:
        print("      dispatch:", dispatch(evening), flush=True)
        # The batch: the e-mails this dispatch handed to the worker (the coming days' reminders it also wrote
        # are not due yet and stay pending).
        handed = emails.filter(status__in=[S.SENDING, S.SENT]).exclude(pk__in=sent_before)
        ids = set(handed.values_list("pk", flat=True))
        batch = Notification.objects.filter(pk__in=ids)
        total = len(ids)
        end = time.monotonic() + 120
        while len(seen(ids)) < max(3, total // 4) and time.monotonic() < end:
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        before = len(seen(ids))
        sent_marked = batch.filter(status=S.SENT).count()
        check(
            "worker kill: SIGKILL landed mid-batch; each row marked right after its own send",
            0 < before < total and before - 1 <= sent_marked <= before,
            f"{total} e-mails queued, {before} handed to the transport, {sent_marked} marked sent",
        )
        second = start_worker()
        try:
            later = (
                dt.datetime.fromisoformat(evening) + dt.timedelta(seconds=settings.NOTIFY_STUCK_SECONDS + 60)
            ).isoformat()
            print("      after the stuck timeout:", dispatch(later), flush=True)
            end = time.monotonic() + 300
            while batch.filter(status__in=[S.PENDING, S.SENDING]).exists() and time.monotonic() < end:
                time.sleep(0.5)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
        sink.shutdown()
    sent = set(batch.filter(status=S.SENT).values_list("pk", flat=True))
    by_row = defaultdict(list)
    for message in sink.messages:
        row = re.search(r"^X-Nithet-Notification: (\d+)\s*$", message, re.M)
        message_id = re.search(r"^Message-ID: (.+?)\s*$", message, re.M | re.I)
        if row and int(row.group(1)) in ids:
            by_row[int(row.group(1))].append(message_id.group(1) if message_id else None)
    twice = {row: mids for row, mids in by_row.items() if len(mids) > 1}
    same_id = all(len(set(mids)) == 1 and mids[0] for mids in by_row.values())
    left = batch.filter(status__in=[S.PENDING, S.SENDING]).count()
    check(
        "worker kill: every ledger row delivered, at most the interrupted one twice and with the same Message-ID",
        set(by_row) == ids == sent and left == 0 and len(twice) <= 1 and same_id,
        f"{len(sent)}/{total} rows sent, {len(by_row)} rows seen by the transport, "
        f"{sum(map(len, by_row.values()))} of their messages, "
        f"resent rows {sorted(twice)}, same Message-ID on resend: {same_id}",
    )


# --- main -------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the deployment's address")
    parser.add_argument("--redis-port", type=int, help="stop and restart this Redis for the Redis-down check")
    parser.add_argument(
        "--kill-at",
        default="2020-08-06T18:00:00+07:00",
        help="the moment whose reminder batch the worker kill interrupts (a later one on a second run: a batch "
        "is made once)",
    )
    parser.add_argument("--skip", action="append", default=[], help="a check to leave out (its function name)")
    args = parser.parse_args()
    base = args.base.rstrip("/")

    django_setup()
    from django.conf import settings

    make_second_office()
    sup, chair = Api(base, "supervisor"), Api(base, "chair")
    coordinator, director = Api(base, "coordinator"), Api(base, "school_director")
    atk_sup = Api(base, "atk_supervisor", ATK_PASSWORD)
    atk_coord_web = web_session(base, "atk_coordinator", ATK_PASSWORD)
    office = Office(coordinator)

    checks = [
        ("cross_office_writes", lambda: cross_office_writes(base, office, sup, atk_sup, atk_coord_web)),
        ("long_text_report", lambda: long_text_report(office, sup, coordinator)),
        ("unbounded_text", lambda: unbounded_text(office, sup)),
        ("odd_input", lambda: odd_input(sup, coordinator)),
        ("four_eyes", lambda: four_eyes(office, chair)),
        ("due_date_escape", lambda: due_date_escape(director)),
        ("exif_photo_hash", lambda: exif_photo_hash(office, sup)),
        ("decompression_bomb", lambda: decompression_bomb(base, office, sup)),
        ("parallel_puts", lambda: parallel_puts(office, sup)),
        ("throttle", lambda: throttle(base, settings)),
        ("redis_down", lambda: redis_down(base, office, sup, args.redis_port)),
        ("worker_kill", lambda: worker_kill(settings.REDIS_URL, args.kill_at)),
    ]
    for name, run in checks:
        if name in args.skip:
            print(f"SKIP  {name}", flush=True)
        elif name == "redis_down" and not args.redis_port:
            check("redis_down", False, "needs --redis-port (the deployment's Redis, which it stops and restarts)")
        elif name == "worker_kill" and not settings.REDIS_URL:
            check("worker_kill", False, "needs REDIS_URL (the deployment's broker)")
        else:
            run()
    failed = [name for name, ok, _ in results if not ok]
    print(f"\n{len(results) - len(failed)} PASS, {len(failed)} FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
