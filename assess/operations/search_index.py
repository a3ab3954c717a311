"""What the search across assessments reads instead of every assessment's JSON (issue 21),
kept on every write by session hooks registered here, in the operations layer (the models
import nothing above them):

- ``assessment_search_keys``: ``assessment_search.search_keys(data, state=..., level=...)``
  (a pure function) of every assessment inserted or whose ``data``, ``state`` (a
  transition) or ``level`` (set by the model's ``_keep_level`` from the screening) changed,
  rewritten by difference after the flush that wrote it, in the same transaction;
- ``Assessment.changed_after_publication_at``: set once, before the flush, when an
  assessment's ``data`` changes while its decision is on a published agenda (a published or
  held meeting whose item has no outcome yet: after the outcome, the follow-up is expected
  to write, and does not count).

Every ORM write passes here, whichever use case, front or command made it. A bulk
``update(Assessment)`` statement would not: none exists, and none should be written
without calling ``refresh_keys`` for the rows it changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from ..assessment_search import search_keys
from ..models import AgendaItem, Assessment, AssessmentSearchKey, Meeting
from ..models._types import utcnow

# A meeting in these states has its agenda out: a change now is a change after publication.
PUBLISHED_STATES = ("published", "held")


def _data_changed(assessment: Assessment) -> bool:
    return inspect(assessment).attrs.data.history.has_changes()


def _keys_changed(assessment: Assessment) -> bool:
    """Whether what the keys are made of changed: the data, the state or the level."""
    attrs = inspect(assessment).attrs
    return any(attrs[name].history.has_changes() for name in ("data", "state", "level"))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, Assessment) and obj.id is not None:
            session.execute(
                delete(AssessmentSearchKey).where(AssessmentSearchKey.assessment_id == obj.id)
            )
    for obj in list(session.dirty):
        if (
            isinstance(obj, Assessment)
            and obj.changed_after_publication_at is None
            and _data_changed(obj)
            and _on_published_agenda(session, obj.decision_id)
        ):
            obj.changed_after_publication_at = utcnow()


def _on_published_agenda(session: Session, decision_id: int) -> bool:
    with session.no_autoflush:
        return (
            session.execute(
                select(AgendaItem.id)
                .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                .where(
                    AgendaItem.decision_id == decision_id,
                    AgendaItem.outcome.is_(None),
                    Meeting.state.in_(PUBLISHED_STATES),
                )
                .limit(1)
            ).first()
            is not None
        )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    # The lists and the attributes' history still show what this flush wrote.
    written = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Assessment) and (obj in session.new or _keys_changed(obj))
    ]
    if written:
        refresh_keys(session, written)


def refresh_keys(session: Session, assessments: Iterable[Assessment]) -> None:
    """Rewrite the search keys of ``assessments`` from their data, state and level, by
    difference."""
    connection = session.connection()
    for a in assessments:
        wanted = search_keys(a.data, state=a.state, level=a.level)
        have = set(
            connection.scalars(
                select(AssessmentSearchKey.key).where(AssessmentSearchKey.assessment_id == a.id)
            )
        )
        if gone := have - wanted:
            connection.execute(
                delete(AssessmentSearchKey).where(
                    AssessmentSearchKey.assessment_id == a.id,
                    AssessmentSearchKey.key.in_(sorted(gone)),
                )
            )
        if added := wanted - have:
            connection.execute(
                insert(AssessmentSearchKey),
                [
                    {"organisation_id": a.organisation_id, "assessment_id": a.id, "key": k}
                    for k in sorted(added)
                ],
            )
