"""Admin for rounds (sessions, exam days and centres inline), closures, assignments (with history) and feeds.

Lists and choices are office-scoped through the same helpers as the organisation admin. Day-to-day planning
happens on the plan page (/schedules/<slug>/), which validates every move; the admin is for setting rounds up.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from schedules.errors import DomainError
from schedules.models import (
    Assignment,
    CalendarFeed,
    ExamCentre,
    ExamDay,
    OfficeClosure,
    PlanRun,
    Round,
    RoundSession,
)
from schedules.services import assignment_set_locked, round_ensure_session
from supervision.admin import OfficeScopedAdmin, ScopedChoicesMixin, register_scope

register_scope(RoundSession, lambda user: RoundSession.objects.filter(round__in=Round.objects.for_user(user)))


class SessionInline(admin.TabularInline):
    model = RoundSession
    extra = 0


class ExamDayInline(admin.TabularInline):
    model = ExamDay
    extra = 0


class ExamCentreInline(ScopedChoicesMixin, admin.TabularInline):
    model = ExamCentre
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(Round)
class RoundAdmin(OfficeScopedAdmin):
    list_display = ["title", "slug", "kind", "academic_year", "start_date", "end_date", "status"]
    list_filter = ["kind", "status", "academic_year"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["committees", "target_consortia", "target_schools"]
    inlines = [SessionInline, ExamDayInline, ExamCentreInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        round_ensure_session(round_=form.instance)


@admin.register(OfficeClosure)
class OfficeClosureAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["date", "reason", "office", "round"]
    list_filter = ["office"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(Assignment)
class AssignmentAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    """Read-only: committee, date, session and status change only on the plan page, which runs every check
    (conflicts in this and other rounds, ties to schools, the lifecycle: a visit that took place never moves)
    and bumps the calendar SEQUENCE. The admin shows the assignment, its history and a link there; its lock
    and unlock actions go through the same lifecycle."""

    list_display = ["round", "date", "session", "committee", "school", "status", "locked", "sequence"]
    list_filter = ["round", "status", "locked"]
    search_fields = ["school__name_th", "school__code"]
    readonly_fields = [
        "plan_page",
        "round",
        "committee",
        "school",
        "date",
        "session",
        "day_order",
        "status",
        "status_reason",
        "locked",
        "uid",
        "sequence",
    ]
    fields = readonly_fields
    actions = ["lock_selected", "unlock_selected"]

    def _set_locked(self, request, queryset, locked: bool):
        """Through the lifecycle (`lock` / `unlock`), one assignment at a time: refusals are listed, not hidden."""
        changed = 0
        for assignment in queryset:
            try:
                assignment_set_locked(assignment=assignment, locked=locked, user=request.user)
                changed += 1
            except DomainError as exc:
                language = getattr(request, "LANGUAGE_CODE", "th")
                self.message_user(request, f"{assignment}: {exc.message_for(language)}", messages.WARNING)
        self.message_user(request, _("เปลี่ยนแล้ว %(n)s รายการ") % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("ล็อกรายการที่เลือก (การวางแผนอัตโนมัติจะไม่ย้าย)"))
    def lock_selected(self, request, queryset):
        self._set_locked(request, queryset, True)

    @admin.action(description=_("ปลดล็อกรายการที่เลือก"))
    def unlock_selected(self, request, queryset):
        self._set_locked(request, queryset, False)

    @admin.display(description=_("แก้ไขที่หน้าแผน"))
    def plan_page(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("schedules:round", args=[obj.round.slug]) + f"#a{obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.round.title)

    def has_add_permission(self, request):
        return False  # the planner and the plan page create assignments, through the same checks

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .for_user(request.user)
            .select_related("round", "committee", "school", "session")
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rotated_at"]
    readonly_fields = ["token", "created_at", "rotated_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["round", "status", "progress", "fresh", "apply", "created_at", "finished_at"]
    readonly_fields = [f.name for f in PlanRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(round__in=Round.objects.for_user(request.user))
