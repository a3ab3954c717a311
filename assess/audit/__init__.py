"""The append-only, hash-chained audit log.

Each event's hash is ``sha256(prev_hash + canonical JSON of the event)``, so changing,
deleting, inserting or reordering any row breaks the chain from that row on, and
``verify`` names the first broken row. Appends are serialised (an advisory lock on
PostgreSQL; SQLite serialises writers itself) so the chain stays linear with many
workers; on PostgreSQL a trigger also refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..canonical import canonical_json
from ..models import AuditEvent

GENESIS = "0" * 64
# An arbitrary constant naming "the audit chain" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x45564141  # "EVAA"

HASHED_FIELDS = (
    "at",
    "organisation_id",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "changes",
    "transition",
    "request_id",
    "client_address",
)


@dataclass(frozen=True)
class AuditActor:
    type: str  # "user", "token" or "system"
    id: int | None
    name: str


def _payload(event) -> dict[str, Any]:
    payload = {name: getattr(event, name) for name in HASHED_FIELDS}
    payload["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    return payload


def event_hash(prev_hash: str, event) -> str:
    """The hash of an event (an AuditEvent or a row of its table) after ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(_payload(event))).hexdigest()


def append(
    session: Session,
    *,
    actor: AuditActor,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: list[dict[str, Any]] | None = None,
    transition: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    request_id: str | None = None,
    client_address: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one event at the head of the chain, in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Held until the transaction ends, so the next append sees this one as the head.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
    head = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    # Microsecond precision survives every database, so the hash can be recomputed.
    now = (at or datetime.now(UTC)).astimezone(UTC)
    event = AuditEvent(
        at=now,
        organisation_id=organisation_id,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=json.loads(canonical_json(changes or [])),
        transition=json.loads(canonical_json(transition)) if transition else None,
        request_id=request_id,
        client_address=client_address,
        prev_hash=head or GENESIS,
    )
    event.hash = event_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Verification:
    events: int
    intact: bool
    first_broken: int | None = None
    problem: str | None = None


def verify(session: Session, batch: int = 2000) -> Verification:
    """Walk the whole chain in order; name the first event whose hash or link is wrong."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        # Plain rows, not ORM objects: nothing piles up in the caller's session.
        table = AuditEvent.__table__
        rows = session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            return Verification(events=count, intact=True)
        for event in rows:
            if event.prev_hash != prev:
                return Verification(
                    count,
                    False,
                    event.id,
                    f"event {event.id} does not follow the previous event "
                    "(an event before it was changed, removed or moved)",
                )
            if event_hash(prev, event) != event.hash:
                return Verification(
                    count,
                    False,
                    event.id,
                    f"event {event.id} was changed after it was written (its hash does not match)",
                )
            prev = event.hash
            count += 1
            last_id = event.id


def diff(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """Field-level changes between two JSON-like mappings, with dotted paths."""
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        path = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changes.extend(diff(a, b, path + "."))
        elif (isinstance(a, dict) and b is None) or (a is None and isinstance(b, dict)):
            changes.extend(diff(a or {}, b or {}, path + "."))
        elif a != b:
            changes.append({"field": path, "old": a, "new": b})
    return changes
