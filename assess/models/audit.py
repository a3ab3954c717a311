from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import CanonicalJSON, UTCDateTime


class AuditEvent(Model):
    """One line of the append-only, hash-chained audit log.

    ``hash = sha256(prev_hash + canonical JSON of the event)``; see ``assess.audit``.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    organisation_id: Mapped[int | None]
    actor_type: Mapped[str] = mapped_column(String(10))  # user, token, system
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(CanonicalJSON)
    transition: Mapped[dict[str, Any] | None] = mapped_column(CanonicalJSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditAddress(Model):
    """The client address of an audit event recorded since migration 0029, kept beside the
    chain so that it can be deleted after ``AUDIT_ADDRESS_RETENTION_DAYS`` (issue 16).

    The event's hashed ``client_address`` holds ``assess.audit.addresses.digest(salt,
    address)`` instead of the address; the random salt lives only here, so once this row is
    deleted the digest tells nothing about the address, and the chain still verifies.
    Not append-only: ``privacy purge`` deletes these rows.
    """

    __tablename__ = "audit_addresses"

    # The event's id, without a foreign key: one would let TRUNCATE of the audit table fail
    # on the key instead of on its append-only trigger, and ties nothing an event needs.
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    salt: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(64))
    # For writing only: the flush inserts the event first and fills ``event_id`` from it,
    # so the events of one transaction need no flush each (``assess.audit.append``).
    event: Mapped[AuditEvent] = relationship(
        primaryjoin="foreign(AuditAddress.event_id) == AuditEvent.id", lazy="raise"
    )


class AuditCheckpoint(Model):
    """A signed statement of the chain's head: how many events it had, which was the last.

    ``signature`` is an HMAC-SHA256 with a key that lives in the configuration, never in the
    database; see ``assess.audit.checkpoints``. Append-only like the events.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(20))  # "global": the chain is one for all
    events: Mapped[int]
    last_event_id: Mapped[int]  # 0 for an empty chain
    last_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))  # "periodic" or "command"
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(64), unique=True)


# On SQLite the database refuses changes and deletions too (PostgreSQL's triggers are made by
# the migrations). Here as well as in the migration so that a database made by create_all,
# as the tests' in-memory ones are, behaves as a migrated one.
SQLITE_APPEND_ONLY = """
CREATE TRIGGER {table}_no_{op} BEFORE {OP} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: {OP} is not allowed'); END
"""


def _sqlite_append_only(table) -> None:
    for op in ("update", "delete"):
        ddl = DDL(SQLITE_APPEND_ONLY.format(table=table.name, op=op, OP=op.upper()))
        event.listen(table, "after_create", ddl.execute_if(dialect="sqlite"))


_sqlite_append_only(AuditEvent.__table__)
_sqlite_append_only(AuditCheckpoint.__table__)
