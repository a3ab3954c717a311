"""The search across assessments (issue 21): an assessment's state and screening level as
keys of ``assessment_search_keys`` (``state:<state>``, ``level:<none|light|full>``), so
that a key filter with a state or a level (a flag and a state, a negative group and an
acknowledged high flag in a level) is counted and paged in the key index alone, without
reading an assessment's row per match. The session hooks
(assess/operations/search_index.py) keep them from now on; this fills them for the rows
written before, from the columns ``assessments.state`` and ``assessments.level``.

Set-based, one ``INSERT … SELECT`` per key kind and range of 20,000 assessment ids
(SQLite and PostgreSQL alike: ``||`` joins text in both), so that a database of 100,000
assessments is filled in ten statements, none reading a row twice. A key already there
(written by the hooks of this release before the upgrade) is left alone. The downgrade
deletes them.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-28 18:00:00

"""

import sqlalchemy as sa
from alembic import op

from assess.assessment_search import LEVEL, LEVELS, STATE

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

BATCH = 20000  # assessment ids a statement covers


def upgrade():
    bind = op.get_bind()
    highest = bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM assessments")).scalar()
    levels = ", ".join(f"'{level}'" for level in LEVELS)
    for column, prefix, condition in (
        ("state", STATE, "a.state IS NOT NULL AND a.state <> ''"),
        ("level", LEVEL, f"a.level IN ({levels})"),
    ):
        statement = sa.text(
            "INSERT INTO assessment_search_keys (organisation_id, assessment_id, key) "
            f"SELECT a.organisation_id, a.id, '{prefix}' || a.{column} FROM assessments a "
            f"WHERE a.id > :low AND a.id <= :high AND {condition} "
            "AND NOT EXISTS (SELECT 1 FROM assessment_search_keys k "
            f"WHERE k.assessment_id = a.id AND k.key = '{prefix}' || a.{column})"
        )
        for low in range(0, highest, BATCH):
            bind.execute(statement, {"low": low, "high": low + BATCH})


def downgrade():
    bind = op.get_bind()
    for prefix in (STATE, LEVEL):
        bind.execute(
            sa.text("DELETE FROM assessment_search_keys WHERE key LIKE :like"),
            {"like": prefix + "%"},
        )
