"""The search's text filter reads an index (issue 21): a substring of a decision's case
number or title, found without reading every decision (assess/models/decision_text.py).

- PostgreSQL: the ``pg_trgm`` extension (in postgresql-contrib; trusted, so the
  database's owner may create it) and GIN trigram indexes on ``lower(case_number)`` and
  ``lower(title)``;
- SQLite (3.34 or newer): the FTS5 table ``decisions_text`` (trigram tokenizer, external
  content: only the index) filled from the decisions, and the triggers that keep it.

The statements are written out here (a migration is frozen history); the models' module
runs the same ones on ``create_all``.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-28 12:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS decisions_text USING fts5(case_number, title, "
    "content='decisions', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS decisions_text_inserted AFTER INSERT ON decisions BEGIN "
    "INSERT INTO decisions_text(rowid, case_number, title) "
    "VALUES (new.id, new.case_number, new.title); END",
    "CREATE TRIGGER IF NOT EXISTS decisions_text_deleted AFTER DELETE ON decisions BEGIN "
    "INSERT INTO decisions_text(decisions_text, rowid, case_number, title) "
    "VALUES ('delete', old.id, old.case_number, old.title); END",
    "CREATE TRIGGER IF NOT EXISTS decisions_text_updated AFTER UPDATE OF case_number, title "
    "ON decisions BEGIN "
    "INSERT INTO decisions_text(decisions_text, rowid, case_number, title) "
    "VALUES ('delete', old.id, old.case_number, old.title); "
    "INSERT INTO decisions_text(rowid, case_number, title) "
    "VALUES (new.id, new.case_number, new.title); END",
    "INSERT INTO decisions_text(decisions_text) VALUES ('rebuild')",
)
POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS decisions_text_case_number ON decisions "
    "USING gin (lower(case_number) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS decisions_text_title ON decisions "
    "USING gin (lower(title) gin_trgm_ops)",
)


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE if sqlite else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("updated", "deleted", "inserted"):
            op.execute(f"DROP TRIGGER IF EXISTS decisions_text_{name}")
        op.execute("DROP TABLE IF EXISTS decisions_text")
    else:
        # The extension stays: other databases' objects may use it, and it costs nothing.
        op.execute("DROP INDEX IF EXISTS decisions_text_title")
        op.execute("DROP INDEX IF EXISTS decisions_text_case_number")
