"""Every text a person sends to the meetings app has a limit (meetings/limits.py and the model's max_length),
refused on every write path — the API and the pages — with 400 (a page: the refusal shown) naming the field,
in Thai and English, nothing saved; and a text exactly at its limit is accepted and renders whole in the
invitation, minutes and survey (O16) PDFs and in the dashboard's exports."""

import datetime as dt
import io
import itertools
import re
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from meetings import limits, services, workflow
from meetings.models import (
    AgendaItem,
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
from tests import factories as f
from tests.meetings.conftest import make_meeting
from tests.meetings.test_meetings import hold
from tests.reports.pdftext import pdftotext, squeeze
from visits.reports.service import render, report_data

pytestmark = pytest.mark.django_db

SPACED = "ที่ประชุมพิจารณาแผนการนิเทศติดตามและให้ข้อเสนอแนะเพิ่มเติม "
SENTENCE = itertools.count(1)  # every sentence of every text numbered apart


def text(n: int, tag: str = "") -> str:
    """Exactly `n` characters of Thai, beginning with `tag` so each text can be found on its own; its sentences
    are numbered, so no line of it repeats (see `reading`)."""
    body = tag + "".join(f"{SPACED}{next(SENTENCE)} " for _ in range(n // len(SPACED) + 2))
    return body[: n - 1].rstrip().ljust(n - 1, "ก") + "ก"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def refused(response, field):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    errors = response.json()["errors"]
    assert field in errors, errors
    return " ".join(map(str, errors[field]))


@pytest.fixture
def invited(board):
    meeting = make_meeting(board)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    return meeting


def test_the_api_refuses_a_text_over_its_limit_naming_the_field_and_takes_one_at_it(board, invited, client_for):
    sami, url = client_for(board.sami), f"/api/v1/meetings/{invited.pk}/"
    item = services.agenda_item_add(meeting_id=invited.pk, user=board.sami.user, parent_number=4, title="แผน")

    # the letter: its body and a short field
    refused(sami.patch(url, {"body": text(limits.LETTER_BODY_MAX + 1)}, format="json"), "body")
    r = sami.patch(url, {"body": text(limits.LETTER_BODY_MAX)}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert len(Meeting.objects.get(pk=invited.pk).body) == limits.LETTER_BODY_MAX

    # a resolution, and an action's title inside it
    body = {"item": item.pk, "kind": "note", "text": text(limits.LONG_TEXT_MAX + 1)}
    refused(sami.post(f"{url}resolutions/", body, format="json"), "text")
    action = {"title": text(501), "owner": board.bob.pk, "due_date": "2020-08-31"}
    body = {"item": item.pk, "kind": "actions", "text": "มอบหมาย", "actions": [action]}
    r = sami.post(f"{url}resolutions/", body, format="json")
    assert r.status_code == 400 and not Resolution.objects.exists() and not MeetingAction.objects.exists()
    action["title"] = text(500)
    assert sami.post(f"{url}resolutions/", body, format="json").status_code == 201

    # a photo's caption is refused, not cut
    image = SimpleUploadedFile("m.png", png(), content_type="image/png")
    refused(sami.post(f"{url}photos/", {"image": image, "caption": text(301)}, format="multipart"), "caption")
    assert not MeetingPhoto.objects.exists()

    # the invitee's answer: the reason and the substitute's name
    bob = client_for(board.bob)
    inv = Invitation.objects.get(meeting=invited, person=board.bob)
    answer = f"/api/v1/invitations/{inv.pk}/answer/"
    refused(bob.post(answer, {"answer": "absent", "reason": text(301)}, format="json"), "reason")
    refused(bob.post(answer, {"answer": "substitute", "substitute_name": text(201)}, format="json"), "substitute_name")
    assert Invitation.objects.get(pk=inv.pk).answer == "pending"

    # an opinion, and the office's answer
    r = bob.post("/api/v1/opinions/", {"text": text(limits.LONG_TEXT_MAX + 1), "meeting": invited.pk}, format="json")
    refused(r, "text")
    r = bob.post("/api/v1/opinions/", {"text": text(limits.LONG_TEXT_MAX), "meeting": invited.pk}, format="json")
    assert r.status_code == 201
    opinion = r.json()["id"]
    cora = client_for(board.cora)
    refused(
        cora.post(f"/api/v1/opinions/{opinion}/answer/", {"answer": text(limits.LONG_TEXT_MAX + 1)}, format="json"),
        "answer",
    )
    assert Opinion.objects.get(pk=opinion).answer == ""

    # a document's title and description, a version's note
    r = cora.post("/api/v1/documents/", {"title": "แผน", "description": text(limits.NOTE_MAX + 1)}, format="json")
    refused(r, "description")
    r = cora.post("/api/v1/documents/", {"title": "แผน", "description": text(limits.NOTE_MAX)}, format="json")
    assert r.status_code == 201
    pdf = SimpleUploadedFile("v.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    r = cora.post(
        f"/api/v1/documents/{r.json()['id']}/versions/",
        {"file": pdf, "note": text(limits.NOTE_MAX + 1)},
        format="multipart",
    )
    refused(r, "note")

    # a learning exchange: its long texts (no serializer limit: the domain refuses them)
    exchange = {
        "event": "เวทีแลกเปลี่ยนเรียนรู้",
        "start_date": "2020-08-20",
        "place": "โรงเรียนตัวอย่าง",
        "topic": "การนิเทศแบบกัลยาณมิตร",
        "learnt": text(limits.LONG_TEXT_MAX + 1),
        "usage": "นำไปใช้",
        "participants_note": text(limits.NOTE_MAX + 1),
        "count_school": 3,
    }
    r = cora.post("/api/v1/learning-exchanges/", exchange, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "longer than 5,000 characters" in refused(r, "learnt")
    assert "participants_note" in r.json()["errors"] and not LearningExchange.objects.exists()


def test_the_survey_suggestion_and_action_note_are_bounded(board, client_for):
    form = SurveyForm.objects.create(office=board.office, title="ความพึงพอใจ", anonymous=True)
    dim = SurveyDimension.objects.create(form=form, order=0, name="ด้านกระบวนการ")
    rated = SurveyItem.objects.create(dimension=dim, text="ชัดเจน")
    rnd = f.RoundFactory(office=board.office, slug="aug-limits")
    asg = f.AssignmentFactory(round=rnd, school=board.school_a, committee=board.committee_a)
    visit = f.VisitFactory(assignment=asg, status="approved", approved_at=timezone.now())
    inv = SurveyInvitation.objects.create(
        form=form, visit=visit, person=board.dana, group="director", created_at=timezone.now()
    )
    url = f"/api/v1/survey-invitations/{inv.pk}/answer/"
    dana = client_for(board.dana)
    over = {"answers": {str(rated.pk): 5}, "suggestion": text(limits.LONG_TEXT_MAX + 1)}
    refused(dana.post(url, over, format="json"), "suggestion")
    assert not SurveyResponse.objects.exists() and SurveyInvitation.objects.get(pk=inv.pk).answered_at is None
    at = {"answers": {str(rated.pk): 5}, "suggestion": text(limits.LONG_TEXT_MAX)}
    assert dana.post(url, at, format="json").status_code == 201
    assert len(SurveyResponse.objects.get().suggestion) == limits.LONG_TEXT_MAX


def test_the_pages_refuse_a_text_over_its_limit_and_keep_what_was_saved(board, client):
    meeting = make_meeting(board)
    client.force_login(board.sami.user)
    page = client.post(f"/meetings/{meeting.pk}/agenda/", {"parent_number": 4, "title": text(501)}, follow=True)
    assert "เรื่อง: " in page.content.decode() and "500" in page.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting, parent__isnull=False).exists()

    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    item = meeting.agenda.get(parent__isnull=True, number=1)
    item.minutes_text = "ประธานแจ้งให้ทราบ"
    item.save()
    page = client.post(
        f"/meetings/{meeting.pk}/minutes/", {f"text-{item.pk}": text(limits.MINUTES_MAX + 1)}, follow=True
    )
    assert "ยาวเกิน 10,000 ตัวอักษร" in page.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).minutes_text == "ประธานแจ้งให้ทราบ"  # what was saved stays

    held = hold(board, make_meeting(board, dt.date(2020, 7, 17)))
    client.force_login(board.cora.user)
    client.post("/meetings/participation/build/", {"meeting": held.pk})
    record = ParticipationRecord.objects.get(meeting=held)
    page = client.post(
        f"/meetings/participation/{record.pk}/", {"usage": text(5001), "publish": "1", "confirm": "1"}, follow=True
    )
    assert "usage: ยาวเกิน 5,000 ตัวอักษร" in page.content.decode()
    record.refresh_from_db()
    assert record.usage == "" and record.published_at is None


# --- Every text at its limit renders whole ---------------------------------------------------------------------


PAGE_MARKS = re.compile(r"^(- [๐-๙0-9]+ -|/\S+\.\.\.|หน้า \d+ / \d+)$")


def reading(pdf: bytes) -> str:
    """The text as a reader goes through it page by page, without what belongs to the page rather than to
    the text: its number (- ๒ -, หน้า 2 / 4), the official letter's cue to the next page (/คำ...), and the
    running header and footer (lines at the top or foot of more than one page: no line of `text()` repeats,
    its sentences being numbered). A text running on
    to the next page then reads on; nothing inside a text is changed."""
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    lines = [pdftotext(pdf, "-raw", "-f", str(n), "-l", str(n)).splitlines() for n in range(1, pages + 1)]
    seen = Counter(line for page in lines for line in set(page[:2] + page[-3:]))  # a page's top and foot
    furniture = {line for line, n in seen.items() if n > 1}
    return "\n".join(
        line for page in lines for line in page if line not in furniture and not PAGE_MARKS.match(line.strip())
    )


def _whole(pdf: bytes, texts: dict[str, str]) -> None:
    assert pdf.startswith(b"%PDF")
    words = squeeze(reading(pdf))
    missing = [name for name, t in texts.items() if squeeze(t) not in words]
    assert not missing, f"not whole in the PDF: {missing}"


@pytest.fixture
def meeting_at_limits(board):
    """A meeting whose every text a person sends is at its limit, through the services every page and the API
    use, held and minuted."""
    user = board.sami.user
    m = Meeting
    letter = {
        "title": text(limits.limit_of(m, "title"), "ชื่อการประชุมยาว"),
        "place": text(limits.limit_of(m, "place"), "สถานที่ยาว"),
        "subject": text(limits.limit_of(m, "subject"), "เรื่องยาว"),
        "salutation": text(limits.limit_of(m, "salutation"), "เรียนยาว"),
        "letter_no": "ศธ " + "0" * (limits.limit_of(m, "letter_no") - 3),
        "enclosures": "\n".join(text(500, f"สิ่งที่ส่งมาด้วย{n}") for n in range(9))
        + "\n"
        + text(limits.LONG_TEXT_MAX - 9 * 501, "สิ่งสุดท้าย"),
        "body": text(limits.LETTER_BODY_MAX, "ข้อความยาว"),
    }
    assert len(letter["enclosures"]) == limits.LONG_TEXT_MAX
    meeting = make_meeting(board, dt.date(2020, 7, 10), **letter)
    services.meeting_update(meeting_id=meeting.pk, user=user, note_taker=board.sami, checker=board.cora)
    title = text(limits.limit_of(AgendaItem, "title"), "วาระยาว")
    item = services.agenda_item_add(meeting_id=meeting.pk, user=user, parent_number=4, title=title)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=user)
    inv = {i.person_id: i for i in meeting.invitations.all()}
    answers = {
        "substitute_name": text(200, "ผู้แทนยาว"),
        "substitute_position": text(200, "ตำแหน่งผู้แทนยาว"),
        "reason": text(300, "เหตุผลยาว"),
    }
    services.invitation_answer(
        invitation=inv[board.dana.pk],
        answer="substitute",
        substitute_name=answers["substitute_name"],
        substitute_position=answers["substitute_position"],
    )
    services.invitation_answer(invitation=inv[board.member.pk], answer="absent", reason=answers["reason"])
    services.attendance_record(
        meeting_id=meeting.pk,
        user=user,
        rows=[{"invitation": i.pk, "attendance": "present"} for i in meeting.invitations.filter(attendance="unknown")],
    )
    minutes = {
        "minutes_text": text(limits.MINUTES_MAX, "สาระยาว"),
        "resolution_text": text(limits.LONG_TEXT_MAX, "มติยาว"),
    }
    services.minutes_write(meeting_id=meeting.pk, user=user, items=[{"item": item.pk, **minutes}])
    start = timezone.make_aware(dt.datetime(2020, 7, 10, 9, 5))
    services.meeting_times(meeting_id=meeting.pk, user=user, started_at=start, ended_at=start + dt.timedelta(hours=3))
    workflow.meeting_transition(meeting_id=meeting.pk, to="held", user=user)
    services.minutes_sign(meeting_id=meeting.pk, user=board.sami.user)
    services.minutes_sign(meeting_id=meeting.pk, user=board.cora.user)
    return meeting, {**letter, "agenda_title": title, **answers, **minutes}


def test_the_invitation_and_minutes_pdfs_carry_every_text_at_its_limit(meeting_at_limits, tmp_path):
    meeting, texts = meeting_at_limits
    invitation = render("invitation", report_data("invitation", meeting.pk))
    (tmp_path / "invitation-limits.pdf").write_bytes(invitation)
    letter_texts = ("place", "subject", "salutation", "letter_no", "body", "agenda_title")
    enclosures = {f"enclosure {n}": line for n, line in enumerate(texts["enclosures"].splitlines())}  # numbered 1. 2.
    _whole(invitation, {**{k: v for k, v in texts.items() if k in letter_texts}, **enclosures})
    minutes = render("minutes", report_data("minutes", meeting.pk))
    (tmp_path / "minutes-limits.pdf").write_bytes(minutes)
    minutes_texts = ("place", "agenda_title", "substitute_name", "substitute_position", "reason")
    _whole(minutes, {k: v for k, v in texts.items() if k in (*minutes_texts, "minutes_text", "resolution_text")})


def test_the_survey_report_carries_every_text_at_its_limit(board, tmp_path):
    title = text(limits.limit_of(SurveyForm, "title"), "แบบสอบถามยาว")
    structure = "\n".join(
        [text(200, "ด้านยาวที่หนึ่ง"), "- " + text(500, "ข้อคำถามยาวหนึ่ง"), "- " + text(500, "ข้อคำถามยาวสอง")]
    )
    form = services.survey_form_save(user=board.cora.user, office_id=board.office.pk, title=title, structure=structure)
    rnd = f.RoundFactory(office=board.office, slug="aug-survey-limits")
    asg = f.AssignmentFactory(round=rnd, school=board.school_a, committee=board.committee_a)
    visit = f.VisitFactory(assignment=asg, status="approved", approved_at=timezone.now())
    inv = SurveyInvitation.objects.create(
        form=form, visit=visit, person=board.dana, group="director", created_at=timezone.now()
    )
    suggestion = text(limits.LONG_TEXT_MAX, "ข้อเสนอแนะยาว")
    items = SurveyItem.objects.filter(dimension__form=form).values_list("id", flat=True)
    services.survey_submit(
        invitation_id=inv.pk, user=board.dana.user, answers={i: 4 for i in items}, suggestion=suggestion
    )
    pdf = render("survey", report_data("survey", f"{form.pk}:{rnd.slug}"))
    (tmp_path / "survey-limits.pdf").write_bytes(pdf)
    texts = {
        "suggestion": suggestion,
        **{f"line{n}": line.lstrip("- ") for n, line in enumerate(structure.split("\n"))},
    }
    _whole(pdf, texts)
