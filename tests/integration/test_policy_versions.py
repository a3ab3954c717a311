"""Policy versions through the operations: drafts with problems, publication with a start
date, the version in force on a day, published rows that never change, import and export."""

from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assess.extensions import db
from assess.models import AuditEvent, DecisionType, PolicyVersion, PublishedPolicyChanged
from assess.operations import Conflict, Forbidden, Stale, ValidationFailed
from assess.operations import policies as ops
from assess.operations.context import today
from tests.support import user

VALID = {
    "format": 1,
    "decision_types": [
        {
            "id": "service_network_change",
            "labels": {
                "fi": "Palveluverkon muutos",
                "sv": "Ändring av servicenätet",
                "en": "Service network change",
            },
        }
    ],
    "default": {"rule": "screen"},
    "rules": [
        {"decision_type": "service_network_change", "rule": "full"},
        {"decision_type": "service_network_change", "body": "executive_board", "rule": "full"},
    ],
}
INVALID = {
    "format": 1,
    "rules": [
        {"decision_type": "no_such_type", "rule": "full"},
        {"decision_type": "no_such_type_either", "rule": "screen", "threshold_eur": "lots"},
    ],
    "processes": {"full": "eva-light"},
}


@pytest.fixture
def admin(ctx):
    return user("admin")


def add_type(org, key):
    db.session.add(
        DecisionType(organisation_id=org.id, key=key, name_fi=key, name_sv=key, name_en=key)
    )
    db.session.commit()


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_draft_is_saved_with_its_problems_and_cannot_be_published(admin):
    version, problems = ops.save_draft(admin, INVALID)
    assert version.status == "draft" and version.data == INVALID
    paths = {p.path for p in problems}
    assert {"rules.0.decision_type", "rules.1.decision_type", "rules.1.threshold_eur"} <= paths
    assert "processes.full" in paths
    with pytest.raises(ValidationFailed) as refused:
        ops.publish(admin, today())
    assert any("rules.1.threshold_eur" in line for line in refused.value.details)
    assert db.session.get(PolicyVersion, version.id).status == "draft"
    assert events("policy.published") == []
    assert [e.object_type for e in events("policy.draft_saved")] == ["policy"]


def test_one_draft_is_saved_over_and_published_with_a_start_date(admin):
    org = admin.organisation
    add_type(org, "service_network_change")
    first, _ = ops.save_draft(admin, INVALID)
    again, problems = ops.save_draft(admin, VALID)
    assert (again.id, again.version, problems) == (first.id, 1, [])
    starts = today() + timedelta(days=30)
    published = ops.publish(admin, starts)
    assert (published.status, published.starts_on, published.version) == ("published", starts, 1)
    assert published.published_by_id == admin.id and published.published_at is not None
    assert ops.draft(admin, org) is None
    [event] = events("policy.published")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "policy",
        published.id,
        admin.id,
    )
    assert {c["field"]: c["new"] for c in event.changes} == {
        "status": "published",
        "version": 1,
        "starts_on": starts.isoformat(),
    }
    # Not yet in force: the built-in default still applies until the start date.
    assert ops.policy_in_force(org) is None
    assert ops.policy_in_force(org, starts - timedelta(days=1)) is None
    assert ops.policy_in_force(org, starts).id == published.id


def test_a_second_version_follows_the_first_and_the_first_is_kept(admin):
    org = admin.organisation
    add_type(org, "service_network_change")
    ops.save_draft(admin, VALID)
    v1 = ops.publish(admin, today())
    changed = {**VALID, "default": {"rule": "light"}}
    v2_draft, _ = ops.save_draft(admin, changed)
    assert v2_draft.version == 2 and v2_draft.id != v1.id
    later = today() + timedelta(days=10)
    v2 = ops.publish(admin, later)
    assert [v.version for v in ops.versions(org)] == [2, 1]
    assert ops.policy_in_force(org).id == v1.id
    assert ops.policy_in_force(org, later).id == v2.id
    assert ops.policy_in_force(org, later + timedelta(days=400)).id == v2.id
    assert ops.policy_in_force(org, today() - timedelta(days=1)) is None
    assert db.session.get(PolicyVersion, v1.id).data == VALID
    applied, version = ops.applied_rule(
        org, decision_type="planning", body=None, amount_eur=None, on=later
    )
    assert (applied.rule, applied.policy_version, applied.starts_on) == ("light", 2, later)
    assert version.id == v2.id


def test_a_new_version_cannot_start_before_the_one_before_it_nor_in_the_past(admin):
    ops.save_draft(admin, {"format": 1})
    ops.publish(admin, today() + timedelta(days=20))
    ops.save_draft(admin, {"format": 1, "default": {"rule": "light"}})
    with pytest.raises(Conflict, match="cannot start before it"):
        ops.publish(admin, today() + timedelta(days=19))
    with pytest.raises(ValidationFailed, match="in the past"):
        ops.publish(admin, today() - timedelta(days=1))
    assert ops.draft(admin, admin.organisation).status == "draft"


def test_published_rows_never_change(admin):
    ops.save_draft(admin, {"format": 1})
    published = ops.publish(admin, today())
    published.data = {"format": 1, "default": {"rule": "full"}}
    with pytest.raises(PublishedPolicyChanged):
        db.session.flush()
    db.session.rollback()
    kept = db.session.get(PolicyVersion, published.id)
    assert kept.data == {"format": 1}
    db.session.delete(kept)
    with pytest.raises(PublishedPolicyChanged):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(PolicyVersion, published.id) is not None


