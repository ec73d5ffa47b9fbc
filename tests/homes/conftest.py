import pytest


@pytest.fixture
def demo(demo_module, db):
    """The whole demo (office, rounds, recorded visits; tests/demo_db.py), each test rolled back."""
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.filter(person__isnull=False)}
