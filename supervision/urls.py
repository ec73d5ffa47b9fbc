from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from supervision.health import healthz
from visits.views import verify_document

admin.site.site_header = "นิเทศ Nithet — ระบบนิเทศ ติดตาม"
admin.site.site_title = "Nithet"
admin.site.index_title = _("การจัดการ")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("schedules/", include("schedules.urls")),
    path("visits/", include("visits.urls")),
    path("field/", include("field.urls")),
    path("notifications/", include("worker.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("public/", include("public.urls")),
    path("meetings/", include("meetings.urls")),
    path("verify/<str:code>/", verify_document, name="verify-document"),
    path("", include("homes.urls")),
]
# Media (evidence photos of pupils, signatures, school documents) is never served as plain files, not even in
# development: every download goes through the visit/follow-up access rule (visits.selectors).
