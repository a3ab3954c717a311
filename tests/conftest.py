"""Fixtures: an app on a fresh database per test, built through the operations layer."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy.pool import StaticPool

from assess import create_app
from assess.extensions import db
from tests.support import missing

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


@pytest.fixture
def app():
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_ENGINE_OPTIONS={
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        },
    )
    # No application context is held during the test: a request in the test client
    # must get its own `g` (CSRF token, logged-in user), as in production.
    with app.app_context():
        db.create_all()
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server URL (no database part): TEST_DATABASE_URL's, or a throwaway one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url.rsplit("/", 1)[0]
        return
    if not PG_BIN_DIRS:
        missing("PostgreSQL is not installed and TEST_DATABASE_URL is not set")
    bindir = PG_BIN_DIRS[0]
    datadir = Path(tempfile.mkdtemp(prefix="assess-pg-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(datadir, "postgres")
    port = _free_port()
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-w",
            "-l",
            str(datadir / "log"),
            "-o",
            f"-p {port} -h 127.0.0.1 -k {datadir} -c fsync=off -c full_page_writes=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(datadir, ignore_errors=True)


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
