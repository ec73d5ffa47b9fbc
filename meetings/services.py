"""Writes of the participation records: one write path per thing, each under `transaction.atomic`.

Views, API endpoints, commands and the demo call these; they raise `supervision.errors.DomainError` kinds.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from meetings import limits, selectors
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
    MinutesLocked,
    Opinion,
    ParticipationRecord,
    Resolution,
    SurveyAnswer,
    SurveyForm,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
)
from supervision.access import person_for_user
from supervision.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Said
from supervision.models import Committee, Membership, Person

STANDARD_AGENDA = (
    (1, "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    (2, "รับรองรายงานการประชุมครั้งที่แล้ว"),
    (3, "เรื่องสืบเนื่อง"),
    (4, "เรื่องเสนอเพื่อพิจารณา"),
    (5, "เรื่องอื่น ๆ"),
)
NUMBERING_ATTEMPTS = 5


class SurveyNotInvited(DomainError):
    code = "survey_not_invited"
    http_status = 403
    default_th = "ท่านไม่ได้รับเชิญให้ตอบแบบสอบถามนี้"
    default_en = "you were not invited to answer this survey"


class SurveyAlreadyAnswered(DomainError):
    code = "survey_already_answered"
    http_status = 409
    default_th = "ตอบแบบสอบถามนี้แล้ว"
    default_en = "this survey has already been answered"


def be_year(day: dt.date) -> int:
    """The calendar year in the Buddhist Era: meeting numbers restart on 1 January (not the fiscal year)."""
    return day.year + 543


def _require_editor(meeting: Meeting, user) -> None:
    from meetings.workflow import actor_relations

    if not actor_relations(meeting, user) & {"secretary", "coordinator", "note_taker"}:
        raise Forbidden(
            "ผู้ที่แก้ไขการประชุมได้คือเลขานุการของคณะ ผู้จดรายงาน หรือผู้ประสานงาน",
            "only the committee's secretary, the note-taker or a coordinator may edit this meeting",
        )


def _visible_meeting(meeting_id, user, *, editable=True) -> Meeting:
    meeting = selectors.meetings_for_user(user).select_related("committee").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    if meeting.status in Meeting.LOCKED:
        raise MinutesLocked(objects=[str(meeting.pk)])
    if editable:
        _require_editor(meeting, user)
    return meeting


# --- Meetings ---------------------------------------------------------------------------------------------


def next_number(committee_id, year: int) -> int:
    top = Meeting.objects.filter(committee_id=committee_id, year=year).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def meeting_create(
    *,
    committee: Committee,
    user,
    date: dt.date,
    start_time: dt.time,
    title: str = "",
    place: str = "",
    online_link: str = "",
    end_time: dt.time | None = None,
    invite_members: bool = True,
    number: int | None = None,
    **letter,
) -> Meeting:
    """A new meeting numbered ครั้งที่ n/พ.ศ. of its committee and calendar year, with the five standard
    agenda items and (by default) every member of the committee invited.

    The number is the next free one; two secretaries creating meetings at once race for it, and the unique
    constraint (committee, year, number) decides: the loser takes the next number (savepoint and retry).
    `number` records a meeting of the year held before the office used Nithet (it must be free)."""
    from meetings.workflow import actor_relations

    limits.check(Meeting, title=title, place=place, online_link=online_link, **letter)
    if not (place.strip() or online_link.strip()):
        raise InvalidInput(fields={"place": [Said("ต้องระบุสถานที่หรือลิงก์ประชุมออนไลน์", "give a place or an online link")]})
    probe = Meeting(committee=committee, office_id=committee.office_id)
    if not actor_relations(probe, user) & {"secretary", "coordinator"}:
        raise Forbidden(
            "ผู้ที่สร้างการประชุมได้คือเลขานุการของคณะหรือผู้ประสานงาน",
            "only the committee's secretary or a coordinator may create a meeting",
        )
    year = be_year(date)
    for _attempt in range(NUMBERING_ATTEMPTS):
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    office_id=committee.office_id,
                    committee=committee,
                    title=title or f"การประชุม{committee.name}",
                    year=year,
                    number=number or next_number(committee.pk, year),
                    date=date,
                    start_time=start_time,
                    end_time=end_time,
                    place=place,
                    online_link=online_link,
                    created_by=user,
                    **letter,
                )
                break
        except IntegrityError:
            if number:
                raise Conflict(f"ครั้งที่ {number}/{year} มีอยู่แล้ว", f"meeting {number}/{year} exists") from None
            continue
    else:
        raise Conflict("มีผู้สร้างการประชุมพร้อมกันหลายรายการ กรุณาลองใหม่", "too many meetings created at once; try again")
    with transaction.atomic():
        for number, heading in STANDARD_AGENDA:
            AgendaItem.objects.create(meeting=meeting, number=number, title=heading)
        if invite_members:
            for m in committee.memberships.select_related("person").order_by("sort_order", "id"):
                Invitation.objects.create(
                    meeting=meeting,
                    person=m.person,
                    role=Invitation.Role.MEMBER,
                    position=m.position_note or m.get_role_display(),
                    sort_order=m.sort_order,
                )
    return meeting


@transaction.atomic
def meeting_update(*, meeting_id, user, **fields) -> Meeting:
    allowed = {
        "title",
        "date",
        "start_time",
        "end_time",
        "place",
        "online_link",
        "letter_no",
        "letter_date",
        "subject",
        "salutation",
        "enclosures",
        "body",
        "signer",
        "note_taker",
        "checker",
    }
    meeting = _visible_meeting(meeting_id, user)
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(fields={k: [Said("แก้ไขไม่ได้", "not editable")] for k in unknown})
    limits.check(Meeting, **{k: v for k, v in fields.items() if isinstance(v, str)})
    if meeting.status not in Meeting.CONTENT_EDITABLE:
        raise Conflict(
            "รายงานการประชุมลงนามแล้วหรือการประชุมยกเลิกแล้ว แก้ไขรายละเอียดไม่ได้",
            "the minutes are signed or the meeting was cancelled: its details cannot change",
            code="not_editable",
        )
    place = fields.get("place", meeting.place) or ""
    link = fields.get("online_link", meeting.online_link) or ""
    if not (place.strip() or link.strip()):
        raise InvalidInput(fields={"place": [Said("ต้องระบุสถานที่หรือลิงก์ประชุมออนไลน์", "give a place or an online link")]})
    for name in ("signer", "note_taker", "checker"):
        person = fields.get(name)
        if person is not None and person.office_id != meeting.office_id:
            raise InvalidInput(fields={name: [Said("บุคคลของสำนักงานอื่น", "a person of another office")]})
    if "date" in fields and be_year(fields["date"]) != meeting.year:
        raise InvalidInput(
            fields={"date": [Said("ย้ายการประชุมข้ามปีไม่ได้ (เลขครั้งที่ผูกกับปี)", "a meeting cannot move to another year")]}
        )
    for k, v in fields.items():
        setattr(meeting, k, v)
    meeting.save()
    return meeting


@transaction.atomic
def agenda_item_add(
    *, meeting_id, user, parent_number: int, title: str, presenter: Person | None = None, detail: str = ""
) -> AgendaItem:
    """A sub-item under one of the five standard items (4.1, 4.2 …), numbered next."""
    meeting = _visible_meeting(meeting_id, user)
    parent = meeting.agenda.filter(parent__isnull=True, number=parent_number).first()
    if parent is None:
        raise InvalidInput(
            fields={"parent_number": [Said(f"ไม่มีระเบียบวาระที่ {parent_number}", f"no agenda item {parent_number}")]}
        )
    if not title.strip():
        raise InvalidInput(fields={"title": [Said("ต้องระบุเรื่อง", "a title is required")]})
    limits.check(AgendaItem, title=title, detail=detail)
    number = (parent.children.aggregate(n=Max("number"))["n"] or 0) + 1
    return AgendaItem.objects.create(
        meeting=meeting, parent=parent, number=number, title=title.strip(), presenter=presenter, detail=detail
    )


@transaction.atomic
def invitation_add(
    *, meeting_id, user, person: Person, role: str = Invitation.Role.GUEST, position: str = ""
) -> Invitation:
    """Invite one more person: a member, or a named outsider (ผู้เข้าร่วมประชุม). Invited after the letters
    went out, they get theirs at the next dispatch (the ledger keys each invitation by its own row)."""
    meeting = _visible_meeting(meeting_id, user)
    limits.check(Invitation, position=position)
    if Invitation.objects.filter(meeting=meeting, person=person).exists():
        raise Conflict("บุคคลนี้ได้รับเชิญแล้ว", "this person is already invited")
    top = meeting.invitations.aggregate(n=Max("sort_order"))["n"] or 0
    return Invitation.objects.create(
        meeting=meeting, person=person, role=role, position=position or person.position, sort_order=top + 1
    )


@transaction.atomic
def invitation_answer(
    *, invitation: Invitation, answer: str, substitute_name: str = "", substitute_position: str = "", reason: str = ""
) -> Invitation:
    """The invitee's answer: attend, send a named substitute, or be absent with a reason. It may be changed
    until the meeting is held; it also pre-fills the attendance list."""
    A = Invitation.Answer
    errors = {}
    if answer not in (A.ATTEND, A.SUBSTITUTE, A.ABSENT):
        errors["answer"] = [Said("เลือก เข้าร่วม ส่งผู้แทน หรือไม่เข้าร่วม", "choose attend, substitute or absent")]
    if answer == A.SUBSTITUTE and not substitute_name.strip():
        errors["substitute_name"] = [Said("ต้องระบุชื่อผู้แทน", "name the substitute")]
    if answer == A.ABSENT and not reason.strip():
        errors["reason"] = [Said("ต้องระบุเหตุผล", "give a reason")]
    for name, value in (("substitute_name", substitute_name), ("substitute_position", substitute_position)):
        errors.update({name: said} if (said := limits.too_long(Invitation, name, value)) else {})
    errors.update({"reason": said} if (said := limits.too_long(Invitation, "reason", reason)) else {})
    if errors:
        raise InvalidInput(fields=errors)
    invitation = Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation.pk)
    if invitation.meeting.status != Meeting.Status.INVITED:
        raise Conflict("การประชุมนี้ไม่รับคำตอบแล้ว", "this meeting no longer takes answers", code="answers_closed")
    invitation.answer = answer
    invitation.substitute_name = substitute_name.strip() if answer == A.SUBSTITUTE else ""
    invitation.substitute_position = substitute_position.strip() if answer == A.SUBSTITUTE else ""
    invitation.reason = reason.strip() if answer == A.ABSENT else ""
    invitation.answered_at = timezone.now()
    invitation.attendance = {
        A.ATTEND: Invitation.Attendance.PRESENT,
        A.SUBSTITUTE: Invitation.Attendance.SUBSTITUTE,
        A.ABSENT: Invitation.Attendance.ABSENT,
    }[answer]
    invitation.attended_substitute_name = invitation.substitute_name
    invitation.attended_substitute_position = invitation.substitute_position
    invitation.absence_reason = invitation.reason
    invitation.save()
    return invitation


@transaction.atomic
def attendance_record(*, meeting_id, user, rows: Sequence[dict]) -> Meeting:
    """What the secretary records at the meeting, one row per invitation:
    {"invitation": id, "attendance": present|substitute|absent, "substitute_name", "substitute_position",
    "reason"}."""
    meeting = _visible_meeting(meeting_id, user)
    by_id = {i.pk: i for i in meeting.invitations.all()}
    errors = {}
    for row in rows:
        inv = by_id.get(int(row.get("invitation") or 0))
        if inv is None:
            errors[str(row.get("invitation"))] = [Said("ไม่ใช่ผู้ได้รับเชิญของการประชุมนี้", "not invited to this meeting")]
            continue
        status = row.get("attendance")
        if status not in Invitation.Attendance.values:
            errors[str(inv.pk)] = [Said("สถานะการมาประชุมไม่ถูกต้อง", "invalid attendance")]
            continue
        name = (row.get("substitute_name") or "").strip()
        if status == Invitation.Attendance.SUBSTITUTE and not name:
            errors[str(inv.pk)] = [Said(f"{inv.person}: ต้องระบุชื่อผู้มาแทน", f"{inv.person}: name the substitute")]
            continue
        sent = (
            ("substitute_name", "attended_substitute_name"),
            ("substitute_position", "attended_substitute_position"),
            ("reason", "absence_reason"),
        )
        over = [said for name, field in sent if (said := limits.too_long(Invitation, field, row.get(name)))]
        if over:
            errors[str(inv.pk)] = over[0]
            continue
        inv.attendance = status
        inv.attended_substitute_name = name if status == Invitation.Attendance.SUBSTITUTE else ""
        inv.attended_substitute_position = (
            (row.get("substitute_position") or "").strip() if status == Invitation.Attendance.SUBSTITUTE else ""
        )
        inv.absence_reason = (row.get("reason") or "").strip() if status == Invitation.Attendance.ABSENT else ""
        inv.save()
    if errors:
        raise InvalidInput(fields=errors)
    return meeting


@transaction.atomic
def meeting_times(*, meeting_id, user, started_at: dt.datetime | None, ended_at: dt.datetime | None) -> Meeting:
    meeting = _visible_meeting(meeting_id, user)
    if started_at and ended_at and ended_at <= started_at:
        raise InvalidInput(fields={"ended_at": [Said("เวลาเลิกประชุมต้องหลังเวลาเริ่ม", "the end must be after the start")]})
    meeting.started_at, meeting.ended_at = started_at, ended_at
    meeting.save()
    return meeting


@transaction.atomic
def minutes_write(*, meeting_id, user, items: Sequence[dict]) -> Meeting:
    """Write the minutes: per agenda item {"item": id, "minutes_text", "resolution_text"}. Possible while
    the meeting is being held or after; signed minutes must be reopened first."""
    meeting = _visible_meeting(meeting_id, user)
    if meeting.status not in (Meeting.Status.INVITED, Meeting.Status.HELD):
        raise Conflict(
            "แก้ไขรายงานการประชุมที่ลงนามแล้วไม่ได้ ให้เปิดแก้ไขก่อน",
            "signed minutes cannot be edited; reopen them first",
            code="minutes_signed",
        )
    by_id = {i.pk: i for i in meeting.agenda.all()}
    for n, row in enumerate(items):
        limits.check(
            AgendaItem,
            prefix=f"items[{n}].",
            minutes_text=row.get("minutes_text"),
            resolution_text=row.get("resolution_text"),
        )
    for n, row in enumerate(items):
        item = by_id.get(int(row.get("item") or 0))
        if item is None:
            said = Said(f"ไม่มีระเบียบวาระ {row.get('item')}", f"no agenda item {row.get('item')}")
            raise InvalidInput(fields={f"items[{n}].item": [said]})
        item.minutes_text = (row.get("minutes_text") or "").strip()
        item.resolution_text = (row.get("resolution_text") or "").strip()
        item.save()
    return meeting


@transaction.atomic
def minutes_sign(*, meeting_id, user) -> Meeting:
    """The note-taker or the checker signs the minutes; once both have, the meeting becomes `minuted`."""
    from meetings import workflow

    meeting = selectors.meetings_for_user(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    if meeting.status != Meeting.Status.HELD:
        raise Conflict("ลงนามได้เมื่อบันทึกว่าประชุมแล้ว", "minutes are signed after the meeting is held", code="not_held")
    person = person_for_user(user)
    now = timezone.now()
    fields = {}
    if person is not None and meeting.note_taker_id == person.pk and not meeting.note_taker_signed_at:
        fields["note_taker_signed_at"] = now
    if person is not None and meeting.checker_id == person.pk and not meeting.checker_signed_at:
        fields["checker_signed_at"] = now
    if not fields:
        raise Forbidden(
            "ผู้ลงนามรายงานการประชุมคือผู้จดรายงานและผู้ตรวจรายงาน (ที่ยังไม่ได้ลงนาม)",
            "only the note-taker and the checker (who have not signed yet) sign the minutes",
        )
    Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.HELD).update(**fields)
    meeting.refresh_from_db()
    if meeting.note_taker_signed_at and meeting.checker_signed_at:
        meeting = workflow.meeting_transition(meeting_id=meeting.pk, to=Meeting.Status.MINUTED, user=user)
    return meeting


@transaction.atomic
def minutes_certify(*, meeting_id, at_meeting_id, user, note: str = "") -> Meeting:
    """Certify a meeting's minutes at the next meeting (its agenda item 2 records it)."""
    from meetings import workflow

    previous = workflow.meeting_transition(
        meeting_id=meeting_id, to=Meeting.Status.CERTIFIED, user=user, certifying_meeting_id=at_meeting_id, note=note
    )
    at = Meeting.objects.get(pk=at_meeting_id)
    item2 = at.agenda.filter(parent__isnull=True, number=2).first()
    if item2 is not None and not item2.resolution_text:
        change = f" โดยมีการแก้ไขดังนี้ {note.strip()}" if note.strip() else " โดยไม่มีการแก้ไข"
        item2.title = f"รับรองรายงานการประชุมครั้งที่ {previous.number_label}"
        item2.resolution_text = f"ที่ประชุมรับรองรายงานการประชุมครั้งที่ {previous.number_label}{change}"
        item2.save()
    return previous


