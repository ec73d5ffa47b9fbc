"""Admin for instruments, visits and follow-ups.

Instruments: import a sheet (XLSX/CSV) from the instrument list, publish a draft, copy a published version
into a new draft, export a version. A published version's sections and items are read-only.
Visits are read here (lists narrow through `visits_for_user`); they change only through the tablet API and
the workflow. Follow-ups narrow through `followups_for_user`; their status moves with `followup_update`.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from supervision.admin import ScopedChoicesMixin, register_scope, scoped
from supervision.models import AreaOffice
from visits import selectors
from visits.errors import InstrumentError, InstrumentOfAnotherOffice, VisitError
from visits.followups import followup_update
from visits.instruments import (
    export_version,
    instrument_import,
    instrument_version_draft_copy,
    instrument_version_publish,
)
from visits.models import (
    Answer,
    Evidence,
    FollowUp,
    FollowUpDueChange,
    Instrument,
    InstrumentVersion,
    Item,
    Section,
    Signature,
    Visit,
    VisitTransition,
)

# Choices in every admin form (a round's instrument, a version's instrument, an item's section) stay inside the
# user's offices: shared and own versions may be used, only own instruments may be changed.
register_scope(Instrument, selectors.instruments_editable_by_user)
register_scope(InstrumentVersion, selectors.instrument_versions_for_user)
register_scope(
    Section, lambda user: Section.objects.filter(version__instrument__in=selectors.instruments_editable_by_user(user))
)
register_scope(Visit, selectors.visits_for_user)
register_scope(FollowUp, selectors.followups_for_user)


class EditableInstrumentsOnly:
    """Shared instruments and those of other offices are shown, not changed (only their owner changes them)."""

    def _editable(self, request, obj):
        if obj is None:
            return True
        instrument = obj if isinstance(obj, Instrument) else obj.instrument
        return selectors.instruments_editable_by_user(request.user).filter(pk=instrument.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- instruments ------------------------------------------------------------------------------------------
class ImportForm(forms.Form):
    office = forms.ModelChoiceField(
        queryset=None,
        label=_("สำนักงานเขต"),
        required=False,
        help_text=_("ว่างไว้ = ใช้ร่วมกันทุกเขต (ผู้ดูแลระบบเท่านั้น)"),
    )
    file = forms.FileField(label=_("ไฟล์ XLSX หรือ CSV"))
    name = forms.CharField(label=_("ชื่อแบบนิเทศ"), max_length=300)
    code = forms.SlugField(
        label=_("รหัสแบบ"),
        required=False,
        help_text=_("รหัสเดิม = เพิ่มฉบับใหม่ของแบบนั้น"),
    )
    kind = forms.ChoiceField(label=_("ประเภท"), choices=Instrument.Kind.choices)
    publish = forms.BooleanField(label=_("เผยแพร่ทันที"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = scoped(AreaOffice, user)
        self.fields["office"].queryset = offices
        self.offices, self.user = offices, user
        if not user.is_superuser:  # only a superuser makes or versions a shared instrument
            self.fields["office"].empty_label = None
            self.fields["office"].initial = offices.order_by("id").first()

    def clean_office(self):
        office = self.cleaned_data.get("office")
        if office is None and not self.user.is_superuser:
            office = self.offices.order_by("id").first() if self.offices.count() == 1 else None
            if office is None:
                raise forms.ValidationError(_("เลือกสำนักงานเขต"))
        return office


class VersionInline(ReadOnlyInline):
    model = InstrumentVersion
    fields = ["number", "status", "published_at", "notes"]
    show_change_link = True


@admin.register(Instrument)
class InstrumentAdmin(EditableInstrumentsOnly, ScopedChoicesMixin, admin.ModelAdmin):
    change_list_template = "admin/visits/instrument_change_list.html"
    list_display = ["name", "code", "kind", "office"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [VersionInline]

    def get_queryset(self, request):
        return selectors.instruments_for_user(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "office" in form.base_fields:
            form.base_fields["office"].required = True  # a blank office would share it with every office
        return form

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="visits_instrument_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:visits_instrument_changelist")
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        problems = []
        if request.method == "POST" and form.is_valid():
            office = form.cleaned_data["office"]
            try:
                upload = form.cleaned_data["file"]
                version = instrument_import(
                    data=upload.read(),
                    filename=upload.name,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"] or None,
                    kind=form.cleaned_data["kind"],
                    publish=form.cleaned_data["publish"],
                    office=office,
                )
            except InstrumentError as exc:
                problems = [str(line) for line in exc.said_lines()]
            except VisitError as exc:
                problems = [exc.message]
            else:
                self.message_user(
                    request,
                    gettext("นำเข้า %(version)s แล้ว (%(items)d ข้อ)")
                    % {"version": version, "items": version.items.count()},
                )
                return redirect(reverse("admin:visits_instrumentversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("นำเข้าแบบนิเทศ"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/visits/instrument_import.html", context)


class FrozenWhenPublished:
    """Inlines of a published version: nothing may be added, changed or removed."""

    def _open(self, obj):
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class SectionInline(FrozenWhenPublished, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "title", "weight"]


class ItemInline(FrozenWhenPublished, admin.StackedInline):
    model = Item
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        self._version = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":  # a section of this very version, never one of another version
            kwargs["queryset"] = Section.objects.filter(version=getattr(self, "_version", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    fields = [
        ("section", "order", "code", "type"),
        "text",
        "help_text",
        ("levels", "options"),
        ("required", "photo_required", "weight"),
    ]


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(EditableInstrumentsOnly, ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["instrument", "number", "status", "published_at"]
    list_filter = ["status", "instrument__kind"]
    search_fields = ["instrument__name", "instrument__code"]
    inlines = [SectionInline, ItemInline]
    actions = ["publish", "draft_copy", "export_xlsx", "export_csv"]

    def get_queryset(self, request):
        return selectors.instrument_versions_for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ["instrument", "number", "status", "published_at", "notes"]
        return ["status", "published_at"]

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def _editable_only(self, request, queryset):
        """The selected versions the user may change; the others are named and left alone."""
        editable = queryset.filter(instrument__in=selectors.instruments_editable_by_user(request.user))
        for version in queryset.exclude(pk__in=editable.values("pk")):
            self.message_user(
                request,
                f"{version}: {InstrumentOfAnotherOffice().message_for(get_language())}",
                messages.ERROR,
            )
        return editable

    @admin.action(description=_("เผยแพร่ฉบับที่เลือก"))
    def publish(self, request, queryset):
        for version in self._editable_only(request, queryset).filter(status=InstrumentVersion.Status.DRAFT):
            try:
                instrument_version_publish(version=version)
            except VisitError as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)
            else:
                self.message_user(request, gettext("เผยแพร่ %(version)s แล้ว") % {"version": version})

    @admin.action(description=_("คัดลอกเป็นฉบับร่างใหม่"))
    def draft_copy(self, request, queryset):
        for version in self._editable_only(request, queryset):
            draft = instrument_version_draft_copy(version=version)
            self.message_user(request, gettext("สร้าง %(draft)s แล้ว") % {"draft": draft})

    def _export(self, queryset, fmt):
        version = queryset.first()
        data = export_version(version, fmt)
        ctype = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(data, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="{version.instrument.code}-v{version.number}.{fmt}"'
        return response

    @admin.action(description=_("ส่งออก XLSX"))
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    @admin.action(description=_("ส่งออก CSV"))
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")


# --- visits -----------------------------------------------------------------------------------------------
class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["item", "value", "note"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["kind", "item", "caption", "file", "content_type", "size", "exif_taken_at", "uploaded_at"]
    readonly_fields = fields


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ["role", "signer_name", "image", "signed_at"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = VisitTransition
    fields = ["at", "from_status", "to_status", "by", "comment"]
    readonly_fields = fields


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    """Read-only: a visit changes through the tablet API and the review workflow, never by hand here."""

    list_display = ["school", "round", "committee", "status", "score", "check_in_at", "check_in_far", "version"]
    list_filter = [
        "status",
        "check_in_far",
        ("round", admin.RelatedOnlyFieldListFilter),
        ("committee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["school__name_th", "school__code", "id"]
    list_select_related = ["school", "round", "committee"]
    inlines = [AnswerInline, EvidenceInline, SignatureInline, TransitionInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return selectors.visits_for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Visit._meta.fields] + ["members_present"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- follow-ups ---------------------------------------------------------------------------------------------
class DueChangeInline(ReadOnlyInline):
    """The follow-up's due-date requests and decisions (made through the API and the follow-up page)."""

    model = FollowUpDueChange
    fields = ["from_date", "to_date", "reason", "status", "requested_by", "decided_by", "decision_comment"]
    readonly_fields = fields


