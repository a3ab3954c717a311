"""Walk the chain and hold it against every checkpoint: the stored ones and exported ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEvent
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
    # Where the walk ended (intact), and where it began: None from the first event, else
    # the end of an earlier intact walk, whose events this one did not read again.
    last_event_id: int = 0
    last_hash: str = GENESIS
    start: Start | None = None
    # With a ``limit``: whether events after ``last_event_id`` were left for the next walk.
    more: bool = False


@dataclass(frozen=True)
class Start:
    """The end of an earlier intact walk: a walk from here reads only the events after it."""

    last_event_id: int
    last_hash: str
    events: int


_NOT_FOLLOWING = (
    "event {} does not follow the previous event (an event before it was changed, removed or moved)"
)
_CHANGED = "event {} was changed after it was written (its hash does not match)"


class _Broken(Exception):
    def __init__(self, problem: str, first_broken: int | None = None, events: int = 0) -> None:
        super().__init__(problem)
        self.problem, self.first_broken, self.events = problem, first_broken, events


def verify(
    session: Session,
    *,
    keys: dict[str, str] | None = None,
    exported: Sequence[Checkpoint] = (),
    workers: int = 1,
    start: Start | None = None,
    limit: int | None = None,
) -> Verification:
    """Walk the whole chain in order; name the first event whose hash or link is wrong, and
    fail when a checkpoint's signature is wrong or the chain no longer has what it signed.

    ``keys`` are the checkpoint keys by key id (none: signatures are not checked, and the
    result warns); ``exported`` are checkpoints read from outside the database;
    ``workers`` processes walk ranges of the chain side by side (the same verdict).

    From a ``start`` only the events after it are read: they must follow on from its last
    hash, and the checkpoints after it must hold; a change to an event before it is found
    only by a walk from the first event.

    With a ``limit`` at most that many events are read (a request's walk): the result says
    where it stopped (``last_event_id``) and whether events were left after it (``more``);
    the checkpoints after that point are left for the walk that reads their events.
    """
    warnings = [] if keys else [NO_KEY]
    known = cp.stored(session)
    signatures = {c.signature for c in known}
    every = known + [c for c in exported if c.signature not in signatures]
    if not every:
        warnings.append(NO_CHECKPOINT)
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
        count, last_id, last_hash, more = _walk(session, every, workers, start, limit)
    except _Broken as broken:
        return Verification(
            broken.events,
            False,
            broken.first_broken,
            broken.problem,
            warnings=tuple(warnings),
        )
    newest = max(every, key=lambda c: (c.last_event_id, c.events), default=None)
    return Verification(
        events=count,
        intact=True,
        checkpoint=newest,
        after_checkpoint=count - newest.events if newest else count,
        checkpoints_checked=len(every),
        warnings=tuple(warnings),
        last_event_id=last_id,
        last_hash=last_hash,
        start=start,
        more=more,
    )


def _walk(
    session: Session,
    checkpoints: list[Checkpoint],
    workers: int,
    start: Start | None,
    limit: int | None = None,
) -> tuple[int, int, str, bool]:
    at_event: dict[int, list[Checkpoint]] = {}
    after = start.last_event_id if start else 0
    # The head as it is now, read after the checkpoints: every checkpoint read covers an
    # event at or below it, and events appended during the walk are left for the next one.
    upto = session.scalar(select(func.max(AuditEvent.id))) or 0
    more = False
    if limit is not None:
        # The limit-th event after the start (an index range of ``limit`` entries).
        bound = session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.id > after)
            .order_by(AuditEvent.id)
            .offset(max(limit, 1) - 1)
            .limit(1)
        )
        if bound is not None and bound < upto:
            upto, more = bound, True
    for checkpoint in checkpoints:
        if checkpoint.last_event_id <= after and checkpoint.last_event_id:
            continue  # before the start: held by the walk that read those events
        if checkpoint.last_event_id == 0:
            if checkpoint.events or checkpoint.last_hash != GENESIS:
                raise _Broken(f"{checkpoint.describe()} names no event but {checkpoint.events}")
            continue
        if more and checkpoint.last_event_id > upto:
            continue  # after this walk's end: held by the walk that reads those events
        at_event.setdefault(checkpoint.last_event_id, []).append(checkpoint)
    prev, count, last_id = (start.last_hash, start.events, after) if start else (GENESIS, 0, 0)
    # Plain driver rows, hashes recomputed by fastwalk (the same verdict as
    # hashing.event_hash), in id ranges joined here in order: nothing piles up in the
    # caller's session, and millions of events take seconds.
    for segment in fastwalk.segments(session, upto, at_event, workers, after=after):
        if segment.first_id is not None and segment.first_prev != prev:
            raise _Broken(_NOT_FOLLOWING.format(segment.first_id), segment.first_id, count)
        for event_id, event_hash_, walked in segment.marks:
            for checkpoint in at_event.pop(event_id, ()):
                _hold(checkpoint, event_id, event_hash_, count + walked)
        if segment.problem is not None:
            event_id, kind = segment.problem
            message = _NOT_FOLLOWING if kind == "link" else _CHANGED
            raise _Broken(message.format(event_id), event_id, count + segment.count)
        if segment.first_id is not None:
            prev = segment.last_hash or prev
            count += segment.count
            last_id = segment.last_id
    for missing in sorted(at_event):
        checkpoint = at_event[missing][0]
        if missing > upto:
            raise _Broken(
                f"the newest events were deleted: {checkpoint.describe()} from "
                f"{checkpoint.origin} covers event {missing}, but the log ends at event "
                f"{upto} with {count} events",
                None,
                count,
            )
        raise _Broken(
            f"event {missing}, covered by {checkpoint.describe()} from {checkpoint.origin}, "
            "is missing: events were deleted and the hashes after them recomputed",
            None,
            count,
        )
    return count, last_id, prev, more


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
