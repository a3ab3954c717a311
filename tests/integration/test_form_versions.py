"""A new form version never changes started assessments; `forms migrate` moves them, audited."""

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from assess import create_app
from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations.demo import load_demo
from tests.conftest import ON_POSTGRES, suite_database_app
from tests.support import user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_versions(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(ROOT / "forms" / "iva.yaml", forms / "iva.yaml")
    return forms


def _add_v2(forms: Path):
    data = yaml.safe_load((forms / "iva.yaml").read_text())
    data["version"] = 2
    scoping = next(s for s in data["sections"] if s["id"] == "scoping")
    q = next(q for q in scoping["questions"] if q["id"] == "scope_notes")
    q["id"] = "scope_comments"
    data["migrations"] = {1: {"scope_notes": "scope_comments"}}
    (forms / "iva-v2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def make_app(request, tmp_path, forms, *, restart=False):
    """The app on a database of the suite's kind (TEST_DATABASE); a restart keeps its data."""
    if ON_POSTGRES:
        url = request.getfixturevalue("suite_database")
        if restart:
            return create_app("testing", SQLALCHEMY_DATABASE_URI=url, FORMS_DIR=str(forms))
        return suite_database_app(url, FORMS_DIR=str(forms))
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'v.db'}", FORMS_DIR=str(forms)
    )
    with app.app_context():
        db.create_all()
    return app


def test_old_assessment_keeps_its_version_and_migrates_when_asked(request, tmp_path, two_versions):
    app = make_app(request, tmp_path, two_versions)
    with app.app_context():
        load_demo()
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        answer_ops.save_section(
            user("preparer"),
            a,
            "scoping",
            {"answers": {"scope_notes": "Only the north."}},
            expected_version=a.version,
        )
        assert (a.form_key, a.form_version) == ("iva", 1)
        db.engine.dispose()

    _add_v2(two_versions)
    # a restart with the new version loaded
    app = make_app(request, tmp_path, two_versions, restart=True)
    runner = app.test_cli_runner()
    with app.app_context():
        a = db.session.get(Assessment, 1)
        assert a.form_version == 1  # loading v2 changed nothing
        fresh = ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
        assert fresh.form_version == 2  # new assessments take the newest
        before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))

    dry = runner.invoke(args=["forms", "migrate", "iva", "--from", "1", "--to", "2", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "assessment 1 would change" in dry.output
    assert "answers.scope_comments: None -> 'Only the north.'" in dry.output
    with app.app_context():
        assert db.session.get(Assessment, 1).form_version == 1
        assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) == before

    real = runner.invoke(args=["forms", "migrate", "iva", "--from", "1", "--to", "2"])
    assert real.exit_code == 0 and "1 assessments migrated" in real.output
    with app.app_context():
        a = db.session.get(Assessment, 1)
        assert a.form_version == 2
        assert a.data["answers"] == {"scope_comments": "Only the north."}
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert event.action == "assessment.form_migrated" and event.object_id == 1
        assert {"field": "form", "old": "iva@1", "new": "iva@2"} in event.changes
        db.engine.dispose()


def test_migrate_to_an_unknown_version_is_refused(request, tmp_path, two_versions):
    app = make_app(request, tmp_path, two_versions)
    result = app.test_cli_runner().invoke(
        args=["forms", "migrate", "iva", "--from", "1", "--to", "7", "--dry-run"]
    )
    assert result.exit_code == 2 and "version 7 is not loaded" in result.output
