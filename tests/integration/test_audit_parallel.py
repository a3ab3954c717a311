"""The chain walked in ranges by worker processes gives the one walk's verdict (issue 21)."""

import pytest
from sqlalchemy import select

from assess import audit, create_app
from assess.audit import fastwalk
from assess.extensions import db
from assess.models import AuditEvent
from assess.operations._audit import checkpoint_policy
from assess.operations.demo import load_demo
from tests.conftest import ON_POSTGRES, fresh_app, release_app
from tests.integration.test_audit import _tamper, make_history


@pytest.fixture
def shared(request, tmp_path, monkeypatch):
    """A database other processes can open (a file, not the suite's in-memory SQLite)."""
    monkeypatch.setattr(fastwalk, "PARALLEL_FROM", 0)
    if ON_POSTGRES:
        app = fresh_app(request)
    else:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
        with app.app_context():
            db.create_all()
    with app.app_context():
        load_demo()
        make_history()
        yield app
    release_app(app)


def _both(**kwargs):
    one = audit.verify(db.session, **kwargs)
    db.session.remove()
    two = audit.verify(db.session, workers=2, **kwargs)
    db.session.remove()
    return one, two


def _ids():
    return db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()


def test_an_intact_chain_and_its_checkpoints(shared):
    policy = checkpoint_policy()
    assert policy.key
    ids = _ids()
    for _ in range(3):  # checkpoints in the middle of several ranges
        audit.checkpoints.record(db.session, policy, reason="command")
        make_history()
    db.session.commit()
    one, two = _both(keys=policy.keys)
    assert one.intact and len(ids) < one.events == len(_ids())
    assert two == one


def test_a_tampered_event_is_named_the_same(shared):
    ids = _ids()
    # From the newest back, so each tampering moves the first broken event earlier.
    for sql, at in (
        ("UPDATE audit_events SET changes = '[]' WHERE id = :id", 0.9),
        ("UPDATE audit_events SET actor_name = 'Mallory' WHERE id = :id", 0.5),
        ("DELETE FROM audit_events WHERE id = :id", 0.3),
    ):
        target = ids[int(len(ids) * at)]
        _tamper(sql, id=target)
        one, two = _both()
        deleted = sql.startswith("DELETE")
        assert not one.intact and one.first_broken == (
            ids[ids.index(target) + 1] if deleted else target
        )
        assert two == one
        assert one.events == ids.index(target)
