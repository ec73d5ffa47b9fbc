"""Public pages served ahead of Django: the whole response Django last gave for a public page, replayed.

The public pages are rendered at publish (`public.snapshot`) and read by anyone, often many at once. The
Django stack (sessions, locale, CSRF, authentication, messages, history, URL resolving) has nothing to
decide for them, yet costs most of a request. `PublicPages` wraps the WSGI application: a GET or HEAD of
a public page is answered from the exact status, headers and body Django produced for the same path less
than `PUBLIC_LOCAL_CACHE_SECONDS` ago in this process (security headers, ETag and all); anything else —
and any public page not seen recently — goes through Django as usual, which refreshes the copy.

Each page exists once per language: a reply is kept and replayed per (path, reader's language), the
language chosen exactly as Django's LocaleMiddleware chooses it for every page (`reader_language`: the
language cookie, else Accept-Language, else Thai). A response is kept only when it is a 200 that sets no
cookie and, if it varies on the cookie, came for a request whose only cookie was the language one (which
is in the key), so nothing that belongs to one reader can be replayed to another. Publishing clears this
process's copies at once (`public.cache.clear_local`); other processes replay theirs for at most the same
few seconds they keep the rendered page itself. No database, Redis or worker is touched on a replay.
"""

from __future__ import annotations

import re
import threading
import time

from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation

# The paths `public.urls` serves as pages (the office index, its ITA page, its round pages).
PAGE_PATH = re.compile(r"^/public/[\w-]+/(?:ita/|rounds/[\w-]+/)?$")

_replies: dict[tuple[str, str], tuple[float, str, list[tuple[str, str]], bytes, str]] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _replies.clear()


class _Reader:
    """What `translation.get_language_from_request` reads of a request, taken from the WSGI environ."""

    def __init__(self, environ):
        self.META = environ
        self.COOKIES = parse_cookie(environ.get("HTTP_COOKIE", ""))


def reader_language(environ) -> str:
    """The language Django's LocaleMiddleware would activate for this request (no language in the path)."""
    return translation.get_language_from_request(_Reader(environ), check_path=False)


def _keepable(status: str, headers: list[tuple[str, str]], environ) -> bool:
    if not status.startswith("200"):
        return False
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            return False
        if lower == "vary" and "cookie" in value.lower():
            # The language cookie is in the key; any other cookie (a session) might have shaped the page.
            if set(parse_cookie(environ.get("HTTP_COOKIE", ""))) - {settings.LANGUAGE_COOKIE_NAME}:
                return False
    return True


class PublicPages:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING") or not PAGE_PATH.match(path):
            return self.application(environ, start_response)
        key = (path, reader_language(environ))
        hit = _replies.get(key)
        if hit is not None and hit[0] > time.monotonic():
            _, status, headers, body, etag = hit
            if etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
                start_response("304 Not Modified", [(k, v) for k, v in headers if k.lower() != "content-length"])
                return [b""]
            start_response(status, headers)
            return [b"" if method == "HEAD" else body]
        return self._through_django(environ, start_response, key, method)

    def _through_django(self, environ, start_response, key, method):
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, list(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body_iter = self.application(environ, remember)
        ttl = settings.PUBLIC_LOCAL_CACHE_SECONDS
        if method != "GET" or ttl <= 0 or environ.get("HTTP_IF_NONE_MATCH"):
            return body_iter
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        status, headers = seen.get("status", ""), seen.get("headers", [])
        if _keepable(status, headers, environ):
            etag = next((v for k, v in headers if k.lower() == "etag"), "")
            with _lock:
                _replies[key] = (time.monotonic() + ttl, status, headers, body, etag)
        return [body]
