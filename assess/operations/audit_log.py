"""The audit log's anchor: checkpoints on demand, and verification for admins and the API."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from .. import audit
from ..audit import checkpoints
from ..audit.verification import NO_KEY
from ..extensions import db
from ..models import AuditEvent, User
from ._audit import checkpoint_policy, record
from ._tx import transaction
from .access_log import record_access
from .errors import Conflict, ValidationFailed

log = logging.getLogger(__name__)


def warn_at_start(app: Flask) -> None:
    """Say loudly, in the log, when the chain's tail is not anchored."""
    if not app.config.get("AUDIT_CHECKPOINT_KEY"):
        message = f"AUDIT LOG NOT ANCHORED: {NO_KEY}. Set AUDIT_CHECKPOINT_KEY."
        log.warning(message)
        app.logger.warning(message)


def checkpoint() -> audit.Checkpoint:
    """Sign the chain's head now (``audit checkpoint``); exported when committed."""
    policy = checkpoint_policy()
    if not policy.key:
        # For the operator at the command line, in English like the other commands.
        raise Conflict(
            "AUDIT_CHECKPOINT_KEY is not set, so no checkpoint can be signed. Set it to a "
            "long random secret kept outside the database, then run this again."
        )
    with transaction() as session:
        audit.lock_chain(session)
        row = checkpoints.record(session, policy, reason="command")
    return audit.Checkpoint.of_row(row)


def verify(
    exported_file: str | None = None, workers: int = 1, *, record_run: bool = False
) -> audit.Verification:
    """The whole chain against every checkpoint in the database and, if given, in a file;
    ``workers`` processes walk it side by side (the command line's --workers). With
    ``record_run`` the walk is recorded (``audit.verified``) for the integrity page."""
    exported: list[audit.Checkpoint] = []
    if exported_file:
        path = Path(exported_file)
        try:
            with path.open(encoding="utf-8") as fh:
                exported = checkpoints.read_lines(fh, str(path))
        except (OSError, checkpoints.CheckpointFileError) as exc:
            raise ValidationFailed({"checkpoints": [str(exc)]}) from None
    result = audit.verify(
        db.session(), keys=checkpoint_policy().keys, exported=exported, workers=workers
    )
    if record_run:
        with transaction() as session:
            record(session, None, FULL_RUN, RUN_OBJECT, None, changes=_run_changes(result))
    return result


# --- recorded walks: the integrity page reads only the events after the last intact one ---

FULL_RUN = "audit.verified"  # a walk from the first event (`audit verify`)
FULL_RUN_ASKED = "audit.full_walk_requested"  # asked for on the integrity page
PAGE_RUN = "access.audit_verified"  # the integrity page's walk, from the last intact walk
RUN_OBJECT = "audit_log"


@dataclass(frozen=True)
class RecordedRun:
    """A walk of the chain as recorded in the chain itself."""

    at: datetime
    by: str
    full: bool  # from the first event
    intact: bool
    events: int  # the chain's events up to last_event_id
    last_event_id: int
    last_hash: str
    first_broken: int | None = None

    @property
    def start(self) -> audit.Start:
        return audit.Start(self.last_event_id, self.last_hash, self.events)


def _run_changes(result: audit.Verification) -> list[dict[str, Any]]:
    details = {
        "intact": result.intact,
        "from_first_event": result.start is None,
        "events": result.events,
        "last_event_id": result.last_event_id if result.intact else None,
        "last_hash": result.last_hash if result.intact else None,
        "first_broken": result.first_broken,
        # Events after last_event_id were left for the next walk (a request's bounded walk).
        "more": result.more,
    }
    return [{"field": k, "old": None, "new": v} for k, v in sorted(details.items())]


