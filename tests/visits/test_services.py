"""Recording a visit through `visit_save`: idempotent, versioned, validated, located."""

import hashlib
import uuid

import pytest

from tests import factories as f
from visits import services
from visits.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion, VisitLocked
from visits.models import Answer, Visit


@pytest.fixture
def assignment(actors, aug_round):
    actors.school_a.latitude, actors.school_a.longitude = 15.2440, 104.8470
    actors.school_a.save()
    return f.AssignmentFactory(round=aug_round, committee=actors.committee_a, school=actors.school_a)


def payload(assignment, **extra):
    data = {
        "assignment": assignment.pk,
        "answers": [{"item": "R1", "value": 4}, {"item": "Y1", "value": "yes"}],
        "findings": {"strengths": "ครูมีความตั้งใจ", "recommendations": ["ควรพัฒนา", "  "]},
    }
    data.update(extra)
    return data


def test_same_payload_twice_is_one_visit_same_version(actors, assignment):
    vid = uuid.uuid4()
    first = services.visit_save(visit_id=vid, user=actors.bob.user, data=payload(assignment))
    second = services.visit_save(visit_id=vid, user=actors.bob.user, data=payload(assignment), expected_version=1)
    assert first.created and not second.created and not second.changed
    assert Visit.objects.count() == 1 and Answer.objects.count() == 2
    v = second.visit
    assert v.version == 1 and v.committee == actors.committee_a and v.school == actors.school_a
    assert v.instrument_version == assignment.round.instrument and v.created_by == actors.bob.user
    assert v.recommendations == ["ควรพัฒนา"] and Answer.objects.get(visit=v, item__code="Y1").value is True


def test_changes_bump_version_and_stale_writes_are_refused(actors, assignment):
    vid = uuid.uuid4()
    services.visit_save(visit_id=vid, user=actors.bob.user, data=payload(assignment))
    r = services.visit_save(
        visit_id=vid, user=actors.alice.user, data={"findings": {"to_improve": "การวัดผล"}}, expected_version=1
    )
    assert r.changed and r.visit.version == 2
    with pytest.raises(StaleVersion) as info:
        services.visit_save(
            visit_id=vid, user=actors.bob.user, data={"findings": {"to_improve": "อื่น"}}, expected_version=1
        )
    assert info.value.http_status == 412 and info.value.extra["current_version"] == 2
    assert Visit.objects.get(pk=vid).to_improve == "การวัดผล"
    assert Visit.objects.get(pk=vid).history.count() == 2


def test_invalid_answers_are_reported_by_position_and_nothing_saved(actors, assignment):
    vid = uuid.uuid4()
    data = payload(
        assignment,
        answers=[
            {"item": "R1", "value": 9},
            {"item": "ZZ", "value": 1},
            {"item": "C1", "value": "purple"},
            {"value": 1},
        ],
    )
    with pytest.raises(InvalidInput) as info:
        services.visit_save(visit_id=vid, user=actors.bob.user, data=data)
    fields = info.value.fields
    assert set(fields) == {"answers[0].value", "answers[1].item", "answers[2].value", "answers[3]"}
    assert "1–4" in fields["answers[0].value"][0]
    assert not Visit.objects.exists()


def test_check_in_distance_and_far_flag(actors, assignment, settings):
    settings.VISIT_CHECKIN_RADIUS_M = 500
    vid = uuid.uuid4()
    near = {"at": "2020-08-03T09:00:00+07:00", "lat": 15.2450, "lon": 104.8470, "accuracy": 8}
    v = services.visit_save(visit_id=vid, user=actors.bob.user, data=payload(assignment, check_in=near)).visit
    assert 105 < v.check_in_distance_m < 117 and not v.check_in_far  # 0.001° of latitude ≈ 111 m
    far = {"at": "2020-08-03T15:00:00+07:00", "lat": 15.2540, "lon": 104.8470, "accuracy": 8}
    v = services.visit_save(visit_id=vid, user=actors.bob.user, data={"check_out": far}).visit
    assert 1100 < v.check_out_distance_m < 1125 and v.check_out_far
    with pytest.raises(InvalidInput) as info:
        services.visit_save(
            visit_id=vid,
            user=actors.bob.user,
            data={"check_out": {"at": "2020-08-03T08:00:00+07:00", "lat": 15.2, "lon": 104.8}},
        )
    assert "check_out.at" in info.value.fields
    with pytest.raises(InvalidInput):
        services.visit_save(visit_id=vid, user=actors.bob.user, data={"check_in": {"lat": 95, "lon": 104.8}})


