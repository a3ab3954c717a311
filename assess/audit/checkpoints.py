"""Signed checkpoints: the head of the audit chain, anchored where its rows cannot reach.

The hash chain shows that no event was changed in place, but not that the newest events
are all there: whoever can delete rows can cut the tail, and whoever can write rows can
recompute every hash after an edit. A checkpoint states the chain's length, its last event
and that event's hash, signed with HMAC-SHA256 under a key from the configuration (never
in the database). It is stored in ``audit_checkpoints`` and, after the transaction commits,
exported off the database (a file of JSON lines, syslog), because a row can be deleted by
whoever deletes events. ``verify`` then checks the chain against every checkpoint it has.

The chain is one for every organisation (each event links to the previous one whatever its
organisation), so a checkpoint's scope is ``global``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import logging.handlers
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..canonical import canonical_json
from ..models import AuditCheckpoint, AuditEvent

GENESIS = "0" * 64  # the hash before the first event
SCOPE = "global"
MARKER = "assess.audit.checkpoint"  # names our lines among others in a syslog file
_PENDING = "audit_checkpoints_to_export"
log = logging.getLogger(__name__)


def key_id(key: str) -> str:
    """A short public name of a key, so a checkpoint says which key signed it."""
    return hashlib.sha256(b"assess audit checkpoint key\x00" + key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as stored or exported; ``origin`` says where it was read from."""

    at: datetime
    events: int
    last_event_id: int
    last_hash: str
    reason: str
    key_id: str
    signature: str
    scope: str = SCOPE
    id: int | None = None
    origin: str = "the database"

    def _signed_fields(self) -> dict:
        return {
            "scope": self.scope,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "events": self.events,
            "last_event_id": self.last_event_id,
            "last_hash": self.last_hash,
            "reason": self.reason,
            "key_id": self.key_id,
        }

    def signed_part(self) -> bytes:
        return canonical_json(self._signed_fields())

    def line(self) -> str:
        """One JSON line, as exported to a file or to syslog."""
        return json.dumps(
            {
                "type": MARKER,
                "id": self.id,
                **self._signed_fields(),
                "signature": self.signature,
            },
            sort_keys=True,
        )

    def describe(self) -> str:
        name = f"checkpoint {self.id}" if self.id is not None else "a checkpoint"
        return (
            f"{name} ({self.events} events up to event {self.last_event_id}, "
            f"{self.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)"
        )

    @classmethod
    def of_row(cls, row) -> Checkpoint:
        return cls(
            at=row.at.astimezone(UTC),
            events=row.events,
            last_event_id=row.last_event_id,
            last_hash=row.last_hash,
            reason=row.reason,
            key_id=row.key_id,
            signature=row.signature,
            scope=row.scope,
            id=row.id,
        )


