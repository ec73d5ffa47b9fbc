"""The browser harness itself: the system Chromium opens a page Nithet serves."""

import pytest

from tests.browser.conftest import TABLET_LANDSCAPE, page_scrolls_sideways

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_page_opens_in_chromium_at_both_tablet_sizes(live_server, new_page):
    for viewport in (None, TABLET_LANDSCAPE):
        page = new_page(viewport=viewport)
        response = page.goto(f"{live_server.url}/healthz")
        assert response.status == 200
        assert not page_scrolls_sideways(page)
