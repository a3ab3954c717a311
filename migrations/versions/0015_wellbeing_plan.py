"""wellbeing plan: the organisation's plan objectives and their indicators (issue 18)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 22:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("text_fi", sa.String(length=500), nullable=False),
        sa.Column("text_sv", sa.String(length=500), nullable=False),
        sa.Column("text_en", sa.String(length=500), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_year >= start_year", name=op.f("ck_plan_objectives_period")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_plan_objectives_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objectives")),
        sa.UniqueConstraint("organisation_id", "key", name="uq_plan_objectives_key"),
    )
    op.create_index(
        "ix_plan_objectives_organisation_id", "plan_objectives", ["organisation_id"], unique=False
    )
    op.create_table(
        "plan_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name_fi", sa.String(length=300), nullable=False),
        sa.Column("name_sv", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_plan_indicators_objective_id_plan_objectives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_indicators")),
        sa.UniqueConstraint("objective_id", "code", name="uq_plan_indicators_code"),
    )


def downgrade():
    op.drop_table("plan_indicators")
    op.drop_index("ix_plan_objectives_organisation_id", table_name="plan_objectives")
    op.drop_table("plan_objectives")
