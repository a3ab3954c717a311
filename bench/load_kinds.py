"""Each kind of request of the load benchmark alone, in one process (issue 16): what one
request costs without the queue and the other workers around it. The same set-up as
bench/load.py (production configuration, a throwaway PostgreSQL and Redis, the same data),
through the Flask test client; every kind of action is done --warm times first, then each
kind --times times in a row by the officials of every reading role in turn.

    .venv/bin/python -m bench.load_kinds --times 30

Printed (JSON), per kind of request: the median and 90th percentile of its time, the
median of the process's CPU time in it (the client's share is small: the test client
builds and parses in the same process), and the median number of SQL statements it sent.
Run it on two checkouts one after the other to compare them (bench/README.md, issue 16).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.leak_probe import production_app, test_client_transport
from bench.load import prepare, sessions, work_of
from bench.load_mix import READER_ROLES, WEIGHTS, Official


def main() -> dict:
    from sqlalchemy import event

    from bench.common import machine
    from tests.pgcluster import create_database, throwaway_cluster
    from tests.redisserver import throwaway_redis

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", type=int, default=5, help="rounds of every kind first")
    parser.add_argument("--times", type=int, default=30, help="each kind, times in a row")
    args = parser.parse_args()
    results: dict = {"machine": machine(), "load_average_at_start": os.getloadavg()}
    tmp = Path(tempfile.mkdtemp(prefix="assess-kinds-"))
    with throwaway_cluster() as server, throwaway_redis() as redis_url:
        url = create_database(server, "bench_kinds")
        facts = prepare(url)
        app = production_app(url, redis_url, tmp)
        from assess.extensions import db

        with app.app_context():
            engine = db.engine
        sent = [0]

        def count(*_):
            sent[0] += 1

        event.listen(engine, "after_cursor_execute", count)
        client = test_client_transport(app)
        last: dict = {}

        def send(*request):
            cpu, statements = time.process_time(), sent[0]
            answer = client(*request)
            last["cpu"], last["statements"] = time.process_time() - cpu, sent[0] - statements
            return answer

        seen: dict[str, list[tuple]] = {}

        def record(kind, status, elapsed):
            seen.setdefault(kind, []).append((elapsed, last["cpu"], last["statements"], status))

        cookies, work = sessions(send), work_of(facts)
        officials = [
            Official(n, send, facts, cookies, work, record) for n in range(len(READER_ROLES))
        ]
        for _ in range(args.warm):
            for kind in WEIGHTS:
                officials[0].step(kind)
        seen.clear()
        started = time.perf_counter()
        for kind in WEIGHTS:
            for n in range(args.times):
                officials[n % len(officials)].step(kind)
        results["seconds"] = round(time.perf_counter() - started, 1)
        results["kinds"] = {
            kind: {
                "n": len(rows),
                "p50_ms": round(statistics.median(r[0] for r in rows) * 1000, 1),
                "p90_ms": round(sorted(r[0] for r in rows)[int(len(rows) * 0.9)] * 1000, 1),
                "cpu_p50_ms": round(statistics.median(r[1] for r in rows) * 1000, 1),
                "statements_p50": statistics.median(r[2] for r in rows),
                "statuses": _counts(r[3] for r in rows),
            }
            for kind, rows in sorted(seen.items())
        }
    return results


def _counts(statuses) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in statuses:
        out[str(s)] = out.get(str(s), 0) + 1
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
