"""The access rules of the participation records: one per object kind, each a single query.

Every page, API endpoint, report and command of this app narrows through these; a record a user may not
see is absent (404), never forbidden.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from meetings.models import (
    AgendaAttachment,
    Document,
    DocumentVersion,
    ExchangeAttachment,
    Invitation,
    LearningExchange,
    Meeting,
    MeetingAction,
    MeetingPhoto,
    Opinion,
    ParticipationRecord,
    SurveyForm,
    SurveyInvitation,
    SurveyResponse,
)
from supervision.access import office_ids_for_user, person_for_user
from supervision.models import Membership
from supervision.roles import Role, user_roles

OFFICE_WIDE = {Role.COORDINATOR, Role.OFFICE_DIRECTOR}
OFFICE_STAFF = OFFICE_WIDE | {Role.SUPERVISOR, Role.VIEWER}


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated


def _offices(qs, user, field="office_id"):
    ids = office_ids_for_user(user)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def is_secretary(user, committee_id) -> bool:
    return Membership.objects.filter(
        person__user=user, committee_id=committee_id, role=Membership.Role.SECRETARY
    ).exists()


def is_office_coordinator(user, office_id) -> bool:
    if _anonymous(user):
        return False
    if user.is_superuser:
        return True
    ids = office_ids_for_user(user) or set()
    return Role.COORDINATOR in user_roles(user) and office_id in ids


def meetings_for_user(user) -> QuerySet[Meeting]:
    """Meetings:
    - coordinators and the office director: every meeting of their offices, drafts included;
    - the committee's secretary: every meeting of that committee, drafts included; the note-taker and
      the checker: the meetings whose minutes they sign;
    - other members of the committee, and anyone invited: the meeting once the invitations went out;
    - superusers everything; anyone else (the public included) nothing (the public reads participation
      records, published by the office)."""
    qs = Meeting.objects.all()
    if _anonymous(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user_roles(user) & OFFICE_WIDE:
        return _offices(qs, user)
    secretary_of = Membership.objects.filter(person__user=user, role=Membership.Role.SECRETARY).values("committee_id")
    member_of = Membership.objects.filter(person__user=user).values("committee_id")
    invited = Invitation.objects.filter(meeting=OuterRef("pk"), person__user=user)
    rule = (
        Q(committee_id__in=secretary_of)
        | Q(note_taker__user=user)
        | Q(checker__user=user)
        | (~Q(status=Meeting.Status.DRAFT) & (Q(committee_id__in=member_of) | Q(Exists(invited))))
    )
    return qs.filter(rule)


def invitations_for_user(user) -> QuerySet[Invitation]:
    """Invitations: the invitee their own; whoever sees the meeting (secretary, coordinators) all of it."""
    if _anonymous(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(Q(meeting__in=meetings_for_user(user)) | Q(person__user=user)).exclude(
        meeting__status=Meeting.Status.DRAFT, person__user=user
    )


def documents_for_user(user) -> QuerySet[Document]:
    """Office documents: everyone signed in with a Person in the office (staff, school directors, members)."""
    if _anonymous(user):
        return Document.objects.none()
    return _offices(Document.objects.all(), user)


def document_versions_for_user(user) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document__in=documents_for_user(user))


def actions_for_user(user) -> QuerySet[MeetingAction]:
    """Actions from resolutions: their owner, and whoever sees the meeting that raised them."""
    if _anonymous(user):
        return MeetingAction.objects.none()
    return MeetingAction.objects.filter(Q(resolution__item__meeting__in=meetings_for_user(user)) | Q(owner__user=user))


def survey_forms_for_user(user) -> QuerySet[SurveyForm]:
    """Survey forms (and their results): office staff roles of the office; invitees see only the form they
    are asked to answer, through `survey_invitations_for_user`."""
    if _anonymous(user):
        return SurveyForm.objects.none()
    if user.is_superuser:
        return SurveyForm.objects.all()
    if not user_roles(user) & OFFICE_STAFF:
        return SurveyForm.objects.none()
    return _offices(SurveyForm.objects.all(), user)


def survey_invitations_for_user(user) -> QuerySet[SurveyInvitation]:
    """Survey invitations: each person their own (answering needs one); office staff see who was asked
    (never which answer is whose on an anonymous form: responses keep no link then)."""
    if _anonymous(user):
        return SurveyInvitation.objects.none()
    return SurveyInvitation.objects.filter(Q(person__user=user) | Q(form__in=survey_forms_for_user(user)))


def survey_responses_for_user(user) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(form__in=survey_forms_for_user(user))


def opinions_for_user(user) -> QuerySet[Opinion]:
    """Opinions: coordinators and the office director all of their offices; everyone else the published ones
    of their offices and their own. Anonymous visitors read published ones through `published_opinions`."""
    if _anonymous(user):
        return Opinion.objects.none()
    if user.is_superuser:
        return Opinion.objects.all()
    if user_roles(user) & OFFICE_WIDE:
        return _offices(Opinion.objects.all(), user)
    person = person_for_user(user)
    mine = Q(author=person) if person is not None else Q(pk__in=[])
    return _offices(Opinion.objects.filter(Q(published_at__isnull=False) | mine), user)


def published_opinions(office_id) -> QuerySet[Opinion]:
    """What the public may read (O32): answered opinions the office chose to publish."""
    return Opinion.objects.filter(office_id=office_id, published_at__isnull=False)


def exchanges_for_user(user) -> QuerySet[LearningExchange]:
    """Learning-exchange records: everyone signed in with a Person in the office."""
    if _anonymous(user):
        return LearningExchange.objects.none()
    return _offices(LearningExchange.objects.all(), user)


def participation_for_user(user) -> QuerySet[ParticipationRecord]:
    """Participation records: office staff roles all of their offices; others the published ones."""
    if _anonymous(user):
        return ParticipationRecord.objects.none()
    qs = _offices(ParticipationRecord.objects.all(), user)
    if user.is_superuser or user_roles(user) & OFFICE_STAFF:
        return qs
    return qs.filter(published_at__isnull=False)


def published_participation(office_id) -> QuerySet[ParticipationRecord]:
    """What the public ITA page shows (O33 / o25): records the office published."""
    return ParticipationRecord.objects.filter(office_id=office_id, published_at__isnull=False)


def can_manage_documents(user, office_id) -> bool:
    """Who adds office documents and their versions: the office's coordinators and director, and the
    secretary of any of its committees (they bring drafts to the meeting); superusers."""
    if _anonymous(user):
        return False
    if user.is_superuser:
        return True
    ids = office_ids_for_user(user)
    if ids is not None and office_id not in ids:
        return False
    if user_roles(user) & OFFICE_WIDE:
        return True
    return Membership.objects.filter(
        person__user=user, role=Membership.Role.SECRETARY, committee__office_id=office_id
    ).exists()


def can_record_exchange(user, office_id) -> bool:
    """Who records a learning exchange: the office's staff (coordinators, the director, supervisors) and
    school directors (a consortium keeps its own records, e.g. สหวิทยาเขตหอไตร); superusers."""
    if _anonymous(user):
        return False
    if user.is_superuser:
        return True
    ids = office_ids_for_user(user)
    if ids is not None and office_id not in ids:
        return False
    return bool(user_roles(user) & {Role.COORDINATOR, Role.OFFICE_DIRECTOR, Role.SUPERVISOR, Role.SCHOOL_DIRECTOR})


def agenda_attachments_for_user(user) -> QuerySet[AgendaAttachment]:
    """Agenda papers: whoever sees the meeting (`meetings_for_user`). Never public."""
    return AgendaAttachment.objects.filter(item__meeting__in=meetings_for_user(user))


def meeting_photos_for_user(user) -> QuerySet[MeetingPhoto]:
    """Meeting photos: whoever sees the meeting; the public those of `published_meeting_photos`."""
    return MeetingPhoto.objects.filter(meeting__in=meetings_for_user(user))


def published_meeting_photos(office_id) -> QuerySet[MeetingPhoto]:
    """Photos the public may see: of meetings whose participation record the office published (the photos
    the ITA page's record shows). Agenda papers and exchange attachments are never public."""
    published = ParticipationRecord.objects.filter(
        office_id=office_id, published_at__isnull=False, meeting__isnull=False
    ).values("meeting_id")
    return MeetingPhoto.objects.filter(meeting__office_id=office_id, meeting_id__in=published)


def exchange_attachments_for_user(user) -> QuerySet[ExchangeAttachment]:
    """Exchange attachments: whoever sees the exchange record (`exchanges_for_user`)."""
    return ExchangeAttachment.objects.filter(exchange__in=exchanges_for_user(user))
