"""assessments.level: the screening's level kept in a column of its own (issue 20)

The lists' level filter read data -> 'screening' ->> 'level' of every assessment of the
organisation, parsing each one's whole stored answers (tens of kB) per page; a column with
an index makes it as cheap as the state filter. The model keeps it equal to the answers on
every insert and update (assess/models/assessment.py); here the existing rows are filled.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 05:35:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

LEVELS = ("none", "light", "full")


def upgrade():
    # A nullable column without constraints: a plain ALTER TABLE on SQLite too.
    op.add_column("assessments", sa.Column("level", sa.String(length=10), nullable=True))
    assessments = sa.table(
        "assessments", sa.column("id", sa.Integer), sa.column("data", sa.JSON), sa.column("level")
    )
    bind = op.get_bind()
    found: dict[str, list[int]] = {level: [] for level in LEVELS}
    for row_id, data in bind.execute(sa.select(assessments.c.id, assessments.c.data)):
        screening = data.get("screening") if isinstance(data, dict) else None
        level = screening.get("level") if isinstance(screening, dict) else None
        if level in found:
            found[level].append(row_id)
    for level, ids in found.items():
        for start in range(0, len(ids), 500):
            bind.execute(
                assessments.update()
                .where(assessments.c.id.in_(ids[start : start + 500]))
                .values(level=level)
            )
    op.create_index(
        "ix_assessments_organisation_level", "assessments", ["organisation_id", "level"]
    )


def downgrade():
    op.drop_index("ix_assessments_organisation_level", table_name="assessments")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("level")
