import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_schools_are_scoped_to_my_office_and_others_are_not_found(actors, client_for):
    other_office = f.AreaOfficeFactory(code="SEC99")
    foreign = f.SchoolFactory(office=other_office)
    client = client_for(actors.bob)

    body = client.get("/api/v1/schools/").json()
    ids = {s["id"] for s in body["results"]}
    assert ids == {actors.school_a.pk, actors.school_b.pk}
    assert body["count"] == 2
    assert client.get(f"/api/v1/schools/{foreign.pk}/").status_code == 404
    assert client.get(f"/api/v1/schools/{actors.school_a.pk}/").json()["name_th"] == actors.school_a.name_th


def test_schools_filter_order_and_paginate(actors, client_for):
    client = client_for(actors.cora)
    hit = client.get("/api/v1/schools/", {"name": "เบญจะ"}).json()
    assert [s["id"] for s in hit["results"]] == [actors.school_a.pk]
    by_code = client.get("/api/v1/schools/", {"ordering": "-code", "page_size": 1}).json()
    assert by_code["count"] == 2 and len(by_code["results"]) == 1
    assert by_code["results"][0]["code"] == max(actors.school_a.code, actors.school_b.code)
    assert by_code["next"]


def test_committees_come_with_members_and_filter_by_member(actors, client_for):
    client = client_for(actors.charlie)
    body = client.get("/api/v1/committees/", {"member": actors.bob.pk}).json()
    assert [c["id"] for c in body["results"]] == [actors.committee_a.pk]
    members = body["results"][0]["members"]
    assert [(m["full_name"], m["role"]) for m in members] == [
        (actors.alice.full_name, "chair"),
        (actors.bob.full_name, "member"),
    ]


def test_invalid_filter_value_is_a_400_with_field_errors(actors, client_for):
    response = client_for(actors.cora).get("/api/v1/schools/", {"district": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "district" in response.json()["errors"]


def test_schema_and_docs_are_served(actors, client_for):
    client = client_for(actors.cora)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200
