from django.urls import path

from visits import followup_pages, report_pages, views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:pk>/", followup_pages.followup_detail, name="followup_detail"),
    path("followups/<int:pk>/", views.followup_change, name="followup_change"),  # POST, answered by the above
    path("followups/<int:pk>/act/", followup_pages.followup_act, name="followup_act"),
    path("followups/<int:pk>/due/", followup_pages.followup_due, name="followup_due"),
    path("followups/<int:pk>/files/<int:file_id>/", followup_pages.followup_file, name="followup_file"),
    path("reports/<str:kind>/<str:key>/", report_pages.report_page, name="report_page"),
    path("<uuid:visit_id>/", views.visit_detail, name="detail"),
    path("<uuid:visit_id>/transition/", views.visit_transition, name="transition"),
    path("<uuid:visit_id>/evidence/<uuid:evidence_id>/", views.evidence_file, name="evidence"),
    path("<uuid:visit_id>/signatures/<uuid:signature_id>/", views.signature_file, name="signature"),
    path(
        "<uuid:visit_id>/evidence/<uuid:evidence_id>/thumb/",
        views.evidence_file,
        {"thumb": True},
        name="evidence_thumb",
    ),
]
