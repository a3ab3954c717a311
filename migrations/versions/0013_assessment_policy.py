"""assessments record the policy version and the rule applied to them (issue 17)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place: a batch rebuild would drop the assessments table, which the revisions,
        # documents and negative effects pointing at it refuse once there is data.
        op.execute(
            "ALTER TABLE assessments ADD COLUMN policy_version_id INTEGER "
            "CONSTRAINT fk_assessments_policy_version_id_policy_versions "
            "REFERENCES policy_versions (id)"
        )
        op.execute("ALTER TABLE assessments ADD COLUMN policy JSON")
    else:
        with op.batch_alter_table("assessments", schema=None) as batch_op:
            batch_op.add_column(sa.Column("policy_version_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("policy", sa.JSON(), nullable=True))
            batch_op.create_foreign_key(
                op.f("fk_assessments_policy_version_id_policy_versions"),
                "policy_versions",
                ["policy_version_id"],
                ["id"],
            )
    op.create_index(
        "ix_assessments_policy_version_id", "assessments", ["policy_version_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_assessments_policy_version_id", table_name="assessments")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        if not sqlite:
            batch_op.drop_constraint(
                op.f("fk_assessments_policy_version_id_policy_versions"), type_="foreignkey"
            )
        batch_op.drop_column("policy")
        batch_op.drop_column("policy_version_id")
