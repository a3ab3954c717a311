"""A morning of officials against the production set-up (issue 16): gunicorn with 4 workers
on PostgreSQL (a throwaway cluster, tests/pgcluster.py) with the API's rate limit in Redis (a
throwaway redis-server, tests/redisserver.py), on loopback, bounded in time.

The lead's run on a quiet host (bench/README.md, issue 16):

    .venv/bin/python -m bench.load --minutes 10 --think 10 > load.json

Each virtual official is a thread that waits a think time (exponential, mean --think
seconds) and then does one action drawn by weight (bench/load_mix.py says which and how):
reads of pages, the API and documents, and the writes officials make through the web
forms (impact-cell saves, submits, reviews that return or approve, reopening), with CSRF,
in signed-in sessions (one per role, shared by the officials: one log-in per official would
measure argon2).

Before the run, every worker is warmed up twice: /healthz (the lead's earlier "start"),
then every kind of action WARM_ROUNDS times from WORKERS concurrent clients, so that each
worker has served each kind (imports on first use, templates compiled, catalogues,
statement caches filled) before the steady morning is measured.

Printed (JSON): requests and throughput; p50/p95/p99 per kind of request; statuses that
are errors (every status >= 400 but the deliberate 409/412/422) by kind; each worker's RSS
(VmRSS, KiB) after boot, after the warm-up and at the end, with the growth from each, and
sampled every --sample seconds through the run (the curve: does it level off?); the
FLOW assessments' states at the end; the ceiling of /healthz (20 threads, no think time)
before and after; and the server's own view (its /metrics histogram, taken before and after
the run): per route, the share of requests it answered within 100 ms, which leaves out the
queue before a worker accepts a request and the client's time, both in the client's
figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import IO

from bench.load_mix import DELIBERATE, DOCUMENT_KINDS, WEIGHTS, Official, Work

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
TOKENS = 20  # API tokens, shared by the officials
ASSESSMENTS = 20  # assessments the API PATCHes go to
FLOW = 30  # assessments the web forms submit, review, approve and reopen
WARM_ROUNDS = 3  # each kind of action this many times per worker before the run
METRICS_TOKEN = "bench-metrics-not-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str) -> dict:
    """The demo with its scenario (documents, a meeting), ASSESSMENTS prepared assessments
    for the API, FLOW prepared assessments for the web forms and TOKENS API tokens; the ids
    the officials use."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from assess import create_app
    from assess.extensions import db
    from assess.models import Decision, Document, Meeting
    from assess.operations import decisions as decision_ops
    from assess.operations.demo import load_demo
    from assess.operations.demo_scenario import load_scenario
    from assess.operations.users import issue_token
    from tests.support import prepared, user

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), app.test_request_context():
        upgrade()
        load_demo()
        load_scenario()
        tokens = [issue_token(user("preparer")) for _ in range(TOKENS)]

        def make(prefix: str, n: int):
            d = decision_ops.create_decision(
                user("preparer"),
                case_number=f"{prefix}/{n}",
                title=f"{prefix} {n}",
                language="fi",
                body_id=1,
                proposal="",
            )
            return prepared(user("preparer"), d)

        assessments = [make("LOAD", n).id for n in range(ASSESSMENTS)]
        flow = [make("FLOW", n) for n in range(FLOW)]
        facts = {
            "tokens": tokens,
            "assessments": assessments,
            "flow": {str(a.id): [a.decision_id, a.state] for a in flow},
            "decisions": list(db.session.scalars(select(Decision.id))),
            "meetings": list(db.session.scalars(select(Meeting.id))),
            "documents": list(db.session.scalars(select(Document.id))),
        }
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    return facts


def work_of(facts: dict) -> Work:
    flow = {int(a): v for a, v in facts["flow"].items()}
    return Work({a: s for a, (_, s) in flow.items()}, {a: d for a, (d, _) in flow.items()})


def http_transport(port: int):
    """Send one request on a new connection (as browsers behind a proxy mostly do)."""

    def send(method, path, headers, body):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            text = r.read().decode("utf-8", "replace")
            return r.status, folded(r.getheaders()), text
        finally:
            conn.close()

    return send


def folded(pairs) -> dict[str, str]:
    """Response headers as a dict; a repeated one (Set-Cookie) joined with newlines."""
    out: dict[str, str] = {}
    for name, value in pairs:
        out[name] = f"{out[name]}\n{value}" if name in out else value
    return out


def sign_in(send, email: str, password: str) -> str:
    """A signed-in session's Cookie header."""
    status, headers, page = send("GET", "/login", {}, None)
    cookie = _cookies(headers, {})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert token, "no CSRF token on /login"
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token[1]})
    status, headers, answer = send(
        "POST",
        "/login",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": _header(cookie)},
        body,
    )
    assert status == 302, f"sign-in of {email}: {status}: {answer[:2000]}"
    cookie = _cookies(headers, cookie)
    # Log-in starts a fresh session; its CSRF secret comes with the first page after it.
    _, headers, _ = send("GET", "/", {"Cookie": _header(cookie)}, None)
    return _header(_cookies(headers, cookie))


