"""Any text the system accepts renders: a visit with every text at its limit (visits/limits.py and the model's
max_length) is recorded through the API, approved (its 30 recommendations become follow-ups), and every report
that shows it — the visit report, the round summary, the round's order, the follow-ups' export — is built
from the database like a user's download, with the text found whole in the PDF (nothing cut, no LayoutError,
no 'could not be built')."""

import uuid

import pytest
from django.utils import timezone

from tests import factories as f
from tests.reports.pdftext import pdftotext, squeeze
from visits import limits
from visits.models import FollowUp, Item, Visit
from visits.reports import service

pytestmark = pytest.mark.django_db

SPACED = "นักเรียนมีส่วนร่วมในกิจกรรมการเรียนรู้อย่างต่อเนื่อง ครูใช้สื่อที่หลากหลาย "
UNSPACED = "ครูจัดกิจกรรมการเรียนรู้เชิงรุกให้นักเรียนได้ลงมือปฏิบัติจริง"


def text(n: int, seed: str = SPACED, tag: str = "") -> str:
    """Exactly `n` characters of Thai, beginning with `tag` so each text can be found on its own."""
    body = tag + (seed * (n // len(seed) + 2))
    return body[: n - 1].rstrip().ljust(n - 1, "ก") + "ก"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def at_limits(actors, client_for):
    """A round whose instrument's texts are at their model limits, and one approved visit with every text at its
    limit (spaced and unspaced Thai)."""
    long_question = text(Item._meta.get_field("text").max_length, UNSPACED, "คำถามยาว")
    version = f.InstrumentVersionFactory(status="draft")  # questions change only before publishing
    section = version.sections.first()
    section.title = text(300, SPACED, "ด้านยาว")
    section.save()
    version.items.filter(code="T1").update(text=long_question)
    version.items.filter(code="Y1").update(photo_required=False)  # no photo needed to submit this one
    version.status, version.published_at = "published", timezone.now()
    version.save()
    school = actors.school_a
    school.name_th = text(200, UNSPACED, "โรงเรียนยาว")
    school.save()
    rnd = f.RoundFactory(office=actors.office, instrument=version, slug="limits", committees=[actors.committee_a])
    asg = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=school)
    items = {i.code: i for i in version.items.all()}
    notes = {code: text(limits.NOTE_MAX, SPACED, f"บันทึก{code}") for code in items}
    body = {
        "assignment": asg.pk,
        "answers": [
            {"item": items["R1"].pk, "value": 3, "note": notes["R1"]},
            {"item": items["Y1"].pk, "value": True, "note": notes["Y1"]},
            {"item": items["R2"].pk, "value": 4, "note": notes["R2"]},
            {"item": items["T1"].pk, "value": text(limits.LONG_TEXT_MAX, UNSPACED, "คำตอบยาว"), "note": notes["T1"]},
        ],
        "findings": {
            "strengths": text(limits.FINDING_MAX, SPACED, "จุดเด่นยาว"),
            "to_improve": text(limits.FINDING_MAX, UNSPACED, "ควรพัฒนายาว"),
            "observation_notes": text(limits.FINDING_MAX, SPACED, "สังเกตยาว"),
            "interview_notes": text(limits.FINDING_MAX, SPACED, "สัมภาษณ์ยาว"),
            "recommendations": [
                text(limits.RECOMMENDATION_MAX, UNSPACED if i % 2 else SPACED, f"ข้อเสนอ{i}")
                for i in range(limits.RECOMMENDATIONS_MAX)
            ],
        },
        "check_in": {"at": "2020-08-03T09:00:00+07:00", "lat": 15.0001, "lon": 104.6001, "accuracy": 8},
    }
    bob, alice = client_for(actors.bob), client_for(actors.alice)
    vid = uuid.uuid4()
    r = bob.put(f"/api/v1/visits/{vid}/", body, format="json")
    assert r.status_code == 201, r.json()
    for to, client in (("submitted", bob), ("approved", alice)):
        moved = client.post(f"/api/v1/visits/{vid}/transitions/", {"to": to}, format="json")
        assert moved.status_code == 200, moved.json()
    assert FollowUp.objects.filter(source_visit_id=vid).count() == limits.RECOMMENDATIONS_MAX
    return Visit.objects.get(pk=vid), body, long_question, rnd


def _found(pdf: bytes, *texts: str) -> None:
    words = squeeze(pdftotext(pdf))
    for t in texts:
        assert squeeze(t[:60]) in words, t[:60]
        assert squeeze(t[-40:]) in words, t[-40:]


def test_the_visit_report_at_every_limit(at_limits):
    visit, body, question, _ = at_limits
    _, pdf = service.report_render("visit", str(visit.pk))
    findings = body["findings"]
    _found(
        pdf,
        body["answers"][3]["value"],
        body["answers"][0]["note"],
        findings["strengths"],
        findings["to_improve"],
        findings["recommendations"][0],
        findings["recommendations"][-1],
        question,
    )


def test_the_round_summary_and_the_order_at_every_limit(at_limits):
    visit, _, _, rnd = at_limits
    _, summary = service.report_render("round", rnd.slug)
    assert summary.startswith(b"%PDF")
    words = squeeze(pdftotext(summary))
    assert squeeze(visit.school.name_th[:60]) in words  # the school, its long name, is listed
    _, order = service.report_render("order", rnd.slug)
    assert squeeze("คำสั่ง") in squeeze(pdftotext(order))
