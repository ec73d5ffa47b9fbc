from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/transition/", views.meeting_transition, name="transition"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda-add"),
    path("<int:pk>/invite/", views.invite_add, name="invite-add"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/sign/", views.minutes_sign, name="minutes-sign"),
    path("<int:pk>/minutes/certify/", views.minutes_certify, name="minutes-certify"),
    path("<int:pk>/invitation.pdf", views.meeting_pdf, {"kind": "invitation"}, name="invitation-pdf"),
    path("<int:pk>/minutes.pdf", views.meeting_pdf, {"kind": "minutes"}, name="minutes-pdf"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("surveys/answer/<str:token>/", views.survey_answer, name="survey-answer"),
    path("surveys/<int:pk>/", views.survey_results_page, name="survey-results"),
    path("surveys/report/<str:key>.pdf", views.survey_pdf, name="survey-pdf"),
    path("opinions/", views.opinion_list, name="opinions"),
    path("participation/", views.participation, name="participation"),
    path("public/survey/<int:pk>.pdf", views.public_survey_pdf, name="public-survey-pdf"),
    path("public/<str:office_code>/opinions/", views.public_opinions, name="public-opinions"),
]
