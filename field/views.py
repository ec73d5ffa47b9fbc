"""The field app's one Django view module: the app shell, its web-app manifest and its service worker.

The app itself is static plain JavaScript modules (field/static/field/); everything it reads or writes goes
through the API. The service worker is served from /field/sw.js so that its scope is /field/ (a worker
under /static/ would control only /static/). Its cache name carries a hash of the app's files, so a new
release replaces the cached copy at once and an old tablet never mixes versions (enketo#986).
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import ensure_csrf_cookie

from field.strings import MESSAGES

# The files the service worker stores for a cold start with no network (the shell itself is /field/).
ASSETS = [
    "field/app.js",
    "field/db.js",
    "field/outbox.js",
    "field/media.js",
    "field/i18n.js",
    "field/field.css",
    "field/icon-192.png",
    "field/icon-512.png",
]


@lru_cache(maxsize=1)
def _release() -> str:
    """A short hash of the app's files (changes whenever any of them does)."""
    digest = hashlib.sha256()
    for name in [*ASSETS, "field/sw.js"]:
        path = finders.find(name)
        with open(path, "rb") as fh:
            digest.update(fh.read())
    digest.update(json.dumps(MESSAGES, ensure_ascii=False).encode())
    return digest.hexdigest()[:12]


def _logout_url() -> str:
    for name in ("logout", "accounts:logout", "admin:logout"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/admin/logout/"


@login_required
@ensure_csrf_cookie  # the outbox's writes carry the token, also after an offline restart
def shell(request):
    person = getattr(request.user, "person", None)
    catalogue = {msgid: gettext(msgid) for msgid in MESSAGES}
    boot = {
        "user": {
            "id": request.user.pk,
            "name": str(person) if person else request.user.get_username(),
        },
        "lang": get_language() or "th",
        "release": _release(),
        "logout_url": _logout_url(),
        "login_url": settings.LOGIN_URL,
        "photo_max_px": settings.FIELD_PHOTO_MAX_PX,
        "photo_quality": settings.FIELD_PHOTO_QUALITY,
        "gps": {"accuracy_warn_m": settings.VISIT_GPS_ACCURACY_WARN_M, "radius_m": settings.VISIT_CHECKIN_RADIUS_M},
    }
    response = render(
        request,
        "field/shell.html",
        {
            "boot": boot,
            "catalogue": catalogue,
            "app_js": static("field/app.js"),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    body = {
        "name": gettext("นิเทศ ภาคสนาม"),
        "short_name": gettext("นิเทศ"),
        "description": gettext("บันทึกการนิเทศที่โรงเรียน ใช้ได้แม้ไม่มีสัญญาณ"),
        "lang": "th",
        "start_url": "/field/",
        "scope": "/field/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#1e3a8a",
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def service_worker(request):
    with open(finders.find("field/sw.js"), encoding="utf-8") as fh:
        source = fh.read()
    config = {"release": _release(), "assets": [static(a) for a in ASSETS], "shell": "/field/"}
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/field/"
    response["Cache-Control"] = "no-cache"
    return response