# --- Resolutions, documents, actions ----------------------------------------------------------------------


@transaction.atomic
def resolution_add(
    *,
    item_id,
    user,
    kind: str,
    text: str,
    document_version: DocumentVersion | None = None,
    actions: Sequence[dict] = (),
) -> Resolution:
    """A มติ with an effect: approve a document version (frozen from then on, showing this meeting and
    resolution), ask for changes to it, or give actions (title, owner, due date) to be tracked."""
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    if item is None or not selectors.meetings_for_user(user).filter(pk=item.meeting_id).exists():
        raise NotFound()
    meeting = _visible_meeting(item.meeting_id, user)
    if meeting.status not in (Meeting.Status.INVITED, Meeting.Status.HELD):
        raise Conflict("บันทึกมติได้ระหว่างการประชุม", "resolutions are recorded at the meeting", code="not_in_session")
    K = Resolution.Kind
    if kind not in K.values:
        raise InvalidInput(fields={"kind": [Said("ประเภทมติไม่ถูกต้อง", "invalid kind")]})
    if not text.strip():
        raise InvalidInput(fields={"text": [Said("ต้องระบุมติ", "the resolution text is required")]})
    limits.check(Resolution, text=text)
    for n, a in enumerate(actions):
        limits.check(MeetingAction, prefix=f"actions[{n}].", title=a.get("title"))
    if kind in (K.APPROVE, K.CHANGES):
        if document_version is None:
            raise InvalidInput(
                fields={"document_version": [Said("ต้องเลือกฉบับของเอกสาร", "choose the document version")]}
            )
        if document_version.document.office_id != meeting.office_id:
            raise InvalidInput(fields={"document_version": [Said("เอกสารของสำนักงานอื่น", "another office's document")]})
        if document_version.status == DocumentVersion.Status.APPROVED:
            raise Conflict("ฉบับนี้อนุมัติแล้ว", "this version is already approved", code="already_approved")
    if kind == K.ACTIONS and not actions:
        raise InvalidInput(fields={"actions": [Said("ต้องมีอย่างน้อยหนึ่งรายการ", "give at least one action")]})
    resolution = Resolution.objects.create(
        item=item, kind=kind, text=text.strip(), document_version=document_version, created_by=user
    )
    if kind in (K.APPROVE, K.CHANGES):
        new_status = DocumentVersion.Status.APPROVED if kind == K.APPROVE else DocumentVersion.Status.CHANGES_REQUESTED
        claimed = (
            DocumentVersion.objects.filter(pk=document_version.pk)
            .exclude(status=DocumentVersion.Status.APPROVED)
            .update(
                status=new_status,
                approved_by_resolution=resolution if kind == K.APPROVE else None,
                approved_at=timezone.now() if kind == K.APPROVE else None,
            )
        )
        if claimed != 1:
            raise Conflict("ฉบับนี้อนุมัติแล้ว", "this version is already approved", code="already_approved")
        document_version.refresh_from_db()
        DocumentVersion.history.bulk_history_create([document_version], update=True, default_user=user)
    errors = {}
    for n, a in enumerate(actions):
        owner, due, title = a.get("owner"), a.get("due_date"), (a.get("title") or "").strip()
        if not (owner and due and title):
            errors[f"actions[{n}]"] = [Said("ต้องมีเรื่อง ผู้รับผิดชอบ และกำหนดเสร็จ", "title, owner and due date are required")]
            continue
        MeetingAction.objects.create(resolution=resolution, title=title, owner=owner, due_date=due)
    if errors:
        raise InvalidInput(fields=errors)
    if not item.resolution_text:
        item.resolution_text = text.strip()
        item.save()
    return resolution


