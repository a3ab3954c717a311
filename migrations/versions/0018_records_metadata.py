"""records metadata: the publicity class, retention period and personal data of a decision
type, and the metadata each stored document was made with (issue 19, archive)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    # Unset on every existing type: the organisation's defaults apply until an admin sets one.
    with op.batch_alter_table("decision_types") as batch:
        batch.add_column(sa.Column("publicity_class", sa.String(20), nullable=True))
        batch.add_column(sa.Column("retention_period", sa.String(20), nullable=True))
        batch.add_column(sa.Column("personal_data", sa.Boolean(), nullable=True))
    # In place, not a batch rebuild (documents hold the large .docx and PDF bytes). Existing
    # documents were made without records metadata: NULL, and they re-render without it.
    op.add_column("documents", sa.Column("records", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("documents", "records")
    with op.batch_alter_table("decision_types") as batch:
        batch.drop_column("personal_data")
        batch.drop_column("retention_period")
        batch.drop_column("publicity_class")
