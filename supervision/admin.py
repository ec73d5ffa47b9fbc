"""The admin: the coordinators' first tool for schools, people and committees.

Every list, change page, choice list and autocomplete goes through `for_user()`, so a coordinator only
ever sees their own office (plus offices granted to them). Which offices a person may see
(`extra_offices`), the login a person is linked to, and new offices are a superuser's business.
"""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from supervision.access import office_ids_for_user
from supervision.importers import PEOPLE_COLUMNS, SCHOOL_COLUMNS, ImportFileError, import_people, import_schools
from supervision.models import (
    AreaOffice,
    Committee,
    Consortium,
    District,
    Membership,
    Person,
    Province,
    School,
    SchoolTie,
)

# model -> function(user) -> queryset, for office-bound models whose manager has no `for_user()` (their office
# is reached through another record: a round's sessions, an instrument's versions). Apps register their own.
SCOPES = {}


def register_scope(model, rows_for_user):
    SCOPES[model] = rows_for_user


def scoped(model, user):
    """The rows of `model` the user may pick or see (office-bound models narrow, reference data do not)."""
    if model is AreaOffice:
        ids = office_ids_for_user(user)
        return AreaOffice.objects.all() if ids is None else AreaOffice.objects.filter(id__in=ids)
    if model in SCOPES:
        return SCOPES[model](user)
    manager = model._default_manager
    return manager.for_user(user) if hasattr(manager, "for_user") else manager.all()


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the user may see."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.related_model, request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OfficeScopedAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


class ImportForm(forms.Form):
    office = forms.ModelChoiceField(queryset=AreaOffice.objects.none(), label=_("สำนักงานเขต"))
    file = forms.FileField(label=_("ไฟล์ CSV หรือ XLSX"))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if offices.count() == 1:
            self.fields["office"].initial = offices.first()


class ImportFromFileMixin:
    """An "import a file" page beside the list: the same importer as the management command, for the
    coordinator's own office; row errors are listed and nothing is written."""

    change_list_template = "admin/supervision/change_list_with_import.html"
    importer = None  # importer(path, office=...) -> ImportResult
    import_columns = ()

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name), *super().get_urls()]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        offices = scoped(AreaOffice, request.user)
        form = ImportForm(request.POST or None, request.FILES or None, offices=offices)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                try:
                    result = type(self).importer(tmp.name, office=form.cleaned_data["office"])
                except ImportFileError as exc:
                    problems = [str(exc)]
                else:
                    problems = [str(error) for error in result.errors]
            if not problems:
                self.message_user(
                    request,
                    gettext("นำเข้าแล้ว: เพิ่ม %(created)d แก้ไข %(updated)d ไม่เปลี่ยน %(unchanged)d")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "problems": problems,
            "columns": self.import_columns,
            "title": gettext("นำเข้า%(things)s จากไฟล์") % {"things": self.opts.verbose_name_plural},
        }
        return TemplateResponse(request, "admin/supervision/import.html", context)


