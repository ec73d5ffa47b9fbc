"""Meetings: numbering, the lifecycle, attendance with substitutes, minutes certified and locked."""

import datetime as dt
import io

import pytest
from django.db import IntegrityError
from pypdf import PdfReader

from meetings import services, workflow
from meetings.models import AgendaItem, Invitation, Meeting, MinutesLocked
from supervision.errors import Forbidden, InvalidInput, InvalidTransition
from tests.meetings.conftest import make_meeting
from tests.reports.pdftext import squeeze
from visits.reports.service import render, report_data

pytestmark = pytest.mark.django_db
BKK = dt.timezone(dt.timedelta(hours=7))


def hold(board, meeting, *, substitute=True, sub_item=("แผนปฏิบัติการนิเทศ ปีการศึกษา 2563", "เห็นชอบ")):
    """Invite, answer, take attendance, write and sign the minutes of `meeting`."""
    user = board.sami.user
    services.meeting_update(meeting_id=meeting.pk, user=user, note_taker=board.sami, checker=board.cora)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=user)
    inv = {i.person_id: i for i in meeting.invitations.all()}
    if substitute:
        services.invitation_answer(
            invitation=inv[board.dana.pk],
            answer="substitute",
            substitute_name="นางสาวมาลี แทนใจดี",
            substitute_position="รองผู้อำนวยการโรงเรียน",
        )
    services.invitation_answer(invitation=inv[board.member.pk], answer="absent", reason="ติดราชการต่างจังหวัด")
    services.invitation_answer(invitation=inv[board.chair.pk], answer="attend")
    # on the day the secretary marks those who never answered but came
    services.attendance_record(
        meeting_id=meeting.pk,
        user=user,
        rows=[{"invitation": i.pk, "attendance": "present"} for i in meeting.invitations.filter(attendance="unknown")],
    )
    start = dt.datetime.combine(meeting.date, dt.time(9, 5), tzinfo=BKK)
    services.meeting_times(meeting_id=meeting.pk, user=user, started_at=start, ended_at=start + dt.timedelta(hours=3))
    item4 = services.agenda_item_add(meeting_id=meeting.pk, user=user, parent_number=4, title=sub_item[0])
    services.minutes_write(
        meeting_id=meeting.pk,
        user=user,
        items=[
            {
                "item": item4.pk,
                "minutes_text": "ศึกษานิเทศก์นำเสนอแผนการนิเทศ ติดตาม ประจำปี",
                "resolution_text": sub_item[1],
            },
        ],
    )
    workflow.meeting_transition(meeting_id=meeting.pk, to="held", user=user)
    services.minutes_sign(meeting_id=meeting.pk, user=board.sami.user)
    return services.minutes_sign(meeting_id=meeting.pk, user=board.cora.user)


def test_numbering_counts_per_committee_and_restarts_each_calendar_year(board):
    first = make_meeting(board, dt.date(2020, 3, 1))
    second = make_meeting(board, dt.date(2020, 12, 30))
    next_year = make_meeting(board, dt.date(2021, 1, 5))
    assert (first.number_label, second.number_label, next_year.number_label) == ("1/2563", "2/2563", "1/2564")
    assert str(first) == "การประชุมคณะกรรมการ ก.ต.ป.น. ครั้งที่ 1/2563"
    other = services.meeting_create(
        committee=board.committee_a,
        user=board.cora.user,
        date=dt.date(2020, 3, 2),
        start_time=dt.time(9),
        place="ห้อง 1",
    )
    assert other.number_label == "1/2563"


def test_two_secretaries_racing_for_a_number_both_get_one(board, monkeypatch):
    """The unique constraint decides a race: the loser of a number takes the next one."""
    make_meeting(board, dt.date(2020, 3, 1))
    real = services.next_number
    calls = []

    def stale_once(committee_id, year):
        calls.append(year)
        return 1 if len(calls) == 1 else real(committee_id, year)  # as if another request took 1 meanwhile

    monkeypatch.setattr(services, "next_number", stale_once)
    meeting = make_meeting(board, dt.date(2020, 4, 1))
    assert meeting.number_label == "2/2563"
    assert len(calls) == 2
    with pytest.raises(IntegrityError):
        Meeting.objects.create(
            office=board.office,
            committee=board.ktpn,
            title="x",
            year=2563,
            number=1,
            date=dt.date(2020, 5, 1),
            start_time=dt.time(9),
        )


def test_a_new_meeting_has_the_five_standard_items_and_invites_the_members(board):
    meeting = make_meeting(board)
    tops = list(meeting.agenda.filter(parent__isnull=True).values_list("number", "title"))
    assert tops == [
        (1, "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
        (2, "รับรองรายงานการประชุมครั้งที่แล้ว"),
        (3, "เรื่องสืบเนื่อง"),
        (4, "เรื่องเสนอเพื่อพิจารณา"),
        (5, "เรื่องอื่น ๆ"),
    ]
    sub = services.agenda_item_add(
        meeting_id=meeting.pk, user=board.sami.user, parent_number=1, title="ประธานแจ้ง", presenter=board.chair
    )
    assert sub.label == "1.1"
    assert set(meeting.invitations.values_list("person_id", flat=True)) == {
        board.chair.pk,
        board.member.pk,
        board.dana.pk,
        board.bob.pk,
        board.sami.pk,
    }


def test_only_the_secretary_or_a_coordinator_creates_and_invites(board):
    with pytest.raises(Forbidden):
        services.meeting_create(
            committee=board.ktpn, user=board.bob.user, date=dt.date(2020, 7, 1), start_time=dt.time(9), place="ห้อง"
        )
    meeting = make_meeting(board, subject="")
    with pytest.raises(InvalidTransition) as refused:
        workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    assert refused.value.code == "no_subject"
    services.meeting_update(meeting_id=meeting.pk, user=board.sami.user, subject="เชิญประชุม")
    with pytest.raises(InvalidTransition) as refused:
        workflow.meeting_transition(meeting_id=meeting.pk, to="held", user=board.sami.user)
    assert refused.value.code == "not_allowed"
    # bob is a member: he sees the meeting once invited, but may not move it
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.cora.user)
    with pytest.raises(InvalidTransition) as refused:
        workflow.meeting_transition(meeting_id=meeting.pk, to="cancelled", user=board.bob.user)
    assert refused.value.code == "wrong_role"


