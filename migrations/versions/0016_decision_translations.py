"""decision translations: a decision's title and proposal in the other national language
(issue 19, bilingual)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 01:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # Existing decisions have none: the empty object, so every row reads the same shape. In
    # place, not a batch rebuild: SQLite would refuse to drop the decisions table that the
    # assessments and agenda items point at.
    op.add_column(
        "decisions",
        sa.Column("translations", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    )


def downgrade():
    op.drop_column("decisions", "translations")
