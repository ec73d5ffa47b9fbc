"""Meetings, answers to invitations, satisfaction surveys and opinions. Reads go through `meetings.selectors`
(what a user may not see is 404), writes through `meetings.services` / `meetings.workflow`, whose typed
errors the exception handler turns into HTTP."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.pagination import Pagination
from api.permissions import IsPerson
from api.visits import ErrorOut
from meetings import actions, selectors, services, workflow
from meetings.models import (
    AgendaAttachment,
    AgendaItem,
    Document,
    DocumentVersion,
    ExchangeAttachment,
    Invitation,
    LearningExchange,
    Meeting,
    MeetingAction,
    MeetingPhoto,
    Opinion,
    Resolution,
    SurveyForm,
    SurveyInvitation,
)
from meetings.surveystats import survey_results
from supervision.errors import InvalidInput, NotFound, Said

FILE_FIELDS = ["content_type", "original_name", "size", "sha256", "uploaded_at"]


class AttachmentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = AgendaAttachment
        fields = ["id", "item", "title", *FILE_FIELDS, "url"]

    def get_url(self, obj) -> str:
        return reverse("meetings:attachment-file", args=[obj.pk])


class PhotoOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingPhoto
        fields = ["id", "meeting", "caption", *FILE_FIELDS, "url", "thumbnail_url"]

    def get_url(self, obj) -> str:
        return reverse("meetings:photo-file", args=[obj.pk])

    def get_thumbnail_url(self, obj) -> str:
        return reverse("meetings:photo-thumb", args=[obj.pk])


class AgendaItemOut(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    presenter = serializers.CharField(source="presenter.full_name", read_only=True, default=None)
    attachments = AttachmentOut(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "label", "title", "presenter", "detail", "minutes_text", "resolution_text", "attachments"]


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
    photos = PhotoOut(many=True, read_only=True)

    class Meta(MeetingOut.Meta):
        fields = [*MeetingOut.Meta.fields, "agenda", "invitations", "photos"]

    def get_agenda(self, obj) -> list[dict]:
        items = sorted(
            obj.agenda.select_related("parent", "presenter").prefetch_related("attachments"),
            key=lambda i: (i.parent.number if i.parent_id else i.number, i.number if i.parent_id else 0),
        )
        return AgendaItemOut(items, many=True).data

    def get_invitations(self, obj) -> list[dict]:
        return InvitationOut(obj.invitations.select_related("person", "meeting"), many=True).data


class PhotoIn(serializers.Serializer):
    image = serializers.FileField()
    caption = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AttachmentIn(serializers.Serializer):
    item = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    file = serializers.FileField()


class MeetingUpdateIn(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    date = serializers.DateField(required=False)
    start_time = serializers.TimeField(required=False)
    end_time = serializers.TimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    online_link = serializers.URLField(required=False, allow_blank=True)
    letter_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    letter_date = serializers.DateField(required=False, allow_null=True)
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True)
    salutation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    enclosures = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    signer = serializers.IntegerField(required=False, allow_null=True)
    note_taker = serializers.IntegerField(required=False, allow_null=True)
    checker = serializers.IntegerField(required=False, allow_null=True)


class ResolutionActionIn(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    owner = serializers.IntegerField()
    due_date = serializers.DateField()


class ResolutionIn(serializers.Serializer):
    item = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Resolution.Kind.choices)
    text = serializers.CharField(max_length=5000)
    document_version = serializers.IntegerField(required=False, allow_null=True, default=None)
    actions = ResolutionActionIn(many=True, required=False, default=list)


class ResolutionOut(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Resolution
        fields = ["id", "item", "kind", "text", "document_version", "created_at", "actions"]

    def get_actions(self, obj) -> list[dict]:
        return MeetingActionOut(obj.actions.select_related("owner", "resolution__item"), many=True).data


class MeetingTransitionIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=Meeting.Status.choices)
    expected_version = serializers.IntegerField(required=False)


@extend_schema_view(
    list=extend_schema(summary="Meetings I may see"),
    retrieve=extend_schema(
        summary="One meeting with its agenda and invitees", responses={200: MeetingDetailOut, 404: ErrorOut}
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [IsPerson]
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.meetings_for_user(self.request.user).select_related("committee").order_by("-date", "-number")

    def get_serializer_class(self):
        return MeetingDetailOut if self.action == "retrieve" else MeetingOut

    @extend_schema(
        summary="Add a photo of the meeting (multipart: image, caption); JPEG, PNG or WebP by content",
        request={"multipart/form-data": PhotoIn},
        responses={201: PhotoOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 415: ErrorOut},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        meeting = self.get_object()
        data = PhotoIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        photo = services.meeting_photo_add(
            meeting_id=meeting.pk, user=request.user, upload=v["image"], caption=v["caption"]
        )
        return Response(PhotoOut(photo).data, status=201)

    @extend_schema(
        summary="Attach a paper to an agenda item (multipart: item, title, file); PDF, images or Office files",
        request={"multipart/form-data": AttachmentIn},
        responses={201: AttachmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 415: ErrorOut},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        meeting = self.get_object()
        data = AttachmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        item = meeting.agenda.filter(pk=data.validated_data["item"]).first()
        if item is None:
            raise NotFound()
        attachment = services.agenda_attachment_add(
            item_id=item.pk, user=request.user, upload=data.validated_data["file"], title=data.validated_data["title"]
        )
        return Response(AttachmentOut(attachment).data, status=201)

    @extend_schema(
        summary="Change the meeting's details, its letter and who takes and checks the minutes (until signed)",
        request=MeetingUpdateIn,
        responses={200: MeetingDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )
    def partial_update(self, request, pk=None):
        from supervision.models import Person

        meeting = self.get_object()
        data = MeetingUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        for name in ("signer", "note_taker", "checker"):
            if v.get(name) is not None:
                person = Person.objects.filter(pk=v[name], office_id=meeting.office_id).first()
                if person is None:
                    raise InvalidInput(fields={name: ["ไม่พบบุคคลในสำนักงาน / no such person in the office"]})
                v[name] = person
        meeting = services.meeting_update(meeting_id=meeting.pk, user=request.user, **v)
        return Response(MeetingDetailOut(meeting).data)

    @extend_schema(
        summary="Record a resolution on an agenda item: approve a document version, ask for changes, give actions",
        request=ResolutionIn,
        responses={201: ResolutionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def resolutions(self, request, pk=None):
        from supervision.models import Person

        meeting = self.get_object()
        data = ResolutionIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = meeting.agenda.filter(pk=v["item"]).first()
        if item is None:
            raise NotFound()
        version = None
        if v["document_version"] is not None:
            version = (
                selectors.document_versions_for_user(request.user)
                .filter(pk=v["document_version"], document__office_id=meeting.office_id)
                .select_related("document")
                .first()
            )
            if version is None:
                raise NotFound()
        people = Person.objects.filter(office_id=meeting.office_id).in_bulk([a["owner"] for a in v["actions"]])
        unknown = {
            f"actions[{n}].owner": [Said("ไม่พบผู้รับผิดชอบในสำนักงาน", "owner not found in the office")]
            for n, a in enumerate(v["actions"])
            if a["owner"] not in people
        }
        if unknown:
            raise InvalidInput(fields=unknown)
        rows = [{**a, "owner": people[a["owner"]]} for a in v["actions"]]
        resolution = services.resolution_add(
            item_id=item.pk, user=request.user, kind=v["kind"], text=v["text"], document_version=version, actions=rows
        )
        return Response(ResolutionOut(resolution).data, status=201)

    @extend_schema(
        summary="Move the meeting along its lifecycle (invite, hold, reopen, cancel)",
        request=MeetingTransitionIn,
        responses={200: MeetingOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        data = MeetingTransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = workflow.meeting_transition(meeting_id=pk, user=request.user, **data.validated_data)
        return Response(MeetingOut(meeting).data)


class InvitationAnswerIn(serializers.Serializer):
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
        request=InvitationAnswerIn,
        responses={200: InvitationOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        invitation = self.get_object()  # only one's own: anybody else's is 404
        data = InvitationAnswerIn(data=request.data)
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


# --- Actions from resolutions ---------------------------------------------------------------------------------


class MeetingActionOut(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    meeting = serializers.IntegerField(source="resolution.item.meeting_id", read_only=True)
    resolution_text = serializers.CharField(source="resolution.text", read_only=True)

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "title",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "notes",
            "done_at",
            "meeting",
            "resolution",
            "resolution_text",
        ]


class ActionTransitionIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=[*MeetingAction.Status.values, "progress"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=actions.NOTE_MAX, default="")


@extend_schema_view(list=extend_schema(summary="Actions from resolutions I own or whose meeting I see"))
class MeetingActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MeetingActionOut
    permission_classes = [IsPerson]
    pagination_class = Pagination

    def get_queryset(self):
        qs = selectors.actions_for_user(self.request.user).select_related("owner", "resolution__item")
        if self.request.query_params.get("mine"):
            qs = qs.filter(owner__user=self.request.user)
        return qs.order_by("due_date", "id")

    @extend_schema(
        summary="Report on an action: start, done (with what was done), progress (a note), reopen (with why)",
        request=ActionTransitionIn,
        responses={200: MeetingActionOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        data = ActionTransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        moved = actions.action_transition(action_id=pk, user=request.user, **data.validated_data)
        return Response(MeetingActionOut(moved).data)


# --- Documents ------------------------------------------------------------------------------------------------


class DocumentVersionOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "status", "note", *FILE_FIELDS, "url", "approved_at", "approved_by", "created_at"]

    def get_url(self, obj) -> str | None:
        return reverse("meetings:version-file", args=[obj.pk]) if obj.file else None

    def get_approved_by(self, obj) -> dict | None:
        r = obj.approved_by_resolution
        if r is None:
            return None
        m = r.item.meeting
        return {"meeting": m.pk, "meeting_title": str(m), "agenda_item": r.item.label, "resolution": r.text}


class DocumentOut(serializers.ModelSerializer):
    versions = DocumentVersionOut(many=True, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "description", "created_at", "versions"]


class DocumentIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.PLAN)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentVersionIn(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


@extend_schema_view(
    list=extend_schema(summary="Office documents with their versions"),
    retrieve=extend_schema(summary="One document: every version, the file's hash, the resolution that approved it"),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            selectors.documents_for_user(self.request.user)
            .prefetch_related("versions__approved_by_resolution__item__meeting")
            .order_by("title")
        )

    @extend_schema(
        summary="Add an office document (coordinators, the office director, committee secretaries)",
        request=DocumentIn,
        responses={201: DocumentOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    )
    def create(self, request):
        from meetings.file_pages import _user_office_id

        data = DocumentIn(data=request.data)
        data.is_valid(raise_exception=True)
        doc = services.document_create(
            office_id=_user_office_id(request.user), user=request.user, **data.validated_data
        )
        return Response(DocumentOut(doc).data, status=201)

    @extend_schema(
        summary="Add a version (multipart: file, note); checked by content, hashed; approved ones stay frozen",
        request={"multipart/form-data": DocumentVersionIn},
        responses={201: DocumentVersionOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 415: ErrorOut},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def versions(self, request, pk=None):
        doc = self.get_object()
        data = DocumentVersionIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.document_version_add(document=doc, user=request.user, **data.validated_data)
        return Response(DocumentVersionOut(version).data, status=201)


# --- Learning exchanges ---------------------------------------------------------------------------------------


class ExchangeAttachmentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeAttachment
        fields = ["id", "title", *FILE_FIELDS, "url"]

    def get_url(self, obj) -> str:
        return reverse("meetings:exchange-file", args=[obj.pk])


class ExchangeOut(serializers.ModelSerializer):
    attachments = ExchangeAttachmentOut(many=True, read_only=True)

    class Meta:
        model = LearningExchange
        fields = ["id", "consortium", *services.EXCHANGE_FIELDS, "created_at", "attachments"]


COUNT_MAX = 100_000  # more people than any office's activity; keeps the count a valid integer on every database


class ExchangeIn(serializers.Serializer):
    event = serializers.CharField(max_length=300)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=300)
    consortium = serializers.IntegerField(required=False, allow_null=True, default=None)
    topic = serializers.CharField(max_length=500)
    learnt = serializers.CharField()
    usage = serializers.CharField()
    count_office = serializers.IntegerField(min_value=0, max_value=COUNT_MAX, default=0)
    count_school = serializers.IntegerField(min_value=0, max_value=COUNT_MAX, default=0)
    count_ktpn = serializers.IntegerField(min_value=0, max_value=COUNT_MAX, default=0)
    count_other = serializers.IntegerField(min_value=0, max_value=COUNT_MAX, default=0)
    participants_note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


@extend_schema_view(list=extend_schema(summary="Learning-exchange records of my office"))
class LearningExchangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ExchangeOut
    permission_classes = [IsPerson]
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.exchanges_for_user(self.request.user).prefetch_related("attachments").order_by("-start_date")

    @extend_schema(
        summary="Record a learning exchange (multipart, files[] attached; office staff and school directors)",
        request={"multipart/form-data": ExchangeIn, "application/json": ExchangeIn},
        responses={201: ExchangeOut, 400: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut},
    )
    def create(self, request):
        from meetings.file_pages import _user_office_id
        from supervision.models import Consortium

        data = ExchangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        office_id = _user_office_id(request.user)
        consortium_id = v.pop("consortium")
        consortium = None
        if consortium_id is not None:
            consortium = Consortium.objects.filter(pk=consortium_id, office_id=office_id).first()
            if consortium is None:
                raise NotFound()
        uploads = v.pop("files")
        exchange = services.exchange_create(
            user=request.user, office_id=office_id, consortium=consortium, uploads=uploads, **v
        )
        return Response(ExchangeOut(exchange).data, status=201)
