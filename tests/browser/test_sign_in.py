"""Signing in through the page, in real Chromium: every demo login, a wrong password, an invited person, sign-out.
Screenshots of the sign-in page at both tablet sizes go to /tmp/nithet-shots/."""

from io import StringIO
from pathlib import Path

import pytest

from accounts import invitations
from supervision import demo
from supervision.models import AreaOffice, Person
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/nithet-shots")
LOGIN_NAMES = [username for username, _role, _who in demo.LOGINS]


@pytest.fixture
def demo_office():
    demo.load(stdout=StringIO())
    return AreaOffice.objects.get(code=demo.DEMO_OFFICE_CODE)


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button.primary")


def test_each_demo_login_signs_in_through_the_page_and_lands_on_home(live_server, new_page, demo_office):
    assert len(LOGIN_NAMES) == 7
    for username in LOGIN_NAMES:
        page = new_page()
        visited = []
        page.on("response", lambda r, visited=visited: visited.append(r.url))
        sign_in(page, live_server.url, username, demo.DEMO_PASSWORD)
        page.wait_for_load_state()
        assert f"{live_server.url}/" in visited, (username, visited)
        assert "/accounts/login/" not in page.url and "/accounts/no-role/" not in page.url, (username, page.url)
        assert page.locator("header form[action='/accounts/logout/'] button").is_visible(), username
        page.context.close()


def test_a_wrong_password_is_refused_on_the_page(live_server, new_page, demo_office):
    page = new_page()
    sign_in(page, live_server.url, "supervisor", "not-the-password")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("[role=alert]").inner_text().strip() == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    assert page.locator("header form[action='/accounts/logout/']").count() == 0


def test_an_invited_person_sets_a_password_signs_in_and_out(live_server, new_page, demo_office):
    person = Person.objects.create(
        office=demo_office, first_name="สมหญิง", last_name="ทดลองใช้", email="somying@ubon.example"
    )
    ((_invitation, token),) = invitations.invite([person])
    page = new_page()
    page.goto(f"{live_server.url}/accounts/invitation/{token}/")
    assert page.locator("#username").inner_text() == "somying@ubon.example"
    page.fill("#id_password1", "Somying-2563-ok")
    page.fill("#id_password2", "Somying-2563-ok")
    with page.expect_navigation():
        page.click("button.primary")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/no-role/")  # no role was given: says so and whom to ask
    assert "ผู้ประสานงาน" in page.inner_text("main")
    with page.expect_navigation():
        page.click("header form[action='/accounts/logout/'] button")
    assert page.url == f"{live_server.url}/accounts/login/"
    sign_in(page, live_server.url, "somying@ubon.example", "Somying-2563-ok")
    assert page.locator("header form[action='/accounts/logout/']").count() == 1
    # the link worked once
    page.goto(f"{live_server.url}/accounts/invitation/{token}/")
    assert "ถูกใช้ตั้งรหัสผ่านไปแล้ว" in page.inner_text("main")


def test_sign_out_returns_to_the_sign_in_page(live_server, new_page, demo_office):
    page = new_page()
    sign_in(page, live_server.url, "chair", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("header form[action='/accounts/logout/'] button")
    assert page.url == f"{live_server.url}/accounts/login/"
    assert page.locator("h1").inner_text() == "เข้าสู่ระบบนิเทศ"


def test_the_sign_in_page_at_both_tablet_sizes(live_server, new_page, demo_office):
    SHOTS.mkdir(exist_ok=True)
    for name, viewport in (("portrait", TABLET_PORTRAIT), ("landscape", TABLET_LANDSCAPE)):
        page = new_page(viewport=viewport)
        page.goto(f"{live_server.url}/accounts/login/")
        assert not page_scrolls_sideways(page)
        assert demo_office.name in page.inner_text(".office")
        for selector in ("#id_username", "#id_password", "button.primary", "#id_remember + label"):
            box = page.locator(selector).bounding_box()
            assert box["height"] >= 44 or selector.endswith("label"), (selector, box)
        page.screenshot(path=str(SHOTS / f"sign-in-{name}.png"), full_page=True)


def test_a_forgotten_password_is_reset_from_the_e_mail_and_signs_in(live_server, new_page, demo_office, mailoutbox):
    """From the sign-in page's "forgot password" link to the mail, its link, a new password, and the home."""
    import re

    person = Person.objects.get(user__username="supervisor")
    person.email = "supervisor-reset@ubon.example"
    person.save(update_fields=["email"])
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.click("text=ลืมรหัสผ่าน")
    page.fill("#id_email", "supervisor-reset@ubon.example")
    with page.expect_navigation():
        page.click("button.primary")
    assert "/accounts/password-reset/sent/" in page.url
    (message,) = mailoutbox
    assert message.to == ["supervisor-reset@ubon.example"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)
    page.goto(f"{live_server.url}{link}")
    page.fill("#id_new_password1", "Reset-2563-ok!")
    page.fill("#id_new_password2", "Reset-2563-ok!")
    with page.expect_navigation():
        page.click("button.primary")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"  # signed in with the new password, on the supervisor's home
    assert page.locator("#my-visits").is_visible()
    assert page.locator("header form[action='/accounts/logout/']").count() == 1
    with page.expect_navigation():
        page.click("header form[action='/accounts/logout/'] button")
    sign_in(page, live_server.url, "supervisor", demo.DEMO_PASSWORD)  # the old password no longer works
    assert page.locator("[role=alert]").inner_text().strip() == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    sign_in(page, live_server.url, "supervisor", "Reset-2563-ok!")
    assert page.locator("header form[action='/accounts/logout/']").count() == 1


def test_repeated_wrong_passwords_on_the_page_make_that_account_wait(live_server, new_page, demo_office, settings):
    """The throttle as a person meets it: after the allowed failures even the right password is refused, with
    a message to wait; another account at the same address still signs in."""
    page = new_page()
    for _ in range(settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS):
        sign_in(page, live_server.url, "chair", "not-the-password")
        assert page.locator("[role=alert]").inner_text().strip() == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    sign_in(page, live_server.url, "chair", demo.DEMO_PASSWORD)
    alert = page.locator("[role=alert]").inner_text().strip()
    assert alert.startswith("ลงชื่อเข้าใช้ไม่สำเร็จหลายครั้ง กรุณารอ") and alert.endswith("นาทีแล้วลองใหม่"), alert
    assert page.locator("header form[action='/accounts/logout/']").count() == 0
    other = new_page()
    sign_in(other, live_server.url, "viewer", demo.DEMO_PASSWORD)
    assert other.locator("header form[action='/accounts/logout/']").count() == 1
