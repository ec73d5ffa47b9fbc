from django.urls import path

from field import views

app_name = "field"

# The service worker and the manifest live under /field/ (not /static/) so the worker's scope covers the app.
urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
