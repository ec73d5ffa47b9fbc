"""Visits: list, read, create-or-update by device UUID (PUT), workflow transitions, evidence bytes.

Who sees what is `visits.selectors.visits_for_user` alone (missing and not-yours are both 404). The JSON of a
visit is built from `values()` rows with one query per related table, whatever the page size — DRF's nested
serializers made one object per answer and were ~4× slower (issue 4); the serializers below only describe
the shape for the OpenAPI schema and validate input.
"""

import json
import uuid as uuidlib

import django_filters
from django.conf import settings
from django.db import connection
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder
from rest_framework.views import APIView

from api.exceptions import ApiError, error_body
from api.filters import UtcIsoDateTimeFilter
from api.pagination import Pagination
from api.permissions import IsPerson
from api.schema import ERRORS_DESCRIPTION
from visits import limits, selectors, services, workflow
from visits.errors import NotFound, StaleVersion, VisitError, VisitLocked
from visits.models import Answer, Evidence, Signature, Visit
from visits.sync import etag, evidence_put, parse_if_match, visit_upsert

# --- input -------------------------------------------------------------------------------------------------
ID_MAX = 2**63 - 1  # ids are 64-bit; anything larger cannot name a row (and would overflow the driver)
VERSION_MAX = 2**31 - 1


class PlaceIn(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    accuracy = serializers.FloatField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True, help_text="GPS accuracy in metres"
    )


LIST_TOO_LONG = {"max_length": _("ไม่เกิน {max_length} รายการ")}


class AnswerIn(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="rating: 1..n; yes_no: true/false; number; text; choice value(s)"
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limits.NOTE_MAX,
        help_text="the item's note; left out = keep the stored one",
    )


class FindingsIn(serializers.Serializer):
    strengths = serializers.CharField(required=False, allow_blank=True, max_length=limits.FINDING_MAX)
    to_improve = serializers.CharField(required=False, allow_blank=True, max_length=limits.FINDING_MAX)
    recommendations = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=limits.RECOMMENDATION_MAX),
        required=False,
        max_length=limits.RECOMMENDATIONS_MAX,
        error_messages=LIST_TOO_LONG,  # DRF's Thai catalogue lacks this one
    )
    observation_notes = serializers.CharField(required=False, allow_blank=True, max_length=limits.FINDING_MAX)
    interview_notes = serializers.CharField(required=False, allow_blank=True, max_length=limits.FINDING_MAX)


class EvidenceManifestIn(serializers.Serializer):
    id = serializers.UUIDField(help_text="made on the device")
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", help_text="SHA-256 of the file, hex")
    size = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="bytes")
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False)
    item = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)
    caption = serializers.CharField(required=False, allow_blank=True, max_length=limits.CAPTION_MAX)
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    taken_at = serializers.DateTimeField(required=False, allow_null=True, help_text="capture time (the tablet's)")
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)


class VisitIn(serializers.Serializer):
    """A visit as the tablet sends it. Keys left out stay as they are on the server; answers not listed stay."""

    assignment = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)
    round = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX, help_text="ad hoc visits only"
    )
    school = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX, help_text="ad hoc visits only"
    )
    committee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX, help_text="ad hoc visits only"
    )
    instrument_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=ID_MAX,
        help_text="the version the tablet filled in (a new visit keeps it even if the round moved on)",
    )
    answers = AnswerIn(many=True, required=False)
    findings = FindingsIn(required=False)
    check_in = PlaceIn(required=False, allow_null=True)
    check_out = PlaceIn(required=False, allow_null=True)
    members_present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=50,
        error_messages=LIST_TOO_LONG,
    )
    evidence = EvidenceManifestIn(many=True, required=False, max_length=100)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=VERSION_MAX,
        help_text="the version this edit is based on (or send If-Match)",
    )


# --- output (the schema of what `visit_texts` builds) -------------------------------------------------------


class SchoolBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_th = serializers.CharField()


class PlaceOut(serializers.Serializer):
    at = serializers.DateTimeField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    accuracy = serializers.FloatField(allow_null=True)
    distance_m = serializers.FloatField(allow_null=True, help_text="to the school")
    far = serializers.BooleanField(help_text="beyond VISIT_CHECKIN_RADIUS_M")
    inaccurate = serializers.BooleanField(help_text="accuracy worse than VISIT_GPS_ACCURACY_WARN_M")


