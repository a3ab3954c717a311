"""The chain's hashes recomputed fast enough for millions of events (>= 100,000 a second).

The definition stays ``hashing.event_hash``: ``sha256(prev_hash + canonical JSON)``. This
module only computes the same bytes faster, from the driver's plain rows (no ORM, no type
processing) and with orjson instead of the standard library's encoder. orjson writes every
string, integer, ``true``/``false``/``null``, list and sorted object byte for byte as
``canonical.canonical_json`` does (checked for every Unicode code point in
tests/unit/test_audit_fastwalk.py); it writes some floats differently. So a row is taken
the fast way only when its bytes hold no float and everything parsed as expected; any other
row, and any row whose fast hash does not match, is recomputed the exact, slow way, so the
verdict is always the definition's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEvent
from .hashing import event_hash

# Every number compact JSON writes stands between ":", "[" or "," and ",", "]" or "}"; a
# float has a fraction or an exponent. A string holding such text only sends its row down
# the slow way, never a wrong verdict.
_FLOAT = re.compile(rb"[:\[,]-?[0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)[,\]}]")
# SQLAlchemy's SQLite DateTime text: "YYYY-MM-DD HH:MM:SS.ffffff".
_SQLITE_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")

_COLUMNS = (
    "id, at, organisation_id, actor_type, actor_id, actor_name, action, object_type, "
    "object_id, {changes}, {transition}, request_id, client_address, prev_hash, hash"
)


def rows(session: Session, batch: int = 5000) -> Iterator[tuple[int, str, str, bool]]:
    """Every event in id order as ``(id, prev_hash, hash, hash_matches)``, where
    ``hash_matches`` says whether ``hash == event_hash(prev_hash, event)``."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    # PostgreSQL's json type keeps the text as written: read it as text and parse it here.
    columns = _COLUMNS.format(
        changes="changes::text" if postgres else "changes",
        transition="transition::text" if postgres else "transition",
    )
    placeholder = "%s" if postgres else "?"
    sql = f"SELECT {columns} FROM audit_events WHERE id > {placeholder} ORDER BY id LIMIT {batch}"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    last_id = 0
    try:
        while True:
            cursor.execute(sql, (last_id,))
            page = cursor.fetchall()
            if not page:
                return
            for row in page:
                yield row[0], row[13], row[14], _matches(session, row)
            last_id = page[-1][0]
    finally:
        cursor.close()


def _matches(session: Session, row: tuple) -> bool:
    fast = _fast_payload(row)
    prev_hash, stored = row[13], row[14]
    if fast is not None:
        digest = hashlib.sha256(prev_hash.encode("ascii") + fast).hexdigest()
        if digest == stored:
            return True
    # The exact way, through the ORM's types, as ``hashing`` defines it.
    table = AuditEvent.__table__
    event = session.execute(select(table).where(table.c.id == row[0])).one()
    return event_hash(prev_hash, event) == stored


def _fast_payload(row: tuple) -> bytes | None:
    at = row[1]
    if isinstance(at, str):
        if not _SQLITE_AT.fullmatch(at):
            return None
        at = f"{at[:10]}T{at[11:]}+00:00"
    elif isinstance(at, datetime) and at.tzinfo is not None:
        at = at.astimezone(UTC).isoformat(timespec="microseconds")
    else:
        return None
    try:
        changes = orjson.loads(row[9]) if row[9] is not None else None
        transition = orjson.loads(row[10]) if row[10] is not None else None
        payload = orjson.dumps(
            {
                "action": row[6],
                "actor_id": row[4],
                "actor_name": row[5],
                "actor_type": row[3],
                "at": at,
                "changes": changes,
                "client_address": row[12],
                "object_id": row[8],
                "object_type": row[7],
                "organisation_id": row[2],
                "request_id": row[11],
                "transition": transition,
            },
            option=orjson.OPT_SORT_KEYS,
        )
    except (orjson.JSONDecodeError, TypeError):
        return None
    if _FLOAT.search(payload):
        return None
    return payload