@transaction.atomic
def document_create(*, office_id, user, title: str, kind: str = Document.Kind.PLAN, description: str = "") -> Document:
    _require_document_manager(office_id, user)
    limits.check(Document, title=title, description=description)
    if kind not in Document.Kind.values:
        raise InvalidInput(fields={"kind": [Said("ประเภทเอกสารไม่ถูกต้อง", "invalid kind")]})
    if not title.strip():
        raise InvalidInput(fields={"title": [Said("ต้องระบุชื่อเอกสาร", "a title is required")]})
    if Document.objects.filter(office_id=office_id, title=title.strip()).exists():
        raise Conflict("มีเอกสารชื่อนี้แล้ว", "a document with this title exists")
    return Document.objects.create(
        office_id=office_id, title=title.strip(), kind=kind, description=description, created_by=user
    )


def _require_document_manager(office_id, user) -> None:
    if office_id is None or not selectors.can_manage_documents(user, office_id):
        raise Forbidden(
            "ผู้ที่เพิ่มเอกสารได้คือผู้ประสานงาน ผู้อำนวยการเขต หรือเลขานุการของคณะในสำนักงาน",
            "only a coordinator, the office director or a committee secretary of the office may add documents",
        )


@transaction.atomic
def document_version_add(*, document: Document, user, file=None, note: str = "") -> DocumentVersion:
    """A new version (ฉบับที่ n) of an office document, with its file checked by content and hashed. Earlier
    versions stay as they are (an approved one is frozen); a resolution approves or returns this one."""
    from meetings import files

    _require_document_manager(document.office_id, user)
    limits.check(DocumentVersion, note=note)
    checked = files.check_upload(file) if file is not None else None
    document = Document.objects.select_for_update().get(pk=document.pk)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(document=document, number=number, note=(note or "").strip(), created_by=user)
    if checked is not None:
        files.keep(version, "file", checked, user, stem=f"document-{document.pk}-v{number}")
    version.save()
    return version