def test_only_committee_members_record_and_outsiders_get_not_found(actors, assignment):
    with pytest.raises(Forbidden):
        services.visit_save(visit_id=uuid.uuid4(), user=actors.charlie.user, data=payload(assignment))
    vid = uuid.uuid4()
    services.visit_save(visit_id=vid, user=actors.bob.user, data=payload(assignment))
    with pytest.raises(NotFound):
        services.visit_save(visit_id=vid, user=actors.charlie.user, data={"findings": {"strengths": "x"}})
    with pytest.raises(Forbidden):  # the office director reads but does not write
        services.visit_save(visit_id=vid, user=actors.oscar.user, data={"findings": {"strengths": "x"}})


def test_second_visit_for_the_same_assignment_is_a_conflict(actors, assignment):
    first = uuid.uuid4()
    services.visit_save(visit_id=first, user=actors.bob.user, data=payload(assignment))
    with pytest.raises(Conflict) as info:
        services.visit_save(visit_id=uuid.uuid4(), user=actors.alice.user, data=payload(assignment))
    assert info.value.extra["existing_visit"] == str(first)


def test_submitted_visit_cannot_be_edited_but_same_payload_is_fine(actors, make_visit):
    visit = make_visit(status="submitted")
    same = services.visit_save(visit_id=visit.pk, user=actors.bob.user, data={"answers": [{"item": "R1", "value": 3}]})
    assert not same.changed
    with pytest.raises(VisitLocked) as info:
        services.visit_save(visit_id=visit.pk, user=actors.bob.user, data={"answers": [{"item": "R1", "value": 1}]})
    assert info.value.http_status == 409


def test_ad_hoc_visit_with_round_and_school(actors, aug_round):
    vid = uuid.uuid4()
    r = services.visit_save(
        visit_id=vid,
        user=actors.charlie.user,
        data={"round": aug_round.pk, "school": actors.school_b.pk, "answers": [{"item": "R2", "value": 3}]},
    )
    assert r.created and r.visit.assignment is None and r.visit.committee is None
    with pytest.raises(InvalidInput) as info:
        services.visit_save(visit_id=uuid.uuid4(), user=actors.charlie.user, data={"school": actors.school_b.pk})
    assert "round" in info.value.fields


def test_identity_cannot_change(actors, assignment, aug_round):
    vid = uuid.uuid4()
    services.visit_save(visit_id=vid, user=actors.bob.user, data=payload(assignment))
    other = f.AssignmentFactory(round=aug_round, committee=actors.committee_a, school=actors.school_b)
    with pytest.raises(InvalidInput) as info:
        services.visit_save(visit_id=vid, user=actors.bob.user, data={"assignment": other.pk})
    assert "assignment" in info.value.fields


def test_members_present_and_signature(actors, assignment):
    from tests.visits.test_evidence import image_bytes

    vid = uuid.uuid4()
    v = services.visit_save(
        visit_id=vid, user=actors.bob.user, data=payload(assignment, members_present=[actors.alice.pk, actors.bob.pk])
    ).visit
    assert set(v.members_present.all()) == {actors.alice, actors.bob}
    sid = uuid.uuid4()
    sig, created = services.signature_add(
        visit_id=vid,
        user=actors.bob.user,
        signature_id=sid,
        role="school_director",
        signer_name="นางดารา ใจดี",
        image=image_bytes("PNG"),
        signer=actors.dana,
    )
    again, created_again = services.signature_add(
        visit_id=vid,
        user=actors.bob.user,
        signature_id=sid,
        role="school_director",
        signer_name="x",
        image=image_bytes("PNG"),
        sha256=sig.sha256,
    )
    assert created and not created_again and again.pk == sig.pk and sig.image.name.endswith(".png")
    assert sig.sha256 == hashlib.sha256(image_bytes("PNG")).hexdigest()
    from visits.errors import Conflict, EvidenceHashMismatch, EvidenceTypeRejected

    with pytest.raises(Conflict):  # other bytes under the same device id: never a silent replacement
        services.signature_add(
            visit_id=vid,
            user=actors.bob.user,
            signature_id=sid,
            role="chair",
            signer_name="x",
            image=image_bytes("JPEG"),
        )
    with pytest.raises(EvidenceHashMismatch):
        services.signature_add(
            visit_id=vid,
            user=actors.bob.user,
            signature_id=uuid.uuid4(),
            role="chair",
            signer_name="ประธาน",
            image=image_bytes("PNG"),
            sha256="0" * 64,
        )

    with pytest.raises(EvidenceTypeRejected):
        services.signature_add(
            visit_id=vid,
            user=actors.bob.user,
            signature_id=uuid.uuid4(),
            role="supervisor",
            signer_name="บ๊อบ",
            image=b"not an image",
        )
