"""Serving public pages fast and without Redis or the worker.

A page is one `PublicPage` row (rendered at publish); each process keeps the rows it served for
`PUBLIC_LOCAL_CACHE_SECONDS` (a dict, no network). Publishing rewrites the rows in the database and clears
this process's copies at once; other processes see the new page within the TTL. If Redis or the worker are
down nothing here notices: the database is the only dependency, as for every other page.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings

from public.models import PublicPage

_local: dict[tuple[str, str], tuple[float, str | None, str]] = {}
_lock = threading.Lock()


def clear_local() -> None:
    """Forget this process's copies: the rendered pages and the replies `public.fastpath` replays."""
    from public import fastpath

    with _lock:
        _local.clear()
    fastpath.clear()


def page(office_code: str, path: str) -> tuple[str, str] | None:
    """(html, etag) of a public page, or None when the office has not published it."""
    key = (office_code, path)
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return (hit[1], hit[2]) if hit[1] is not None else None
    html = PublicPage.objects.filter(office__code=office_code, path=path).values_list("html", flat=True).first()
    etag = hashlib.sha1(html.encode()).hexdigest()[:20] if html is not None else ""
    ttl = settings.PUBLIC_LOCAL_CACHE_SECONDS
    if ttl > 0:
        with _lock:
            _local[key] = (now + ttl, html, etag)
    return (html, etag) if html is not None else None
