"""Tampering with the audit log is detected and named; PostgreSQL refuses it outright."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from assess import audit
from assess.extensions import db
from assess.models import AuditEvent, Decision
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
    db.session.execute(text(sql), params)
    db.session.commit()


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


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete(pg_app):
    with pg_app.app_context():
        make_history()
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        for sql in (
            "UPDATE audit_events SET actor_name = 'Mallory' WHERE id = :id",
            "DELETE FROM audit_events WHERE id = :id",
            "TRUNCATE audit_events",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(sql), {"id": ids[0]})
            db.session.rollback()
        assert audit.verify(db.session).intact
