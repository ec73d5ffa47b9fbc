"""Read endpoints for the organisation: schools and committees (with members), office-scoped."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from api.pagination import Pagination
from api.permissions import IsPerson
from supervision.models import Committee, Membership, School


class SchoolOut(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name_th", read_only=True)
    province = serializers.CharField(source="district.province.name_th", read_only=True)
    consortium = serializers.CharField(source="consortium.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name_th",
            "name_en",
            "district_id",
            "district",
            "province",
            "consortium_id",
            "consortium",
            "address",
            "latitude",
            "longitude",
            "director_id",
            "students",
            "teachers",
            "is_active",
        ]


class SchoolFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="name_th", lookup_expr="icontains", label=_("ชื่อมีคำว่า"))

    class Meta:
        model = School
        fields = ["code", "district", "consortium", "is_active"]


@extend_schema_view(list=extend_schema(summary="Schools of my office(s)"), retrieve=extend_schema(summary="One school"))
class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = SchoolFilter
    ordering_fields = ["name_th", "code", "students"]
    ordering = ["name_th"]

    def get_queryset(self):
        return (
            School.objects.for_user(self.request.user)
            .select_related("district__province", "consortium")
            .order_by("name_th")
        )


class MemberOut(serializers.ModelSerializer):
    person_id = serializers.IntegerField()
    full_name = serializers.CharField(source="person.full_name")
    position = serializers.CharField(source="person.position")

    class Meta:
        model = Membership
        fields = ["person_id", "full_name", "position", "role", "position_note", "sort_order"]


class CommitteeOut(serializers.ModelSerializer):
    members = MemberOut(source="memberships", many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "kind", "number", "name", "order_no", "order_date", "order_subject", "is_active", "members"]


class CommitteeFilter(django_filters.FilterSet):
    member = django_filters.NumberFilter(field_name="memberships__person", label=_("มีบุคคลนี้เป็นกรรมการ"))

    class Meta:
        model = Committee
        fields = ["kind", "number", "order_no", "is_active"]


@extend_schema_view(
    list=extend_schema(summary="Committees with their members"),
    retrieve=extend_schema(summary="One committee with its members"),
)
class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommitteeOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = CommitteeFilter
    ordering_fields = ["number", "name", "order_date"]
    ordering = ["kind", "number", "name"]

    def get_queryset(self):
        return (
            Committee.objects.for_user(self.request.user)
            .order_by("kind", "number", "name", "id")
            .prefetch_related("memberships__person")
            .distinct()
        )
