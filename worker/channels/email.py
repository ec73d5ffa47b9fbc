"""E-mail through Django's configured backend: Thai subject, text and HTML bodies, optional PDF."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from worker.channels.base import PermanentError, Transport, TransportError

SUBJECT_PREFIX = "[นิเทศ] "


class EmailTransport(Transport):
    channel = "email"

    def __init__(self):
        self.connection = None

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
        link = f"{settings.SITE_URL}{notification.link}" if notification.link.startswith("/") else notification.link
        context = {"n": notification, "person": person, "link": link}
        text = render_to_string("worker/email.txt", context)
        html = render_to_string("worker/email.html", context)
        message = EmailMultiAlternatives(
            subject=SUBJECT_PREFIX + notification.title,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
            connection=self.connection,
            headers={"X-Nithet-Notification": str(notification.pk)},
        )
        message.attach_alternative(html, "text/html")
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        return message

    def send(self, notification, attachments=()) -> None:
        message = self.build(notification, attachments)
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"อีเมลถูกปฏิเสธ / address refused: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"ส่งอีเมลไม่สำเร็จ / mail not sent: {exc}") from exc
