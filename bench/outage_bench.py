"""A ten-second database outage under gunicorn (2 workers) on PostgreSQL (issue 15, item 8):
what the API and a page answer while the server is stopped, and how many log lines the
outage writes while wrk sends requests to both. Run: `.venv/bin/python -m bench.outage_bench`.

The PostgreSQL cluster is a throwaway one (tests/pgcluster.py); it is stopped with
`pg_ctl stop -m fast` after a signed-in page and the API have been answered once.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.api_bench import _free_port

SECONDS = 10
CONNECTIONS = 8  # per wrk: one on the API, one on a page


def prepare(url: str) -> tuple[str, str]:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from assess import create_app
    from assess.extensions import db
    from assess.operations.demo import load_demo
    from assess.operations.users import issue_token
    from tests.support import user

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), app.test_request_context():
        upgrade()
        load_demo()
        token = issue_token(user("preparer"))
        datadir = db.session.execute(text("SHOW data_directory")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return token, datadir


def sign_in(port: int) -> str:
    """The Cookie header of a signed-in preparer, through the log-in form (by hand: the
    production configuration's cookies are Secure, which a cookie jar keeps off http)."""
    cookies: dict[str, str] = {}

    def call(method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key] = rest.split(";", 1)[0]
        return r.status, r.read().decode(errors="replace")

    _, page = call("GET", "/login")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": "preparer@demo.example", "password": "demo-preparer-2026", "csrf_token": csrf}
    status, _ = call("POST", "/login", urllib.parse.urlencode(form))
    assert status == 302, status
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def sample(port: int, path: str, headers: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    return {
        "status": r.status,
        "type": r.getheader("Content-Type"),
        "retry_after": r.getheader("Retry-After"),
        "body": body[:120].decode(errors="replace"),
    }


def wrk(url: str, headers: dict) -> subprocess.Popen:
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    return subprocess.Popen([*args, url], stdout=subprocess.PIPE, text=True)


def requests_of(out: str) -> tuple[int, int]:
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return total, int(non2xx.group(1)) if non2xx else 0


def main() -> dict:
    from tests.pgcluster import PG_BIN_DIRS, create_database, throwaway_cluster

    tmp = Path(tempfile.mkdtemp())
    with throwaway_cluster() as server:
        url = create_database(server, "bench_outage")
        token, datadir = prepare(url)
        port = _free_port()
        log = tmp / "gunicorn.log"
        env = {
            **os.environ,
            "ASSESS_CONFIG": "production",
            "SECRET_KEY": "bench-not-secret",
            "DATABASE_URL": url,
            "API_RATE_LIMIT": "1000000 per minute",
            "RATELIMIT_PER_PROCESS_ACCEPTED": "1",  # the limit is out of reach anyway
            "ASSESS_INSTANCE_PATH": str(tmp),
        }
        with log.open("wb") as errors:
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
                + ["--log-level", "warning", "wsgi:app"],
                env=env,
                cwd=Path(__file__).resolve().parent.parent,
                stderr=errors,
            )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                    break
                except OSError:
                    time.sleep(0.1)
            cookie = {"Cookie": sign_in(port), "Accept-Language": "sv"}
            api = {"Authorization": f"Bearer {token}", "Accept-Language": "sv"}
            before = {"api": sample(port, "/api/v1/me", api), "page": sample(port, "/", cookie)}
            prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            pg_ctl = str(PG_BIN_DIRS[0] / "pg_ctl")
            subprocess.run([*prefix, pg_ctl, "-D", datadir, "-m", "fast", "-w", "stop"], check=True)
            offset = log.stat().st_size
            runs = [wrk(base + "/api/v1/me", api), wrk(base + "/", cookie)]
            outs = [r.communicate()[0] for r in runs]
            during = {"api": sample(port, "/api/v1/me", api), "page": sample(port, "/", cookie)}
            time.sleep(1)  # what the workers still write
            written = log.read_bytes()[offset:]
        finally:
            gunicorn.terminate()
            gunicorn.wait()
    (api_total, api_bad), (page_total, page_bad) = (requests_of(o) for o in outs)
    return {
        "before": before,
        "during": during,
        "requests": {"api": api_total, "page": page_total},
        "non_2xx_3xx": {"api": api_bad, "page": page_bad},
        "log_lines": written.count(b"\n"),
        "log_bytes": len(written),
        # The records' first lines (a traceback follows some of them).
        "records": [
            line[:200]
            for line in written.decode(errors="replace").splitlines()
            if line.startswith("[")
        ],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2, ensure_ascii=False))
