"""The migrations a fresh database runs, and the label migrations that run as state only.

The `*_thai_msgid_labels` migrations change labels (verbose names, help texts, choices, model options) and
run as one `SeparateDatabaseAndState` step with no database operations. That is right only while none of
their changes touches a column, which these tests check on the backend they run on (both passes in CI).
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AlterField, AlterModelOptions, SeparateDatabaseAndState


def _state_only_migrations(loader):
    for key, migration in sorted(loader.disk_migrations.items()):
        for operation in migration.operations:
            if isinstance(operation, SeparateDatabaseAndState) and not operation.database_operations:
                yield key, operation


@pytest.mark.django_db
def test_state_only_migrations_change_no_column():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    found = list(_state_only_migrations(loader))
    assert {key[1] for key, _ in found} >= {"0005_thai_msgid_labels", "0009_thai_msgid_labels"}
    editor = connection.schema_editor()
    for (app_label, name), operation in found:
        before = loader.project_state((app_label, name), at_end=False).apps
        after = loader.project_state((app_label, name), at_end=True).apps
        altered = 0
        for state_operation in operation.state_operations:
            assert isinstance(state_operation, AlterField | AlterModelOptions), (name, state_operation)
            if isinstance(state_operation, AlterField):
                old = before.get_model(app_label, state_operation.model_name)._meta.get_field(state_operation.name)
                new = after.get_model(app_label, state_operation.model_name)._meta.get_field(state_operation.name)
                assert not editor._field_should_be_altered(old, new), f"{app_label}.{name}: {old} changes its column"
                altered += 1
        assert altered, f"{app_label}.{name} alters no field, so this test checked nothing there"


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
