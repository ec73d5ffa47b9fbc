"""Signing in (token for tablets) and who am I."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.throttle import SignInThrottled, authenticate_throttled
from api.exceptions import tr
from api.permissions import IsPerson
from supervision.access import person_for_user
from supervision.models import Membership
from supervision.roles import user_roles


class TokenView(APIView):
    """Exchange a username and password for the API token (created once, then reused)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # The sign-in throttle (accounts.throttle) counts in the database, like the sign-in page: not DRF's cache
    # throttle, which trusted X-Forwarded-For from anyone and failed with the cache.
    throttle_classes = []

    class TokenInputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    class TokenOutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        request=TokenInputSerializer, responses={200: TokenOutputSerializer}, auth=[], operation_id="auth_token"
    )
    def post(self, request):
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = authenticate_throttled(request, data.validated_data["username"], data.validated_data["password"])
        except SignInThrottled as refusal:  # this account must wait at this address: 429 with Retry-After
            body = {"code": refusal.code, "detail": tr(refusal.message_th, refusal.message_en), "errors": {}}
            return Response(body, status=429, headers={"Retry-After": str(refusal.wait_seconds)})
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [tr("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password.")]},
                code="authorization",
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class OfficeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class MyCommitteeOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    role = serializers.CharField(help_text="chair / member / secretary")


class MeView(APIView):
    """The signed-in person: roles, office and committee memberships."""

    permission_classes = [IsPerson]

    class MeOutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        person_id = serializers.IntegerField(allow_null=True)
        full_name = serializers.CharField()
        position = serializers.CharField()
        affiliation = serializers.CharField(allow_null=True)
        school_id = serializers.IntegerField(allow_null=True)
        roles = serializers.ListField(child=serializers.CharField())
        office = OfficeOut(allow_null=True)
        committees = MyCommitteeOut(many=True)

    @extend_schema(responses={200: MeOutputSerializer}, operation_id="me")
    def get(self, request):
        user = request.user
        person = person_for_user(user)
        committees = []
        if person is not None:
            rows = (
                Membership.objects.filter(person=person, committee__is_active=True)
                .order_by("committee__number", "committee__name")
                .values("committee_id", "committee__kind", "committee__number", "committee__name", "role")
            )
            committees = [
                {
                    "id": r["committee_id"],
                    "kind": r["committee__kind"],
                    "number": r["committee__number"],
                    "name": r["committee__name"],
                    "role": r["role"],
                }
                for r in rows
            ]
        office = person.office if person else None
        return Response(
            {
                "username": user.get_username(),
                "person_id": person.pk if person else None,
                "full_name": person.full_name if person else user.get_full_name() or user.get_username(),
                "position": person.position if person else "",
                "affiliation": person.affiliation if person else None,
                "school_id": person.school_id if person else None,
                "roles": sorted(user_roles(user)) + (["superuser"] if user.is_superuser else []),
                "office": {"id": office.pk, "code": office.code, "name": office.name, "short_name": office.short_name}
                if office
                else None,
                "committees": committees,
            }
        )
