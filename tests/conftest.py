"""Fixtures: an app on a fresh database per test, built through the operations layer.

The `app` fixture's database is in-memory SQLite, or with TEST_DATABASE=postgresql a database
on the PostgreSQL server the `postgres` tests use, migrated once per session and emptied
before each test.
"""

from __future__ import annotations

import os
import time

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import text
from sqlalchemy.pool import StaticPool

from assess import create_app
from assess.extensions import db
from tests.pgcluster import PG_BIN_DIRS, create_database, throwaway_cluster
from tests.support import missing


def _cache_url_builders() -> None:
    """Each app's URL rules reuse the builder functions an earlier app compiled.

    Werkzeug compiles two small functions per URL rule (through the ast module and
    compile()) that turn values into the rule's URL: half of create_app's time, about
    0.09 s of CPU a test for ~200 rules. Such a function depends only on the rule's parsed
    parts, its defaults' names and whether unknown values are appended: it reads the
    rule's converters through the rule it is bound to at every call, so a cached one
    bound to another app's rule builds with that rule's own converters. A rule whose
    defaults fill one of its own variables (werkzeug folds that value into the code) is
    compiled as before. Tests only: the apps of a production process are built once.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict[tuple, object] = {}

    def cached_compile_builder(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    Rule._compile_builder = cached_compile_builder


_cache_url_builders()


class _SharedTemplateCode(BytecodeCache):
    """Jinja's compiled templates kept in memory for every app of the test process.

    Each app has its own Jinja environment, which compiled every template it rendered
    anew: the profile of tests/integration/test_decisions.py had 113 template compilations
    for 16 tests (docs/testing.md has the figures). Jinja's bytecode cache is its
    documented way to reuse them: a bucket is found by the template's name and file and
    used only while the source's checksum is the same. The test apps' environments are
    configured alike (create_app), which the cache assumes.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def _share_template_code() -> None:
    from flask import Flask

    cache = _SharedTemplateCode()
    create_jinja_environment = Flask.create_jinja_environment

    def with_shared_code(self):
        environment = create_jinja_environment(self)
        environment.bytecode_cache = cache
        return environment

    Flask.create_jinja_environment = with_shared_code  # type: ignore[method-assign]


_share_template_code()


def in_memory_app(**config):
    """An app on an empty in-memory SQLite database with the tables created."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_ENGINE_OPTIONS={
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        },
        **config,
    )
    with app.app_context():
        _create_tables_sqlite()
    return app


# The empty schema as create_all() made it the first time in this process, copied into
# each test's in-memory database with SQLite's backup API instead of running the DDL again.
_empty_schema: list = []


def _create_tables_sqlite():
    import sqlite3

    connection = db.engine.raw_connection()
    try:
        if not _empty_schema:
            db.create_all()
            template = sqlite3.connect(":memory:", check_same_thread=False)
            connection.driver_connection.backup(template)
            _empty_schema.append(template)
        else:
            _empty_schema[0].backup(connection.driver_connection)
    finally:
        connection.close()


TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite").lower()
if TEST_DATABASE not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"TEST_DATABASE must be sqlite or postgresql, not {TEST_DATABASE!r}")
ON_POSTGRES = TEST_DATABASE == "postgresql"


def fresh_app(request, **config):
    """An app on an empty database of the suite's kind (TEST_DATABASE); `release_app` after."""
    if ON_POSTGRES:
        return suite_database_app(request.getfixturevalue("suite_database"), **config)
    return in_memory_app(**config)


def release_app(app):
    with app.app_context():
        db.session.remove()
        if ON_POSTGRES:
            db.engine.dispose()
        else:
            db.drop_all()


@pytest.fixture
def app(request):
    # No application context is held during the test: a request in the test client
    # must get its own `g` (CSRF token, logged-in user), as in production.
    app = fresh_app(request)
    yield app
    release_app(app)


