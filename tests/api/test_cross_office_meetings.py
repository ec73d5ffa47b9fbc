"""Another office can never write our meetings and participation records, surface by surface.

The meetings side of `test_cross_office_surfaces.py`: meeting edit (PATCH), agenda attachments, meeting photos,
resolutions, actions (transitions), answers to invitations, document versions, learning exchanges, survey
answers, opinions and their answers — through the API — and, on the web, the meeting's edit page, the action
page, participation records (build, publish, withdraw) and the public pages' publish/withdraw. A coordinator
and a supervisor of office SEC99 send each request first and change nothing of ours (the API answers 403/404;
a web page answers 403/404 or sends them back with the refusal); then our own person sends the very same
request and it changes what it should, which shows the request was valid and only the office differed.
(The web's publish, withdraw and invitation writes are sent confirmed, as the confirmation page posts them.)
(The dashboard has no writes: its pages and exports are GETs, refused to other offices in tests/dashboard.)"""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from meetings import services, workflow
from meetings.models import (
    AgendaAttachment,
    DocumentVersion,
    Invitation,
    LearningExchange,
    Meeting,
    MeetingAction,
    MeetingPhoto,
    Opinion,
    ParticipationRecord,
    Resolution,
    SurveyDimension,
    SurveyForm,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
)
from public.models import Publication
from supervision.roles import Role
from tests import factories as f
from tests.meetings.conftest import board as board_fixture  # noqa: F401  (the meetings tests' fixture)
from tests.meetings.conftest import make_meeting
from tests.meetings.test_meetings import hold

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def outsiders():
    other = f.AreaOfficeFactory(code="SEC99", name="สำนักงานอื่น")
    return [
        f.PersonFactory(office=other, user=f.UserFactory(username="other_cora", roles=[Role.COORDINATOR])),
        f.PersonFactory(office=other, user=f.UserFactory(username="other_sup", roles=[Role.SUPERVISOR])),
        f.PersonFactory(office=other, user=f.UserFactory(username="other_oscar", roles=[Role.OFFICE_DIRECTOR])),
    ]


def _api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def _web(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _state(office):
    """Every record of our office that a write below could change."""
    return (
        sorted(Meeting.objects.filter(office=office).values_list("id", "status", "version", "place", "title", "body")),
        sorted(AgendaAttachment.objects.values_list("id", "title")),
        sorted(MeetingPhoto.objects.values_list("id", "caption")),
        sorted(Resolution.objects.values_list("id", "text")),
        sorted(MeetingAction.objects.values_list("id", "status", "notes")),
        sorted(Invitation.objects.values_list("id", "answer", "reason", "substitute_name")),
        sorted(DocumentVersion.objects.values_list("id", "document_id", "number")),
        sorted(LearningExchange.objects.filter(office=office).values_list("id", "topic")),
        sorted(SurveyInvitation.objects.values_list("id", "answered_at")),
        SurveyResponse.objects.count(),
        sorted(Opinion.objects.filter(office=office).values_list("id", "answer", "published_at")),
        sorted(Opinion.objects.filter(meeting__office=office).values_list("id")),
        sorted(ParticipationRecord.objects.filter(office=office).values_list("id", "usage", "published_at")),
        sorted(Publication.objects.filter(office=office).values_list("id", "status", "version")),
    )


def _attempt(office, outsiders, insider, send, client=_api):
    """`send(client)` from each outsider changes nothing of ours; from `insider` it does."""
    before = _state(office)
    for outsider in outsiders:
        refused = send(client(outsider))
        if client is _api:
            assert refused.status_code in (403, 404), (outsider, refused.status_code, refused.content[:300])
        else:  # a page refuses with 403/404, or sends them back to where they came from with the refusal
            assert refused.status_code in (302, 403, 404), (outsider, refused.status_code)
        assert _state(office) == before, f"{outsider.user.username}'s write changed our records"
    done = send(client(insider))
    assert done.status_code in (200, 201, 302), done.content[:400]
    assert _state(office) != before, "our own person's request changed nothing: the test proves nothing"


def test_the_meeting_api_refuses_another_office_and_accepts_ours(board_fixture, outsiders):  # noqa: F811
    a, office = board_fixture, board_fixture.office
    meeting = make_meeting(a)
    url = f"/api/v1/meetings/{meeting.pk}/"
    _attempt(office, outsiders, a.sami, lambda c: c.patch(url, {"place": "ห้องประชุมอื่น"}, format="json"))
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=a.sami.user)
    item = services.agenda_item_add(meeting_id=meeting.pk, user=a.sami.user, parent_number=4, title="แผนนิเทศ")

    def attachment(c):
        paper = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
        return c.post(f"{url}attachments/", {"item": item.pk, "title": "เอกสาร", "file": paper}, format="multipart")

    _attempt(office, outsiders, a.sami, attachment)

    def photo(c):
        image = SimpleUploadedFile("m.png", png(), content_type="image/png")
        return c.post(f"{url}photos/", {"image": image, "caption": "บรรยากาศ"}, format="multipart")

    _attempt(office, outsiders, a.sami, photo)
    resolution = {
        "item": item.pk,
        "kind": "actions",
        "text": "มอบกลุ่มนิเทศจัดทำรายงาน",
        "actions": [{"title": "จัดทำรายงาน", "owner": a.bob.pk, "due_date": "2020-08-31"}],
    }
    _attempt(office, outsiders, a.sami, lambda c: c.post(f"{url}resolutions/", resolution, format="json"))
    action = MeetingAction.objects.get()
    _attempt(
        office,
        outsiders,
        a.bob,
        lambda c: c.post(f"/api/v1/meeting-actions/{action.pk}/transitions/", {"to": "in_progress"}, format="json"),
    )
    invitation = Invitation.objects.get(meeting=meeting, person=a.bob)
    absent = {"answer": "absent", "reason": "ติดราชการ"}
    answer_url = f"/api/v1/invitations/{invitation.pk}/answer/"
    _attempt(office, outsiders, a.bob, lambda c: c.post(answer_url, absent, format="json"))
    ask = {"text": "จะเผยแพร่รายงานการประชุมเมื่อใด", "meeting": meeting.pk}
    _attempt(office, outsiders, a.bob, lambda c: c.post("/api/v1/opinions/", ask, format="json"))
    opinion = Opinion.objects.get(meeting=meeting)
    reply = {"answer": "ภายในสิบห้าวัน", "publish": True}
    _attempt(
        office, outsiders, a.cora, lambda c: c.post(f"/api/v1/opinions/{opinion.pk}/answer/", reply, format="json")
    )


