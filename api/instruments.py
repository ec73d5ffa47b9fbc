"""Read endpoints for instruments: the list with their versions, and one version with sections and items
(what a tablet caches before going out). Who sees which is `visits.selectors` (drafts: coordinators only)."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from api.pagination import Pagination
from api.permissions import IsPerson
from visits import selectors
from visits.models import Instrument, InstrumentVersion, Item, Section


class VersionSummaryOut(serializers.ModelSerializer):
    class Meta:
        model = InstrumentVersion
        fields = ["id", "number", "status", "published_at"]


class InstrumentOut(serializers.ModelSerializer):
    versions = VersionSummaryOut(many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = ["id", "code", "name", "kind", "description", "office_id", "versions"]


class InstrumentFilter(django_filters.FilterSet):
    class Meta:
        model = Instrument
        fields = ["kind", "code"]


@extend_schema_view(
    list=extend_schema(summary="Instruments with their versions"),
    retrieve=extend_schema(summary="One instrument with its versions"),
)
class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstrumentOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = InstrumentFilter
    ordering_fields = ["name", "code"]
    ordering = ["name"]

    def get_queryset(self):
        return (
            selectors.instruments_for_user(self.request.user)
            .order_by("name", "id")
            .prefetch_related(
                Prefetch("versions", selectors.instrument_versions_for_user(self.request.user).order_by("-number"))
            )
        )


class ItemOut(serializers.ModelSerializer):
    weight = serializers.FloatField()

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "order",
            "type",
            "text",
            "help_text",
            "levels",
            "options",
            "required",
            "photo_required",
            "weight",
        ]


class SectionOut(serializers.ModelSerializer):
    weight = serializers.FloatField()
    items = ItemOut(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "order", "title", "weight", "items"]


class VersionOut(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.name", read_only=True)
    instrument_code = serializers.CharField(source="instrument.code", read_only=True)
    sections = SectionOut(many=True, read_only=True)

    class Meta:
        model = InstrumentVersion
        fields = [
            "id",
            "instrument_id",
            "instrument",
            "instrument_code",
            "number",
            "status",
            "published_at",
            "notes",
            "sections",
        ]


class VersionFilter(django_filters.FilterSet):
    class Meta:
        model = InstrumentVersion
        fields = ["instrument", "status"]


@extend_schema_view(
    list=extend_schema(summary="Instrument versions with sections and items"),
    retrieve=extend_schema(summary="One instrument version with sections and items"),
)
class InstrumentVersionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VersionOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = VersionFilter
    ordering_fields = ["number", "published_at"]
    ordering = ["instrument__name", "-number"]

    def get_queryset(self):
        items = Item.objects.order_by("order", "id")
        return (
            selectors.instrument_versions_for_user(self.request.user)
            .select_related("instrument")
            .order_by("instrument__name", "-number", "id")
            .prefetch_related(
                Prefetch("sections", Section.objects.order_by("order", "id").prefetch_related(Prefetch("items", items)))
            )
        )
