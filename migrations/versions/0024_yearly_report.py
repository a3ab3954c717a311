"""What the yearly report counts and keeps (issue 22).

- ``decisions.meeting_date`` and ``decisions.outcome``: when and how the body decided; given
  by the case-management system for imported decisions, recorded with the meeting's outcome
  for the others. ``decisions.source`` says which ("entered" in the product, "imported"),
  ``decisions.imported_at`` when the last import touched it, ``decisions.required_level``
  the least level the policy in force asks of it (kept by the operations), so that the
  report counts the decisions that lacked a required assessment in the database.
- ``bodies.division_id``: the division (toimiala) a body belongs to, for the report's
  figures per division.
- ``assessments.submitted_at`` and ``approved_at``: the first submission for review and the
  approval, so that the days from screening to approval are counted in the database.
- ``assessment_facts``: one row per fact the report counts that lives inside the stored
  answers (a flag rule and how it ended, a group or dimension affected negatively or
  positively, a hearing and how it went, a plan objective helped or harmed, a follow-up and
  its ex-post result), kept on every write like the search keys, so that the report
  aggregates rows in the database instead of reading every assessment's JSON.
- ``yearly_reports`` and ``yearly_report_files``: a report as generated (its figures, the
  coordinator's edited overview, its documents' bytes with their SHA-256), never changed
  after publication, so that the figures given to the board can be shown again unchanged.
- ``organisations.shares_regional_figures``: the organisation agrees that the region's
  coordinators see its yearly figures (never case content).
- the ``coordinator`` role.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-28 11:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('preparer', 'reviewer', 'secretary', 'auditor', 'admin')"
NEW_ROLES = "role IN ('preparer', 'reviewer', 'secretary', 'auditor', 'admin', 'coordinator')"


def upgrade():
    # Columns are added in place (no table rebuilt): on SQLite a rebuild of a table that
    # others reference fails with foreign keys on, and would copy every row.
    op.add_column("decisions", sa.Column("meeting_date", sa.Date(), nullable=True))
    op.add_column("decisions", sa.Column("outcome", sa.String(length=20), nullable=True))
    op.add_column(
        "decisions",
        sa.Column("source", sa.String(length=20), nullable=False, server_default="entered"),
    )
    op.add_column("decisions", sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("decisions", sa.Column("required_level", sa.String(length=10), nullable=True))
    op.create_index(
        "ix_decisions_organisation_meeting_date", "decisions", ["organisation_id", "meeting_date"]
    )
    op.add_column("bodies", sa.Column("division_id", sa.Integer(), nullable=True))
    op.add_column("assessments", sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assessments", sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_assessments_organisation_approved", "assessments", ["organisation_id", "approved_at"]
    )
    op.add_column(
        "organisations",
        sa.Column(
            "shares_regional_figures", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(op.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint(op.f("ck_user_roles_role"), NEW_ROLES)

    op.create_table(
        "assessment_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name="fk_assessment_facts_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"],
            name="fk_assessment_facts_assessment_id_assessments",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessment_facts"),
    )
    op.create_index(
        "ix_assessment_facts_lookup",
        "assessment_facts",
        ["organisation_id", "kind", "key", "value", "assessment_id"],
    )
    op.create_index("ix_assessment_facts_assessment", "assessment_facts", ["assessment_id"])

    op.create_table(
        "yearly_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("figures_sha256", sa.String(length=64), nullable=False),
        sa.Column("overview", sa.JSON(), nullable=False),
        sa.Column("overview_generated", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published')", name="ck_yearly_reports_status"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name="fk_yearly_reports_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_yearly_reports_created_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name="fk_yearly_reports_published_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_yearly_reports"),
    )
    op.create_index(
        "ix_yearly_reports_organisation_year", "yearly_reports", ["organisation_id", "year"]
    )
    op.create_table(
        "yearly_report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["yearly_reports.id"],
            name="fk_yearly_report_files_report_id_yearly_reports",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_yearly_report_files"),
        sa.UniqueConstraint("report_id", "name", name="uq_yearly_report_files_report_id"),
    )


def _drop_columns(table: str, *columns: str) -> None:
    """Drop in place: SQLite (3.35 and later) can, and a rebuild of a referenced table fails."""
    for column in columns:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)


def downgrade():
    op.drop_table("yearly_report_files")
    op.drop_index("ix_yearly_reports_organisation_year", table_name="yearly_reports")
    op.drop_table("yearly_reports")
    op.drop_index("ix_assessment_facts_assessment", table_name="assessment_facts")
    op.drop_index("ix_assessment_facts_lookup", table_name="assessment_facts")
    op.drop_table("assessment_facts")
    # The role no longer exists below this revision: the people keep their other roles.
    op.execute("DELETE FROM user_roles WHERE role = 'coordinator'")
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(op.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint(op.f("ck_user_roles_role"), OLD_ROLES)
    _drop_columns("organisations", "shares_regional_figures")
    op.drop_index("ix_assessments_organisation_approved", table_name="assessments")
    _drop_columns("assessments", "approved_at", "submitted_at")
    _drop_columns("bodies", "division_id")
    op.drop_index("ix_decisions_organisation_meeting_date", table_name="decisions")
    _drop_columns("decisions", "required_level", "imported_at", "source", "outcome", "meeting_date")
