"""The coordinator's plan page (committees × days), moves and locks, re-planning, and the iCal feeds.

Thin callers: reads go through `schedules.selectors`, writes through `schedules.services`. Planners
(coordinator, office director) of the round's office may change the plan; members of the round's committees
see it read-only; anyone else gets 404, the same as a round that does not exist.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from schedules import conflicts as rules
from schedules import ical, services
from schedules.days import be_date, be_date_short, round_days
from schedules.models import Assignment, CalendarFeed, Round
from schedules.selectors import round_committees, round_data, rounds_for_planner, rounds_for_user
from supervision.access import person_for_user
from supervision.models import Committee


def _visible_rounds(user):
    """Planners see their offices' rounds; others only rounds one of their committees works in."""
    planner_rounds = rounds_for_planner(user)
    person = person_for_user(user)
    member_rounds = Round.objects.none()
    if person is not None:
        member_rounds = rounds_for_user(user).filter(committees__memberships__person=person)
    return (planner_rounds | member_rounds).distinct()


def _round_or_404(user, slug, *, plan=False) -> Round:
    rounds = rounds_for_planner(user) if plan else _visible_rounds(user)
    return get_object_or_404(rounds.select_related("office"), slug=slug)


@login_required
def round_list(request):
    rounds = _visible_rounds(request.user).order_by("-start_date")
    rows = [(r, be_date(r.start_date), be_date(r.end_date)) for r in rounds]
    return render(request, "schedules/round_list.html", {"rows": rows})


def _grid(round_, data, conflicts, proposal_for=None):
    """Rows: committees; columns: the round's days; cells: that day's assignments with their conflicts."""
    by_assignment = defaultdict(list)
    for c in conflicts:
        for aid in c.objects.get("assignments", []) or []:
            by_assignment[aid].append(c)
    assignments = (
        Assignment.objects.filter(round=round_)
        .active()
        .select_related("school", "session", "committee")
        .order_by("date", "session__order", "day_order", "id")
    )
    cells = defaultdict(list)
    for a in assignments:
        cells[(a.committee_id, a.date)].append((a, by_assignment.get(a.id, [])))
    days = round_days(round_)
    committees = list(round_committees(round_))
    extra = sorted({a.committee_id for a in assignments} - {c.id for c in committees})
    committees += list(Committee.objects.filter(pk__in=extra))
    rows = []
    for c in committees:
        rows.append(
            {
                "committee": c,
                "members": [m.person.full_name for m in c.memberships.all()],
                "cells": [{"day": d, "items": cells.get((c.id, d.date), [])} for d in days],
                "load": sum(len(cells.get((c.id, d.date), [])) for d in days),
            }
        )
    return {"days": [{"info": d, "label": be_date_short(d.date)} for d in days], "rows": rows}


@login_required
def round_detail(request, slug, *, status=200, refused=None, unplaced=None, preview=None, preview_of=None):
    round_ = _round_or_404(request.user, slug)
    can_plan = rounds_for_planner(request.user).filter(pk=round_.pk).exists()
    data = round_data(round_)
    conflicts = rules.check(data)
    context = {
        "round": round_,
        "start": be_date(round_.start_date),
        "end": be_date(round_.end_date),
        "grid": _grid(round_, data, conflicts),
        "conflicts": conflicts,
        "errors": len(rules.errors(conflicts)),
        "warnings": len(conflicts) - len(rules.errors(conflicts)),
        "total_km": rules.total_km(data),
        "can_plan": can_plan,
        "refused": refused or [],
        "unplaced": unplaced or [],
        "committees": list(round_committees(round_)),
        "sessions": list(round_.sessions.all()),
        "counted_days": [(d.date, be_date(d.date)) for d in round_days(round_) if d.counted],
        "preview": preview,
        "preview_of": preview_of,
    }
    return render(request, "schedules/round_detail.html", context, status=status)


def _parse_move(request, round_):
    errors = {}
    try:
        committee_id = int(request.POST.get("committee", ""))
        if not round_.committees.filter(pk=committee_id).exists():
            errors["committee"] = "ไม่พบคณะนี้ในรอบ / no such committee in this round"
    except ValueError:
        committee_id = None
        errors["committee"] = "เลือกคณะกรรมการ / choose a committee"
    try:
        date = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        date = None
        errors["date"] = "วันที่ไม่ถูกต้อง (YYYY-MM-DD) / invalid date (YYYY-MM-DD)"
    try:
        session_id = int(request.POST.get("session", ""))
        if not round_.sessions.filter(pk=session_id).exists():
            errors["session"] = "ไม่พบช่วงเวลานี้ในรอบ / no such session in this round"
    except ValueError:
        session_id = None
        errors["session"] = "เลือกช่วงเวลา / choose a session"
    reason = request.POST.get("reason", "").strip()
    if not reason and not request.POST.get("preview"):
        errors["reason"] = "ต้องระบุเหตุผลการย้าย / a reason for the move is required"
    return committee_id, date, session_id, reason, errors


