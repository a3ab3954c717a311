"""Optimistic locking: a change based on an old version is refused as ``Stale``, never saved.

A change is stale in two ways: the version the person read is already not the current one
(``check_version``), or someone else saved between our read and our write, which the
database finds when the row's version no longer matches (SQLAlchemy's ``StaleDataError``).
Both give the same domain error, with a message naming what changed and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Decision, Meeting
from ._tx import transaction
from .errors import Stale


def _message(target, expected):
    if isinstance(target, Assessment):
        return _l(
            "Someone else changed this assessment while you were working on it (you had "
            "version %(mine)s, it is now version %(now)s). Nothing of yours was saved: reload "
            "the page, then make your change again.",
            mine=expected,
            now=target.version,
        )
    if isinstance(target, Meeting):
        return _l(
            "Someone else changed this agenda while you were working on it (you had version "
            "%(mine)s, it is now %(now)s). Nothing was changed: reload the page and try "
            "again.",
            mine=expected,
            now=target.version,
        )
    if isinstance(target, Decision):
        return _l(
            "Someone else saved this decision while you were editing it. Your changes were not "
            "saved; they are shown below so you can copy them. Reload to see the current version."
        )
    raise TypeError(f"{type(target).__name__} is not versioned")


def stale(target: Assessment | Meeting | Decision, expected_version: int | None) -> Stale:
    """The error for a change of ``target`` based on ``expected_version``."""
    return Stale(_message(target, expected_version))


def check_version(target: Assessment | Meeting | Decision, expected_version: int | None) -> None:
    """Refuse at once a change based on a version that is no longer the current one.

    ``None`` means the caller did not say which version it read (the CLI, the demo).
    """
    if expected_version is not None and expected_version != target.version:
        raise stale(target, expected_version)


@contextmanager
def changing(
    target: Assessment | Meeting | Decision, expected_version: int | None
) -> Iterator[Session]:
    """One change of ``target`` in one transaction (joining an outer one if there is one).

    The version is checked first; a concurrent change the database finds when writing is
    reported the same way, with the version it has now.
    """
    check_version(target, expected_version)
    try:
        with transaction() as session:
            yield session
    except StaleDataError:
        db.session.refresh(target)  # everything was rolled back: the version as stored now
        raise stale(target, expected_version) from None
