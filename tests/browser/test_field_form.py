"""The field app as the supervisor sees it, in real Chromium: the list and the form at 820×1180 and 1180×820, in
Thai and in English, online and offline — no page scrolls sideways and every target is at least 44 px
(screenshots in /tmp/audit10/)."""

from pathlib import Path

import pytest

from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
from tests.browser.pages import DATA_SELECTOR
from tests.browser.test_field_app import SMALL_TARGETS, _context, _page, _photo, day  # noqa: F401
from tests.browser.test_languages import THAI_LABELS_JS

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/audit10")


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
