"""Walk the chain and hold it against every checkpoint: the stored ones and exported ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from . import checkpoints as cp
from . import fastwalk
from .checkpoints import GENESIS, Checkpoint

NO_KEY = (
    "AUDIT_CHECKPOINT_KEY is not set: checkpoint signatures cannot be checked and no new "
    "checkpoints are made, so deleting the newest events or recomputing every hash after an "
    "edit would go unnoticed"
)
NO_CHECKPOINT = (
    "no checkpoint anchors the chain yet: deleting the newest events would go unnoticed "
    "(run `flask --app wsgi audit checkpoint`)"
)


@dataclass(frozen=True)
class Verification:
    events: int
    intact: bool
    first_broken: int | None = None
    problem: str | None = None
    # The newest checkpoint the chain matched, and how many events came after it (those are
    # covered by the hashes only: their deletion would not show).
    checkpoint: Checkpoint | None = None
    after_checkpoint: int = 0
    checkpoints_checked: int = 0
    warnings: tuple[str, ...] = field(default=())


class _Broken(Exception):
    def __init__(self, problem: str, first_broken: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.first_broken = problem, first_broken


def verify(
    session: Session,
    batch: int = 5000,
    *,
    keys: dict[str, str] | None = None,
    exported: Sequence[Checkpoint] = (),
) -> Verification:
    """Walk the whole chain in order; name the first event whose hash or link is wrong, and
    fail when a checkpoint's signature is wrong or the chain no longer has what it signed.

    ``keys`` are the checkpoint keys by key id (none: signatures are not checked, and the
    result warns); ``exported`` are checkpoints read from outside the database.
    """
    warnings = [] if keys else [NO_KEY]
    known = cp.stored(session)
    signatures = {c.signature for c in known}
    every = known + [c for c in exported if c.signature not in signatures]
    if not every:
        warnings.append(NO_CHECKPOINT)
    count = 0
    try:
        if keys:
            for checkpoint in every:
                problem = cp.signature_problem(checkpoint, keys)
                if problem:
                    raise _Broken(problem)
        for checkpoint in exported:
            if checkpoint.signature not in signatures:
                raise _Broken(
                    f"{checkpoint.describe()} from {checkpoint.origin} is not among the "
                    "database's checkpoints: checkpoint rows were deleted"
                )
        count = _walk(session, batch, every)
    except _Broken as broken:
        return Verification(
            count, False, broken.first_broken, broken.problem, warnings=tuple(warnings)
        )
    newest = max(every, key=lambda c: (c.last_event_id, c.events), default=None)
    return Verification(
        events=count,
        intact=True,
        checkpoint=newest,
        after_checkpoint=count - newest.events if newest else count,
        checkpoints_checked=len(every),
        warnings=tuple(warnings),
    )


def _walk(session: Session, batch: int, checkpoints: list[Checkpoint]) -> int:
    at_event: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        if checkpoint.last_event_id == 0:
            if checkpoint.events or checkpoint.last_hash != GENESIS:
                raise _Broken(f"{checkpoint.describe()} names no event but {checkpoint.events}")
            continue
        at_event.setdefault(checkpoint.last_event_id, []).append(checkpoint)
    prev, count, last_id = GENESIS, 0, 0
    # Plain driver rows, hashes recomputed by fastwalk (the same bytes as hashing.event_hash):
    # nothing piles up in the caller's session, and millions of events take seconds.
    for event_id, prev_hash, event_hash_, matches in fastwalk.rows(session, batch):
        if prev_hash != prev:
            raise _Broken(
                f"event {event_id} does not follow the previous event "
                "(an event before it was changed, removed or moved)",
                event_id,
            )
        if not matches:
            raise _Broken(
                f"event {event_id} was changed after it was written (its hash does not match)",
                event_id,
            )
        prev = event_hash_
        count += 1
        last_id = event_id
        for checkpoint in at_event.pop(event_id, ()):
            _hold(checkpoint, event_id, event_hash_, count)
    for missing in sorted(at_event):
        checkpoint = at_event[missing][0]
        if missing > last_id:
            raise _Broken(
                f"the newest events were deleted: {checkpoint.describe()} from "
                f"{checkpoint.origin} covers event {missing}, but the log ends at event "
                f"{last_id} with {count} events"
            )
        raise _Broken(
            f"event {missing}, covered by {checkpoint.describe()} from {checkpoint.origin}, "
            "is missing: events were deleted and the hashes after them recomputed"
        )
    return count


def _hold(checkpoint: Checkpoint, event_id: int, event_hash_: str, count: int) -> None:
    if checkpoint.last_hash != event_hash_:
        raise _Broken(
            f"event {event_id} is not the event {checkpoint.describe()} from "
            f"{checkpoint.origin} signed (its hash differs): events were changed and the "
            "hashes recomputed",
            event_id,
        )
    if checkpoint.events != count:
        raise _Broken(
            f"{checkpoint.describe()} from {checkpoint.origin} counted {checkpoint.events} "
            f"events up to event {event_id}, the log has {count}: events were removed or "
            "inserted and the hashes recomputed",
            event_id,
        )
