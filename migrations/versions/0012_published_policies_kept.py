"""published policy versions are kept as they are: the database refuses to change or delete
them, on SQLite and PostgreSQL (issue 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 19:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MESSAGE = "policy_versions: a published version is kept as it is ({op} is not allowed)"

SQLITE = """
CREATE TRIGGER policy_versions_published_no_{op} BEFORE {OP} ON policy_versions
WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""

PG_FUNCTION = """
CREATE FUNCTION policy_version_published_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'policy_versions: a published version is kept as it is (% is not allowed)',
        TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("update", "delete"):
            op.execute(
                SQLITE.format(op=name, OP=name.upper(), message=MESSAGE.format(op=name.upper()))
            )
    elif dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER policy_versions_published_kept BEFORE UPDATE OR DELETE "
            "ON policy_versions FOR EACH ROW WHEN (OLD.status = 'published') "
            "EXECUTE FUNCTION policy_version_published_kept()"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS policy_versions_published_no_{name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS policy_versions_published_kept ON policy_versions")
        op.execute("DROP FUNCTION IF EXISTS policy_version_published_kept()")
