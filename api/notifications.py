"""In-app notifications of the signed-in person: list, unread count, mark read (one or all).

Only one's own delivered in-app rows are visible (`worker.notify.inbox_for`); anyone else's is a 404.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import decorators, serializers, viewsets
from rest_framework.response import Response

from api.exceptions import ApiError, tr
from api.pagination import Pagination
from api.permissions import IsPerson
from supervision.access import person_for_user
from worker import notify
from worker.models import Notification


class NotificationOut(serializers.ModelSerializer):
    event_label = serializers.CharField(source="get_event_display", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_label",
            "object_type",
            "object_id",
            "title",
            "body",
            "link",
            "due_at",
            "sent_at",
            "read_at",
            "is_read",
        ]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        help_text="ไม่ระบุ = อ่านทั้งหมด / omit to mark all read",
    )


Count = inline_serializer("NotificationCount", {"unread": serializers.IntegerField()})
Marked = inline_serializer(
    "NotificationsMarked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()}
)


@extend_schema_view(
    list=extend_schema(
        summary="My in-app notifications, newest first (?unread=1 for unread only)",
        parameters=[OpenApiParameter("unread", bool, description="only unread (1/true) or all (0/false)")],
    ),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        q = notify.inbox_for(person_for_user(self.request.user)).order_by("-sent_at", "-id")
        unread = self.request.query_params.get("unread")
        if unread not in (None, "", "0", "1", "true", "false"):
            raise ApiError(
                code="invalid",
                errors={"unread": [tr("ต้องเป็น 1/true หรือ 0/false", "must be 1/true or 0/false")]},
                th="ข้อมูลไม่ถูกต้อง",
                en="Invalid input.",
            )
        if unread in ("1", "true"):
            q = q.filter(read_at__isnull=True)
        return q

    def _unread(self) -> int:
        return notify.inbox_for(person_for_user(self.request.user)).filter(read_at__isnull=True).count()

    @extend_schema(summary="How many of my notifications are unread", responses=Count)
    @decorators.action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": self._unread()})

    @extend_schema(summary="Mark this notification read", request=None, responses=Marked)
    @decorators.action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        item = self.get_object()
        marked = notify.notifications_mark_read(person=person_for_user(request.user), ids=[item.pk])
        return Response({"marked": marked, "unread": self._unread()})

    @extend_schema(summary="Mark several (ids) or all of my notifications read", request=MarkReadIn, responses=Marked)
    @decorators.action(detail=False, methods=["post"], url_path="mark-read")
    def read_many(self, request):
        data = MarkReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notify.notifications_mark_read(
            person=person_for_user(request.user), ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked, "unread": self._unread()})
