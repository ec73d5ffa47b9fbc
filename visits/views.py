"""Web pages for people who are not on a tablet: the visit list, a visit's record with its review actions
(chairs approve or return, school directors acknowledge), evidence files behind the access rule, and the
follow-ups a school works on.

Thin callers: reads through `visits.selectors` (missing and not-yours are both 404), writes through
`visits.workflow` and `visits.followups`; refusals come back as messages in Thai and English.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from schedules.selectors import rounds_for_user
from visits import selectors, workflow
from visits.errors import VisitError
from visits.followups import FOLLOWUP_TRANSITIONS, followup_relations, followup_update
from visits.models import FollowUp, Visit

PAGE_SIZE = 50


@login_required
def visit_list(request):
    qs = (
        selectors.visits_for_user(request.user)
        .select_related("school", "round", "committee", "assignment")
        .annotate(missing=Count("evidence", filter=Q(evidence__file="") | Q(evidence__file__isnull=True)))
        .order_by("-assignment__date", "school__name_th")
    )
    status = request.GET.get("status")
    if status in Visit.Status.values:
        qs = qs.filter(status=status)
    round_slug = request.GET.get("round")
    if round_slug:
        qs = qs.filter(round__slug=round_slug)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rounds = rounds_for_user(request.user).order_by("-start_date")
    return render(
        request,
        "visits/visit_list.html",
        {
            "page": page,
            "statuses": Visit.Status.choices,
            "status": status,
            "rounds": rounds,
            "round_slug": round_slug,
        },
    )


def _visit_or_404(request, visit_id) -> Visit:
    visit = selectors.visit_detail(visit_id, request.user)
    if visit is None:
        raise Http404
    return visit


@login_required
def visit_detail(request, visit_id):
    visit = _visit_or_404(request, visit_id)
    answers = {a.item_id: a for a in visit.answers.all()}
    sections = []
    by_section = defaultdict(list)
    items = visit.instrument_version.items.select_related("section").order_by("section__order", "order", "id")
    for item in items:
        by_section[item.section_id].append((item, answers.get(item.id), _shown(item, answers.get(item.id))))
    scores = {s["section_id"]: s for s in visit.section_scores or []}
    for section in visit.instrument_version.sections.order_by("order", "id"):
        sections.append(
            {
                "section": section,
                "rows": by_section.get(section.id, []),
                "score": scores.get(section.id, {}).get("percent"),
            }
        )
    evidence = list(visit.evidence.all())
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "sections": sections,
            "failed": {f["code"] for f in visit.failed_items or []},
            "evidence": [e for e in evidence if e.is_uploaded],
            "missing": [e for e in evidence if not e.is_uploaded],
            "signatures": list(visit.signatures.all()),
            "log": list(visit.transitions.select_related("by")),
            "moves": [
                (to, Visit.Status(to).label, to in CONFIRM_FIRST)
                for to in workflow.allowed_transitions(visit, request.user)
            ],
            "followups": list(visit.followups.order_by("recommendation_index")),
            "gps_warn_m": settings.VISIT_GPS_ACCURACY_WARN_M,
        },
    )


def _shown(item, answer) -> str:
    """An answer as a person reads it: the level's descriptor, the option's label, yes/no in Thai."""
    if answer is None or answer.value in (None, "", []):
        return "—"
    value = answer.value
    if item.type == "rating":
        label = next((lv["label"] for lv in item.levels if lv["value"] == value), "")
        return f"{value} / {len(item.levels)} — {label}" if label else str(value)
    if item.type == "yes_no":
        return gettext("ใช่") if value else gettext("ไม่ใช่")
    if item.type in ("single_choice", "multi_choice"):
        labels = {o["value"]: o["label"] for o in item.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    return str(value)


# Moves that cannot be undone by the one who makes them, or that reach other people: asked first, on a page that
# says what will happen (works without JavaScript: the button is a link to it, the page holds the real form).
CONFIRM_FIRST = {Visit.Status.APPROVED, Visit.Status.RETURNED}


def _confirm_context(visit, to) -> dict:
    recommendations = [r for r in visit.recommendations or [] if str(r).strip()]
    return {
        "visit": visit,
        "to": to,
        "to_label": Visit.Status(to).label,
        "recommendations": recommendations,
        "committee": visit.committee,
        "director": visit.school.director,
    }


def _confirm_page(request, visit, to, *, status=200, error=""):
    context = _confirm_context(visit, to) | {"error": error, "comment": request.POST.get("comment", "")}
    return render(request, "visits/transition_confirm.html", context, status=status)


@login_required
def visit_transition(request, visit_id):
    """GET ?to=…: the confirmation page of an approve or a return. POST: the move (approve and return only with
    `confirm=1`, i.e. from the confirmation page)."""
    visit = _visit_or_404(request, visit_id)
    allowed = workflow.allowed_transitions(visit, request.user)
    if request.method != "POST":
        to = request.GET.get("to", "")
        if to not in CONFIRM_FIRST or to not in allowed:
            raise Http404
        return _confirm_page(request, visit, to)
    to = request.POST.get("to", "")
    if to in CONFIRM_FIRST and to in allowed and request.POST.get("confirm") != "1":
        return _confirm_page(request, visit, to)  # asked first, even when a form posts here directly
    try:
        workflow.visit_transition(
            visit_id=visit.pk,
            to=to,
            user=request.user,
            comment=request.POST.get("comment", ""),
            expected_version=_int(request.POST.get("version")),
        )
    except VisitError as exc:
        if to in CONFIRM_FIRST and exc.code == "comment_required":
            return _confirm_page(request, visit, to, status=400, error=exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("บันทึกแล้ว: %(status)s") % {"status": Visit.Status(to).label})
    return redirect("visits:detail", visit_id=visit.pk)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def evidence_file(request, visit_id, evidence_id, thumb=False):
    """Evidence bytes only for people who may see the visit (media URLs are never linked directly)."""
    found = selectors.evidence_file_for_user(request.user, visit_id, evidence_id, thumbnail=thumb)
    if found is None:
        raise Http404
    handle, content_type = found
    return FileResponse(handle, content_type=content_type)


@login_required
def signature_file(request, visit_id, signature_id):
    """A signature's image, only for people who may see the visit."""
    handle = selectors.signature_file_for_user(request.user, visit_id, signature_id)
    if handle is None:
        raise Http404
    return FileResponse(handle, content_type="image/png")


