from django.urls import path

from accounts import views, webhook

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.ResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("", views.profile, name="profile"),
    path("sessions/end/", views.end_session, name="end_session"),
    path("line/code/", views.line_code, name="line_code"),
    path("line/unlink/", views.line_unlink, name="line_unlink"),
    path("line/webhook/", webhook.line_webhook, name="line_webhook"),
    path("no-role/", views.no_role, name="no_role"),
    path("invitation/<str:token>/", views.accept_invitation, name="invitation"),
    path("office-logo/", views.office_logo, name="office_logo"),
]