# --- Files of meetings and exchanges -----------------------------------------------------------------------


@transaction.atomic
def agenda_attachment_add(*, item_id, user, upload, title: str = "") -> AgendaAttachment:
    """A paper for one agenda item (เอกสารประกอบวาระ): the meeting's editors, until its minutes are certified."""
    from meetings import files

    item = AgendaItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    meeting = _visible_meeting(item.meeting_id, user)
    if meeting.status == Meeting.Status.CANCELLED:
        raise Conflict("การประชุมนี้ยกเลิกแล้ว", "this meeting was cancelled", code="meeting_cancelled")
    limits.check(AgendaAttachment, title=title)
    checked = files.check_upload(upload)
    attachment = AgendaAttachment(item=item, title=(title or "").strip() or checked.original_name or "เอกสาร")
    files.keep(attachment, "file", checked, user, stem=f"agenda-{item.pk}")
    attachment.save()
    return attachment


@transaction.atomic
def meeting_photo_add(*, meeting_id, user, upload, caption: str = "") -> MeetingPhoto:
    """A photo of the meeting (JPEG, PNG or WebP by content) with an upright thumbnail: its editors, once the
    invitations went out and until the minutes are certified."""
    from django.core.files.base import ContentFile

    from meetings import files

    meeting = _visible_meeting(meeting_id, user)
    if meeting.status in (Meeting.Status.DRAFT, Meeting.Status.CANCELLED):
        raise Conflict("เพิ่มภาพได้เมื่อส่งหนังสือเชิญแล้ว", "photos are added once the invitations went out", code="not_invited")
    limits.check(MeetingPhoto, caption=caption)
    checked = files.check_upload(upload, images_only=True)
    photo = MeetingPhoto(meeting=meeting, caption=(caption or "").strip())
    files.keep(photo, "image", checked, user, stem=f"meeting-{meeting.pk}")
    photo.thumbnail.save(f"meeting-{meeting.pk}-thumb.jpg", ContentFile(files.thumbnail(checked)), save=False)
    photo.save()
    return photo


