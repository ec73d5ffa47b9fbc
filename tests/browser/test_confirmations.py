"""Destructive and public actions on the web ask first, in Chromium: publishing and withdrawing on the public
management page, publishing a round's results, and cancelling a meeting. Each button opens a page that says
what will happen; nothing changes until that page's button is pressed."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from meetings.models import Meeting
from public.models import Publication
from tests.browser.conftest import TABLET_PORTRAIT, page_scrolls_sideways

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/nithet-shots/confirm")


@pytest.fixture
def demo_users(demo_transactional):
    return {u.username: u for u in get_user_model().objects.filter(person__isnull=False)}


def _confirm_page(page, shot):
    assert page.locator("#confirm h1").is_visible()
    assert page.locator("#confirm li").count() >= 1  # it says what will happen
    assert not page_scrolls_sideways(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / shot))


def test_publishing_and_withdrawing_ask_first(live_server, signed_in_page, demo_users):
    page = signed_in_page(demo_users["director"], viewport=TABLET_PORTRAIT)
    page.goto(f"{live_server.url}/public/manage/")
    published = Publication.objects.filter(status=Publication.Status.PUBLISHED).first()
    assert published is not None, "the demo publishes its ITA records"
    with page.expect_navigation():
        page.click(f"form[action$='/manage/{published.pk}/withdrawn/'] button")
    _confirm_page(page, "withdraw.png")
    assert Publication.objects.get(pk=published.pk).status == Publication.Status.PUBLISHED  # asked, not done
    with page.expect_navigation():
        page.click("#confirm button.danger")
    assert Publication.objects.get(pk=published.pk).status == Publication.Status.WITHDRAWN

    # a round's results: the confirmation names the public page they will appear on
    round_form = page.locator("form[action*='/manage/rounds/']").first
    slug = round_form.get_attribute("action").rstrip("/").rsplit("/", 1)[-1]
    with page.expect_navigation():
        round_form.locator("button").click()
    _confirm_page(page, "publish-round.png")
    assert f"rounds/{slug}/" in page.locator("#confirm").inner_text()
    assert not Publication.objects.filter(round__slug=slug, status=Publication.Status.PUBLISHED).exists()
    with page.expect_navigation():
        page.click("#confirm button.primary")
    assert Publication.objects.filter(round__slug=slug, status=Publication.Status.PUBLISHED).exists()


def test_cancelling_a_meeting_asks_first(live_server, signed_in_page, demo_users):
    import datetime as dt

    from meetings import services

    coordinator = demo_users["coordinator"]
    committee = Meeting.objects.order_by("-date").first().committee  # a demo committee that meets
    meeting = services.meeting_create(
        committee=committee, user=coordinator, date=dt.date(2020, 9, 1), start_time=dt.time(9), place="ห้องประชุม 1"
    )
    page = signed_in_page(coordinator, viewport=TABLET_PORTRAIT)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    with page.expect_navigation():
        page.click("button[name=to][value=cancelled]")
    _confirm_page(page, "cancel-meeting.png")
    assert Meeting.objects.get(pk=meeting.pk).status == meeting.status  # asked, not done
    with page.expect_navigation():
        page.click("#confirm a.button")  # "no, go back" leaves it as it was
    assert page.url.endswith(f"/meetings/{meeting.pk}/")
    assert Meeting.objects.get(pk=meeting.pk).status == meeting.status
    with page.expect_navigation():
        page.click("button[name=to][value=cancelled]")
    with page.expect_navigation():
        page.click("#confirm button.danger")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
