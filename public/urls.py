from django.urls import path, re_path

from public import views

app_name = "public"

urlpatterns = [
    path("language/", views.language, name="language"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/<str:to>/", views.transition, name="transition"),
    path("manage/rounds/<slug:slug>/", views.add_round, name="add_round"),
    path("<str:office_code>/documents/<int:pk>.pdf", views.document, name="document"),
    re_path(r"^(?P<office_code>[\w-]+)/(?P<path>(?:ita/|rounds/[\w-]+/)?)$", views.page, name="page"),
]