EXCHANGE_FIELDS = (
    "event",
    "start_date",
    "end_date",
    "place",
    "topic",
    "learnt",
    "usage",
    "count_office",
    "count_school",
    "count_ktpn",
    "count_other",
    "participants_note",
)


@transaction.atomic
def exchange_create(*, user, office_id, consortium=None, uploads=(), titles=(), **fields) -> LearningExchange:
    """A learning-exchange record (บันทึกการแลกเปลี่ยนเรียนรู้) with its attachments, every file checked before
    any is kept; its o25 participation record is made at once (published when the office publishes it)."""
    from meetings import files

    if office_id is None or not selectors.can_record_exchange(user, office_id):
        raise Forbidden(
            "ผู้บันทึกการแลกเปลี่ยนเรียนรู้ได้คือบุคลากรของสำนักงานเขตหรือผู้บริหารสถานศึกษา",
            "only office staff or school directors of the office may record a learning exchange",
        )
    unknown = set(fields) - set(EXCHANGE_FIELDS)
    if unknown:
        raise InvalidInput(fields={k: [Said("ไม่รู้จักช่องนี้", "unknown field")] for k in sorted(unknown)})
    errors = {}
    for name in ("event", "place", "topic", "learnt", "usage"):
        if not str(fields.get(name) or "").strip():
            errors[name] = [Said("ต้องระบุ", "required")]
    if not fields.get("start_date"):
        errors["start_date"] = [Said("ต้องระบุวันที่", "the date is required")]
    elif fields.get("end_date") and fields["end_date"] < fields["start_date"]:
        errors["end_date"] = [Said("วันสุดท้ายต้องไม่ก่อนวันแรก", "the end date is before the start")]
    if consortium is not None and consortium.office_id != office_id:
        errors["consortium"] = [Said("สหวิทยาเขตของสำนักงานอื่น", "another office's consortium")]
    if sum(int(fields.get(k) or 0) for k in ("count_office", "count_school", "count_ktpn", "count_other")) <= 0:
        errors["count_school"] = [Said("ต้องมีผู้เข้าร่วมอย่างน้อยหนึ่งคน", "count who took part")]
    for name, value in fields.items():
        if isinstance(value, str) and (said := limits.too_long(LearningExchange, name, value)):
            errors[name] = said
    for n, title in enumerate(titles):
        if said := limits.too_long(ExchangeAttachment, "title", title):
            errors[f"titles[{n}]"] = said
    if errors:
        raise InvalidInput(fields=errors)
    checked = [files.check_upload(u) for u in uploads]  # all checked before anything is kept
    exchange = LearningExchange.objects.create(
        office_id=office_id,
        consortium=consortium,
        created_by=user,
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if v is not None},
    )
    titles = list(titles)
    for n, c in enumerate(checked):
        title = (titles[n] if n < len(titles) else "") or c.original_name or f"เอกสาร {n + 1}"
        attachment = ExchangeAttachment(exchange=exchange, title=title.strip()[:300])
        files.keep(attachment, "file", c, user, stem=f"exchange-{exchange.pk}")
        attachment.save()
    participation_from_exchange(exchange=exchange)
    return exchange


# --- Surveys -----------------------------------------------------------------------------------------------


