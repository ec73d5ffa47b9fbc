"""Satisfaction surveys: exact statistics for both bandings, only invitees answer, once, anonymously."""

import datetime as dt
import math

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import SurveyDimension, SurveyForm, SurveyInvitation, SurveyItem, SurveyResponse
from meetings.surveystats import band_of, summarise, survey_results
from tests import factories as f
from worker import notify
from worker.models import Event, Notification

# Three respondents; dimension A has two items, B two items.
STRUCTURE = [("ด้านกระบวนการ", [(1, "a1"), (2, "a2")]), ("ด้านผลการนิเทศ", [(3, "b1"), (4, "b2")])]
SAMPLE = {1: [5, 4, 3], 2: [4, 4, 5], 3: [5, 4, 4], 4: [4, 4, 5]}
RATINGS = [(r + 1, item, "director", v) for item, values in SAMPLE.items() for r, v in enumerate(values)]


@pytest.mark.parametrize(
    ("banding", "bands"),
    [("0.5", ("มาก", "มาก", "มาก")), ("0.8", ("มาก", "มากที่สุด", "มากที่สุด"))],
)
def test_statistics_are_exact_on_a_fixed_sample(banding, bands):
    r = summarise(STRUCTURE, RATINGS, banding)
    a, b = r.dimensions
    # A: 5 4 3 4 4 5 → X̄ 25/6; squares of deviations sum to 17/6; S.D. with n − 1
    assert a.stat.n == 3 and a.stat.ratings == 6
    assert a.stat.mean == pytest.approx(25 / 6, abs=1e-12)
    assert a.stat.sd == pytest.approx(math.sqrt((17 / 6) / 5), abs=1e-12)
    assert a.stat.percent == pytest.approx(25 / 6 / 5 * 100, abs=1e-12)
    # B: 5 4 4 4 4 5 → X̄ 26/6 = 4.33: มาก with 0.5 steps, มากที่สุด with 0.8 steps
    assert b.stat.mean == pytest.approx(26 / 6, abs=1e-12)
    assert b.stat.sd == pytest.approx(math.sqrt((4 / 3) / 5), abs=1e-12)
    # overall: 51/12 = 4.25, deviations squared sum to 4.25, S.D. √(4.25/11), 85 %
    assert r.overall.n == 3 and r.overall.ratings == 12
    assert r.overall.mean == pytest.approx(4.25, abs=1e-12)
    assert r.overall.sd == pytest.approx(math.sqrt(4.25 / 11), abs=1e-12)
    assert r.overall.percent == pytest.approx(85.0, abs=1e-12)
    assert (a.stat.band, b.stat.band, r.overall.band) == bands
    item = a.items[0].stat  # 5 4 3
    assert (item.mean, item.sd) == (4.0, 1.0)


@pytest.mark.parametrize(
    ("mean", "half", "eight"),
    [
        (5.0, "มากที่สุด", "มากที่สุด"),
        (4.505, "มากที่สุด", "มากที่สุด"),  # printed 4.51
        (4.50, "มาก", "มากที่สุด"),
        (4.21, "มาก", "มากที่สุด"),
        (4.20, "มาก", "มาก"),
        (3.41, "ปานกลาง", "มาก"),
        (2.60, "ปานกลาง", "น้อย"),
        (1.81, "น้อย", "น้อย"),
        (1.80, "น้อย", "น้อยที่สุด"),
        (1.50, "น้อยที่สุด", "น้อยที่สุด"),
        (1.0, "น้อยที่สุด", "น้อยที่สุด"),
    ],
)
def test_band_edges(mean, half, eight):
    assert band_of(mean, "0.5") == half
    assert band_of(mean, "0.8") == eight


@pytest.fixture
def survey(actors):
    form = SurveyForm.objects.create(office=actors.office, title="ความพึงพอใจต่อการนิเทศ", anonymous=True)
    for d, (name, items) in enumerate(STRUCTURE):
        dim = SurveyDimension.objects.create(form=form, order=d, name=name)
        for _, text in items:
            SurveyItem.objects.create(dimension=dim, text=text)
    rnd = f.RoundFactory(office=actors.office, slug="aug-test")
    assignment = f.AssignmentFactory(round=rnd, school=actors.school_a, committee=actors.committee_a)
    visit = f.VisitFactory(assignment=assignment, status="approved", approved_at=timezone.now() - dt.timedelta(hours=2))
    return form, visit


