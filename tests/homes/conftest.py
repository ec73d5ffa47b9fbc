import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def _demo_office(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (`load_demo`: office, rounds, recorded visits) once per module, rolled back at the end."""
    from django.conf import settings

    media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def demo(_demo_office, db):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.filter(person__isnull=False)}
