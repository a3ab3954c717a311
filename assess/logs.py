"""Repeated identical errors are logged once per window, with how often they recurred.

A database outage makes every request fail the same way: logged in full each time, ten
seconds of it wrote 230,000 lines (issue 15, item 8) and buried whatever else happened.
``RepeatFilter`` lets the first record of a kind through, counts the identical ones that
follow within the window, and reports the count with the first one after it, for example
``… [OperationalError: connection refused] (repeated 2,314 times in the last 10 s)``, in
one line (the traceback was written with the first). Records are identical when their logger,
level and exception type and message agree (the message alone when there is no exception),
so a traceback is written once per window rather than once per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

# Where a database outage is logged from: the application's logger, and SQLAlchemy's pools,
# which log a failed reset of every connection they take back from a dead server.
LOGGERS = (
    "assess",
    "sqlalchemy.pool.impl.QueuePool",
    "sqlalchemy.pool.impl.NullPool",
    "sqlalchemy.pool.impl.StaticPool",
    "sqlalchemy.pool.impl.SingletonThreadPool",
)


class RepeatFilter(logging.Filter):
    """Passes the first of identical records per ``window`` seconds; counts the others."""

    def __init__(self, window: float = 10.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window, self.clock = window, clock
        self._lock = threading.Lock()
        # key -> (when the first of the window was let through, how many were held back)
        self._seen: dict[tuple, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = _key(record)
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            first, held = self._seen.get(key, (None, 0))
            if first is not None and now - first < self.window:
                self._seen[key] = (first, held + 1)
                return False
            self._seen[key] = (now, 0)
        if held:
            seconds = round(now - first) if first is not None else self.window
            # Its traceback was written with the first of the window: one line names it.
            if record.exc_info and record.exc_info[1] is not None:
                record.msg = f"{record.msg} [{key[2]}: {key[3]}]"
                record.exc_info, record.exc_text = None, None
            record.msg = f"{record.msg} (repeated {held:,} times in the last {seconds} s)"
        return True

    def _forget_old(self, now: float) -> None:
        # Bounded memory: a kind of error that stopped long ago is forgotten (its count too,
        # which the next occurrence would have reported as "in the last N s" anyway).
        if len(self._seen) > 1000:
            self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}


def _key(record: logging.LogRecord) -> tuple:
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        # SQLAlchemy's message carries the statement and its parameters, which differ from one
        # request to the next; the driver's error underneath is what is repeated.
        cause = getattr(exc, "orig", None) or exc
        message = str(cause).strip().splitlines()[0][:300] if str(cause).strip() else ""
        return (record.name, record.levelno, type(cause).__name__, message)
    return (record.name, record.levelno, str(record.msg)[:300])


def install(window: float, loggers: Iterable[str] = LOGGERS) -> None:
    """Put one ``RepeatFilter`` on each logger (replacing the one an earlier app put there)."""
    for name in loggers:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RepeatFilter)]:
            logger.removeFilter(old)
        if window > 0:
            logger.addFilter(RepeatFilter(window))
