"""A morning of officials against the production set-up (issue 16): gunicorn with 4 workers
on PostgreSQL (a throwaway cluster, tests/pgcluster.py) with the API's rate limit in Redis (a
throwaway redis-server, tests/redisserver.py), on loopback, bounded in time.

Run: `.venv/bin/python -m bench.load --minutes 10` (default 1; --users 200).

Each virtual official is a thread that waits a think time (exponential, mean --think
seconds) and then does one request of a kind drawn by weight: the dashboard, a decision's
page, a meeting's page (the agenda), the agenda as a Word document (rendered: the one kind
exempt from the 100 ms target), an API GET of an assessment, an API PATCH of it with
If-Match (a form save; 412 when another official saved first is deliberate), and the
download of a stored document. The web pages are read in signed-in sessions (a pool of
sessions shared by the officials: one log-in per official would measure argon2).

Recorded: requests and throughput, p50/p95/p99 per kind, statuses that are errors (every
status >= 400 but the deliberate 409/412/422), each worker's RSS at the start and the end,
and the ceiling of /healthz on the same server (20 threads, no think time) before and after.
Not yet in the mix: submits, reviews and impact-cell saves through the web forms.
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

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
SESSIONS = 6  # signed-in web sessions, shared by the officials
TOKENS = 20  # API tokens, shared by the officials
ASSESSMENTS = 20  # assessments the API PATCHes go to
DELIBERATE = {409, 412, 422}
DOCUMENT_KINDS = {"agenda_docx"}
WEIGHTS = {
    "dashboard": 20,
    "decision_page": 15,
    "meeting_page": 8,
    "agenda_docx": 2,
    "api_get": 20,
    "api_patch": 15,
    "document_download": 5,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str) -> dict:
    """The demo with its scenario (documents, a meeting), ASSESSMENTS prepared assessments
    and TOKENS API tokens; the ids the officials use."""
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
        assessments = []
        for n in range(ASSESSMENTS):
            d = decision_ops.create_decision(
                user("preparer"),
                case_number=f"LOAD/{n}",
                title=f"Load {n}",
                language="fi",
                body_id=1,
                proposal="",
            )
            assessments.append(prepared(user("preparer"), d).id)
        facts = {
            "tokens": tokens,
            "assessments": assessments,
            "decisions": list(db.session.scalars(select(Decision.id))),
            "meetings": list(db.session.scalars(select(Meeting.id))),
            "documents": list(db.session.scalars(select(Document.id))),
        }
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    return facts


def sign_in(port: int, email: str, password: str) -> str:
    """A signed-in session's Cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    r = conn.getresponse()
    page = r.read().decode()
    cookie = _cookies(r, {})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert token, "no CSRF token on /login"
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token[1]})
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _header(cookie),
        },
    )
    r = conn.getresponse()
    r.read()
    assert r.status == 302, f"sign-in of {email}: {r.status}"
    cookie = _cookies(r, cookie)
    conn.close()
    return _header(cookie)


def _cookies(response, jar: dict) -> dict:
    jar = dict(jar)
    for value in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(p) for p in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


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