def survey_invitations_ensure(now: dt.datetime | None = None, since: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Invite the director (and, if the form says so, the teachers who took part) of every school whose visit
    was approved recently, for each active survey form of the school's office. Idempotent (unique key)."""
    from visits.models import Visit

    now = now or timezone.now()
    forms = {}
    for form in SurveyForm.objects.filter(is_active=True):
        forms.setdefault(form.office_id, []).append(form)
    if not forms:
        return 0
    visits = (
        Visit.objects.filter(
            status__in=[Visit.Status.APPROVED, Visit.Status.ACKNOWLEDGED],
            approved_at__gte=now - since,
            approved_at__lte=now,
            school__office_id__in=list(forms),
        )
        .select_related("school")
        .prefetch_related("members_present")
    )
    rows = []
    for v in visits:
        for form in forms[v.school.office_id]:
            if v.school.director_id:
                rows.append(
                    SurveyInvitation(
                        form=form,
                        visit=v,
                        person_id=v.school.director_id,
                        group=SurveyInvitation.Group.DIRECTOR,
                        created_at=v.approved_at,
                    )
                )
            if form.include_teachers:
                for p in v.members_present.all():
                    if p.school_id == v.school_id and p.pk != v.school.director_id:
                        rows.append(
                            SurveyInvitation(
                                form=form,
                                visit=v,
                                person=p,
                                group=SurveyInvitation.Group.TEACHER,
                                created_at=v.approved_at,
                            )
                        )
    before = SurveyInvitation.objects.count()
    SurveyInvitation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return SurveyInvitation.objects.count() - before


@transaction.atomic
def survey_submit(
    *, answers: dict, user=None, token=None, invitation_id=None, suggestion: str = "", now=None
) -> SurveyResponse:
    """Submit one questionnaire. It needs an invitation: the signed-in invitee's own (`invitation_id`), or
    the token of the link they were sent; anyone else is refused (403). Every item of the form must be
    rated 1–5. On an anonymous form the response keeps no link to the invitation."""
    qs = SurveyInvitation.objects.select_for_update().select_related("form", "visit__round", "person")
    invitation = None
    if token is not None:
        invitation = qs.filter(token=token).first()
        signed_in = user is not None and user.is_authenticated
        if invitation is not None and signed_in and invitation.person.user_id not in (None, user.pk):
            invitation = None  # someone else's link: the signed-in user was not invited by it
    elif invitation_id is not None and user is not None and user.is_authenticated:
        invitation = qs.filter(pk=invitation_id, person__user=user).first()
    if invitation is None:
        raise SurveyNotInvited()
    if invitation.answered_at is not None:
        raise SurveyAlreadyAnswered()
    form = invitation.form
    item_ids = set(SurveyItem.objects.filter(dimension__form=form).values_list("id", flat=True))
    errors, values = {}, {}
    for item_id in item_ids:
        raw = answers.get(item_id, answers.get(str(item_id)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            errors[f"item_{item_id}"] = [Said("ให้คะแนน 1–5", "rate from 1 to 5")]
        values[item_id] = value
    extra = {str(k) for k in answers} - {str(k) for k in item_ids}
    if extra:
        errors["answers"] = [
            Said(
                "มีข้อที่ไม่อยู่ในแบบสอบถาม: " + ", ".join(sorted(extra)),
                "items not in this survey: " + ", ".join(sorted(extra)),
            )
        ]
    if said := limits.too_long(SurveyResponse, "suggestion", suggestion):
        errors["suggestion"] = said
    if errors:
        raise InvalidInput(fields=errors)
    now = now or timezone.now()
    claimed = SurveyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(answered_at=now)
    if claimed != 1:
        raise SurveyAlreadyAnswered()
    rnd = invitation.visit.round
    response = SurveyResponse.objects.create(
        form=form,
        round=rnd,
        academic_year=rnd.academic_year,
        group=invitation.group,
        invitation=None if form.anonymous else invitation,
        suggestion=suggestion.strip(),
        submitted_at=now,
    )
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, item_id=item_id, value=value) for item_id, value in values.items()]
    )
    return response


# --- Opinions ----------------------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(*, user, text: str, kind: str = Opinion.Kind.QUESTION, round=None, meeting=None) -> Opinion:
    person = person_for_user(user)
    if person is None:
        raise Forbidden()
    if (round is None) == (meeting is None):
        raise InvalidInput(fields={"channel": [Said("เลือกรอบหรือการประชุมอย่างใดอย่างหนึ่ง", "choose a round or a meeting")]})
    if not text.strip():
        raise InvalidInput(fields={"text": [Said("ต้องระบุข้อความ", "the text is required")]})
    limits.check(Opinion, text=text)
    if kind not in Opinion.Kind.values:
        raise InvalidInput(fields={"kind": [Said("ประเภทไม่ถูกต้อง", "invalid kind")]})
    office_id = (round or meeting).office_id
    return Opinion.objects.create(
        office_id=office_id, round=round, meeting=meeting, kind=kind, text=text.strip(), author=person
    )


@transaction.atomic
def opinion_answer(*, opinion_id, user, answer: str, publish: bool = False) -> Opinion:
    opinion = selectors.opinions_for_user(user).filter(pk=opinion_id).first()
    if opinion is None:
        raise NotFound()
    if not selectors.is_office_coordinator(user, opinion.office_id):
        raise Forbidden("ผู้ประสานงานของเขตเป็นผู้ตอบ", "an office coordinator answers opinions")
    if not answer.strip():
        raise InvalidInput(fields={"answer": [Said("ต้องระบุคำตอบ", "the answer is required")]})
    limits.check(Opinion, answer=answer)
    opinion.answer = answer.strip()
    opinion.answered_by = person_for_user(user)
    opinion.answered_at = timezone.now()
    opinion.published_at = (opinion.published_at or timezone.now()) if publish else None
    opinion.save()
    return opinion


