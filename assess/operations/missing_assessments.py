"""Decisions that needed an assessment and have none (issue 22): the wellbeing coordinator's
list to follow up.

A decision is on it when the policy asked at least a light assessment of it
(``Decision.required_level``, kept by ``required_levels``), it has a meeting date, and it
has no approved assessment at that level or higher: none at all, one still in progress, or
one approved at a lower level. Imported decisions come first of all: nobody in the product
prepared them, so the body's secretary is the one to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import Assessment, Body, Decision, User
from .errors import Forbidden

ROLES = ("coordinator", "reviewer", "admin")
SORTS = {
    "meeting_date": (Decision.meeting_date, Decision.case_number),
    "-meeting_date": (Decision.meeting_date.desc(), Decision.case_number),
    "case_number": (Decision.case_number,),
    "required_level": (Decision.required_level, Decision.meeting_date),
}


@dataclass(frozen=True)
class MissingRow:
    decision_id: int
    case_number: str
    title: str
    language: str
    body_key: str
    body_name_fi: str
    body_name_sv: str
    meeting_date: date
    required_level: str
    source: str
    assessment_id: int | None
    assessment_state: str | None
    assessment_level: str | None
    approved: bool
    # Who must act: the assessment's or the decision's preparer; None for an imported
    # decision nobody has started to assess (its body's secretary).
    preparer_name: str | None

    def body_name(self, language: str) -> str:
        return self.body_name_sv if language == "sv" and self.body_name_sv else self.body_name_fi


def missing(actor: User, *, sort: str = "meeting_date") -> list[MissingRow]:
    """The actor's organisation's decisions lacking a required assessment, per body (in the
    bodies' order) and within a body in the ``sort`` order."""
    if not actor.has_role(*ROLES):
        raise Forbidden(_l("Only the wellbeing coordinator, reviewers and admins see this list."))
    preparer = aliased(User)
    assessor = aliased(User)
    # At a level as high as the policy asked: full always is, light when light was asked.
    high_enough = or_(
        Assessment.level == "full",
        and_(Assessment.level == "light", Decision.required_level == "light"),
    )
    rows = db.session.execute(
        select(
            Decision.id,
            Decision.case_number,
            Decision.title,
            Decision.language,
            Body.key,
            Body.name_fi,
            Body.name_sv,
            Decision.meeting_date,
            Decision.required_level,
            Decision.source,
            Assessment.id,
            Assessment.state,
            Assessment.level,
            Assessment.approved_at,
            preparer.name,
            assessor.name,
        )
        .join(Body, Body.id == Decision.body_id)
        .join(preparer, preparer.id == Decision.preparer_id)
        .outerjoin(Assessment, and_(Assessment.decision_id == Decision.id, Assessment.active))
        .outerjoin(assessor, assessor.id == Assessment.prepared_by_id)
        .where(
            Decision.organisation_id == actor.organisation_id,
            Decision.required_level.in_(("light", "full")),
            Decision.meeting_date.is_not(None),
            or_(
                Assessment.id.is_(None),
                Assessment.approved_at.is_(None),
                Assessment.level.is_(None),
                ~high_enough,
            ),
        )
        .order_by(Body.id, *SORTS.get(sort, SORTS["meeting_date"]))
    ).all()
    return [
        MissingRow(
            decision_id=r[0],
            case_number=r[1],
            title=r[2],
            language=r[3],
            body_key=r[4],
            body_name_fi=r[5],
            body_name_sv=r[6],
            meeting_date=r[7] or date.min,  # the query asks a meeting date
            required_level=r[8] or "light",  # the query asks light or full
            source=r[9],
            assessment_id=r[10],
            assessment_state=r[11],
            assessment_level=r[12],
            approved=r[13] is not None,
            preparer_name=r[15] if r[10] is not None else (None if r[9] == "imported" else r[14]),
        )
        for r in rows
    ]
