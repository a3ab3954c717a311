"""Where does a worker's memory go (issue 16)? The load benchmark's mix (bench/load_mix.py)
in one process, through the Flask test client, on the same set-up as bench/load.py
(production configuration, a throwaway PostgreSQL and Redis): every kind of action once per
round. After a warm-up, each kind of action alone --per-kind times, with the heap
(smaps_rollup's Anonymous) before and after; then --rounds rounds of the whole mix under
tracemalloc, whose snapshots before and after are diffed by the line that allocated what is
still held, and the heap every tenth of them.

    .venv/bin/python -m bench.leak_probe --warm 10 --per-kind 40 --rounds 100

What grows with the rounds and is still held at the end is a leak (or a cache without a
bound); what stops growing after the warm-up is warm-up.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.load import folded, prepare, rollup_kib, sessions, work_of
from bench.load_mix import WEIGHTS, Official


def test_client_transport(app):
    client = app.test_client(use_cookies=False)

    def send(method, path, headers, body):
        # As a browser on the HTTPS site the production configuration expects (CSRF checks
        # the referrer of a secure request).
        headers = {"Referer": "https://localhost/", **headers}
        r = client.open(
            path, method=method, headers=headers, data=body, base_url="https://localhost"
        )
        return r.status_code, folded(r.headers.items()), r.get_data().decode("utf-8", "replace")

    return send


def production_app(url: str, redis_url: str, tmp: Path):
    """The application as bench.load's workers run it (the production configuration, the
    PDF/A converter a service of its own and so off), in this process."""
    os.environ.update(
        ASSESS_CONFIG="production",
        SECRET_KEY="bench-not-secret",
        AUDIT_CHECKPOINT_KEY="bench-not-secret",
        DATABASE_URL=url,
        RATELIMIT_STORAGE_URI=redis_url,
        ASSESS_INSTANCE_PATH=str(tmp),
        LOG_LEVEL="WARNING",
        PDF_CONVERTER="off",
    )
    from assess import create_app

    # The configuration classes read the environment when assess.config is first imported,
    # which bench.load.prepare has done already: the settings the workers get from their
    # environment are given again here, or this process would run without a checkpoint key
    # (one statement fewer per audit event) and with LibreOffice's converter.
    return create_app(
        "production",
        AUDIT_CHECKPOINT_KEY="bench-not-secret",
        PDF_CONVERTER="off",
        RATELIMIT_STORAGE_URI=redis_url,
    )


def main() -> dict:
    from bench.common import machine
    from tests.pgcluster import create_database, throwaway_cluster
    from tests.redisserver import throwaway_redis

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", type=int, default=20, help="rounds before the first snapshot")
    parser.add_argument("--per-kind", type=int, default=40, help="each kind alone, times")
    parser.add_argument("--rounds", type=int, default=100, help="rounds between the snapshots")
    parser.add_argument("--top", type=int, default=15, help="lines of the diff to show")
    args = parser.parse_args()
    results: dict = {"machine": machine(), "load_average_at_start": os.getloadavg()}
    tmp = Path(tempfile.mkdtemp(prefix="assess-leak-"))
    with throwaway_cluster() as server, throwaway_redis() as redis_url:
        url = create_database(server, "bench_leak")
        facts = prepare(url)
        app = production_app(url, redis_url, tmp)
        send = test_client_transport(app)
        statuses: dict[str, dict[str, int]] = {}

        def record(kind, status, elapsed):
            counts = statuses.setdefault(kind, {})
            counts[str(status)] = counts.get(str(status), 0) + 1

        official = Official(0, send, facts, sessions(send), work_of(facts), record)
        pid = os.getpid()

        def round_():
            for kind in WEIGHTS:
                official.step(kind)

        curve = []
        for _ in range(args.warm):
            round_()
        gc.collect()
        curve.append(rollup_kib(pid))
        # Which kind grows the heap when it is done over and over, alone?
        per_kind = {}
        for kind in WEIGHTS:
            before = rollup_kib(pid)
            for _ in range(args.per_kind):
                official.step(kind)
            gc.collect()
            after = rollup_kib(pid)
            per_kind[kind] = {
                "anonymous_kib_before": before["anonymous"],
                "anonymous_kib_grown": after["anonymous"] - before["anonymous"],
            }
        results["per_kind"] = per_kind
        curve.append(rollup_kib(pid))
        tracemalloc.start(12)
        round_()
        gc.collect()
        first = tracemalloc.take_snapshot()
        started = time.perf_counter()
        for n in range(args.rounds):
            round_()
            if (n + 1) % max(1, args.rounds // 10) == 0:
                gc.collect()
                curve.append(rollup_kib(pid))
        gc.collect()
        last = tracemalloc.take_snapshot()
        results["seconds"] = round(time.perf_counter() - started, 1)
        results["traced_kib_first_last"] = [
            round(sum(s.size for s in first.statistics("filename")) / 1024),
            round(sum(s.size for s in last.statistics("filename")) / 1024),
        ]
        tracemalloc.stop()
        diff = last.compare_to(first, "traceback")
        results["grown"] = [
            {
                "kib": round(d.size_diff / 1024, 1),
                "blocks": d.count_diff,
                "where": [f"{f.filename}:{f.lineno}" for f in d.traceback][-8:],
            }
            for d in diff[: args.top]
        ]
        results["rollup_kib_after_warm_then_each_tenth"] = curve
        results["statuses"] = statuses
        results["flow_states_end"] = official.work.counts()
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
