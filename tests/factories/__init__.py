"""Factories, one module per app; import them all from here: `from tests import factories as f`."""

from tests.factories.schedules import *  # noqa: F403
from tests.factories.supervision import *  # noqa: F403
from tests.factories.visits import *  # noqa: F403
from tests.factories.worker import *  # noqa: F403

# Each app's factories module is added below as it lands.