def _cookies(headers: dict, jar: dict) -> dict:
    jar = dict(jar)
    for value in headers.get("Set-Cookie", "").split("\n"):
        if "=" in value:
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sessions(send) -> dict[str, str]:
    from bench.load_mix import READER_ROLES
    from tests.support import DEMO_PASSWORDS

    return {r: sign_in(send, *DEMO_PASSWORDS[r]) for r in READER_ROLES}


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(p) for p in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rollup_kib(pid: int) -> dict[str, int]:
    """Rss, Pss and Anonymous (the heap: what a leak grows) from smaps_rollup."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss", "Anonymous"):
            out[name.lower()] = int(rest.split()[0])
    return out


class Sampler(threading.Thread):
    """Every worker's RSS every ``every`` seconds, until stopped."""

    def __init__(self, pids: list[int], every: float):
        super().__init__(daemon=True)
        self.pids, self.every, self.started = pids, every, time.perf_counter()
        self.samples: list[dict] = []
        self.halt = threading.Event()

    def sample(self) -> None:
        row: dict = {"t": round(time.perf_counter() - self.started)}
        for p in self.pids:
            try:
                row[str(p)] = rss_kib(p)
            except OSError:
                row[str(p)] = None
        self.samples.append(row)

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.sample()


def ceiling(port: int, seconds: float, threads: int = 20) -> dict:
    """/healthz from ``threads`` threads without think time: the server's ceiling."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t0)
            bad += r.status != 200
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"rps": len(latencies) / (time.perf_counter() - started), **_percentiles(latencies)}


def _percentiles(latencies: list[float]) -> dict:
    if not latencies:
        return {"n": 0}
    ordered = sorted(latencies)

    def at(q):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 1)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
    }


class Recorder:
    """Latencies and statuses per kind of request, from every official's thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[str, int]] = {}

    def __call__(self, kind: str, status: int, elapsed: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            counts = self.statuses.setdefault(kind, {})
            counts[str(status)] = counts.get(str(status), 0) + 1

    def kinds(self) -> dict:
        return {
            k: {
                **_percentiles(v),
                "statuses": self.statuses[k],
                **({"document_rendering": True} if k in DOCUMENT_KINDS else {}),
            }
            for k, v in sorted(self.latencies.items())
        }

    def errors(self) -> dict:
        found = {
            k: {s: n for s, n in st.items() if int(s) >= 400 and int(s) not in DELIBERATE}
            for k, st in self.statuses.items()
        }
        return {k: v for k, v in found.items() if v}


def warm_up(send, facts, cookies, work: Work, rounds: int) -> Recorder:
    """Every kind of action ``rounds`` times from WORKERS clients at once: with all four
    busy together, each request lands on another worker."""
    recorder = Recorder()
    kinds = list(WEIGHTS)

    def client(c: int):
        official = Official(10_000 + c, send, facts, cookies, work, recorder)
        for _ in range(rounds):
            for kind in kinds:
                official.step(kind)

    pool = [threading.Thread(target=client, args=(c,)) for c in range(WORKERS)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return recorder


def official_thread(official: Official, stop: float, think: float) -> threading.Thread:
    def run():
        pace = random.Random(official.n + 1_000_000)
        while True:
            wait = pace.expovariate(1 / think)
            if time.perf_counter() + wait >= stop:
                return
            time.sleep(wait)
            official.step()

    return threading.Thread(target=run, daemon=True)


def _growth(before: dict, after: dict) -> dict:
    return {
        p: round(100 * (after[p] - before[p]) / before[p], 1)
        for p in before
        if before[p] and after.get(p)
    }


def start_server(
    url: str, redis_url: str, tmp: Path, converter: str = "off"
) -> tuple[subprocess.Popen, int, IO[bytes]]:
    port = _free_port()
    log = (tmp / "gunicorn.log").open("wb")
    env = {
        **os.environ,
        "ASSESS_CONFIG": "production",
        "SECRET_KEY": "bench-not-secret",
        "AUDIT_CHECKPOINT_KEY": "bench-not-secret",
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "ASSESS_INSTANCE_PATH": str(tmp),
        "LOG_LEVEL": "WARNING",
        # The server's own view of each route's time (``server_view``).
        "PROMETHEUS_MULTIPROC_DIR": str(_fresh(tmp / "metrics")),
        "METRICS_TOKEN": METRICS_TOKEN,
        # LibreOffice's PDF/A conversion is a service of its own in the recommended set-up
        # (docs/deployment.md, "The PDF/A converter"; compose's `converter`); here it would
        # share the two cores with everything measured. --converter local puts it back.
        "PDF_CONVERTER": converter,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
        + ["--timeout", "120", "--log-level", "warning", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            raise RuntimeError((tmp / "gunicorn.log").read_text()[-3000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server, port, log
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("gunicorn did not start within 180 s") from None
            time.sleep(0.2)


def _fresh(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    return directory


def latency_buckets(port: int) -> dict[str, dict[float, float]]:
    """The server's histogram of request times (``/metrics``): per method and route, the
    number of requests answered within each bound, in seconds."""
    from prometheus_client.parser import text_string_to_metric_families

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    out: dict[str, dict[float, float]] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "assess_http_request_duration_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                route = f"{sample.labels['method']} {sample.labels['route']}"
                out.setdefault(route, {})[float(sample.labels["le"])] = sample.value
    return out


def server_view(before: dict, after: dict) -> dict:
    """Per route, the requests of the run and the share the server answered within 100 ms,
    from its first hook to its response (the queue before a worker accepts a request, and
    the client's own time, are not in it: the client's figures are)."""
    view = {}
    for route, counts in sorted(after.items()):
        earlier = before.get(route, {})
        total = counts[float("inf")] - earlier.get(float("inf"), 0)
        if total <= 0:
            continue
        within = counts[0.1] - earlier.get(0.1, 0)
        view[route] = {"n": int(total), "within_100_ms_pct": round(100 * within / total, 1)}
    return view


def measure(url: str, redis_url: str, tmp: Path, args) -> dict:
    facts = prepare(url)
    server, port, log = start_server(url, redis_url, tmp, args.converter)
    try:
        send = http_transport(port)
        cookies = sessions(send)
        work = work_of(facts)
        ceiling(port, 5)  # every worker up and its first requests served
        results: dict = {"ceiling_before": ceiling(port, 15)}
        pids = worker_pids(server.pid)
        results["rss_boot_kib"] = {str(p): rss_kib(p) for p in pids}
        warm = warm_up(send, facts, cookies, work, args.warm_rounds)
        results["warm_up"] = {"rounds_per_worker": args.warm_rounds, "errors": warm.errors()}
        results["rss_warm_kib"] = {str(p): rss_kib(p) for p in pids}
        results["rollup_warm_kib"] = {str(p): rollup_kib(p) for p in pids}
        sampler = Sampler(pids, args.sample)
        sampler.sample()
        sampler.start()
        recorder = Recorder()
        buckets_before = latency_buckets(port)
        stop = time.perf_counter() + args.minutes * 60
        started = time.perf_counter()
        load_before = os.getloadavg()
        threads = [
            official_thread(Official(n, send, facts, cookies, work, recorder), stop, args.think)
            for n in range(args.users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        results["server_view"] = server_view(buckets_before, latency_buckets(port))
        sampler.halt.set()
        sampler.join()
        sampler.sample()
        results["load_average_before_after"] = [load_before, os.getloadavg()]
        results["rss_end_kib"] = {str(p): rss_kib(p) for p in pids}
        results["rollup_end_kib"] = {str(p): rollup_kib(p) for p in pids}
        results["rss_growth_pct_from_boot"] = _growth(
            results["rss_boot_kib"], results["rss_end_kib"]
        )
        results["rss_growth_pct_from_warm"] = _growth(
            results["rss_warm_kib"], results["rss_end_kib"]
        )
        results["rss_samples_kib"] = sampler.samples
        results["workers_replaced"] = sorted(worker_pids(server.pid)) != pids
        results["flow_states_end"] = work.counts()
        results["ceiling_after"] = ceiling(port, 15)
        total = sum(len(v) for v in recorder.latencies.values())
        results["requests"] = total
        results["seconds"] = round(elapsed, 1)
        results["rps"] = round(total / elapsed, 1)
        results["kinds"] = recorder.kinds()
        results["errors"] = recorder.errors()
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def main() -> dict:
    from bench.common import machine
    from tests.pgcluster import create_database, throwaway_cluster
    from tests.redisserver import throwaway_redis

    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="The lead's 10-minute run: python -m bench.load --minutes 10 --think 10",
    )
    parser.add_argument("--minutes", type=float, default=1.0, help="length of the run")
    parser.add_argument("--users", type=int, default=200, help="virtual officials")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time, seconds")
    parser.add_argument(
        "--sample", type=float, default=10.0, help="seconds between RSS samples of the workers"
    )
    parser.add_argument(
        "--warm-rounds",
        type=int,
        default=WARM_ROUNDS,
        help="each kind of action this many times per worker before the run",
    )
    parser.add_argument(
        "--converter",
        default="off",
        help="the server's PDF_CONVERTER: off (the default: the converter is a service of its "
        "own, elsewhere), local (each worker's own LibreOffice, on the measured cores) or a "
        "unoserver URL",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="assess-load-"))
    results = {
        "machine": machine(),
        "load_average_at_start": os.getloadavg(),
        "workers": WORKERS,
        "users": args.users,
        "think_seconds": args.think,
        "minutes": args.minutes,
        "weights": WEIGHTS,
        "converter": args.converter,
    }
    with throwaway_cluster() as server, throwaway_redis() as redis_url:
        results.update(measure(create_database(server, "bench_load"), redis_url, tmp, args))
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
