"""The field app in real Chromium: a whole field day offline, a network cut in the middle of a photo, a
conflict with the chair's edit, and two tabs on one visit."""

import datetime
import hashlib
import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from tests import factories as f
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
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


def _context(browser, user_dir, live_server, user, viewport=TABLET_PORTRAIT):
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
    return context


def _photo(path, seed, size=(2600, 1950)) -> str:
    im = Image.new("RGB", size, (40 + seed * 50, 120, 200 - seed * 40))
    for x in range(0, size[0], 97):  # some detail, so the JPEG is not trivially small
        im.paste((255, 255 - seed * 30, x % 255), (x, 0, x + 30, size[1]))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return str(path)


def _page(context):
    page = context.pages[0] if context.pages else context.new_page()
    page.on("pageerror", lambda e: print("pageerror:", e))
    return page


def _sign(page, name, role):
    page.fill("#signer-name", name)
    page.select_option("#signer-role", role)
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

    # Back online. The second photo's first upload is cut off mid-way; the outbox retries it by its UUID.
    cut = {"done": False, "puts": 0}

    def flaky(route):
        if route.request.method == "PUT":
            cut["puts"] += 1
            if cut["puts"] == 2 and not cut["done"]:
                cut["done"] = True
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/api/v1/visits/*/evidence/*/", flaky)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    where = f"[data-assignment='{day.assignment.pk}'] [data-place]"
    page.wait_for_function(f'document.querySelector("{where}")?.dataset.place === "server"', timeout=60_000)
    assert cut["done"]

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
    context.close()


def test_the_shell_manifest_and_worker(live_server, actors, client):
    client.force_login(actors.bob.user)
    shell = client.get("/field/")
    assert shell.status_code == 200 and b'rel="manifest"' in shell.content
    worker = client.get("/field/sw.js")
    assert worker["Service-Worker-Allowed"] == "/field/" and b"CONFIG" in worker.content
    manifest = client.get("/field/manifest.webmanifest").json()
    assert manifest["scope"] == "/field/" and {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
