import pytest


@pytest.fixture(scope="module")
def _demo_module(demo_databases, tmp_path_factory):
    """The demo office and its two rounds (supervision and schedules demo steps, loaded once per session) for
    the module; each test's changes roll back, and the empty database comes back after the module."""
    with demo_databases.restored("rounds", tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def demo(_demo_module, db):
    """The demo rounds by slug: aug-2563 (planned and applied) and onet-m3-2562. Each test's changes roll back."""
    from schedules.models import Round

    return {r.slug: r for r in Round.objects.select_related("office")}
