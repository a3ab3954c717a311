from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from ..extensions import db


@contextmanager
def transaction() -> Iterator[Session]:
    """One use case, one transaction: commit at the end, roll back on any error."""
    if db.session.info.get("reading"):
        raise RuntimeError("A change was attempted inside reading(); reads must not write.")
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def reading() -> Iterator[Session]:
    """A request that only reads: ``transaction()`` refuses to run inside, and on PostgreSQL
    the statements run without a transaction around them.

    That spares each request two of its round trips (BEGIN and ROLLBACK), which on a busy
    server are a large part of a small read's time, and loses nothing in consistency: under
    READ COMMITTED (the default) every statement sees its own snapshot inside a transaction
    too. SQLite opens no transaction for a read anyway, and switching its isolation level
    would cost a statement each way. A session already in a transaction goes on in it.
    """
    session = db.session()  # the request's session itself, not the scoped proxy
    if session.in_transaction():
        yield session
        return
    session.info["reading"] = True
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session
    finally:
        session.info.pop("reading", None)
        session.rollback()  # no round trip in autocommit; gives the connection back
