"""A follow-up's own page: what was recommended, what the school answered (notes and evidence files), the log
with the office's comments, and the one form the reader may use — the school answers with evidence, the office
accepts the answer or sends it back with a comment. Writes go through `visits.followups.followup_transition`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from visits import followups as lifecycle
from visits.errors import VisitError
from visits.models import FollowUp, FollowUpEvidence
from visits.selectors import followups_for_user

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _followup_or_404(user, pk) -> FollowUp:
    fu = (
        followups_for_user(user)
        .select_related("school__director", "source_visit__round", "owner")
        .prefetch_related("files", "transitions__by__person")
        .filter(pk=pk)
        .first()
    )
    if fu is None:
        raise Http404
    return fu


def _render(request, fu, *, status=200, errors=None, form=None):
    relations = lifecycle.followup_relations(fu, request.user)
    moves = dict((action, to) for to, action in lifecycle.allowed_moves(fu, relations))
    return render(
        request,
        "visits/followup_detail.html",
        {
            "fu": fu,
            "files": list(fu.files.all()),
            "log": list(fu.transitions.all()),
            "can_answer": "answer" in moves,
            "can_start": "start" in moves,
            "can_review": "accept" in moves,
            "errors": errors or {},
            "form": form or {},
            "accept": ACCEPT,
        },
        status=status,
    )


@login_required
def followup_detail(request, pk):
    if request.method == "POST":  # the follow-up list's quick status/notes form posts here
        from visits.views import followup_change

        return followup_change(request, pk)
    return _render(request, _followup_or_404(request.user, pk))


@login_required
@require_POST
def followup_act(request, pk):
    """One POST per action: answer (notes + files), start, accept, send_back (comment required)."""
    fu = _followup_or_404(request.user, pk)
    action = request.POST.get("action", "")
    targets = {"answer": FollowUp.Status.DONE, "start": FollowUp.Status.IN_PROGRESS}
    targets |= {"accept": FollowUp.Status.VERIFIED, "send_back": FollowUp.Status.IN_PROGRESS}
    if action not in targets:
        raise Http404
    kwargs = {"comment": request.POST.get("comment", "")}
    if action == "answer":
        kwargs |= {"answer": request.POST.get("notes", ""), "files": request.FILES.getlist("files")}
    try:
        lifecycle.followup_transition(followup_id=fu.pk, to=targets[action], user=request.user, **kwargs)
    except VisitError as exc:
        message = exc.message  # Thai / English, as every refusal reads
        field = "comment" if action == "send_back" else "notes"
        return _render(request, fu, status=exc.http_status, errors={field: message}, form=request.POST)
    label_th, label_en = lifecycle.ACTION_LABELS[action]
    messages.success(request, label_en if get_language() == "en" else label_th)
    return redirect("visits:followup_detail", pk=fu.pk)


@login_required
def followup_file(request, pk, file_id):
    """An answer's evidence file, only for people who may see the follow-up (media is never served directly)."""
    item = FollowUpEvidence.objects.filter(pk=file_id, followup__in=followups_for_user(request.user).filter(pk=pk))
    item = item.first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), content_type=item.content_type)
