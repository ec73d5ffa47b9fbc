"""The web list of one's in-app notifications, with mark-read (one or all)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from supervision.access import person_for_user
from worker import notify


@login_required
def inbox(request):
    person = person_for_user(request.user)
    items = notify.inbox_for(person).order_by("-sent_at", "-id")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    unread = items.filter(read_at__isnull=True).count()
    return render(request, "worker/inbox.html", {"page": page, "unread": unread, "person": person})


@login_required
@require_POST
def mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notify.notifications_mark_read(person=person_for_user(request.user), ids=ids)
    return redirect("worker:inbox")
