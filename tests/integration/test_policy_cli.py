"""`flask --app wsgi policy export|import|check|versions`: exit codes and messages; an
invalid file names every problem as FILE: path: message and stores nothing."""

import yaml
from sqlalchemy import select

from assess.extensions import db
from assess.models import AuditEvent, DecisionType, PolicyVersion

GOOD = """\
format: 1
decision_types:
  - id: strategy
    labels: {fi: Strategia, sv: Strategi, en: Strategy}
default: {rule: screen}
rules:
  - {decision_type: strategy, rule: full}
"""
BAD = """\
format: 1
rules:
  - {decision_type: no_such_type, rule: full}
  - {decision_type: procurement, rule: screen, threshold_eur: lots}
processes: {screening: eva-nope}
"""


def run(app, *args):
    return app.test_cli_runner().invoke(args=["policy", *args])


def stored(app):
    with app.app_context():
        return db.session.scalars(select(PolicyVersion)).all()


def write(tmp_path, text, name="policy.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_and_publish_a_valid_file_exits_0(demo, tmp_path):
    file = write(tmp_path, GOOD)
    result = run(demo, "import", file, "--publish", "--as", "admin@demo.example")
    assert result.exit_code == 0, result.stderr
    assert "Published policy version 1" in result.stdout
    with demo.app_context():
        [version] = db.session.scalars(select(PolicyVersion)).all()
        assert version.status == "published"
        assert db.session.scalar(select(DecisionType).where(DecisionType.key == "strategy"))
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "policy.published"))
        assert event.actor_name == "Anders Holm"
    exported = run(demo, "export")
    assert exported.exit_code == 0
    assert yaml.safe_load(exported.stdout) == yaml.safe_load(GOOD)
    assert yaml.safe_load(run(demo, "export", "--version", "1").stdout) == yaml.safe_load(GOOD)
    missing = run(demo, "export", "--version", "7")
    assert missing.exit_code == 2 and "no policy version 7" in missing.stderr
    listed = run(demo, "versions")
    assert listed.exit_code == 0
    assert "1\tpublished\tfrom" in listed.stdout and "(in force)" in listed.stdout


def test_an_invalid_file_exits_non_zero_naming_every_problem_and_stores_nothing(demo, tmp_path):
    file = write(tmp_path, BAD, "bad.yaml")
    result = run(demo, "import", file, "--publish")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(
        line.startswith(f"{file}: rules.0.decision_type: unknown decision type 'no_such_type'")
        for line in lines
    )
    for path in ("rules.1.decision_type", "rules.1.threshold_eur", "processes.screening"):
        assert any(line.startswith(f"{file}: {path}: ") for line in lines), (path, lines)
    assert lines[-1] == f"{file}: 4 problems; nothing was stored."
    assert stored(demo) == []


def test_check_stores_nothing_either_way(demo, tmp_path):
    good = run(demo, "check", write(tmp_path, GOOD))
    assert good.exit_code == 0 and "a valid policy (1 rules)" in good.stdout
    bad = run(demo, "check", write(tmp_path, BAD, "bad.yaml"))
    assert bad.exit_code == 1 and "rules.1.threshold_eur" in bad.stderr
    assert stored(demo) == []


def test_import_without_publish_saves_the_draft_and_export_draft_prints_it(demo, tmp_path):
    result = run(demo, "import", write(tmp_path, GOOD))
    assert result.exit_code == 0 and "as the draft, version 1" in result.stdout
    assert [v.status for v in stored(demo)] == ["draft"]
    assert yaml.safe_load(run(demo, "export", "--draft").stdout) == yaml.safe_load(GOOD)
    # No version in force yet: the export is the built-in default.
    assert yaml.safe_load(run(demo, "export").stdout)["default"] == {"rule": "screen"}


def test_a_file_that_is_not_yaml_is_named_with_its_line(demo, tmp_path):
    file = write(tmp_path, "format: 1\nrules: [\n")
    for command in ("check", "import"):
        result = run(demo, command, file)
        assert result.exit_code == 1
        assert f"{file}: line " in result.stderr and "not valid YAML" in result.stderr
    assert stored(demo) == []


def test_refusals_say_what_would_be_right(demo, tmp_path):
    file = write(tmp_path, GOOD)
    past = run(demo, "import", file, "--publish", "--starts-on", "2001-01-01")
    assert past.exit_code == 2 and "in the past" in past.stderr
    assert stored(demo) == []
    alone = run(demo, "import", file, "--starts-on", "2099-01-01")
    assert alone.exit_code == 2 and "add --publish" in alone.stderr
    not_admin = run(demo, "import", file, "--as", "preparer@demo.example")
    assert not_admin.exit_code == 2 and "not an administrator" in not_admin.stderr
    nobody = run(demo, "import", file, "--as", "nobody@demo.example")
    assert nobody.exit_code == 2 and "nobody@demo.example" in nobody.stderr
    no_draft = run(demo, "export", "--draft")
    assert no_draft.exit_code == 2 and "no draft" in no_draft.stderr
    bad_date = run(demo, "import", file, "--publish", "--starts-on", "1.1.2027")
    assert bad_date.exit_code == 2 and "'1.1.2027' does not match" in bad_date.stderr
    assert stored(demo) == []


def test_versions_without_a_policy_says_the_built_in_default_applies(demo):
    result = run(demo, "versions")
    assert result.exit_code == 0 and "built-in default" in result.stdout


def test_both_example_policies_import_and_publish_into_the_demo(demo):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    for name in ("town-policy.yaml", "municipality-model.yaml"):
        result = run(demo, "import", str(examples / name), "--publish")
        assert result.exit_code == 0, result.stderr
    assert [v.status for v in stored(demo)] == ["published", "published"]
    with demo.app_context():
        keys = set(db.session.scalars(select(DecisionType.key)))
    assert {"service_network_change", "filling_post", "budget", "staff_matter"} <= keys


def test_a_refused_publication_stores_the_draft_neither(demo, tmp_path):
    file = write(tmp_path, GOOD)
    later = run(demo, "import", file, "--publish", "--starts-on", "2099-01-01")
    assert later.exit_code == 0, later.stderr
    before = run(demo, "import", file, "--publish")  # today: before version 1's start
    assert before.exit_code == 2 and "cannot start before it" in before.stderr
    assert [(v.version, v.status) for v in stored(demo)] == [(1, "published")]
