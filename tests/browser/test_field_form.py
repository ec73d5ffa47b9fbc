"""The field form in real Chromium: every item type refuses to be submitted unanswered when it is required
(as the server counts an answer: text of spaces only, or every choice ticked off again, is no answer; 0 is
one), and the app as the supervisor sees it — the list and the form at 820×1180 and 1180×820, in Thai and in
English, online and offline: no page scrolls sideways and every target is at least 44 px (screenshots in
/tmp/audit10/)."""

from pathlib import Path

import pytest

from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
from tests.browser.pages import DATA_SELECTOR
from tests.browser.test_field_app import SMALL_TARGETS, _context, _page, _photo, day  # noqa: F401
from tests.browser.test_languages import THAI_LABELS_JS
from visits.models import Item, Visit

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/audit10")


def test_every_item_type_is_refused_unanswered_when_required(browser, live_server, actors, day, tmp_path):  # noqa: F811
    Item.objects.filter(version=day.version).update(required=True)
    items = day.items
    kinds = {code: items[code].type for code in items}
    assert set(kinds.values()) == {
        "rating",
        "yes_no",
        "number",
        "short_text",
        "long_text",
        "single_choice",
        "multi_choice",
    }
    context = _context(browser, tmp_path / "tablet", live_server, actors.bob.user)
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")

    def refused():
        page.click("#submit")
        page.wait_for_selector("#error-summary:not([hidden])")
        return {line.split(":")[0].removeprefix("ข้อ ") for line in page.inner_text("#error-summary ul").splitlines()}

    assert refused() == set(items)

    # Answers that are no answers: spaces in the texts, a choice ticked and then ticked off again.
    page.fill(f"#item-{items['S1'].pk}", "   ")
    page.fill(f"#item-{items['T1'].pk}", " \n ")
    first_activity = f"#q-{items['M1'].pk} .choice:nth-child(1) input"
    page.check(first_activity)
    page.uncheck(first_activity)
    second = day.version.sections.get(order=2)
    assert page.inner_text(f"#progress-{second.pk}") == f"ตอบแล้ว 0/{second.items.count()}"
    assert refused() == set(items)

    page.check(f'#q-{items["R1"].pk} input[value="3"]')
    page.check(f"#q-{items['Y1'].pk} .choice:nth-child(2) input")  # "no" is an answer
    page.check(f'#q-{items["R2"].pk} input[value="4"]')
    page.check(f"#q-{items['C1'].pk} .choice:nth-child(2) input")
    page.fill(f"#item-{items['N1'].pk}", "0")  # so is nought
    page.fill(f"#item-{items['T1'].pk}", "ห้องเรียนสะอาด")
    page.fill(f"#item-{items['S1'].pk}", "นายครู ใจดี")
    page.check(first_activity)
    assert page.inner_text(f"#progress-{second.pk}") == f"ตอบแล้ว {second.items.count()}/{second.items.count()}"
    # all answered; Y1 still needs its photo, and nothing was queued while refused
    assert refused() == {"Y1"} and "ต้องมีภาพถ่าย" in page.inner_text("#error-summary ul")
    assert not Visit.objects.exists()

    page.set_input_files(f"#photo-input-{items['Y1'].pk}", _photo(tmp_path / "y1.jpg", 1))
    page.wait_for_selector(f'[data-item="{items["Y1"].pk}"] figure.photo')
    page.click("#submit")
    page.wait_for_function("document.getElementById('place')?.dataset.place === 'server'", timeout=60_000)
    visit = Visit.objects.get()
    assert visit.status == "submitted"
    stored = {a.item.code: a.value for a in visit.answers.select_related("item")}
    assert stored == {
        "R1": 3,
        "Y1": False,
        "R2": 4,
        "C1": items["C1"].options[1]["value"],
        "N1": 0,
        "T1": "ห้องเรียนสะอาด",
        "S1": "นายครู ใจดี",
        "M1": ["plc"],
    }
    context.close()


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_app_at_both_tablet_sizes_online_and_offline(browser, live_server, actors, day, tmp_path, language):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = _context(
        browser, tmp_path / "tablet", live_server, actors.bob.user, language=None if language == "th" else language
    )
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.click("#prepare")
    page.wait_for_selector(f'[data-assignment="{day.assignment.pk}"]')
    problems = {}

    def look(name):
        for label, size in (("portrait", TABLET_PORTRAIT), ("landscape", TABLET_LANDSCAPE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"{language}-{name}-{label}.png"), full_page=True)
            small = page.evaluate(SMALL_TARGETS)
            if small or page_scrolls_sideways(page):
                problems[f"{name} {label}"] = small or "scrolls sideways"
        page.set_viewport_size(TABLET_PORTRAIT)

    look("list-online")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    look("form-online")

    # Offline: the browser restarts with no network and opens the list and the form from the tablet.
    context.close()
    context = _context(
        browser, tmp_path / "tablet", live_server, actors.bob.user, language=None if language == "th" else language
    )
    context.set_offline(True)
    page = _page(context)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector(f'[data-assignment="{day.assignment.pk}"]')
    assert page.inner_text("#network") == ("ออฟไลน์" if language == "th" else "Offline")
    look("list-offline")
    page.click(f'[data-assignment="{day.assignment.pk}"] a.button')
    page.wait_for_selector("#submit")
    page.fill("#finding-strengths", "ครูใช้สื่อหลากหลาย")
    page.click("#send-draft")
    # No signal is a normal day: the tablet says it keeps everything and tries again by itself, and when —
    # in the supervisor's language, never the browser's "TypeError: Failed to fetch" as an error.
    page.wait_for_selector("#retry")
    retry = page.inner_text("#retry")
    assert ("จะลองส่งใหม่เองเมื่อ" if language == "th" else "it will try again by itself at") in retry
    assert "Error" not in page.inner_text("#app") and page.locator(".banner.error").count() == 0
    if language == "en":
        assert page.evaluate(THAI_LABELS_JS, DATA_SELECTOR) == []
    look("form-offline")
    page.click("#submit")  # refused: the summary lists what is missing
    page.wait_for_selector("#error-summary:not([hidden])")
    look("form-refused")
    assert problems == {}
    context.close()
