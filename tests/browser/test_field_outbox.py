"""The field app's outbox in real Chromium, on a clock the test controls (Playwright's `page.clock`): retries
back off — the waits between attempts grow (5 s, 10 s, 20 s … up to 10 min, each ±20 %) — every attempt
carries the same UUIDs for the visit, its photo and its signature, "send now" skips the wait, and a new
instrument version published while the visit waits never makes it unsendable. No real time is waited for:
the test moves the page's clock one outbox tick (5 s) at a time."""

import hashlib
import itertools

import pytest

from tests import factories as f
from tests.browser.test_field_app import _answer_required, _context, _idb_files, _page, _photo, _sign, day  # noqa: F401
from visits.models import Evidence, Signature, Visit

pytestmark = pytest.mark.django_db(transaction=True)

TICK_MS = 5000  # the outbox looks at its queue every 5 s (outbox.js `start`)
FIRST_WAIT_S, MAX_WAIT_S = 5, 600  # outbox.js BACKOFF_MS, BACKOFF_MAX_MS
FAILED_SYNCS = 9  # enough for the wait to reach its ceiling twice (5 … 320, 600, 600)


def _outbox_idle(page):
    """Waits until the outbox's current round (if any) is over: it holds the Web Lock `nithet-outbox` while
    it sends, and a request for the same lock is granted only after it lets go."""
    page.evaluate("navigator.locks.request('nithet-outbox', () => true)")


def test_retries_back_off_and_always_reuse_the_same_uuids(browser, live_server, actors, day, tmp_path):  # noqa: F811
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    page.clock.install()  # the page's Date and timers are Playwright's from here on; they run freely until paused
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    items = day.items
    _answer_required(page, items)
    page.set_input_files(f"#photo-input-{items['Y1'].pk}", _photo(tmp_path / "y1.jpg", 1))
    page.wait_for_selector(f'[data-item="{items["Y1"].pk}"] figure.photo')
    _sign(page, "นางสาวอรุณี ประธาน", "chair")

    # The server is out of reach for the first FAILED_SYNCS attempts (the link drops, or a proxy answers 503);
    # after that the photo's and the signature's first upload each fail once more.
    syncs, puts, attempt_at = [], [], []
    now = {"ms": 0}

    def sync(route):
        syncs.append(route.request.post_data_json)
        attempt_at.append(now["ms"])
        if len(syncs) <= FAILED_SYNCS:
            if len(syncs) % 2:
                route.abort("internetdisconnected")
            else:
                route.fulfill(status=503, body="busy")
            return
        route.continue_()

    def upload(route):
        if route.request.method != "PUT":
            return route.continue_()
        puts.append(route.request.url)
        kind = "signatures" if "/signatures/" in route.request.url else "evidence"
        if sum(kind in url for url in puts) == 1:
            return route.abort("connectionreset")
        route.continue_()

    page.route("**/api/v1/sync/", sync)
    page.route("**/api/v1/visits/*/evidence/*/", upload)
    page.route("**/api/v1/visits/*/signatures/*/", upload)

    # From here time moves only when the test moves it.
    start = page.evaluate("Date.now()") + 60_000
    page.clock.pause_at(start)
    now["ms"] = start
    page.click("#submit")  # queued and tried at once: the first attempt fails
    page.wait_for_selector("#submit-status:has-text('อยู่ในคิวส่งแล้ว')")
    _outbox_idle(page)
    assert len(syncs) == 1
    page.click("text=กลับไปรายการ")
    page.wait_for_selector(f"[data-assignment='{day.assignment.pk}'] [data-place='sending']")

    def tick():
        page.clock.run_for(TICK_MS)
        now["ms"] += TICK_MS
        _outbox_idle(page)

    republished = False
    while len(syncs) <= FAILED_SYNCS:
        tick()
        assert now["ms"] - start < 4_000_000, f"only {len(syncs)} attempts in {(now['ms'] - start) / 1000:.0f} s"
        if len(syncs) == 4 and not republished:
            # Meanwhile the office publishes a new version of the instrument and the supervisor prepares
            # again: the queued visit keeps the version it was filled with, and still goes.
            newer = f.InstrumentVersionFactory(instrument=day.version.instrument)
            day.round.instrument = newer
            day.round.save()
            page.click("#prepare")  # says "preparing…" until the new package is stored and the list drawn again
            page.wait_for_selector("#prepare-status:empty", state="attached")
            republished = True

    # Each wait is the one before doubled, from 5 s up to 10 min, give or take 20 % (so that tablets that
    # lost the network together do not come back together), and the tick that found it due.
    waits = [(b - a) / 1000 for a, b in itertools.pairwise(attempt_at)]
    expected = [min(FIRST_WAIT_S * 2**n, MAX_WAIT_S) for n in range(FAILED_SYNCS)]
    assert len(waits) == FAILED_SYNCS
    for n, (wait, due) in enumerate(zip(waits, expected, strict=True)):
        assert 0.8 * due <= wait <= 1.2 * due + TICK_MS / 1000, (n, waits)
    assert waits[6] > 2 * waits[4] > 4 * waits[2]  # they grow …
    assert max(waits) <= 1.2 * MAX_WAIT_S + TICK_MS / 1000  # … to a ceiling

    # Every attempt was the same visit with the same photo: a retry is never a new record.
    [visit_id] = {body["visits"][0]["id"] for body in syncs}
    [photo_ids] = {tuple(e["id"] for e in body["evidence"]) for body in syncs}
    assert len(photo_ids) == 1
    assert {body["visits"][0]["instrument_version"] for body in syncs} == {day.version.pk}

    # The visit reached the server; the photo's upload was cut. The outbox waits its turn — "send now" does not.
    _outbox_idle(page)
    assert Visit.objects.filter(pk=visit_id).exists() and not Evidence.objects.get().is_uploaded
    assert len(puts) == 1
    before = now["ms"]
    page.click("#send-now")  # the photo again (same UUID), then the signature, whose first upload is cut
    _outbox_idle(page)
    page.click("#send-now")
    _outbox_idle(page)
    assert now["ms"] == before  # no time passed on the page's clock
    page.wait_for_selector(f"[data-assignment='{day.assignment.pk}'] [data-place='server']")

    photo_puts = [u for u in puts if "/evidence/" in u]
    signature_puts = [u for u in puts if "/signatures/" in u]
    assert len(photo_puts) == 2 and len(set(photo_puts)) == 1 and photo_ids[0] in photo_puts[0]
    assert len(signature_puts) == 2 and len(set(signature_puts)) == 1

    visit = Visit.objects.get()
    assert str(visit.pk) == visit_id and visit.status == "submitted"
    assert visit.instrument_version_id == day.version.pk != day.round.instrument_id
    [photo] = Evidence.objects.all()
    [signature] = Signature.objects.all()
    assert str(photo.pk) == photo_ids[0] and str(signature.pk) in signature_puts[0]
    tablet = {x["id"]: x for x in _idb_files(page)}
    assert hashlib.sha256(photo.file.open("rb").read()).hexdigest() == tablet[str(photo.pk)]["sha256"]
    assert hashlib.sha256(signature.image.open("rb").read()).hexdigest() == tablet[str(signature.pk)]["sha256"]
    context.close()
