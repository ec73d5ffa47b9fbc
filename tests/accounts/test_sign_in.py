"""The one sign-in page for every role: /accounts/login/, sign-out, password reset, sessions, the throttle."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import DeviceSession
from supervision.roles import Role
from tests import factories as f

PASSWORD = "pass-1234-word"
LOGIN = "/accounts/login/"


def sign_in(client, username, password=PASSWORD, **extra):
    data = {"username": username, "password": password, **extra.pop("data", {})}
    return client.post(LOGIN, data, **extra)


@pytest.mark.django_db
def test_the_sign_in_page_is_thai_with_the_offices_name(actors, client):
    page = client.get(LOGIN)
    text = page.content.decode()
    assert page.status_code == 200
    assert "เข้าสู่ระบบนิเทศ" in text and actors.office.name in text
    assert "อยู่ในระบบต่อบนแท็บเล็ตนี้" in text
    english = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to Nithet" in english and "Stay signed in on this tablet" in english


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["alice", "dana", "cora", "oscar"])
def test_every_role_signs_in_on_the_web_not_only_staff(actors, client, name):
    response = sign_in(client, name)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/accounts/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(actors, client):
    wrong = sign_in(client, "alice", "nope").content.decode()
    unknown = sign_in(client, "nobody-here", "nope").content.decode()
    message = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    assert message in wrong and message in unknown
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_is_a_post_and_returns_to_the_sign_in_page(actors, client):
    sign_in(client, "alice")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_header_links_to_the_sign_in_page_not_the_admins(actors, client):
    anonymous = client.get(LOGIN).content.decode()
    assert "/admin/login" not in anonymous
    client.force_login(actors.alice.user)
    page = client.get("/accounts/").content.decode()
    assert 'action="/accounts/logout/"' in page and "/admin/logout" not in page


@pytest.mark.django_db
def test_stay_signed_in_makes_a_long_session_otherwise_it_ends_with_the_browser(actors, settings):
    short, long = Client(), Client()
    sign_in(short, "alice")
    sign_in(long, "alice", data={"remember": "on"})
    assert short.session.get_expire_at_browser_close()
    assert not long.session.get_expire_at_browser_close()
    assert long.session.get_expiry_age() == settings.SESSION_REMEMBER_SECONDS


@pytest.mark.django_db
def test_the_profile_lists_devices_and_signs_out_everywhere_else(actors):
    tablet, phone, desk = Client(HTTP_USER_AGENT="Tablet/1"), Client(HTTP_USER_AGENT="Phone/2"), Client()
    for c in (tablet, phone, desk):
        sign_in(c, "alice", data={"remember": "on"})
    Token.objects.create(user=actors.alice.user)
    page = desk.get("/accounts/").content.decode()
    assert "Tablet/1" in page and "Phone/2" in page
    one = DeviceSession.objects.get(session_key=phone.session.session_key)
    desk.post("/accounts/sessions/end/", {"device": one.pk})
    assert phone.get("/accounts/").status_code == 302  # signed out
    assert tablet.get("/accounts/").status_code == 200
    desk.post("/accounts/sessions/end/", {"all": "1"})
    assert tablet.get("/accounts/").status_code == 302
    assert desk.get("/accounts/").status_code == 200  # this device stays
    assert not Token.objects.filter(user=actors.alice.user).exists()
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_another_users_device_cannot_be_ended(actors):
    alice, bob = Client(), Client()
    sign_in(alice, "alice")
    sign_in(bob, "bob")
    bobs = DeviceSession.objects.get(session_key=bob.session.session_key)
    alice.post("/accounts/sessions/end/", {"device": bobs.pk})
    assert bob.get("/accounts/").status_code == 200


@pytest.mark.django_db
def test_password_reset_by_e_mail_to_the_persons_address(actors, client):
    actors.alice.email = "alice@school.example"
    actors.alice.save()
    response = client.post("/accounts/password-reset/", {"email": "ALICE@school.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@school.example"] and "ตั้งรหัสผ่านใหม่" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "ตั้งรหัสผ่านใหม่" in form.content.decode()
    new = {"new_password1": "a-new-Pass-5678", "new_password2": "a-new-Pass-5678"}
    done = client.post(form.redirect_chain[-1][0], new)
    # the link set the password and signed the person in, onto their home, for this browser session only
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.session["_auth_user_id"] == str(actors.alice.user.pk)
    assert client.session.get_expire_at_browser_close()
    assert client.get("/accounts/").status_code == 200
    assert sign_in(Client(), "alice", "a-new-Pass-5678").status_code == 302
    assert sign_in(Client(), "alice", PASSWORD).status_code == 200  # the old password is gone
    assert client.get(link, follow=True).context["validlink"] is False  # the link worked once
    # an unknown address gets the same page and no mail
    assert client.post("/accounts/password-reset/", {"email": "who@nowhere.example"}).status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_user_with_no_role_or_no_person_sees_whom_to_ask(actors, client):
    actors.cora.phone = "045-000-111"
    actors.cora.save()
    nobody = f.UserFactory(username="norole")
    f.PersonFactory(office=actors.office, user=nobody, first_name="Noro")
    response = sign_in(client, "norole")
    assert response["Location"] == "/accounts/no-role/"
    page = client.get("/accounts/no-role/").content.decode()
    assert "ยังไม่มีบทบาท" in page and actors.cora.full_name in page and "045-000-111" in page
    loner = Client()
    f.UserFactory(username="noperson")
    sign_in(loner, "noperson")
    page = loner.get("/accounts/no-role/")
    assert page.status_code == 200 and "ยังไม่ได้ผูกกับรายชื่อบุคลากร" in page.content.decode()
    assert actors.cora.full_name in page.content.decode()


@pytest.mark.django_db
def test_the_admin_stays_for_staff(actors, client):
    sign_in(client, "alice")
    assert client.get("/admin/").status_code == 302  # not staff: the admin's own sign-in
    coordinator = Client()
    sign_in(coordinator, "cora")
    assert coordinator.get("/admin/").status_code == 200


def test_roles_are_known():
    assert {"supervisor", "coordinator", "school_director"} <= set(Role.values)


@pytest.mark.django_db
def test_the_sign_in_page_shows_the_offices_logo(actors, client, settings, tmp_path):
    import io as _io

    from django.core.files.base import ContentFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    png = _io.BytesIO()
    Image.new("RGB", (8, 8), (30, 58, 138)).save(png, "PNG")
    actors.office.logo.save("logo.png", ContentFile(png.getvalue()))
    page = client.get(LOGIN).content.decode()
    assert 'src="/accounts/office-logo/"' in page
    logo = client.get("/accounts/office-logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == png.getvalue()