@admin.register(FollowUp)
class FollowUpAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["recommendation_short", "school", "status", "due_date", "owner"]
    list_filter = ["status"]
    search_fields = ["recommendation", "school__name_th"]
    list_select_related = ["school", "owner"]
    readonly_fields = [
        "school",
        "source_visit",
        "recommendation_index",
        "recommendation",
        "status",
        "due_date",  # moves only by a request the office approves (visits.followups.due_change_request)
        "done_at",
        "verified_at",
        "verified_by",
        "created_by",
    ]
    fields = [
        "school",
        "source_visit",
        "recommendation",
        "status",
        "due_date",
        "owner",
        "notes",
        "evidence",
        "done_at",
        "verified_at",
        "verified_by",
    ]
    actions = ["mark_in_progress", "mark_done", "mark_verified"]
    inlines = [DueChangeInline]

    def get_queryset(self, request):
        return selectors.followups_for_user(request.user)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("ข้อเสนอแนะ"))
    def recommendation_short(self, obj):
        return obj.recommendation[:80]

    def save_model(self, request, obj, form, change):
        try:
            followup_update(
                followup_id=obj.pk,
                user=request.user,
                notes=obj.notes,
                owner=obj.owner,
                evidence=form.cleaned_data.get("evidence") or None,
            )
        except VisitError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def _move(self, request, queryset, status):
        for fu in queryset:
            try:
                followup_update(followup_id=fu.pk, user=request.user, status=status)
            except VisitError as exc:
                self.message_user(request, f"{fu}: {exc}", messages.ERROR)

    @admin.action(description=_("กำลังดำเนินการ"))
    def mark_in_progress(self, request, queryset):
        self._move(request, queryset, FollowUp.Status.IN_PROGRESS)

    @admin.action(description=_("ดำเนินการแล้ว"))
    def mark_done(self, request, queryset):
        self._move(request, queryset, FollowUp.Status.DONE)

    @admin.action(description=_("ตรวจสอบแล้ว"))
    def mark_verified(self, request, queryset):
        self._move(request, queryset, FollowUp.Status.VERIFIED)
