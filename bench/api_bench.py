"""The JSON API under gunicorn (2 workers, this 2-core machine), with a load generator on
loopback: `GET /api/v1/assessments/{id}` and its PATCH, against `/healthz` of the same app
and server as the ceiling. Run: `.venv/bin/python -m bench.api_bench` (or `make bench`).

Two load generators, 20 concurrent clients each, sharing the two cores with the server:

- wrk (Debian package 'wrk'), a client in C: the main figures. The ceiling and the GET
  alternate in ROUNDS short rounds, and the ratio is the median of the rounds' ratios, so
  that a change in the load of this shared machine hits both sides of a ratio alike.
- Python threads with http.client (also the only one when wrk is missing): the PATCH,
  which needs a fresh ETag per request, and a cross-check of the GET. A client in Python
  spends much of the two cores itself, which caps the ceiling and inflates its ratio.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.support import prepared

CONCURRENCY = 20
DURATION = 8.0  # seconds per scenario for the Python client
ROUNDS = 7  # alternating wrk rounds of the ceiling and the GET
ROUND_SECONDS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str) -> tuple[str, list[int]]:
    """A database with the demo data, a token, and one assessment per client thread."""
    from flask_migrate import upgrade

    from assess import create_app
    from assess.extensions import db
    from assess.operations import decisions as decision_ops
    from assess.operations.demo import load_demo
    from assess.operations.users import issue_token
    from tests.support import user

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), app.test_request_context():
        upgrade()  # as in production: on PostgreSQL with the audit log's triggers
        load_demo()
        token = issue_token(user("preparer"))
        ids = []
        for n in range(CONCURRENCY):
            d = decision_ops.create_decision(
                user("preparer"),
                case_number=f"BENCH/{n}",
                title=f"Bench {n}",
                language="fi",
                body_id=1,
                proposal="",
            )
            a = prepared(user("preparer"), d)
            ids.append(a.id)
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # The steady state autovacuum reaches after the seeding's many updates, instead
            # of autovacuum reaching it during the measurement.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()  # the server's workers open their own connections
    return token, ids


def run(port: int, make_request, duration: float = DURATION) -> dict:
    """``make_request(i, conn) -> status`` from CONCURRENCY threads for ``duration``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        state: dict = {}
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            status = make_request(i, conn, state)
            mine.append(time.perf_counter() - t0)
            bad += status >= 400
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONCURRENCY)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors[0],
    }


def wrk(url: str, headers: dict[str, str], duration: float) -> dict:
    """One measurement with wrk: requests/s, p50, p99 and the non-2xx responses."""
    import re

    args = ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{int(duration)}s", "--latency"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> dict:
    """The SQLite default and a throwaway PostgreSQL cluster (or BENCH_DATABASE_URL's
    server), each under the same gunicorn."""
    from bench.common import machine
    from tests.pgcluster import create_database, throwaway_cluster

    tmp = Path(tempfile.mkdtemp())
    results = {
        "machine": machine(),
        "concurrency": CONCURRENCY,
        "sqlite": measure(f"sqlite:///{tmp / 'api.db'}", tmp),
    }
    server = os.environ.get("BENCH_DATABASE_URL")
    if server:
        results["postgresql"] = measure(create_database(server, "bench_api"), tmp)
    else:
        with throwaway_cluster() as server:
            results["postgresql"] = measure(create_database(server, "bench_api"), tmp)
    return results


def measure(url: str, tmp: Path) -> dict:
    token, ids = prepare(url)
    port = _free_port()
    env = {
        **os.environ,
        "ASSESS_CONFIG": "production",
        "SECRET_KEY": "bench-not-secret",
        "DATABASE_URL": url,
        "API_RATE_LIMIT": "1000000 per minute",
        "RATELIMIT_PER_PROCESS_ACCEPTED": "1",  # the limit is out of reach anyway
        "ASSESS_INSTANCE_PATH": str(tmp),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {token}"}

        def ceiling(i, conn, state):
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            return r.status

        def get(i, conn, state):
            conn.request("GET", f"/api/v1/assessments/{ids[i]}", headers=auth)
            r = conn.getresponse()
            r.read()
            return r.status

        def patch(i, conn, state):
            if "etag" not in state:
                conn.request("GET", f"/api/v1/assessments/{ids[i]}", headers=auth)
                r = conn.getresponse()
                r.read()
                state["etag"], state["n"] = r.getheader("ETag"), 0
            state["n"] += 1
            body = json.dumps({"answers": {"scope_notes": f"Note {state['n']}"}})
            conn.request(
                "PATCH",
                f"/api/v1/assessments/{ids[i]}",
                body=body,
                headers={**auth, "If-Match": state["etag"], "Content-Type": "application/json"},
            )
            r = conn.getresponse()
            r.read()
            state["etag"] = r.getheader("ETag") or state["etag"]
            return r.status

        run(port, get, 2.0)  # warm up both workers
        results: dict = {"seconds": DURATION}
        base = f"http://127.0.0.1:{port}"
        # The reads first: the PATCH scenario leaves dead row versions behind, and
        # PostgreSQL's autovacuum cleaning them up would share the two cores with the GET.
        rounds = []
        for _ in range(ROUNDS if shutil.which("wrk") else 0):
            ceiling_round = wrk(base + "/healthz", {}, ROUND_SECONDS)
            get_round = wrk(f"{base}/api/v1/assessments/{ids[0]}", auth, ROUND_SECONDS)
            rounds.append(
                {
                    "ceiling_healthz": ceiling_round,
                    "get_assessment": get_round,
                    "ratio": get_round["rps"] / ceiling_round["rps"],
                }
            )
        if rounds:
            results["wrk"] = {
                "rounds": rounds,
                "median_ratio": statistics.median(r["ratio"] for r in rounds),
                **{
                    f"median_{side}_{key}": statistics.median(r[side][key] for r in rounds)
                    for side in ("ceiling_healthz", "get_assessment")
                    for key in ("rps", "p50_ms", "p99_ms")
                },
                "errors": sum(
                    r[s]["errors"] for r in rounds for s in ("ceiling_healthz", "get_assessment")
                ),
            }
        results["ceiling_healthz"] = run(port, ceiling)
        results["get_assessment"] = run(port, get)
        results["patch_assessment"] = run(port, patch)
        for key in ("get_assessment", "patch_assessment"):
            results[key]["ratio_to_ceiling"] = (
                results[key]["rps"] / results["ceiling_healthz"]["rps"]
            )
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
