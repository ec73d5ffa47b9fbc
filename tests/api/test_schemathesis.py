"""Schemathesis against our own OpenAPI schema, through the WSGI app, as a coordinator with a little of
everything in the database: no request may end in a 5xx, and every documented response must match the
schema. Bounded (EXAMPLES_PER_OPERATION per operation) so it stays within a few minutes of CI.

(Schemathesis' own pytest plugin does not run under pytest 9 yet, so the operations are driven here with
its Hypothesis strategies — the same cases, the same checks.)"""

import datetime
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from supervision.wsgi import application
from tests import factories as f
from tests.api.conftest import visit_body
from visits.models import Visit

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 16
# Stateful: request sequences that follow the schema's OpenAPI links (api/schema.py): a visit created by PUT is
# then read, edited, moved, given evidence and a report; a list's first record is read and written.
STATEFUL_SEQUENCES = 30
STATEFUL_STEPS = 6


@pytest.fixture
def demo_like(actors, field, client_for):
    """Visits with answers and evidence (one approved), a follow-up, a round with sessions."""
    bob = client_for(actors.bob)
    for i in range(3):
        asg = f.AssignmentFactory(round=field.round, committee=actors.committee_a, day_order=i + 2)
        vid = uuid.uuid4()
        bob.put(
            f"/api/v1/visits/{vid}/",
            visit_body(field, asg, evidence=[{"id": str(uuid.uuid4()), "sha256": "a" * 64, "size": 100}]),
            format="json",
        )
    Visit.objects.filter(pk=vid).update(status=Visit.Status.APPROVED)
    f.FollowUpFactory(school=actors.school_a, source_visit_id=vid, due_date=datetime.date(2020, 9, 30))
    return actors


@pytest.fixture
def keep_test_connection():
    """The WSGI app would close the database connection after each request (as in production), which ends
    the test's transaction on PostgreSQL; Django's own test client suspends the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_conforms_to_its_schema(demo_like, settings_media, keep_test_connection):
    token = Token.objects.get_or_create(user=demo_like.cora.user)[0].key
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(
                headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # collect every operation's failure, report together
            failures.append(f"{operation.label}: {error}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_linked_request_sequences_never_fail(demo_like, settings_media, keep_test_connection):
    """Schemathesis' stateful run over the schema's links: sequences of calls where one answer feeds the next
    request (the visit just created, the first record of a list). No 5xx; every answer matches the schema."""
    token = Token.objects.get_or_create(user=demo_like.cora.user)[0].key
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    links = [
        name
        for item in schema.raw_schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for answer in op.get("responses", {}).values()
        for name in answer.get("links", {})
    ]
    assert len(links) >= 20, links  # the links are in the schema, so the run below has something to follow
    base = schema.as_state_machine()
    calls = []

    class Linked(base):
        """Each sequence starts from the same database (a savepoint rolled back after it), so Hypothesis sees
        the same answers when it replays a sequence."""

        def setup(self):
            super().setup()
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)
            super().teardown()

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {token}"}}

        def after_call(self, response, case):
            super().after_call(response, case)
            calls.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance], transport_kwargs=kwargs or None
            )

    Linked.run(
        settings=settings(
            max_examples=STATEFUL_SEQUENCES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert len(calls) >= STATEFUL_SEQUENCES
    assert not [c for c in calls if c[1] >= 500], calls
