"""Redis, which holds the API's rate-limit counts, goes down while the application serves
and comes back (issue 16): officials keep working (the limit is a protection, not the
service), each worker counts in its own memory meanwhile, the failure is logged once per
interval (not per request) and shown in /healthz and /metrics; when Redis answers again
the limit is counted there, shared, again. A real redis-server, stopped and started on the
same port (tests/redisserver.py)."""

from __future__ import annotations

import logging
import time

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from assess import rate_limit_storage
from assess.extensions import limiter
from assess.operations.users import issue_token
from tests.conftest import fresh_app, release_app, restore_demo
from tests.redisserver import RedisServer
from tests.support import user

LIMIT = 8
METRICS = "scrape-token-for-tests"


@pytest.fixture
def server():
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def served(request, server):
    app = fresh_app(
        request,
        RATELIMIT_STORAGE_URI=server.url,
        API_RATE_LIMIT=f"{LIMIT} per minute",
        RATELIMIT_DOWN_LOG_SECONDS=3600,
        METRICS_TOKEN=METRICS,
    )
    with app.app_context():
        restore_demo()
        token = issue_token(user("auditor"))
    yield app, {"Authorization": f"Bearer {token}"}
    limiter._storage_dead = False  # the limiter is one object per process: leave it sound
    rate_limit_storage._watch.down_since = None
    release_app(app)


def counted(url: str) -> int:
    """The requests counted in Redis (all windows' keys of the limiter)."""
    client = redis.Redis.from_url(url)
    return sum(int(client.get(k) or 0) for k in client.keys("LIMITS*"))


def storage_up(client) -> float:
    text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS}"}).get_data(
        as_text=True
    )
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "assess_rate_limit_storage_up":
                return sample.value
    raise AssertionError("assess_rate_limit_storage_up not in /metrics")


def down_lines(caplog) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "assess.rate_limit" and r.levelno == logging.ERROR
    ]


def test_redis_going_down_and_back_while_serving(served, server, caplog):
    app, headers = served
    client = app.test_client()
    caplog.set_level(logging.INFO)
    assert [client.get("/api/v1/me", headers=headers).status_code for _ in range(3)] == [200] * 3
    assert counted(server.url) == 3
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert storage_up(client) == 1

    server.stop()
    # Officials keep working: every request answered, and the limit still protects (each
    # worker counting in its own memory, from zero).
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(LIMIT + 2)]
    assert statuses == [200] * LIMIT + [429, 429]
    assert rate_limit_storage.counting_in_memory()
    # Logged loudly once, not once per request, naming Redis and what to check.
    (line,) = down_lines(caplog)
    assert f"127.0.0.1:{server.port}" in line.getMessage()
    assert "unreachable" in line.getMessage() and "RATELIMIT_STORAGE_URI" in line.getMessage()
    # Visible to monitoring; the service itself is still up (200).
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "degraded",
        "redis": "unreachable",
        "rate_limit": "per worker",
    }
    assert storage_up(client) == 0

    server.start()  # the same address; an empty Redis, as after a restart
    deadline = time.monotonic() + 90  # Flask-Limiter re-checks after 1, 2, 4 ... 32 s
    while rate_limit_storage.counting_in_memory() and time.monotonic() < deadline:
        client.get("/healthz")  # not limited: does not count
        client.get("/api/v1/me", headers=headers)
        time.sleep(0.5)
    assert not rate_limit_storage.counting_in_memory()
    assert any(
        r.name == "assess.rate_limit" and "answers again" in r.getMessage() for r in caplog.records
    )
    # Shared again: what is answered now is counted in Redis.
    before = counted(server.url)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert counted(server.url) == before + 1
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert storage_up(client) == 1
    assert len(down_lines(caplog)) == 1


def test_the_down_line_repeats_once_per_interval(served, server, caplog):
    app, headers = served
    app.config["RATELIMIT_DOWN_LOG_SECONDS"] = 0  # every request is a new interval
    client = app.test_client()
    caplog.set_level(logging.INFO)
    server.stop()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert len(down_lines(caplog)) == 3


def test_a_redis_uri_gets_timeouts_unless_given(request, server):
    app = fresh_app(request, RATELIMIT_STORAGE_URI=server.url)
    try:
        assert app.config["RATELIMIT_STORAGE_OPTIONS"] == {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
        }
    finally:
        release_app(app)
    memory = fresh_app(request)
    try:
        assert "RATELIMIT_STORAGE_OPTIONS" not in memory.config
        assert memory.test_client().get("/healthz").get_json() == {"status": "ok"}
    finally:
        release_app(memory)
