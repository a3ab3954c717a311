"""A throwaway Redis server on a free loopback port: for the tests and the benchmarks.

Debian's ``redis-server`` (installed by ``.ci/run``), nothing persisted: no RDB snapshot, no
append-only file, its directory removed afterwards.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``redis-server`` on one loopback port that a test can stop and start again (Redis
    going down while the application serves, and coming back on the same address)."""

    def __init__(self) -> None:
        binary = redis_server_binary()
        if binary is None:
            raise FileNotFoundError("redis-server not found (Debian package 'redis-server')")
        self.binary = binary
        self.workdir = Path(tempfile.mkdtemp(prefix="assess-redis-"))
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.server: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.server = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.workdir),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
                "--logfile",
                str(self.workdir / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not _ping(self.port):
            if self.server.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.server.stderr.read().decode()}")
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not answer PING within 30 s")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """Start ``redis-server`` in a temporary directory; yield its ``redis://`` URL."""
    server = RedisServer()
    try:
        yield server.start().url
    finally:
        server.close()
