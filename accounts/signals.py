"""Each sign-in records its browser (DeviceSession), so the user can list and end their sessions."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts.models import DeviceSession
from accounts.throttle import client_address


@receiver(user_logged_in)
def record_device(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if not request.session.session_key:
        request.session.save()
    DeviceSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "address": client_address(request) if request.META.get("REMOTE_ADDR") else None,
            "remember": bool(request.session.get("nithet_remember")),
        },
    )


@receiver(user_logged_out)
def forget_device(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        DeviceSession.objects.filter(session_key=request.session.session_key).delete()
