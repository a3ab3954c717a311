"""scripts/restore_drill.sh on the throwaway PostgreSQL cluster (issue 16).

A database with the demo data and the demo scenario (approved assessments, their documents
and agenda copies, signed audit checkpoints) is backed up, destroyed and restored, into a
copy and in place; then the drill must fail loudly when the restore differs from the
original and when a stored document was changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.conftest import drop_database
from tests.pgcluster import create_database

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "scripts" / "restore_drill.sh"

pytestmark = pytest.mark.postgres


def _env(url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_")}
    env.pop("MIGRATION_DATABASE_URL", None)
    return {
        **env,
        "DATABASE_URL": url,
        "ASSESS_CONFIG": "development",
        "ASSESS_INSTANCE_PATH": str(instance),
        "AUDIT_CHECKPOINT_KEY": "restore-drill-test-key",
        "PDF_CONVERTER": "off",
        "FLASK_APP": "assess.wsgi",
        "PYTHON": sys.executable,
    }


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="module")
def seeded(postgres_server, tmp_path_factory):
    """A database migrated with the demo and its scenario, kept as a template."""
    instance = tmp_path_factory.mktemp("drill-instance")
    name = f"assess_drill_seed_{os.getpid()}_{time.monotonic_ns()}"
    url = create_database(postgres_server, name)
    env = _env(url, instance)
    for command in (["db", "upgrade"], ["demo", "load"], ["demo", "scenario"]):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "assess.wsgi", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
    with psycopg.connect(_libpq(url)) as conn:
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    assert documents >= 4 and events > 0
    yield postgres_server, name, instance
    drop_database(postgres_server, name)


@pytest.fixture
def database(seeded):
    """A fresh copy of the seeded database for one test; its URL."""
    server, template, instance = seeded
    name = f"assess_drill_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(_libpq(server) + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield f"{server}/{name}", instance
    drop_database(server, name)
    drop_database(server, f"{name}_restore_drill")


def _drill(url: str, instance: Path, *args: str, **extra: str):
    return subprocess.run(
        ["bash", str(DRILL), *args],
        cwd=ROOT,
        env={**_env(url, instance), **extra},
        capture_output=True,
        text=True,
        timeout=900,
    )


def _documents(url: str) -> int:
    with psycopg.connect(_libpq(url)) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def test_drill_into_a_copy_passes_and_leaves_the_original(database, tmp_path):
    url, instance = database
    backup = tmp_path / "assess.dump"
    done = _drill(url, instance, "--keep", str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RESTORE DRILL PASSED" in done.stdout
    assert "every table's rows equal the original's" in done.stdout
    assert "Audit log intact" in done.stdout and "NOT ANCHORED" not in done.stdout
    assert "documents verified" in done.stdout
    assert backup.stat().st_size > 0
    copy = url + "_restore_drill"
    assert _documents(copy) == _documents(url) >= 4


def test_drill_in_place_destroys_and_restores_the_database(database):
    url, instance = database
    with psycopg.connect(_libpq(url)) as conn:
        oid_before = conn.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]
    done = _drill(url, instance, "--in-place")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RESTORE DRILL PASSED" in done.stdout
    with psycopg.connect(_libpq(url)) as conn:
        oid_after = conn.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]
    assert oid_after != oid_before  # really dropped and made again
    assert _documents(url) >= 4


def test_drill_fails_loudly_when_the_restore_differs(database, tmp_path):
    """A pg_restore that loses a change (here: a wrapper that alters one decision after the
    real restore) is caught by the comparison, with the differing table named."""
    url, instance = database
    real = Path(shutil.which("pg_restore") or "/usr/lib/postgresql/15/bin/pg_restore")
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("pg_dump", "psql"):
        (tools / tool).symlink_to(real.parent / tool)
    wrapper = tools / "pg_restore"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'"{real}" "$@" || exit $?\n'
        'while [ $# -gt 0 ]; do [ "$1" = -d ] && db="$2"; shift; done\n'
        f'"{real.parent / "psql"}" "$db" -q -c '
        "\"UPDATE decisions SET title = title || ' (changed)' "
        'WHERE id = (SELECT min(id) FROM decisions)"\n'
    )
    wrapper.chmod(0o755)
    done = _drill(url, instance, PG_BIN=str(tools))
    assert done.returncode == 1
    assert "RESTORE DRILL FAILED" in done.stderr
    assert "differs from the original" in done.stderr
    assert "decisions|" in done.stderr
    assert "PASSED" not in done.stdout


def test_drill_fails_loudly_on_a_changed_document(database):
    """The original's document was altered behind the application's back: the backup holds
    the altered bytes, so the restored copy fails documents verify and the drill says so."""
    url, instance = database
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute(
            "UPDATE documents SET content = content || '\\x00'::bytea "
            "WHERE id = (SELECT min(id) FROM documents)"
        )
    done = _drill(url, instance)
    assert done.returncode == 1
    assert "MISMATCH document" in done.stderr
    assert "RESTORE DRILL FAILED: documents verify failed" in done.stderr


def test_drill_refuses_a_database_url_it_cannot_use(tmp_path):
    done = _drill("sqlite:////tmp/assess.db", tmp_path)
    assert done.returncode == 1
    assert "not a PostgreSQL URL" in done.stderr and ".backup" in done.stderr
