"""Migrations 0023 and 0030 (issue 21) fill the search keys (0030: the state's and the
level's) and the change after publication of the assessments made before the session hooks
kept them."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from assess import create_app
from assess.assessment_search import search_keys
from assess.extensions import db
from assess.models import (
    AgendaItem,
    Assessment,
    AssessmentSearchKey,
    AuditEvent,
    Decision,
    Meeting,
)
from assess.operations import assessments as assessments_ops
from assess.operations.demo import load_demo
from assess.operations.demo_scenario import acknowledge_high, load_scenario
from tests.support import user


def _keys() -> set[tuple[int, int, str]]:
    rows = db.session.execute(
        select(
            AssessmentSearchKey.organisation_id,
            AssessmentSearchKey.assessment_id,
            AssessmentSearchKey.key,
        )
    )
    return {(o, a, k) for o, a, k in rows}


def test_0023_fills_the_keys_and_the_change_after_publication(tmp_path):
    _fills(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_0023_fills_them_on_postgres(postgres_url):
    _fills(postgres_url)


def _fills(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        # The data is made by today's operations on today's schema, then taken back to 0022
        # (whose downgrades keep the rows) for 0023 to fill what the hooks had not.
        upgrade()
        load_demo()
        assert load_scenario()
        in_review = db.session.scalar(select(Assessment).where(Assessment.state == "in_review"))
        meeting = db.session.scalar(
            select(Meeting).join(AgendaItem).where(AgendaItem.decision_id == in_review.decision_id)
        )
        meeting.state = "published"
        meeting.published_at = datetime.now(UTC)
        db.session.commit()
        assert acknowledge_high(user("reviewer"), in_review)
        in_review_id = in_review.id
        kept = _keys()
        changed = {
            a.id: a.changed_after_publication_at for a in db.session.scalars(select(Assessment))
        }
        assert changed[in_review_id] is not None
        assert [v for k, v in changed.items() if k != in_review_id] == [None]
        assert {k for _, _, k in kept} >= {"acknowledged_high"}
        # As a database made before the hooks: nothing filled.
        db.session.execute(text("DELETE FROM assessment_search_keys"))
        db.session.execute(text("UPDATE assessments SET changed_after_publication_at = NULL"))
        db.session.commit()
        db.session.remove()  # no transaction of ours holds a lock the migration needs
        downgrade(revision="0022")

        upgrade()
        db.session.expire_all()
        assert _keys() == kept
        for a in db.session.scalars(select(Assessment)):
            assert {k for _, i, k in kept if i == a.id} == set(
                search_keys(a.data, state=a.state, level=a.level)
            )
        first_change = db.session.scalar(
            select(AuditEvent.at)
            .where(
                AuditEvent.object_type == "assessment",
                AuditEvent.object_id == in_review_id,
                AuditEvent.action == "assessment.flag_acknowledged",
            )
            .order_by(AuditEvent.id)
            .limit(1)
        )
        filled = {
            a.id: a.changed_after_publication_at for a in db.session.scalars(select(Assessment))
        }
        assert filled[in_review_id] == first_change
        assert abs(filled[in_review_id] - changed[in_review_id]) < timedelta(seconds=5)
        assert [v for k, v in filled.items() if k != in_review_id] == [None]
        # And back: the indexes go, the data stays.
        db.session.remove()
        downgrade(revision="0022")
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_0030_fills_the_state_and_level_keys(tmp_path):
    _fills_state_and_level(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_0030_fills_them_on_postgres(postgres_url):
    _fills_state_and_level(postgres_url)


def _state_and_level() -> set[tuple[int, int, str]]:
    return {k for k in _keys() if k[2].startswith(("state:", "level:"))}


def _fills_state_and_level(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        load_demo()
        assert load_scenario()
        # A third in the draft state, before screening: a state key, no level key.
        assessments_ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
        kept = _keys()
        every = list(db.session.scalars(select(Assessment)))
        expected = {(a.organisation_id, a.id, f"state:{a.state}") for a in every} | {
            (a.organisation_id, a.id, f"level:{a.level}") for a in every if a.level
        }
        assert len(every) == 3 and len({a.state for a in every}) == 3
        assert _state_and_level() == expected  # the hooks wrote them
        data_keys = kept - expected
        assert data_keys
        db.session.remove()
        # Back to 0029: the downgrade takes them away, the data's keys stay.
        downgrade(revision="0029")
        assert _state_and_level() == set()
        assert _keys() == data_keys
        db.session.remove()

        upgrade()
        assert _keys() == kept
        # Run again over keys already there (the hooks wrote some before the upgrade): none
        # doubled, none missing.
        db.session.execute(text("DELETE FROM assessment_search_keys WHERE key LIKE 'level:%'"))
        db.session.commit()
        db.session.remove()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0029'"))
        db.session.commit()
        db.session.remove()
        upgrade()
        assert _keys() == kept
        db.session.remove()
        db.engine.dispose()
