"""The field app in real Chromium: a whole field day offline, a network cut in the middle of a photo, a
conflict with the chair's edit (keep mine, take the server's), two tabs on one visit, a submit the server
refuses until a lost file is sent again, the warning before clearing, persistent storage and eviction, the
whole app in English, and what the form shows (brief, level descriptors, progress, GPS warnings, photos
received) with both GPS fixes on the chair's page."""

import datetime
import hashlib
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from tests import factories as f
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
from tests.browser.pages import DATA_SELECTOR
from tests.browser.test_languages import THAI_LABELS_JS
from visits.models import Evidence, Item, Signature, Visit

pytestmark = pytest.mark.django_db(transaction=True)
SCHOOL = (15.2447, 104.8472)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def day(actors):
    """Committee A (alice chairs, bob is a member) visits school_a in August 2563 with an instrument that
    has every item type; Y1 needs a photo."""
    version = f.InstrumentVersionFactory(status="draft")
    s2 = version.sections.get(order=2)
    Item.objects.create(version=version, section=s2, order=5, code="S1", type="short_text", text="ผู้ให้ข้อมูล")
    Item.objects.create(
        version=version,
        section=s2,
        order=6,
        code="M1",
        type="multi_choice",
        text="กิจกรรมที่พบ",
        required=False,
        options=[
            {"value": "plc", "label": "PLC"},
            {"value": "coach", "label": "การโค้ช"},
            {"value": "ict", "label": "ICT"},
        ],
    )
    version.status, version.published_at = "published", datetime.datetime.now(datetime.UTC)
    version.save()
    actors.school_a.latitude, actors.school_a.longitude = SCHOOL
    actors.school_a.director = actors.dana
    actors.school_a.save()
    rnd = f.RoundFactory(office=actors.office, instrument=version, slug="aug-field", committees=[actors.committee_a])
    assignment = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=actors.school_a)
    items = {i.code: i for i in version.items.all()}
    return type("Day", (), {"version": version, "round": rnd, "assignment": assignment, "items": items})


def _cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _context(browser, user_dir, live_server, user, viewport=TABLET_PORTRAIT, language=None):
    context = browser.browser_type.launch_persistent_context(
        str(user_dir),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=viewport,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        permissions=["geolocation"],
        geolocation={"latitude": SCHOOL[0] + 0.0003, "longitude": SCHOOL[1], "accuracy": 12},
    )
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": _cookie(user), "url": live_server.url}])
    if language:  # the user's language, as the language switch leaves it
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


def _photo(path, seed, size=(2600, 1950)) -> str:
    im = Image.new("RGB", size, (40 + seed * 50, 120, 200 - seed * 40))
    for x in range(0, size[0], 97):  # some detail, so the JPEG is not trivially small
        im.paste((255, 255 - seed * 30, x % 255), (x, 0, x + 30, size[1]))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return str(path)


