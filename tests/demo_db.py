"""The demo, loaded once per test session and restored cheaply wherever a test needs it.

Loading the demo (`load_demo`: 81 schools, people, rounds planned and applied, recorded visits, meetings,
public records with their PDFs) takes tens of seconds; a dozen test modules and browser tests each used to
load it again. Here each demo is loaded once, through the same entry point as before, into the freshly
migrated test database, and a copy of the whole database is kept:

- SQLite (the test database is in memory): SQLite's own backup API copies every page into a private
  in-memory database, and back into the test database when restored;
- PostgreSQL: a template database (`CREATE DATABASE … TEMPLATE`), and the test database is dropped and
  re-created from it when restored.

The media files the demo wrote are copied into a fresh folder for every restore, so no test sees another
test's files. Restoring a copy replaces the whole database, so it is done only outside any transaction:
before a module (the module's tests then run in their own rolled-back transactions, as usual) or before a
`transaction=True` test (whose tables pytest-django flushes after it). After a module, the freshly migrated
empty database is restored, so the next module sees what it would have seen without the demo.
"""

import io
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


def _load_all(stdout):
    from django.core.management import call_command

    call_command("load_demo", stdout=stdout)


def _load_organisation_and_rounds(stdout):
    """The demo office and its two rounds (no visits): what tests/schedules/ works on."""
    from django.db import transaction

    from schedules import demo as schedules_demo
    from supervision import demo as supervision_demo

    with transaction.atomic():
        supervision_demo.load(stdout=stdout)
        schedules_demo.load(stdout=stdout)


LOADERS = {"demo": _load_all, "rounds": _load_organisation_and_rounds}


def _forget_cached_rows():
    """Content types are cached by id in the process: a restored database may number them differently."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


class _SqliteCopies:
    def __init__(self):
        self.copies: dict[str, sqlite3.Connection] = {}

    def take(self, name):
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        self.copies[name] = copy

    def restore(self, name):
        connection.ensure_connection()
        self.copies[name].backup(connection.connection)

    def drop_all(self):
        for copy in self.copies.values():
            copy.close()
        self.copies.clear()


class _PostgresCopies:
    def __init__(self):
        self.test_name = connection.settings_dict["NAME"]
        self.copies: list[str] = []

    def _copy_name(self, name):
        return f"{self.test_name}_{name}"

    def _execute(self, *statements):
        connection.close()
        with connection._nodb_cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    def _end_sessions(self, database):
        # A live server's request thread or a finished worker may still hold a session; CREATE … TEMPLATE and
        # DROP need the database to themselves.
        return (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )

    def take(self, name):
        copy = self._copy_name(name)
        qn = connection.ops.quote_name
        self._execute(
            (f"DROP DATABASE IF EXISTS {qn(copy)}", None),
            self._end_sessions(self.test_name),
            (f"CREATE DATABASE {qn(copy)} TEMPLATE {qn(self.test_name)}", None),
        )
        self.copies.append(copy)

    def restore(self, name):
        qn = connection.ops.quote_name
        self._execute(
            self._end_sessions(self.test_name),
            (f"DROP DATABASE {qn(self.test_name)} WITH (FORCE)", None),
            (f"CREATE DATABASE {qn(self.test_name)} TEMPLATE {qn(self._copy_name(name))}", None),
        )

    def drop_all(self):
        qn = connection.ops.quote_name
        self._execute(*[(f"DROP DATABASE IF EXISTS {qn(copy)}", None) for copy in self.copies])
        self.copies.clear()


class DemoDatabases:
    """`restored(name)`: the test database holding demo `name` (see LOADERS) and a fresh copy of its media."""

    EMPTY = "empty"

    def __init__(self, media_root: Path, django_db_blocker):
        self.media_root = media_root
        self.blocker = django_db_blocker
        self.outputs: dict[str, str] = {}
        with self.blocker.unblock():
            self.copies = _SqliteCopies() if connection.vendor == "sqlite" else _PostgresCopies()
            self.copies.take(self.EMPTY)

    def _restore(self, name):
        assert not connection.in_atomic_block, "a database copy is restored only outside a transaction"
        with self.blocker.unblock():
            self.copies.restore(name)
        _forget_cached_rows()

    def _build(self, name):
        media = self.media_root / name
        previous, settings.MEDIA_ROOT = settings.MEDIA_ROOT, str(media)
        try:
            self._restore(self.EMPTY)
            out = io.StringIO()
            with self.blocker.unblock():
                LOADERS[name](out)
                self.copies.take(name)
            self.outputs[name] = out.getvalue()
        finally:
            settings.MEDIA_ROOT = previous
            self._restore(self.EMPTY)

    def restore(self, name, media_root: Path) -> str:
        """Put demo `name` in the test database and its files under `media_root`; returns what loading printed."""
        if name not in self.outputs:
            self._build(name)
        self._restore(name)
        source = self.media_root / name
        if source.exists():
            shutil.copytree(source, media_root, dirs_exist_ok=True)
        else:
            Path(media_root).mkdir(parents=True, exist_ok=True)
        return self.outputs[name]

    def restore_empty(self):
        self._restore(self.EMPTY)

    @contextmanager
    def restored(self, name, media_root: Path):
        """Demo `name` for a block of tests (MEDIA_ROOT pointed at its files), the empty database after it."""
        previous = settings.MEDIA_ROOT
        self.restore(name, media_root)
        settings.MEDIA_ROOT = str(media_root)
        try:
            yield self.outputs[name]
        finally:
            settings.MEDIA_ROOT = previous
            self.restore_empty()

    def close(self):
        with self.blocker.unblock():
            self.copies.drop_all()