@admin.register(AreaOffice)
class AreaOfficeAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "phone", "email"]
    search_fields = ["code", "name", "short_name", "name_en"]

    def get_queryset(self, request):
        return scoped(AreaOffice, request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province", "latitude", "longitude", "radius_km"]
    list_filter = ["province"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province"]


@admin.register(Consortium)
class ConsortiumAdmin(OfficeScopedAdmin):
    list_display = ["name", "code", "office", "school_count"]
    list_filter = [("office", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_schools=Count("schools"))

    @admin.display(description=_("จำนวนโรงเรียน"), ordering="_schools")
    def school_count(self, obj):
        return obj._schools


class StaffInline(admin.TabularInline):
    model = Person
    fk_name = "school"
    fields = ["prefix", "first_name", "last_name", "position", "email", "phone"]
    extra = 0
    show_change_link = True
    verbose_name = _("บุคลากรของโรงเรียน")
    verbose_name_plural = pgettext_lazy("plural", "บุคลากรของโรงเรียน")

    def has_add_permission(self, request, obj=None):
        return False  # staff are added from the person page, where the office and affiliation are set


class SchoolTieInline(ScopedChoicesMixin, admin.TabularInline):
    """Every tie a person has with a school (director, acting director, deputy, teacher, staff, board): the
    planner never sends a person to a school they are tied to."""

    model = SchoolTie
    extra = 0
    autocomplete_fields = ["school", "person"]
    verbose_name = _("ความเกี่ยวข้องกับโรงเรียน")
    verbose_name_plural = pgettext_lazy("plural", "ความเกี่ยวข้องกับโรงเรียน — ไม่ส่งไปนิเทศโรงเรียนเหล่านี้")


@admin.register(School)
class SchoolAdmin(ImportFromFileMixin, OfficeScopedAdmin):
    importer = staticmethod(import_schools)
    import_columns = SCHOOL_COLUMNS
    list_display = ["code", "name_th", "district", "consortium", "director", "students", "teachers", "is_active"]
    list_filter = [
        "is_active",
        ("consortium", admin.RelatedOnlyFieldListFilter),
        ("district__province", admin.RelatedOnlyFieldListFilter),
        ("district", admin.RelatedOnlyFieldListFilter),
        ("office", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "name_th", "name_en", "district__name_th", "consortium__name"]
    autocomplete_fields = ["district", "director"]
    list_select_related = ["district__province", "consortium", "director"]
    inlines = [StaffInline, SchoolTieInline]
    fieldsets = [
        (None, {"fields": ["office", "code", "name_th", "name_en", "is_active"]}),
        (_("ที่ตั้ง"), {"fields": ["district", "consortium", "address", "latitude", "longitude"]}),
        (_("ผู้บริหารและขนาด"), {"fields": ["director", "students", "teachers"]}),
    ]


@admin.register(Person)
class PersonAdmin(ImportFromFileMixin, OfficeScopedAdmin):
    importer = staticmethod(import_people)
    import_columns = PEOPLE_COLUMNS
    list_display = [
        "full_name",
        "position",
        "affiliation",
        "school",
        "agency",
        "email",
        "phone",
        "has_login",
        "is_active",
    ]
    list_filter = ["affiliation", "is_active", ("office", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "first_name",
        "last_name",
        "email",
        "position",
        "agency",
        "school__name_th",
        "school__code",
        "user__username",
    ]
    autocomplete_fields = ["school"]
    list_select_related = ["school", "user"]
    fieldsets = [
        (None, {"fields": ["office", "prefix", "first_name", "last_name", "position", "is_active"]}),
        (_("สังกัด"), {"fields": ["affiliation", "school", "agency"]}),
        (_("ติดต่อ"), {"fields": ["email", "phone", "line_user_id"]}),
        (_("การเข้าใช้ระบบ"), {"fields": ["user", "extra_offices"]}),
    ]

    inlines = [SchoolTieInline]

    @admin.display(description=_("บัญชีผู้ใช้"), boolean=True)
    def has_login(self, obj):
        return obj.user_id is not None

    actions = ["invite_selected"]

    @admin.action(description=gettext_lazy("ส่งคำเชิญเข้าใช้ระบบ (ลิงก์ตั้งรหัสผ่าน)"), permissions=["change"])
    def invite_selected(self, request, queryset):
        """Invite the chosen people (the queryset is already inside the user's offices): accounts.invitations."""
        from accounts import invitations

        people = list(queryset.select_related("office", "user"))
        reachable = [p for p in people if invitations.reachable(p)]
        skipped = len(people) - len(reachable)
        sent = invitations.invite(reachable, invited_by=request.user) if reachable else []
        self.message_user(
            request,
            gettext("ส่งคำเชิญ %(sent)d คน ข้าม %(skipped)d คน (ไม่มีอีเมลหรือ LINE)")
            % {"sent": len(sent), "skipped": skipped},
            messages.SUCCESS if sent else messages.WARNING,
        )

    def get_readonly_fields(self, request, obj=None):
        # Linking logins and widening what a person may see would let a coordinator widen their own reach.
        return [] if request.user.is_superuser else ["user", "extra_offices"]


class MembershipFormSet(BaseInlineFormSet):
    """One chair per committee, said in the form: the database constraint would otherwise answer with a 500,
    because Django skips a conditional unique constraint on the inline's foreign key while validating."""

    def clean(self):
        super().clean()
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if sum(1 for data in kept if data.get("role") == Membership.Role.CHAIR) > 1:
            raise ValidationError(_("คณะกรรมการมีประธานได้คนเดียว"))


class MembershipInline(ScopedChoicesMixin, admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fields = ["sort_order", "person", "role", "position_note"]
    autocomplete_fields = ["person"]
    extra = 1
    ordering = ["sort_order", "id"]


@admin.register(Committee)
class CommitteeAdmin(OfficeScopedAdmin):
    list_display = ["__str__", "kind", "number", "order_no", "order_date", "chair_name", "member_count", "is_active"]
    list_filter = ["kind", "is_active", ("office", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "name",
        "order_no",
        "order_subject",
        "memberships__person__first_name",
        "memberships__person__last_name",
    ]
    autocomplete_fields = ["signed_by"]
    inlines = [MembershipInline]
    date_hierarchy = "order_date"
    fieldsets = [
        (None, {"fields": ["office", "kind", "number", "name", "is_active"]}),
        (_("คำสั่งแต่งตั้ง"), {"fields": ["order_no", "order_date", "order_subject", "signed_by"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("memberships", distinct=True))
            .prefetch_related("memberships__person")
        )

    @admin.display(description=_("ประธาน"))
    def chair_name(self, obj):
        return obj.chair or "—"

    @admin.display(description=_("จำนวนกรรมการ"), ordering="_members")
    def member_count(self, obj):
        return obj._members


@admin.register(Membership)
class MembershipAdmin(OfficeScopedAdmin):
    list_display = ["committee", "person", "role", "position_note", "sort_order"]
    list_filter = ["role", "committee__kind"]
    search_fields = ["committee__name", "person__first_name", "person__last_name", "position_note"]
    autocomplete_fields = ["committee", "person"]
    list_select_related = ["committee", "person"]
