"""Linking a LINE account without knowing one's LINE user id.

The profile page shows a one-time code (and a QR code of the office's LINE Official Account). The person
sends the code to that account in LINE; LINE calls our webhook with the message and the sender's userId,
signed with the channel secret (X-Line-Signature: base64 HMAC-SHA256 of the body); a valid, unexpired,
unused code links that userId to the person.
"""

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import LineLinkCode, secret_hash

log = logging.getLogger(__name__)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen and typed on a phone
CODE_PATTERN = re.compile(r"\b([A-HJ-NP-Z2-9]{4})-?([A-HJ-NP-Z2-9]{4})\b")


def new_code(person, now=None) -> str:
    now = now or timezone.now()
    LineLinkCode.objects.filter(person=person, used_at__isnull=True).delete()  # only the newest code works
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    LineLinkCode.objects.create(
        person=person,
        code_hash=secret_hash(raw),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.LINE_LINK_CODE_SECONDS),
    )
    return f"{raw[:4]}-{raw[4:]}"


def qr_svg(code: str) -> str:
    """A QR of the office's LINE account link (add friend), or of the code when no link is configured."""
    import qrcode
    import qrcode.image.svg

    target = settings.LINE_OFFICIAL_ACCOUNT_URL or code
    image = qrcode.make(target, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def signature_valid(body: bytes, signature: str) -> bool:
    secret = settings.LINE_CHANNEL_SECRET
    if not secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature)


@transaction.atomic
def link_from_text(user_id: str, text: str, now=None):
    """Link `user_id` to the person whose live code appears in `text`. Returns the person, or None."""
    now = now or timezone.now()
    match = CODE_PATTERN.search((text or "").upper())
    if not match or not user_id:
        return None
    code = (
        LineLinkCode.objects.select_related("person")
        .filter(code_hash=secret_hash(match.group(1) + match.group(2)))
        .first()
    )
    if code is None:
        return None
    claimed = LineLinkCode.objects.filter(pk=code.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not claimed:
        return None
    person = code.person
    person.line_user_id = user_id[:64]
    person.save(update_fields=["line_user_id"])
    return person


def handle_events(body: bytes) -> int:
    """Process a verified webhook body; returns how many accounts were linked."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return 0
    linked = 0
    for event in payload.get("events", []) if isinstance(payload, dict) else []:
        if not isinstance(event, dict) or event.get("type") != "message":
            continue
        message, source = event.get("message") or {}, event.get("source") or {}
        if message.get("type") != "text" or source.get("type") != "user":
            continue
        person = link_from_text(str(source.get("userId", "")), str(message.get("text", "")))
        if person is not None:
            log.info("LINE account linked to person %s", person.pk)
            linked += 1
    return linked
