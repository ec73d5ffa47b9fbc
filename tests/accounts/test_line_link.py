"""Linking a LINE account without knowing one's LINE user id: a code from the profile page, sent to the office's
LINE Official Account, reaches the webhook (signed by LINE) and links the sender."""

import base64
import hashlib
import hmac
import json
import re

import pytest
from django.test import Client

SECRET = "line-channel-secret-for-tests"
SENDER = "U4af4980629" + "0" * 22


def signed(body: bytes, secret=SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def message_from(user_id: str, text: str) -> bytes:
    event = {
        "type": "message",
        "replyToken": "r",
        "source": {"type": "user", "userId": user_id},
        "message": {"type": "text", "id": "1", "text": text},
    }
    return json.dumps({"destination": "Uoffice", "events": [event]}).encode()


@pytest.fixture
def code(actors, settings):
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_OFFICIAL_ACCOUNT_URL = "https://line.me/R/ti/p/@nithet-test"
    client = Client()
    client.force_login(actors.bob.user)
    page = client.post("/accounts/line/code/", follow=True).content.decode()
    assert "<svg" in page  # the QR of the office's LINE account
    return re.search(r'id="line-code">([A-Z0-9-]+)<', page).group(1), client


def post_webhook(body: bytes, signature: str):
    url = "/accounts/line/webhook/"
    return Client().post(url, body, content_type="application/json", HTTP_X_LINE_SIGNATURE=signature)


@pytest.mark.django_db
def test_a_correctly_signed_message_with_the_code_links_the_sender(actors, code):
    text, client = code
    body = message_from(SENDER, f"รหัส {text.lower()}")
    assert post_webhook(body, signed(body)).status_code == 200
    actors.bob.refresh_from_db()
    assert actors.bob.line_user_id == SENDER
    assert "เชื่อมบัญชี LINE แล้ว" in client.get("/accounts/").content.decode()
    # the code works once
    other = message_from("U" + "9" * 32, text)
    post_webhook(other, signed(other))
    actors.bob.refresh_from_db()
    assert actors.bob.line_user_id == SENDER


@pytest.mark.django_db
def test_a_badly_signed_body_is_refused_and_links_nobody(actors, code):
    text, _ = code
    body = message_from(SENDER, text)
    assert post_webhook(body, signed(body, secret="not-the-secret")).status_code == 403
    assert post_webhook(body, "").status_code == 403
    tampered = message_from("U" + "6" * 32, text)
    assert post_webhook(tampered, signed(body)).status_code == 403
    actors.bob.refresh_from_db()
    assert actors.bob.line_user_id == ""


@pytest.mark.django_db
def test_without_a_channel_secret_every_body_is_refused(actors, settings):
    settings.LINE_CHANNEL_SECRET = ""
    body = message_from(SENDER, "ABCD-EFGH")
    assert post_webhook(body, signed(body, secret="")).status_code == 403


@pytest.mark.django_db
def test_an_expired_code_links_nobody(actors, code):
    from accounts.models import LineLinkCode

    text, _ = code
    LineLinkCode.objects.update(expires_at="2000-01-01T00:00:00Z")
    body = message_from(SENDER, text)
    assert post_webhook(body, signed(body)).status_code == 200  # LINE needs 200; nothing happens
    actors.bob.refresh_from_db()
    assert actors.bob.line_user_id == ""
