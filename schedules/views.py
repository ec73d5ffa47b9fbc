"""The coordinator's plan page (committees × days), moves and locks, re-planning, and the iCal feeds.

Thin callers: reads go through `schedules.selectors`, writes through `schedules.services`. Planners
(coordinator, office director) of the round's office may change the plan; everyone else who sees the round
(`schedules.selectors.rounds_for_user`) reads it; anyone else gets 404, the same as a round that does not exist.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schedules import conflicts as rules
from schedules import ical, services
from schedules.days import be_date, be_date_short, round_days
from schedules.errors import DomainError, InvalidInput
from schedules.models import Assignment, CalendarFeed, PlanRun, Round
from schedules.selectors import round_committees, round_data, rounds_for_planner, rounds_for_user
from supervision.access import person_for_user
from supervision.models import Committee


def _round_or_404(user, slug, *, plan=False) -> Round:
    rounds = rounds_for_planner(user) if plan else rounds_for_user(user)
    return get_object_or_404(rounds.select_related("office"), slug=slug)


@login_required
def round_list(request):
    rounds = rounds_for_user(request.user).order_by("-start_date")
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
def round_detail(
    request,
    slug,
    *,
    status=200,
    refused=None,
    unplaced=None,
    preview=None,
    preview_of=None,
    replan=None,
    replan_fresh=False,
    replan_stale=False,
):
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
        # the dry run of a re-plan, waiting for the coordinator's confirmation (services.preview_as_dict)
        "replan": replan,
        "replan_fresh": replan_fresh,
        "replan_stale": replan_stale,
    }
    return render(request, "schedules/round_detail.html", context, status=status)


@dataclass(frozen=True)
class Shown:
    """A refusal as the page lists it: one line per field message, or the error's own message."""

    code: str
    message_th: str
    message_en: str
    severity: str = "error"
    field: str = ""


def _shown(exc: DomainError) -> list:
    """The page's lines for a domain error: its conflicts when it has them, else its message and fields."""
    if exc.objects and all(isinstance(o, rules.Conflict) for o in exc.objects):
        return list(exc.objects)
    lines = [Shown(exc.code, exc.message_th, exc.message_en)]
    for field, msgs in exc.fields.items():
        for m in msgs if isinstance(msgs, list | tuple) else [msgs]:
            lines.append(Shown(exc.code, str(m), str(m), field=field))
    return lines


def _parse_move(request, round_):
    """The move form's committee, date (ISO or Buddhist Era dd/mm/yyyy), session and reason; InvalidInput
    with a message per field when any is wrong."""
    fields = {}
    try:
        committee_id = int(request.POST.get("committee", ""))
        if not round_.committees.filter(pk=committee_id).exists():
            fields["committee"] = [_("ไม่พบคณะนี้ในรอบ")]
    except ValueError:
        committee_id = None
        fields["committee"] = [_("เลือกคณะกรรมการ")]
    date = parse_date_be(request.POST.get("date", ""))
    if date is None:
        fields["date"] = [_("วันที่ไม่ถูกต้อง (วว/ดด/ปปปป พ.ศ.)")]
    try:
        session_id = int(request.POST.get("session", ""))
        if not round_.sessions.filter(pk=session_id).exists():
            fields["session"] = [_("ไม่พบช่วงเวลานี้ในรอบ")]
    except ValueError:
        session_id = None
        fields["session"] = [_("เลือกช่วงเวลา")]
    reason = request.POST.get("reason", "").strip()
    if not reason and not request.POST.get("preview"):
        fields["reason"] = [_("ต้องระบุเหตุผลการย้าย")]
    if fields:
        raise InvalidInput(fields=fields)
    return committee_id, date, session_id, reason


def parse_date_be(text: str) -> datetime.date | None:
    """24/07/2563 (Buddhist Era, as people type it) or 2020-07-24 (the date picker)."""
    text = (text or "").strip()
    try:
        if "/" in text:
            d, m, y = (int(x) for x in text.split("/"))
            return datetime.date(y - 543 if y > 2400 else y, m, d)
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
@require_POST
def assignment_move(request, slug, pk):
    round_ = _round_or_404(request.user, slug, plan=True)
    assignment = get_object_or_404(Assignment.objects.filter(round=round_).active(), pk=pk)
    try:
        committee_id, date, session_id, reason = _parse_move(request, round_)
        if request.POST.get("preview"):
            # "Check" button: show what the move would cause, save nothing.
            found = services.move_conflicts(
                assignment=assignment, committee_id=committee_id, date=date, session_id=session_id
            )
            return round_detail(request, slug, preview=found, preview_of=assignment)
        services.assignment_move(
            assignment=assignment,
            committee_id=committee_id,
            date=date,
            session_id=session_id,
            reason=reason,
            user=request.user,
        )
    except DomainError as exc:
        return round_detail(request, slug, status=exc.http_status, refused=_shown(exc))
    warnings = services.move_conflicts(
        assignment=assignment, committee_id=committee_id, date=date, session_id=session_id
    )
    messages.success(request, _("ย้ายแล้ว: %(school)s → %(date)s") % {"school": assignment.school, "date": be_date(date)})
    language = get_language()
    for w in warnings:
        messages.warning(request, w.message_en if (language or "").startswith("en") else w.message_th)
    return redirect(reverse("schedules:round", args=[slug]))