class FindingsOut(serializers.Serializer):
    strengths = serializers.CharField()
    to_improve = serializers.CharField()
    recommendations = serializers.ListField(child=serializers.CharField())
    observation_notes = serializers.CharField()
    interview_notes = serializers.CharField()


class AnswerOut(serializers.Serializer):
    item = serializers.IntegerField()
    value = serializers.JSONField(allow_null=True)
    note = serializers.CharField()


class EvidenceOut(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    item = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    caption = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    uploaded = serializers.BooleanField()
    url = serializers.CharField(allow_null=True)
    thumbnail_url = serializers.CharField(allow_null=True)


class SignatureOut(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Signature.Role.choices)
    signer_name = serializers.CharField()
    sha256 = serializers.CharField()
    signed_at = serializers.DateTimeField()
    url = serializers.CharField()


class SectionScoreOut(serializers.Serializer):
    section_id = serializers.IntegerField()
    title = serializers.CharField()
    weight = serializers.FloatField()
    percent = serializers.FloatField(allow_null=True)
    scored_items = serializers.IntegerField()


class VisitOut(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Visit.Status.choices)
    assignment = serializers.IntegerField(allow_null=True)
    round = serializers.IntegerField()
    school = SchoolBriefOut()
    committee = serializers.IntegerField(allow_null=True)
    instrument_version = serializers.IntegerField()
    members_present = serializers.ListField(child=serializers.IntegerField())
    check_in = PlaceOut(allow_null=True)
    check_out = PlaceOut(allow_null=True)
    findings = FindingsOut()
    answers = AnswerOut(many=True)
    evidence = EvidenceOut(many=True)
    evidence_missing = serializers.ListField(
        child=serializers.UUIDField(), help_text="listed evidence whose bytes have not arrived"
    )
    signatures = SignatureOut(many=True)
    score = serializers.FloatField(allow_null=True)
    section_scores = SectionScoreOut(many=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    school_response = serializers.CharField()
    created_by = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ErrorOut(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=ERRORS_DESCRIPTION
    )


class StaleOut(ErrorOut):
    current = VisitOut(help_text="the server's copy")


# --- building the JSON -------------------------------------------------------------------------------------

_PLACE = ("at", "lat", "lon", "accuracy_m", "distance_m", "far")
COLUMNS = (
    "id",
    "version",
    "status",
    "assignment_id",
    "round_id",
    "school_id",
    "school__code",
    "school__name_th",
    "committee_id",
    "instrument_version_id",
    "created_by_id",
    "strengths",
    "to_improve",
    "recommendations",
    "observation_notes",
    "interview_notes",
    "score",
    "section_scores",
    "submitted_at",
    "approved_at",
    "acknowledged_at",
    "school_response",
    "created_at",
    "updated_at",
    *(f"check_in_{n}" for n in _PLACE),
    *(f"check_out_{n}" for n in _PLACE),
)


def _dt(value):
    # Aware datetimes as ISO 8601 in UTC (what the database holds); converting each to Bangkok time cost
    # more than the rest of a page's timestamps together.
    return value.isoformat() if value is not None else None


def _place(row, prefix):
    if row[f"{prefix}_at"] is None and row[f"{prefix}_lat"] is None:
        return None
    accuracy = row[f"{prefix}_accuracy_m"]
    return {
        "at": _dt(row[f"{prefix}_at"]),
        "lat": row[f"{prefix}_lat"],
        "lon": row[f"{prefix}_lon"],
        "accuracy": row[f"{prefix}_accuracy_m"],
        "distance_m": row[f"{prefix}_distance_m"],
        "far": row[f"{prefix}_far"],
        "inaccurate": accuracy is not None and accuracy > settings.VISIT_GPS_ACCURACY_WARN_M,
    }


def _evidence_urls(visit_id, evidence_id: str, file, thumbnail) -> tuple[str | None, str | None]:
    """Download links through the access rule (`GET …/evidence/{id}/`); storage URLs are never handed out."""
    if not file:
        return None, None
    url = f"/api/v1/visits/{visit_id}/evidence/{evidence_id}/"
    return url, (f"{url}?thumbnail=1" if thumbnail else url)


def json_text(value) -> str:
    """Compact JSON like DRF's renderer (UTF-8, no spaces; UUIDs, dates and lazy strings understood)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=DRFJSONEncoder)


def _page_rows(model, columns: list[str], ids, order_by: str) -> list[tuple]:
    """Rows of `model` for a page of visits (`visit_id IN ids`), in plain SQL: binding 50 UUIDs through the
    ORM's lookups, three times a page, cost more Python time than building the page itself."""
    qn = connection.ops.quote_name
    prep = Visit._meta.pk.get_db_prep_value
    params = [prep(i, connection) for i in ids]
    columns = [c if "(" in c else qn(c) for c in columns]
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(model._meta.db_table)} "
        f"WHERE {qn('visit_id')} IN ({', '.join(['%s'] * len(params))}) ORDER BY {order_by}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _visit_keys(ids) -> dict:
    """The page's visit ids as the database driver returns them (UUID on PostgreSQL, hex text on SQLite)."""
    prep = Visit._meta.pk.get_db_prep_value
    return {prep(i, connection): i for i in ids}


def answers_json(ids) -> dict:
    """{visit id: its answers as JSON array text}. Values are spliced in as the JSON text the database
    stores (cast to text), so a page of 1,000 answers is never decoded and re-encoded. (Letting PostgreSQL
    build the arrays with jsonb_agg measured slower: the same Python time, more database time.)"""
    parts: dict = {i: [] for i in ids}
    if not ids:
        return {}
    keys = _visit_keys(ids)
    for visit_id, item_id, value, note in _page_rows(
        Answer, ["visit_id", "item_id", f"CAST({connection.ops.quote_name('value')} AS text)", "note"], ids, "item_id"
    ):
        value = "null" if value is None else value
        note = json_text(note) if note else '""'
        parts[keys[visit_id]].append(f'{{"item":{item_id},"value":{value},"note":{note}}}')
    return {i: "[" + ",".join(p) + "]" for i, p in parts.items()}


def _visit_dicts(rows: list[dict]) -> list[dict]:
    """`values(*COLUMNS)` rows → visit JSON without its answers, with two more queries (evidence, members)."""
    ids = [r["id"] for r in rows]
    evidence: dict = {i: [] for i in ids}
    missing: dict = {i: [] for i in ids}
    members: dict = {i: [] for i in ids}
    signatures: dict = {i: [] for i in ids}
    if ids:
        keys = _visit_keys(ids)
        evidence_columns = [
            "id",
            "visit_id",
            "kind",
            "item_id",
            "sha256",
            "size",
            "caption",
            "original_name",
            "content_type",
            "file",
            "thumbnail",
        ]
        for ev_id, visit_id, kind, item_id, sha256, size, caption, name, content_type, file, thumbnail in _page_rows(
            Evidence, evidence_columns, ids, "created_at, id"
        ):
            vid = keys[visit_id]
            ev_id = str(uuidlib.UUID(str(ev_id)))
            url, thumbnail_url = _evidence_urls(vid, ev_id, file, thumbnail)
            evidence[vid].append(
                {
                    "id": ev_id,
                    "kind": kind,
                    "item": item_id,
                    "sha256": sha256,
                    "size": size,
                    "caption": caption,
                    "name": name,
                    "content_type": content_type,
                    "uploaded": bool(file),
                    "url": url,
                    "thumbnail_url": thumbnail_url,
                }
            )
            if not file:
                missing[vid].append(ev_id)
        for visit_id, person_id in _page_rows(
            Visit.members_present.through, ["visit_id", "person_id"], ids, "person_id"
        ):
            members[keys[visit_id]].append(person_id)
        for sig_id, visit_id, role, signer_name, sha256, signed_at in _page_rows(
            Signature, ["id", "visit_id", "role", "signer_name", "sha256", "signed_at"], ids, "signed_at, id"
        ):
            vid = keys[visit_id]
            sig_id = str(uuidlib.UUID(str(sig_id)))
            signatures[vid].append(
                {
                    "id": sig_id,
                    "role": role,
                    "signer_name": signer_name,
                    "sha256": sha256,
                    "signed_at": _dt(signed_at) if not isinstance(signed_at, str) else signed_at,
                    "url": f"/api/v1/visits/{vid}/signatures/{sig_id}/",
                }
            )
    out = []
    for r in rows:
        vid = r["id"]
        out.append(
            {
                "id": str(vid),
                "version": r["version"],
                "status": r["status"],
                "assignment": r["assignment_id"],
                "round": r["round_id"],
                "school": {"id": r["school_id"], "code": r["school__code"], "name_th": r["school__name_th"]},
                "committee": r["committee_id"],
                "instrument_version": r["instrument_version_id"],
                "members_present": members[vid],
                "check_in": _place(r, "check_in"),
                "check_out": _place(r, "check_out"),
                "findings": {
                    "strengths": r["strengths"],
                    "to_improve": r["to_improve"],
                    "recommendations": r["recommendations"] or [],
                    "observation_notes": r["observation_notes"],
                    "interview_notes": r["interview_notes"],
                },
                "evidence": evidence[vid],
                "evidence_missing": missing[vid],
                "signatures": signatures[vid],
                "score": r["score"],
                "section_scores": r["section_scores"] or [],
                "submitted_at": _dt(r["submitted_at"]),
                "approved_at": _dt(r["approved_at"]),
                "acknowledged_at": _dt(r["acknowledged_at"]),
                "school_response": r["school_response"],
                "created_by": r["created_by_id"],
                "created_at": _dt(r["created_at"]),
                "updated_at": _dt(r["updated_at"]),
            }
        )
    return out


def visit_texts(rows: list[dict]) -> list[str]:
    """The JSON text of each visit (the one builder every endpoint uses), with its answers spliced in."""
    answers = answers_json([r["id"] for r in rows])
    return [
        json_text(d)[:-1] + ',"answers":' + answers[r["id"]] + "}"
        for r, d in zip(rows, _visit_dicts(rows), strict=True)
    ]


def visit_payload(visit_id) -> dict | None:
    rows = list(Visit.objects.filter(pk=visit_id).values(*COLUMNS))
    return json.loads(visit_texts(rows)[0]) if rows else None


def visit_response(visit_id, *, status_code=200) -> HttpResponse:
    rows = list(Visit.objects.filter(pk=visit_id).values(*COLUMNS))
    response = HttpResponse(visit_texts(rows)[0].encode(), status=status_code, content_type="application/json")
    response["ETag"] = etag(rows[0]["version"])
    return response


def refusal_with_current(error: VisitError, visit_id):
    """412 and 409 carry the server's current copy so the tablet can show both and merge."""
    code, body = error_body(error)
    current = visit_payload(visit_id)
    if current is not None:
        body["current"] = current
    return ApiError(
        body["detail"],
        code=body["code"],
        errors=body["errors"],
        extra={k: v for k, v in body.items() if k not in ("code", "detail", "errors")},
        status_code=code,
    )


# --- views -------------------------------------------------------------------------------------------------


class VisitFilter(django_filters.FilterSet):
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="เปลี่ยนแปลงตั้งแต่ (changed since, ISO 8601)"
    )
    date_from = django_filters.DateFilter(field_name="assignment__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="assignment__date", lookup_expr="lte")
    missing_evidence = django_filters.BooleanFilter(method="filter_missing", label="ยังขาดไฟล์หลักฐาน")

    class Meta:
        model = Visit
        fields = ["status", "round", "school", "committee", "assignment"]

    def filter_missing(self, queryset, name, value):
        if value is None:
            return queryset
        with_missing = selectors.visits_with_missing_evidence(Visit.objects.all()).values("pk")
        return queryset.filter(pk__in=with_missing) if value else queryset.exclude(pk__in=with_missing)


class VisitListView(GenericAPIView):
    """My visits (what `visits_for_user` allows), filtered, ordered, 50 per page."""

    permission_classes = [IsPerson]
    pagination_class = Pagination
    filterset_class = VisitFilter
    ordering_fields = ["created_at", "updated_at", "score", "status"]
    ordering = ["-created_at", "id"]
    serializer_class = VisitOut

    def get_queryset(self):
        return selectors.visits_for_user(self.request.user)

    @extend_schema(operation_id="visits_list", summary="Visits I may see", responses={200: VisitOut(many=True)})
    def get(self, request):
        if set(request.query_params) <= {"page", "page_size"}:
            qs = self.get_queryset().order_by(*self.ordering)  # nothing to filter: skip building the filter form
        else:
            qs = self.filter_queryset(self.get_queryset())
        qs = qs.values(*COLUMNS)
        page = self.paginate_queryset(qs)
        items = visit_texts(page)
        paginator = self.paginator
        body = (
            f'{{"count":{paginator.page.paginator.count},"next":{json_text(paginator.get_next_link())},'
            f'"previous":{json_text(paginator.get_previous_link())},"results":[{",".join(items)}]}}'
        )
        return HttpResponse(body.encode(), content_type="application/json")


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the copy this edit is based on, e.g. "v3"',
)


