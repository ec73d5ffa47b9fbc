"""The public site (no sign-in) and the director's publishing page.

Public pages are served from `public.cache` (rendered at publish: no query of visits, no login, no
cookies); anything not published — or of an office that has published nothing — is 404. Documents are
served only while their publication is published. The publishing page is the office director's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from public import cache, workflow
from public.models import Publication, PublicationEvent
from public.selectors import publications_for_user
from schedules.selectors import rounds_for_user
from supervision.errors import DomainError
from supervision.roles import Role, user_roles


def page(request, office_code: str, path: str = ""):
    found = cache.page(office_code, path)
    if found is None:
        raise Http404
    html, etag = found
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        return HttpResponseNotModified()
    response = HttpResponse(html)
    response["ETag"] = quoted
    response["Cache-Control"] = "public, max-age=60"
    # Rendered in Thai at publish whatever the reader's language (and replayed as is by public.fastpath).
    response["Content-Language"] = "th"
    return response


def document(request, office_code: str, pk: int):
    p = (
        Publication.objects.filter(pk=pk, office__code=office_code, status=Publication.Status.PUBLISHED)
        .exclude(document="")
        .first()
    )
    if p is None:
        raise Http404
    return FileResponse(p.document.open("rb"), content_type="application/pdf", filename=f"{p.pk}.pdf")


def _manageable(user):
    return publications_for_user(user).select_related("office", "round", "published_by")


@login_required
def manage(request):
    publications = list(_manageable(request.user).order_by("kind", "-record_date"))
    if not (request.user.is_superuser or Role.OFFICE_DIRECTOR in user_roles(request.user)):
        raise Http404
    published_rounds = {p.round_id for p in publications if p.round_id}
    rounds = [r for r in rounds_for_user(request.user).order_by("-start_date") if r.pk not in published_rounds]
    events = PublicationEvent.objects.filter(publication__in=[p.pk for p in publications]).select_related("by")[:50]
    rows = [(p, [to for (frm, to) in workflow.TRANSITIONS if frm == p.status]) for p in publications]
    return render(request, "public/manage.html", {"rows": rows, "rounds": rounds, "events": events})


@login_required
@require_POST
def transition(request, pk: int, to: str):
    try:
        p = workflow.publication_transition(publication_id=pk, to=to, user=request.user)
        messages.success(request, f"{p.title}: {p.get_status_display()}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("public:manage")


@login_required
@require_POST
def add_round(request, slug: str):
    rnd = rounds_for_user(request.user).filter(slug=slug).first()
    if rnd is None or not workflow.is_publisher(request.user, rnd.office_id):
        raise Http404
    p, _ = Publication.objects.get_or_create(
        kind=Publication.Kind.ROUND,
        round=rnd,
        defaults={"office": rnd.office, "title": rnd.title, "record_date": rnd.end_date or timezone.localdate()},
    )
    return transition(request, p.pk, Publication.Status.PUBLISHED)
