"""System checks on the deployment's settings (run by `manage.py check`, `migrate`, `runserver`…)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def site_url_problem(site_url: str) -> str:
    """Why SITE_URL cannot be the address printed in issued PDFs, or "" when it can."""
    if not site_url:
        return "SITE_URL is not set"
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"SITE_URL {site_url!r} is not an http(s) address"
    host = parts.hostname.lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"SITE_URL {site_url!r} names this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ""
    if address.is_loopback or address.is_unspecified:
        return f"SITE_URL {site_url!r} is a loopback address"
    return ""


@checks.register(checks.Tags.compatibility)
def check_site_url(app_configs=None, **kwargs):
    """SITE_URL is the verification address printed (and QR-coded) in every issued PDF, and the links of
    e-mails, LINE messages and calendar feeds. A loopback address there verifies nothing for a reader
    outside: an Error when DEBUG is off (a deployment), a Warning while developing."""
    problem = site_url_problem(getattr(settings, "SITE_URL", ""))
    if not problem:
        return []
    hint = "Set SITE_URL to the public https address people reach Nithet at, e.g. https://nithet.example.go.th."
    if settings.DEBUG:
        return [
            checks.Warning(
                f"{problem}: verification codes in PDFs point to an address only this machine can open.",
                hint=hint,
                id="supervision.W001",
            )
        ]
    return [
        checks.Error(
            f"{problem}: every PDF issued would print a verification code no reader can check.",
            hint=hint,
            id="supervision.E001",
        )
    ]
