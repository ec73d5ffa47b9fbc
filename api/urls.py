"""All API routes. Each resource module registers its own viewsets on the shared router."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import (
    accounts,
    exports,
    field,
    followups,
    instruments,
    meetings,
    notifications,
    organisation,
    reports,
    schedules,
    sync,
    visits,
)
from api.exceptions import not_found


class RecordId:
    """A database id in a path: digits that fit a 64-bit integer; anything else is the API's JSON 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(RecordId, "id")


class Router(DefaultRouter):
    """Detail routes take only well-formed ids (`abc`, a 30-digit number): malformed ones answer 404 from
    `not_found` below, never a 500 from the database."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_regex", None) is None and getattr(viewset, "lookup_field", "pk") == "pk":
            viewset.lookup_value_regex = RecordId.regex
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
router.register("schools", organisation.SchoolViewSet, basename="school")
router.register("committees", organisation.CommitteeViewSet, basename="committee")
router.register("rounds", schedules.RoundViewSet, basename="round")
router.register("instruments", instruments.InstrumentViewSet, basename="instrument")
router.register("instrument-versions", instruments.InstrumentVersionViewSet, basename="instrument-version")
router.register("followups", followups.FollowUpViewSet, basename="followup")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("invitations", meetings.InvitationViewSet, basename="invitation")
router.register("survey-invitations", meetings.SurveyInvitationViewSet, basename="survey-invitation")
router.register("surveys", meetings.SurveyFormViewSet, basename="survey")
router.register("opinions", meetings.OpinionViewSet, basename="opinion")
router.register("meeting-actions", meetings.MeetingActionViewSet, basename="meeting-action")
router.register("documents", meetings.DocumentViewSet, basename="document")
router.register("learning-exchanges", meetings.LearningExchangeViewSet, basename="learning-exchange")

urlpatterns = [
    path("v1/auth/token/", accounts.TokenView.as_view(), name="auth-token"),
    path("v1/me/", accounts.MeView.as_view(), name="me"),
    path("v1/assignments/", schedules.MyAssignmentsView.as_view(), name="assignments-mine"),
    path(
        "v1/assignments/<id:assignment_id>/actions/",
        schedules.AssignmentActionView.as_view(),
        name="assignment-action",
    ),
    path("v1/visits/", visits.VisitListView.as_view(), name="visit-list"),
    path("v1/visits/<uuid:visit_id>/", visits.VisitDetailView.as_view(), name="visit-detail"),
    path("v1/visits/<uuid:visit_id>/transitions/", visits.TransitionView.as_view(), name="visit-transition"),
    path(
        "v1/visits/<uuid:visit_id>/evidence/<uuid:evidence_id>/",
        visits.EvidenceUploadView.as_view(),
        name="visit-evidence",
    ),
    path(
        "v1/visits/<uuid:visit_id>/signatures/<uuid:signature_id>/",
        visits.SignatureView.as_view(),
        name="visit-signature",
    ),
    path("v1/sync/", sync.SyncView.as_view(), name="sync"),
    path("v1/field/prepare/", field.FieldPrepareView.as_view(), name="field-prepare"),
    path("v1/exports/", exports.ExportView.as_view(), name="exports"),
    path("v1/exports/<uuid:job_id>/", exports.ExportJobView.as_view(), name="export-job"),
    path("v1/visits/<uuid:visit_id>/report.pdf", reports.VisitReportView.as_view(), name="visit-report"),
    path("v1/rounds/<slug:slug>/report.pdf", reports.RoundReportView.as_view(), name="round-report"),
    path("v1/committees/<id:pk>/order.pdf", reports.CommitteeOrderView.as_view(), name="committee-order"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Last: any other address under /api/ (a malformed UUID or id, a typo) answers in the API's error shape.
    re_path(r"^.*$", not_found, name="api-not-found"),
]
