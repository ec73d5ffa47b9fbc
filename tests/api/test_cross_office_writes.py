"""A second office in the API's permission matrix: its coordinator and supervisor try every write on ours."""

import uuid

import pytest
from rest_framework.test import APIClient

from supervision.roles import Role
from tests import factories as f
from tests.api.conftest import visit_body
from visits.models import FollowUp, Visit

pytestmark = pytest.mark.django_db


def test_api_writes_of_another_offices_staff_never_land(field, client_for):
    """A coordinator and a supervisor of SEC99 try every API write on SEC29's records: none lands."""
    other = f.AreaOfficeFactory(code="SEC99", name="สำนักงานอื่น")
    coordinator = f.PersonFactory(office=other, user=f.UserFactory(username="other_cora", roles=[Role.COORDINATOR]))
    supervisor = f.PersonFactory(office=other, user=f.UserFactory(username="other_sup", roles=[Role.SUPERVISOR]))
    bob = client_for(field.round.committees.first().memberships.get(role="member").person)
    ours = uuid.uuid4()
    assert bob.put(f"/api/v1/visits/{ours}/", visit_body(field), format="json").status_code == 201
    followup = f.FollowUpFactory(school=field.asg_a.school)
    for outsider in (coordinator, supervisor):
        client = APIClient()
        client.force_authenticate(outsider.user)
        new = uuid.uuid4()
        assert client.put(f"/api/v1/visits/{new}/", visit_body(field), format="json").status_code in (400, 403, 404)
        assert (
            client.put(f"/api/v1/visits/{ours}/", visit_body(field, members_present=[]), format="json").status_code
            == 404
        )
        sync = client.post("/api/v1/sync/", {"visits": [{"id": str(uuid.uuid4()), **visit_body(field)}]}, format="json")
        assert sync.status_code == 200 and sync.json()["visits"][0]["status"] in (400, 403, 404)
        move = client.post(f"/api/v1/visits/{ours}/transitions/", {"to": "submitted"}, format="json")
        assert move.status_code == 404
        patch = client.patch(f"/api/v1/followups/{followup.pk}/", {"notes": "x"}, format="json")
        assert patch.status_code == 404
    assert Visit.objects.count() == 1 and Visit.objects.get().status == Visit.Status.DRAFT
    assert FollowUp.objects.get(pk=followup.pk).notes == ""