@login_required
@require_POST
def assignment_move(request, slug, pk):
    round_ = _round_or_404(request.user, slug, plan=True)
    assignment = get_object_or_404(Assignment.objects.filter(round=round_).active(), pk=pk)
    committee_id, date, session_id, reason, errors = _parse_move(request, round_)
    if errors:
        refused = [
            rules.Conflict("invalid_input", "error", msg.split(" / ")[0], msg.split(" / ")[-1], {"field": field})
            for field, msg in errors.items()
        ]
        return round_detail(request, slug, status=400, refused=refused)
    if request.POST.get("preview"):
        # "Check" button: show what the move would cause, save nothing.
        found = services.move_conflicts(
            assignment=assignment, committee_id=committee_id, date=date, session_id=session_id
        )
        return round_detail(request, slug, preview=found, preview_of=assignment)
    try:
        services.assignment_move(
            assignment=assignment, committee_id=committee_id, date=date, session_id=session_id, reason=reason
        )
    except services.MoveRefused as exc:
        return round_detail(request, slug, status=400, refused=exc.conflicts)
    except ValidationError as exc:
        refused = [rules.Conflict("invalid_input", "error", m, m, {}) for m in exc.messages]
        return round_detail(request, slug, status=400, refused=refused)
    warnings = services.move_conflicts(
        assignment=assignment, committee_id=committee_id, date=date, session_id=session_id
    )
    messages.success(request, f"ย้ายแล้ว (moved): {assignment.school} → {be_date(date)}")
    for w in warnings:
        messages.warning(request, f"{w.message_th} / {w.message_en}")
    return redirect(reverse("schedules:round", args=[slug]))


@login_required
@require_POST
def assignment_lock(request, slug, pk):
    round_ = _round_or_404(request.user, slug, plan=True)
    assignment = get_object_or_404(Assignment.objects.filter(round=round_).active(), pk=pk)
    services.assignment_set_locked(assignment=assignment, locked=request.POST.get("locked") == "1")
    return redirect(reverse("schedules:round", args=[slug]))


@login_required
@require_POST
def round_replan(request, slug):
    round_ = _round_or_404(request.user, slug, plan=True)
    try:
        _, plan = services.round_plan(round_=round_)
    except ValidationError as exc:
        refused = [
            rules.Conflict("invalid_input", "error", m.split(" / ")[0], m.split(" / ")[-1], {}) for m in exc.messages
        ]
        return round_detail(request, slug, status=400, refused=refused)
    if not plan.complete:
        return round_detail(request, slug, status=400, unplaced=plan.unplaced)
    counts = services.plan_apply(round_=round_, plan=plan)
    messages.success(
        request,
        f"วางแผนใหม่แล้ว (re-planned): {plan.total_km:.0f} กม. — " + ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    return redirect(reverse("schedules:round", args=[slug]))


def ical_feed(request, token):
    feed = CalendarFeed.objects.select_related("person", "committee").filter(token=token).first()
    if feed is None:
        raise Http404("no such calendar")
    response = HttpResponse(ical.feed_calendar(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nithet.ics"'
    return response


@login_required
def my_calendars(request):
    """The user's own feed link and their committees' links; POST revoke=<feed id> replaces a token."""
    person = person_for_user(request.user)
    if person is None:
        raise Http404("no person")
    feeds = [services.calendar_feed_get(person=person)]
    feeds += [services.calendar_feed_get(committee=c) for c in person.committees.order_by("number", "id")]
    if request.method == "POST":
        feed = next((f for f in feeds if str(f.pk) == request.POST.get("revoke")), None)
        if feed is None:
            raise Http404("no such feed")
        services.calendar_feed_revoke(feed=feed)
        messages.success(request, "ยกเลิกลิงก์เดิมและสร้างลิงก์ใหม่แล้ว (old link revoked, new link made)")
        return redirect(reverse("schedules:calendars"))
    links = [(f, request.build_absolute_uri(reverse("schedules:ical", args=[f.token]))) for f in feeds]
    return render(request, "schedules/calendars.html", {"links": links})
