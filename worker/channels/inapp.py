"""In-app: the ledger row itself is the message the person reads in the web list and the API."""

from worker.channels.base import PermanentError, Transport


class InAppTransport(Transport):
    channel = "inapp"

    def send(self, notification, attachments=()) -> None:
        if notification.recipient.user_id is None:
            raise PermanentError("ผู้รับไม่มีบัญชีผู้ใช้ / recipient has no login")
