"""A database made by the previous release, migrated with this code, reads back unchanged.

``tests/data/previous_release.db`` was made by ``tests/data/make_previous_release_db.py``
from the release's own code (its migrations, its operations). Every assessment's data and
every revision's snapshot, read through the typed models and written out again, must be
what is stored; the revisions' checksums and the documents' bytes must not move.
"""

import hashlib
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from assess import audit, create_app
from assess.assessment_data import AssessmentData, Snapshot
from assess.extensions import db
from assess.models import Assessment, Revision
from assess.operations import documents as doc_ops

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "previous_release.db"
RELEASE_SCHEMA = "0006"  # the migration head of the release that made the fixture


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    path = tmp_path_factory.mktemp("previous") / "assess.db"
    shutil.copy(FIXTURE, path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        made_by = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        upgrade()
        yield app, made_by
        db.session.remove()
        db.engine.dispose()


def test_the_fixture_is_the_previous_releases(migrated):
    _, made_by = migrated
    assert made_by == RELEASE_SCHEMA


def test_every_assessment_reads_back_as_stored(migrated):
    rows = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
    assert len(rows) == 5
    for a in rows:
        typed = a.content
        assert isinstance(typed, AssessmentData)
        assert typed.dump() == a.data, a.id
        assert audit.canonical_json(typed.dump()) == audit.canonical_json(a.data)
    # The shapes the fixture exists for were read into their models, not kept as extras.
    full = next(a.content for a in rows if a.content.alternatives)
    assert full.hearings[0].attachment is not None
    assert {f.status for f in full.flags} >= {"acknowledged", "resolved"}
    assert any(f.acknowledged and f.acknowledged.comment for f in full.flags)
    assert all(not c.model_extra for c in full.impacts)
    screened_out = next(a.content for a in rows if a.content.screening.exempt_category)
    assert screened_out.level == "none"


def test_every_revision_reads_back_with_its_checksum(migrated):
    revisions = db.session.scalars(select(Revision).order_by(Revision.id)).all()
    assert len(revisions) == 21
    for r in revisions:
        typed = r.content
        assert isinstance(typed, Snapshot)
        assert not typed.model_extra and not typed.data.model_extra, r.id
        dumped = typed.dump()
        assert dumped == r.snapshot, r.id
        assert hashlib.sha256(audit.canonical_json(dumped)).hexdigest() == r.sha256


def test_the_documents_render_to_the_same_bytes(migrated):
    checked, problems = doc_ops.verify()
    assert checked == 6
    assert problems == []


def test_the_audit_chain_is_intact(migrated):
    assert audit.verify(db.session).intact


def test_the_level_column_is_filled_from_the_stored_answers(migrated):
    """Migration 0021 (issue 20): the lists filter by assessments.level, filled from the
    answers of the assessments made before it."""
    rows = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
    assert {a.level for a in rows} >= {"none", "full"}
    for a in rows:
        assert a.level == a.content.level, a.id
