from django.urls import path

from schedules import views

app_name = "schedules"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("calendar/", views.my_calendars, name="calendars"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("<slug:slug>/", views.round_detail, name="round"),
    path("<slug:slug>/replan/", views.round_replan, name="replan"),
    path("<slug:slug>/replan/<int:pk>/", views.plan_run, name="plan_run"),
    path("<slug:slug>/assignments/<int:pk>/move/", views.assignment_move, name="move"),
    path("<slug:slug>/assignments/<int:pk>/lock/", views.assignment_lock, name="lock"),
]
