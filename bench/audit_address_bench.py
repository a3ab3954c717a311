"""``audit verify``'s walk over events that hash the client's address itself (before
migration 0029) and over events that hash its salted digest (since 0029, issue 16): the same
walk (``assess.audit.fastwalk.walk_segment``, what ``audit verify`` runs in each worker) on
the same number of events of each kind in one SQLite file, so the ratio shows what the
longer hashed text costs.

    .venv/bin/python -m bench.audit_address_bench [--events 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import insert

from assess import create_app
from assess.audit import GENESIS, addresses, event_hash, fastwalk
from assess.extensions import db
from assess.models import AuditEvent
from bench.common import machine


def _rows(count: int, first_id: int, prev: str, digested: bool) -> tuple[list[dict], str]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        if digested:
            address = addresses.digest(addresses.new_salt(), address)
        values = {
            "id": first_id + i,
            "at": start + timedelta(seconds=first_id + i),
            "organisation_id": 1,
            "actor_type": "user",
            "actor_id": 7,
            "actor_name": "Paula Peltonen",
            "action": "assessment.answers_saved",
            "object_type": "assessment",
            "object_id": 1 + i // 20,
            "changes": [{"field": "summary", "old": "Earlier text.", "new": f"Text {i}."}],
            "transition": None,
            "request_id": f"req-{i:012d}",
            "client_address": address,
            "prev_hash": prev,
        }
        values["hash"] = prev = event_hash(prev, SimpleNamespace(**values))
        rows.append(values)
    return rows, prev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events of each kind")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:///" + str(Path(tmp) / "walk.db")
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            n = args.events
            raw, head = _rows(n, 1, GENESIS, digested=False)
            digested, _ = _rows(n, n + 1, head, digested=True)
            for batch in (raw, digested):
                for start in range(0, len(batch), 10_000):
                    db.session.execute(insert(AuditEvent.__table__), batch[start : start + 10_000])
            db.session.commit()
            connection = db.session.connection()
            dbapi = connection.connection.dbapi_connection
            exact = fastwalk.exact_in(db.session)
            ranges = {"address": (0, n), "digest": (n, 2 * n)}
            times: dict[str, list[float]] = {label: [] for label in ranges}
            # The kinds alternate, run by run, so a change of the machine's load meets both.
            for run in range(args.runs + 1):
                for label, (after, upto) in ranges.items():
                    started = time.perf_counter()
                    seg = fastwalk.walk_segment(dbapi, "sqlite", after, upto, [], exact)
                    if run:  # the first run of each warms the caches
                        times[label].append(time.perf_counter() - started)
                    assert seg.problem is None and seg.count == n, seg
            results = {label: statistics.median(t) for label, t in times.items()}
    print(machine())
    for label, seconds in results.items():
        print(f"{label:8} {n} events: median {seconds:.3f} s, {n / seconds:,.0f} events/s")
    print(f"ratio digest / address: {results['digest'] / results['address']:.3f}")


if __name__ == "__main__":
    main()