# Every control a finger uses (radio and checkbox inputs sit inside their 48 px .choice label).
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    '#app button, #app a.button, #app select, #app input[type=text], #app input[type=number], #app textarea,'
    + ' #app summary, #app label.choice, header.bar a'))
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.tagName + ' ' + (el.id || el.textContent || '').trim().slice(0, 30), el.getBoundingClientRect()])
  .filter(([, r]) => r.height > 0 && (r.height < 44 || r.width < 44))
  .map(([name, r]) => `${name}: ${Math.round(r.width)}×${Math.round(r.height)}`)"""


def _page(context):
    page = context.pages[0] if context.pages else context.new_page()
    page.on("pageerror", lambda e: print("pageerror:", e))
    return page


def _sign(page, name, role):
    page.fill("#signer-name", name)
    page.select_option("#signer-role", role)
    page.locator("#signature-pad").scroll_into_view_if_needed()  # the mouse draws where the pad is on screen
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 40)
    page.mouse.down()
    for i in range(12):
        page.mouse.move(box["x"] + 40 + i * 25, box["y"] + 60 + (i % 3) * 30)
    page.mouse.up()
    page.click("#save-signature")
    page.wait_for_selector(f'figure.signature[data-role="{role}"]')


def _idb_files(page):
    return page.evaluate(
        """() => new Promise((resolve) => {
          const boot = JSON.parse(document.getElementById('field-boot').textContent);
          const r = indexedDB.open(`nithet-field-u${boot.user.id}`);
          r.onsuccess = () => { const q = r.result.transaction('files').objectStore('files').getAll();
            q.onsuccess = () => resolve(q.result.map((f) => ({id: f.id, kind: f.kind, sha256: f.sha256, size: f.size,
              width: f.width || null, height: f.height || null}))); };
        })"""
    )


def test_a_whole_field_day_offline(browser, live_server, actors, day, tmp_path):
    user_dir = tmp_path / "tablet"
    context = _context(browser, user_dir, live_server, actors.bob.user)
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.click("#prepare")
    page.wait_for_selector(f'[data-assignment="{day.assignment.pk}"]')
    assert "1 การตรวจเยี่ยม" in page.inner_text("#ready")
    context.close()

    # The browser restarts with no network: the list, the brief and the form come from the tablet.
    context = _context(browser, user_dir, live_server, actors.bob.user)
    context.set_offline(True)
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector(f'[data-assignment="{day.assignment.pk}"]')
    assert page.inner_text("#network") == "ออฟไลน์"
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    brief = page.inner_text("#brief")
    assert actors.dana.last_name in brief and "เปิดแผนที่" in brief

    items = day.items
    page.click("#check_in")
    page.wait_for_function("document.getElementById('check_in-place').textContent.includes('±12')")
    page.check(f'#q-{items["R1"].pk} input[value="3"]')
    page.check(f"#q-{items['Y1'].pk} .choice:first-child input")
    page.check(f'#q-{items["R2"].pk} input[value="4"]')
    page.check(f"#q-{items['C1'].pk} .choice:first-child input")
    page.fill(f"#item-{items['N1'].pk}", "7")
    page.fill(f"#item-{items['T1'].pk}", "ห้องเรียนสะอาด มีสื่อการสอนครบ")
    page.fill(f"#item-{items['S1'].pk}", "นายครู ใจดี")
    page.check(f"#q-{items['M1'].pk} .choice:nth-child(1) input")
    page.check(f"#q-{items['M1'].pk} .choice:nth-child(3) input")
    page.fill(f'[data-note="{items["R1"].pk}"]', "ครูใช้คำถามปลายเปิด")
    page.check(f'#members input[value="{actors.alice.pk}"]')
    page.check(f'#members input[value="{actors.bob.pk}"]')
    page.fill("#finding-strengths", "ครูใช้สื่อหลากหลาย")

    # Submit is refused until the photo-required item has its photo (the summary links to the item).
    page.click("#submit")
    page.wait_for_selector(f"#error-summary:has-text('ข้อ {items['Y1'].code}: ต้องมีภาพถ่าย')")

    # A reload (or a crash) loses nothing typed so far.
    page.reload()
    page.wait_for_selector("#submit")
    assert page.input_value("#finding-strengths") == "ครูใช้สื่อหลากหลาย"
    assert page.input_value(f'[data-note="{items["R1"].pk}"]') == "ครูใช้คำถามปลายเปิด"

    page.fill("#finding-to_improve", "การวัดผลตามสภาพจริง")
    page.fill("#recommendations li:nth-child(1) input", "จัดทำแผนพัฒนาการวัดผล")
    page.click("#add-recommendation")
    page.fill("#recommendations li:nth-child(2) input", "ส่งเสริม PLC ในกลุ่มสาระ")
    with page.expect_file_chooser() as chooser:
        page.click(f'label[for="photo-input-{items["Y1"].pk}"]')
    chooser.value.set_files(_photo(tmp_path / "p1.jpg", 1))
    page.wait_for_selector(f'[data-item="{items["Y1"].pk}"] figure.photo')
    with page.expect_file_chooser() as chooser:
        page.click('label[for="photo-input-visit"]')
    chooser.value.set_files([_photo(tmp_path / "p2.jpg", 2), _photo(tmp_path / "p3.jpg", 3, (1200, 1600))])
    page.wait_for_function("document.querySelectorAll('[data-item=\"visit\"] figure.photo').length === 2")
    page.fill('[data-item="visit"] figure.photo:first-child input', "บรรยากาศห้องเรียน")
    _sign(page, "นางสาวอรุณี ประธาน", "chair")
    _sign(page, "นายประยงค์ ผู้อำนวยการ", "school_director")
    page.screenshot(path="/tmp/field-form-portrait.png", full_page=True)
    page.set_viewport_size(TABLET_LANDSCAPE)
    assert not page_scrolls_sideways(page)
    page.screenshot(path="/tmp/field-form-landscape.png")
    page.set_viewport_size(TABLET_PORTRAIT)
    assert not page_scrolls_sideways(page)

    page.click("#submit")
    page.wait_for_selector("#submit-status:has-text('อยู่ในคิวส่งแล้ว')")
    assert Visit.objects.count() == 0  # offline: nothing reached the server yet
    page.click("text=กลับไปรายการ")
    card = page.locator(f'[data-assignment="{day.assignment.pk}"]')
    assert card.locator("[data-place]").get_attribute("data-place") == "sending"
    page.wait_for_selector("#unsent:has-text('ยังไม่ได้ส่ง 1 การตรวจเยี่ยม')")
    page.click("#sign-out")  # refused while anything is unsent
    page.wait_for_selector("#prepare-status:has-text('ออกจากระบบไม่ได้')")
    page.screenshot(path="/tmp/field-list-offline.png")

    # Back online. The second photo's upload is cut before the server has it, the third's after the server
    # stored it but before the tablet heard back; the outbox retries each by its UUID, never a duplicate.
    cut = {"done": False, "answer_lost": False, "puts": 0}

    def flaky(route):
        if route.request.method == "PUT":
            cut["puts"] += 1
            if cut["puts"] == 2 and not cut["done"]:
                cut["done"] = True
                route.abort("connectionreset")
                return
            if cut["puts"] == 4 and not cut["answer_lost"]:
                route.fetch()  # reaches the server, which stores the photo …
                cut["answer_lost"] = True
                route.abort("connectionreset")  # … and the answer never reaches the tablet
                return
        route.continue_()

    page.route("**/api/v1/visits/*/evidence/*/", flaky)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    where = f"[data-assignment='{day.assignment.pk}'] [data-place]"
    page.wait_for_function(f'document.querySelector("{where}")?.dataset.place === "server"', timeout=60_000)
    assert cut["done"] and cut["answer_lost"]

    visit = Visit.objects.get()
    assert visit.status == "submitted" and visit.version >= 2
    evidence = list(Evidence.objects.filter(visit=visit))
    tablet = {x["id"]: x for x in _idb_files(page)}
    assert len(evidence) == 3 and all(e.is_uploaded for e in evidence)
    for e in evidence:
        assert hashlib.sha256(e.file.open("rb").read()).hexdigest() == e.sha256 == tablet[str(e.pk)]["sha256"]
        assert max(e.width, e.height) <= 2000
        assert e.exif_taken_at is not None and e.exif_lat is not None
    assert {e.item_id for e in evidence} == {items["Y1"].pk, None}
    assert "บรรยากาศห้องเรียน" in {e.caption for e in evidence}
    signatures = list(Signature.objects.filter(visit=visit))
    assert sorted(s.role for s in signatures) == ["chair", "school_director"]
    for s in signatures:
        assert hashlib.sha256(s.image.open("rb").read()).hexdigest() == s.sha256 == tablet[str(s.pk)]["sha256"]
    answers = {a.item.code: (a.value, a.note) for a in visit.answers.select_related("item")}
    assert answers["R1"] == (3, "ครูใช้คำถามปลายเปิด")
    assert answers["M1"][0] == ["plc", "ict"] and answers["N1"][0] == 7 and answers["S1"][0] == "นายครู ใจดี"
    assert visit.recommendations == ["จัดทำแผนพัฒนาการวัดผล", "ส่งเสริม PLC ในกลุ่มสาระ"]
    assert visit.to_improve == "การวัดผลตามสภาพจริง"
    assert set(visit.members_present.values_list("pk", flat=True)) == {actors.alice.pk, actors.bob.pk}
    assert visit.check_in_accuracy_m == 12 and visit.check_in_distance_m < 100
    assert visit.instrument_version_id == day.version.pk
    # Sending again changes nothing: still one visit, three photos, two signatures.
    page.click("#send-now")
    page.wait_for_timeout(500)
    assert (Visit.objects.count(), Evidence.objects.count(), Signature.objects.count()) == (1, 3, 2)
    assert "ส่งครบแล้ว" in page.inner_text("#unsent")
    context.close()


def test_the_chairs_edit_shows_as_a_conflict_and_a_second_tab_is_read_only(browser, live_server, actors, day, tmp_path):
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    page.fill("#finding-strengths", "ครูเตรียมการสอนดี")
    page.click("#send-draft")
    page.wait_for_function("document.getElementById('place').dataset.place === 'server'")
    visit = Visit.objects.get()
    assert visit.strengths == "ครูเตรียมการสอนดี" and visit.version == 1

    # A second tab on the same visit can only look.
    second = context.new_page()
    second.goto(f"{live_server.url}/field/#/visit/{day.assignment.pk}")
    second.wait_for_selector("#read-only")
    assert "อีกแท็บหนึ่ง" in second.inner_text("#read-only")
    assert second.locator("#finding-strengths").is_disabled() and second.locator("#submit").count() == 0
    second.screenshot(path="/tmp/field-second-tab.png")
    second.close()

    # Meanwhile the chair edits the visit on the server.
    chair = Client()
    chair.force_login(actors.alice.user)
    response = chair.put(
        f"/api/v1/visits/{visit.pk}/",
        {"findings": {"strengths": "ครูเตรียมการสอนดีมาก (ประธานแก้)"}, "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["version"] == 2

    page.fill("#finding-strengths", "ครูเตรียมการสอนดี ใช้สื่อ ICT")
    page.click("#send-draft")
    page.wait_for_selector("#conflict")
    table = page.inner_text("#conflict")
    assert "ครูเตรียมการสอนดีมาก (ประธานแก้)" in table and "ครูเตรียมการสอนดี ใช้สื่อ ICT" in table
    visit.refresh_from_db()
    assert visit.strengths == "ครูเตรียมการสอนดีมาก (ประธานแก้)"  # nothing overwritten silently
    page.screenshot(path="/tmp/field-conflict.png", full_page=False)
    page.click("#keep-mine")
    page.wait_for_function("document.getElementById('place')?.dataset.place === 'server'")
    visit.refresh_from_db()
    assert visit.strengths == "ครูเตรียมการสอนดี ใช้สื่อ ICT" and visit.version == 3

    # Again the chair edits; this time the supervisor takes the server's version — asked first, since it
    # drops the tablet's edit; saying no keeps everything as it was.
    response = chair.put(
        f"/api/v1/visits/{visit.pk}/",
        {"findings": {"to_improve": "ควรวัดผลตามสภาพจริง (ประธาน)"}, "version": 3},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["version"] == 4
    page.fill("#finding-to_improve", "การวัดผล (แท็บเล็ต)")
    page.click("#send-draft")
    page.wait_for_selector("#conflict")
    assert "ควรวัดผลตามสภาพจริง (ประธาน)" in page.inner_text("#conflict")
    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("#take-server")
    page.wait_for_timeout(300)
    assert "การแก้ไขในแท็บเล็ตนี้" in dialogs[-1] and "จะหายไป" in dialogs[-1]
    assert page.locator("#conflict").count() == 1 and page.input_value("#finding-to_improve") == "การวัดผล (แท็บเล็ต)"
    page.once("dialog", lambda d: answer(d, True))
    page.click("#take-server")
    page.wait_for_function("!document.getElementById('conflict')")
    assert page.input_value("#finding-to_improve") == "ควรวัดผลตามสภาพจริง (ประธาน)"
    assert page.input_value("#finding-strengths") == "ครูเตรียมการสอนดี ใช้สื่อ ICT"
    assert page.get_attribute("#place", "data-place") == "server"
    visit.refresh_from_db()
    assert visit.to_improve == "ควรวัดผลตามสภาพจริง (ประธาน)" and visit.version == 4  # nothing sent over it
    # after a reload the tablet still holds the server's copy, and nothing is waiting to be sent
    page.reload()
    page.wait_for_selector("#submit")
    assert page.input_value("#finding-to_improve") == "ควรวัดผลตามสภาพจริง (ประธาน)"
    page.click("text=กลับไปรายการ")
    page.wait_for_selector("#unsent:has-text('ส่งครบแล้ว')")
    context.close()


def test_the_shell_manifest_and_worker(live_server, actors, client):
    client.force_login(actors.bob.user)
    shell = client.get("/field/")
    assert shell.status_code == 200 and b'rel="manifest"' in shell.content
    worker = client.get("/field/sw.js")
    assert worker["Service-Worker-Allowed"] == "/field/" and b"CONFIG" in worker.content
    manifest = client.get("/field/manifest.webmanifest").json()
    assert manifest["scope"] == "/field/" and {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}


def _prepare_and_open(page, live_server, day):
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")


def _answer_required(page, items):
    page.check(f'#q-{items["R1"].pk} input[value="3"]')
    page.check(f"#q-{items['Y1'].pk} .choice:first-child input")
    page.check(f'#q-{items["R2"].pk} input[value="4"]')
    page.fill(f"#item-{items['S1'].pk}", "นายครู ใจดี")


def test_a_submit_waits_until_the_server_holds_every_file(browser, live_server, actors, day, tmp_path):
    """The server lost the photo and the signature after the tablet had sent them (say, restored from a
    backup): it refuses the submit, naming them; the tablet sends both again by their UUIDs, then submits."""
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    _prepare_and_open(page, live_server, day)
    items = day.items
    _answer_required(page, items)
    with page.expect_file_chooser() as chooser:
        page.click(f'label[for="photo-input-{items["Y1"].pk}"]')
    chooser.value.set_files(_photo(tmp_path / "y1.jpg", 1))
    page.wait_for_selector(f'[data-item="{items["Y1"].pk}"] figure.photo')
    _sign(page, "นางสาวอรุณี ประธาน", "chair")

    answers = []
    page.on(
        "response",
        lambda r: answers.append((r.status, r.json().get("code"))) if r.url.endswith("/transitions/") else None,
    )
    lost = {"done": False}

    def lose_the_files(route):
        if not lost["done"]:
            lost["done"] = True
            for e in Evidence.objects.all():
                e.file.delete(save=False)
                Evidence.objects.filter(pk=e.pk).update(file="", uploaded_at=None)
            Signature.objects.all().delete()
        route.continue_()

    page.route("**/api/v1/visits/*/transitions/", lose_the_files)
    page.click("#submit")
    try:
        page.wait_for_function("document.getElementById('place')?.dataset.place === 'server'", timeout=60_000)
    except Exception:
        print("DEBUG", answers, page.url, page.content()[:3000])
        page.screenshot(path="/tmp/field-debug.png")
        raise

    for _ in range(50):  # the last answer's event may still be on its way to this test
        if answers and answers[-1][0] == 200:
            break
        page.wait_for_timeout(100)
    assert answers[0] == (409, "files_missing") and answers[-1][0] == 200
    visit = Visit.objects.get()
    assert visit.status == "submitted"
    [photo] = Evidence.objects.all()
    [signature] = Signature.objects.all()
    tablet = {x["id"]: x for x in _idb_files(page)}
    assert (
        photo.is_uploaded
        and hashlib.sha256(photo.file.open("rb").read()).hexdigest() == tablet[str(photo.pk)]["sha256"]
    )
    assert hashlib.sha256(signature.image.open("rb").read()).hexdigest() == tablet[str(signature.pk)]["sha256"]
    context.close()


def test_the_tablet_warns_before_clearing_shows_its_storage_and_tells_of_an_eviction(
    browser, live_server, actors, day, tmp_path
):
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    _prepare_and_open(page, live_server, day)
    page.fill("#finding-strengths", "ครูใช้สื่อหลากหลาย")
    page.click("text=กลับไปรายการ")
    page.wait_for_selector("#unsent:has-text('ยังไม่ได้ส่ง 1 การตรวจเยี่ยม')")

    # Persistent storage was asked for; the line shows what the browser itself answers, asked here in the page
    # (navigator.storage.persisted() and estimate()): granted or not, and the space used out of the quota.
    page.reload()
    page.wait_for_selector("#storage")
    storage = page.inner_text("#storage")
    browser_says = page.evaluate(
        """Promise.all([navigator.storage.persisted(), navigator.storage.estimate()])
             .then(([persisted, e]) => ({persisted, usage: e.usage, quota: e.quota}))"""
    )
    assert page.get_attribute("#storage", "data-persisted") == str(browser_says["persisted"]).lower()
    if browser_says["persisted"]:
        assert "บันทึกถาวร: ได้รับอนุญาต" in storage
    else:  # headless Chromium does not grant it to a site it has not seen installed
        assert "บันทึกถาวร: ขอแล้ว แต่ยังไม่ได้รับอนุญาต" in storage
    usage, quota = int(page.get_attribute("#storage", "data-usage")), int(page.get_attribute("#storage", "data-quota"))
    assert usage > 0  # the prepared visit and the app's files are stored
    # the estimate the line was drawn from is the browser's (moments apart: the shell's copy may be refreshed;
    # the quota follows the disk's free space, which other programs change)
    assert abs(usage - browser_says["usage"]) <= 0.1 * 1048576
    assert abs(quota - browser_says["quota"]) <= 0.01 * browser_says["quota"]
    mb, quota_mb = page.evaluate("([u, q]) => [(u / 1048576).toFixed(1), Math.round(q / 1048576)]", [usage, quota])
    assert f"ใช้พื้นที่ {mb} MB จาก {quota_mb} MB" in storage

    # Clearing warns that unsent work would be lost; saying no loses nothing.
    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("#clear")
    page.wait_for_timeout(300)
    assert "ยังมี 1 การตรวจเยี่ยมที่ยังไม่ได้ส่ง" in dialogs[-1] and "กู้คืนไม่ได้" in dialogs[-1]
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    assert page.input_value("#finding-strengths") == "ครูใช้สื่อหลากหลาย"

    # The browser deletes the app's storage while the form is open (storage pressure): the next save
    # reopens the database, writes the open visit back, and says so.
    origin = {"origin": live_server.url, "storageTypes": "indexeddb"}
    context.new_cdp_session(page).send("Storage.clearDataForOrigin", origin)
    page.fill("#finding-to_improve", "การวัดผล")
    page.wait_for_selector("#evicted-now")
    page.reload()
    page.wait_for_selector("#submit")
    assert page.input_value("#finding-strengths") == "ครูใช้สื่อหลากหลาย"
    assert page.input_value("#finding-to_improve") == "การวัดผล"

    # Deleted while the app was closed: the list says so, and how many unsent visits were lost.
    page.click("text=กลับไปรายการ")
    page.click("#evicted-ok")
    # the list is drawn again once the acknowledgement is stored (the #unsent line was there before the click)
    page.wait_for_selector("#evicted", state="detached")
    page.wait_for_selector("#unsent:has-text('ยังไม่ได้ส่ง 1 การตรวจเยี่ยม')")
    page.goto("about:blank")
    context.new_cdp_session(page).send(
        "Storage.clearDataForOrigin", {**origin, "storageTypes": "indexeddb,cache_storage,service_workers"}
    )
    # The browser finishes deleting in its own time (once the closed page's connection is gone); the app is
    # opened only when the database is really gone, as after an eviction overnight. Asked from a page of the
    # same origin that is not the app (a static file), so nothing reopens the database meanwhile.
    page.goto(f"{live_server.url}/static/field/i18n.js")
    page.wait_for_function(
        "(name) => indexedDB.databases().then((dbs) => !dbs.some((d) => d.name === name))",
        arg=f"nithet-field-u{actors.bob.user.pk}",
        polling=100,
    )
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("#evicted")
    assert "การตรวจเยี่ยมที่ยังไม่ได้ส่ง 1 รายการหายไป" in page.inner_text("#evicted")
    page.screenshot(path="/tmp/field-evicted.png")

    # Clearing with nothing unsent asks plainly; it is not reported as an eviction afterwards.
    page.click("#evicted-ok")
    page.once("dialog", lambda d: answer(d, True))
    page.click("#clear")
    page.wait_for_selector("#ready:has-text('ยังไม่ได้เตรียมข้อมูล')")
    assert dialogs[-1] == "ล้างข้อมูลทั้งหมดในแท็บเล็ตนี้หรือไม่"
    page.reload()
    page.wait_for_selector("#ready")
    assert page.locator("#evicted").count() == 0
    context.close()


def test_the_field_app_in_english(browser, live_server, actors, day, tmp_path):
    """A supervisor whose language is English sees every label of the app in English (data stays Thai)."""
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user, language="en")
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.wait_for_selector(f'[data-assignment="{day.assignment.pk}"]')
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Ready offline: 1 visit(s)" in page.inner_text("#ready")
    assert "null" not in page.inner_text("#app") and "undefined" not in page.inner_text("#app")
    problems = {"list": page.evaluate(THAI_LABELS_JS, DATA_SELECTOR)}
    page.screenshot(path="/tmp/field-english-list.png")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    page.click("#check_in")
    page.wait_for_function("document.getElementById('check_in-place').textContent.includes('±12')")
    page.click("#submit")  # refused: the summary lists what is missing, in English
    page.wait_for_selector("#error-summary:not([hidden])")
    problems["form"] = page.evaluate(THAI_LABELS_JS, DATA_SELECTOR)
    page.screenshot(path="/tmp/field-english-form.png", full_page=True)
    for size in (TABLET_PORTRAIT, TABLET_LANDSCAPE):  # fingers, not a mouse: every target 44 px or more
        page.set_viewport_size(size)
        assert page.evaluate(SMALL_TARGETS) == [] and not page_scrolls_sideways(page)
    page.fill("#finding-strengths", "ครูใช้สื่อหลากหลาย")
    page.click("#send-draft")
    page.wait_for_function("document.getElementById('place').dataset.place === 'server'")
    problems["sent"] = page.evaluate(THAI_LABELS_JS, DATA_SELECTOR)
    assert problems == {"list": [], "form": [], "sent": []}
    context.close()


def test_a_returned_visit_opens_with_the_chairs_comment_and_goes_back_only_changed(
    browser, live_server, actors, day, tmp_path
):
    """Recorded and submitted (photo and all), returned by the chair; the tablet opens it with her comment,
    refuses nothing it already has (the photo is on the server), and refuses to resubmit it unchanged."""
    items = day.items
    bob, alice = Client(), Client()
    bob.force_login(actors.bob.user)
    alice.force_login(actors.alice.user)
    vid = "6f1d9a52-3b7e-4c1a-9d0e-2a5b8c7d1e10"
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(photo, "JPEG")
    photo = photo.getvalue()
    digest = hashlib.sha256(photo).hexdigest()
    body = {
        "assignment": day.assignment.pk,
        "answers": [
            {"item": items["R1"].pk, "value": 3},
            {"item": items["Y1"].pk, "value": True},
            {"item": items["R2"].pk, "value": 4},
            {"item": items["S1"].pk, "value": "นายครู ใจดี"},
        ],
        "findings": {"strengths": "ครูใช้สื่อหลากหลาย", "recommendations": ["จัดทำแผนวัดผล"]},
        "evidence": [{"id": vid.replace("6f1d", "7a2e"), "sha256": digest, "size": len(photo), "item": items["Y1"].pk}],
    }
    assert bob.put(f"/api/v1/visits/{vid}/", body, content_type="application/json").status_code == 201
    form = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("y1.jpg", photo), "sha256": digest})
    url = f"/api/v1/visits/{vid}/evidence/{body['evidence'][0]['id']}/"
    assert bob.put(url, form, content_type=MULTIPART_CONTENT).status_code == 201
    moves = (
        (bob, {"to": "submitted"}),
        (alice, {"to": "returned", "comment": "ขอภาพกิจกรรม PLC เพิ่มเติม"}),
    )
    for client, move in moves:
        assert (
            client.post(f"/api/v1/visits/{vid}/transitions/", move, content_type="application/json").status_code == 200
        )

    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    _prepare_and_open(page, live_server, day)
    assert "ขอภาพกิจกรรม PLC เพิ่มเติม" in page.inner_text("#returned")
    assert page.input_value("#finding-strengths") == "ครูใช้สื่อหลากหลาย"
    page.screenshot(path="/tmp/field-returned.png")

    # Nothing changed: the tablet refuses at once, offline too, instead of queueing what the server would refuse
    # (the server refuses it as well: tests/api/test_field_server.py).
    transitions = []
    page.on("request", lambda r: transitions.append(r.url) if "/transitions/" in r.url else None)
    context.set_offline(True)
    page.click("#submit")
    page.wait_for_selector("#error-summary:has-text('ยังไม่ได้แก้ไขตามที่ส่งกลับ')")
    assert page.inner_text("#submit-status") == "" and page.get_attribute("#place", "data-place") == "server"
    context.set_offline(False)
    page.click("#submit")
    page.wait_for_selector("#error-summary:has-text('ยังไม่ได้แก้ไขตามที่ส่งกลับ')")
    assert transitions == [] and Visit.objects.get(pk=vid).status == "returned"

    page.fill("#finding-to_improve", "เพิ่มภาพกิจกรรม PLC ตามที่ประธานขอ")
    page.click("#submit")
    page.wait_for_function("document.getElementById('place')?.dataset.place === 'server'", timeout=60_000)
    visit = Visit.objects.get(pk=vid)
    assert visit.status == "submitted" and visit.to_improve == "เพิ่มภาพกิจกรรม PLC ตามที่ประธานขอ"
    assert Visit.objects.count() == 1 and Evidence.objects.count() == 1
    context.close()


def test_the_form_shows_what_a_visit_needs_and_the_chair_sees_both_gps_fixes(
    browser, live_server, actors, day, tmp_path
):
    """The list says when it was prepared (BE); the brief carries the open follow-ups and the last visit's
    recommendations; a rating shows its level descriptors; each section counts its answers; required items are
    refused unanswered; a check-out with a poor fix 3 km away is warned about twice; the list counts photos
    received; the chair's page shows both fixes, with the check-out's warnings."""
    earlier = f.VisitFactory(
        assignment=f.AssignmentFactory(
            round=day.round,
            committee=actors.committee_a,
            school=actors.school_a,
            date=day.assignment.date - datetime.timedelta(days=1),
            status="done",
        ),
        status=Visit.Status.APPROVED,
        recommendations=["จัดทำแผนซ่อมเสริม"],
    )
    f.FollowUpFactory(school=actors.school_a, recommendation="ปรับปรุงห้องสมุด", source_visit=earlier)
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.wait_for_selector(f'[data-assignment="{day.assignment.pk}"]')
    ready = page.inner_text("#ready")
    assert "พร้อมใช้แบบออฟไลน์: 1 การตรวจเยี่ยม ปรับปรุงเมื่อ" in ready
    assert str(datetime.datetime.now(datetime.UTC).year + 543) in ready  # the Buddhist Era
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    brief = page.inner_text("#brief")
    assert "ปรับปรุงห้องสมุด" in brief and "จัดทำแผนซ่อมเสริม" in brief
    for size in (TABLET_LANDSCAPE, TABLET_PORTRAIT):  # the Thai form too: every target 44 px or more
        page.set_viewport_size(size)
        assert page.evaluate(SMALL_TARGETS) == [] and not page_scrolls_sideways(page)

    items = day.items
    levels = page.locator(f"#q-{items['R1'].pk} .levels label").all_inner_texts()
    assert levels == [f"{level['value']}\n{level['label']}" for level in items["R1"].levels]  # value over its words
    first, second = day.version.sections.get(order=1), day.version.sections.get(order=2)
    assert page.inner_text(f"#progress-{first.pk}") == "ตอบแล้ว 0/2"
    page.click("#submit")
    page.wait_for_selector("#error-summary:has-text('ข้อ R1: ยังไม่ได้ตอบ')")
    summary = page.inner_text("#error-summary")
    for code in ("R1", "Y1", "R2", "S1"):
        assert f"ข้อ {code}: ยังไม่ได้ตอบ" in summary
    assert "ข้อ C1" not in summary  # optional
    _answer_required(page, items)
    assert page.inner_text(f"#progress-{first.pk}") == "ตอบแล้ว 2/2"
    assert page.inner_text(f"#progress-{second.pk}") == f"ตอบแล้ว 2/{second.items.count()}"

    page.click("#check_in")
    page.wait_for_function("document.getElementById('check_in-place').textContent.includes('±12')")
    assert page.locator("#check_in-place .badge.warn").count() == 0
    context.set_geolocation({"latitude": SCHOOL[0] + 0.03, "longitude": SCHOOL[1], "accuracy": 800})
    page.click("#check_out")
    page.wait_for_function("document.getElementById('check_out-place').textContent.includes('±800')")
    warnings = page.locator("#check_out-place .badge.warn").all_inner_texts()
    assert warnings == [
        f"พิกัดไม่แม่นยำ (เกิน {settings.VISIT_GPS_ACCURACY_WARN_M} ม.) ลองใหม่ในที่โล่ง",
        f"อยู่ไกลจากโรงเรียนเกิน {settings.VISIT_CHECKIN_RADIUS_M} ม.",
    ]

    # Photos taken offline: the list counts them as not yet received, then received.
    context.set_offline(True)
    page.set_input_files(f"#photo-input-{items['Y1'].pk}", _photo(tmp_path / "p1.jpg", 1))
    page.wait_for_selector(f'[data-item="{items["Y1"].pk}"] figure.photo')
    page.set_input_files("#photo-input-visit", _photo(tmp_path / "p2.jpg", 2))
    page.wait_for_selector('[data-item="visit"] figure.photo')
    page.click("#submit")
    page.wait_for_selector("#submit-status:has-text('อยู่ในคิวส่งแล้ว')")
    page.click("text=กลับไปรายการ")
    card = f'[data-assignment="{day.assignment.pk}"]'
    page.wait_for_selector(f"{card} [data-photos]")
    assert page.get_attribute(f"{card} [data-photos]", "data-photos") == "0/2"
    assert page.inner_text(f"{card} [data-photos]") == "ภาพถ่ายถึงเซิร์ฟเวอร์ 0 จาก 2"
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(f"document.querySelector('{card} [data-place]')?.dataset.place === 'server'")
    assert page.inner_text(f"{card} [data-photos]") == "ภาพถ่ายถึงเซิร์ฟเวอร์ 2 จาก 2"
    context.close()

    visit = Visit.objects.get(assignment=day.assignment)
    assert visit.status == "submitted"
    chair = Client()
    chair.force_login(actors.alice.user)
    html = chair.get(f"/visits/{visit.pk}/").content.decode()
    rows = dict(re.findall(r"<tr><th>(เข้า|ออก)</th><td>(.*?)</td></tr>", html, re.S))
    assert "±12" in rows["เข้า"] and "พิกัดไม่แม่นยำ" not in rows["เข้า"] and "เกินรัศมี" not in rows["เข้า"]
    assert "±800" in rows["ออก"] and "พิกัดไม่แม่นยำ" in rows["ออก"] and "เกินรัศมี" in rows["ออก"]
