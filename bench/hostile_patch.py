"""Issue 15, item 1: the hostile PATCH against gunicorn with 2 sync workers, while wrk
measures `/healthz`. Run: `.venv/bin/python -m bench.hostile_patch` (or `make bench`).

A preparer's token sends a PATCH of an assessment with 700,000 unknown keys in `answers`
(10.5 MB) from 4 parallel clients in a loop. `/healthz` is measured with wrk for
SECONDS without the attack, then for SECONDS during it; the figures are p50 and p99 of
`/healthz` both ways and the ratio of the p99s (target: at most 2). As a control, the same
4 clients ask for `/healthz` in the same loop: what any 4 more busy clients cost 2 sync
workers. ROUNDS rounds, each on a fresh server and database; the medians are what
bench/README.md quotes.

`--code DIR` runs the same against another checkout (for example the code before issue 15,
`git worktree add --detach /work/wt/limits-old 9c96773`): its server and its database are
made by its own code; this script only sends requests. Needs wrk (Debian package 'wrk').

Also prints the size of the largest realistic assessment (tests/support.py, largest_patch)
as the API receives it, which the limits in config.py must fit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
ATTACKERS = 4
KEYS = 700_000
SECONDS = 15
ROUNDS = 3
WRK = ["wrk", "-t1", "-c4", "--latency", "--timeout", "60s"]

# Made by the code under test (its own migrations and demo), through functions every
# version since issue 14 has: a token and one assessment, on a fresh SQLite file.
PREPARE = """
import json, sys
from flask_migrate import upgrade
from assess import create_app
from assess.extensions import db
from assess.operations import decisions as decision_ops
from assess.operations.demo import load_demo
from assess.operations.users import issue_token
from tests.support import prepared, user

app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1])
with app.app_context(), app.test_request_context():
    upgrade()
    load_demo()
    token = issue_token(user("preparer"))
    d = decision_ops.create_decision(
        user("preparer"), case_number="HOSTILE/1", title="T", language="fi", body_id=1,
        proposal="",
    )
    a = prepared(user("preparer"), d)
    print(json.dumps({"token": token, "assessment": a.id, "version": a.version}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hostile_body() -> bytes:
    return json.dumps({"answers": {f"k{i:06d}x": 0 for i in range(KEYS)}}).encode()


class Server:
    """gunicorn with WORKERS sync workers on ``code``'s wsgi:app and a fresh database."""

    def __init__(self, code: Path, tmp: Path):
        self.code, self.port = code, _free_port()
        url = f"sqlite:///{tmp / 'hostile.db'}"
        env = {**os.environ, "PYTHONPATH": str(code)}
        made = subprocess.run(
            [sys.executable, "-c", PREPARE, url],
            cwd=code,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        self.facts = json.loads(made.stdout.strip().splitlines()[-1])
        self.log = tmp / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(WORKERS),
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--error-logfile",
                str(self.log),
                "wsgi:app",
            ],
            env={
                **env,
                "ASSESS_CONFIG": "production",
                "SECRET_KEY": "bench-not-secret",
                "AUDIT_CHECKPOINT_KEY": "bench-not-secret",
                "DATABASE_URL": url,
                "API_RATE_LIMIT": "1000000 per minute",
                "RATELIMIT_PER_PROCESS_ACCEPTED": "1",  # the limit is out of reach anyway
                "ASSESS_INSTANCE_PATH": str(tmp),
            },
            cwd=code,
        )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        # The socket accepts connections before the workers have imported the app (seconds
        # on a loaded host): wait for answers, or the first measurement includes the boot.
        answered = 0
        deadline = time.monotonic() + 120
        while answered < 2 * WORKERS and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=30) as conn:
                    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    answered += conn.recv(16).startswith(b"HTTP/1.1 200")
            except OSError:
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def longest_log_line(self) -> int:
        try:
            with open(self.log, "rb") as fh:
                return max((len(line) for line in fh), default=0)
        except OSError:
            return 0


