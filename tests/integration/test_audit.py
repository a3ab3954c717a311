"""Tampering with the audit log is detected and named; PostgreSQL refuses it outright."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from assess import audit
from assess.audit import addresses
from assess.extensions import db
from assess.models import AuditEvent, Decision
from assess.models.audit import SQLITE_APPEND_ONLY
from assess.operations import assessments as ops
from tests.support import user


def make_history():
    decision = db.session.get(Decision, 1)
    a = ops.create_assessment(user("preparer"), decision)
    for trigger in ("start_screening", "withdraw"):
        ops.fire(user("preparer"), a, trigger, comment="c", expected_version=a.version)
    return db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()


def verify_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_intact_chain_verifies(ctx):
    ids = make_history()
    result = audit.verify(db.session)
    assert result.intact and result.events == len(ids) > 10
    out = verify_cli(ctx)
    assert out.exit_code == 0 and f"{len(ids)} events verified" in out.output


def test_hashes_chain_from_genesis(ctx):
    make_history()
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))


def _tamper(sql, **params):
    # The append-only triggers refuse this (test_postgres_refuses_update_and_delete,
    # test_sqlite_refuses_update_and_delete); the chain and its checkpoints are for whoever
    # gets past them, as a superuser can on PostgreSQL, or whoever has SQLite's file (who
    # drops the triggers and puts them back): so around them.
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        for table, op in SQLITE_TRIGGERS:
            db.session.execute(text(f"DROP TRIGGER {table}_no_{op}"))
    else:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text(sql), params)
    if sqlite:
        for table, op in SQLITE_TRIGGERS:
            ddl = SQLITE_APPEND_ONLY.format(table=table, op=op, OP=op.upper())
            db.session.execute(text(ddl))
    db.session.commit()


SQLITE_TRIGGERS = [
    (t, op) for t in ("audit_events", "audit_checkpoints") for op in ("update", "delete")
]


def test_an_edited_row_is_named(ctx):
    ids = make_history()
    target = ids[len(ids) // 2]
    _tamper("UPDATE audit_events SET actor_name = 'Mallory' WHERE id = :id", id=target)
    result = audit.verify(db.session)
    assert not result.intact and result.first_broken == target
    out = verify_cli(ctx)
    assert out.exit_code == 1 and f"BROKEN at event {target}" in out.output


def test_an_edited_change_is_named(ctx):
    ids = make_history()
    target = ids[-1]
    _tamper("UPDATE audit_events SET changes = '[]' WHERE id = :id", id=target)
    assert audit.verify(db.session).first_broken == target


def test_a_deleted_row_breaks_the_link_of_the_next(ctx):
    ids = make_history()
    _tamper("DELETE FROM audit_events WHERE id = :id", id=ids[3])
    result = audit.verify(db.session)
    assert result.first_broken == ids[4] and "does not follow" in result.problem


def test_reordered_rows_are_named(ctx):
    ids = make_history()
    a, b = ids[2], ids[3]
    _tamper("UPDATE audit_events SET id = -1 WHERE id = :a", a=a)
    _tamper("UPDATE audit_events SET id = :a WHERE id = :b", a=a, b=b)
    _tamper("UPDATE audit_events SET id = :b WHERE id = -1", b=b)
    assert audit.verify(db.session).first_broken == a


def test_a_rehashed_edit_still_breaks_the_next_link(ctx):
    """Even recomputing the edited row's hash leaves the next row pointing at the old one."""
    ids = make_history()
    target = db.session.get(AuditEvent, ids[5])
    target.actor_name = "Mallory"
    new_hash = audit.event_hash(target.prev_hash, target)
    db.session.rollback()
    _tamper(
        "UPDATE audit_events SET actor_name = 'Mallory', hash = :h WHERE id = :id",
        h=new_hash,
        id=ids[5],
    )
    assert audit.verify(db.session).first_broken == ids[6]


def test_sqlite_refuses_update_and_delete(tmp_path):
    """SQLite had no guard: the application's own SQL could rewrite the log. A database
    made by the migrations now refuses it, as PostgreSQL does."""
    from flask_migrate import upgrade

    from assess import create_app
    from assess.operations.demo import load_demo

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    with app.app_context():
        upgrade()
        load_demo()
        make_history()
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        for sql in (
            "UPDATE audit_events SET actor_name = 'Mallory' WHERE id = :id",
            "DELETE FROM audit_events WHERE id = :id",
            "DELETE FROM audit_events",
            "UPDATE audit_checkpoints SET events = 0",
            "DELETE FROM audit_checkpoints",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(sql), {"id": ids[-1]})
            db.session.rollback()
        assert audit.verify(db.session).intact
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == len(ids)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete(pg_app):
    with pg_app.app_context():
        make_history()
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        for sql in (
            "UPDATE audit_events SET actor_name = 'Mallory' WHERE id = :id",
            "DELETE FROM audit_events WHERE id = :id",
            "TRUNCATE audit_events",
            "UPDATE audit_checkpoints SET events = 0",
            "DELETE FROM audit_checkpoints",
            "TRUNCATE audit_checkpoints",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(sql), {"id": ids[0]})
            db.session.rollback()
        assert audit.verify(db.session).intact


# --- who acted, from where, in which request ------------------------------------------------


def last_event() -> tuple:
    db.session.remove()
    e = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    # The address is kept beside the chain, which covers a salted digest of it (issue 16).
    assert e.client_address is None or addresses.is_digest(e.client_address)
    address = addresses.shown(e.id, e.client_address, addresses.kept(db.session, [e.id]))
    return e.action, e.actor_type, e.actor_id, e.actor_name, e.request_id, address


def test_an_event_names_the_request_and_the_address_of_a_web_change(demo):
    from tests.support import login, post

    client = demo.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"  # the session is bound to it
    login(client, "secretary")
    response = post(
        client,
        "/meetings",
        {"body_id": "1", "number": "12", "year": "2026", "starts_at": "2026-12-15T14:00"},
        headers={"X-Request-ID": "req-web-1"},
    )
    assert response.status_code == 302, response.headers.get("Location")
    assert "/meetings/" in response.headers["Location"]
    with demo.app_context():
        secretary = user("secretary")
        assert last_event() == (
            "meeting.created",
            "user",
            secretary.id,
            secretary.name,
            "req-web-1",
            "10.1.2.3",
        )


def test_an_api_change_is_the_tokens_and_a_later_command_is_nobodys_request(demo):
    from assess.operations.users import issue_token

    with demo.app_context():
        token = issue_token(user("secretary"))
        secretary = (user("secretary").id, user("secretary").name)
        preparer = (user("preparer").id, user("preparer").name)
        client = demo.test_client()
        # One application context around the request and what follows, as a program's
        # tests or a command may hold one: the request's facts end with the request.
        response = client.post(
            "/api/v1/meetings",
            json={"body": 1, "starts_at": "2026-12-16T14:00"},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-api-1"},
            environ_base={"REMOTE_ADDR": "10.9.8.7"},
        )
        assert response.status_code == 201, response.get_json()
        assert last_event() == ("meeting.created", "token", *secretary, "req-api-1", "10.9.8.7")
        ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        assert last_event() == ("assessment.created", "user", *preparer, None, None)
