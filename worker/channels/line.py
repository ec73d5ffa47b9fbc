"""LINE Messaging API push (https://developers.line.biz/en/reference/messaging-api/#send-push-message).

The `X-Line-Retry-Key` is derived from the ledger row, so if a push reached LINE but our answer was lost,
the retry is recognised by LINE (409) instead of delivering the message twice.
"""

import uuid

import requests
from django.conf import settings

from worker.channels.base import PermanentError, Transport, TransportError

RETRY_KEY_NAMESPACE = uuid.UUID("8f0c6f55-5b8e-4a49-9a39-1c1f6a2f4e11")
MAX_TEXT = 5000  # LINE's limit for one text message


class LineTransport(Transport):
    channel = "line"

    def __init__(self):
        self.session = None

    def open(self) -> None:
        self.session = requests.Session()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    @staticmethod
    def text(notification) -> str:
        link = f"{settings.SITE_URL}{notification.link}" if notification.link.startswith("/") else notification.link
        text = f"{notification.title}\n\n{notification.body}"
        if link:
            text += f"\n\n{link}"
        return text[:MAX_TEXT]

    def send(self, notification, attachments=()) -> None:
        token = settings.LINE_CHANNEL_ACCESS_TOKEN
        if not token:
            raise PermanentError("ยังไม่ได้ตั้งค่า LINE token / LINE_CHANNEL_ACCESS_TOKEN is not set")
        to = notification.recipient.line_user_id
        if not to:
            raise PermanentError("ผู้รับไม่มี LINE user id / recipient has no LINE user id")
        session = self.session or requests.Session()
        retry_key = uuid.uuid5(RETRY_KEY_NAMESPACE, f"notification:{notification.pk}")
        try:
            response = session.post(
                f"{settings.LINE_API_BASE}/v2/bot/message/push",
                json={"to": to, "messages": [{"type": "text", "text": self.text(notification)}]},
                headers={"Authorization": f"Bearer {token}", "X-Line-Retry-Key": str(retry_key)},
                timeout=settings.LINE_TIMEOUT_SECONDS,
            )
        except requests.Timeout as exc:
            raise TransportError(f"LINE ไม่ตอบภายในเวลา / LINE timed out: {exc}") from exc
        except requests.RequestException as exc:
            raise TransportError(f"ติดต่อ LINE ไม่ได้ / LINE unreachable: {exc}") from exc
        if response.status_code == 200:
            return
        if response.status_code == 409 and response.headers.get("x-line-accepted-request-id"):
            return  # this retry key was already accepted: the message went out before
        detail = f"LINE {response.status_code}: {response.text[:300]}"
        if response.status_code == 429 or response.status_code >= 500:
            raise TransportError(detail)
        raise PermanentError(detail)
