"""Office pages for meetings and participation: secretaries create meetings, send the letters, take
attendance, write and sign the minutes and certify the last ones; invitees answer; documents show their
history; surveys are answered and their results read; opinions asked and answered.

Thin callers: reads through `meetings.selectors` (missing and not-yours are both 404), writes through
`meetings.services` / `meetings.workflow`; refusals come back as messages in the reader's language.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import files, selectors, services, workflow
from meetings.forms import AgendaItemForm, AnswerForm, MeetingForm, OpinionForm
from meetings.models import DocumentVersion, Invitation, Meeting, ParticipationRecord, Resolution, SurveyInvitation
from meetings.surveystats import LIKERT, survey_results
from supervision.confirm import ask_first
from supervision.errors import DomainError
from supervision.models import Committee, Membership, Person
from supervision.roles import Role, user_roles

BANGKOK = ZoneInfo("Asia/Bangkok")


def _refused(request, exc: DomainError) -> None:
    messages.error(request, exc.message_for(translation.get_language()))
    for field, errors in (exc.fields or {}).items():
        for e in errors:
            messages.error(request, f"{field}: {e}")


def _meeting_or_404(request, pk) -> Meeting:
    meeting = selectors.meetings_for_user(request.user).select_related("committee", "office").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _creatable_committees(user):
    qs = Committee.objects.for_user(user).filter(is_active=True)
    if user.is_superuser or Role.COORDINATOR in user_roles(user):
        return qs
    return qs.filter(memberships__person__user=user, memberships__role=Membership.Role.SECRETARY)


@login_required
def meeting_list(request):
    meetings = (
        selectors.meetings_for_user(request.user)
        .select_related("committee")
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=~Q(invitations__answer=Invitation.Answer.PENDING)),
        )
    )
    mine = (
        selectors.invitations_for_user(request.user)
        .filter(person__user=request.user, meeting__status=Meeting.Status.INVITED)
        .select_related("meeting")
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {"meetings": meetings, "mine": mine, "can_create": _creatable_committees(request.user).exists()},
    )


@login_required
def meeting_new(request):
    committees = _creatable_committees(request.user)
    if not committees.exists():
        raise Http404
    form = MeetingForm(request.POST or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        committee = data.pop("committee")
        try:
            meeting = services.meeting_create(committee=committee, user=request.user, **data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("สร้างการประชุมครั้งที่ %(n)s แล้ว") % {"n": meeting.number_label})
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    agenda = list(
        meeting.agenda.select_related("presenter", "parent").prefetch_related(
            "resolutions__document_version__document", "resolutions__actions__owner", "attachments"
        )
    )
    agenda.sort(key=lambda i: (i.parent.number if i.parent_id else i.number, i.number if i.parent_id else 0))
    tops = [i for i in agenda if i.parent_id is None]
    for top in tops:
        top.subs = [i for i in agenda if i.parent_id == top.pk]
    invitations = list(meeting.invitations.select_related("person"))
    relations = workflow.actor_relations(meeting, request.user)
    editor = bool(relations & {"secretary", "coordinator", "note_taker"})
    answered = sum(1 for i in invitations if i.answer != Invitation.Answer.PENDING)
    previous = (
        Meeting.objects.filter(committee=meeting.committee, status=Meeting.Status.MINUTED)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, number__lt=meeting.number))
        .order_by("-date", "-number")
        .first()
    )
    people = Person.objects.filter(office=meeting.office, is_active=True).order_by("first_name")
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "tops": tops,
            "invitations": invitations,
            "answered": answered,
            "editor": editor,
            "transitions": workflow.allowed_transitions(meeting, request.user),
            "previous": previous
            if editor and meeting.status in (Meeting.Status.INVITED, Meeting.Status.HELD)
            else None,
            "agenda_form": AgendaItemForm(people=people),
            "people": people if editor else [],
            "opinions": selectors.opinions_for_user(request.user).filter(meeting=meeting),
            "opinion_form": OpinionForm(),
            "can_sign": meeting.status == Meeting.Status.HELD and bool(relations & {"note_taker", "checker"}),
            "agenda": agenda,
            "can_attach": editor and meeting.status not in (Meeting.Status.CERTIFIED, Meeting.Status.CANCELLED),
            "can_add_photos": editor
            and meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.CERTIFIED, Meeting.Status.CANCELLED),
            "photos": meeting.photos.order_by("taken_at", "id"),
            "can_resolve": editor and meeting.status in (Meeting.Status.INVITED, Meeting.Status.HELD),
            "resolution_kinds": Resolution.Kind.choices,
            "open_versions": DocumentVersion.objects.filter(document__office_id=meeting.office_id)
            .exclude(status=DocumentVersion.Status.APPROVED)
            .select_related("document")
            .order_by("document__title", "-number"),
            "action_rows": range(RESOLUTION_ACTION_ROWS),
            "accept": files.ACCEPT,
            "accept_images": files.ACCEPT_IMAGES,
        },
    )


@login_required
def meeting_edit(request, pk):
    """The meeting's details, the letter (ที่, ลงวันที่, เรื่อง, เรียน, สิ่งที่ส่งมาด้วย, body, signer) and who takes
    and checks the minutes: the editors, until the minutes are signed."""
    from meetings.forms import MeetingEditForm

    meeting = _meeting_or_404(request, pk)
    if not workflow.actor_relations(meeting, request.user) & {"secretary", "coordinator", "note_taker"}:
        raise Http404
    people = Person.objects.filter(office=meeting.office, is_active=True).order_by("first_name")
    fields = list(MeetingEditForm.base_fields)
    form = MeetingEditForm(
        request.POST or None, people=people, initial={name: getattr(meeting, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting_id=meeting.pk, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("บันทึกแล้ว"))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_edit.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def meeting_transition(request, pk):
    """Move the meeting along; cancelling and sending the invitations ask first (confirm=1 from that page)."""
    meeting = _meeting_or_404(request, pk)
    to = request.POST.get("to", "")
    back = reverse("meetings:detail", args=[meeting.pk])
    invited = meeting.invitations.count()
    if to == Meeting.Status.CANCELLED:
        page = ask_first(
            request,
            title=_("ยืนยันการยกเลิกการประชุม"),
            subject=str(meeting),
            consequences=[
                _("การประชุมจะเป็นสถานะยกเลิก และแก้ไขวาระ ผู้เข้าร่วม หรือรายงานการประชุมไม่ได้อีก"),
                _("ผู้ได้รับเชิญ %(n)d คนจะเห็นว่าการประชุมถูกยกเลิก") % {"n": invited},
            ],
            button=_("ยกเลิกการประชุม"),
            back=back,
            danger=True,
        )
    elif to == Meeting.Status.INVITED:
        page = ask_first(
            request,
            title=_("ยืนยันการส่งหนังสือเชิญ"),
            subject=str(meeting),
            consequences=[_("หนังสือเชิญจะถูกส่งถึงผู้ได้รับเชิญ %(n)d คน (อีเมลหรือ LINE ตามที่แต่ละคนตั้งไว้)") % {"n": invited}],
            button=_("ส่งหนังสือเชิญ"),
            back=back,
        )
    else:
        page = None
    if page:
        return page
    try:
        workflow.meeting_transition(meeting_id=meeting.pk, to=to, user=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("บันทึกแล้ว"))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _meeting_or_404(request, pk)
    form = AgendaItemForm(request.POST, people=Person.objects.filter(office=meeting.office))
    if form.is_valid():
        try:
            services.agenda_item_add(meeting_id=meeting.pk, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
    else:  # each field's own message (a missing title, one too long), named by its label
        for name, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[name].label}: {e}" if name in form.fields else e)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def resolution_add(request, pk):
    """A มติ on one agenda item: approve a document version, ask for changes to it, give actions (up to three
    rows of title, owner and BE due date), or note."""
    from django.core.exceptions import ValidationError

    from meetings.forms import BEDateField

    meeting = _meeting_or_404(request, pk)
    item = meeting.agenda.filter(pk=request.POST.get("item") or 0).first()
    if item is None:
        messages.error(request, _("กรุณาเลือกระเบียบวาระ"))
        return redirect("meetings:detail", pk=meeting.pk)
    version = None
    if request.POST.get("document_version"):
        version = (
            selectors.document_versions_for_user(request.user)
            .filter(pk=request.POST["document_version"], document__office_id=meeting.office_id)
            .select_related("document")
            .first()
        )
    people = {str(p.pk): p for p in Person.objects.filter(office=meeting.office, is_active=True)}
    rows, errors = [], []
    for n in range(RESOLUTION_ACTION_ROWS):
        title = request.POST.get(f"action-{n}-title", "").strip()
        owner = people.get(request.POST.get(f"action-{n}-owner", ""))
        due_text = request.POST.get(f"action-{n}-due", "").strip()
        if not (title or due_text):
            continue
        try:
            due = BEDateField().clean(due_text)
        except ValidationError:
            due = None
            errors.append(_("งานข้อ %(n)s: วันที่ไม่ถูกต้อง ให้พิมพ์ วัน/เดือน/ปี พ.ศ. เช่น 24/07/2563") % {"n": n + 1})
        rows.append({"title": title, "owner": owner, "due_date": due})
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#resolution")
    try:
        services.resolution_add(
            item_id=item.pk,
            user=request.user,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            document_version=version,
            actions=rows,
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("บันทึกมติแล้ว"))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


RESOLUTION_ACTION_ROWS = 3


@login_required
@require_POST
def invite_add(request, pk):
    meeting = _meeting_or_404(request, pk)
    person = Person.objects.filter(office=meeting.office, pk=request.POST.get("person") or 0).first()
    if person is None:
        messages.error(request, _("กรุณาเลือกบุคคล"))
    else:
        try:
            services.invitation_add(meeting_id=meeting.pk, user=request.user, person=person)
        except DomainError as exc:
            _refused(request, exc)
    return redirect("meetings:detail", pk=meeting.pk)


def _parse_time(day: dt.date, value: str) -> dt.datetime | None:
    if not value:
        return None
    h, m = (int(x) for x in value.split(":")[:2])
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=BANGKOK)


@login_required
def attendance(request, pk):
    meeting = _meeting_or_404(request, pk)
    invitations = list(meeting.invitations.select_related("person"))
    if request.method == "POST":
        rows = [
            {
                "invitation": inv.pk,
                "attendance": request.POST.get(f"att-{inv.pk}", inv.attendance),
                "substitute_name": request.POST.get(f"sub-{inv.pk}", ""),
                "substitute_position": request.POST.get(f"subpos-{inv.pk}", ""),
                "reason": request.POST.get(f"reason-{inv.pk}", ""),
            }
            for inv in invitations
        ]
        try:
            services.attendance_record(meeting_id=meeting.pk, user=request.user, rows=rows)
            services.meeting_times(
                meeting_id=meeting.pk,
                user=request.user,
                started_at=_parse_time(meeting.date, request.POST.get("started", "")),
                ended_at=_parse_time(meeting.date, request.POST.get("ended", "")),
            )
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError):
                _refused(request, exc)
            else:
                messages.error(request, _("เวลาไม่ถูกต้อง"))
        else:
            messages.success(request, _("บันทึกการมาประชุมแล้ว"))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "invitations": invitations,
            "choices": Invitation.Attendance.choices,
            "started": meeting.started_at.astimezone(BANGKOK).strftime("%H:%M") if meeting.started_at else "",
            "ended": meeting.ended_at.astimezone(BANGKOK).strftime("%H:%M") if meeting.ended_at else "",
        },
    )


@login_required
def minutes(request, pk):
    meeting = _meeting_or_404(request, pk)
    items = list(meeting.agenda.select_related("parent"))
    items.sort(key=lambda i: (i.parent.number if i.parent_id else i.number, 0 if i.parent_id is None else i.number))
    if request.method == "POST":
        rows = [
            {
                "item": i.pk,
                "minutes_text": request.POST.get(f"text-{i.pk}", ""),
                "resolution_text": request.POST.get(f"res-{i.pk}", ""),
            }
            for i in items
        ]
        try:
            services.minutes_write(meeting_id=meeting.pk, user=request.user, items=rows)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("บันทึกรายงานการประชุมแล้ว"))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/minutes.html", {"meeting": meeting, "items": items})


@login_required
@require_POST
def minutes_sign(request, pk):
    meeting = _meeting_or_404(request, pk)
    try:
        services.minutes_sign(meeting_id=meeting.pk, user=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("ลงนามแล้ว"))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def minutes_certify(request, pk):
    meeting = _meeting_or_404(request, pk)
    previous = _meeting_or_404(request, request.POST.get("previous") or 0)
    try:
        services.minutes_certify(
            meeting_id=previous.pk, at_meeting_id=meeting.pk, user=request.user, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("รับรองรายงานการประชุมครั้งที่ %(n)s แล้ว") % {"n": previous.number_label})
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_pdf(request, pk, kind):
    from visits.reports.service import report_render

    meeting = _meeting_or_404(request, pk)
    _, pdf = report_render(kind, meeting.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{meeting.number}-{meeting.year}.pdf"'
    return response


def answer(request, token):
    """The invitee's answer page, opened from the letter's link (the link itself is the key: no sign-in)."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting__committee", "person").exclude(meeting__status="draft"), token=token
    )
    initial = {
        "answer": invitation.answer if invitation.answer != Invitation.Answer.PENDING else None,
        "substitute_name": invitation.substitute_name,
        "substitute_position": invitation.substitute_position,
        "reason": invitation.reason,
    }
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_answer(invitation=invitation, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("บันทึกคำตอบของท่านแล้ว ขอบคุณครับ/ค่ะ"))
            return redirect("meetings:answer", token=invitation.token)
    return render(
        request, "meetings/answer.html", {"invitation": invitation, "meeting": invitation.meeting, "form": form}
    )


