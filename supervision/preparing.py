"""The "being prepared" page of a file the worker builds (a large export, a PDF report), shared by the
dashboard's export page and the visits' report page: how often it polls, how it refreshes without
JavaScript, and the one shape of its poll answer. Each page keeps its own words (a workbook is "downloaded",
a report "opened") and its own way to ask again.

The page polls `?poll=1`, which answers `{"ready", "failed", "url"}`: when `ready` or `failed`, the script
goes to `url` (the file, or the page again to show why it failed); a browser without JavaScript refreshes
the page every REFRESH_SECONDS until then (templates/being_prepared_script.html).
"""

from django.http import JsonResponse

POLL_SECONDS = 3
REFRESH_SECONDS = 5


def poll_answer(*, ready: bool, failed: bool, url: str) -> JsonResponse:
    return JsonResponse({"ready": ready, "failed": failed, "url": url})


def page_context(request, **context) -> dict:
    """The template context every "being prepared" page needs, with the page's own."""
    return {
        "poll_url": f"{request.path}?poll=1",
        "poll_ms": POLL_SECONDS * 1000,
        "refresh": REFRESH_SECONDS,
        **context,
    }
