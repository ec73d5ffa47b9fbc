"""Serving public pages fast and without Redis or the worker.

A page is one `PublicPage` row per language (rendered at publish); each process keeps the rows it served for
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

_local: dict[tuple[str, str, str], tuple[float, str | None, str, str]] = {}
_lock = threading.Lock()


def clear_local() -> None:
    """Forget this process's copies: the rendered pages and the replies `public.fastpath` replays."""
    from public import fastpath

    with _lock:
        _local.clear()
    fastpath.clear()


def page(office_code: str, path: str, language: str) -> tuple[str, str, str] | None:
    """(html, etag, language) of a public page in `language`, or None when the office has not published it.

    A page published before the pages were rendered per language exists in Thai only until the next publish;
    it is served in Thai (and says so) rather than not at all."""
    key = (office_code, path, language)
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return (hit[1], hit[2], hit[3]) if hit[1] is not None else None
    rows = dict(
        PublicPage.objects.filter(
            office__code=office_code, path=path, language__in={language, settings.LANGUAGE_CODE}
        ).values_list("language", "html")
    )
    served = language if language in rows else settings.LANGUAGE_CODE
    html = rows.get(served)
    etag = hashlib.sha1(html.encode()).hexdigest()[:20] if html is not None else ""
    ttl = settings.PUBLIC_LOCAL_CACHE_SECONDS
    if ttl > 0:
        with _lock:
            _local[key] = (now + ttl, html, etag, served)
    return (html, etag, served) if html is not None else None
