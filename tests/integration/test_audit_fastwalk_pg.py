"""The fast walk on PostgreSQL confirms events by their stored texts alone (issue 21):
times in the text PostgreSQL writes, JSON the server checked, or parsed when it did not."""

from datetime import UTC, datetime

from sqlalchemy import text

from assess import audit
from assess.audit import AuditActor, fastwalk
from assess.extensions import db


def _append(at, changes):
    return audit.append(
        db.session,
        actor=AuditActor("user", 1, "Maija Meikäläinen"),
        action="assessment.updated",
        object_type="assessment",
        object_id=1,
        changes=changes,
        transition={"from": "draft", "to": "screening"},
        at=at,
    )


def _walk_fast_only():
    """The walk with the exact way refused: every event must be confirmed by step 1."""
    connection = db.session.connection()
    return fastwalk.walk_segment(
        connection.connection.dbapi_connection, "postgresql", 0, 10**9, [], lambda row: False
    )


def test_postgresql_times_and_checked_json_take_the_fast_way(pg_app):
    with pg_app.app_context():
        for at in (
            datetime(2023, 9, 4, 6, 24, 4, 80000, tzinfo=UTC),  # written "…:04.08"
            datetime(2023, 9, 4, 6, 8, 10, tzinfo=UTC),  # written without a fraction
            datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=UTC),
        ):
            _append(at, [{"field": "title", "old": 'ä\\"', "new": [1, 2.5, None]}])
        db.session.commit()
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        assert fastwalk._json_typed(cursor, "postgresql")
        segment = _walk_fast_only()
        assert segment.problem is None and segment.count >= 3
        assert audit.verify(db.session).intact


def test_a_json_column_altered_to_text_is_parsed_again(pg_app):
    with pg_app.app_context():
        _append(None, [{"field": "title", "old": "a", "new": "b"}])
        db.session.commit()
        db.session.execute(text("ALTER TABLE audit_events ALTER COLUMN changes TYPE text"))
        db.session.commit()
        cursor = db.session.connection().connection.dbapi_connection.cursor()
        assert not fastwalk._json_typed(cursor, "postgresql")
        assert _walk_fast_only().problem is None
        assert audit.verify(db.session).intact
