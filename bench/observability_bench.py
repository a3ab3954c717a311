"""What a request's log line and metrics cost (issue 16): `/healthz` in-process (Flask's
test client, in-memory SQLite) with the JSON request line on and off, alternating, and the
metric updates of one request alone. Run: `.venv/bin/python -m bench.observability_bench`.

The log lines go to /dev/null (a log shipper reading a pipe costs more or less than that);
the metrics are counted in both variants (their hook is always on), so their own cost is
measured apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

ROUNDS = 7
REQUESTS = 1000
UPDATES = 100_000


def app_with(log_requests: bool):
    from sqlalchemy.pool import StaticPool

    from assess import create_app

    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_ENGINE_OPTIONS={
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        },
        LOG_REQUESTS=log_requests,
        LOG_FORMAT="json",
    )


def per_request_us(app) -> float:
    client = app.test_client()
    client.get("/healthz")
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get("/healthz", headers={"X-Request-ID": "bench-1"})
    return (time.perf_counter() - started) / REQUESTS * 1e6


def metric_updates_us() -> float:
    from assess.metrics import LATENCY, REQUESTS

    started = time.perf_counter()
    for _ in range(UPDATES):
        REQUESTS.labels("GET", "/healthz", "200").inc()
        LATENCY.labels("GET", "/healthz").observe(0.0042)
    return (time.perf_counter() - started) / UPDATES * 1e6


def main() -> None:
    quiet, logged = app_with(False), app_with(True)
    real_stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115
    try:
        off, on = [], []
        for _ in range(ROUNDS):
            off.append(per_request_us(quiet))
            on.append(per_request_us(logged))
        updates = [metric_updates_us() for _ in range(ROUNDS)]
    finally:
        sys.stderr.close()
        sys.stderr = real_stderr
    m_off, m_on = statistics.median(off), statistics.median(on)
    print(f"load average: {os.getloadavg()}")
    print(f"/healthz in-process, request line off: median {m_off:.0f} µs ({ROUNDS} x {REQUESTS})")
    print(f"/healthz in-process, JSON request line on: median {m_on:.0f} µs")
    print(f"ratio on/off: {m_on / m_off:.3f} (+{m_on - m_off:.0f} µs a request)")
    print(
        f"metric updates of one request (counter + histogram): {statistics.median(updates):.1f} µs"
    )


if __name__ == "__main__":
    main()
