"""The shape every lifecycle shares (supervision/lifecycle.py): the claim as one conditional UPDATE, and the
refusals the tables give in the same words."""

import pytest

from supervision.errors import InvalidTransition, StaleVersion
from supervision.lifecycle import Refusal, claim, not_allowed, wrong_role
from tests.factories.visits import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_the_claim_writes_when_the_row_still_holds_what_was_seen():
    visit = VisitFactory()
    seen = {"status": visit.status, "version": visit.version}
    claim(Visit, visit.pk, seen=seen, changes={"version": visit.version + 1, "observation_notes": "seen"})
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.version, stored.observation_notes) == (visit.version + 1, "seen")


def test_the_second_of_two_writers_that_saw_the_same_row_writes_nothing_and_is_told_the_current_version():
    visit = VisitFactory()
    seen = {"status": visit.status, "version": visit.version}
    claim(Visit, visit.pk, seen=seen, changes={"version": visit.version + 1, "observation_notes": "first"})
    with pytest.raises(StaleVersion) as refused:
        claim(Visit, visit.pk, seen=seen, changes={"version": visit.version + 1, "observation_notes": "second"})
    assert refused.value.extra["current_version"] == visit.version + 1
    assert Visit.objects.get(pk=visit.pk).observation_notes == "first"


def test_the_refusals_name_the_move_and_who_may_make_it_in_thai_and_english():
    refusal = wrong_role(
        action="approve",
        action_th="อนุมัติ",
        allowed={"coordinator", "chair"},
        role_names={"chair": ("ประธาน", "the chair"), "coordinator": ("ผู้ประสานงาน", "a coordinator")},
        noun_en="visit",
    )
    assert (refusal.code, refusal.message_th, refusal.message_en) == (
        "wrong_role",
        "ผู้ที่อนุมัติได้คือ ประธาน หรือ ผู้ประสานงาน",
        "only the chair or a coordinator may approve this visit",
    )
    gone = not_allowed("meeting", "ร่าง", "รับรองแล้ว", "draft", "certified")
    assert gone.message_th == "เปลี่ยนจาก ร่าง เป็น รับรองแล้ว ไม่ได้"
    assert gone.message_en == "a meeting cannot go from draft to certified"


def test_a_refusal_becomes_the_domain_error_its_module_asks_for_with_what_is_missing():
    error = Refusal("incomplete", "ยังตอบไม่ครบ", "answers missing", ("A1", "B2")).error()
    assert isinstance(error, InvalidTransition)
    assert (error.code, error.http_status, error.extra["missing"]) == ("incomplete", 409, ["A1", "B2"])
