"""Office pages for the files of meetings, documents and learning exchanges, and for the actions that
resolutions give people.

Uploads go through `meetings.services` (checked by content, size-limited, hashed); downloads through the
access rules of `meetings.selectors` (media URLs are never linked directly): what a user may not see is 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meetings import actions, files, selectors, services
from meetings.forms import BEDateField
from meetings.models import Document, Meeting, SurveyForm
from meetings.views import _meeting_or_404, _refused
from supervision.access import office_ids_for_user, person_for_user
from supervision.errors import DomainError
from supervision.models import AreaOffice, Consortium

WIDE = forms.TextInput(attrs={"class": "wide"})


def _download(stored, field: str, *, thumbnail: bool = False) -> FileResponse:
    handle = getattr(stored, "thumbnail" if thumbnail else field)
    if not handle:
        raise Http404
    content_type = "image/jpeg" if thumbnail else (stored.content_type or "application/octet-stream")
    name = stored.original_name or handle.name.rsplit("/", 1)[-1]
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    return FileResponse(handle.open("rb"), content_type=content_type, as_attachment=not inline, filename=name)


# --- Meetings: agenda papers and photos ----------------------------------------------------------------------


@login_required
@require_POST
def agenda_attachment_add(request, pk):
    meeting = _meeting_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("กรุณาเลือกไฟล์"))
        return redirect("meetings:detail", pk=meeting.pk)
    item = meeting.agenda.filter(pk=request.POST.get("item") or 0).first()
    if item is None:
        messages.error(request, _("กรุณาเลือกระเบียบวาระ"))
        return redirect("meetings:detail", pk=meeting.pk)
    try:
        services.agenda_attachment_add(
            item_id=item.pk, user=request.user, upload=upload, title=request.POST.get("title", "")
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("แนบเอกสารแล้ว"))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def meeting_photo_add(request, pk):
    meeting = _meeting_or_404(request, pk)
    uploads = request.FILES.getlist("image")
    if not uploads:
        messages.error(request, _("กรุณาเลือกภาพ"))
        return redirect("meetings:detail", pk=meeting.pk)
    try:
        for upload in uploads:
            services.meeting_photo_add(
                meeting_id=meeting.pk, user=request.user, upload=upload, caption=request.POST.get("caption", "")
            )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("เพิ่มภาพแล้ว %(n)s ภาพ") % {"n": len(uploads)})
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#photos")


@login_required
def agenda_attachment_file(request, pk):
    return _download(get_object_or_404(selectors.agenda_attachments_for_user(request.user), pk=pk), "file")


@login_required
def meeting_photo_file(request, pk, thumb=False):
    return _download(
        get_object_or_404(selectors.meeting_photos_for_user(request.user), pk=pk), "image", thumbnail=thumb
    )


def public_meeting_photo(request, office_code, pk, thumb=False):
    """A photo of a meeting the office published on its ITA page, for anyone."""
    office = get_object_or_404(AreaOffice, code=office_code)
    photo = get_object_or_404(selectors.published_meeting_photos(office.pk), pk=pk)
    return _download(photo, "image", thumbnail=thumb)


def public_meeting_photos(request, office_code, meeting_pk):
    """The photos of one published meeting (linked from the public ITA page's participation record)."""
    office = get_object_or_404(AreaOffice, code=office_code)
    photos = list(selectors.published_meeting_photos(office.pk).filter(meeting_id=meeting_pk))
    if not photos:
        raise Http404
    meeting = Meeting.objects.get(pk=meeting_pk)
    return render(request, "meetings/public_photos.html", {"office": office, "meeting": meeting, "photos": photos})


# --- Documents ------------------------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("ชื่อเอกสาร"), max_length=300, widget=WIDE)
    kind = forms.ChoiceField(label=gettext_lazy("ประเภท"), choices=Document.Kind.choices)
    description = forms.CharField(
        label=gettext_lazy("คำอธิบาย"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VersionForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ไฟล์ (PDF, Word, Excel, PowerPoint หรือภาพ)"),
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
    )
    note = forms.CharField(label=gettext_lazy("หมายเหตุ"), required=False, max_length=2000)


def _user_office_id(user):
    ids = office_ids_for_user(user)
    if ids is None:  # superuser: the office of their person, else the only one
        person = person_for_user(user)
        return person.office_id if person else AreaOffice.objects.values_list("pk", flat=True).first()
    return min(ids) if ids else None


@login_required
def document_new(request):
    office_id = _user_office_id(request.user)
    if office_id is None or not selectors.can_manage_documents(request.user, office_id):
        raise Http404
    form = DocumentForm(request.POST or None)
    version = VersionForm(request.POST or None, request.FILES or None)
    version.fields["file"].required = False
    if request.method == "POST" and form.is_valid() and version.is_valid():
        try:
            doc = services.document_create(office_id=office_id, user=request.user, **form.cleaned_data)
            if version.cleaned_data.get("file"):
                services.document_version_add(
                    document=doc,
                    user=request.user,
                    file=version.cleaned_data["file"],
                    note=version.cleaned_data["note"],
                )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("เพิ่มเอกสารแล้ว"))
            return redirect("meetings:document", pk=doc.pk)
    return render(request, "meetings/document_form.html", {"form": form, "version": version})


@login_required
@require_POST
def document_version_add(request, pk):
    doc = get_object_or_404(selectors.documents_for_user(request.user), pk=pk)
    form = VersionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("กรุณาเลือกไฟล์"))
    else:
        try:
            version = services.document_version_add(
                document=doc, user=request.user, file=form.cleaned_data["file"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("เพิ่มฉบับที่ %(n)s แล้ว") % {"n": version.number})
    return redirect("meetings:document", pk=doc.pk)


@login_required
def document_version_file(request, pk):
    return _download(get_object_or_404(selectors.document_versions_for_user(request.user), pk=pk), "file")


# --- Learning exchanges ---------------------------------------------------------------------------------------


class ExchangeForm(forms.Form):
    event = forms.CharField(label=gettext_lazy("กิจกรรม"), max_length=300, widget=WIDE)
    start_date = BEDateField(label=gettext_lazy("วันที่"))
    end_date = BEDateField(label=gettext_lazy("ถึงวันที่"), required=False)
    place = forms.CharField(label=gettext_lazy("สถานที่"), max_length=300, widget=WIDE)
    consortium = forms.ModelChoiceField(
        label=gettext_lazy("สหวิทยาเขตผู้บันทึก"), queryset=Consortium.objects.none(), required=False
    )
    topic = forms.CharField(label=gettext_lazy("ประเด็นการแลกเปลี่ยน"), max_length=500, widget=WIDE)
    count_office = forms.IntegerField(label=gettext_lazy("บุคลากรสำนักงานเขต (คน)"), min_value=0, max_value=100_000)
    count_school = forms.IntegerField(label=gettext_lazy("ผู้บริหารและครู (คน)"), min_value=0, max_value=100_000)
    count_ktpn = forms.IntegerField(label=gettext_lazy("ก.ต.ป.น. (คน)"), min_value=0, max_value=100_000)
    count_other = forms.IntegerField(label=gettext_lazy("บุคคลภายนอกอื่น (คน)"), min_value=0, max_value=100_000)
    participants_note = forms.CharField(
        label=gettext_lazy("รายละเอียดผู้เข้าร่วม"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    learnt = forms.CharField(label=gettext_lazy("สิ่งที่ได้เรียนรู้"), widget=forms.Textarea(attrs={"rows": 4}))
    usage = forms.CharField(label=gettext_lazy("การนำไปใช้"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consortium"].queryset = Consortium.objects.filter(office_id=office_id).order_by("name")


@login_required
def exchange_new(request):
    office_id = _user_office_id(request.user)
    if office_id is None or not selectors.can_record_exchange(request.user, office_id):
        raise Http404
    initial = {"count_office": 0, "count_school": 0, "count_ktpn": 0, "count_other": 0}
    form = ExchangeForm(request.POST or None, office_id=office_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consortium = data.pop("consortium")
        try:
            services.exchange_create(
                user=request.user,
                office_id=office_id,
                consortium=consortium,
                uploads=request.FILES.getlist("files"),
                **data,
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("บันทึกการแลกเปลี่ยนเรียนรู้แล้ว"))
            return redirect(reverse("meetings:participation") + "#exchanges")
    return render(request, "meetings/exchange_form.html", {"form": form, "accept": files.ACCEPT})


@login_required
def exchange_attachment_file(request, pk):
    return _download(get_object_or_404(selectors.exchange_attachments_for_user(request.user), pk=pk), "file")


# --- Actions from resolutions ---------------------------------------------------------------------------------

MOVE_LABELS = {
    "start": gettext_lazy("เริ่มดำเนินการ"),
    "done": gettext_lazy("รายงานว่าดำเนินการแล้ว"),
    "reopen": gettext_lazy("ให้ดำเนินการต่อ"),
    "progress": gettext_lazy("รายงานความคืบหน้า"),
}


@login_required
def action_list(request):
    """My actions first (the ones I own), then those of the meetings I see; each with what I may do now."""
    person = person_for_user(request.user)
    rows = list(
        selectors.actions_for_user(request.user).select_related("resolution__item__meeting__committee", "owner")
    )
    for a in rows:
        a.moves = [
            (to, MOVE_LABELS[name]) for to, name in actions.allowed_moves(a, actions.action_relations(a, request.user))
        ]
        a.mine = person is not None and a.owner_id == person.pk
    rows.sort(key=lambda a: (not a.mine, a.status == "done", a.due_date, a.pk))
    return render(request, "meetings/action_list.html", {"actions": rows})


@login_required
@require_POST
def action_move(request, pk):
    try:
        actions.action_transition(
            action_id=pk, user=request.user, to=request.POST.get("to", ""), note=request.POST.get("note", "")
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("บันทึกแล้ว"))
    return redirect(reverse("meetings:actions") + f"#action-{pk}")


# --- Survey forms ---------------------------------------------------------------------------------------------


class SurveyFormForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("ชื่อแบบสอบถาม"), max_length=300, widget=WIDE)
    structure = forms.CharField(
        label=gettext_lazy("ด้านและข้อคำถาม"),
        help_text=gettext_lazy("บรรทัดที่ไม่ขึ้นต้นด้วย - คือชื่อด้าน บรรทัดที่ขึ้นต้นด้วย - คือข้อคำถามของด้านนั้น"),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    banding = forms.ChoiceField(label=gettext_lazy("เกณฑ์แปลผล"), choices=SurveyForm.Banding.choices)
    anonymous = forms.BooleanField(label=gettext_lazy("ไม่ระบุตัวผู้ตอบ"), required=False, initial=True)
    include_teachers = forms.BooleanField(label=gettext_lazy("ส่งถึงครูที่ร่วมรับการนิเทศด้วย"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("ใช้งาน"), required=False, initial=True)


@login_required
def survey_form_edit(request, pk=None):
    """The office's satisfaction survey: dimensions and items typed as lines, banding, anonymity, teachers."""
    office_id = _user_office_id(request.user)
    if office_id is None or not selectors.is_office_coordinator(request.user, office_id):
        raise Http404
    existing = None
    if pk is not None:
        existing = get_object_or_404(selectors.survey_forms_for_user(request.user), pk=pk, office_id=office_id)
    initial = {}
    if existing is not None:
        initial = {
            "title": existing.title,
            "structure": services.survey_structure_text(existing),
            "banding": existing.banding,
            "anonymous": existing.anonymous,
            "include_teachers": existing.include_teachers,
            "is_active": existing.is_active,
        }
    form = SurveyFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.survey_form_save(
                user=request.user, office_id=office_id, form_id=existing.pk if existing else None, **form.cleaned_data
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("บันทึกแบบสอบถามแล้ว"))
            return redirect("meetings:survey-results", pk=saved.pk)
    answered = existing is not None and existing.responses.exists()
    return render(request, "meetings/survey_form.html", {"form": form, "existing": existing, "answered": answered})
