"""Migration operations of our own (imported by migration files; keep each one's behaviour stable)."""

from django.db.migrations import SeparateDatabaseAndState


class LabelsOnly(SeparateDatabaseAndState):
    """Many label changes (verbose names, help texts, choices, model options) as one state-only step.

    None of them touches a column (tests/supervision/test_migrations.py checks that on each backend), so there
    are no database operations. Applied one by one, each change re-rendered the models related to its own, and
    the label migrations took ~50 s of a fresh `migrate` (and of every test run's database). Here the rendered
    models are dropped first, as Django itself does for delayed reloads (`clear_delayed_apps_cache`), and
    rendered again once, when next used.
    """

    def __init__(self, state_operations):
        super().__init__(database_operations=[], state_operations=state_operations)

    def state_forwards(self, app_label, state):
        state.__dict__.pop("apps", None)
        super().state_forwards(app_label, state)

    def describe(self):
        return f"Change the labels of {len(self.state_operations)} fields and models (no column changes)"
