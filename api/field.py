"""`GET /api/v1/field/prepare/`: everything the field app stores to work a day offline (`field.prepare`),
with each prepared visit's server copy in the same JSON the visit endpoints give."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from api.permissions import IsPerson
from api.visits import COLUMNS, json_text, visit_texts
from field.prepare import field_brief
from visits import selectors


class FieldPrepareView(APIView):
    permission_classes = [IsPerson]

    @extend_schema(
        operation_id="field_prepare",
        summary="Prepare for offline: my coming assignments with everything a visit needs",
        responses={200: OpenApiTypes.OBJECT},
        description="Assignments by round and state (live ones without a visit, and visits still mine to edit), "
        "each with its school brief, instrument version, members, open follow-ups and the last visit's "
        "recommendations; `instruments` holds each version's items; `visits` the server's copy of each visit.",
    )
    def get(self, request):
        brief = field_brief(request.user)
        ids = [a["visit"] for a in brief["assignments"] if a["visit"]]
        rows = list(selectors.visits_for_user(request.user).filter(pk__in=ids).values(*COLUMNS)) if ids else []
        visits = ",".join(f"{json_text(str(r['id']))}:{t}" for r, t in zip(rows, visit_texts(rows), strict=True))
        body = json_text(brief)[:-1] + ',"visits":{' + visits + "}}"
        response = HttpResponse(body.encode(), content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response