class VisitDetailView(APIView):
    permission_classes = [IsPerson]
    parser_classes = [JSONParser]

    @extend_schema(operation_id="visits_retrieve", summary="One visit", responses={200: VisitOut, 404: ErrorOut})
    def get(self, request, visit_id):
        if not selectors.visits_for_user(request.user).filter(pk=visit_id).exists():
            return Response(error_body(NotFound())[1], status=404)
        response = visit_response(visit_id)
        if request.headers.get("If-None-Match") == response.headers["ETag"]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": response.headers["ETag"]})
        return response

    @extend_schema(
        operation_id="visits_put",
        summary="Create or update a visit (idempotent)",
        request=VisitIn,
        parameters=[IF_MATCH],
        responses={
            200: VisitOut,
            201: VisitOut,
            400: ErrorOut,
            403: ErrorOut,
            404: ErrorOut,
            409: StaleOut,
            412: StaleOut,
        },
        description="Same body twice: one visit, the same body back (201 the first time, 200 after). A change "
        "based on an old version (If-Match or `version`) is refused with 412 and the server's copy.",
    )
    def put(self, request, visit_id):
        data = VisitIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = visit_upsert(
                uuid=visit_id, user=request.user, payload=data.validated_data, if_match=request.headers.get("If-Match")
            )
        except (StaleVersion, VisitLocked) as error:
            raise refusal_with_current(error, visit_id) from None
        return visit_response(result.visit.pk, status_code=201 if result.created else 200)