def test_only_admins_change_the_policy(ctx):
    for role in ("preparer", "reviewer", "secretary", "auditor"):
        with pytest.raises(Forbidden):
            ops.save_draft(user(role), {"format": 1})
    assert db.session.scalars(select(PolicyVersion)).all() == []


def test_import_creates_the_files_types_and_export_gives_it_back(admin):
    org = admin.organisation
    text = yaml.safe_dump(VALID, allow_unicode=True)
    version, problems = ops.import_policy(
        admin, text, source="policy.yaml", publish=True, starts_on=today()
    )
    assert problems == []
    assert version.status == "published"
    created = db.session.scalar(
        select(DecisionType).where(DecisionType.key == "service_network_change")
    )
    assert created.name_sv == "Ändring av servicenätet"
    assert [e.object_id for e in events("decision_type.created")] == [created.id]
    exported = ops.export_policy(org)
    assert yaml.safe_load(exported) == VALID
    assert "Ändring av servicenätet" in exported  # UTF-8, not escapes
    # The round trip: the export imported again is the same policy.
    again, problems = ops.import_policy(admin, exported, source="exported.yaml")
    assert problems == [] and again.data == VALID and again.version == 2


def test_an_invalid_file_stores_nothing_and_names_every_problem(admin):
    text = yaml.safe_dump(INVALID)
    version, problems = ops.import_policy(admin, text, source="bad.yaml", publish=True)
    assert version is None
    assert {str(p) for p in problems} >= {
        "bad.yaml: rules.0.decision_type: unknown decision type 'no_such_type'; expected one "
        "of: (none defined) (or define it under decision_types)",
    }
    assert {p.path for p in problems} >= {
        "rules.0.decision_type",
        "rules.1.decision_type",
        "rules.1.threshold_eur",
        "processes.full",
    }
    assert db.session.scalars(select(PolicyVersion)).all() == []
    assert events("policy.draft_saved") == []


def test_yaml_that_is_not_yaml_is_named_with_its_line(admin):
    version, problems = ops.import_policy(admin, "format: 1\nrules: [\n", source="x.yaml")
    assert version is None
    [problem] = problems
    assert problem.file == "x.yaml" and problem.path.startswith("line ")
    assert "not valid YAML" in problem.message


def test_yaml_is_read_with_the_safe_loader(admin):
    text = "format: !!python/object/apply:os.system ['echo hacked']\n"
    version, problems = ops.import_policy(admin, text, source="evil.yaml")
    assert version is None and "not valid YAML" in problems[0].message


def test_export_without_a_policy_is_the_built_in_default_and_it_checks(admin):
    data = yaml.safe_load(ops.export_policy(admin.organisation))
    assert data == ops.builtin_data()
    assert ops.check_data(admin.organisation, data)[1] == []


def test_export_of_the_draft(admin):
    with pytest.raises(Exception, match="no draft"):
        ops.export_policy(admin.organisation, draft=True)
    ops.save_draft(admin, INVALID)
    assert yaml.safe_load(ops.export_policy(admin.organisation, draft=True)) == INVALID


def test_a_second_draft_at_the_same_moment_is_refused_by_the_database(admin):
    org = admin.organisation
    db.session.add(PolicyVersion(organisation_id=org.id, version=1, status="draft", data={}))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.add(PolicyVersion(organisation_id=org.id, version=2, status="draft", data={}))
        db.session.commit()
    db.session.rollback()
    assert len(ops.versions(org)) == 1


def test_a_draft_another_admin_created_in_between_ends_in_stale_not_an_error(admin, monkeypatch):
    ops.save_draft(admin, {"format": 1})
    # As if this save had looked for the draft just before the other admin's was committed.
    monkeypatch.setattr(ops, "draft", lambda user, organisation: None)
    with pytest.raises(Stale, match="at the same moment"):
        ops.save_draft(admin, {"format": 1, "default": {"rule": "full"}})
    monkeypatch.undo()
    assert [v.data for v in ops.versions(admin.organisation)] == [{"format": 1}]


def test_the_fingerprint_follows_the_content_not_the_key_order():
    assert ops.fingerprint({"format": 1, "rules": []}) == ops.fingerprint(
        {"rules": [], "format": 1}
    )
    assert ops.fingerprint({"format": 1}) != ops.fingerprint({"format": 1, "rules": []})


def test_a_retired_type_is_named_as_retired_and_cannot_be_defined_again(admin):
    from assess.operations import organisation_data

    org = admin.organisation
    add_type(org, "service_network_change")
    kind = organisation_data.decision_type_by_key(org, "service_network_change")
    organisation_data.retire_decision_type(admin, kind)
    text = yaml.safe_dump({"format": 1, "rules": VALID["rules"][:1]})
    _, problems = ops.import_policy(admin, text, source="p.yaml")
    assert [(p.path, "is retired" in p.message) for p in problems] == [
        ("rules.0.decision_type", True)
    ]
    _, problems = ops.import_policy(admin, yaml.safe_dump(VALID), source="p.yaml")
    assert [p.path for p in problems] == ["decision_types.0.id"]
    assert "retired" in problems[0].message