@dataclass
class CheckpointPolicy:
    """When checkpoints are made, with which key, and where they are exported.

    ``key`` signs new checkpoints; ``old_keys`` only verify those made before a rotation.
    Without a key no checkpoint is made and ``verify`` warns that the tail is not anchored.
    """

    key: str | None = None
    old_keys: tuple[str, ...] = ()
    every: int = 100  # events between periodic checkpoints
    interval: timedelta = timedelta(minutes=15)  # or the first append after this long
    file: str | None = None
    syslog: str | None = None
    exporters: list[Callable[[Checkpoint], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.file:
            self.exporters.append(_FileExport(Path(self.file)))
        if self.syslog:
            self.exporters.append(_SyslogExport(self.syslog))

    @property
    def keys(self) -> dict[str, str]:
        """Every key that may have signed a checkpoint, by its key id."""
        return {key_id(k): k for k in (self.key, *self.old_keys) if k}

    def sign(self, unsigned: Checkpoint) -> Checkpoint:
        assert self.key, "sign() needs a key"
        kid = key_id(self.key)
        draft = Checkpoint(**{**unsigned.__dict__, "key_id": kid, "signature": ""})
        return Checkpoint(**{**draft.__dict__, "signature": _mac(self.key, draft)})


def _mac(key: str, checkpoint: Checkpoint) -> str:
    return hmac.new(key.encode(), checkpoint.signed_part(), hashlib.sha256).hexdigest()


def signature_problem(checkpoint: Checkpoint, keys: dict[str, str]) -> str | None:
    """Why a checkpoint's signature does not hold, or None when it does."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return (
            f"{checkpoint.describe()} from {checkpoint.origin} is signed with key id "
            f"{checkpoint.key_id!r}, which is not configured (AUDIT_CHECKPOINT_KEY, "
            "AUDIT_CHECKPOINT_OLD_KEYS): it is forged, or made with a key that was removed"
        )
    if not hmac.compare_digest(_mac(key, checkpoint), checkpoint.signature):
        return (
            f"{checkpoint.describe()} from {checkpoint.origin} has a wrong signature: "
            "it was forged or altered"
        )
    return None


# --- recording -------------------------------------------------------------------------


def newest(session: Session) -> AuditCheckpoint | None:
    return session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()


def due(session: Session, policy: CheckpointPolicy, now: datetime, head_id: int) -> bool:
    """Whether the event ``head_id`` just appended should be followed by a periodic checkpoint.

    Cheap: one indexed row, under the append's lock. Ids stand in for the count: a rolled
    back append leaves a gap in PostgreSQL's sequence, which only brings a checkpoint early.
    """
    if not policy.key:
        return False
    table = AuditCheckpoint.__table__
    last = session.execute(
        select(table.c.at, table.c.last_event_id).order_by(table.c.id.desc()).limit(1)
    ).first()
    if last is None:
        return True
    at = last.at if last.at.tzinfo else last.at.replace(tzinfo=UTC)  # SQLite keeps no offset
    return head_id - last.last_event_id >= policy.every or now - at >= policy.interval


def record(
    session: Session, policy: CheckpointPolicy, *, reason: str, now: datetime | None = None
) -> AuditCheckpoint:
    """Sign the chain's head as it is in this transaction and store it.

    The caller holds the append lock (or runs ``audit checkpoint``, which takes it). The
    export happens only if the transaction commits, so no exported line ever names an event
    that was rolled back.
    """
    if not policy.key:
        raise RuntimeError("AUDIT_CHECKPOINT_KEY is not set: checkpoints cannot be signed")
    head = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    last = newest(session)
    if last is not None and head is not None and last.last_event_id <= head.id:
        # Bounded by the head read above: on SQLite these reads share no snapshot, and an
        # event appended in between must not be counted for a head that is not its own.
        since = select(func.count()).where(
            AuditEvent.id > last.last_event_id, AuditEvent.id <= head.id
        )
        events = last.events + (session.scalar(since) or 0)
    else:
        upto = AuditEvent.id <= (head.id if head else 0)
        events = session.scalar(select(func.count()).where(upto)) or 0
    signed = policy.sign(
        Checkpoint(
            at=(now or datetime.now(UTC)).astimezone(UTC),
            events=events,
            last_event_id=head.id if head else 0,
            last_hash=head.hash if head else GENESIS,
            reason=reason,
            key_id="",
            signature="",
        )
    )
    row = AuditCheckpoint(
        at=signed.at,
        scope=signed.scope,
        events=signed.events,
        last_event_id=signed.last_event_id,
        last_hash=signed.last_hash,
        reason=signed.reason,
        key_id=signed.key_id,
        signature=signed.signature,
    )
    session.add(row)
    session.flush()
    if policy.exporters:
        pending = session.info.setdefault(_PENDING, [])
        pending.append((policy, Checkpoint.of_row(row)))
    return row


@event.listens_for(Session, "after_commit")
def _export_committed(session: Session) -> None:
    for policy, checkpoint in session.info.pop(_PENDING, []):
        for export in policy.exporters:
            try:
                export(checkpoint)
            except Exception:
                # The events are committed; a lost export weakens the anchor, it must not
                # hide the checkpoint or fail the person's request. Loud, so it is noticed.
                log.exception("AUDIT CHECKPOINT EXPORT FAILED for %s", checkpoint.describe())


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, *args: Any) -> None:
    session.info.pop(_PENDING, None)


class _FileExport:
    """Appends one JSON line per checkpoint; O_APPEND keeps lines of several workers whole."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, checkpoint: Checkpoint) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (checkpoint.line() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)


class _SyslogExport:
    """Sends each checkpoint as one syslog message: a socket path (/dev/log) or host:port."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        target: str | tuple[str, int] = (host, int(port)) if host and port.isdigit() else address
        self.handler = logging.handlers.SysLogHandler(
            address=target, facility=logging.handlers.SysLogHandler.LOG_AUTH
        )
        self.handler.setFormatter(logging.Formatter("assess-audit: %(message)s"))

    def __call__(self, checkpoint: Checkpoint) -> None:
        line = checkpoint.line()
        self.handler.handle(logging.LogRecord(__name__, logging.INFO, "", 0, line, None, None))


# --- reading -----------------------------------------------------------------------------


def stored(session: Session) -> list[Checkpoint]:
    table = AuditCheckpoint.__table__
    return [Checkpoint.of_row(r) for r in session.execute(select(table).order_by(table.c.id))]


class CheckpointFileError(ValueError):
    """An exported checkpoint file cannot be read; the message names the line."""


def read_lines(lines: Iterable[str], origin: str) -> list[Checkpoint]:
    """The checkpoints in exported lines (a file of them, or a syslog file that has them).

    Lines without our marker are someone else's and are skipped; a line with it that does
    not parse is an error naming its number.
    """
    found = []
    for number, line in enumerate(lines, 1):
        if MARKER not in line:
            continue
        start = line.find("{")
        try:
            # raw_decode: syslog may add bytes after the object (a NUL, a newline).
            data, _ = json.JSONDecoder().raw_decode(line[start:])
            found.append(
                Checkpoint(
                    at=datetime.fromisoformat(data["at"]).astimezone(UTC),
                    events=int(data["events"]),
                    last_event_id=int(data["last_event_id"]),
                    last_hash=str(data["last_hash"]),
                    reason=str(data["reason"]),
                    key_id=str(data["key_id"]),
                    signature=str(data["signature"]),
                    scope=str(data["scope"]),
                    id=data.get("id"),
                    origin=f"{origin} line {number}",
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointFileError(
                f"{origin} line {number} is not a checkpoint line ({exc}); expected one JSON "
                "object per line as `audit checkpoint` or AUDIT_CHECKPOINT_FILE writes them"
            ) from None
    return found
