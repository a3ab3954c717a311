"""Migration 0027 (issue 22) fills the required level of decisions made before the
operations kept it, as the operations reckon it."""

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from assess import create_app
from assess.extensions import db
from assess.models import Decision
from assess.operations.demo import load_demo
from assess.operations.demo_policy import load_demo_policy
from assess.operations.required_levels import required_level


def test_0027_fills_the_required_levels(tmp_path):
    _fills(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_0027_fills_them_on_postgres(postgres_url):
    _fills(postgres_url)


def _fills(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        load_demo()
        load_demo_policy()
        # One decided before any policy: measured against the built-in default.
        db.session.execute(
            update(Decision)
            .where(Decision.case_number == "KPHA/388/2026")
            .values(meeting_date=date(2019, 5, 5))
        )
        db.session.commit()
        expected = {d.case_number: required_level(d) for d in db.session.scalars(select(Decision))}
        assert expected["KPHA/388/2026"] == "none"
        assert expected["KPHA/412/2026"] == "full"
        db.session.execute(text("UPDATE decisions SET required_level = NULL"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0026")
        upgrade()
        db.session.expire_all()
        filled = {d.case_number: d.required_level for d in db.session.scalars(select(Decision))}
        assert filled == expected
        db.session.remove()
        db.engine.dispose()
