from django.urls import path

from worker import views

app_name = "worker"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark-read"),
]
