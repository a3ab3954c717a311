"""The API's rate limit when its shared storage (Redis) cannot be reached (issue 16).

The limit protects the service; it is not the service. With ``RATELIMIT_STORAGE_URI`` on
Redis, Flask-Limiter's in-memory fallback is on (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``):
when a request finds Redis unreachable, that worker counts the same limit in its own memory
(each worker alone, as with ``assess-memory://``), keeps answering, and checks Redis again
now and then (after 1, 2, 4 … 32 seconds), going back to it once it answers. This module
makes that visible: an ERROR log line (JSON in production) when a worker falls back and
again every ``RATELIMIT_DOWN_LOG_SECONDS`` while it stays so, not one per request; a
WARNING when Redis answers again; the gauge ``assess_rate_limit_storage_up`` in /metrics;
and /healthz says ``degraded`` naming Redis. (docs/shared-state.md)
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app
from prometheus_client import Gauge

from .extensions import limiter

SHARED_SCHEMES = ("redis", "rediss", "redis+sentinel", "redis+cluster", "redis+unix")

UP = Gauge(
    "assess_rate_limit_storage_up",
    "1 when the API's rate-limit storage (Redis) answers; 0 while a worker counts in its "
    "own memory because Redis is unreachable (the lowest over live workers).",
    multiprocess_mode="livemin",
)

log = logging.getLogger("assess.rate_limit")


class _Watch:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.last_logged = 0.0


_watch = _Watch()


def is_shared(uri: str | None) -> bool:
    return (uri or "").split("://", 1)[0].lower() in SHARED_SCHEMES


def where(uri: str) -> str:
    """The storage's host and port for a log line, without a password."""
    parts = urlsplit(uri)
    host = parts.hostname or parts.path or "?"
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


def counting_in_memory() -> bool:
    """True while this worker counts in its memory because Redis failed (Flask-Limiter's
    fallback flag; pinned by tests/integration/test_redis_down.py)."""
    return bool(getattr(limiter, "_storage_dead", False))


def healthy() -> bool:
    """Redis answers a PING now (True when the storage is not shared: nothing to reach)."""
    if not is_shared(current_app.config.get("RATELIMIT_STORAGE_URI")):
        return True
    return bool(limiter.storage.check())


def _note(response: Response) -> Response:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not is_shared(uri):
        return response
    down = counting_in_memory()
    UP.set(0 if down else 1)
    now = time.monotonic()
    interval = float(current_app.config.get("RATELIMIT_DOWN_LOG_SECONDS", 60))
    with _watch.lock:
        if down:
            first = _watch.down_since is None
            since = _watch.down_since = now if _watch.down_since is None else _watch.down_since
            if first or now - _watch.last_logged >= interval:
                _watch.last_logged = now
                log.error(
                    "The API's rate-limit storage %s is unreachable (for %d s): this worker "
                    "keeps answering and counts each token's limit in its own memory, so a "
                    "token may get up to the number of workers times its limit until Redis "
                    "answers again. Check Redis (RATELIMIT_STORAGE_URI, docs/shared-state.md).",
                    where(uri),
                    now - since,
                )
        elif _watch.down_since is not None:
            log.warning(
                "The API's rate-limit storage %s answers again after %d s: the limit is "
                "shared by every worker again.",
                where(uri),
                now - _watch.down_since,
            )
            _watch.down_since = None
    return response


def configure(app: Flask) -> None:
    """Before the limiter is initialised: a Redis that does not answer (a host gone, a
    firewall dropping packets) holds a request at most half a second before the worker
    falls back (redis-py waits for ever by default), unless the options are given."""
    if is_shared(app.config.get("RATELIMIT_STORAGE_URI")):
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        )


def init_app(app: Flask) -> None:
    app.after_request(_note)
