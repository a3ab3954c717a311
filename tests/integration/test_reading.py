"""Reading requests: no transaction on PostgreSQL (fewer round trips), no writes anywhere."""

import psycopg.pq
import pytest
from sqlalchemy import event, select

from assess import create_app
from assess.extensions import db
from assess.models import Assessment, Decision
from assess.operations import assessments as ops
from assess.operations import reading
from assess.operations._tx import transaction
from assess.operations.users import issue_token
from tests.support import user

IDLE, INTRANS = psycopg.pq.TransactionStatus.IDLE, psycopg.pq.TransactionStatus.INTRANS


def test_a_change_inside_reading_is_refused_and_changes_nothing(ctx):
    a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
    assessment_id, version = a.id, a.version
    db.session.remove()  # as at the start of a request
    with reading(), pytest.raises(RuntimeError, match="Reads must not write"), transaction():
        pass
    # A flush of its own (autoflush included) is refused too, before anything is sent.
    with reading() as session, pytest.raises(RuntimeError, match="Reads must not write"):
        session.get(Assessment, assessment_id).state = "approved"
        session.flush()
    db.session.remove()
    assert db.session.get(Assessment, assessment_id).state == a.state
    assert db.session.get(Assessment, assessment_id).version == version
    with transaction():  # outside, changes work as before
        pass


def test_the_guard_holds_when_nested_or_inside_an_open_transaction(ctx):
    db.session.get(Decision, 1)  # a transaction is open (a test's or a command's session)
    with reading(), pytest.raises(RuntimeError, match="Reads must not write"), transaction():
        pass
    db.session.remove()
    with reading():
        with reading():
            pass
        with pytest.raises(RuntimeError, match="Reads must not write"), transaction():
            pass  # the outer reading() still guards after the inner one ends


@pytest.mark.postgres
def test_an_api_get_sends_no_begin_and_a_patch_runs_in_one_transaction(pg_app):
    with pg_app.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        assessment_id = a.id
        token = issue_token(user("preparer"))
        engine = db.engine
    seen: list = []

    def status(conn, cursor, statement, parameters, context, executemany):
        seen.append(conn.connection.driver_connection.info.transaction_status)

    event.listen(engine, "after_cursor_execute", status)
    try:
        client = pg_app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        got = client.get(f"/api/v1/assessments/{assessment_id}", headers=auth)
        again = client.get(f"/api/v1/assessments/{assessment_id}", headers=auth)
        assert again.get_json() == got.get_json()  # the same, its steps now from memory
        assert got.status_code == 200
        assert len(seen) >= 2 and set(seen) == {IDLE}, seen  # each statement on its own
        seen.clear()
        changed = client.patch(
            f"/api/v1/assessments/{assessment_id}",
            json={"answers": {"scope_notes": "Read, then changed."}},
            headers={**auth, "If-Match": got.headers["ETag"]},
        )
        assert changed.status_code == 200
        assert seen and set(seen) == {INTRANS}, seen  # the change is one transaction
    finally:
        event.remove(engine, "after_cursor_execute", status)


@pytest.mark.postgres
def test_the_connection_goes_back_to_the_pool_as_it_came(postgres_url):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=postgres_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0},
    )
    with app.app_context():
        with reading() as session:
            session.execute(select(1))
            first = session.connection().connection.driver_connection
            assert first.autocommit is True
        with transaction() as session:  # the same (only) connection, in a transaction again
            session.execute(select(1))
            again = session.connection().connection.driver_connection
            assert again is first
            assert again.autocommit is False and again.info.transaction_status == INTRANS
        db.session.remove()
        db.engine.dispose()
