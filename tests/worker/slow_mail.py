"""An e-mail backend for the worker-kill test: Django's file backend, one message at a time, each after a pause
(SLOW_MAIL_SECONDS), so that a test can SIGKILL the real worker process while a batch is half delivered."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.2")))
            sent += super().send_messages([message])
        return sent
