"""Role homes and the app pages with fingers, in real Chromium on the demo office: each of the seven demo logins
sees its own home with its own data; the school director and the viewer see their rounds; approve asks first;
no page scrolls sideways at either tablet size; tap targets (buttons, selects, inputs, the main nav's links) are
at least 44 px. Screenshots of each home and of the plan page at both sizes go to /tmp/nithet-shots/homes/."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
from visits.models import FollowUp, Visit

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/nithet-shots/homes")
HOME_PART = {
    "supervisor": "#my-visits",
    "chair": "#reviews",
    "coordinator": "#progress",
    "director": "#approval",
    "school_director": "#my-school",
    "ktpn": "#my-committees",
    "viewer": "#results",
}
TARGETS = (
    "main button, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    " main a.button, main summary, header.site nav a, header.site button"
)
SMALL_TARGETS = f"""() => Array.from(document.querySelectorAll("{TARGETS}"))
  .filter(el => el.offsetParent !== null)
  .map(el => [el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30),
              el.getBoundingClientRect().height])
  .filter(([_, h]) => h > 0 && h < 44)"""


@pytest.fixture
def demo_office(demo_transactional):
    return {u.username: u for u in get_user_model().objects.filter(person__isnull=False)}


def check_page(page, url, name, shot=None):
    response = page.goto(url)
    assert response.status in (200, 202), (url, response.status)
    assert not page_scrolls_sideways(page), (name, url)
    small = page.evaluate(SMALL_TARGETS)
    assert not small, (name, url, small[:5])
    line_height = page.evaluate(
        "parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)"
    )
    assert line_height >= 1.6 - 1e-6, (url, line_height)
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / shot), full_page=False)


def test_every_role_home_and_page_at_both_tablet_sizes(live_server, signed_in_page, demo_office):
    users = demo_office
    base = live_server.url
    school = users["school_director"].person.directed_schools.get()
    visit = Visit.objects.filter(round__slug="aug-2563", status="approved").first()
    followup = FollowUp.objects.filter(school=school).first()
    for viewport, size in ((TABLET_PORTRAIT, "portrait"), (TABLET_LANDSCAPE, "landscape")):
        for username, part in HOME_PART.items():
            page = signed_in_page(users[username], viewport=viewport)
            check_page(page, f"{base}/", username, f"home-{username}-{size}.png")
            assert page.locator(part).is_visible(), (username, part)
            page.context.close()
        coordinator = signed_in_page(users["coordinator"], viewport=viewport)
        for path in ("/schedules/", "/visits/", f"/visits/{visit.pk}/", "/visits/followups/", "/schedules/calendar/"):
            check_page(coordinator, f"{base}{path}", "coordinator")
        check_page(coordinator, f"{base}/schedules/aug-2563/", "coordinator", f"plan-{size}.png")
        # the plan grid scrolls in its own frame, with the day header and committee column kept in view
        frame = coordinator.locator("#grid-frame")
        assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
        frame.evaluate("el => el.scrollBy(600, 400)")
        header = coordinator.locator("#grid thead th").nth(1).bounding_box()
        committee = coordinator.locator("#grid th.committee").first.bounding_box()
        box = frame.bounding_box()
        assert abs(header["y"] - box["y"]) < 3 and abs(committee["x"] - box["x"]) < 3
        coordinator.context.close()
        director = signed_in_page(users["school_director"], viewport=viewport)
        check_page(director, f"{base}/visits/followups/{followup.pk}/", "school_director", f"followup-{size}.png")
        director.context.close()


def test_school_director_and_viewer_see_their_rounds(live_server, signed_in_page, demo_office):
    for username in ("school_director", "viewer"):
        page = signed_in_page(demo_office[username])
        page.goto(f"{live_server.url}/schedules/")
        assert page.locator("a[href='/schedules/aug-2563/']").is_visible(), username
        response = page.goto(f"{live_server.url}/schedules/aug-2563/")
        assert response.status == 200 and page.locator("#grid").is_visible(), username
        page.context.close()


def test_approve_asks_first(live_server, signed_in_page, demo_office):
    chair = demo_office["chair"]
    visit = Visit.objects.filter(committee__memberships__person__user=chair, status="submitted").first()
    page = signed_in_page(chair)
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    page.click("a.button[href$='?to=approved']")
    assert page.locator("#confirm h1").is_visible()
    assert Visit.objects.get(pk=visit.pk).status == "submitted"  # asked, nothing done yet
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "approve-confirm.png"))
    with page.expect_navigation():
        page.click("#confirm button.primary")
    assert Visit.objects.get(pk=visit.pk).status == "approved"
    # a return: the comment is required in the page too
    other = Visit.objects.filter(committee__memberships__person__user=chair, status="submitted").first()
    page.goto(f"{live_server.url}/visits/{other.pk}/transition/?to=returned")
    assert page.locator("textarea#comment[required]").is_visible()
