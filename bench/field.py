"""Field app benchmark: `python bench/field.py` (`make bench-field`; add --runs N).

Builds a throw-away instance in a temporary directory (SQLite, the demo data, collected and compressed
static files), starts gunicorn on 127.0.0.1 and drives Debian's Chromium through Playwright as the demo
supervisor. It prints the median of each figure over the runs, against the targets of issue 10:

- first load of /field/: bytes transferred by the page (compressed, as whitenoise serves them; fonts
  aside — the app uses none) ≤ 300 KB;
- offline cold start: a restarted browser with no network, from navigation to the visit list ≤ 1 s;
- 6 photos from 4000×3000 camera originals resized on the tablet (decode, resize to 2,000 px, JPEG, hash,
  store) ≤ 2 s in total, and what they upload ≤ 3 MB;
- sync of that visit (its JSON and the 6 photos) over an emulated 1.6 Mbit/s link with 150 ms latency
  (CDP Network.emulateNetworkConditions) within 1.2× of the time its bytes take at that rate.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("NITHET_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
RATE_BPS = 1_600_000 / 8  # 1.6 Mbit/s in bytes per second
LATENCY_MS = 150
PHOTOS = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def camera_photo(path: Path, seed: int) -> None:
    """A 4000×3000 JPEG with camera-like detail (noise), ~4 MB, as a tablet camera writes."""
    from PIL import Image

    rnd = random.Random(seed)
    small = Image.frombytes("RGB", (500, 375), bytes(rnd.getrandbits(8) for _ in range(500 * 375 * 3)))
    im = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nithet-bench-field-"))
    env = {**os.environ, "NITHET_VAR_DIR": str(work / "var"), "DJANGO_DEBUG": "0", "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    (work / "var").mkdir()
    py = [sys.executable, str(ROOT / "manage.py")]
    for cmd in (["migrate", "--noinput", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(py + cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update({k: v for k, v in env.items() if k in ("NITHET_VAR_DIR", "DJANGO_DEBUG")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    port = free_port()
    url = f"http://localhost:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "supervision.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env={**env, "ALLOWED_HOSTS": "localhost,127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    photos = []
    for i in range(PHOTOS):
        camera_photo(work / f"camera-{i}.jpg", i)
        photos.append(str(work / f"camera-{i}.jpg"))
    original = sum(os.path.getsize(p) for p in photos)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        client = Client()
        client.force_login(get_user_model().objects.get(username="supervisor"))
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
        results = run(url, cookie, photos, work, opts.runs)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # a loaded machine: do not lose the figures to a slow shutdown
            server.kill()
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in results.items()}
    ratio = med["sync_s"] / med["sync_ideal_s"]
    print(f"\nbench/field.py — medians of {opts.runs} runs (Chromium {CHROMIUM})")
    rows = [
        (
            "first load of /field/ (transferred)",
            f"{med['first_load_bytes'] / 1024:.0f} KB",
            "≤ 300 KB",
            med["first_load_bytes"] <= 300 * 1024,
        ),
        (
            "offline cold start → visit list",
            f"{med['cold_start_s'] * 1000:.0f} ms",
            "≤ 1000 ms",
            med["cold_start_s"] <= 1,
        ),
        (
            f"{PHOTOS} photos 4000×3000 resized on the tablet",
            f"{med['resize_s'] * 1000:.0f} ms",
            "≤ 2000 ms",
            med["resize_s"] <= 2,
        ),
        (
            f"{PHOTOS} photos uploaded (from {original / 1e6:.1f} MB originals)",
            f"{med['photo_bytes'] / 1e6:.2f} MB",
            "≤ 3 MB",
            med["photo_bytes"] <= 3e6,
        ),
        (
            "sync over 1.6 Mbit/s + 150 ms",
            f"{med['sync_s']:.2f} s for {med['sync_bytes'] / 1e6:.2f} MB "
            f"(bytes alone {med['sync_ideal_s']:.2f} s) = {ratio:.2f}×",
            "≤ 1.20×",
            ratio <= 1.2,
        ),
    ]
    for name, value, target, ok in rows:
        print(f"  {name:<52} {value:<42} {target:<10} {'ok' if ok else 'MISSED'}")


def run(url, cookie, photos, work, runs):
    from playwright.sync_api import sync_playwright

    out = {
        k: []
        for k in ("first_load_bytes", "cold_start_s", "resize_s", "photo_bytes", "sync_s", "sync_bytes", "sync_ideal_s")
    }
    with sync_playwright() as pw:
        for n in range(runs):
            profile = work / f"profile-{n}"
            ctx = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=CHROMIUM,
                args=ARGS,
                headless=True,
                viewport={"width": 820, "height": 1180},
                locale="th-TH",
                timezone_id="Asia/Bangkok",
            )
            ctx.add_cookies([{**cookie, "url": url}])
            page = ctx.pages[0]
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            sizes: dict[str, int] = {}
            urls: dict[str, str] = {}
            cdp.on(
                "Network.requestWillBeSent", lambda e, urls=urls: urls.__setitem__(e["requestId"], e["request"]["url"])
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e, sizes=sizes: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
            )
            page.goto(f"{url}/field/")
            page.wait_for_selector("#prepare")
            page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
            page.wait_for_timeout(300)
            out["first_load_bytes"].append(
                sum(v for k, v in sizes.items() if "/fonts/" not in urls.get(k, "") and "/api/" not in urls.get(k, ""))
            )
            page.click("#prepare")
            page.wait_for_selector("#visit-list li")
            ctx.close()

            ctx = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=CHROMIUM,
                args=ARGS,
                headless=True,
                viewport={"width": 820, "height": 1180},
                locale="th-TH",
                timezone_id="Asia/Bangkok",
            )
            ctx.add_cookies([{**cookie, "url": url}])
            ctx.set_offline(True)
            page = ctx.pages[0]
            start = time.perf_counter()
            page.goto(f"{url}/field/")
            page.wait_for_selector("#visit-list li")
            out["cold_start_s"].append(time.perf_counter() - start)

            page.click("#visit-list li:first-child a.button")
            page.wait_for_selector("#photo-input-visit", state="attached")
            start = time.perf_counter()
            page.set_input_files("#photo-input-visit", photos)
            page.wait_for_function(
                f"document.querySelectorAll('[data-item=\"visit\"] figure.photo').length === {len(photos)}",
                timeout=60_000,
            )
            out["resize_s"].append(time.perf_counter() - start)
            photo_bytes = page.evaluate(
                """() => new Promise((resolve) => {
                  const boot = JSON.parse(document.getElementById('field-boot').textContent);
                  const r = indexedDB.open(`nithet-field-u${boot.user.id}`);
                  r.onsuccess = () => { const q = r.result.transaction('files').objectStore('files').getAll();
                    q.onsuccess = () => resolve(q.result.reduce((s, f) => s + f.size, 0)); };
                })"""
            )
            out["photo_bytes"].append(photo_bytes)

            # Sync over the slow link: the bytes the page sends and receives, against the time they take.
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            sent: dict[str, int] = {}
            got: dict[str, int] = {}
            cdp.on(
                "Network.requestWillBeSent",
                lambda e, sent=sent: sent.__setitem__(
                    e["requestId"], len((e["request"].get("postData") or "").encode())
                ),
            )
            cdp.on(
                "Network.loadingFinished", lambda e, got=got: got.__setitem__(e["requestId"], e["encodedDataLength"])
            )
            ctx.set_offline(False)
            cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": False, "latency": LATENCY_MS, "downloadThroughput": RATE_BPS, "uploadThroughput": RATE_BPS},
            )
            start = time.perf_counter()
            page.click("#send-draft")
            page.wait_for_function("document.getElementById('place')?.dataset.place === 'server'", timeout=120_000)
            elapsed = time.perf_counter() - start
            # JSON bodies as sent, the photos' bytes (multipart bodies are not reported by CDP) with their
            # framing, and every response as received.
            total = sum(sent.values()) + photo_bytes + PHOTOS * 400 + sum(got.values())
            out["sync_s"].append(elapsed)
            out["sync_bytes"].append(total)
            out["sync_ideal_s"].append(total / RATE_BPS)
            ctx.close()
    return out


if __name__ == "__main__":
    main()
