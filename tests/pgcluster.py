"""A throwaway PostgreSQL cluster: for the tests (without TEST_DATABASE_URL) and benchmarks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runner() -> tuple[list[str], Path]:
    if not PG_BIN_DIRS:
        raise FileNotFoundError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    # As root (CI containers) the server runs as the ``postgres`` user, which initdb needs.
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []), PG_BIN_DIRS[0]


def start_cluster(datadir: Path, port: int, options: str = "") -> str:
    """A server on ``datadir`` (made on first use) listening on ``port``, started unless it
    runs; its URL without a database part. fsync is off: the data is throwaway (the tests'
    and the benchmarks'); ``options`` are more server settings (``-c name=value ...``)."""
    prefix, bindir = _runner()
    if not (datadir / "PG_VERSION").exists():
        datadir.mkdir(parents=True, exist_ok=True)
        if prefix:
            shutil.chown(datadir, "postgres")
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
    status = subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(datadir), "status"], capture_output=True
    )
    if status.returncode != 0:
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
                f"-p {port} -h 127.0.0.1 -k {datadir} -c fsync=off -c full_page_writes=off "
                f"{options}".strip(),
                "start",
            ],
            check=True,
            capture_output=True,
        )
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}"


def stop_cluster(datadir: Path, mode: str = "fast") -> None:
    prefix, bindir = _runner()
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", mode, "stop"],
        capture_output=True,
    )


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a server in a temporary directory; yield its URL without a database part."""
    _runner()
    datadir = Path(tempfile.mkdtemp(prefix="assess-pg-"))
    try:
        yield start_cluster(datadir, _free_port())
    finally:
        stop_cluster(datadir, "immediate")
        shutil.rmtree(datadir, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    import psycopg

    admin = server_url.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"