def recorded_runs(*, full_only: bool = False, limit: int = 50) -> Iterator[RecordedRun]:
    """The newest recorded walks first (their events: one indexed read)."""
    actions = (FULL_RUN,) if full_only else (FULL_RUN, PAGE_RUN)
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.actor_name, AuditEvent.changes)
        .where(
            AuditEvent.object_type == RUN_OBJECT,
            AuditEvent.object_id.is_(None),
            AuditEvent.action.in_(actions),
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    for at, by, changes in rows:
        d = {c.get("field"): c.get("new") for c in changes or () if isinstance(c, dict)}
        run = RecordedRun(
            at=at,
            by=by,
            full=bool(d.get("from_first_event")),
            intact=d.get("intact") is True,
            events=int(d.get("events") or 0),
            last_event_id=int(d.get("last_event_id") or 0),
            last_hash=str(d.get("last_hash") or ""),
            first_broken=d.get("first_broken") if isinstance(d.get("first_broken"), int) else None,
        )
        yield run


@dataclass(frozen=True)
class OrganisationVerification:
    """What one organisation may know of the one chain all organisations share: whether it
    is intact, and its own events' figures; never another organisation's."""

    intact: bool
    anchored: bool  # a signed checkpoint covers the chain and the key is configured
    events: int  # the organisation's own events in the log
    events_covered: int  # ... of them up to the newest checkpoint
    events_after_checkpoint: int  # ... after it (their deletion would not show)
    checkpoint_at: datetime | None
    first_broken: int | None  # only when the broken event is the organisation's own
    warnings: tuple[str, ...]
    since: RecordedRun | None = None  # the recorded walk this one went on from
    new_events: int = 0  # events read by this walk (all of them without ``since``)
    last_full: RecordedRun | None = None  # the newest recorded walk from the first event
    full_walk_asked: WalkAsked | None = None  # asked for since it, not run yet
    checked_from: int = 0  # this walk read the events after this id ...
    checked_upto: int = 0  # ... up to this one (intact) ...
    more: bool = False  # ... and left newer ones for the next walk (its limit)
    verified_at: datetime | None = None  # when this walk ran


# A request's walk reads at most this many events (AUDIT_VERIFY_REQUEST_LIMIT): about half a
# second of one core; the next request goes on from where it stopped.
REQUEST_LIMIT = 20_000


def request_limit() -> int:
    return max(1, int(current_app.config.get("AUDIT_VERIFY_REQUEST_LIMIT") or REQUEST_LIMIT))


def _start() -> RecordedRun | None:
    """The newest intact walk to go on from; none (from the first event) once a walk from
    the first event found the chain broken, so the page shows what it found."""
    for run in recorded_runs():
        if run.intact and run.last_event_id and run.last_hash:
            return run
        if run.full:
            return None
    return None


def verify_for(user: User, *, since_last_run: bool = False) -> OrganisationVerification:
    """The chain for ``user``'s organisation. ``since_last_run`` (the integrity page and the
    API): only the events after the newest intact recorded walk are read, at most
    ``request_limit()`` of them, and this walk is recorded; without it (the tests, the
    operator's code) the whole chain is walked."""
    since = _start() if since_last_run else None
    verified_at = datetime.now(UTC)
    result = audit.verify(
        db.session(),
        keys=checkpoint_policy().keys,
        start=since.start if since else None,
        limit=request_limit() if since_last_run else None,
    )
    last_full = next(recorded_runs(full_only=True), None)
    intact, broken_at = result.intact, result.first_broken
    if since_last_run and last_full is not None and not last_full.intact:
        # The newest walk from the first event found the chain broken: it stays broken for
        # the request's bounded walk too, which may not read as far as the break.
        intact = False
        broken_at = broken_at if broken_at is not None else last_full.first_broken
    org = user.organisation_id
    own = select(func.count()).select_from(AuditEvent).where(AuditEvent.organisation_id == org)
    session = db.session()
    events = session.scalar(own) or 0
    cp = result.checkpoint if result.intact else None
    covered = session.scalar(own.where(AuditEvent.id <= cp.last_event_id)) or 0 if cp else 0
    first_broken = None
    if broken_at is not None:
        broken_org = session.scalar(
            select(AuditEvent.organisation_id).where(AuditEvent.id == broken_at)
        )
        first_broken = broken_at if broken_org == org else None
    if since_last_run:
        # After the figures: they are the organisation's events as the walk found them.
        record_access(user, PAGE_RUN, RUN_OBJECT, None, _details(result))
    return OrganisationVerification(
        intact=intact,
        anchored=cp is not None and bool(checkpoint_policy().key),
        events=events,
        events_covered=covered,
        events_after_checkpoint=events - covered,
        checkpoint_at=cp.at if cp else None,
        first_broken=first_broken,
        warnings=result.warnings,
        since=since,
        new_events=result.events - (since.events if since else 0),
        last_full=last_full,
        full_walk_asked=full_walk_asked() if since_last_run else None,
        checked_from=since.last_event_id if since else 0,
        checked_upto=result.last_event_id if result.intact else 0,
        more=result.more,
        verified_at=verified_at,
    )


def _details(result: audit.Verification) -> dict[str, Any]:
    return {c["field"]: c["new"] for c in _run_changes(result)}


@dataclass(frozen=True)
class WalkAsked:
    at: datetime
    by: str


def ask_for_full_walk(user: User) -> None:
    """Record that a walk from the first event is wanted; the operator's scheduled
    ``audit verify --if-asked`` runs it outside any request."""
    with transaction() as session:
        record(session, user, FULL_RUN_ASKED, RUN_OBJECT, None)


def full_walk_asked() -> WalkAsked | None:
    """The newest request for a walk from the first event made after the newest such walk."""
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.at, AuditEvent.actor_name)
        .where(
            AuditEvent.object_type == RUN_OBJECT,
            AuditEvent.object_id.is_(None),
            AuditEvent.action.in_((FULL_RUN, FULL_RUN_ASKED)),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if rows is None or rows.action != FULL_RUN_ASKED:
        return None
    return WalkAsked(rows.at, rows.actor_name)