@login_required
@require_POST
def assignment_lock(request, slug, pk):
    round_ = _round_or_404(request.user, slug, plan=True)
    assignment = get_object_or_404(Assignment.objects.filter(round=round_).active(), pk=pk)
    try:
        services.assignment_set_locked(
            assignment=assignment, locked=request.POST.get("locked") == "1", user=request.user
        )
    except DomainError as exc:
        return round_detail(request, slug, status=exc.http_status, refused=_shown(exc))
    return redirect(reverse("schedules:round", args=[slug]))


def _in_worker(round_) -> bool:
    """Large rounds re-plan in the worker (the request would otherwise wait for the solver)."""
    return services.round_target_schools(round_).count() > settings.SCHEDULES_WORKER_REPLAN_SCHOOLS


@login_required
@require_POST
def round_replan(request, slug):
    """Re-plan in two steps: first the preview (n new, n moved, n cancelled, each with its reason), then the
    coordinator's confirmation (`confirm` = the preview's fingerprint) saves exactly that plan. Large rounds
    do both in the worker and the page shows its progress."""
    round_ = _round_or_404(request.user, slug, plan=True)
    fresh = request.POST.get("fresh") == "1"
    fingerprint = request.POST.get("confirm", "")
    if _in_worker(round_):
        run = services.plan_run_start(
            round_=round_, user=request.user, fresh=fresh, apply=bool(fingerprint), fingerprint=fingerprint
        )
        return redirect(reverse("schedules:plan_run", args=[slug, run.pk]))
    try:
        data, plan_, changes = services.round_replan_preview(round_=round_, fresh=fresh)
    except DomainError as exc:
        return round_detail(request, slug, status=exc.http_status, refused=_shown(exc))
    if not plan_.complete:
        return round_detail(request, slug, status=409, unplaced=plan_.unplaced)
    preview = services.preview_as_dict(plan_, changes, data)
    if fingerprint and fingerprint == preview["fingerprint"]:
        try:
            counts = services.plan_apply(round_=round_, plan=plan_, data=data, user=request.user)
        except DomainError as exc:
            return round_detail(request, slug, status=exc.http_status, refused=_shown(exc))
        messages.success(
            request,
            _("วางแผนใหม่แล้ว: ใหม่ %(created)s ย้าย %(moved)s ยกเลิก %(cancelled)s ไม่เปลี่ยน %(unchanged)s") % counts,
        )
        return redirect(reverse("schedules:round", args=[slug]))
    # First click, or the plan changed since the coordinator looked: show what it would change and ask.
    return round_detail(request, slug, replan=preview, replan_fresh=fresh, replan_stale=bool(fingerprint))


@login_required
def plan_run(request, slug, pk):
    """A re-plan in the worker: its progress (the page refreshes itself), then its preview or what it saved."""
    round_ = _round_or_404(request.user, slug, plan=True)
    run = get_object_or_404(PlanRun.objects.filter(round=round_), pk=pk)
    result = run.result or {}
    if run.status == PlanRun.Status.DONE and result.get("applied"):
        messages.success(
            request,
            _("วางแผนใหม่แล้ว: ใหม่ %(created)s ย้าย %(moved)s ยกเลิก %(cancelled)s ไม่เปลี่ยน %(unchanged)s")
            % result["applied"],
        )
        return redirect(reverse("schedules:round", args=[slug]))
    if run.status == PlanRun.Status.DONE:
        if not result.get("complete"):
            return round_detail(request, slug, status=409, unplaced=[Shown(**u_shown(u)) for u in result["unplaced"]])
        return round_detail(
            request, slug, replan=result, replan_fresh=run.fresh, replan_stale=bool(result.get("stale"))
        )
    if run.status == PlanRun.Status.FAILED:
        err = result.get("error", {})
        line = Shown(err.get("code", "plan_failed"), err.get("message_th", ""), err.get("message_en", ""))
        return round_detail(request, slug, status=409, refused=[line])
    return render(
        request, "schedules/plan_run.html", {"round": round_, "run": run, "percent": round(100 * run.progress)}
    )


def u_shown(u: dict) -> dict:
    return {"code": u["code"], "message_th": u["message_th"], "message_en": u["message_en"]}


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
        messages.success(request, _("ยกเลิกลิงก์เดิมและสร้างลิงก์ใหม่แล้ว"))
        return redirect(reverse("schedules:calendars"))
    links = [(f, request.build_absolute_uri(reverse("schedules:ical", args=[f.token]))) for f in feeds]
    return render(request, "schedules/calendars.html", {"links": links})
