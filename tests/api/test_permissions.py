"""The permission matrix: every actor against every visit endpoint, on their own and on others' records.

alice chairs committee A, bob sits on it, charlie is on committee B, dana directs school_a, cora coordinates
the office, oscar directs it. Visits: `a` (A's draft at school_a), `a_approved` (A's approved visit at
school_a), `b` (B's draft at school_b). Forbidden records answer 404, like missing ones.
"""

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests import factories as f
from tests.api.conftest import visit_body
from tests.api.test_evidence_and_workflow import png_bytes, sha
from visits.models import Visit

pytestmark = pytest.mark.django_db

ACTORS = ["alice", "bob", "charlie", "dana", "cora", "oscar", "anonymous"]


@pytest.fixture
def world(actors, field, client_for):
    asg_a2 = f.AssignmentFactory(
        round=field.round, committee=actors.committee_a, school=actors.school_a, date=datetime.date(2020, 8, 4)
    )
    free = f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=3)
    ids = SimpleNamespace(a=uuid.uuid4(), a_approved=uuid.uuid4(), b=uuid.uuid4())
    bob, charlie = client_for(actors.bob), client_for(actors.charlie)
    assert bob.put(f"/api/v1/visits/{ids.a}/", visit_body(field, field.asg_a), format="json").status_code == 201
    assert bob.put(f"/api/v1/visits/{ids.a_approved}/", visit_body(field, asg_a2), format="json").status_code == 201
    assert charlie.put(f"/api/v1/visits/{ids.b}/", visit_body(field, field.asg_b), format="json").status_code == 201
    Visit.objects.filter(pk=ids.a_approved).update(status=Visit.Status.APPROVED)
    fu_a = f.FollowUpFactory(school=actors.school_a, source_visit_id=ids.a_approved)
    fu_b = f.FollowUpFactory(school=actors.school_b)
    return SimpleNamespace(ids=ids, free=free, field=field, fu_a=fu_a, fu_b=fu_b, actors=actors)


def client_of(world, name):
    if name == "anonymous":
        return APIClient()
    client = APIClient()
    client.force_authenticate(getattr(world.actors, name).user)
    return client


LIST = {
    "alice": {"a", "a_approved"},
    "bob": {"a", "a_approved"},
    "charlie": {"b"},
    "dana": {"a_approved"},
    "cora": {"a", "a_approved", "b"},
    "oscar": {"a", "a_approved", "b"},
}


@pytest.mark.parametrize("name", ACTORS)
def test_visit_list(world, name):
    response = client_of(world, name).get("/api/v1/visits/")
    if name == "anonymous":
        assert response.status_code == 401
        return
    by_id = {str(getattr(world.ids, k)): k for k in ("a", "a_approved", "b")}
    assert {by_id[v["id"]] for v in response.json()["results"]} == LIST[name]


