from django.contrib import admin

from public.models import Publication, PublicationEvent


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Records are added and edited here; publishing and withdrawing happen on /public/manage/ (logged)."""

    list_display = ("title", "kind", "section", "ita_year", "record_date", "status", "published_at")
    list_filter = ("kind", "section", "status", "office")
    readonly_fields = ("status", "version", "published_at", "published_by", "snapshot")
    exclude = ()


@admin.register(PublicationEvent)
class PublicationEventAdmin(admin.ModelAdmin):
    list_display = ("at", "by", "action", "what")
    readonly_fields = ("publication", "action", "from_status", "to_status", "by", "what")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