def wrk(port: int, seconds: int) -> dict:
    out = subprocess.run(
        [*WRK, f"-d{seconds}s", f"http://127.0.0.1:{port}/healthz"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    timeouts = re.search(r"timeout (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "requests": requests,
        # None: not one /healthz was answered within the measurement.
        "p50_ms": ms("50") if requests else None,
        "p99_ms": ms("99") if requests else None,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def one_healthz(port: int) -> float:
    """How long one /healthz takes to be answered (up to 120 s), in ms."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
        conn.sendall(BENIGN)
        conn.recv(16)
    return (time.perf_counter() - start) * 1000


def hostile_request(port: int, facts: dict, body: bytes) -> bytes:
    return (
        f"PATCH /api/v1/assessments/{facts['assessment']} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {facts['token']}\r\n"
        f'If-Match: "{facts["version"]}"\r\n'
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


# The control: as many clients in the same loop, each asking for /healthz itself. What any
# 4 more busy clients cost 2 sync workers, against which the attack is measured too.
BENIGN = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


class Attack:
    """ATTACKERS clients sending ``request`` in a loop until stopped."""

    def __init__(self, port: int, request: bytes):
        self.port, self.request = port, request
        self.stopping = threading.Event()
        self.answers: list[tuple[str, float]] = []
        self.threads = [threading.Thread(target=self._loop) for _ in range(ATTACKERS)]

    def _once(self) -> str:
        conn = socket.socket()
        # The body is sent whole, as fast as the server takes it; a small send buffer only
        # keeps this client from copying megabytes the server never reads into its own
        # kernel buffer: work an attacker's machine does, not the server's, but here both
        # share two cores.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        conn.settimeout(90)
        conn.connect(("127.0.0.1", self.port))
        with conn:
            # Answered (413) and closed before the body was all sent: read the answer.
            with contextlib.suppress(OSError):
                conn.sendall(self.request)
            try:
                first = conn.recv(64)
            except OSError:
                return "reset"
        return first.split(b" ")[1].decode() if first.startswith(b"HTTP/") else "closed"

    def _loop(self) -> None:
        while not self.stopping.is_set():
            start = time.perf_counter()
            try:
                status = self._once()
            except OSError:
                status = "error"
            self.answers.append((status, (time.perf_counter() - start) * 1000))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join()

    def summary(self) -> dict:
        statuses: dict[str, int] = {}
        for status, _ in self.answers:
            statuses[status] = statuses.get(status, 0) + 1
        times = sorted(ms for _, ms in self.answers)
        return {
            "requests": len(times),
            "statuses": statuses,
            "median_ms": statistics.median(times) if times else None,
        }


def one_round(code: Path, body: bytes) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="hostile-"))
    server = Server(code, tmp)
    try:
        wrk(server.port, 3)  # warm up both workers
        quiet = wrk(server.port, SECONDS)
        with Attack(server.port, BENIGN) as benign:
            time.sleep(1)
            control = wrk(server.port, SECONDS)
        with Attack(server.port, hostile_request(server.port, server.facts, body)) as attack:
            time.sleep(1)
            attacked = wrk(server.port, SECONDS)
            single = one_healthz(server.port)
        return {
            "quiet": quiet,
            "attacked": attacked,
            "one_healthz_during_attack_ms": single,
            "control": control,
            "p99_ratio": (attacked["p99_ms"] or float("inf")) / quiet["p99_ms"],
            "control_p99_ratio": control["p99_ms"] / quiet["p99_ms"],
            "attack": attack.summary(),
            "benign": benign.summary(),
            "longest_log_line": server.longest_log_line(),
        }
    finally:
        server.stop()


def largest_assessment() -> dict:
    """The largest realistic assessment's PATCH as the API receives it (config.py)."""
    from assess import create_app
    from assess.input_shape import oversized
    from tests.support import largest_patch

    app = create_app("testing")
    with app.app_context():
        form = app.extensions["assess.forms"].latest("iva")
        body = largest_patch(form)
    items = 0
    while oversized(body, max_items=items, max_depth=100) is not None:
        items += 1000
    return {
        "json_bytes": len(json.dumps(body)),
        "json_bytes_utf8": len(json.dumps(body, ensure_ascii=False).encode()),
        "items_at_most": items,
    }


def main(code: Path = ROOT, rounds: int = ROUNDS) -> dict:
    from bench.common import machine

    body = hostile_body()
    runs = [one_round(code, body) for _ in range(rounds)]
    return {
        "machine": machine(),
        "code": str(code),
        "body_bytes": len(body),
        "rounds": runs,
        "median": {
            "quiet_p50_ms": statistics.median(r["quiet"]["p50_ms"] for r in runs),
            "quiet_p99_ms": statistics.median(r["quiet"]["p99_ms"] for r in runs),
            "attacked_p50_ms": statistics.median(
                r["attacked"]["p50_ms"] or float("inf") for r in runs
            ),
            "attacked_p99_ms": statistics.median(
                r["attacked"]["p99_ms"] or float("inf") for r in runs
            ),
            "one_healthz_during_attack_ms": statistics.median(
                r["one_healthz_during_attack_ms"] for r in runs
            ),
            "p99_ratio": statistics.median(r["p99_ratio"] for r in runs),
            "control_p99_ms": statistics.median(r["control"]["p99_ms"] for r in runs),
            "control_p99_ratio": statistics.median(r["control_p99_ratio"] for r in runs),
        },
        "largest_assessment": largest_assessment() if code == ROOT else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    print(json.dumps(main(args.code.resolve(), args.rounds), indent=2))
