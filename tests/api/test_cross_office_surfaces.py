"""Another office can never write ours, surface by surface, with the very request that works for our own people.

For each write below (visit PUT, evidence PUT, signature PUT, visit transition, follow-up PATCH, due-date request
and decision, notification read, meeting transition), a coordinator and a supervisor of office SEC99 send it
first — and are refused (403/404) with nothing of ours changed — then the insider who may make it sends the same
request and it succeeds, which shows the request itself was valid and only the office made the difference."""

import datetime
import hashlib
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from meetings.models import Meeting
from supervision.roles import Role
from tests import factories as f
from tests.api.conftest import visit_body
from tests.meetings.conftest import board as board_fixture  # noqa: F401  (the meetings tests' fixture)
from tests.meetings.conftest import make_meeting
from visits.models import Evidence, FollowUp, FollowUpDueChange, Signature, Visit
from worker.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), color).save(buf, format="PNG")
    return buf.getvalue()


def _client(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


@pytest.fixture
def outsiders():
    other = f.AreaOfficeFactory(code="SEC99", name="สำนักงานอื่น")
    return [
        f.PersonFactory(office=other, user=f.UserFactory(username="other_cora", roles=[Role.COORDINATOR])),
        f.PersonFactory(office=other, user=f.UserFactory(username="other_sup", roles=[Role.SUPERVISOR])),
    ]


def _state():
    """Everything the writes below could change, of our office."""
    return (
        sorted(Visit.objects.values_list("id", "version", "status", "strengths")),
        sorted(Evidence.objects.values_list("id", "sha256", "caption")),
        Signature.objects.count(),
        sorted(FollowUp.objects.values_list("id", "notes", "due_date", "status")),
        sorted(FollowUpDueChange.objects.values_list("id", "status")),
        sorted(Notification.objects.values_list("id", "read_at")),
        sorted(Meeting.objects.values_list("id", "status")),
    )


def _attempt(outsiders, insider, send, ok=(200, 201)):
    before = _state()
    for outsider in outsiders:
        refused = send(_client(outsider))
        assert refused.status_code in (403, 404), (outsider, refused.status_code, refused.content[:300])
        assert _state() == before, "an outsider's write changed our records"
    done = send(_client(insider))
    assert done.status_code in ok, done.content[:400]


def test_every_surface_refuses_another_office_and_accepts_ours(board_fixture, field, outsiders):  # noqa: F811
    a = board_fixture
    vid = uuid.uuid4()
    assert _client(a.bob).put(f"/api/v1/visits/{vid}/", visit_body(field), format="json").status_code == 201

    # the tablet surface: visit, evidence bytes, signature, transition
    _attempt(
        outsiders,
        a.bob,
        lambda c: c.put(f"/api/v1/visits/{vid}/", {"findings": {"strengths": "แก้ไขแล้ว"}}, format="json"),
    )
    photo, ev = png((200, 0, 0)), uuid.uuid4()

    def evidence(c):
        return c.put(
            f"/api/v1/visits/{vid}/evidence/{ev}/",
            {"file": SimpleUploadedFile("p.png", photo), "sha256": hashlib.sha256(photo).hexdigest()},
            format="multipart",
        )

    _attempt(outsiders, a.bob, evidence)
    mark, sid = png((0, 0, 0)), uuid.uuid4()

    def signature(c):
        return c.put(
            f"/api/v1/visits/{vid}/signatures/{sid}/",
            {
                "file": SimpleUploadedFile("s.png", mark),
                "sha256": hashlib.sha256(mark).hexdigest(),
                "role": "supervisor",
                "signer_name": "บ๊อบ",
            },
            format="multipart",
        )

    _attempt(outsiders, a.bob, signature)
    Evidence.objects.filter(pk=ev).update(item=field.items["Y1"])  # the photo the submission needs
    _attempt(
        outsiders, a.bob, lambda c: c.post(f"/api/v1/visits/{vid}/transitions/", {"to": "submitted"}, format="json")
    )

    # follow-ups: answer, ask to move the date, decide
    fu = f.FollowUpFactory(school=a.school_a, owner=a.dana, due_date=timezone.localdate() + datetime.timedelta(days=9))
    _attempt(outsiders, a.dana, lambda c: c.patch(f"/api/v1/followups/{fu.pk}/", {"notes": "เริ่มแล้ว"}, format="json"))
    ask = {"due_date": (fu.due_date + datetime.timedelta(days=7)).isoformat(), "reason": "รอผลสอบ"}
    _attempt(
        outsiders,
        a.dana,
        lambda c: c.post(f"/api/v1/followups/{fu.pk}/due-date-requests/", ask, format="json"),
    )
    rid = FollowUpDueChange.objects.get(followup=fu).pk
    _attempt(
        outsiders,
        a.cora,
        lambda c: c.post(
            f"/api/v1/followups/{fu.pk}/due-date-requests/{rid}/decision/", {"to": "approved"}, format="json"
        ),
    )

    # notifications: marking one of ours read
    note = f.NotificationFactory(recipient=a.alice)
    _attempt(outsiders, a.alice, lambda c: c.post(f"/api/v1/notifications/{note.pk}/read/", {}, format="json"))

    # meetings: moving our committee's meeting
    meeting, invite = make_meeting(a), {"to": "invited"}
    _attempt(
        outsiders,
        a.sami,
        lambda c: c.post(f"/api/v1/meetings/{meeting.pk}/transitions/", invite, format="json"),
    )
    assert Meeting.objects.get(pk=meeting.pk).status == "invited"
