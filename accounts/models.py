"""Accounts: invitations, sign-in failures (the throttle), signed-in devices and LINE link codes.

Secrets (invitation tokens, LINE link codes) are stored as SHA-256 hashes only: whoever reads the
database cannot use an invitation that has not been used yet.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.models import Person


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link that lets a person choose the password of their account."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("บุคลากร"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("ส่งเมื่อ"), default=timezone.now)
    expires_at = models.DateTimeField(_("หมดอายุ"))
    used_at = models.DateTimeField(_("ใช้เมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("คำเชิญเข้าใช้ระบบ")
        verbose_name_plural = _("คำเชิญเข้าใช้ระบบ")
        ordering = ["-created_at"]

    def __str__(self):
        from supervision.dates import be_display

        return f"{self.person} · {be_display(self.created_at)}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class SignInFailure(models.Model):
    """One refused password, kept for the throttle window (accounts.throttle). In the database, not the cache:
    the count is shared by every web process and survives a Redis outage."""

    username = models.CharField(max_length=150)  # as typed, lower-cased; may name no account
    address = models.GenericIPAddressField()
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["address", "failed_at"], name="signin_failure_address_idx"),
            models.Index(fields=["username", "address", "failed_at"], name="signin_failure_pair_idx"),
        ]

    def __str__(self):
        return f"{self.username} @ {self.address}"


class DeviceSession(models.Model):
    """A browser signed in as a user (one per session), so the user can see and end their sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    remember = models.BooleanField(default=False)
    signed_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self):
        return f"{self.user} · {self.user_agent[:40]}"


class LineLinkCode(models.Model):
    """A short code a person sends to the office's LINE Official Account to link their LINE user id."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="line_link_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"LINE code for {self.person}"
