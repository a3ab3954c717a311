"""issue 20: the reviewer chosen at submission, section comments, the inbox and the
e-mail outbox, notification preferences, a meeting's cancellation

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28 05:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place: a batch rebuild would drop tables that other rows point at (as 0017).
        op.execute(
            "ALTER TABLE assessments ADD COLUMN reviewer_id INTEGER "
            "CONSTRAINT fk_assessments_reviewer_id_users REFERENCES users (id)"
        )
        op.execute("ALTER TABLE users ADD COLUMN notification_preferences JSON")
        op.execute("ALTER TABLE meetings ADD COLUMN cancelled_at DATETIME")
        op.execute("ALTER TABLE meetings ADD COLUMN cancel_reason TEXT DEFAULT '' NOT NULL")
    else:
        with op.batch_alter_table("assessments", schema=None) as batch_op:
            batch_op.add_column(sa.Column("reviewer_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f("fk_assessments_reviewer_id_users"), "users", ["reviewer_id"], ["id"]
            )
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.add_column(sa.Column("notification_preferences", sa.JSON(), nullable=True))
        with op.batch_alter_table("meetings", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.add_column(
                sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False)
            )
    op.create_index(
        op.f("ix_assessments_reviewer_id"), "assessments", ["reviewer_id"], unique=False
    )
    op.create_table(
        "assessment_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=60), nullable=False),
        sa.Column("revision_seq", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_comments_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_assessment_comments_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_comments")),
    )
    op.create_index(
        "ix_assessment_comments_thread", "assessment_comments", ["assessment_id", "section"]
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_notifications_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_notifications_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_notifications_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_notifications_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_dedupe"),
    )
    op.create_index(op.f("ix_notifications_organisation_id"), "notifications", ["organisation_id"])
    op.create_index(op.f("ix_notifications_assessment_id"), "notifications", ["assessment_id"])
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at"])
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_outbox_messages_notification_id_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index("ix_outbox_messages_pending", "outbox_messages", ["sent_at", "next_attempt_at"])


def downgrade():
    op.drop_table("outbox_messages")
    op.drop_table("notifications")
    op.drop_table("assessment_comments")
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index(op.f("ix_assessments_reviewer_id"), table_name="assessments")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notification_preferences")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        if not sqlite:
            batch_op.drop_constraint(op.f("fk_assessments_reviewer_id_users"), type_="foreignkey")
        batch_op.drop_column("reviewer_id")
