"""Fixtures: an app on a fresh database per test, built through the operations layer."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy.pool import StaticPool

from assess import create_app
from assess.extensions import db
from tests.pgcluster import PG_BIN_DIRS, throwaway_cluster
from tests.support import missing


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
        db.create_all()
    return app


@pytest.fixture
def app():
    # No application context is held during the test: a request in the test client
    # must get its own `g` (CSRF token, logged-in user), as in production.
    app = in_memory_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


@pytest.fixture
def demo(app):
    from assess.operations.demo import load_demo

    with app.app_context():
        load_demo()
    return app


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
    import psycopg

    name = f"assess_test_{os.getpid()}_{time.monotonic_ns()}"
    admin = postgres_server.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{postgres_server}/{name}"
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
