"""Liveness of the two things Nithet cannot work without: the database and the Celery broker."""

import os

from django.db import connection
from django.http import JsonResponse


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # any failure means "down"; the message says why
        return False, f"{type(exc).__name__}: {exc}"


def check_broker(timeout: float = 2.0) -> tuple[bool, str]:
    """Connect to the broker the Celery app uses, once, without retrying (a health check must answer fast)."""
    from worker.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
            driver = conn.transport.driver_name
            if driver == "filesystem":
                # Connecting to the filesystem transport always "works"; the queue folder is what must be there.
                folder = (conn.transport_options or {}).get("data_folder_in", "")
                if not (folder and os.path.isdir(folder) and os.access(folder, os.W_OK)):
                    return False, f"queue folder {folder!r} is missing or not writable"
            return True, driver
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def check_cache() -> tuple[bool, str]:
    """The cache (Redis when REDIS_URL is set): a write and a read of one key."""
    from django.core.cache import cache

    try:
        cache.set("nithet:healthz", "1", timeout=10)
        if cache.get("nithet:healthz") != "1":
            return False, "the cache did not keep a value"
        return True, type(cache).__name__
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


# What each part's failure means for people, said by /healthz (so an operator knows what to tell the office).
DOWN_MEANS = {
    "database": "nothing works",
    "broker": "reports (PDF) and notifications wait; visits, sync and sign-in work",
    "cache": "sign-in and pages work more slowly; nothing is lost",
}


def healthz(request):
    db_ok, db_detail = check_database()
    broker_ok, broker_detail = check_broker()
    cache_ok, cache_detail = check_cache()
    ok = db_ok and broker_ok and cache_ok
    body = {
        "status": "ok" if ok else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "cache": {"ok": cache_ok, "detail": cache_detail},
        "down": [
            {"part": part, "means": DOWN_MEANS[part]}
            for part, part_ok in (("database", db_ok), ("broker", broker_ok), ("cache", cache_ok))
            if not part_ok
        ],
    }
    return JsonResponse(body, status=200 if ok else 503)
