"""Switch to English through the header and find no Thai in the labels of the pages in tests/browser/pages.py."""

from io import StringIO

import pytest

from supervision import demo
from tests.browser.pages import DATA_SELECTOR, ENGLISH_PAGES

pytestmark = pytest.mark.django_db(transaction=True)

THAI_LABELS_JS = """(dataSelector) => {
  const found = [];
  const thai = /[\\u0E00-\\u0E7F]/;
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(dataSelector)) continue;
    if (thai.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [alt], [aria-label], input[type=submit]')) {
    if (el.closest(dataSelector)) continue;
    for (const attr of ['placeholder', 'title', 'alt', 'aria-label', 'value']) {
      const v = el.getAttribute(attr);
      if (v && thai.test(v) && (attr !== 'value' || el.type === 'submit')) found.push(`${attr}: ${v}`);
    }
  }
  return found;
}"""


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")


def switch_to_english(page):
    with page.expect_navigation():
        page.click("header button.language-switch")
    assert page.locator("html").get_attribute("lang") == "en"


def test_english_pages_show_no_thai_labels(live_server, new_page):
    demo.load(stdout=StringIO())
    problems = {}
    pages_by_user = {}
    for entry in ENGLISH_PAGES:
        pages_by_user.setdefault(entry.user, []).append(entry.path)
    for user, paths in pages_by_user.items():
        page = new_page()
        if user:
            sign_in(page, live_server.url, user)
        else:
            page.goto(f"{live_server.url}/accounts/login/")
        switch_to_english(page)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == "en", path
            thai = page.evaluate(THAI_LABELS_JS, DATA_SELECTOR)
            if thai:
                problems[f"{path} as {user or 'anonymous'}"] = thai
        # and back: the switch returns to Thai
        with page.expect_navigation():
            page.click("header button.language-switch")
        assert page.locator("html").get_attribute("lang") == "th"
    assert not problems, problems
