"""A long audit chain quickly, for `audit verify`'s throughput (issue 21).

Copies a database made by ``bench.audit_data`` (SQLite) and appends its generated events
again, in id order and round, until the chain holds ``--events`` events: the same actions,
change shapes and sizes as the generator's (so the same per-event work for ``audit
verify``), each linked and hashed anew after the chain's head. The assessments are not
copied: use ``bench.audit_data --assessments 100000`` for the reads that depend on them
(half an hour on a quiet host); this takes a few minutes for 2,000,000 events.

    python -m bench.audit_chain --from /tmp/audit-1k.db --to /tmp/chain-2m.db --events 2100000
    python -m bench.audit_bench --sqlite /tmp/chain-2m.db --verify-only ...   # or:
    DATABASE_URL=sqlite:////tmp/chain-2m.db flask --app wsgi audit verify --workers 2
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time

from assess.audit import fastwalk

COLUMNS = (
    "id, at, organisation_id, actor_type, actor_id, actor_name, action, object_type, "
    "object_id, changes, transition, request_id, client_address, prev_hash, hash"
)


def build(source: str, target: str, events: int, batch: int = 20_000) -> int:
    shutil.copyfile(source, target)
    con = sqlite3.connect(target)
    # The append-only triggers would not stop an INSERT; nothing else is written.
    read = sqlite3.connect(source)
    columns = COLUMNS.replace("changes", "CAST(changes AS BLOB)", 1)
    columns = columns.replace("transition", "CAST(transition AS BLOB)", 1)
    originals = read.execute(f"SELECT {columns} FROM audit_events ORDER BY id").fetchall()
    read.close()
    next_id, head = con.execute("SELECT id, hash FROM audit_events ORDER BY id DESC").fetchone()
    total = con.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    marks = ", ".join("?" * 15)
    rows: list[tuple] = []
    k = 0
    while total < events:
        o = originals[k % len(originals)]
        k += 1
        next_id += 1
        row = (next_id, *o[1:13], head, None)
        at = fastwalk._at_text(o[1])
        assert at is not None
        digest = fastwalk._digest(row, at, o[9], o[10])
        row = (*row[:14], digest)
        if total % 250_000 == 0:
            # The shortcut is the definition (json.loads and canonical_json), checked here.
            assert fastwalk.definition_matches(row), next_id
        # Stored as text, as the product stores them.
        rows.append((*row[:9], o[9].decode(), None if o[10] is None else o[10].decode(), *row[11:]))
        head = digest
        total += 1
        if len(rows) >= batch:
            con.executemany(f"INSERT INTO audit_events ({COLUMNS}) VALUES ({marks})", rows)
            rows.clear()
    if rows:
        con.executemany(f"INSERT INTO audit_events ({COLUMNS}) VALUES ({marks})", rows)
    con.commit()
    con.close()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", required=True, help="a bench.audit_data file")
    parser.add_argument("--to", dest="target", required=True, help="the new file (replaced)")
    parser.add_argument("--events", type=int, default=2_100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    total = build(args.source, args.target, args.events)
    print(f"{total} events in {args.target} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
