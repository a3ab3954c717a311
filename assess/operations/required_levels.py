"""The least level the assessment policy asks of each decision, kept on the decision (issue 22).

The yearly report counts the decisions that lacked a required assessment in the database, so
``Decision.required_level`` is kept whenever what it depends on changes: the decision is
created, changed or imported, its assessment's rule is applied again, or a policy version is
published. Which rule: the one of the policy version the decision's active assessment
started under (what the preparer is held to), else the one of the policy in force on the
meeting's date (a decision of 2024 imported today is measured against the policy of 2024),
else today's.

Below the policies' use cases (publishing one recomputes the decisions it reaches), so it
reads the version in force from the context as they do.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, or_, select, update

from ..extensions import db
from ..models import Decision, Organisation
from .context import active_assessment, version_in_force
from .policy_applied import apply_to, version_of

CHUNK = 500  # ids in one UPDATE: well under every database's limit of bound parameters


def required_level(decision: Decision) -> str:
    """ "none", "light" or "full": the minimum level of the rule that applies to ``decision``."""
    assessment = active_assessment(decision) if inspect(decision).persistent else None
    if assessment is not None:
        # What ``decisions.reapply_policy`` records on it for the decision as it is now.
        return apply_to(decision, version_of(assessment)).minimum_level
    organisation = db.session.get(Organisation, decision.organisation_id)
    assert organisation is not None  # a decision's organisation is never deleted
    return apply_to(decision, version_in_force(organisation, decision.meeting_date)).minimum_level


def keep(decision: Decision) -> None:
    """Set ``decision.required_level`` from the rule that applies now (in the caller's
    transaction; the caller records the change it made, this follows from it)."""
    level = required_level(decision)
    if decision.required_level != level:
        decision.required_level = level


def recompute_from(organisation: Organisation, starts_on: date) -> int:
    """Keep the level of the organisation's decisions a version starting on ``starts_on``
    may reach: those decided on or after that day and those not decided yet. Returns how
    many changed."""
    decisions = db.session.scalars(
        select(Decision).where(
            Decision.organisation_id == organisation.id,
            or_(Decision.meeting_date.is_(None), Decision.meeting_date >= starts_on),
        )
    ).all()
    by_level: dict[str, list[int]] = {}
    for decision in decisions:
        level = required_level(decision)
        if level != decision.required_level:
            by_level.setdefault(level, []).append(decision.id)
    # Written past the ORM: a policy published is no edit of the decisions, so neither their
    # version (a preparer's open form stays current) nor their "last changed" moves.
    for level, ids in by_level.items():
        for start in range(0, len(ids), CHUNK):
            db.session.execute(
                update(Decision)
                .where(Decision.id.in_(ids[start : start + CHUNK]))
                .values(required_level=level, updated_at=Decision.updated_at)
                .execution_options(synchronize_session="fetch")
            )
    return sum(len(ids) for ids in by_level.values())