READ = {  # actor → status for (a, a_approved, b)
    "alice": (200, 200, 404),
    "bob": (200, 200, 404),
    "charlie": (404, 404, 200),
    "dana": (404, 200, 404),
    "cora": (200, 200, 200),
    "oscar": (200, 200, 200),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("name", ACTORS)
def test_visit_read(world, name):
    client = client_of(world, name)
    got = tuple(client.get(f"/api/v1/visits/{getattr(world.ids, k)}/").status_code for k in ("a", "a_approved", "b"))
    assert got == READ[name]


WRITE_A = {"alice": 200, "bob": 200, "charlie": 404, "dana": 404, "cora": 200, "oscar": 403, "anonymous": 401}


@pytest.mark.parametrize("name", ACTORS)
def test_visit_update_of_committee_a(world, name):
    response = client_of(world, name).put(
        f"/api/v1/visits/{world.ids.a}/", {"findings": {"strengths": f"by {name}"}, "version": 1}, format="json"
    )
    assert response.status_code == WRITE_A[name]
    expected = f"by {name}" if WRITE_A[name] == 200 else visit_body(world.field)["findings"]["strengths"]
    assert Visit.objects.get(pk=world.ids.a).strengths == expected


CREATE_ON_A = {"alice": 201, "bob": 201, "charlie": 403, "dana": 403, "cora": 201, "oscar": 403, "anonymous": 401}


@pytest.mark.parametrize("name", ACTORS)
def test_visit_create_on_committee_as_assignment(world, name):
    vid = uuid.uuid4()
    response = client_of(world, name).put(f"/api/v1/visits/{vid}/", visit_body(world.field, world.free), format="json")
    assert response.status_code == CREATE_ON_A[name]
    assert Visit.objects.filter(pk=vid).exists() == (CREATE_ON_A[name] == 201)


SUBMIT_A = {"alice": 200, "bob": 200, "charlie": 404, "dana": 404, "cora": 200, "oscar": 409, "anonymous": 401}


@pytest.mark.parametrize("name", ACTORS)
def test_visit_submit(world, name, settings, tmp_path):
    # The draft answers every required item; Y1 also needs a photo, and it has arrived.
    settings.MEDIA_ROOT = tmp_path
    f.EvidenceFactory(visit=Visit.objects.get(pk=world.ids.a), item=world.field.items["Y1"], uploaded=True)
    response = client_of(world, name).post(
        f"/api/v1/visits/{world.ids.a}/transitions/", {"to": "submitted"}, format="json"
    )
    assert response.status_code == SUBMIT_A[name], response.content
    assert Visit.objects.get(pk=world.ids.a).status == ("submitted" if SUBMIT_A[name] == 200 else "draft")


FOLLOWUPS = {"alice": {"a"}, "bob": {"a"}, "charlie": {"b"}, "dana": {"a"}, "cora": {"a", "b"}, "oscar": {"a", "b"}}


@pytest.mark.parametrize("name", ACTORS)
def test_followup_list(world, name):
    response = client_of(world, name).get("/api/v1/followups/")
    if name == "anonymous":
        assert response.status_code == 401
        return
    names = {world.fu_a.pk: "a", world.fu_b.pk: "b"}
    assert {names[fu["id"]] for fu in response.json()["results"]} == FOLLOWUPS[name]


@pytest.mark.parametrize("name", ACTORS)
def test_evidence_upload_to_committee_as_visit(world, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    expected = {"alice": 201, "bob": 201, "charlie": 404, "dana": 404, "cora": 201, "oscar": 403, "anonymous": 401}[
        name
    ]
    data = png_bytes()
    response = client_of(world, name).put(
        f"/api/v1/visits/{world.ids.a}/evidence/{uuid.uuid4()}/",
        {"file": SimpleUploadedFile("p.png", data), "sha256": sha(data)},
        format="multipart",
    )
    assert response.status_code == expected


@pytest.mark.parametrize("name", ACTORS)
def test_visit_report_pdf_and_its_web_page(world, name, django_capture_on_commit_callbacks):
    """A visit's report PDF (API) and its web page answer the visit's own rule: who may read the visit may ask
    for its report (202, being prepared), others get 404 like a missing one."""
    from django.test import Client

    api = client_of(world, name)
    web = Client()
    if name != "anonymous":
        web.force_login(getattr(world.actors, name).user)
    for k, read in zip(("a", "a_approved", "b"), READ[name], strict=True):
        vid = getattr(world.ids, k)
        with django_capture_on_commit_callbacks(execute=False):
            pdf = api.get(f"/api/v1/visits/{vid}/report.pdf").status_code
            page = web.get(f"/visits/reports/visit/{vid}/")
        assert pdf == {200: 202, 404: 404, 401: 401}[read], (k, pdf)
        if name == "anonymous":
            assert page.status_code == 302 and page["Location"].startswith("/accounts/login/"), k
        else:
            assert page.status_code == (202 if read == 200 else 404), (k, page.status_code)
