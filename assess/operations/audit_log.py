"""The audit log's anchor: checkpoints on demand, and verification for admins and the API."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from .. import audit
from ..audit import checkpoints
from ..audit.verification import NO_KEY
from ..extensions import db
from ..models import AuditEvent, User
from ._audit import checkpoint_policy
from ._tx import transaction
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


def verify(exported_file: str | None = None, workers: int = 1) -> audit.Verification:
    """The whole chain against every checkpoint in the database and, if given, in a file;
    ``workers`` processes walk it side by side (the command line's --workers)."""
    exported: list[audit.Checkpoint] = []
    if exported_file:
        path = Path(exported_file)
        try:
            with path.open(encoding="utf-8") as fh:
                exported = checkpoints.read_lines(fh, str(path))
        except (OSError, checkpoints.CheckpointFileError) as exc:
            raise ValidationFailed({"checkpoints": [str(exc)]}) from None
    return audit.verify(
        db.session(), keys=checkpoint_policy().keys, exported=exported, workers=workers
    )


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


def verify_for(user: User) -> OrganisationVerification:
    result = verify()
    org = user.organisation_id
    own = select(func.count()).select_from(AuditEvent).where(AuditEvent.organisation_id == org)
    session = db.session()
    events = session.scalar(own) or 0
    cp = result.checkpoint if result.intact else None
    covered = session.scalar(own.where(AuditEvent.id <= cp.last_event_id)) or 0 if cp else 0
    first_broken = None
    if result.first_broken is not None:
        broken_org = session.scalar(
            select(AuditEvent.organisation_id).where(AuditEvent.id == result.first_broken)
        )
        first_broken = result.first_broken if broken_org == org else None
    return OrganisationVerification(
        intact=result.intact,
        anchored=cp is not None and bool(checkpoint_policy().key),
        events=events,
        events_covered=covered,
        events_after_checkpoint=events - covered,
        checkpoint_at=cp.at if cp else None,
        first_broken=first_broken,
        warnings=result.warnings,
    )
