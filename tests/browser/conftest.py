"""Browser tests in real Chromium (Debian's `chromium`), driven by Playwright's Python API.

No browser is downloaded: Playwright launches the system Chromium (`NITHET_CHROMIUM`, default
/usr/bin/chromium). Without it, the browser tests are skipped on a developer's machine and fail in CI
(`CI=true`), where `.ci/run` installs it — a CI run never passes by skipping them.

Fixtures:
- `browser`: one Chromium per test session.
- `new_page(viewport=...)`: a fresh context and page (portrait tablet 820×1180 by default).
- `signed_in_page(user, viewport=...)`: a page whose context carries a real session cookie for `user`
  (made with Django's test client), for tests of pages other than the sign-in page itself.
- `TABLET_PORTRAIT`, `TABLET_LANDSCAPE`: the two viewports every app page must work at.
"""

import os
import shutil

import pytest

TABLET_PORTRAIT = {"width": 820, "height": 1180}
TABLET_LANDSCAPE = {"width": 1180, "height": 820}

CHROMIUM = os.environ.get("NITHET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))


def pytest_collection_modifyitems(config, items):
    if _chromium_available():
        return
    if os.environ.get("CI"):
        return  # fail loudly in the `browser` fixture rather than skip
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests (package scope: it and the variable below end with them)."""
    from playwright.sync_api import sync_playwright

    if not _chromium_available():
        pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run must install Debian's chromium")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run in a thread that
    # has one unless told it is safe (it is: the loop only drives the browser, our code stays synchronous).
    # Set only while the browser tests run, so that no later subprocess (`check --deploy`) inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(viewport=None, **context_kwargs):
        context = browser.new_context(
            viewport=viewport or TABLET_PORTRAIT, locale="th-TH", timezone_id="Asia/Bangkok", **context_kwargs
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in_page(new_page, live_server):
    from django.conf import settings
    from django.test import Client

    def make(user, viewport=None, **context_kwargs):
        client = Client()
        client.force_login(user)
        page = new_page(viewport=viewport, **context_kwargs)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return make


def page_scrolls_sideways(page) -> bool:
    """True when the page itself is wider than the viewport (a frame that scrolls inside is fine)."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")