class Official(threading.Thread):
    def __init__(self, n: int, port: int, facts: dict, cookies: list[str], stop: float, out):
        super().__init__(daemon=True)
        self.n, self.port, self.facts, self.cookies, self.stop, self.out = (
            n,
            port,
            facts,
            cookies,
            stop,
            out,
        )
        self.random = random.Random(n)
        self.etags: dict[int, str] = {}
        self.saves = 0

    def request(self, method, path, headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            r.read()
            return r.status, r.getheader("ETag")
        finally:
            conn.close()

    def run(self):
        kinds, weights = zip(*WEIGHTS.items(), strict=True)
        f = self.facts
        auth = {"Authorization": f"Bearer {f['tokens'][self.n % len(f['tokens'])]}"}
        web = {"Cookie": self.cookies[self.n % len(self.cookies)]}
        while True:
            wait = self.random.expovariate(1 / self.out["think"])
            if time.perf_counter() + wait >= self.stop:
                return
            time.sleep(wait)
            kind = self.random.choices(kinds, weights)[0]
            pick = self.random.choice
            t0 = time.perf_counter()
            if kind == "dashboard":
                status, _ = self.request("GET", "/", web)
            elif kind == "decision_page":
                status, _ = self.request("GET", f"/decisions/{pick(f['decisions'])}", web)
            elif kind == "meeting_page":
                status, _ = self.request("GET", f"/meetings/{pick(f['meetings'])}", web)
            elif kind == "agenda_docx":
                status, _ = self.request("GET", f"/meetings/{pick(f['meetings'])}/agenda.docx", web)
            elif kind == "api_get":
                a = pick(f["assessments"])
                status, etag = self.request("GET", f"/api/v1/assessments/{a}", auth)
                if etag:
                    self.etags[a] = etag
            elif kind == "document_download":
                status, _ = self.request("GET", f"/api/v1/documents/{pick(f['documents'])}", auth)
            else:  # api_patch
                a = pick(f["assessments"])
                if a not in self.etags:
                    _, etag = self.request("GET", f"/api/v1/assessments/{a}", auth)
                    self.etags[a] = etag or '"0"'
                    t0 = time.perf_counter()
                self.saves += 1
                body = json.dumps({"answers": {"scope_notes": f"Official {self.n}, {self.saves}"}})
                status, etag = self.request(
                    "PATCH",
                    f"/api/v1/assessments/{a}",
                    {**auth, "If-Match": self.etags[a], "Content-Type": "application/json"},
                    body,
                )
                if etag and status == 200:
                    self.etags[a] = etag
                else:
                    self.etags.pop(a, None)
            elapsed = time.perf_counter() - t0
            with self.out["lock"]:
                self.out["latencies"].setdefault(kind, []).append(elapsed)
                self.out["statuses"].setdefault(kind, {}).setdefault(str(status), 0)
                self.out["statuses"][kind][str(status)] += 1


def measure(url: str, redis_url: str, tmp: Path, minutes: float, users: int, think: float):
    facts = prepare(url)
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
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
        + ["--timeout", "120", "--log-level", "warning", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise RuntimeError((tmp / "gunicorn.log").read_text()[-3000:])
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 180 s") from None
                time.sleep(0.2)
        from tests.support import DEMO_PASSWORDS

        roles = ["preparer", "reviewer", "secretary", "coordinator", "auditor", "admin"]
        cookies = [sign_in(port, *DEMO_PASSWORDS[r]) for r in roles[:SESSIONS]]
        ceiling(port, 5)  # warm every worker up
        results: dict = {"ceiling_before": ceiling(port, 15)}
        pids = worker_pids(server.pid)
        results["rss_start_kib"] = {str(p): rss_kib(p) for p in pids}
        out = {"lock": threading.Lock(), "latencies": {}, "statuses": {}, "think": think}
        stop = time.perf_counter() + minutes * 60
        started = time.perf_counter()
        load_before = os.getloadavg()
        officials = [Official(n, port, facts, cookies, stop, out) for n in range(users)]
        for o in officials:
            o.start()
        for o in officials:
            o.join()
        elapsed = time.perf_counter() - started
        results["load_average_before_after"] = [load_before, os.getloadavg()]
        results["rss_end_kib"] = {str(p): rss_kib(p) for p in pids}
        results["workers_replaced"] = sorted(worker_pids(server.pid)) != pids
        results["ceiling_after"] = ceiling(port, 15)
        total = sum(len(v) for v in out["latencies"].values())
        results["requests"] = total
        results["seconds"] = round(elapsed, 1)
        results["rps"] = round(total / elapsed, 1)
        results["kinds"] = {
            k: {**_percentiles(v), "statuses": out["statuses"][k]}
            for k, v in sorted(out["latencies"].items())
        }
        results["errors"] = {
            k: {s: n for s, n in st.items() if int(s) >= 400 and int(s) not in DELIBERATE}
            for k, st in out["statuses"].items()
        }
        results["errors"] = {k: v for k, v in results["errors"].items() if v}
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def main() -> dict:
    from bench.common import machine
    from tests.pgcluster import create_database, throwaway_cluster
    from tests.redisserver import throwaway_redis

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, default=3.0, help="mean think time, seconds")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="assess-load-"))
    results = {
        "machine": machine(),
        "load_average_at_start": os.getloadavg(),
        "workers": WORKERS,
        "users": args.users,
        "think_seconds": args.think,
        "minutes": args.minutes,
    }
    with throwaway_cluster() as server, throwaway_redis() as redis_url:
        results.update(
            measure(
                create_database(server, "bench_load"),
                redis_url,
                tmp,
                args.minutes,
                args.users,
                args.think,
            )
        )
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
