"""The search across assessments (issue 21): fill ``assessment_search_keys`` and
``assessments.changed_after_publication_at`` for the rows written before the session hooks
(assess/operations/search_index.py) kept them, and the indexes the search's sort orders
and filters walk.

- keys: ``assess.assessment_search.search_keys`` of each assessment's data (a pure
  function, the one the hooks use);
- changed after publication: the first audit event that changed an assessment's data
  (answers, flags recomputed or acknowledged, a form migration) after its decision's
  agenda was published, before the item's outcome (and the meeting's cancellation);
- indexes: ``(organisation_id, created_at, id)`` and ``(organisation_id, updated_at, id)``
  (the search's sort orders, a page without sorting the organisation's assessments),
  ``(organisation_id, changed_after_publication_at)`` and ``(organisation_id,
  prepared_by_id)``.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-28 09:00:00

"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from assess.assessment_search import search_keys

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

DATA_ACTIONS = (
    "assessment.answers_saved",
    "assessment.flags_recomputed",
    "assessment.flag_acknowledged",
    "assessment.form_migrated",
)
INDEXES = {
    "ix_assessments_organisation_started": ["organisation_id", "created_at", "id"],
    "ix_assessments_organisation_updated": ["organisation_id", "updated_at", "id"],
    "ix_assessments_organisation_changed_published": [
        "organisation_id",
        "changed_after_publication_at",
    ],
    "ix_assessments_organisation_preparer": ["organisation_id", "prepared_by_id"],
}
BATCH = 1000


def upgrade():
    bind = op.get_bind()
    assessments = sa.table(
        "assessments",
        sa.column("id", sa.Integer),
        sa.column("organisation_id", sa.Integer),
        sa.column("decision_id", sa.Integer),
        sa.column("data", sa.JSON),
        sa.column("changed_after_publication_at", sa.DateTime(timezone=True)),
    )
    keys = sa.table(
        "assessment_search_keys",
        sa.column("organisation_id", sa.Integer),
        sa.column("assessment_id", sa.Integer),
        sa.column("key", sa.String),
    )
    bind.execute(keys.delete())
    rows: list[dict] = []
    for row_id, org_id, data in bind.execute(
        sa.select(assessments.c.id, assessments.c.organisation_id, assessments.c.data)
    ):
        rows += [
            {"organisation_id": org_id, "assessment_id": row_id, "key": k}
            for k in sorted(search_keys(data))
        ]
        if len(rows) >= BATCH:
            bind.execute(keys.insert(), rows)
            rows = []
    if rows:
        bind.execute(keys.insert(), rows)

    items = sa.table(
        "agenda_items",
        sa.column("meeting_id", sa.Integer),
        sa.column("decision_id", sa.Integer),
        sa.column("outcome_at", sa.DateTime(timezone=True)),
    )
    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer),
        sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("cancelled_at", sa.DateTime(timezone=True)),
    )
    events = sa.table(
        "audit_events",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("action", sa.String),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
    )
    first = (
        sa.select(assessments.c.id, sa.func.min(events.c.at))
        .join(items, items.c.decision_id == assessments.c.decision_id)
        .join(meetings, meetings.c.id == items.c.meeting_id)
        .join(
            events,
            sa.and_(events.c.object_type == "assessment", events.c.object_id == assessments.c.id),
        )
        .where(
            meetings.c.published_at.is_not(None),
            events.c.action.in_(DATA_ACTIONS),
            events.c.at > meetings.c.published_at,
            sa.or_(items.c.outcome_at.is_(None), events.c.at < items.c.outcome_at),
            sa.or_(meetings.c.cancelled_at.is_(None), events.c.at < meetings.c.cancelled_at),
        )
        .group_by(assessments.c.id)
    )
    for row_id, at in bind.execute(first).all():
        if isinstance(at, str):  # SQLite's min() gives the stored text back
            at = datetime.fromisoformat(at)
        bind.execute(
            assessments.update()
            .where(
                assessments.c.id == row_id, assessments.c.changed_after_publication_at.is_(None)
            )
            .values(changed_after_publication_at=at)
        )
    for name, columns in INDEXES.items():
        op.create_index(name, "assessments", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="assessments")
    # The filled values stay: they are what the hooks would have written.