# --- Participation records ----------------------------------------------------------------------------------


def _publish(record: ParticipationRecord) -> None:
    from meetings.ita import rebuild_public_pages

    rebuild_public_pages(record.office)


def _group_of(person: Person, ktpn_ids: set[int]) -> str:
    if person.pk in ktpn_ids:
        return "ktpn"
    if person.affiliation == Person.Affiliation.SCHOOL:
        return "school"
    if person.affiliation == Person.Affiliation.OFFICE:
        return "office"
    return "other"


def meeting_participants_by_group(meeting: Meeting) -> dict[str, int]:
    """Who came, counted by o25's groups. A substitute counts in the group of the member they stood for."""
    from supervision.models import Committee

    ktpn_ids = set(
        Membership.objects.filter(committee__office_id=meeting.office_id, committee__kind=Committee.Kind.KTPN)
        .filter(person__affiliation=Person.Affiliation.EXTERNAL)
        .values_list("person_id", flat=True)
    )
    counts = {"office": 0, "school": 0, "ktpn": 0, "other": 0}
    for inv in meeting.invitations.select_related("person"):
        if inv.attended:
            counts[_group_of(inv.person, ktpn_ids)] += 1
    return counts


@transaction.atomic
def participation_from_meeting(*, meeting: Meeting, usage: str = "", publish: bool = False) -> ParticipationRecord:
    """The o25 record of a held meeting: topic, attendance by group, its resolutions as the results."""
    counts = meeting_participants_by_group(meeting)
    results = [
        f"{i.label} {i.title}: {i.resolution_text}"
        for i in meeting.agenda.select_related("parent").order_by("parent_id", "number")
        if i.resolution_text and not (i.parent_id is None and i.number in (1, 2))
    ]
    record, _ = ParticipationRecord.objects.update_or_create(
        meeting=meeting,
        defaults={
            "office_id": meeting.office_id,
            "source": ParticipationRecord.Source.MEETING,
            "date": meeting.date,
            "topic": f"{meeting.title} ครั้งที่ {meeting.number_label}",
            "count_office": counts["office"],
            "count_school": counts["school"],
            "count_ktpn": counts["ktpn"],
            "count_other": counts["other"],
            "results": "\n".join(results) or "-",
            **({"usage": usage} if usage else {}),
            **({"published_at": timezone.now()} if publish else {}),
        },
    )
    if publish:
        _publish(record)
    return record


@transaction.atomic
def participation_from_exchange(*, exchange: LearningExchange, publish: bool = False) -> ParticipationRecord:
    record, _ = ParticipationRecord.objects.update_or_create(
        exchange=exchange,
        defaults={
            "office_id": exchange.office_id,
            "source": ParticipationRecord.Source.EXCHANGE,
            "date": exchange.start_date,
            "topic": f"{exchange.event}: {exchange.topic}",
            "count_office": exchange.count_office,
            "count_school": exchange.count_school,
            "count_ktpn": exchange.count_ktpn,
            "count_other": exchange.count_other,
            "results": exchange.learnt,
            "usage": exchange.usage,
            **({"published_at": timezone.now()} if publish else {}),
        },
    )
    if publish:
        _publish(record)
    return record


@transaction.atomic
def participation_from_survey(
    *, form: SurveyForm, round, usage: str = "", publish: bool = False
) -> ParticipationRecord:
    from meetings.surveystats import survey_results

    res = survey_results(form, round_id=round.pk)
    school = sum(g.n for g in res.groups)
    results = (
        f"ผู้ตอบแบบสอบถาม {res.overall.n} คน ความพึงพอใจโดยรวมอยู่ในระดับ{res.overall.band} "
        f"(ค่าเฉลี่ย {res.overall.mean:.2f} ส่วนเบี่ยงเบนมาตรฐาน {res.overall.sd:.2f} ร้อยละ {res.overall.percent:.2f})"
        if res.overall.n
        else "ยังไม่มีผู้ตอบ"
    )
    record, _ = ParticipationRecord.objects.update_or_create(
        source=ParticipationRecord.Source.SURVEY,
        survey_form=form,
        survey_round=round,
        defaults={
            "office_id": form.office_id,
            "date": round.end_date,
            "topic": f"{form.title} ({round.title})",
            "count_school": school,
            "results": results,
            **({"usage": usage} if usage else {}),
            **({"published_at": timezone.now()} if publish else {}),
        },
    )
    if publish:
        _publish(record)
    return record


PARTICIPATION_SOURCES = (Meeting.Status.HELD, Meeting.Status.MINUTED, Meeting.Status.CERTIFIED)


def _require_participation_editor(office_id, user) -> None:
    if not selectors.is_office_coordinator(user, office_id):
        raise Forbidden(
            "ผู้ประสานงานของเขตเป็นผู้จัดทำและเผยแพร่บันทึกการมีส่วนร่วม",
            "an office coordinator builds and publishes participation records",
        )


def participation_build(*, user, meeting_id=None, survey_form_id=None, round_slug: str = "") -> ParticipationRecord:
    """The office builds (or refreshes) the o25 record of a held meeting or of a survey's round: counts and
    results come from the record's source; what the office wrote about how they were used is kept."""
    from schedules.models import Round

    if meeting_id is not None:
        meeting = selectors.meetings_for_user(user).filter(pk=meeting_id).first()
        if meeting is None:
            raise NotFound()
        _require_participation_editor(meeting.office_id, user)
        if meeting.status not in PARTICIPATION_SOURCES:
            raise Conflict(
                "บันทึกการมีส่วนร่วมจัดทำได้เมื่อประชุมแล้ว", "a participation record is built once the meeting is held"
            )
        return participation_from_meeting(meeting=meeting)
    form = selectors.survey_forms_for_user(user).filter(pk=survey_form_id or 0).first()
    rnd = Round.objects.for_user(user).filter(slug=round_slug).first() if round_slug else None
    if form is None or rnd is None:
        raise NotFound()
    _require_participation_editor(form.office_id, user)
    return participation_from_survey(form=form, round=rnd)


