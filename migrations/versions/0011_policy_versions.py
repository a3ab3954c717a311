"""policy versions: the organisation's assessment policy as versioned data (issue 17)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name=op.f("ck_policy_versions_status")
        ),
        sa.CheckConstraint(
            "status = 'draft' OR starts_on IS NOT NULL",
            name=op.f("ck_policy_versions_published_starts_on"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_policy_versions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_policy_versions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_policy_versions_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_versions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "uq_policy_versions_version", ["organisation_id", "version"], unique=True
        )
        batch_op.create_index(
            "uq_policy_versions_draft",
            ["organisation_id"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )


def downgrade():
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_policy_versions_draft")
        batch_op.drop_index("uq_policy_versions_version")
        batch_op.drop_index(batch_op.f("ix_policy_versions_organisation_id"))
    op.drop_table("policy_versions")
