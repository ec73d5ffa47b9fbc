import io

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def _demo_module(django_db_setup, django_db_blocker):
    """Load the demo office and its two rounds once per module, inside a transaction rolled back at the end."""
    from schedules import demo as schedules_demo
    from supervision import demo as supervision_demo

    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        supervision_demo.load(stdout=out)
        schedules_demo.load(stdout=out)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_module, db):
    """The demo rounds by slug: aug-2563 (planned and applied) and onet-m3-2562. Each test's changes roll back."""
    from schedules.models import Round

    return {r.slug: r for r in Round.objects.select_related("office")}
