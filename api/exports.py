"""Exports over the API: the same sheets and the same access rule as the dashboard's downloads.

GET /api/v1/exports/?round=<slug>|year=<BE year>[&office=<code>]&output=xlsx|csv[&sheet=…&version=…]
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from dashboard import exports


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("round", str, description="round slug"),
            OpenApiParameter("year", int, description="academic year (BE)"),
            OpenApiParameter("office", str, description="office code"),
            OpenApiParameter("output", str, enum=["xlsx", "csv"], description="file type (DRF reserves `format`)"),
            OpenApiParameter("sheet", str, enum=sorted(exports.SHEET_KEYS), description="for csv"),
            OpenApiParameter("version", int, description="instrument version id (csv answers)"),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        try:
            scope = exports.scope_from_query(request.user, request.query_params)
            fmt = request.query_params.get("output", "xlsx")
            if fmt == "csv":
                sheet = request.query_params.get("sheet", "schools")
                if sheet not in exports.SHEET_KEYS:
                    raise Http404
                return exports.csv_response(scope, sheet, request.query_params.get("version"))
            return exports.xlsx_response(scope)
        except exports.ExportScopeError as exc:
            raise Http404(str(exc)) from None
