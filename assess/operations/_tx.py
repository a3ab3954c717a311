from __future__ import annotations

from contextlib import contextmanager

from ..extensions import db


@contextmanager
def transaction():
    """One use case, one transaction: commit at the end, roll back on any error."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
