"""The API's rate-limit storage: the library's counting, without a thread per request."""

from __future__ import annotations

import threading
import time

import limits.storage.memory
import pytest
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from assess.extensions import SweepingMemoryStorage


@pytest.fixture
def timers_started(monkeypatch):
    started: list[threading.Timer] = []

    class CountingTimer(threading.Timer):
        def start(self):
            started.append(self)
            super().start()

    monkeypatch.setattr(limits.storage.memory.threading, "Timer", CountingTimer)
    return started


def _hit_for(storage, seconds: float) -> None:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        storage.incr("token:x", 60)
        time.sleep(0.002)


def test_the_library_storage_starts_a_sweep_thread_on_nearly_every_hit(timers_started):
    # Why the subclass exists; if a release of limits stops doing this, it can go.
    _hit_for(MemoryStorage(), 0.4)
    assert len(timers_started) > 10


def test_ours_sweeps_at_most_once_a_second(timers_started):
    storage = storage_from_string("assess-memory://")
    assert isinstance(storage, SweepingMemoryStorage)
    _hit_for(storage, 0.4)
    # One from the constructor, one for the first hit; none for the other hits. If limits
    # renames its private hook, the library's own runs again and this fails.
    assert len(timers_started) <= 2


def test_ours_still_counts_refuses_and_forgets_an_expired_window():
    storage = SweepingMemoryStorage()
    limiter = FixedWindowRateLimiter(storage)
    limit = RateLimitItemPerSecond(3, 1)
    assert [limiter.hit(limit, "token:x") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(limit, "token:y"), "another key has its own allowance"
    time.sleep(1.05)
    assert limiter.hit(limit, "token:x"), "a new window starts after the old one expires"


def test_the_sweep_frees_keys_nobody_asks_for_again():
    storage = SweepingMemoryStorage()
    storage.incr("token:gone", 0.05)
    time.sleep(0.1)
    storage._next_sweep = 0.0  # as if a second had passed
    storage.incr("token:other", 60)
    deadline = time.monotonic() + 2
    while "token:gone" in storage.storage and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "token:gone" not in storage.storage
    assert storage.get("token:other") == 1


def test_the_app_uses_it_unless_configured_otherwise():
    from assess import create_app
    from assess.extensions import limiter

    app = create_app("testing")
    with app.app_context():
        assert isinstance(limiter.storage, SweepingMemoryStorage)