class ExpectedFileIn(serializers.Serializer):
    """A file a submitting client sent: the server must hold it with this hash before the visit is submitted."""

    id = serializers.UUIDField()
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$")
    kind = serializers.ChoiceField(choices=["photo", "document", "signature"], required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)


class TransitionView(APIView):
    permission_classes = [IsPerson]
    parser_classes = [JSONParser]

    class TransitionIn(serializers.Serializer):
        to = serializers.ChoiceField(choices=Visit.Status.choices)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=limits.COMMENT_MAX)
        version = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=VERSION_MAX)
        files = ExpectedFileIn(
            many=True,
            required=False,
            max_length=500,
            help_text="for a submit: the files the client sent (evidence and signatures, by id and SHA-256); the "
            "submit is refused with 409 `files_missing` (which files, Thai and English) until the server holds "
            "each of them, and every evidence file the visit lists",
        )

    @extend_schema(
        operation_id="visits_transition",
        summary="Move a visit through the review workflow",
        request=TransitionIn,
        parameters=[IF_MATCH],
        responses={200: VisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: StaleOut},
    )
    def post(self, request, visit_id):
        data = self.TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        expected = parse_if_match(request.headers.get("If-Match"))
        if expected is None:
            expected = data.validated_data.get("version")
        try:
            visit = workflow.visit_transition(
                visit_id=visit_id,
                to=data.validated_data["to"],
                user=request.user,
                comment=data.validated_data.get("comment", ""),
                expected_version=expected,
                expected_files=data.validated_data.get("files"),
            )
        except StaleVersion as error:
            raise refusal_with_current(error, visit_id) from None
        return visit_response(visit.pk)


