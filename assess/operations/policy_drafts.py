"""The policy editor's use cases: the draft saved and published as the admin saw it.

Two admins may open the same draft. ``PolicyVersion`` has no version counter (a draft's
``version`` is its number as a policy version, the same through every save), so the editor
carries a fingerprint of the draft it showed (``token``: the row and
``policies.fingerprint`` of its content; ``new`` when there was none) and a save or a
publication based on a draft that has changed since is refused as ``Stale``, never written
over the other admin's work; a draft created meanwhile by someone else counts as a change.
The draft row is locked while it is compared and written (PostgreSQL; SQLite writes one at
a time anyway).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..definitions import Problem
from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import PolicyVersion, User
from . import policies
from ._tx import transaction
from .errors import Stale

# The token of "no draft yet": a first save must still find none.
NEW = "new"


def token(draft: PolicyVersion | None) -> str:
    """The fingerprint of the draft as shown: its row and its content."""
    if draft is None:
        return NEW
    return f"{draft.id}-{policies.fingerprint(draft.data)[:20]}"


def _stale() -> Stale:
    return Stale(
        _l(
            "Someone else saved this draft while you were editing it. Nothing of yours was "
            "saved; what you typed is shown below so that you can copy it. Open the draft "
            "again to see it as it is now, then make your changes again."
        )
    )


def _locked_draft(user: User) -> PolicyVersion | None:
    policies.draft(user, user.organisation)  # the admin check, before anything is read
    return db.session.scalar(
        select(PolicyVersion)
        .where(
            PolicyVersion.organisation_id == user.organisation_id,
            PolicyVersion.status == "draft",
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def save(user: User, data: Any, *, expected: str | None) -> tuple[PolicyVersion, list[Problem]]:
    """Save ``data`` as the draft, when the draft is still the one the admin opened
    (``expected`` its token; None: the caller does not say, as the command line)."""
    with transaction():
        current = _locked_draft(user)
        if expected is not None and expected != token(current):
            raise _stale()
        return policies.save_draft(user, data)


def publish(user: User, starts_on: date, *, expected: str | None) -> PolicyVersion:
    """Publish the draft from ``starts_on``, when it is still the one the admin checked and
    confirmed; refused as ``policies.publish`` refuses (every problem, a date in the past)."""
    with transaction():
        current = _locked_draft(user)
        if current is None or (expected is not None and expected != token(current)):
            raise _stale()
        return policies.publish(user, starts_on)


def discard(user: User, *, expected: str | None) -> None:
    """Delete the draft (audited), when it is still the one the admin saw."""
    with transaction():
        current = _locked_draft(user)
        if current is None or (expected is not None and expected != token(current)):
            raise _stale()
        policies.discard_draft(user)


def check(user: User, data: Any) -> list[Problem]:
    """Every problem of ``data`` as the organisation's policy (nothing is saved)."""
    policies.draft(user, user.organisation)  # admins only
    return policies.check_data(user.organisation, data)[1]


def starting_data() -> dict[str, Any]:
    """What a first draft starts from when nothing was published: the built-in default."""
    return policies.builtin_data()
