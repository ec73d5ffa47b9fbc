"""Follow-ups: the recommendations a school owns. Listed through `followups_for_user`; the school's director
(or the office) moves them along through `visits.followups.followup_update`."""

import mimetypes

import django_filters
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.pagination import Pagination
from api.permissions import IsPerson
from api.visits import ErrorOut
from visits import limits
from visits.errors import NotFound
from visits.followups import due_change_decide, due_change_request, followup_update
from visits.models import FollowUp, FollowUpDueChange
from visits.selectors import followups_for_user


class DueChangeOut(serializers.ModelSerializer):
    class Meta:
        model = FollowUpDueChange
        fields = [
            "id",
            "from_date",
            "to_date",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]


class DueChangeIn(serializers.Serializer):
    due_date = serializers.DateField(help_text="the new due date asked for")
    reason = serializers.CharField(max_length=limits.DUE_CHANGE_REASON_MAX)


class DueDecisionIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=[FollowUpDueChange.Status.APPROVED, FollowUpDueChange.Status.REFUSED])
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.DUE_CHANGE_REASON_MAX, help_text="required to refuse"
    )


class FollowUpOut(serializers.ModelSerializer):
    due_changes = DueChangeOut(many=True, read_only=True)
    school_name = serializers.CharField(source="school.name_th", read_only=True)
    source_visit = serializers.UUIDField(source="source_visit_id", read_only=True, allow_null=True)
    evidence_url = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "school_id",
            "school_name",
            "source_visit",
            "recommendation_index",
            "recommendation",
            "due_date",
            "status",
            "owner_id",
            "notes",
            "evidence_url",
            "files",
            "done_at",
            "verified_at",
            "created_at",
            "updated_at",
            "due_changes",
        ]

    def get_files(self, obj) -> list[dict]:
        return [
            {
                "id": f.pk,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "url": f"/api/v1/followups/{obj.pk}/files/{f.pk}/",
            }
            for f in obj.files.all()
        ]

    def get_evidence_url(self, obj) -> str | None:
        # through the access rule (`GET …/followups/{id}/evidence/`), never a storage URL
        return f"/api/v1/followups/{obj.pk}/evidence/" if obj.evidence else None


class FollowUpIn(serializers.Serializer):
    """JSON, or multipart/form-data when the school sends evidence files (`files`, repeated for several)."""

    status = serializers.ChoiceField(choices=FollowUp.Status.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    due_date = serializers.DateField(
        required=False, help_text="only the current one: a due date moves by POST …/due-date-requests/ and approval"
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="required when the office sends an answer back"
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="photos (JPEG/PNG/WebP) or PDFs, checked by content"
    )


class FollowUpFilter(django_filters.FilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    open = django_filters.BooleanFilter(method="filter_open", label=_("ยังไม่เสร็จ"))

    class Meta:
        model = FollowUp
        fields = ["status", "school", "source_visit"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=FollowUp.OPEN_STATUSES)
        return queryset.exclude(status__in=FollowUp.OPEN_STATUSES)


@extend_schema_view(
    list=extend_schema(summary="Follow-ups I may see"),
    retrieve=extend_schema(summary="One follow-up", responses={200: FollowUpOut, 404: ErrorOut}),
)
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FollowUpOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = FollowUpFilter
    ordering_fields = ["due_date", "status", "created_at"]
    ordering = ["due_date", "id"]
    # JSON for status and notes; multipart when a school answers with its evidence files.
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            followups_for_user(self.request.user)
            .select_related("school")
            .prefetch_related("files", "due_changes")
            .order_by("due_date", "id")
        )

    @extend_schema(
        summary="Update a follow-up's status or notes (its school or the office)",
        request={"application/json": FollowUpIn, "multipart/form-data": FollowUpIn},
        responses={200: FollowUpOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut},
    )
    def partial_update(self, request, pk=None):
        payload = request.data
        if hasattr(payload, "getlist"):  # multipart: the repeated `files` parts become one list
            payload = {k: payload.get(k) for k in payload if k != "files"} | {"files": request.FILES.getlist("files")}
        data = FollowUpIn(data=payload)
        data.is_valid(raise_exception=True)
        fu = followup_update(followup_id=pk, user=request.user, **data.validated_data)
        fu = self.get_queryset().get(pk=fu.pk)
        return Response(FollowUpOut(fu).data)

    @extend_schema(
        summary="Ask to move the follow-up's due date (its school or the office; the office decides)",
        request=DueChangeIn,
        responses={201: DueChangeOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )
    @action(detail=True, methods=["post"], url_path="due-date-requests", parser_classes=[JSONParser])
    def due_date_requests(self, request, pk=None):
        data = DueChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        change = due_change_request(followup_id=pk, user=request.user, **data.validated_data)
        return Response(DueChangeOut(change).data, status=201)

    @extend_schema(
        summary="Approve or refuse a request to move the due date (the office; not the person who asked)",
        request=DueDecisionIn,
        responses={200: DueChangeOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"due-date-requests/(?P<request_id>[0-9]{1,18})/decision",
        parser_classes=[JSONParser],
    )
    def due_date_decision(self, request, pk=None, request_id=None):
        data = DueDecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        change = due_change_decide(followup_id=pk, request_id=int(request_id), user=request.user, **data.validated_data)
        return Response(DueChangeOut(change).data)

    @extend_schema(
        summary="Download the follow-up's evidence file",
        request=None,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorOut},
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        followup = self.get_object()  # 404 for a follow-up the user may not see
        if not followup.evidence:
            raise NotFound()
        content_type = mimetypes.guess_type(followup.evidence.name)[0] or "application/octet-stream"
        return FileResponse(followup.evidence.open("rb"), content_type=content_type)

    @extend_schema(
        summary="Download one evidence file of the follow-up's answer",
        request=None,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorOut},
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>[0-9]{1,18})")
    def file(self, request, pk=None, file_id=None):
        followup = self.get_object()  # 404 for a follow-up the user may not see
        item = followup.files.filter(pk=file_id).first()
        if item is None:
            raise NotFound()
        return FileResponse(item.file.open("rb"), content_type=item.content_type)
