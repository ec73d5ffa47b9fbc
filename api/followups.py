"""Follow-ups: the recommendations a school owns. Listed through `followups_for_user`; the school's director
(or the office) moves them along through `visits.followups.followup_update`."""

import mimetypes

import django_filters
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.pagination import Pagination
from api.permissions import IsPerson
from api.visits import ErrorOut
from visits.errors import NotFound
from visits.followups import followup_update
from visits.models import FollowUp
from visits.selectors import followups_for_user


class FollowUpOut(serializers.ModelSerializer):
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
    due_date = serializers.DateField(required=False)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="required when the office sends an answer back"
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="photos (JPEG/PNG/WebP) or PDFs, checked by content"
    )


class FollowUpFilter(django_filters.FilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    open = django_filters.BooleanFilter(method="filter_open", label="ยังไม่เสร็จ (open or in progress)")

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
            .prefetch_related("files")
            .order_by("due_date", "id")
        )

    @extend_schema(
        summary="Update a follow-up's status, notes or due date (its school or the office)",
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
