"""The index the search's text filter (``q``: a substring of a decision's case number or
title, issue 21) reads, so that its time does not grow with the organisation's decisions.

No B-tree serves a substring, so each database gets its own trigram index, kept by the
database itself on every write (whichever layer or statement writes a decision):

- PostgreSQL: ``pg_trgm`` GIN indexes on ``lower(case_number)`` and ``lower(title)``
  (``LIKE '%…%'`` reads them);
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or newer) over the
  decisions' two columns (external content: it stores only the index), kept by triggers;
  ``decisions_text MATCH '"…"'`` finds the substring, case folded.

The migration (0025) and ``create_all`` (the tests' in-memory databases) both run
``DDL``. These objects are not in the models' metadata: ``outside_models`` tells
autogenerate and the schema test to leave them be. A batch migration that rebuilds
``decisions`` on SQLite drops the triggers: run ``SQLITE`` again after it.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .decision import Decision

PREFIX = "decisions_text"

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
)
POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS decisions_text_case_number ON decisions "
    "USING gin (lower(case_number) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS decisions_text_title ON decisions "
    "USING gin (lower(title) gin_trgm_ops)",
)


def outside_models(name: str | None, type_: str, parent_names: object = None) -> bool:
    """False for the text index's objects (alembic's ``include_name``), True otherwise."""
    return not (name or "").startswith(PREFIX)


for _statement in SQLITE:
    event.listen(Decision.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL:
    event.listen(
        Decision.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
