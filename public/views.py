"""The public site (no sign-in) and the director's publishing page.

Public pages are served from `public.cache` (rendered at publish in each language: no query of visits, no
login, no cookies set) in the reader's language, chosen as on every other page (the language cookie the
switch sets, else the browser's Accept-Language, else Thai); anything not published — or of an office that
has published nothing — is 404. Documents are served only while their publication is published. The
publishing page is the office director's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from public import cache, workflow
from public.models import Publication, PublicationEvent
from public.selectors import publications_for_user
from schedules.selectors import rounds_for_user
from supervision.confirm import ask_first
from supervision.errors import DomainError
from supervision.roles import Role, user_roles


def page(request, office_code: str, path: str = ""):
    # LocaleMiddleware chose the reader's language (public.fastpath chooses it the same way for replays).
    found = cache.page(office_code, path, translation.get_language())
    if found is None:
        raise Http404
    html, etag, language = found
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(html)
        response["Cache-Control"] = "public, max-age=60"
    response["ETag"] = quoted
    response["Content-Language"] = language
    # The page depends on the language cookie and Accept-Language only: a shared cache keeps one per language.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@csrf_exempt  # the public pages carry no token (they are the same for every reader); a language is no secret
@require_POST
def language(request):
    """The public pages' language switch: sets the same cookie as Django's set_language and goes back."""
    next_url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = redirect(next_url if safe and next_url.startswith("/public/") else "/")
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
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
def _ask_before_publishing(request, publication: Publication, to: str):
    """The page that says what publishing (or withdrawing) does, before it is done; None once confirmed."""
    where = f"/public/{publication.office.code}/" + (
        f"rounds/{publication.round.slug}/" if publication.round_id else "ita/"
    )
    if to == Publication.Status.WITHDRAWN:
        return ask_first(
            request,
            title=_("ยืนยันการถอนการเผยแพร่"),
            subject=publication.title,
            consequences=[
                _("หน้าสาธารณะ %(where)s จะไม่แสดงรายการนี้อีก") % {"where": where},
                _("การถอนจะถูกบันทึกในบันทึกการเผยแพร่ และเผยแพร่ใหม่ได้ภายหลัง"),
            ],
            button=_("ถอนการเผยแพร่"),
            back=reverse("public:manage"),
            danger=True,
        )
    return ask_first(
        request,
        title=_("ยืนยันการเผยแพร่ต่อสาธารณะ"),
        subject=publication.title,
        consequences=[
            _("ทุกคนจะอ่านรายการนี้ได้ที่ %(where)s โดยไม่ต้องเข้าระบบ") % {"where": where},
            _("ข้อมูลที่แสดงคือข้อมูล ณ เวลาที่เผยแพร่ และการเผยแพร่จะถูกบันทึกพร้อมชื่อท่าน"),
        ],
        button=_("เผยแพร่"),
        back=reverse("public:manage"),
    )


def transition(request, pk: int, to: str):
    """Publish or withdraw, after the confirmation page (a form posted here without confirm=1 gets that page)."""
    publication = publications_for_user(request.user).select_related("office", "round").filter(pk=pk).first()
    if publication is not None and (page := _ask_before_publishing(request, publication, to)):
        return page
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
    existing = Publication.objects.filter(kind=Publication.Kind.ROUND, round=rnd).first()
    preview = existing or Publication(kind=Publication.Kind.ROUND, round=rnd, office=rnd.office, title=rnd.title)
    if page := _ask_before_publishing(request, preview, Publication.Status.PUBLISHED):
        return page
    p, _created = Publication.objects.get_or_create(
        kind=Publication.Kind.ROUND,
        round=rnd,
        defaults={"office": rnd.office, "title": rnd.title, "record_date": rnd.end_date or timezone.localdate()},
    )
    return transition(request, p.pk, Publication.Status.PUBLISHED)
