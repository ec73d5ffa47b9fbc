from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/<slug:sheet>.csv", views.export_csv, name="export_csv"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
]