def _answers(form, values):
    return dict(zip(SurveyItem.objects.filter(dimension__form=form).values_list("id", flat=True), values, strict=True))


@pytest.mark.django_db
def test_after_approval_the_school_director_is_invited_once(actors, survey):
    form, visit = survey
    now = timezone.now()
    notify.create_due_notifications(now)
    notify.create_due_notifications(now + dt.timedelta(minutes=1))
    inv = SurveyInvitation.objects.get(form=form, visit=visit)
    assert inv.person == actors.dana and inv.group == "director"
    rows = Notification.objects.filter(event=Event.SURVEY_INVITATION, recipient=actors.dana)
    assert rows.count() == 2  # e-mail and in-app, once each
    assert rows.first().link == f"/meetings/surveys/answer/{inv.token}/"


@pytest.mark.django_db
def test_a_survey_answer_from_someone_not_invited_is_refused(actors, survey, client_for):
    form, visit = survey
    services.survey_invitations_ensure()
    inv = SurveyInvitation.objects.get(form=form)
    body = {"answers": {str(k): v for k, v in _answers(form, [5, 5, 4, 4]).items()}}
    # bob (a supervisor of the visit's committee) tries the director's invitation
    response = client_for(actors.bob).post(f"/api/v1/survey-invitations/{inv.pk}/answer/", body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "survey_not_invited"
    assert not SurveyResponse.objects.exists()
    # …and through the page, holding the director's link while signed in as himself
    page = client_for(actors.bob)
    page.force_login(actors.bob.user)
    response = page.post(f"/meetings/surveys/answer/{inv.token}/", {f"item-{k}": v for k, v in body["answers"].items()})
    assert not SurveyResponse.objects.exists()
    # an unknown link is not found
    assert page.get("/meetings/surveys/answer/00000000-0000-0000-0000-000000000000/").status_code == 404
    # the director answers, once
    dana = client_for(actors.dana)
    assert dana.post(f"/api/v1/survey-invitations/{inv.pk}/answer/", body, format="json").status_code == 201
    again = dana.post(f"/api/v1/survey-invitations/{inv.pk}/answer/", body, format="json")
    assert again.status_code == 409
    assert SurveyResponse.objects.count() == 1
    response = SurveyResponse.objects.get()
    assert response.invitation is None  # anonymous form: no link back to who answered
    assert response.round == visit.round and response.academic_year == 2563


@pytest.mark.django_db
def test_every_item_must_be_rated_1_to_5(actors, survey, client_for):
    form, _ = survey
    services.survey_invitations_ensure()
    inv = SurveyInvitation.objects.get(form=form)
    answers = {str(k): v for k, v in _answers(form, [5, 5, 4, 4]).items()}
    answers.popitem()
    response = client_for(actors.dana).post(
        f"/api/v1/survey-invitations/{inv.pk}/answer/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert SurveyInvitation.objects.get(pk=inv.pk).answered_at is None


@pytest.mark.django_db
def test_results_per_round_and_per_academic_year(actors, survey):
    form, visit = survey
    services.survey_invitations_ensure()
    inv = SurveyInvitation.objects.get(form=form)
    services.survey_submit(token=inv.token, answers=_answers(form, [5, 4, 5, 4]))
    by_round = survey_results(form, round_id=visit.round_id)
    by_year = survey_results(form, academic_year=2563)
    assert by_round.overall.mean == by_year.overall.mean == 4.5
    assert survey_results(form, academic_year=2564).overall.n == 0
    assert by_round.invited == 1


@pytest.mark.django_db
def test_the_dashboard_shows_the_rounds_survey_results(actors, survey, client):
    form, visit = survey
    services.survey_invitations_ensure()
    inv = SurveyInvitation.objects.get(form=form)
    services.survey_submit(token=inv.token, answers=_answers(form, [5, 4, 5, 4]))
    client.force_login(actors.oscar.user)
    page = client.get(f"/dashboard/?round={visit.round.slug}").content.decode()
    assert "ความพึงพอใจต่อการนิเทศ" in page and 'id="satisfaction"' in page
    table = page[page.index('class="data satisfaction"') :]
    table = table[: table.index("</table>")]
    overall = table[table.index("ภาพรวม") :]
    assert ">1<" in overall and ">4.50<" in overall and ">90.00<" in overall and "มาก" in overall
    assert f"/meetings/surveys/report/{form.pk}:{visit.round.slug}.pdf" in page
    # the ก.ต.ป.น. member reads the dashboard but not the survey results
    client.force_login(actors.kit.user)
    assert 'id="satisfaction"' not in client.get(f"/dashboard/?round={visit.round.slug}").content.decode()


@pytest.mark.django_db
def test_the_office_sets_its_survey_on_a_page_and_answered_items_stay(actors, client):
    client.force_login(actors.cora.user)
    structure = "ด้านกระบวนการ\n- ชี้แจงวัตถุประสงค์ชัดเจน\n- ใช้เวลาเหมาะสม\nด้านผลการนิเทศ\n- นำไปใช้ได้จริง"
    bad = client.post(
        "/meetings/surveys/new/",
        {"title": "แบบสอบถาม 2564", "structure": "- ข้อที่ไม่มีด้าน", "banding": "0.8", "anonymous": "on"},
    )
    assert "บรรทัด 1: ข้อคำถามต้องอยู่ใต้ชื่อด้าน" in bad.content.decode()
    r = client.post(
        "/meetings/surveys/new/",
        {"title": "แบบสอบถาม 2564", "structure": structure, "banding": "0.8", "anonymous": "on", "is_active": "on"},
    )
    assert r.status_code == 302
    form = SurveyForm.objects.get(title="แบบสอบถาม 2564")
    assert form.banding == "0.8" and form.anonymous and not form.include_teachers
    assert [(d.name, [i.text for i in d.items.all()]) for d in form.dimensions.all()] == [
        ("ด้านกระบวนการ", ["ชี้แจงวัตถุประสงค์ชัดเจน", "ใช้เวลาเหมาะสม"]),
        ("ด้านผลการนิเทศ", ["นำไปใช้ได้จริง"]),
    ]
    edit = client.get(f"/meetings/surveys/{form.pk}/edit/").content.decode()
    assert "- ใช้เวลาเหมาะสม" in edit
    # once answered, the items and the banding stay; the title and the teachers may change
    rnd = f.RoundFactory(office=actors.office, slug="r-2564")
    assignment = f.AssignmentFactory(round=rnd, school=actors.school_a, committee=actors.committee_a)
    visit = f.VisitFactory(assignment=assignment, status="approved", approved_at=timezone.now())
    inv = SurveyInvitation.objects.create(form=form, visit=visit, person=actors.dana, created_at=timezone.now())
    services.survey_submit(token=inv.token, answers=_answers(form, [5, 4, 3]))
    refused = client.post(
        f"/meetings/surveys/{form.pk}/edit/",
        {"title": "แบบสอบถาม 2564", "structure": structure + "\n- ข้อใหม่", "banding": "0.8", "anonymous": "on"},
    )
    assert "มีผู้ตอบแบบสอบถามนี้แล้ว" in refused.content.decode()
    client.post(
        f"/meetings/surveys/{form.pk}/edit/",
        {
            "title": "แบบสอบถามปี 2564",
            "structure": structure,
            "banding": "0.8",
            "anonymous": "on",
            "include_teachers": "on",
        },
    )
    form.refresh_from_db()
    assert (
        form.title == "แบบสอบถามปี 2564"
        and form.include_teachers
        and SurveyItem.objects.filter(dimension__form=form).count() == 3
    )
    client.force_login(actors.bob.user)  # a supervisor reads results, does not set the form
    assert client.get("/meetings/surveys/new/").status_code == 404