# --- Documents ---------------------------------------------------------------------------------------------


@login_required
def document_list(request):
    docs = selectors.documents_for_user(request.user).prefetch_related("versions")
    from meetings.file_pages import _user_office_id

    office_id = _user_office_id(request.user)
    can_add = office_id is not None and selectors.can_manage_documents(request.user, office_id)
    return render(request, "meetings/document_list.html", {"documents": docs, "can_add": can_add})


@login_required
def document_detail(request, pk):
    doc = get_object_or_404(selectors.documents_for_user(request.user), pk=pk)
    versions = doc.versions.select_related("approved_by_resolution__item__meeting").prefetch_related(
        "resolutions__item__meeting"
    )
    from meetings.file_pages import VersionForm

    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": doc,
            "versions": versions,
            "can_add": selectors.can_manage_documents(request.user, doc.office_id),
            "version_form": VersionForm(),
        },
    )


# --- Surveys ------------------------------------------------------------------------------------------------


def survey_answer(request, token):
    """The questionnaire, opened from the survey link: only the invitation's holder answers, once."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    invitation = get_object_or_404(SurveyInvitation.objects.select_related("form", "visit__school"), token=token)
    form = invitation.form
    dims = list(form.dimensions.prefetch_related("items"))
    errors = {}
    if request.method == "POST" and invitation.answered_at is None:
        answers = {item.pk: request.POST.get(f"item-{item.pk}") for d in dims for item in d.items.all()}
        try:
            services.survey_submit(
                token=invitation.token,
                user=request.user,
                answers=answers,
                suggestion=request.POST.get("suggestion", ""),
            )
        except DomainError as exc:
            _refused(request, exc)
            errors = exc.fields or {}
        else:
            messages.success(request, _("ขอบคุณที่ตอบแบบสอบถาม"))
            return redirect("meetings:survey-answer", token=invitation.token)
    return render(
        request,
        "meetings/survey_answer.html",
        {
            "invitation": invitation,
            "form": form,
            "dims": dims,
            "levels": sorted(LIKERT.items(), reverse=True),
            "errors": errors,
            "posted": request.POST,
        },
    )


@login_required
def survey_results_page(request, pk):
    from schedules.models import Round

    form = get_object_or_404(selectors.survey_forms_for_user(request.user), pk=pk)
    rounds = (
        Round.objects.for_user(request.user).filter(pk__in=form.responses.values("round_id")).order_by("-start_date")
    )
    years = sorted(set(form.responses.values_list("academic_year", flat=True)), reverse=True)
    scope = request.GET.get("scope", "")
    kwargs, key = {}, str(form.pk)
    if scope.startswith("round:"):
        rnd = rounds.filter(slug=scope[6:]).first()
        if rnd is not None:
            kwargs, key = {"round_id": rnd.pk}, f"{form.pk}:{rnd.slug}"
    elif scope.startswith("year:") and scope[5:].isdigit():
        kwargs, key = {"academic_year": int(scope[5:])}, f"{form.pk}:{scope[5:]}"
    return render(
        request,
        "meetings/survey_results.html",
        {
            "form": form,
            "results": survey_results(form, **kwargs),
            "rounds": rounds,
            "years": years,
            "scope": scope,
            "pdf_key": key,
        },
    )


@login_required
def survey_pdf(request, key):
    from visits.reports.service import report_render

    form_id = str(key).partition(":")[0]
    if not form_id.isdigit() or not selectors.survey_forms_for_user(request.user).filter(pk=int(form_id)).exists():
        raise Http404
    _, pdf = report_render("survey", key)
    return HttpResponse(pdf, content_type="application/pdf")


def public_survey_pdf(request, pk):
    """The O16 report of a published survey record, for the public ITA page (aggregates only)."""
    from meetings.models import ParticipationRecord
    from visits.reports.service import report_render

    record = get_object_or_404(
        ParticipationRecord.objects.select_related("survey_round"),
        pk=pk,
        source=ParticipationRecord.Source.SURVEY,
        published_at__isnull=False,
    )
    _, pdf = report_render("survey", f"{record.survey_form_id}:{record.survey_round.slug}")
    return HttpResponse(pdf, content_type="application/pdf")


def public_opinions(request, office_code):
    """The opinion channel's published questions and the office's answers (O32), for anyone."""
    from supervision.models import AreaOffice

    office = get_object_or_404(AreaOffice, code=office_code)
    opinions = selectors.published_opinions(office.pk).select_related("round", "meeting")
    return render(request, "meetings/public_opinions.html", {"office": office, "opinions": opinions})


# --- Opinions and participation ------------------------------------------------------------------------------


@login_required
def opinion_list(request):
    from schedules.models import Round

    opinions = selectors.opinions_for_user(request.user).select_related("round", "meeting", "author")
    rounds = Round.objects.for_user(request.user).order_by("-start_date")
    coordinator = Role.COORDINATOR in user_roles(request.user) or request.user.is_superuser
    if request.method == "POST":
        try:
            if "answer" in request.POST:
                services.opinion_answer(
                    opinion_id=int(request.POST.get("opinion") or 0),
                    user=request.user,
                    answer=request.POST.get("answer", ""),
                    publish=bool(request.POST.get("publish")),
                )
            else:
                rnd = rounds.filter(slug=request.POST.get("round", "")).first()
                meeting = selectors.meetings_for_user(request.user).filter(pk=request.POST.get("meeting") or 0).first()
                form = OpinionForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("กรุณาระบุความคิดเห็น"))
                    return redirect(request.POST.get("next") or "meetings:opinions")
                services.opinion_submit(user=request.user, round=rnd, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("บันทึกแล้ว"))
        return redirect(request.POST.get("next") or "meetings:opinions")
    return render(
        request,
        "meetings/opinion_list.html",
        {"opinions": opinions, "rounds": rounds, "form": OpinionForm(), "coordinator": coordinator},
    )


@login_required
@require_POST
def participation_build(request):
    try:
        record = services.participation_build(
            user=request.user,
            meeting_id=int(request.POST["meeting"]) if request.POST.get("meeting", "").isdigit() else None,
            survey_form_id=int(request.POST["form"]) if request.POST.get("form", "").isdigit() else None,
            round_slug=request.POST.get("round", ""),
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect("meetings:participation")
    messages.success(request, _("จัดทำบันทึกการมีส่วนร่วมแล้ว"))
    return redirect(reverse("meetings:participation") + f"#record-{record.pk}")


@login_required
@require_POST
def participation_publish(request, pk):
    """Save how the results were used; publishing on the public ITA page, or withdrawing, asks first."""
    action = request.POST.get("publish", "")
    record = selectors.participation_for_user(request.user).filter(pk=pk).first()
    if record is not None and action in ("0", "1"):
        back = reverse("meetings:participation") + f"#record-{pk}"
        if action == "1":
            page = ask_first(
                request,
                title=_("ยืนยันการเผยแพร่ต่อสาธารณะ"),
                subject=record.topic,
                consequences=[_("ทุกคนจะอ่านผลการมีส่วนร่วมนี้และการนำผลไปใช้ได้บนหน้า ITA ของสำนักงานโดยไม่ต้องเข้าระบบ")],
                button=_("เผยแพร่บนหน้า ITA"),
                back=back,
            )
        else:
            page = ask_first(
                request,
                title=_("ยืนยันการถอนการเผยแพร่"),
                subject=record.topic,
                consequences=[_("หน้า ITA ของสำนักงานจะไม่แสดงรายการนี้อีก")],
                button=_("ถอนการเผยแพร่"),
                back=back,
                danger=True,
            )
        if page:
            return page
    try:
        services.participation_publish(
            record_id=pk,
            user=request.user,
            usage=request.POST.get("usage"),
            publish={"1": True, "0": False}.get(action),
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, {"1": _("เผยแพร่แล้ว"), "0": _("ถอนการเผยแพร่แล้ว")}.get(action, _("บันทึกแล้ว")))
    return redirect(reverse("meetings:participation") + f"#record-{pk}")


@login_required
def participation(request):
    records = selectors.participation_for_user(request.user)
    from meetings.file_pages import _user_office_id

    exchanges = selectors.exchanges_for_user(request.user).select_related("consortium").prefetch_related("attachments")
    forms = selectors.survey_forms_for_user(request.user)
    office_id = _user_office_id(request.user)
    can_record = office_id is not None and selectors.can_record_exchange(request.user, office_id)
    coordinator = office_id is not None and selectors.is_office_coordinator(request.user, office_id)
    context = {
        "records": records,
        "exchanges": exchanges,
        "forms": forms,
        "can_record": can_record,
        "coordinator": coordinator,
    }
    if coordinator:
        from schedules.models import Round

        recorded = ParticipationRecord.objects.filter(meeting__isnull=False).values("meeting_id")
        context["meetings_to_record"] = (
            selectors.meetings_for_user(request.user)
            .filter(status__in=services.PARTICIPATION_SOURCES)
            .exclude(pk__in=recorded)
            .select_related("committee")
        )
        context["survey_rounds"] = Round.objects.for_user(request.user).order_by("-start_date")
    return render(request, "meetings/participation.html", context)
