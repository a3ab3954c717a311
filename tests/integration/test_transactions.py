"""transaction() nests: one request-level use case commits once, or not at all."""

import pytest
from sqlalchemy import event, func, select

from assess.extensions import db
from assess.models import AuditEvent, Decision
from assess.operations import Stale
from assess.operations._stale import changing
from assess.operations._tx import PART_FAILED, transaction


def _commits():
    seen: list = []
    event.listen(db.session(), "after_commit", lambda session: seen.append(session))
    return seen


def _title(decision_id: int) -> str:
    db.session.remove()
    return db.session.get(Decision, decision_id).title


def test_nested_transactions_commit_once_at_the_outermost(ctx):
    commits = _commits()
    with transaction() as outer:
        outer.get(Decision, 1).title = "Outer change"
        with transaction() as inner:
            assert inner is outer  # the inner use case joins the outer transaction
            inner.get(Decision, 2).title = "Inner change"
            inner.flush()
        assert commits == []  # the inner one only flushed
        with transaction():
            pass
        assert commits == []
    assert len(commits) == 1
    assert _title(1) == "Outer change" and _title(2) == "Inner change"


def test_an_error_in_the_inner_transaction_rolls_back_the_outer_too(ctx):
    before = (_title(1), _title(2))
    with pytest.raises(ValueError), transaction() as outer:
        outer.get(Decision, 1).title = "Outer change"
        outer.flush()
        with transaction() as inner:
            inner.get(Decision, 2).title = "Inner change"
            inner.flush()
            raise ValueError("the second half fails")
    assert (_title(1), _title(2)) == before


def test_an_error_after_the_inner_transaction_rolls_back_what_it_flushed(ctx):
    before = (_title(1), _title(2))
    with pytest.raises(ValueError), transaction() as outer:
        with transaction() as inner:
            inner.get(Decision, 2).title = "Inner change"
        outer.get(Decision, 1).title = "Outer change"
        outer.flush()
        raise ValueError("the second half fails")
    assert (_title(1), _title(2)) == before


def test_an_inner_failure_caught_inside_still_commits_nothing(ctx):
    """Catching the inner error cannot turn the outer use case into half of itself."""
    before = (_title(1), _title(2))
    commits = _commits()
    with pytest.raises(RuntimeError, match=PART_FAILED[:30]), transaction() as outer:
        outer.get(Decision, 1).title = "Outer change"
        try:
            with transaction() as inner:
                inner.get(Decision, 2).title = "Inner change"
                raise ValueError("the inner use case fails")
        except ValueError:
            pass
        outer.get(Decision, 1).title = "Written after the failure"
    assert commits == []
    assert (_title(1), _title(2)) == before
    with transaction() as session:  # the next use case starts clean
        session.get(Decision, 1).title = "Later"
    assert _title(1) == "Later"


def test_a_stale_inner_change_is_reported_stale_and_nothing_stays(ctx):
    decision = db.session.get(Decision, 1)
    other = db.session.get(Decision, 2)
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    title = other.title
    with pytest.raises(Stale) as refused, transaction():
        other.title = "Outer change"
        db.session.flush()
        # Someone else saved the decision between our read and our write.
        db.session.execute(
            Decision.__table__.update()
            .where(Decision.id == decision.id)
            .values(version=Decision.version + 1)
        )
        with changing(decision, decision.version) as session:
            decision.title = "Inner change"
            session.flush()
    assert "Someone else saved this decision" in str(refused.value)
    assert _title(2) == title
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
