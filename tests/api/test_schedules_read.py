import datetime

import pytest

from tests import factories as f
from tests.api.helpers import make_instrument_version

pytestmark = pytest.mark.django_db


def test_rounds_are_office_scoped_filterable_and_carry_sessions(actors, client_for):
    version = make_instrument_version(office=actors.office)
    aug = f.RoundFactory(office=actors.office, slug="aug-2563", instrument=version, committees=[actors.committee_a])
    f.ExamRoundFactory(office=actors.office, slug="onet-m3-2562")
    f.RoundFactory(office=f.AreaOfficeFactory(code="SEC99"), slug="elsewhere")
    client = client_for(actors.bob)

    body = client.get("/api/v1/rounds/").json()
    assert {r["slug"] for r in body["results"]} == {"aug-2563", "onet-m3-2562"}
    on_day = client.get("/api/v1/rounds/", {"date": "2020-08-05"}).json()["results"]
    assert [r["slug"] for r in on_day] == ["aug-2563"]
    assert on_day[0]["instrument_version_id"] == version.pk
    assert on_day[0]["committee_ids"] == [actors.committee_a.pk]
    assert [s["code"] for s in on_day[0]["sessions"]] == ["day"]
    exams = client.get("/api/v1/rounds/", {"kind": "exam_inspection"}).json()["results"]
    assert [s["code"] for s in exams[0]["sessions"]] == ["morning", "afternoon"]
    other = f.RoundFactory(slug="foreign", office=f.AreaOfficeFactory(code="SEC98"))
    assert client.get(f"/api/v1/rounds/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/rounds/{aug.pk}/").json()["start_date"] == str(datetime.date(2020, 8, 3))


def test_instrument_versions_come_with_sections_and_items(actors, client_for):
    version = make_instrument_version(office=actors.office, items=6, sections=2)
    foreign = make_instrument_version(office=f.AreaOfficeFactory(code="SEC97"), code="their-form")
    client = client_for(actors.bob)

    instruments = client.get("/api/v1/instruments/").json()["results"]
    assert [(i["code"], [v["number"] for v in i["versions"]]) for i in instruments] == [("aug-form", [1])]
    detail = client.get(f"/api/v1/instrument-versions/{version.pk}/").json()
    assert [s["title"] for s in detail["sections"]] == ["ด้านที่ 1", "ด้านที่ 2"]
    assert [i["code"] for i in detail["sections"][0]["items"]] == ["1.1", "1.2", "1.3"]
    assert detail["sections"][0]["items"][0]["levels"][3] == {"value": 4, "label": "ดีมาก"}
    assert client.get(f"/api/v1/instrument-versions/{foreign.pk}/").status_code == 404


def test_draft_instrument_versions_are_for_coordinators_only(actors, client_for):
    draft = make_instrument_version(office=actors.office, code="new-form", published=False)
    assert client_for(actors.bob).get(f"/api/v1/instrument-versions/{draft.pk}/").status_code == 404
    assert client_for(actors.cora).get(f"/api/v1/instrument-versions/{draft.pk}/").status_code == 200
    listed = client_for(actors.bob).get("/api/v1/instruments/").json()["results"]
    assert [(i["code"], i["versions"]) for i in listed] == [("new-form", [])]
