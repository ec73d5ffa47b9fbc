"""All API routes. Each resource module registers its own viewsets on the shared router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import accounts, instruments, organisation, schedules

router = DefaultRouter()
router.register("schools", organisation.SchoolViewSet, basename="school")
router.register("committees", organisation.CommitteeViewSet, basename="committee")
router.register("rounds", schedules.RoundViewSet, basename="round")
router.register("instruments", instruments.InstrumentViewSet, basename="instrument")
router.register("instrument-versions", instruments.InstrumentVersionViewSet, basename="instrument-version")

urlpatterns = [
    path("v1/auth/token/", accounts.TokenView.as_view(), name="auth-token"),
    path("v1/me/", accounts.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
