"""The demo (`load_demo`) loaded once per test session and put back cheaply wherever a test needs it.

`load_demo` takes 15–30 s; a dozen test modules read the whole demo, and loading it in each made up a large
part of a CI pass. The first module that asks loads it once into the test database, keeps a copy of the
database and of the media files it wrote, and puts back the empty database. After that:

- `DemoSnapshot.restore_demo(media_root)` puts the demo's database in place of the test database and copies
  its media files under `media_root` (the test's own MEDIA_ROOT: a test may delete or add files there);
- `DemoSnapshot.restore_empty()` puts back the database as the migrations left it.

Copies: on SQLite (the in-memory test database) with the sqlite3 backup API; on PostgreSQL as databases made
with CREATE DATABASE … TEMPLATE, dropped at the end of the session. Both are whole-database copies, so
sequences, triggers and history rows come back exactly as `load_demo` left them.

Use the fixtures, not the class: `demo_module` (module scope, for tests that run in a transaction rolled
back after each, the `db` fixture) and `demo_transactional` (each test, for `transaction=True` tests, whose
flush empties the database after each test).
"""

import io
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings


def _postgres_copy(source: str, target: str) -> None:
    # A template database must have no other connection while it is copied; ours are closed first, and
    # WITH (FORCE) ends any a live-server thread left open.
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


@dataclass
class DemoSnapshot:
    """The copies one session keeps: the empty and the demo database (per vendor), and the demo's media."""

    media: Path
    sqlite_copies: dict[str, sqlite3.Connection] = field(default_factory=dict)
    postgres_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, media: Path) -> "DemoSnapshot":
        """Copies of the empty database, then of the demo loaded into it (its files under `media`); the
        empty database is put back."""
        snapshot = cls(media=media)
        snapshot._save("empty")
        # override_settings, not an assignment: the file storage keeps the folder it first saw until the
        # setting_changed signal tells it, so an assignment would leave the demo's files in the default folder.
        with override_settings(MEDIA_ROOT=media):
            call_command("load_demo", stdout=io.StringIO())
        snapshot._save("demo")
        snapshot.restore_empty()
        return snapshot

    def restore_demo(self, media_root: Path) -> None:
        """The demo's database in place of the test database, and its media files copied under `media_root`."""
        self._put_back("demo")
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)

    def restore_empty(self) -> None:
        """The test database as the migrations left it."""
        self._put_back("empty")

    def drop(self) -> None:
        for copy in self.sqlite_copies.values():
            copy.close()
        if self.postgres_names:
            connections.close_all()
            with connection._nodb_cursor() as cursor:
                for name in self.postgres_names.values():
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _save(self, name: str) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            self.sqlite_copies[name] = copy
        elif connection.vendor == "postgresql":
            copy_name = f"{connection.settings_dict['NAME']}_{name}"
            _postgres_copy(connection.settings_dict["NAME"], copy_name)
            self.postgres_names[name] = copy_name
        else:  # pragma: no cover - the two backends Nithet runs on
            raise NotImplementedError(connection.vendor)

    def _put_back(self, name: str) -> None:
        if connection.in_atomic_block:
            raise RuntimeError("the demo database can only be put back outside a transaction (use demo_module)")
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.sqlite_copies[name].backup(connection.connection)
        else:
            _postgres_copy(self.postgres_names[name], connection.settings_dict["NAME"])


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loads the demo once for the session (when a test first asks) and drops the copies at its end."""
    with django_db_blocker.unblock():
        snapshot = DemoSnapshot.load(tmp_path_factory.mktemp("demo-media"))
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop()


@pytest.fixture(scope="module")
def demo_module(demo_snapshot, django_db_blocker, tmp_path_factory):
    """The whole demo for a module's tests (each rolled back by `db`); the empty database again after them.

    Sets MEDIA_ROOT (through override_settings, so that the file storage follows) to a folder holding the
    demo's media files for the module."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media):
        with django_db_blocker.unblock():
            demo_snapshot.restore_demo(media)
        yield
        with django_db_blocker.unblock():
            demo_snapshot.restore_empty()


@pytest.fixture
def demo_transactional(demo_snapshot, transactional_db, settings, tmp_path):
    """The whole demo for one `transaction=True` test (its flush empties the database afterwards)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_snapshot.restore_demo(Path(settings.MEDIA_ROOT))
