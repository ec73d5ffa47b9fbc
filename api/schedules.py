"""Read endpoints for rounds (office-scoped) and my assignments of a day (the tablet's brief)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from api.pagination import Pagination
from api.permissions import IsPerson
from schedules.models import Round, RoundSession


class SessionOut(serializers.ModelSerializer):
    class Meta:
        model = RoundSession
        fields = ["id", "code", "name", "order", "start_time", "end_time"]


class RoundOut(serializers.ModelSerializer):
    sessions = SessionOut(many=True, read_only=True)
    committee_ids = serializers.PrimaryKeyRelatedField(source="committees", many=True, read_only=True)
    instrument_version_id = serializers.IntegerField(source="instrument_id", allow_null=True, read_only=True)

    class Meta:
        model = Round
        fields = ["id", "slug", "kind", "academic_year", "title", "start_date", "end_date", "status", "target",
                  "visits_per_school", "visits_per_committee_day", "instrument_version_id", "committee_ids",
                  "sessions"]


class RoundFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(method="filter_date", label="รอบที่ครอบคลุมวันนี้ (covers this date)")

    class Meta:
        model = Round
        fields = ["kind", "academic_year", "status", "slug"]

    def filter_date(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


@extend_schema_view(list=extend_schema(summary="Rounds of my office(s)"), retrieve=extend_schema(summary="One round"))
class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = RoundFilter
    ordering_fields = ["start_date", "title", "academic_year"]
    ordering = ["-start_date", "title"]

    def get_queryset(self):
        return (Round.objects.for_user(self.request.user).order_by("-start_date", "title", "id")
                .prefetch_related("sessions", "committees"))
