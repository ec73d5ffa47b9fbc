"""The sign-in throttle, shared by the sign-in page and the API token endpoint.

The rule (README "Sign-in"): failures are counted per (account, address) and per address over a sliding
window of SIGNIN_THROTTLE_WINDOW_SECONDS.
- After SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS failures for one account from one address, that account may not
  be tried from that address (not even with the right password) until the oldest failure leaves the window.
- An address with SIGNIN_THROTTLE_PER_ADDRESS failures over all accounts is "hot": from it, every account that
  already failed there in the window must wait. Guessing many accounts from one address thus gets one try
  per account per window.
- An account is never locked as such: from an address where it has not failed, the right password works.
  So an attacker cannot lock a user out, and colleagues behind the office's one NAT address are not locked
  out by a neighbour who mistypes (or by an attacker on the same address) unless they failed there too.
- A successful sign-in clears that account's failures from that address.

Failures live in the database (SignInFailure), not the cache: every web process shares the count, and a
Redis outage cannot break sign-in. The client's address is REMOTE_ADDR, or the X-Forwarded-For entry added
by the nearest proxy we do not trust, when REMOTE_ADDR is one of settings.TRUSTED_PROXIES.
"""

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.utils import timezone

from accounts.models import SignInFailure
from supervision.errors import DomainError


class SignInThrottled(DomainError):
    code = "sign_in_throttled"
    http_status = 429

    def __init__(self, wait_seconds: int):
        minutes = max(1, math.ceil(wait_seconds / 60))
        super().__init__(
            f"ลงชื่อเข้าใช้ไม่สำเร็จหลายครั้ง กรุณารอ {minutes} นาทีแล้วลองใหม่",
            f"Too many failed sign-ins; wait {minutes} minute(s) and try again.",
            wait_seconds=wait_seconds,
        )
        self.wait_seconds = wait_seconds


def _trusted_networks():
    return [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request) -> str:
    """The address that made the request: forwarding headers count only when a trusted proxy passed them on."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    networks = _trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):  # the right-most entries were added by our own proxies
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: count the proxy's own address
    return hops[0] if hops else remote


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def check(username: str, address: str, now: dt.datetime | None = None) -> None:
    """Raise SignInThrottled when this account may not be tried from this address now."""
    now = now or timezone.now()
    window = dt.timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
    recent = SignInFailure.objects.filter(address=address, failed_at__gt=now - window)
    pair = list(recent.filter(username=_key(username)).order_by("-failed_at").values_list("failed_at", flat=True))
    if not pair:
        return
    limit = settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS
    if len(pair) >= limit:
        # Wait until enough failures have left the window to allow one more try.
        until = pair[limit - 1] + window
    elif recent.count() >= settings.SIGNIN_THROTTLE_PER_ADDRESS:
        until = pair[-1] + window  # a hot address: one try per account, until its first failure ages out
    else:
        return
    raise SignInThrottled(max(1, int((until - now).total_seconds())))


def record_failure(username: str, address: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    window = dt.timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
    SignInFailure.objects.filter(failed_at__lt=now - window).delete()  # keep the table to one window
    SignInFailure.objects.create(username=_key(username), address=address, failed_at=now)


def record_success(username: str, address: str) -> None:
    SignInFailure.objects.filter(username=_key(username), address=address).delete()


def authenticate_throttled(request, username: str, password: str):
    """Django's authenticate() behind the throttle: the user, or None (a failure is recorded).
    Raises SignInThrottled before checking the password when this account must wait at this address."""
    from django.contrib.auth import authenticate

    address = client_address(request)
    check(username, address)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        record_failure(username, address)
        return None
    record_success(username, address)
    return user
