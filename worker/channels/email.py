"""E-mail through Django's configured backend: Thai subject, text and HTML bodies, optional PDF."""

import smtplib
from email.header import Header
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import get_template
from django.utils.html import escape

from worker.channels.base import PermanentError, Transport, TransportError

SUBJECT_PREFIX = "[นิเทศ] "


@lru_cache(maxsize=4096)
def encoded_subject(title: str) -> str:
    """The RFC 2047 form of a Thai subject. Committee members share a subject, so encoding it once per title
    (rather than once per message inside Django) is a large share of the cost of a 10,000-message batch."""
    return Header(SUBJECT_PREFIX + title, "utf-8").encode(linesep=" ")  # Django refuses newlines in headers


def message_id(notification) -> str:
    """`<nithet-notification-<row id>@<site host>>`: stable per ledger row."""
    from urllib.parse import urlsplit

    host = urlsplit(settings.SITE_URL).hostname or "nithet.localhost"
    return f"<nithet-notification-{notification.pk}@{host}>"


class EmailTransport(Transport):
    channel = "email"

    NAME_MARK = "\x00recipient\x00"

    def __init__(self):
        self.connection = None
        self.rendered: dict[tuple, tuple[str, str]] = {}

    def open(self) -> None:
        self.connection = get_connection(fail_silently=False)
        try:
            self.connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"เปิดการเชื่อมต่ออีเมลไม่ได้ / cannot open mail connection: {exc}") from exc

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None

    def build(self, notification, attachments=()) -> EmailMultiAlternatives:
        person = notification.recipient
        if not person.email:
            raise PermanentError("ผู้รับไม่มีอีเมล / recipient has no e-mail address")
        text, html = self.render(notification)
        text = text.replace(self.NAME_MARK, person.full_name)
        html = html.replace(self.NAME_MARK, escape(person.full_name))
        message = EmailMultiAlternatives(
            subject=encoded_subject(notification.title),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
            connection=self.connection,
            # One Message-ID per ledger row, the same on every attempt: a message resent after a worker crash
            # is recognisably the same message (mail clients and servers can drop the duplicate).
            headers={"X-Nithet-Notification": str(notification.pk), "Message-ID": message_id(notification)},
        )
        message.attach_alternative(html, "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        return message

    def render(self, notification) -> tuple[str, str]:
        """Text and HTML bodies with a mark where the recipient's name goes. A committee's members get the
        same message, so each distinct message is rendered once per batch, not once per person."""
        key = (notification.title, notification.body, notification.link)
        if key not in self.rendered:
            link = notification.link
            if link.startswith("/"):
                link = f"{settings.SITE_URL}{link}"
            context = {"n": notification, "recipient_name": self.NAME_MARK, "link": link}
            self.rendered[key] = (
                get_template("worker/email.txt").render(context),
                get_template("worker/email.html").render(context),
            )
        return self.rendered[key]

    def send(self, notification, attachments=()) -> None:
        message = self.build(notification, attachments)
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"อีเมลถูกปฏิเสธ / address refused: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"ส่งอีเมลไม่สำเร็จ / mail not sent: {exc}") from exc
