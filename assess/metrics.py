"""Prometheus metrics at ``/metrics`` (issue 16; docs/operations-logs-metrics.md).

- ``assess_http_requests_total{method, route, status}`` and
  ``assess_http_request_duration_seconds{method, route}``: per route (the rule, as
  "/decisions/<int:decision_id>", never the path with its ids, so the series are bounded);
- ``assess_db_pool_connections_in_use`` and ``assess_db_pool_size``: the database pool;
- ``assess_documents_rendered_total{kind}``: documents rendered (stored, previewed, agendas,
  reports; assess/documents/_docx.py names the kind);
- ``assess_audit_events_total``: audit events committed (events of a rolled back
  transaction are not counted).

With several gunicorn workers each worker counts its own: ``PROMETHEUS_MULTIPROC_DIR`` (an
empty directory, set before the server starts) makes prometheus_client keep the figures
in files there, and ``/metrics`` answers the sum over the workers, whichever one is asked
(assess/gunicorn_conf.py marks a worker that exits and empties the directory at start).

``/metrics`` is served only when ``METRICS_TOKEN`` or ``METRICS_ALLOW`` is set (404
otherwise): 401 without the right bearer token, 403 from an address outside the networks.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

from .documents import _docx
from .models import AuditEvent

if TYPE_CHECKING:
    from flask import Flask, Response

UNMATCHED = "(unmatched)"

REQUESTS = Counter(
    "assess_http_requests",
    "HTTP requests answered, by method, route (the URL rule) and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "assess_http_request_duration_seconds",
    "Time from the request's first hook to its response, by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
POOL_IN_USE = Gauge(
    "assess_db_pool_connections_in_use",
    "Database connections checked out of the pool (summed over live workers).",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "assess_db_pool_size",
    "Connections the database pool keeps (summed over live workers; overflow not counted).",
    multiprocess_mode="livesum",
)
DOCUMENTS_RENDERED = Counter(
    "assess_documents_rendered",
    "Documents rendered (.docx), by kind.",
    ["kind"],
)
AUDIT_EVENTS = Counter(
    "assess_audit_events",
    "Audit events written (committed).",
)

_PENDING = "assess.metrics.audit_events"


def registry() -> CollectorRegistry:
    """What ``/metrics`` answers: this process's figures, or all workers' in multiprocess
    mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return REGISTRY


def allowed_networks(raw: str | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``METRICS_ALLOW`` read: comma-separated networks (CIDR) or addresses."""
    networks = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise RuntimeError(
                f"METRICS_ALLOW has {part!r}, which is not a network; expected addresses or "
                "networks in CIDR form separated by commas, for example "
                "'127.0.0.1/32, 10.20.0.0/16'."
            ) from None
    return networks


def _in_networks(address: str | None, networks) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == n.version and ip in n for n in networks)


def _plain(text: str, status: int, **headers: str) -> Response:
    from flask import Response

    return Response(text + "\n", status=status, mimetype="text/plain", headers=headers)


def init_app(app: Flask) -> None:
    from flask import Response, abort, request

    from . import logs

    token = app.config.get("METRICS_TOKEN") or None
    networks = allowed_networks(app.config.get("METRICS_ALLOW"))

    def count_request(response: Response) -> Response:
        route = logs.route_of_request() or UNMATCHED
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        started = logs.duration_ms()
        if started is not None:
            LATENCY.labels(request.method, route).observe(started / 1000)
        return response

    # Next to the log line's hook: counted after every other hook has had its say.
    app.after_request_funcs.setdefault(None, []).insert(0, count_request)

    def metrics_view():
        if token is None and not networks:
            abort(404)
        if networks and not _in_networks(request.remote_addr, networks):
            return _plain(
                f"The metrics are not served to {request.remote_addr}: that address is "
                "outside the networks of the METRICS_ALLOW setting.",
                403,
            )
        if token is not None:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not given.strip():
                return _plain(
                    "The metrics need the token of the METRICS_TOKEN setting in the header "
                    "'Authorization: Bearer <token>'.",
                    401,
                    **{"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
            if not hmac.compare_digest(given.strip().encode(), token.encode()):
                return _plain(
                    "The metrics token sent is not the one of the METRICS_TOKEN setting.",
                    401,
                    **{"WWW-Authenticate": 'Bearer realm="metrics", error="invalid_token"'},
                )
        _pool_size(app)
        return Response(
            generate_latest(registry()),
            status=200,
            content_type=CONTENT_TYPE_LATEST,
            headers={"Cache-Control": "no-store"},
        )

    metrics_view.__name__ = "metrics"
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
    _watch_pool(app)
    _docx.when_rendered(_document_rendered)
    if not event.contains(Session, "after_flush", _audit_flushed):
        event.listen(Session, "after_flush", _audit_flushed)
        event.listen(Session, "after_commit", _audit_committed)
        event.listen(Session, "after_rollback", _audit_rolled_back)


# --- the database pool ---------------------------------------------------------------------


def _watch_pool(app: Flask) -> None:
    from .extensions import db

    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if not event.contains(engine, "checkout", _checked_out):
            event.listen(engine, "checkout", _checked_out)
            event.listen(engine, "checkin", _checked_in)
    _pool_size(app)


def _pool_size(app: Flask) -> None:
    from .extensions import db

    with app.app_context():
        size = getattr(db.engine.pool, "size", None)
    POOL_SIZE.set(size() if callable(size) else 1)


def _checked_out(dbapi_connection, connection_record, connection_proxy) -> None:
    POOL_IN_USE.inc()


def _checked_in(dbapi_connection, connection_record) -> None:
    POOL_IN_USE.dec()


# --- documents and audit events ------------------------------------------------------------


def _document_rendered(kind: str) -> None:
    DOCUMENTS_RENDERED.labels(kind).inc()


def _audit_flushed(session: Session, flush_context) -> None:
    added = sum(1 for o in session.new if isinstance(o, AuditEvent))
    if added:
        session.info[_PENDING] = session.info.get(_PENDING, 0) + added


def _audit_committed(session: Session) -> None:
    added = session.info.pop(_PENDING, 0)
    if added:
        AUDIT_EVENTS.inc(added)


def _audit_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
