"""A published policy version is kept by the database itself (migration 0012), not only by
the application: an UPDATE or DELETE in SQL is refused; a draft may change and go."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from assess import create_app
from assess.extensions import db

ROWS = """
INSERT INTO organisations (id, name_fi, name_sv, bilingual, minority_language, settings, kind)
VALUES (1, 'Kunta', 'Kommun', false, 'none', '{}', 'municipality');
INSERT INTO policy_versions (id, organisation_id, version, status, starts_on, data, created_at)
VALUES (1, 1, 1, 'published', '2027-01-01', '{"format": 1}', '2026-12-01 10:00:00+00:00'),
       (2, 1, 2, 'draft', NULL, '{"format": 1}', '2026-12-02 10:00:00+00:00');
"""


def _kept(url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            for statement in ROWS.strip().split(";\n"):
                conn.execute(text(statement))
        for statement in (
            'UPDATE policy_versions SET data = \'{"format": 1, "rules": []}\' WHERE id = 1',
            "UPDATE policy_versions SET status = 'draft' WHERE id = 1",
            "DELETE FROM policy_versions WHERE id = 1",
        ):
            refused = pytest.raises(DatabaseError, match="a published version is kept as it is")
            with refused, db.engine.begin() as conn:
                conn.execute(text(statement))
        with db.engine.begin() as conn:
            # The draft changes, is published, and from then on is kept too.
            conn.execute(text("UPDATE policy_versions SET data = '{}' WHERE id = 2"))
            conn.execute(
                text(
                    "UPDATE policy_versions SET status = 'published', starts_on = '2027-06-01' "
                    "WHERE id = 2"
                )
            )
        with pytest.raises(DatabaseError), db.engine.begin() as conn:
            conn.execute(text("DELETE FROM policy_versions WHERE id = 2"))
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, status FROM policy_versions ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "published"), (2, "published")]


def test_sqlite_keeps_published_versions(tmp_path):
    _kept(f"sqlite:///{tmp_path / 'kept.db'}")


@pytest.mark.postgres
def test_postgresql_keeps_published_versions(postgres_url):
    _kept(postgres_url)
