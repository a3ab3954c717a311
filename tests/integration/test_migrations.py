"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from assess import create_app
from assess.extensions import db
from assess.models.decision_text import outside_models


def _schema_diff(url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    # The search's trigram index and FTS table: DDL outside the models.
                    "include_name": outside_models,
                },
            )
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(inspect(conn).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    return diff, tables, left


def test_migrations_match_models_on_sqlite(tmp_path):
    diff, tables, left = _schema_diff(f"sqlite:///{tmp_path / 'm.db'}")
    assert diff == []
    assert {"users", "decisions", "organisations"} <= tables
    assert left == set()  # downgrade removes everything again


@pytest.mark.postgres
def test_migrations_match_models_on_postgres(postgres_url):
    diff, tables, left = _schema_diff(postgres_url)
    assert diff == []
    assert {"users", "decisions", "organisations"} <= tables
    assert left == set()
