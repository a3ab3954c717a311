"""gunicorn's settings for this application: ``gunicorn -c python:assess.gunicorn_conf``
(gunicorn reads ./gunicorn.conf.py of a checkout, which imports this, by itself when started
from the project's directory).

gunicorn names itself in a ``Server`` header on every response and has no setting to stop
it. That tells an attacker which server's flaws to try; nothing needs it. The header is
left out of the headers gunicorn writes (``tests/integration/test_security_headers.py``
starts gunicorn with this file and fails if a release of gunicorn sends it again).
"""

import gc
import os
from pathlib import Path

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server


# --- Prometheus multiprocess mode (issue 16; docs/operations-logs-metrics.md) --------------
# With PROMETHEUS_MULTIPROC_DIR set, each worker keeps its figures in files there and
# /metrics sums them. The directory is emptied when the server starts (figures of an earlier
# run would be added in), and a worker that exits is marked so its gauges leave the sums.
# --- The API's rate limit (issue 16; docs/shared-state.md) --------------------------------
# It must be counted where every worker sees it. Several workers with the in-memory storage:
# refused in production (ASSESS_CONFIG=production), a warning elsewhere, and a warning too
# where RATELIMIT_PER_PROCESS_ACCEPTED=1 says each worker counting alone is meant (a
# benchmark with the limit out of reach, a test that does not use the API).


def on_starting(server):
    _check_rate_limit_storage(server)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for old in Path(directory).glob("*.db"):
            old.unlink()


def _check_rate_limit_storage(server):
    from assess.config import config_class
    from assess.extensions import per_process_limit_problem

    problem = per_process_limit_problem(
        config_class(None).RATELIMIT_STORAGE_URI, server.cfg.workers
    )
    if problem is None:
        return
    accepted = (os.environ.get("RATELIMIT_PER_PROCESS_ACCEPTED") or "").strip().lower()
    if os.environ.get("ASSESS_CONFIG") == "production" and accepted not in ("1", "true", "yes"):
        server.log.error("Refusing to start: %s", problem)
        raise SystemExit(f"Refusing to start: {problem}")
    server.log.warning(problem)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# --- Garbage collection (issue 16; bench/README.md, the load benchmark) -------------------
# A worker holds some 270,000 objects once the application is loaded (definitions,
# catalogues, templates, the ORM's mappings) that live as long as it does. Python's full
# collection walks every one of them: 130-300 ms each time, a pause that fell on whichever
# request was running. Frozen after the worker has loaded the application, they are left
# out of every collection (gc.freeze, as the Python documentation advises for pre-forked
# servers); what a request makes is still collected.


def post_worker_init(worker):
    gc.freeze()
