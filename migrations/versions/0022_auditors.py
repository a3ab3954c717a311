"""What auditors search and read by (issue 21): the organisation's time zone, the
assessments' search keys, and when an assessment changed after its agenda was published.

- ``organisations.time_zone``: the history shows every time in it (Europe/Helsinki unless
  the organisation says otherwise).
- ``assessment_search_keys``: one row per fact an auditor filters by that lives inside the
  stored answers (a flag rule it has, a group with a negative effect, a high flag
  acknowledged rather than resolved), kept by the model on every write, so that the search
  reads an index instead of every assessment's JSON.
- ``assessments.changed_after_publication_at``: the first change to an assessment made
  while its decision was on a published agenda (None: never).

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-28 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "organisations",
        sa.Column(
            "time_zone", sa.String(length=40), nullable=False, server_default="Europe/Helsinki"
        ),
    )
    op.add_column(
        "assessments",
        sa.Column("changed_after_publication_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "assessment_search_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "key", name="uq_assessment_search_keys"),
    )
    op.create_index(
        "ix_assessment_search_keys_lookup",
        "assessment_search_keys",
        ["organisation_id", "key", "assessment_id"],
    )


def downgrade():
    op.drop_index("ix_assessment_search_keys_lookup", table_name="assessment_search_keys")
    op.drop_table("assessment_search_keys")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("changed_after_publication_at")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
