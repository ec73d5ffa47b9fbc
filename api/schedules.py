"""Read endpoints for rounds (`schedules.selectors.rounds_for_user`) and my assignments of a day (the brief);
the planners' lifecycle actions on an assignment (`schedules.lifecycle`, through `schedules.services`)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import Pagination
from api.permissions import IsPerson, get_visible
from schedules import services
from schedules.models import Assignment, Round, RoundSession
from schedules.selectors import rounds_for_planner, rounds_for_user
from supervision.access import committees_of
from visits.models import Visit
from visits.selectors import open_followups_by_school


class SessionOut(serializers.ModelSerializer):
    # Plain "HH:MM:SS" strings (Asia/Bangkok wall time): OpenAPI's `format: time` would demand an offset.
    start_time = serializers.CharField(read_only=True, help_text="HH:MM:SS, Asia/Bangkok")
    end_time = serializers.CharField(read_only=True, help_text="HH:MM:SS, Asia/Bangkok")

    class Meta:
        model = RoundSession
        fields = ["id", "code", "name", "order", "start_time", "end_time"]


class RoundOut(serializers.ModelSerializer):
    sessions = SessionOut(many=True, read_only=True)
    committee_ids = serializers.PrimaryKeyRelatedField(source="committees", many=True, read_only=True)
    instrument_version_id = serializers.IntegerField(source="instrument_id", allow_null=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "slug",
            "kind",
            "academic_year",
            "title",
            "start_date",
            "end_date",
            "status",
            "target",
            "visits_per_school",
            "visits_per_committee_day",
            "instrument_version_id",
            "committee_ids",
            "sessions",
        ]


class RoundFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(method="filter_date", label=_("รอบที่ครอบคลุมวันนี้"))

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
        return (
            rounds_for_user(self.request.user)
            .order_by("-start_date", "title", "id")
            .prefetch_related("sessions", "committees")
        )


class FollowUpBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    recommendation = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    source_visit = serializers.UUIDField(allow_null=True)


class AssignmentSchoolOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_th = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    status = serializers.CharField()
    day_order = serializers.IntegerField()
    session = SessionOut()
    round = serializers.DictField(help_text="{id, slug, title, kind}")
    committee = serializers.DictField(help_text="{id, number, name}")
    school = AssignmentSchoolOut()
    instrument_version = serializers.IntegerField(allow_null=True)
    visit = serializers.UUIDField(allow_null=True, help_text="the visit already recorded for it, if any")
    open_followups = FollowUpBriefOut(many=True)


class AssignmentFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(field_name="date")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Assignment
        fields = ["round", "committee", "status"]


class MyAssignmentsView(ListAPIView):
    """The assignments of my committees (`?date=YYYY-MM-DD` for one day): where to go, what to fill in, and
    what the school still has to do from earlier visits."""

    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = AssignmentFilter
    ordering_fields = ["date", "day_order"]
    ordering = ["date", "session__order", "day_order", "id"]
    serializer_class = AssignmentOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return (
            Assignment.objects.for_user(self.request.user)
            .active()
            .filter(committee__in=committees_of(self.request.user))
            .select_related("round", "committee", "school", "session")
            .order_by("date", "session__order", "day_order", "id")
        )

    @extend_schema(operation_id="assignments_mine", summary="My assignments", responses={200: AssignmentOut(many=True)})
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        visits = dict(Visit.objects.filter(assignment__in=[a.pk for a in page]).values_list("assignment_id", "pk"))
        followups = open_followups_by_school({a.school_id for a in page})
        rows = []
        for a in page:
            rows.append(
                {
                    "id": a.pk,
                    "date": a.date.isoformat(),
                    "status": a.status,
                    "day_order": a.day_order,
                    "session": SessionOut(a.session).data,
                    "round": {"id": a.round_id, "slug": a.round.slug, "title": a.round.title, "kind": a.round.kind},
                    "committee": {"id": a.committee_id, "number": a.committee.number, "name": a.committee.name},
                    "school": {
                        "id": a.school_id,
                        "code": a.school.code,
                        "name_th": a.school.name_th,
                        "address": a.school.address,
                        "latitude": a.school.latitude,
                        "longitude": a.school.longitude,
                    },
                    "instrument_version": a.round.instrument_id,
                    "visit": str(visits[a.pk]) if a.pk in visits else None,
                    "open_followups": [
                        {
                            "id": fu.pk,
                            "recommendation": fu.recommendation,
                            "status": fu.status,
                            "due_date": fu.due_date.isoformat() if fu.due_date else None,
                            "source_visit": str(fu.source_visit_id) if fu.source_visit_id else None,
                        }
                        for fu in followups.get(a.school_id, [])
                    ],
                }
            )
        return self.get_paginated_response(rows)


class AssignmentActionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=["confirm", "move", "lock", "unlock", "cancel"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    committee = serializers.IntegerField(required=False, min_value=1)
    date = serializers.DateField(required=False)
    session = serializers.IntegerField(required=False, min_value=1)


class AssignmentStateOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    locked = serializers.BooleanField()
    committee = serializers.IntegerField()
    date = serializers.DateField()
    session = serializers.IntegerField()
    sequence = serializers.IntegerField(help_text="the calendar event's SEQUENCE (bumped when it changes)")


class AssignmentActionView(APIView):
    """One step of an assignment's lifecycle (`schedules.lifecycle`): confirm, move (with a reason; the
    conflicts it would cause refuse it), lock / unlock (the planner never moves a locked visit), cancel. For
    the coordinators and office directors of the round's office; anyone else gets 404."""

    permission_classes = [IsPerson]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="assignments_action",
        summary="Confirm, move, lock, unlock or cancel an assignment",
        request=AssignmentActionIn,
        responses={200: AssignmentStateOut},
    )
    def post(self, request, assignment_id):
        assignment = get_visible(
            Assignment.objects.filter(round__in=rounds_for_planner(request.user)).active(), pk=assignment_id
        )
        data = AssignmentActionIn(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        done = services.assignment_act(
            assignment=assignment,
            action=given["action"],
            reason=given.get("reason", ""),
            user=request.user,
            committee_id=given.get("committee"),
            date=given.get("date"),
            session_id=given.get("session"),
        )
        return Response(
            {
                "id": done.pk,
                "status": done.status,
                "status_reason": done.status_reason,
                "locked": done.locked,
                "committee": done.committee_id,
                "date": done.date.isoformat(),
                "session": done.session_id,
                "sequence": done.sequence,
            }
        )
