"""Coordinators watch the ledger here: status, attempts, last error, next retry; and can retry failures."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supervision.access import office_ids_for_user
from supervision.admin import ScopedChoicesMixin
from worker.models import Notification, NotificationPreference, RoundReminderPolicy


class OfficeScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Rows of the offices the signed-in user may see (see `supervision.access`); superusers see all; every
    choice (a preference's person, a policy's round) from those offices too."""

    office_path = "recipient__office"

    def get_queryset(self, request):
        q = super().get_queryset(request)
        ids = office_ids_for_user(request.user)
        return q if ids is None else q.filter(**{f"{self.office_path}__in": ids})


@admin.register(Notification)
class NotificationAdmin(OfficeScopedAdmin):
    list_display = [
        "due_at",
        "event",
        "title",
        "recipient",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "channel", "event"]
    search_fields = ["title", "recipient__first_name", "recipient__last_name", "object_id", "last_error"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_now", "cancel"]

    @admin.display(description=_("ข้อผิดพลาดล่าสุด"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("ส่งใหม่ทันที"), permissions=["change"])
    def retry_now(self, request, queryset):
        n = queryset.filter(status__in=[Notification.Status.FAILED, Notification.Status.PENDING]).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), enqueued_at=None
        )
        self.message_user(request, gettext("จะส่งใหม่ในรอบถัดไป %(n)d รายการ") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("ยกเลิก"), permissions=["change"])
    def cancel(self, request, queryset):
        n = queryset.filter(status=Notification.Status.PENDING).update(status=Notification.Status.CANCELLED)
        self.message_user(request, gettext("ยกเลิก %(n)d รายการ") % {"n": n}, messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(OfficeScopedAdmin):
    office_path = "person__office"
    list_display = ["person", "email", "line", "in_app", "quiet_start", "quiet_end"]
    raw_id_fields = ["person"]
    search_fields = ["person__first_name", "person__last_name"]


@admin.register(RoundReminderPolicy)
class RoundReminderPolicyAdmin(OfficeScopedAdmin):
    office_path = "round__office"

    list_display = [
        "round",
        "days_before",
        "days_before_at",
        "evening_before",
        "evening_before_at",
        "report_due_working_days",
        "escalate_after_working_days",
    ]
