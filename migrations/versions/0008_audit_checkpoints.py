"""audit checkpoints; the audit tables append-only on SQLite too (issue 15, item 5)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SQLITE_APPEND_ONLY = """
CREATE TRIGGER {table}_no_{op} BEFORE {OP} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: {OP} is not allowed'); END
"""

# 0002's function names audit_events in its message; this one names the table it guards.
PG_APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade():
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('signature', name=op.f('uq_audit_checkpoints_signature'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite had no guard at all: whoever could run SQL as the application could
        # rewrite the log. Now the database refuses it as PostgreSQL's triggers do.
        for table in ("audit_events", "audit_checkpoints"):
            for op_name in ("update", "delete"):
                op.execute(
                    SQLITE_APPEND_ONLY.format(table=table, op=op_name, OP=op_name.upper())
                )
    elif dialect == "postgresql":
        op.execute(PG_APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE "
            "ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ("audit_events", "audit_checkpoints"):
            for op_name in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op_name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_truncate ON audit_checkpoints")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    op.drop_table('audit_checkpoints')
