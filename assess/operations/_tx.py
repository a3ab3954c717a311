from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

READS_ONLY = "Reads must not write: a change was attempted inside reading()."
PART_FAILED = (
    "A use case inside this transaction failed and everything was rolled back; "
    "the rest cannot be committed on its own."
)
_DEPTH, _FAILED = "transaction_depth", "transaction_failed"


@contextmanager
def transaction() -> Iterator[Session]:
    """One request-level use case, one transaction: commit at the end, roll back on any error.

    Transactions nest: a use case run inside another joins it and only the outermost one
    commits (its inner ones only flush), so a composite action - record an outcome and move
    the assessment on, attach the documents and publish - happens whole or not at all. An
    error in an inner one rolls back everything at once, and the outer one then refuses to
    commit even if someone caught the error in between: nothing half done is ever kept.
    """
    session = db.session()  # the request's session itself, not the scoped proxy
    if session.info.get("reading"):
        raise RuntimeError(READS_ONLY)
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    if not depth:
        session.info.pop(_FAILED, None)
    try:
        yield session
        if not depth:
            if session.info.pop(_FAILED, False):
                raise RuntimeError(PART_FAILED)
            session.commit()
    except BaseException:
        session.rollback()
        if depth:
            session.info[_FAILED] = True
        raise
    finally:
        session.info[_DEPTH] = depth
        if not depth:
            session.info.pop(_FAILED, None)


@contextmanager
def reading() -> Iterator[Session]:
    """A request that only reads: nothing may be written inside, and on PostgreSQL the
    statements run without a transaction around them.

    That spares each request two of its round trips (BEGIN and ROLLBACK), which on a busy
    server are a large part of a small read's time. It assumes READ COMMITTED, PostgreSQL's
    default, where every statement sees its own snapshot inside a transaction too; with a
    stricter ``default_transaction_isolation`` a read's statements would no longer share
    one. SQLite opens no transaction for a read anyway, and switching its isolation level
    would cost a statement each way. Any flush (and ``transaction()``) inside raises.
    """
    session = db.session()  # the request's session itself, not the scoped proxy
    outer = session.info.get("reading", 0)
    fresh = not outer and not session.in_transaction()
    session.info["reading"] = outer + 1
    if fresh:
        # Nothing uncommitted can be seen inside: see committed_view().
        session.info["committed_view"] = True
    try:
        if fresh and session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session
    finally:
        session.info["reading"] = outer
        if fresh:
            session.info.pop("committed_view", None)
            session.rollback()  # no round trip in autocommit; gives the connection back


def inside_reading() -> bool:
    """True inside a reading(), where nothing may be written."""
    return bool(db.session().info.get("reading"))


def committed_view() -> bool:
    """True inside a reading() that began outside any transaction: whatever the session
    sees then is committed, so what is worked out from it may be remembered."""
    return bool(db.session().info.get("committed_view"))


@event.listens_for(Session, "before_flush")
def _no_writes_while_reading(session, flush_context, instances) -> None:
    # In autocommit every statement would be committed at once, past any rollback.
    if session.info.get("reading"):
        raise RuntimeError(READS_ONLY)


@contextmanager
def kept_after_commit() -> Iterator[Session]:
    """A request whose answer is what it has just written (an API change answered with the
    changed object): its objects keep their values when it commits instead of being read
    again (two or three statements and a rebuild per change). A rollback still forgets
    them, so a refused change answers from the database; optimistic locking (``version``)
    still refuses a later change in the same request based on a version someone else has
    since replaced."""
    session = db.session()
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield session
    finally:
        session.expire_on_commit = before
