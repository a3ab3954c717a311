"""What the yearly report reads instead of every assessment's JSON (issue 22):
``assessment_facts``, ``report_facts.facts_of(data)`` of every assessment inserted or whose
``data`` changed, rewritten by difference after the flush that wrote it, in the same
transaction, by a session hook like the search keys' (``search_index``): every ORM write
passes here, whichever use case, front or command made it.

A fact the data holds no time for (a flag's appearance, an ex-post result) keeps the
``at`` of the row already stored, else gets the time of the write: when the product first
saw it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from ..models import Assessment, AssessmentFact, Organisation
from ..models._types import utcnow
from ..report_facts import Fact, facts_of


def _data_changed(assessment: Assessment) -> bool:
    return inspect(assessment).attrs.data.history.has_changes()


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, Assessment) and obj.id is not None:
            session.execute(delete(AssessmentFact).where(AssessmentFact.assessment_id == obj.id))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    written = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Assessment) and (obj in session.new or _data_changed(obj))
    ]
    if written:
        refresh_facts(session, written)


def refresh_facts(
    session: Session, assessments: Iterable[Assessment], *, now: datetime | None = None
) -> None:
    """Rewrite the report's facts of ``assessments`` from their data, by difference."""
    connection = session.connection()
    now = now or utcnow()
    zones: dict[int, str] = {}
    for a in assessments:
        if a.organisation_id not in zones:
            zones[a.organisation_id] = _time_zone(session, connection, a.organisation_id)
        write_facts(connection, a.id, a.organisation_id, a.data, zones[a.organisation_id], now)


def _time_zone(session: Session, connection, organisation_id: int) -> str:
    """The organisation's time zone: from the session when the write loaded it (every write
    through the use cases does), else read."""
    org = session.identity_map.get(session.identity_key(Organisation, organisation_id))
    if org is not None and "time_zone" not in inspect(org).unloaded:
        zone = org.time_zone
    else:
        zone = connection.scalar(
            select(Organisation.time_zone).where(Organisation.id == organisation_id)
        )
    return zone or "Europe/Helsinki"


def write_facts(connection, assessment_id, organisation_id, data, time_zone, now) -> None:
    """Bring one assessment's stored facts to those of ``data`` (used by the migration too)."""
    wanted = {f.ident: f for f in facts_of(data, time_zone=time_zone)}
    f = AssessmentFact
    have: dict[tuple[str, str, str], tuple[int, datetime | None]] = {
        (r.kind, r.key, r.value): (r.id, r.at)
        for r in connection.execute(
            select(f.id, f.kind, f.key, f.value, f.at).where(f.assessment_id == assessment_id)
        )
    }
    gone = [row_id for ident, (row_id, at) in have.items() if not _same(wanted.get(ident), at)]
    if gone:
        connection.execute(delete(f).where(f.id.in_(gone)))
    kept = {ident for ident, (row_id, at) in have.items() if row_id not in gone}
    added: list[Fact] = [fact for ident, fact in sorted(wanted.items()) if ident not in kept]
    if added:
        connection.execute(
            insert(f),
            [
                {
                    "organisation_id": organisation_id,
                    "assessment_id": assessment_id,
                    "kind": fact.kind,
                    "key": fact.key,
                    "value": fact.value,
                    "at": now if fact.first_seen else fact.at,
                }
                for fact in added
            ],
        )


def _same(fact: Fact | None, stored_at: datetime | None) -> bool:
    if fact is None:
        return False
    if fact.first_seen:
        return True  # its time is when it was first seen: the stored one
    if fact.at is None or stored_at is None:
        return fact.at is None and stored_at is None
    return _utc(fact.at) == _utc(stored_at)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def keep_report_times(assessment: Assessment, old_definition, definition, old: str, new: str):
    """Keep ``submitted_at`` (the first submission for review) and ``approved_at`` (the
    latest approval or confirmed screen-out that still holds) over a transition: the yearly
    report counts the days between the start and the approval in the database."""
    now = utcnow()
    if assessment.submitted_at is None and definition.awaits_review(new):
        assessment.submitted_at = now
    done_before = old_definition.is_approved(old) or old_definition.is_ready_for_agenda(old)
    if definition.is_approved(new) or definition.is_ready_for_agenda(new):
        if not done_before or assessment.approved_at is None:
            assessment.approved_at = now
    elif definition.is_editable(new) or not definition.is_active(new):
        assessment.approved_at = None
