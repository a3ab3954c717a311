"""Repeated identical errors are logged once per window, with how often they recurred.

A database outage makes every request fail the same way: logged in full each time, ten
seconds of it wrote 230,000 lines (issue 15, item 8) and buried whatever else happened.
``RepeatFilter`` lets the first record of a kind through, counts the identical ones that
follow within the window, and reports the count with the first one after it, for example
``… [OperationalError: connection refused] (repeated 2,314 times in the last 10 s)``, in
one line (the traceback was written with the first). Records are identical when their logger,
level and exception type and message agree (the message alone when there is no exception),
so a traceback is written once per window rather than once per request.

Issue 16: every line goes to standard error as JSON (``LOG_FORMAT=json``, production's
default) or text, with the id of the request it was written in; ``init_app`` adds one line
per request (``LOG_REQUESTS``) with its id, user, organisation, route, method, status and
duration, and the request id a client or proxy sent in ``X-Request-ID`` when it is
well-formed (else a new one), returned in the response and recorded with the request's audit
events. The fields: docs/operations-logs-metrics.md.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask, Response

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


# --- issue 16: request ids, structured lines, one line per request ---------------------

# What a request id from outside may be: letters, digits and . _ : - (a UUID, a proxy's hex
# id), at most 64 characters (the audit log's column). Anything else is replaced, so no
# text a client chose reaches the logs or the audit trail.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
REQUEST_LOGGER = "assess.requests"
# The fields a request line carries, in this order, after time, level, logger and message.
FIELDS = (
    "request_id",
    "method",
    "route",
    "endpoint",
    "status",
    "duration_ms",
    "user_id",
    "organisation_id",
)
FORMATS = ("json", "text")


def request_id_from(given: str | None) -> str:
    """``given`` when it is a well-formed request id, else a new one (32 hex digits)."""
    if given and REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    from flask import g, has_request_context

    return g.get("request_id") if has_request_context() else None


def note_user(user: Any) -> None:
    """The request's user for its log line (its id and organisation, read now: later in the
    request a commit may have expired them, and reading them again would query)."""
    from flask import g, has_request_context

    if has_request_context() and user is not None:
        g.log_user = (getattr(user, "id", None), getattr(user, "organisation_id", None))


class RequestContext(logging.Filter):
    """Gives every record written during a request that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the request's fields when
    there are any, and an error's type and (bounded) traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        if record.exc_info and not record.exc_text:
            # A record made before the bounds were installed; BoundedLogRecord cuts its own.
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return super().format(record)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written (a test's capture)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure(log_format: str) -> logging.Handler:
    """The process's one handler on the root logger, writing ``log_format`` lines to
    standard error (replacing the one an earlier app put there, and Flask's own)."""
    if log_format not in FORMATS:
        raise RuntimeError(
            f"LOG_FORMAT is {log_format!r}; expected 'json' (one JSON object a line, for log "
            "shipping) or 'text' (for reading)."
        )
    from flask.logging import default_handler

    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(old)
    logging.getLogger("assess").removeHandler(default_handler)
    handler = _Stderr()
    handler.addFilter(RequestContext())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root.addHandler(handler)
    # The request lines are information; other loggers keep their levels (warnings up).
    logging.getLogger(REQUEST_LOGGER).setLevel(logging.INFO)
    return handler


def init_app(app: Flask) -> None:
    """Log lines as configured, request ids, and one line per request."""
    from flask import g, request

    configure(app.config.get("LOG_FORMAT") or "text")
    log_requests = bool(app.config.get("LOG_REQUESTS", True))
    log = logging.getLogger(REQUEST_LOGGER)

    def request_began() -> None:
        g.request_id = request_id_from(request.headers.get("X-Request-ID"))
        g.request_started = time.perf_counter()

    def request_done(response: Response) -> Response:
        request_id = g.get("request_id") or request_id_from(None)
        response.headers["X-Request-ID"] = request_id
        if log_requests:
            fields = request_fields(response)
            log.info(
                "%s %s %s %s ms",
                fields["method"],
                fields["route"] or "(no route)",
                fields["status"],
                fields["duration_ms"],
                extra=fields,
            )
        return response

    # First of all the hooks (even the body-size check), so that every request has its id
    # and its start; the last of the after-request hooks, so its status is the final one.
    app.before_request_funcs.setdefault(None, []).insert(0, request_began)
    app.after_request_funcs.setdefault(None, []).insert(0, request_done)


def route_of_request() -> str | None:
    """The rule the request matched ("/decisions/<int:decision_id>"), not its path."""
    from flask import request

    return request.url_rule.rule if request.url_rule is not None else None


def duration_ms() -> float | None:
    from flask import g

    started = g.get("request_started")
    return round((time.perf_counter() - started) * 1000, 2) if started is not None else None


def request_fields(response: Response) -> dict[str, Any]:
    from flask import g, request

    user_id, organisation_id = g.get("log_user") or (None, None)
    return {
        "request_id": g.get("request_id"),
        "method": request.method,
        "route": route_of_request(),
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": duration_ms(),
        "user_id": user_id,
        "organisation_id": organisation_id,
    }
