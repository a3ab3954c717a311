"""The bodies and divisions a person reviews for (issue 17).

Where the organisation's policy gives a decision's review to one body's or division's
reviewers (``review: {body: KEY}``), only the people linked to that body here may approve
it or confirm its screen-out. An administrator sets the links; each change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Body, ReviewerBody, User
from ._audit import record
from ._tx import transaction
from .errors import Errors, Forbidden


def review_bodies(user: User) -> list[str]:
    """The keys of the bodies ``user`` reviews for, in order."""
    return sorted(
        db.session.scalars(
            select(Body.key)
            .join(ReviewerBody, ReviewerBody.body_id == Body.id)
            .where(ReviewerBody.user_id == user.id)
        )
    )


def set_review_bodies(actor: User | None, user: User, keys: Iterable[str]) -> list[str]:
    """Link ``user`` to exactly the bodies ``keys`` names (an empty list: to none)."""
    if actor is not None and not (
        actor.has_role("admin") and actor.organisation_id == user.organisation_id
    ):
        raise Forbidden(_l("Only the organisation's administrators can change who reviews."))
    wanted = sorted(set(keys))
    bodies = {
        b.key: b
        for b in db.session.scalars(
            select(Body).where(Body.organisation_id == user.organisation_id, Body.key.in_(wanted))
        )
    }
    errors = Errors()
    for key in wanted:
        if key not in bodies:
            errors.add(
                "bodies",
                _l("%(key)r is not one of the organisation's bodies.", key=key),
            )
    errors.raise_if_any()
    before = review_bodies(user)
    if before == wanted:
        return before
    with transaction() as session:
        for row in db.session.scalars(select(ReviewerBody).where(ReviewerBody.user_id == user.id)):
            if row.body.key not in bodies:
                session.delete(row)
        for key in wanted:
            if key not in before:
                session.add(ReviewerBody(user_id=user.id, body_id=bodies[key].id))
        session.flush()
        record(
            session,
            actor,
            "user.review_bodies_set",
            "user",
            user.id,
            changes=[{"field": "review_bodies", "old": before, "new": wanted}],
            organisation_id=user.organisation_id,
        )
    return wanted
