"""reviewer_bodies: the bodies and divisions a person reviews for (issue 17)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 19:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reviewer_bodies",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_reviewer_bodies_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reviewer_bodies_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "body_id", name=op.f("pk_reviewer_bodies")),
    )
    op.create_index("ix_reviewer_bodies_body_id", "reviewer_bodies", ["body_id"], unique=False)


def downgrade():
    op.drop_index("ix_reviewer_bodies_body_id", table_name="reviewer_bodies")
    op.drop_table("reviewer_bodies")
