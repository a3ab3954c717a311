"""Migration 0023 (issue 21) fills the search keys and the change after publication of the
assessments made before the session hooks kept them."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from assess import create_app
from assess.assessment_search import search_keys
from assess.extensions import db
from assess.models import AgendaItem, Assessment, AssessmentSearchKey, AuditEvent, Meeting
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
            assert {k for _, i, k in kept if i == a.id} == set(search_keys(a.data))
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
