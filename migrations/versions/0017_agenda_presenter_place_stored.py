"""agenda: the presenter chosen per item, the meeting place in Swedish, the published
agenda stored (issue 19)

The presenter (esittelijä) is a person with the title they present in, in both national
languages; the published agenda's bytes are kept so that they never change afterwards
(their PDF/A is filled in later by the archive converter).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 01:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place: a batch rebuild would drop the agenda_items and meetings tables, which
        # the rows pointing at them refuse once there is data (as 0013 does).
        op.execute(
            "ALTER TABLE agenda_items ADD COLUMN presenter_id INTEGER "
            "CONSTRAINT fk_agenda_items_presenter_id_users REFERENCES users (id)"
        )
        for column in ("presenter_title_fi", "presenter_title_sv"):
            op.execute(
                f"ALTER TABLE agenda_items ADD COLUMN {column} VARCHAR(200) DEFAULT '' NOT NULL"
            )
        op.execute("ALTER TABLE meetings ADD COLUMN place_sv VARCHAR(200) DEFAULT '' NOT NULL")
    else:
        with op.batch_alter_table("agenda_items", schema=None) as batch_op:
            batch_op.add_column(sa.Column("presenter_id", sa.Integer(), nullable=True))
            for column in ("presenter_title_fi", "presenter_title_sv"):
                batch_op.add_column(
                    sa.Column(column, sa.String(length=200), server_default="", nullable=False)
                )
            batch_op.create_foreign_key(
                op.f("fk_agenda_items_presenter_id_users"), "users", ["presenter_id"], ["id"]
            )
        with op.batch_alter_table("meetings", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("place_sv", sa.String(length=200), server_default="", nullable=False)
            )
    op.create_table(
        "meeting_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_documents_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_meeting_documents_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_documents")),
        sa.UniqueConstraint("meeting_id", "language", name="uq_meeting_documents_language"),
    )


def downgrade():
    op.drop_table("meeting_documents")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("place_sv")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        if not sqlite:
            batch_op.drop_constraint(
                op.f("fk_agenda_items_presenter_id_users"), type_="foreignkey"
            )
        batch_op.drop_column("presenter_title_sv")
        batch_op.drop_column("presenter_title_fi")
        batch_op.drop_column("presenter_id")
