"""`POST /api/v1/sync/`: a tablet's whole queue in one request — visits and evidence manifests — each item
answered with its own status. One bad item never drops the others (`visits.sync.sync_apply`)."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from api.exceptions import PayloadTooLarge, error_body, tr
from api.permissions import IsPerson
from api.visits import COLUMNS, ErrorOut, EvidenceManifestIn, VisitIn, VisitOut, json_text, visit_texts
from visits import services
from visits.errors import VisitError
from visits.models import Evidence, Visit
from visits.sync import sync_apply

MAX_ITEMS = getattr(settings, "SYNC_MAX_ITEMS", 500)


class SyncVisitIn(VisitIn):
    id = serializers.UUIDField(help_text="the visit's UUID, made on the device")


class SyncEvidenceIn(EvidenceManifestIn):
    visit = serializers.UUIDField()


class SyncIn(serializers.Serializer):
    visits = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="each item is a visit body (as for PUT) plus its `id`"
    )
    evidence = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="evidence manifests: {visit, id, sha256, size, kind, item, caption}",
    )


class SyncDocIn(serializers.Serializer):
    """The documented shape of a sync request (items are checked one by one, so one bad item is one 400)."""

    visits = SyncVisitIn(many=True, required=False)
    evidence = SyncEvidenceIn(many=True, required=False)


class SyncVisitOut(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.IntegerField(help_text="201 created, 200 saved or unchanged, 400/403/404/409/412 refused")
    visit = VisitOut(allow_null=True, help_text="the saved visit; on 409/412 the server's current copy")
    error = ErrorOut(allow_null=True)


class SyncEvidenceOut(serializers.Serializer):
    id = serializers.CharField()
    visit = serializers.CharField(allow_null=True)
    status = serializers.IntegerField()
    error = ErrorOut(allow_null=True)


class SyncOut(serializers.Serializer):
    visits = SyncVisitOut(many=True)
    evidence = SyncEvidenceOut(many=True)


def _shape_error(errors) -> dict:
    return error_body(serializers.ValidationError(errors))[1]


class SyncView(APIView):
    permission_classes = [IsPerson]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="sync",
        summary="Apply a batch of visits and evidence manifests",
        request=SyncDocIn,
        responses={200: SyncOut, 400: ErrorOut, 413: ErrorOut},
        description="Every item gets its own status; the request itself answers 200 when it could be read. "
        f"At most {MAX_ITEMS} items per request.",
    )
    def post(self, request):
        body = SyncIn(data=request.data)
        body.is_valid(raise_exception=True)
        raw_visits = body.validated_data.get("visits") or []
        raw_evidence = body.validated_data.get("evidence") or []
        if len(raw_visits) + len(raw_evidence) > MAX_ITEMS:
            raise PayloadTooLarge(
                tr(f"ส่งได้ไม่เกิน {MAX_ITEMS} รายการต่อครั้ง", f"at most {MAX_ITEMS} items per request"),
                code="too_many_items",
            )

        answers: list[dict | None] = [None] * len(raw_visits)
        items = []
        # One validator for every item, as a ListSerializer would use (building a serializer per item
        # deep-copies its nested fields each time, which dominated a 100-visit batch).
        validator = SyncVisitIn()
        for i, raw in enumerate(raw_visits):
            try:
                data = dict(validator.run_validation(raw))
            except serializers.ValidationError as error:
                answers[i] = {
                    "id": str(raw.get("id", "")),
                    "status": 400,
                    "visit": None,
                    "error": _shape_error(error.detail),
                }
                continue
            items.append({"key": str(i), "id": data.pop("id"), "payload": data})

        with transaction.atomic():
            outcomes = sync_apply(user=request.user, items=items) if items else []
            manifest = SyncEvidenceIn()
            evidence_answers = [self._declare(request.user, manifest, raw) for raw in raw_evidence]

        show = [o.visit_id for o in outcomes if o.error is None or o.status in (409, 412)]
        rows = list(Visit.objects.filter(pk__in=show).values(*COLUMNS)) if show else []
        texts = {str(r["id"]): t for r, t in zip(rows, visit_texts(rows), strict=True)}
        # Built as text so each visit's answers are spliced in undecoded, as in the visit list.
        parts: list[str | None] = [None] * len(raw_visits)
        for i, answer in enumerate(answers):
            if answer is not None:
                parts[i] = json_text(answer)
        for o in outcomes:
            error = error_body(o.error)[1] if o.error is not None else None
            copy = texts.get(str(o.visit_id)) if o.error is None or o.status in (409, 412) else None
            parts[int(o.key)] = (
                f'{{"id":{json_text(str(o.visit_id))},"status":{o.status},'
                f'"visit":{copy or "null"},"error":{json_text(error)}}}'
            )
        body = f'{{"visits":[{",".join(parts)}],"evidence":{json_text(evidence_answers)}}}'
        return HttpResponse(body.encode(), content_type="application/json")

    @staticmethod
    def _declare(user, validator, raw) -> dict:
        try:
            m = validator.run_validation(raw)
        except serializers.ValidationError as error:
            return {
                "id": str(raw.get("id", "")),
                "visit": str(raw.get("visit", "")) or None,
                "status": 400,
                "error": _shape_error(error.detail),
            }
        try:
            with transaction.atomic():
                _, created = services.evidence_declare(
                    visit_id=m["visit"],
                    user=user,
                    evidence_id=m["id"],
                    sha256=m["sha256"],
                    size=m["size"],
                    kind=m.get("kind") or Evidence.Kind.PHOTO,
                    item=m.get("item"),
                    caption=m.get("caption", ""),
                    original_name=m.get("name", ""),
                    taken_at=m.get("taken_at"),
                    lat=m.get("lat"),
                    lon=m.get("lon"),
                )
        except VisitError as error:
            status, err = error_body(error)
            return {"id": str(m["id"]), "visit": str(m["visit"]), "status": status, "error": err}
        return {"id": str(m["id"]), "visit": str(m["visit"]), "status": 201 if created else 200, "error": None}