class EvidenceUploadView(APIView):
    """The bytes of one piece of evidence: uploaded as multipart form data, downloaded through the access rule."""

    permission_classes = [IsPerson]
    parser_classes = [MultiPartParser, FormParser]

    class EvidenceUploadIn(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True, use_url=False)
        sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$")
        kind = serializers.ChoiceField(
            choices=Evidence.Kind.choices,
            required=False,
            help_text="only when the visit did not list this evidence yet",
        )
        item = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)
        caption = serializers.CharField(required=False, allow_blank=True, max_length=limits.CAPTION_MAX)

    @extend_schema(
        operation_id="visits_evidence_get",
        summary="Download evidence bytes (or the photo's thumbnail)",
        parameters=[
            OpenApiParameter(
                "thumbnail",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                required=False,
                description="the JPEG thumbnail instead of the file (photos)",
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorOut},
        description="Only for people who may see the visit; anyone else gets 404, as for a missing file.",
    )
    def get(self, request, visit_id, evidence_id):
        thumbnail = request.query_params.get("thumbnail", "").lower() in ("1", "true", "yes")
        found = selectors.evidence_file_for_user(request.user, visit_id, evidence_id, thumbnail=thumbnail)
        if found is None:
            raise NotFound()
        handle, content_type = found
        return FileResponse(handle, content_type=content_type)

    @extend_schema(
        operation_id="visits_evidence_put",
        summary="Upload evidence bytes (idempotent)",
        request={"multipart/form-data": EvidenceUploadIn},
        responses={
            200: VisitOut,
            201: VisitOut,
            400: ErrorOut,
            403: ErrorOut,
            404: ErrorOut,
            409: ErrorOut,
            413: ErrorOut,
            415: ErrorOut,
        },
        description="201 when the bytes are stored now, 200 when they were stored before. A hash that does not "
        "match is 400, a file over EVIDENCE_MAX_BYTES 413, a type other than JPEG/PNG/WebP/PDF 415.",
    )
    def put(self, request, visit_id, evidence_id):
        data = self.EvidenceUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        _, stored = evidence_put(
            user=request.user,
            visit_id=visit_id,
            evidence_id=evidence_id,
            upload=v["file"],
            sha256=v["sha256"],
            kind=v.get("kind"),
            item=v.get("item"),
            caption=v.get("caption", ""),
        )
        return visit_response(visit_id, status_code=201 if stored else 200)


class SignatureView(APIView):
    """A signature drawn on the tablet: PUT by the device's UUID (idempotent), GET the PNG."""

    permission_classes = [IsPerson]
    parser_classes = [MultiPartParser, FormParser]

    class SignatureIn(serializers.Serializer):
        file = serializers.FileField(use_url=False, help_text="the PNG")
        sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", help_text="SHA-256 of the PNG, hex")
        role = serializers.ChoiceField(choices=Signature.Role.choices)
        signer_name = serializers.CharField(max_length=200)
        signed_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(
        operation_id="visits_signature_get",
        summary="A signature's image",
        responses={(200, "image/png"): OpenApiTypes.BINARY, 404: ErrorOut},
    )
    def get(self, request, visit_id, signature_id):
        handle = selectors.signature_file_for_user(request.user, visit_id, signature_id)
        if handle is None:
            raise NotFound()
        return FileResponse(handle, content_type="image/png")

    @extend_schema(
        operation_id="visits_signature_put",
        summary="Store a signature (idempotent by its UUID)",
        request={"multipart/form-data": SignatureIn},
        responses={200: VisitOut, 201: VisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
        description="201 when stored now, 200 when this UUID was stored before with the same image. The visit "
        "answers with its `signatures` (each with its sha256) so the tablet can confirm what arrived.",
    )
    def put(self, request, visit_id, signature_id):
        data = self.SignatureIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        upload = v["file"]
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            from visits.evidence import too_large

            raise too_large(upload.size)
        _, stored = services.signature_add(
            visit_id=visit_id,
            user=request.user,
            signature_id=signature_id,
            role=v["role"],
            signer_name=v["signer_name"],
            image=upload.read(),
            signed_at=v.get("signed_at"),
            sha256=v["sha256"],
        )
        return visit_response(visit_id, status_code=201 if stored else 200)
