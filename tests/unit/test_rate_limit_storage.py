"""The API's rate-limit storages: ours in process memory (one process only, no thread per
request, limits' public API), and when several workers would count alone."""

from __future__ import annotations

import threading
import time

import pytest
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from assess.extensions import ProcessMemoryStorage, per_process_limit_problem, shared_storage


@pytest.fixture
def threads_started(monkeypatch):
    started: list[threading.Thread] = []
    original = threading.Thread.start

    def counting_start(self):
        started.append(self)
        original(self)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    return started


def _hit_for(storage, seconds: float) -> None:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        storage.incr("token:x", 60)
        time.sleep(0.002)


def test_the_library_memory_storage_starts_a_sweep_thread_on_nearly_every_hit(threads_started):
    # Why ours exists; if a release of limits stops doing this, `memory://` can replace it.
    _hit_for(MemoryStorage(), 0.4)
    assert len(threads_started) > 10


def test_ours_starts_no_thread(threads_started):
    storage = storage_from_string("assess-memory://")
    assert isinstance(storage, ProcessMemoryStorage)
    _hit_for(storage, 0.4)
    assert threads_started == []


def test_ours_patches_nothing_private_of_the_library():
    assert not any("_MemoryStorage__" in name for name in vars(ProcessMemoryStorage))
    assert not issubclass(ProcessMemoryStorage, MemoryStorage)


def test_ours_counts_refuses_and_forgets_an_expired_window():
    storage = ProcessMemoryStorage()
    limiter = FixedWindowRateLimiter(storage)
    limit = RateLimitItemPerSecond(3, 1)
    assert [limiter.hit(limit, "token:x") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(limit, "token:y"), "another key has its own allowance"
    stats = limiter.get_window_stats(limit, "token:x")
    assert stats.remaining == 0 and stats.reset_time > time.time()
    time.sleep(1.05)
    assert limiter.hit(limit, "token:x"), "a new window starts after the old one expires"
    assert limiter.get_window_stats(limit, "token:x").remaining == 2


def test_ours_counts_exactly_under_threads():
    storage = ProcessMemoryStorage()

    def hits():
        for _ in range(500):
            storage.incr("token:x", 60)

    threads = [threading.Thread(target=hits) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert storage.get("token:x") == 4000


def test_the_sweep_frees_keys_nobody_asks_for_again():
    storage = ProcessMemoryStorage()
    storage.incr("token:gone", 0.05)
    time.sleep(0.1)
    storage._next_sweep = 0.0  # as if a second had passed
    storage.incr("token:other", 60)
    assert "token:gone" not in storage.counts and "token:gone" not in storage.expirations
    assert storage.get("token:other") == 1
    storage.clear("token:other")
    assert storage.get("token:other") == 0
    storage.incr("token:a", 60)
    assert storage.reset() == 1 and storage.counts == {}


def test_the_app_uses_it_unless_configured_otherwise():
    from assess import create_app
    from assess.extensions import limiter

    app = create_app("testing")
    with app.app_context():
        assert isinstance(limiter.storage, ProcessMemoryStorage)


def test_a_redis_uri_makes_limits_own_redis_storage():
    # The documented RATELIMIT_STORAGE_URI=redis://... needs the redis package (issue 16: it
    # was not a dependency, and the app failed at start). No server is needed to build it.
    storage = storage_from_string("redis://127.0.0.1:1/0")
    assert isinstance(storage, RedisStorage)


@pytest.mark.parametrize(
    ("uri", "shared"),
    [
        ("assess-memory://", False),
        ("memory://", False),
        ("MEMORY://", False),
        ("redis://127.0.0.1:6379/0", True),
        ("rediss://redis.example:6380/1", True),
        ("redis+sentinel://s1:26379/mymaster", True),
    ],
)
def test_which_storages_are_shared(uri, shared):
    assert shared_storage(uri) is shared


def test_several_workers_with_the_memory_storage_is_a_problem_that_names_the_fix():
    assert per_process_limit_problem("assess-memory://", 1) is None
    assert per_process_limit_problem("redis://127.0.0.1:6379/0", 8) is None
    problem = per_process_limit_problem("assess-memory://", 4)
    assert problem is not None
    assert "4 workers" in problem and "4 times" in problem
    assert "RATELIMIT_STORAGE_URI" in problem and "redis://" in problem
