"""Migration 0026 (issue 22) fills the report's facts and the assessments' submission and
approval times of the rows made before the operations kept them."""

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from assess import create_app
from assess.extensions import db
from assess.models import Assessment, AssessmentFact
from assess.operations.demo import load_demo
from assess.operations.demo_scenario import load_scenario


def _facts() -> dict[tuple[int, str, str, str], object]:
    rows = db.session.execute(
        select(
            AssessmentFact.assessment_id,
            AssessmentFact.kind,
            AssessmentFact.key,
            AssessmentFact.value,
            AssessmentFact.at,
        )
    )
    return {(a, k, key, v): at for a, k, key, v, at in rows}


def _times() -> dict[int, tuple]:
    return {a.id: (a.submitted_at, a.approved_at) for a in db.session.scalars(select(Assessment))}


def test_0026_fills_the_facts_and_times(tmp_path):
    _fills(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_0026_fills_them_on_postgres(postgres_url):
    _fills(postgres_url)


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < timedelta(seconds=5)


def _fills(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        # Made by today's operations on today's schema, then emptied as before the hooks.
        upgrade()
        load_demo()
        assert load_scenario()
        kept, times = _facts(), _times()
        assert any(kind == "flag" for _, kind, _, _ in kept)
        assert any(approved for _, approved in times.values())
        assert any(submitted for submitted, _ in times.values())
        db.session.execute(text("DELETE FROM assessment_facts"))
        db.session.execute(text("UPDATE assessments SET submitted_at = NULL, approved_at = NULL"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0025")

        upgrade()
        db.session.expire_all()
        filled = _facts()
        assert set(filled) == set(kept)
        # The times come from the audit events written in the same transactions.
        assert all(_close(filled[k], kept[k]) for k in kept), {
            k: (filled[k], kept[k]) for k in kept if not _close(filled[k], kept[k])
        }
        now = _times()
        assert set(now) == set(times)
        for i, (submitted, approved) in times.items():
            assert _close(now[i][0], submitted) and _close(now[i][1], approved), i
        db.session.remove()
        db.engine.dispose()
