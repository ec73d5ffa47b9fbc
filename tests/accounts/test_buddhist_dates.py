"""Buddhist-Era dates where people type them: the admin reads and shows 24/07/2563 and stores 2020-07-24."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from supervision.dates import BuddhistDateField
from tests.accounts.formdata import form_data
from tests.reports.pdftext import pdftotext

pytestmark = pytest.mark.django_db


def change_committee(client, committee, **changes):
    url = f"/admin/supervision/committee/{committee.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {**form_data(page.content.decode(), "committee_form"), **changes}
    return client.post(url, data), page


@pytest.fixture
def coordinator(actors):
    client = Client()
    client.force_login(actors.cora.user)
    return client


def test_an_order_date_typed_in_the_admin_as_be_prints_right_in_the_appointment_order(actors, coordinator, tmp_path):
    committee = actors.committee_a
    committee.order_no, committee.signed_by = "245/2563", actors.oscar
    committee.save()
    response, _ = change_committee(coordinator, committee, order_date="24/07/2563")
    assert response.status_code == 302, response.content.decode()[:3000]
    committee.refresh_from_db()
    assert committee.order_date == dt.date(2020, 7, 24)
    # the change page shows it back in the Buddhist Era
    page = coordinator.get(f"/admin/supervision/committee/{committee.pk}/change/").content.decode()
    assert 'value="24/07/2563"' in page

    out = tmp_path / "order.pdf"
    call_command("render_report", "order", str(committee.pk), "-o", str(out), stdout=io.StringIO())
    raw = pdftotext(out.read_bytes())
    assert "24 กรกฎาคม พ.ศ. 2563" in raw  # raw extracted text, nothing folded
    assert "3106" not in raw


def test_a_christian_era_year_is_refused_clearly(actors, coordinator):
    response, _ = change_committee(coordinator, actors.committee_a, order_date="24/07/2020")
    assert response.status_code == 200
    text = response.content.decode()
    assert "ปี 2020 เป็นปีคริสต์ศักราช" in text and "2563" in text
    english = Client()
    english.force_login(actors.cora.user)
    url = f"/admin/supervision/committee/{actors.committee_a.pk}/change/"
    data = {**form_data(english.get(url).content.decode(), "committee_form"), "order_date": "24/07/2020"}
    answer = english.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The year 2020 is a Christian-Era year" in answer
    actors.committee_a.refresh_from_db()
    assert actors.committee_a.order_date is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("24/07/2563", dt.date(2020, 7, 24)), ("1/2/2563", dt.date(2020, 2, 1)), (" 29/02/2563 ", dt.date(2020, 2, 29))],
)
def test_the_field_reads_be_dates(typed, stored):
    assert BuddhistDateField().clean(typed) == stored


@pytest.mark.parametrize("typed", ["2020-07-24", "31/02/2563", "24/07/63", "หนึ่ง"])
def test_the_field_refuses_what_is_not_a_be_date(typed):
    from django import forms

    with pytest.raises(forms.ValidationError):
        BuddhistDateField().clean(typed)


# --- what the admin prints and takes for dates and date-times: Buddhist Era, Asia/Bangkok ---------------------


@pytest.fixture
def superuser_client(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))
    return client


def _text(html: str) -> str:
    """What a reader sees: the page without its tags (links and inputs keep their values out of it)."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# the clocked schedule's page carries an inline of the periodic tasks that use it
NO_PERIODIC_TASKS = {"periodictask_set-TOTAL_FORMS": "0", "periodictask_set-INITIAL_FORMS": "0"}


def test_a_date_time_typed_in_the_admin_is_read_as_be_in_bangkok_and_shown_back(superuser_client):
    from django_celery_beat.models import ClockedSchedule

    response = superuser_client.post(
        "/admin/django_celery_beat/clockedschedule/add/",
        {"clocked_time_0": "24/07/2563", "clocked_time_1": "14:05", **NO_PERIODIC_TASKS},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    clocked = ClockedSchedule.objects.get()
    assert clocked.clocked_time == dt.datetime(2020, 7, 24, 7, 5, tzinfo=dt.UTC)  # 14:05 in Bangkok
    page = superuser_client.get(f"/admin/django_celery_beat/clockedschedule/{clocked.pk}/change/").content.decode()
    assert 'value="24/07/2563"' in page and 'value="14:05"' in page
    refused = superuser_client.post(
        "/admin/django_celery_beat/clockedschedule/add/",
        {"clocked_time_0": "24/07/2020", "clocked_time_1": "14:05", **NO_PERIODIC_TASKS},
    )
    assert refused.status_code == 200 and "ปี 2020 เป็นปีคริสต์ศักราช" in refused.content.decode()


def test_the_change_list_and_its_drill_down_show_be_dates(actors, superuser_client):
    actors.committee_a.order_date = dt.date(2020, 7, 24)
    actors.committee_a.save()
    actors.committee_b.order_date = dt.date(2019, 5, 2)
    actors.committee_b.save()
    text = _text(superuser_client.get("/admin/supervision/committee/").content.decode())
    assert "24 ก.ค. 2563" in text and "2 พ.ค. 2562" in text
    assert " 2563 " in text and " 2562 " in text  # the drill-down's years
    assert "2020" not in text and "2019" not in text
    month = _text(superuser_client.get("/admin/supervision/committee/?order_date__year=2020").content.decode())
    assert "กรกฎาคม 2563" in month and "2020" not in month
    english = _text(superuser_client.get("/admin/supervision/committee/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "24/07/2563" in english and "2020" not in english


def test_the_history_pages_show_be_times_in_bangkok(actors, superuser_client):
    from django.utils import timezone

    committee = actors.committee_a
    change_url = f"/admin/supervision/committee/{committee.pk}/change/"
    data = {**form_data(superuser_client.get(change_url).content.decode(), "committee_form"), "order_no": "9/2563"}
    assert superuser_client.post(change_url, data).status_code == 302
    now = timezone.localtime()
    text = _text(superuser_client.get(f"{change_url.removesuffix('change/')}history/").content.decode())
    assert f"{now.day} " in text and f" {now.year + 543} " in text
    assert str(now.year) not in text


def test_an_invitation_and_a_survey_answer_are_named_with_be_dates_in_the_admin(actors):
    """Their names are what the admin's lists, history and delete pages print."""
    import datetime as dt

    from accounts.models import Invitation
    from meetings.models import SurveyForm, SurveyResponse

    when = dt.datetime(2020, 7, 24, 20, 5, tzinfo=dt.UTC)  # 25 July 03:05 in Bangkok
    from django.utils import translation

    invitation = Invitation(person=actors.alice, created_at=when)
    response = SurveyResponse(form=SurveyForm(title="แบบสอบถามความพึงพอใจ"), submitted_at=when)
    with translation.override("th"):
        assert str(invitation) == f"{actors.alice} · 25 ก.ค. 2563 03:05"
        assert str(response) == "แบบสอบถามความพึงพอใจ 25 ก.ค. 2563 03:05"
    with translation.override("en"):  # the English admin: still Buddhist Era, numeric month
        assert str(invitation) == f"{actors.alice} · 25/07/2563 03:05"
        assert str(response) == "แบบสอบถามความพึงพอใจ 25/07/2563 03:05"