def test_a_meeting_needs_a_place_or_a_link(board):
    with pytest.raises(InvalidInput) as bad:
        make_meeting(board, place="")
    assert "place" in bad.value.fields


def test_substitute_counts_as_attending_and_is_printed_with_the_word_substitute(board):
    meeting = hold(board, make_meeting(board))
    dana = meeting.invitations.get(person=board.dana)
    assert dana.attended and dana.attendance == "substitute"
    assert services.meeting_participants_by_group(meeting)["school"] == 1  # dana's seat was filled
    data = report_data("minutes", meeting.pk)
    assert [p.name for p in data.present][:2] == [board.chair.full_name, "นางสาวมาลี แทนใจดี"]
    assert data.present[1].note == f"แทน {board.dana.full_name}"
    assert [(p.name, p.note) for p in data.absent] == [(board.member.full_name, "ติดราชการต่างจังหวัด")]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render("minutes", data))).pages)
    # Table cells wrap between words, with no space to give back: compare without whitespace.
    # (ำ is checked by the extraction test; here the substitute line itself.)
    assert squeeze("นางสาวมาลี แทนใจดี") in squeeze(text)
    assert squeeze(f"แทน {board.dana.full_name}") in squeeze(text)


def test_minutes_are_certified_at_the_next_meeting_and_locked_from_then_on(board):
    first = hold(board, make_meeting(board, dt.date(2020, 7, 10)))
    assert first.status == "minuted"
    second = make_meeting(board, dt.date(2020, 8, 20))
    with pytest.raises(InvalidTransition) as refused:  # the next meeting has not even been called yet
        services.minutes_certify(meeting_id=first.pk, at_meeting_id=second.pk, user=board.sami.user)
    assert refused.value.code == "certify_at_next_meeting"
    workflow.meeting_transition(meeting_id=second.pk, to="invited", user=board.sami.user)
    services.minutes_certify(meeting_id=first.pk, at_meeting_id=second.pk, user=board.sami.user)
    first.refresh_from_db()
    assert first.status == "certified" and first.certified_in == second
    item2 = second.agenda.get(parent__isnull=True, number=2)
    assert item2.resolution_text == "ที่ประชุมรับรองรายงานการประชุมครั้งที่ 1/2563 โดยไม่มีการแก้ไข"

    item = first.agenda.get(parent__isnull=False)
    with pytest.raises(MinutesLocked):
        services.minutes_write(
            meeting_id=first.pk, user=board.sami.user, items=[{"item": item.pk, "resolution_text": "ไม่เห็นชอบ"}]
        )
    item.resolution_text = "ไม่เห็นชอบ"
    with pytest.raises(MinutesLocked):  # not even the admin or a shell may rewrite it
        item.save()
    with pytest.raises(MinutesLocked):
        first.place = "ที่อื่น"
        first.save()
    inv = first.invitations.first()
    inv.attendance = "absent"
    with pytest.raises(MinutesLocked):
        inv.save()
    with pytest.raises(MinutesLocked):
        AgendaItem.objects.get(pk=item.pk).delete()
    assert AgendaItem.objects.get(pk=item.pk).resolution_text == "เห็นชอบ"
    # history is kept: the item's versions before certification are all there
    assert item.history.count() >= 2
    assert first.history.filter(status="certified").exists()


def test_reopening_signed_minutes_clears_both_signatures(board):
    meeting = hold(board, make_meeting(board))
    meeting = workflow.meeting_transition(meeting_id=meeting.pk, to="held", user=board.sami.user)
    assert meeting.note_taker_signed_at is None and meeting.checker_signed_at is None
    with pytest.raises(InvalidTransition):
        workflow.meeting_transition(meeting_id=meeting.pk, to="minuted", user=board.sami.user)


def test_answers_are_validated(board):
    meeting = make_meeting(board)
    workflow.meeting_transition(meeting_id=meeting.pk, to="invited", user=board.sami.user)
    inv = meeting.invitations.get(person=board.bob)
    with pytest.raises(InvalidInput) as bad:
        services.invitation_answer(invitation=inv, answer="substitute")
    assert "substitute_name" in bad.value.fields
    with pytest.raises(InvalidInput) as bad:
        services.invitation_answer(invitation=inv, answer="absent")
    assert "reason" in bad.value.fields
    assert Invitation.objects.get(pk=inv.pk).answer == "pending"


def test_render_report_writes_the_invitation_and_the_minutes(board, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    meeting = hold(board, make_meeting(board))
    for kind in ("invitation", "minutes"):
        target = tmp_path / f"{kind}.pdf"
        out = StringIO()
        call_command("render_report", kind, str(meeting.pk), "-o", str(target), stdout=out)
        assert target.read_bytes().startswith(b"%PDF") and "bytes" in out.getvalue()
    with pytest.raises(CommandError, match="no meeting 999"):
        call_command("render_report", "minutes", "999", "-o", str(tmp_path / "x.pdf"))
