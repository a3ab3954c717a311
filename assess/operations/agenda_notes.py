"""What an agenda is told when an assessment on it changes after its approval.

Below both the assessments (reopening marks the agendas) and the meetings (which read the
marks), so that neither needs the other for it.
"""

from __future__ import annotations

from sqlalchemy import select

from ..models import AgendaItem, Assessment, Meeting, User
from ._audit import record


def note_assessment_change(session, user: User, assessment: Assessment) -> None:
    """An approved assessment was reopened: mark it on any published agenda waiting for it."""
    items = session.scalars(
        select(AgendaItem)
        .join(Meeting)
        .where(
            AgendaItem.decision_id == assessment.decision_id,
            AgendaItem.outcome.is_(None),
            Meeting.state.in_(("published", "held")),
        )
    ).all()
    for item in items:
        item.assessment_changed = True
        record(
            session,
            user,
            "meeting.assessment_changed",
            "meeting",
            item.meeting_id,
            changes=[
                {
                    "field": f"items.{item.position}.assessment_changed",
                    "old": False,
                    "new": True,
                    "case_number": assessment.decision.case_number,
                }
            ],
            organisation_id=assessment.organisation_id,
        )
