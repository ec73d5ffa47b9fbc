import pytest


@pytest.fixture(scope="module")
def _demo_office(demo_databases, tmp_path_factory):
    """The whole demo (`load_demo`: office, rounds, recorded visits) for the module; each test's changes roll
    back, and the empty database comes back after the module (the demo is loaded once per session)."""
    with demo_databases.restored("demo", tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def demo(_demo_office, db):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.filter(person__isnull=False)}