def test_documents_exchanges_and_surveys_refuse_another_office_and_accept_ours(
    board_fixture,  # noqa: F811
    outsiders,
):
    a, office = board_fixture, board_fixture.office
    doc = services.document_create(office_id=office.pk, user=a.cora.user, title="แผนการนิเทศ")

    def version(c):
        paper = SimpleUploadedFile("v.pdf", PDF, content_type="application/pdf")
        return c.post(f"/api/v1/documents/{doc.pk}/versions/", {"file": paper, "note": "ฉบับร่าง"}, format="multipart")

    _attempt(office, outsiders, a.cora, version)
    # a learning exchange is always recorded in the sender's own office: naming our consortium is refused
    exchange = {
        "event": "เวทีแลกเปลี่ยนเรียนรู้",
        "start_date": "2020-08-20",
        "place": "โรงเรียนตัวอย่าง",
        "consortium": a.school_a.consortium_id,
        "topic": "การนิเทศแบบกัลยาณมิตร",
        "learnt": "ครูได้แนวทาง",
        "usage": "นำไปใช้ในห้องเรียน",
        "count_office": 4,
        "count_school": 20,
    }
    _attempt(office, outsiders, a.cora, lambda c: c.post("/api/v1/learning-exchanges/", exchange, format="json"))
    assert LearningExchange.objects.get().office == office

    form = SurveyForm.objects.create(office=office, title="ความพึงพอใจต่อการนิเทศ", anonymous=True)
    dim = SurveyDimension.objects.create(form=form, order=0, name="ด้านกระบวนการ")
    rated = SurveyItem.objects.create(dimension=dim, text="ชัดเจน")
    rnd = f.RoundFactory(office=office, slug="aug-cross")
    assignment = f.AssignmentFactory(round=rnd, school=a.school_a, committee=a.committee_a)
    visit = f.VisitFactory(assignment=assignment, status="approved", approved_at=timezone.now())
    invitation = SurveyInvitation.objects.create(
        form=form, visit=visit, person=a.dana, group="director", created_at=timezone.now()
    )
    answers = {"answers": {str(rated.pk): 5}, "suggestion": "ดีมาก"}
    _attempt(
        office,
        outsiders,
        a.dana,
        lambda c: c.post(f"/api/v1/survey-invitations/{invitation.pk}/answer/", answers, format="json"),
    )


def test_the_web_writes_refuse_another_office_and_accept_ours(board_fixture, outsiders):  # noqa: F811
    a, office = board_fixture, board_fixture.office
    draft = make_meeting(a, dt.date(2020, 7, 3))
    edit = {
        "title": draft.title,
        "date": "03/07/2563",
        "start_time": "09:00",
        "place": "ห้องประชุมใหม่",
        "subject": draft.subject,
    }
    _attempt(office, outsiders, a.sami, lambda c: c.post(f"/meetings/{draft.pk}/edit/", edit), client=_web)
    _attempt(
        office,
        outsiders,
        a.sami,
        lambda c: c.post(f"/meetings/{draft.pk}/transition/", {"to": "invited", "confirm": "1"}),
        client=_web,
    )

    meeting = hold(a, make_meeting(a, dt.date(2020, 7, 10)))
    build = {"meeting": meeting.pk}
    _attempt(office, outsiders, a.cora, lambda c: c.post("/meetings/participation/build/", build), client=_web)
    record = ParticipationRecord.objects.get(meeting=meeting)
    publish = {"usage": "ปรับแผนการนิเทศตามข้อเสนอ", "publish": "1", "confirm": "1"}
    _attempt(office, outsiders, a.cora, lambda c: c.post(f"/meetings/participation/{record.pk}/", publish), client=_web)
    withdraw = {"usage": "ปรับแผนการนิเทศตามข้อเสนอ", "publish": "0", "confirm": "1"}
    _attempt(
        office, outsiders, a.cora, lambda c: c.post(f"/meetings/participation/{record.pk}/", withdraw), client=_web
    )

    rnd = f.RoundFactory(office=office, instrument=f.InstrumentVersionFactory(), status="published")
    publication = Publication.objects.create(
        office=office, kind="round", round=rnd, title=rnd.title, record_date=rnd.end_date or timezone.localdate()
    )
    for to in ("published", "withdrawn"):
        _attempt(
            office,
            outsiders,
            a.oscar,
            lambda c, to=to: c.post(f"/public/manage/{publication.pk}/{to}/", {"confirm": "1"}),
            client=_web,
        )
    assert Publication.objects.get(pk=publication.pk).status == "withdrawn"
