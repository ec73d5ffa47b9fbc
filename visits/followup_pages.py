"""A follow-up's own page: what was recommended, what the school answered (notes and evidence files), the log
with the office's comments, and the one form the reader may use — the school answers with evidence, the office
accepts the answer or sends it back with a comment. Writes go through `visits.followups.followup_transition`.
The due date moves only by a request (the school or the office, with a reason) that another person of the
office approves or refuses (`visits.followups.due_change_request` / `due_change_decide`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision.dates import BuddhistDateField
from visits import followups as lifecycle
from visits.errors import VisitError
from visits.models import FollowUp, FollowUpDueChange, FollowUpEvidence
from visits.selectors import followups_for_user

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _followup_or_404(user, pk) -> FollowUp:
    fu = (
        followups_for_user(user)
        .select_related("school__director", "source_visit__round", "owner")
        .prefetch_related("files", "transitions__by__person", "due_changes__requested_by__person")
        .filter(pk=pk)
        .first()
    )
    if fu is None:
        raise Http404
    return fu


def _render(request, fu, *, status=200, errors=None, form=None):
    relations = lifecycle.followup_relations(fu, request.user)
    moves = dict((action, to) for to, action in lifecycle.allowed_moves(fu, relations))
    changes = list(fu.due_changes.all())
    pending = next((c for c in changes if c.status == FollowUpDueChange.Status.PENDING), None)
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
            "due_changes": changes,
            "pending_change": pending,
            "can_ask_due": fu.status in FollowUp.OPEN_STATUSES and pending is None and bool(relations),
            "can_decide_due": pending is not None
            and "office" in relations
            and pending.requested_by_id != request.user.pk,
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


@login_required
@require_POST
def followup_due(request, pk):
    """Ask to move the due date (`action=ask`: a Buddhist-Era date and a reason) or decide the pending request
    (`action=approve` / `refuse`, a comment needed to refuse)."""
    from django import forms

    fu = _followup_or_404(request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action == "ask":
            try:
                due_date = BuddhistDateField().clean(request.POST.get("due_date", ""))
            except forms.ValidationError as exc:
                return _render(request, fu, status=400, errors={"due": " ".join(exc.messages)}, form=request.POST)
            if due_date is None:
                return _render(request, fu, status=400, errors={"due": _("กรุณาระบุกำหนดเสร็จใหม่")}, form=request.POST)
            lifecycle.due_change_request(
                followup_id=fu.pk, user=request.user, due_date=due_date, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("ส่งคำขอเลื่อนกำหนดเสร็จแล้ว รอสำนักงานเขตพิจารณา"))
        elif action in ("approve", "refuse"):
            pending = fu.due_changes.filter(status=FollowUpDueChange.Status.PENDING).first()
            if pending is None:
                raise Http404
            to = FollowUpDueChange.Status.APPROVED if action == "approve" else FollowUpDueChange.Status.REFUSED
            lifecycle.due_change_decide(
                followup_id=fu.pk,
                request_id=pending.pk,
                to=to,
                user=request.user,
                comment=request.POST.get("decision_comment", ""),
            )
            messages.success(request, _("บันทึกผลการพิจารณาแล้ว"))
        else:
            raise Http404
    except VisitError as exc:
        return _render(request, fu, status=exc.http_status, errors={"due": exc.message}, form=request.POST)
    return redirect("visits:followup_detail", pk=fu.pk)
