"""The append-only, hash-chained audit log.

Each event's hash is ``sha256(prev_hash + canonical JSON of the event)``, so changing,
deleting, inserting or reordering any row breaks the chain from that row on, and
``verify`` names the first broken row. What the chain alone cannot show (the newest events
deleted, or every hash recomputed after an edit) the signed checkpoints of
``assess.audit.checkpoints`` show. Appends are serialised (an advisory lock on
PostgreSQL; SQLite serialises writers itself) so the chain stays linear with many
workers; a trigger refuses UPDATE and DELETE on the table (and TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from sqlalchemy.orm import Session, scoped_session

from ..canonical import canonical_json, diff
from ..input_shape import strip_control, strip_control_deep
from ..models import AuditAddress, AuditEvent
from . import addresses, checkpoints
from .checkpoints import GENESIS, Checkpoint, CheckpointPolicy
from .hashing import HASHED_FIELDS, event_hash
from .verification import Start, Verification, verify

__all__ = [
    "GENESIS",
    "HASHED_FIELDS",
    "AuditActor",
    "Checkpoint",
    "CheckpointPolicy",
    "Start",
    "Verification",
    "append",
    "canonical_json",
    "diff",
    "event_hash",
    "lock_chain",
    "verify",
]

# An arbitrary constant naming "the audit chain" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x45564141  # "EVAA"


@dataclass(frozen=True)
class AuditActor:
    type: str  # "user", "token" or "system"
    id: int | None
    name: str


def lock_chain(session: Session) -> None:
    """Serialise whoever moves the head (an append, a checkpoint) until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        # Held until the transaction ends, so the next append sees this one as the head.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})


# session.info: (the transaction, the hash of the last event it appended). While that
# transaction lasts it holds the chain's lock, so nobody else can have moved the head. (A
# savepoint rolled back after an append would leave this pointing at a row that is gone;
# nothing appends inside a savepoint, and nothing should.)
_HEAD = "audit.head"
# session.info: (the transaction, its checkpoint policy, the last event it appended): a
# periodic checkpoint is weighed once, when that transaction commits (``_checkpoint_if_due``).
_DUE = "audit.checkpoint_due"


def _actual(session) -> Session:
    """The session itself, when a caller passes the scoped proxy (``db.session``)."""
    return session() if isinstance(session, scoped_session) else session


def _head(session: Session) -> str | None:
    """The hash at the head of the chain, with the chain locked for this transaction. A
    transaction appending several events (flags acknowledged together, a step and its
    reviewer) locks and reads once: the head after that is the event it appended itself."""
    held = _actual(session).info.get(_HEAD)
    if held is not None and held[0] is _actual(session).get_transaction():
        return held[1]
    lock_chain(session)
    return session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()


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
    checkpoint_policy: CheckpointPolicy | None = None,
) -> AuditEvent:
    """Add one event at the head of the chain, in the caller's transaction.

    With a ``checkpoint_policy`` that has a key, a signed checkpoint follows every
    ``policy.every`` events, or the first event after ``policy.interval``: weighed when the
    transaction commits, after its last event, in that transaction and under its lock.
    The event is written with the transaction's next flush (its ``id`` is known then).
    """
    head = _head(session)
    # Microsecond precision survives every database, so the hash can be recomputed.
    now = (at or datetime.now(UTC)).astimezone(UTC)
    # The address itself is kept apart, so that it can be erased after its retention; the
    # chain covers a salted digest of it (``addresses``).
    salt = addresses.new_salt() if client_address else ""
    event = AuditEvent(
        at=now,
        organisation_id=organisation_id,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_name=strip_control(actor.name),
        action=action,
        object_type=object_type,
        object_id=object_id,
        # What an auditor reads holds no control character, whatever a caller passed (and
        # a value stored before the rule had): stripped before the hash covers it.
        changes=json.loads(canonical_json(strip_control_deep(changes or []))),
        transition=json.loads(canonical_json(strip_control_deep(transition)))
        if transition
        else None,
        request_id=request_id,
        client_address=addresses.digest(salt, client_address) if client_address else None,
        prev_hash=head or GENESIS,
    )
    event.hash = event_hash(event.prev_hash, event)
    # Not flushed here: the events of one transaction (flags acknowledged together, a step
    # and its reviewer) go in one INSERT with the transaction's other writes, in the order
    # they were added, which is the order of their ids and of the chain. The id is known
    # after the next flush; the address row takes it then.
    session.add(event)
    if client_address:
        session.add(AuditAddress(event=event, salt=salt, address=client_address))
    actual = _actual(session)
    transaction = actual.get_transaction()
    actual.info[_HEAD] = (transaction, event.hash)
    if checkpoint_policy is not None and checkpoint_policy.key:
        actual.info[_DUE] = (transaction, checkpoint_policy, event)
    return event


@sa_event.listens_for(Session, "before_commit")
def _checkpoint_if_due(session: Session) -> None:
    """A periodic checkpoint after the events a transaction appended, in that transaction
    and under its lock: weighed once per transaction, not once per event."""
    pending = session.info.pop(_DUE, None)
    if pending is None:
        return
    transaction, policy, last = pending
    if transaction is not session.get_transaction():
        return  # appended in a transaction that was rolled back
    session.flush()
    if checkpoints.due(session, policy, last.at, last.id):
        checkpoints.record(session, policy, reason="periodic")
