"""Meetings, answers to invitations, satisfaction surveys and opinions. Reads go through `meetings.selectors`
(what a user may not see is 404), writes through `meetings.services` / `meetings.workflow`, whose typed
errors the exception handler turns into HTTP."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.pagination import Pagination
from api.permissions import IsPerson
from api.visits import ErrorOut
from meetings import selectors, services, workflow
from meetings.models import AgendaItem, Invitation, Meeting, Opinion, SurveyForm, SurveyInvitation
from meetings.surveystats import survey_results
from supervision.errors import NotFound


class AgendaItemOut(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    presenter = serializers.CharField(source="presenter.full_name", read_only=True, default=None)

    class Meta:
        model = AgendaItem
        fields = ["id", "label", "title", "presenter", "detail", "minutes_text", "resolution_text"]


class InvitationOut(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    meeting_title = serializers.CharField(source="meeting.__str__", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "meeting",
            "meeting_title",
            "person",
            "person_name",
            "role",
            "position",
            "answer",
            "substitute_name",
            "substitute_position",
            "reason",
            "answered_at",
            "attendance",
            "attended_substitute_name",
            "absence_reason",
        ]


class MeetingOut(serializers.ModelSerializer):
    number_label = serializers.CharField(read_only=True)
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    invitation_pdf = serializers.SerializerMethodField()
    minutes_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "committee_name",
            "title",
            "number_label",
            "year",
            "number",
            "date",
            "start_time",
            "place",
            "online_link",
            "status",
            "version",
            "subject",
            "invited_at",
            "started_at",
            "ended_at",
            "certified_at",
            "certified_in",
            "invitation_pdf",
            "minutes_pdf",
        ]

    def get_invitation_pdf(self, obj) -> str:
        return f"/meetings/{obj.pk}/invitation.pdf"

    def get_minutes_pdf(self, obj) -> str | None:
        return (
            None if obj.status in (Meeting.Status.DRAFT, Meeting.Status.INVITED) else f"/meetings/{obj.pk}/minutes.pdf"
        )


class MeetingDetailOut(MeetingOut):
    agenda = serializers.SerializerMethodField()
    invitations = serializers.SerializerMethodField()

    class Meta(MeetingOut.Meta):
        fields = [*MeetingOut.Meta.fields, "agenda", "invitations"]

    def get_agenda(self, obj) -> list[dict]:
        items = sorted(
            obj.agenda.select_related("parent", "presenter"),
            key=lambda i: (i.parent.number if i.parent_id else i.number, i.number if i.parent_id else 0),
        )
        return AgendaItemOut(items, many=True).data

    def get_invitations(self, obj) -> list[dict]:
        return InvitationOut(obj.invitations.select_related("person", "meeting"), many=True).data


class TransitionIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=Meeting.Status.choices)
    expected_version = serializers.IntegerField(required=False)


@extend_schema_view(
    list=extend_schema(summary="Meetings I may see"),
    retrieve=extend_schema(
        summary="One meeting with its agenda and invitees", responses={200: MeetingDetailOut, 404: ErrorOut}
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsPerson]
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.meetings_for_user(self.request.user).select_related("committee").order_by("-date", "-number")

    def get_serializer_class(self):
        return MeetingDetailOut if self.action == "retrieve" else MeetingOut

    @extend_schema(
        summary="Move the meeting along its lifecycle (invite, hold, reopen, cancel)",
        request=TransitionIn,
        responses={200: MeetingOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        data = TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = workflow.meeting_transition(meeting_id=pk, user=request.user, **data.validated_data)
        return Response(MeetingOut(meeting).data)


class AnswerIn(serializers.Serializer):
    answer = serializers.ChoiceField(choices=[c for c in Invitation.Answer.choices if c[0] != "pending"])
    substitute_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    substitute_position = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema_view(list=extend_schema(summary="My invitations to meetings"))
class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationOut
    permission_classes = [IsPerson]
    pagination_class = Pagination

    def get_queryset(self):
        return (
            selectors.invitations_for_user(self.request.user)
            .filter(person__user=self.request.user)
            .select_related("person", "meeting")
            .order_by("-meeting__date", "id")
        )

    @extend_schema(
        summary="Answer an invitation: attend, send a named substitute, or absent with a reason",
        request=AnswerIn,
        responses={200: InvitationOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        invitation = self.get_object()  # only one's own: anybody else's is 404
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_answer(invitation=invitation, **data.validated_data)
        return Response(InvitationOut(invitation).data)


class SurveyItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class SurveyInvitationOut(serializers.ModelSerializer):
    form_title = serializers.CharField(source="form.title", read_only=True)
    school_name = serializers.CharField(source="visit.school.name_th", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = SurveyInvitation
        fields = ["id", "form", "form_title", "visit", "school_name", "group", "created_at", "answered_at", "items"]

    def get_items(self, obj) -> list[dict]:
        return [
            {"id": i.pk, "dimension": d.name, "text": i.text}
            for d in obj.form.dimensions.prefetch_related("items")
            for i in d.items.all()
        ]


class SurveyAnswerIn(serializers.Serializer):
    answers = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5), allow_empty=False)
    suggestion = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@extend_schema_view(list=extend_schema(summary="Satisfaction surveys I am asked to answer"))
class SurveyInvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SurveyInvitationOut
    permission_classes = [IsPerson]
    pagination_class = Pagination

    def get_queryset(self):
        return (
            SurveyInvitation.objects.filter(person__user=self.request.user)
            .select_related("form", "visit__school")
            .order_by("-created_at")
        )

    @extend_schema(
        summary="Answer a satisfaction survey (only its invitee, once; every item 1–5)",
        request=SurveyAnswerIn,
        responses={201: None, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = SurveyAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        # Not narrowed to one's own first: someone else's invitation is refused (403), as the brief asks.
        services.survey_submit(invitation_id=pk, user=request.user, **data.validated_data)
        return Response({"detail": "ok"}, status=201)


class StatOut(serializers.Serializer):
    n = serializers.IntegerField()
    mean = serializers.FloatField()
    sd = serializers.FloatField()
    percent = serializers.FloatField()
    band = serializers.CharField()


class SurveyFormOut(serializers.ModelSerializer):
    class Meta:
        model = SurveyForm
        fields = ["id", "title", "anonymous", "banding", "include_teachers", "is_active"]


@extend_schema_view(list=extend_schema(summary="Survey forms (office staff)"))
class SurveyFormViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SurveyFormOut
    permission_classes = [IsPerson]

    def get_queryset(self):
        return selectors.survey_forms_for_user(self.request.user).order_by("id")

    @extend_schema(
        summary="Results: n, mean, SD, % and level per item, dimension and overall (?round= or ?academic_year=)"
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        form = self.get_object()
        kwargs = {}
        if request.query_params.get("round"):
            from schedules.models import Round

            rnd = Round.objects.for_user(request.user).filter(slug=request.query_params["round"]).first()
            if rnd is None:
                raise NotFound()
            kwargs["round_id"] = rnd.pk
        if (year := request.query_params.get("academic_year", "")).isdigit():
            kwargs["academic_year"] = int(year)
        r = survey_results(form, **kwargs)

        def stat(s):
            return StatOut(s).data

        return Response(
            {
                "title": r.title,
                "scope": r.scope,
                "banding": r.banding,
                "invited": r.invited,
                "overall": stat(r.overall),
                "dimensions": [
                    {"name": d.name, **stat(d.stat), "items": [{"text": i.text, **stat(i.stat)} for i in d.items]}
                    for d in r.dimensions
                ],
                "groups": [{"label": g.label, **stat(g.stat)} for g in r.groups],
            }
        )


class OpinionOut(serializers.ModelSerializer):
    class Meta:
        model = Opinion
        fields = ["id", "round", "meeting", "kind", "text", "answer", "answered_at", "published_at", "created_at"]


class OpinionIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Opinion.Kind.choices, default=Opinion.Kind.QUESTION)
    text = serializers.CharField(max_length=5000)
    round = serializers.SlugField(required=False)
    meeting = serializers.IntegerField(required=False)


class OpinionAnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
    publish = serializers.BooleanField(default=False)


@extend_schema_view(list=extend_schema(summary="Opinions I may see (mine, published, all for the office)"))
class OpinionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OpinionOut
    permission_classes = [IsPerson]
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.opinions_for_user(self.request.user).order_by("-created_at")

    @extend_schema(
        summary="Ask a question or make a suggestion on a round or a meeting",
        request=OpinionIn,
        responses={201: OpinionOut, 400: ErrorOut},
    )
    def create(self, request):
        from schedules.models import Round

        data = OpinionIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rnd = Round.objects.for_user(request.user).filter(slug=v["round"]).first() if v.get("round") else None
        meeting = (
            selectors.meetings_for_user(request.user).filter(pk=v["meeting"]).first() if v.get("meeting") else None
        )
        if (v.get("round") and rnd is None) or (v.get("meeting") and meeting is None):
            raise NotFound()
        opinion = services.opinion_submit(user=request.user, text=v["text"], kind=v["kind"], round=rnd, meeting=meeting)
        return Response(OpinionOut(opinion).data, status=201)

    @extend_schema(
        summary="Answer (and publish) an opinion (office coordinators)",
        request=OpinionAnswerIn,
        responses={200: OpinionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = OpinionAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        opinion = services.opinion_answer(opinion_id=pk, user=request.user, **data.validated_data)
        return Response(OpinionOut(opinion).data)
