"""The chain's hashes recomputed fast enough for millions of events (>= 100,000 a second).

The definition stays ``hashing.event_hash``: ``sha256(prev_hash + canonical JSON of the
event)``. This module computes the same verdict faster, from the driver's plain rows (no
ORM, no type processing), in three steps, each taken only when the one before it does not
confirm the stored hash:

1. The stored text of ``changes`` and ``transition`` put into the payload as it is (events
   are stored as canonical JSON since issue 21, ``models._types.CanonicalJSON``, and the
   bench writes them so): no parse, no dump. A match is the definition's match: the hash
   confirms that the payload's bytes are the bytes first hashed, and a text that is valid
   JSON (checked by parsing it, which is cheap) can only stand where the canonical value
   stood if it is that value's text (``,"`` never occurs inside a canonical string, and a
   valid JSON text ends where its value ends), so the ORM would read the same values.
   On PostgreSQL, while both columns are of the ``json`` type, the server has refused any
   text that is not valid JSON on input, and the parse is left out (a fifth of the walk);
   the time is read as the text of its UTC timestamp, as SQLite stores it.
2. The definition itself on the plain row: the stored text parsed by ``json.loads`` as the
   ORM does, the payload written by ``canonical_json`` (events stored before issue 21 as
   ``json.dumps`` wrote them, with spaces and ``\\u`` escapes).
3. When neither matches, the exact way through the ORM's types, so a verdict of "changed"
   is always the definition's.

The walk is split into id ranges (``segments``); a segment records its first link, its last
hash and its first problem, so ranges can be walked in worker processes and joined in order
(``verification``) with the same verdict as one walk from the start.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ..canonical import canonical_json
from ..models import AuditEvent
from .hashing import event_hash

# SQLAlchemy's SQLite DateTime text and PostgreSQL's UTC timestamp text (ISO DateStyle):
# "YYYY-MM-DD HH:MM:SS.ffffff"; PostgreSQL leaves out the fraction's trailing zeros.
_TEXT_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?")

_COLUMNS = (
    "id, {at}, organisation_id, actor_type, actor_id, actor_name, action, object_type, "
    "object_id, {changes}, {transition}, request_id, client_address, prev_hash, hash"
)
BATCH = 20000
# Fewer events than this are walked here: starting processes costs more than it saves.
PARALLEL_FROM = 2 * BATCH


@dataclass
class Segment:
    """One id range ``(after, upto]`` walked: how it begins and ends, and its first problem."""

    after: int
    upto: int
    count: int = 0  # events walked intact (before the problem, if any)
    first_id: int | None = None
    first_prev: str | None = None  # the first event's link, checked when the ranges are joined
    last_hash: str | None = None
    last_id: int = 0
    problem: tuple[int, str] | None = None  # (event id, "link" or "hash")
    # (event id, its hash, events of this segment up to it) for the ids asked for.
    marks: list[tuple[int, str, int]] = field(default_factory=list)
    cpu: float = 0.0  # seconds of the walking process's CPU (the per-core rate in bench/)


def _sql(dialect: str, batch: int) -> str:
    if dialect == "postgresql":
        # PostgreSQL's json type keeps the text as written: read it as text.
        # The time as the text of its UTC timestamp, the form SQLAlchemy writes in SQLite:
        # the server writes text anyway, and a datetime built here only to be written
        # back as text cost the walk a fifth of its time.
        columns = _COLUMNS.format(
            at="(at AT TIME ZONE 'UTC')::text",
            changes="changes::text",
            transition="transition::text",
        )
        p = "%s"
    else:
        # As bytes: parsed and hashed without a decode and an encode.
        columns = _COLUMNS.format(
            at="at", changes="CAST(changes AS BLOB)", transition="CAST(transition AS BLOB)"
        )
        p = "?"
    return (
        f"SELECT {columns} FROM audit_events WHERE id > {p} AND id <= {p} ORDER BY id LIMIT {batch}"
    )


def walk_segment(
    dbapi_connection,
    dialect: str,
    after: int,
    upto: int,
    wanted: Iterable[int],
    exact: Callable[[tuple], bool],
    batch: int = BATCH,
) -> Segment:
    """Walk the events with ``after < id <= upto`` and stop at the first problem."""
    seg = Segment(after, upto)
    wanted = frozenset(wanted)
    sql = _sql(dialect, batch)
    cursor = dbapi_connection.cursor()
    prev: str | None = None
    last_id = after
    started = time.process_time()
    json_checked = _json_typed(cursor, dialect)
    try:
        while True:
            cursor.execute(sql, (last_id, upto))
            page = cursor.fetchall()
            if not page:
                break
            for row in page:
                event_id, prev_hash, stored = row[0], row[13], row[14]
                if prev is None:
                    seg.first_id, seg.first_prev = event_id, prev_hash
                elif prev_hash != prev:
                    seg.problem = (event_id, "link")
                    return seg
                if not (_stored_text_matches(row, json_checked) or exact(row)):
                    seg.problem = (event_id, "hash")
                    return seg
                prev = stored
                seg.count += 1
                seg.last_id = event_id
                if event_id in wanted:
                    seg.marks.append((event_id, stored, seg.count))
            last_id = page[-1][0]
    finally:
        cursor.close()
        seg.last_hash = prev
        seg.cpu = time.process_time() - started
    return seg


def _json_typed(cursor, dialect: str) -> bool:
    """Whether the database itself holds ``changes`` and ``transition`` to valid JSON: on
    PostgreSQL while both columns are of type ``json`` (asked each walk: a column altered
    to text could hold any text, and the walk parses again)."""
    if dialect != "postgresql":
        return False
    cursor.execute(
        "SELECT count(*) FROM pg_attribute WHERE attrelid = 'audit_events'::regclass "
        "AND attname IN ('changes', 'transition') AND atttypid = 'json'::regtype "
        "AND NOT attisdropped"
    )
    return cursor.fetchone()[0] == 2


def _at_text(at) -> str | None:
    if isinstance(at, str):
        match = _TEXT_AT.fullmatch(at)
        if match is None:
            return None
        return f"{at[:10]}T{at[11:19]}{(match[1] or '.').ljust(7, '0')}+00:00"
    if isinstance(at, datetime) and at.tzinfo is not None:
        return at.astimezone(UTC).isoformat(timespec="microseconds")
    return None


def _stored_text_matches(row: tuple, json_checked: bool = False) -> bool:
    """Step 1: the stored JSON texts hashed as they are, or as orjson writes them sorted
    (see the module's docstring). ``json_checked``: the database has already proved each
    text one valid JSON text (PostgreSQL's ``json`` type refuses any other on input)."""
    at = _at_text(row[1])
    if at is None:
        return False
    changes, transition = row[9], row[10]
    try:
        if json_checked:
            if _digest(row, at, changes, transition) == row[14]:
                return True
            parsed = (_parse(changes), _parse(transition))
        else:
            # Parsed to prove each is one valid JSON text (orjson is stricter than json).
            parsed = (_parse(changes), _parse(transition))
            if _digest(row, at, changes, transition) == row[14]:
                return True
        # Stored with spaces or escapes (before issue 21), or keys unsorted: orjson's sorted
        # text of the same values, unless it holds "e+". orjson reads an integer beyond 64
        # bits as a float, which json does not; such a float is written with "e+", and so
        # the only values on which the two readers differ never take this way.
        texts = [
            None if text is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
            for text, value in zip((changes, transition), parsed, strict=True)
        ]
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, TypeError):
        return False
    if any(text is not None and b"e+" in text for text in texts):
        return False
    return _digest(row, at, *texts) == row[14]


def _parse(text: str | bytes | None):
    return None if text is None else orjson.loads(text)


def _digest(row: tuple, at: str, changes, transition) -> str:
    payload = orjson.dumps(
        {
            "action": row[6],
            "actor_id": row[4],
            "actor_name": row[5],
            "actor_type": row[3],
            "at": at,
            "changes": None if changes is None else orjson.Fragment(changes),
            "client_address": row[12],
            "object_id": row[8],
            "object_type": row[7],
            "organisation_id": row[2],
            "request_id": row[11],
            "transition": None if transition is None else orjson.Fragment(transition),
        }
    )
    return hashlib.sha256(row[13].encode("ascii") + payload).hexdigest()


def definition_matches(row: tuple) -> bool | None:
    """Step 2: ``hashing.event_hash`` on the plain row, the JSON read as the ORM reads it;
    None when the row's time is not in the form the ORM writes."""
    at = _at_text(row[1])
    if at is None:
        return None
    try:
        payload = {
            "action": row[6],
            "actor_id": row[4],
            "actor_name": row[5],
            "actor_type": row[3],
            "at": at,
            "changes": _loads(row[9]),
            "client_address": row[12],
            "object_id": row[8],
            "object_type": row[7],
            "organisation_id": row[2],
            "request_id": row[11],
            "transition": _loads(row[10]),
        }
        digest = hashlib.sha256(row[13].encode("ascii") + canonical_json(payload)).hexdigest()
    except (ValueError, TypeError):
        return None
    return digest == row[14]


def _loads(text: str | bytes | None):
    if text is None:
        return None
    return json.loads(text.decode("utf-8") if isinstance(text, bytes) else text)


def exact_in(session: Session) -> Callable[[tuple], bool]:
    """Steps 2 and 3 for a row, step 3 through ``session``."""

    def exact(row: tuple) -> bool:
        if definition_matches(row):
            return True
        table = AuditEvent.__table__
        event = session.execute(select(table).where(table.c.id == row[0])).one()
        return event_hash(row[13], event) == row[14]

    return exact


# --- one walk in this process, or ranges in worker processes ------------------------------


def segments(
    session: Session, upto: int, wanted: Iterable[int], workers: int = 1, after: int = 0
) -> Iterator[Segment]:
    """The events with ``after < id <= upto`` as segments in id order, walked here or, with
    ``workers`` > 1 and a database other processes can open, in that many processes."""
    connection = session.connection()
    dialect = connection.dialect.name
    url = connection.engine.url
    in_memory = dialect == "sqlite" and (url.database or ":memory:") == ":memory:"
    first = session.scalar(
        select(AuditEvent.id).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(1)
    )
    first = first if first is not None else upto + 1
    if workers <= 1 or in_memory or upto - first < PARALLEL_FROM:
        dbapi = connection.connection.dbapi_connection
        yield walk_segment(dbapi, dialect, after, upto, wanted, exact_in(session))
        return
    wanted = sorted(wanted)
    bounds = _bounds(first - 1, upto, workers * 4)
    jobs = [
        (url.render_as_string(hide_password=False), lo, hi, [w for w in wanted if lo < w <= hi])
        for lo, hi in bounds
    ]
    # A fork server: workers fork from a clean process that holds none of this one's
    # connections, threads or locks, and that has imported this module once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            yield from pool.map(_walk_in_worker, *zip(*jobs, strict=True))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _bounds(after: int, upto: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-(upto - after) // parts))
    return [(lo, min(lo + step, upto)) for lo in range(after, upto, step)]


def _walk_in_worker(url: str, after: int, upto: int, wanted: list[int]) -> Segment:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            connection = session.connection()
            return walk_segment(
                connection.connection.dbapi_connection,
                connection.dialect.name,
                after,
                upto,
                wanted,
                exact_in(session),
            )
    finally:
        engine.dispose()