@transaction.atomic
def participation_publish(*, record_id, user, usage: str | None = None, publish: bool | None = None):
    """Write how the results were used, and publish the record on the public ITA page or withdraw it."""
    record = selectors.participation_for_user(user).select_for_update().filter(pk=record_id).first()
    if record is None:
        raise NotFound()
    _require_participation_editor(record.office_id, user)
    was_public = record.published_at is not None
    if usage is not None:
        limits.check(ParticipationRecord, usage=usage)
        record.usage = usage.strip()
    if publish is True and not record.usage.strip():
        raise InvalidInput(
            fields={"usage": [Said("ระบุการนำผลไปใช้ปรับปรุงก่อนเผยแพร่", "say how the results were used before publishing")]}
        )
    if publish is not None:
        record.published_at = (record.published_at or timezone.now()) if publish else None
    record.save()
    if was_public or record.published_at is not None:
        _publish(record)  # the public pages re-rendered with it (or without it, when withdrawn)
    return record


# --- Survey forms set by the office ----------------------------------------------------------------------------


def parse_survey_structure(text: str) -> list[tuple[str, list[str]]]:
    """The form's dimensions and items as the office types them: a line is a dimension's name, a line
    starting with "-" an item of the dimension above. Raises InvalidInput naming the line."""
    structure: list[tuple[str, list[str]]] = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("-"):
            item = line.lstrip("-").strip()
            if not structure:
                raise InvalidInput(
                    fields={
                        "structure": [Said(f"บรรทัด {n}: ข้อคำถามต้องอยู่ใต้ชื่อด้าน", f"line {n}: an item needs a dimension")]
                    }
                )
            if len(item) > 500:
                raise InvalidInput(fields={"structure": [Said(f"บรรทัด {n}: ยาวเกิน 500 ตัวอักษร", f"line {n}: over 500")]})
            if item:
                structure[-1][1].append(item)
        else:
            if len(line) > 200:
                raise InvalidInput(fields={"structure": [Said(f"บรรทัด {n}: ยาวเกิน 200 ตัวอักษร", f"line {n}: over 200")]})
            structure.append((line, []))
    empty = [name for name, items in structure if not items]
    if not structure or empty:
        raise InvalidInput(
            fields={
                "structure": [
                    Said("ทุกด้านต้องมีข้อคำถามอย่างน้อยหนึ่งข้อ", "every dimension needs at least one item")
                    + (f": {', '.join(empty)}" if empty else "")
                ]
            }
        )
    return structure


def survey_structure_text(form: SurveyForm) -> str:
    lines = []
    for dim in form.dimensions.prefetch_related("items"):
        lines.append(dim.name)
        lines.extend(f"- {i.text}" for i in dim.items.all())
    return "\n".join(lines)


@transaction.atomic
def survey_form_save(
    *,
    user,
    office_id,
    form_id=None,
    title: str,
    structure: str,
    anonymous: bool = True,
    banding: str = SurveyForm.Banding.HALF,
    include_teachers: bool = False,
    is_active: bool = True,
) -> SurveyForm:
    """Create or change an office's satisfaction survey (coordinators). Once anyone has answered, its items,
    banding and anonymity stay as they were (results and promises to respondents depend on them): only the
    title, whether teachers are asked and whether it is in use may change."""
    from meetings.models import SurveyDimension

    if office_id is None or not selectors.is_office_coordinator(user, office_id):
        raise Forbidden("ผู้ประสานงานของเขตเป็นผู้กำหนดแบบสอบถาม", "an office coordinator sets the survey forms")
    errors = {}
    if not (title or "").strip():
        errors["title"] = [Said("ต้องระบุชื่อแบบสอบถาม", "a title is required")]
    elif said := limits.too_long(SurveyForm, "title", title):
        errors["title"] = said
    if banding not in SurveyForm.Banding.values:
        errors["banding"] = [Said("เกณฑ์แปลผลไม่ถูกต้อง", "invalid banding")]
    if errors:
        raise InvalidInput(fields=errors)
    form = None
    if form_id is not None:
        form = SurveyForm.objects.select_for_update().filter(pk=form_id, office_id=office_id).first()
        if form is None:
            raise NotFound()
    answered = form is not None and form.responses.exists()
    if answered:
        if structure.strip() != survey_structure_text(form).strip() or (
            anonymous != form.anonymous or banding != form.banding
        ):
            raise Conflict(
                "มีผู้ตอบแบบสอบถามนี้แล้ว เปลี่ยนข้อคำถาม เกณฑ์แปลผล หรือการไม่ระบุตัวผู้ตอบไม่ได้ ให้สร้างแบบสอบถามใหม่",
                "this survey has answers: its items, banding and anonymity cannot change; create a new form",
                code="survey_answered",
            )
    parsed = None if answered else parse_survey_structure(structure)
    if form is None:
        form = SurveyForm(office_id=office_id)
    form.title = title.strip()
    form.include_teachers = include_teachers
    form.is_active = is_active
    if not answered:
        form.anonymous, form.banding = anonymous, banding
    form.save()
    if parsed is not None:
        form.dimensions.all().delete()  # no answers yet: nothing refers to the old items
        for d, (name, items) in enumerate(parsed):
            dim = SurveyDimension.objects.create(form=form, order=d, name=name)
            SurveyItem.objects.bulk_create(
                [SurveyItem(dimension=dim, order=k, text=text) for k, text in enumerate(items)]
            )
    return form
