from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:pk>/", views.followup_change, name="followup_change"),
    path("<uuid:visit_id>/", views.visit_detail, name="detail"),
    path("<uuid:visit_id>/transition/", views.visit_transition, name="transition"),
    path("<uuid:visit_id>/evidence/<uuid:evidence_id>/", views.evidence_file, name="evidence"),
    path(
        "<uuid:visit_id>/evidence/<uuid:evidence_id>/thumb/",
        views.evidence_file,
        {"thumb": True},
        name="evidence_thumb",
    ),
]