def suite_database_app(url, **config):
    """An app on the session's PostgreSQL database, emptied first."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, **config)
    with app.app_context():
        empty_database()
    return app


def empty_database():
    """Empty every table and restart the ids, as a fresh migrated database would be.

    One round trip of DELETEs and sequence restarts: measured against TRUNCATE of every table
    (which makes new files for each, 31 tables) it is 0.016 s against 0.075 s a test, and
    against cloning a migrated template database per test (0.3 s and a new connection) more
    still. The audit tables' triggers refuse deletions, as in production; the replica role
    keeps them (and the foreign keys' checks, as every table is emptied) from firing for this
    one transaction of the tests' own.
    """
    with db.engine.begin() as conn:
        conn.exec_driver_sql(_emptying_sql(conn))


_emptying: list[str] = []


def _emptying_sql(conn) -> str:
    """Every table of the schema (the migrations' own too) emptied, every sequence restarted."""
    if not _emptying:
        tables = conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'"
            )
        ).scalars()
        sequences = conn.execute(
            text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()"
            )
        ).scalars()
        _emptying.append(
            # A connection a test left in a transaction fails the next test, never hangs it.
            "SET LOCAL lock_timeout = '20s'; SET LOCAL session_replication_role = replica; "
            + " ".join(f'DELETE FROM "{name}";' for name in tables)
            + " ".join(f'ALTER SEQUENCE "{name}" RESTART;' for name in sequences)
        )
    return _emptying[0]


@pytest.fixture
def demo(app):
    with app.app_context():
        restore_demo()
    return app


# The demo data as load_demo() made it the first time in this process: restored by copying
# rows instead of running the operations again (0.3 s a test, a quarter of a typical test's
# time). The first test of each process loads it through the operations as before.
_demo_rows: dict[str, object] = {}


def restore_demo():
    """The demo data in the app's empty database (the current app context's)."""
    from assess.operations.demo import load_demo

    if not _demo_rows:
        load_demo()
        _save_demo()
    elif ON_POSTGRES:
        _restore_demo_postgres()
    else:
        _restore_demo_sqlite()


def _save_demo():
    if ON_POSTGRES:
        # A copy of each table that has rows, in a schema of its own in the session's database.
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS demo_snapshot CASCADE"))
            conn.execute(text("CREATE SCHEMA demo_snapshot"))
            for table in db.metadata.sorted_tables:
                if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")')).scalar():
                    conn.execute(
                        text(f'CREATE TABLE demo_snapshot."{table.name}" AS TABLE "{table.name}"')
                    )
                    _demo_rows[table.name] = "id" in table.c
        return
    import sqlite3

    snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    db.engine.raw_connection().driver_connection.backup(snapshot)
    _demo_rows["sqlite"] = snapshot


def _restore_demo_sqlite():
    connection = db.engine.raw_connection()
    _demo_rows["sqlite"].backup(connection.driver_connection)
    connection.close()


def _restore_demo_postgres():
    with db.engine.begin() as conn:
        # The rows as they were, triggers (the audit table's append-only guard) not fired.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for name, has_id in _demo_rows.items():
            conn.execute(text(f'INSERT INTO "{name}" SELECT * FROM demo_snapshot."{name}"'))
            if has_id:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{name}"))'
                    )
                )


@pytest.fixture
def ctx(demo):
    """An application context, for tests that call the operations layer directly."""
    with demo.app_context():
        yield demo


@pytest.fixture
def client(demo):
    return demo.test_client()


# --- PostgreSQL ------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server URL (no database part): TEST_DATABASE_URL's, or a throwaway one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url.rsplit("/", 1)[0]
        return
    if not PG_BIN_DIRS:
        missing("PostgreSQL is not installed and TEST_DATABASE_URL is not set")
    with throwaway_cluster() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server):
    """A new empty database on the PostgreSQL server, dropped afterwards."""
    name = f"assess_test_{os.getpid()}_{time.monotonic_ns()}"
    url = create_database(postgres_server, name)
    yield url
    drop_database(postgres_server, name)


@pytest.fixture(scope="session")
def suite_database(postgres_server):
    """A database migrated once for the session, as production's is (with the audit triggers)."""
    from flask_migrate import upgrade

    url = create_database(postgres_server, f"assess_suite_{os.getpid()}_{time.monotonic_ns()}")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    drop_database(postgres_server, url.rsplit("/", 1)[1])


def drop_database(server_url, name):
    import psycopg

    admin = server_url.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_app(postgres_url):
    """The app on a migrated PostgreSQL database with the demo data."""
    from flask_migrate import upgrade

    from assess.operations.demo import load_demo

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        upgrade()
        load_demo()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def meetings_started(monkeypatch):
    """The meetings' clock past every test meeting's start: outcomes and "held" are recorded
    only from a meeting's start (issue 20), and the tests' meetings are dated ahead."""
    from datetime import UTC, datetime

    from assess.operations import meetings

    monkeypatch.setattr(meetings, "now", lambda: datetime(2100, 1, 1, tzinfo=UTC))