@login_required
def followup_list(request):
    qs = (
        selectors.followups_for_user(request.user)
        .select_related("school", "owner", "source_visit__round")
        .order_by("status", "due_date", "id")
    )
    status = request.GET.get("status")
    if status in FollowUp.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for fu in page:
        rel = followup_relations(fu, request.user)
        moves = [
            (to, FollowUp.Status(to).label)
            for (frm, to), who in FOLLOWUP_TRANSITIONS.items()
            if frm == fu.status and rel & who
        ]
        rows.append((fu, moves, bool(rel)))
    return render(
        request,
        "visits/followup_list.html",
        {
            "page": page,
            "rows": rows,
            "statuses": FollowUp.Status.choices,
            "status": status,
        },
    )


@login_required
@require_POST
def followup_change(request, pk):
    try:
        followup_update(
            followup_id=pk,
            user=request.user,
            status=request.POST.get("status") or None,
            notes=request.POST.get("notes") if "notes" in request.POST else None,
        )
    except VisitError as exc:
        if exc.http_status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("บันทึกแล้ว"))
    return redirect("visits:followups")


def verify_document(request, code: str):
    """Public: does a printed report's code belong to a document the office issued, and does the record
    still say the same? Shows kind, school, date, status and content hash without sign-in; the PDF itself
    is linked only for a signed-in reader the access rule lets see the visit."""
    from django.urls import reverse

    from visits.reports.verification import KIND_LABELS, check

    result = check(code)
    pdf_url = None
    if result.known and result.document.kind == "visit" and request.user.is_authenticated:
        if selectors.visits_for_user(request.user).filter(pk=result.document.object_key).exists():
            pdf_url = reverse("visit-report", args=[result.document.object_key])
    kind_label = KIND_LABELS.get(result.document.kind, result.document.kind) if result.known else ""
    return render(
        request,
        "visits/verify.html",
        {"result": result, "kind_label": kind_label, "pdf_url": pdf_url},
        status=200 if result.known else 404,
    )
