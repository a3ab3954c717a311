"""Records metadata (issue 19): the decision type's values where set, the organisation's
defaults otherwise; in each approved document's custom properties, frozen with it, and in
the decision's JSON manifest (web and API)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from assess.documents._docx import custom_properties
from assess.extensions import db
from assess.models import AuditEvent, Decision, DecisionType, Document, Organisation
from assess.operations import ValidationFailed
from assess.operations import documents as doc_ops
from assess.operations import organisation_data as org_data
from assess.operations import records as records_ops
from assess.operations.users import issue_token
from tests.integration.test_documents import approved_full
from tests.support import login, post, user


def _typed_decision(**values) -> DecisionType:
    kind = org_data.create_decision_type(
        user("admin"),
        key="service_network",
        name_fi="Palveluverkko",
        name_sv="Servicenät",
        name_en="Service network",
        task_class="05.01.00",
        **values,
    )
    db.session.execute(update(Decision).where(Decision.id == 1).values(decision_type_id=kind.id))
    db.session.commit()
    return kind


def _documents():
    return db.session.scalars(select(Document).order_by(Document.id)).all()


def test_documents_carry_the_types_values_and_the_organisations_defaults(ctx):
    records_ops.update_defaults(
        user("admin"), user("admin").organisation, retention_period="50", personal_data=False
    )
    _typed_decision(publicity_class="partly_secret")
    approved_full()
    rows = _documents()
    assert len(rows) == 2
    for doc in rows:
        props = custom_properties(doc.content)
        assert props["records_task_class"] == "05.01.00"  # the type's
        assert props["records_publicity_class"] == "partly_secret"  # the type's
        assert props["records_retention_period"] == "50"  # the organisation's
        assert props["records_personal_data"] == "no"  # the organisation's
        assert props["revision_sha256"]  # identity's property stays beside them
        assert doc.records["source"] == {
            "task_class": "decision_type",
            "publicity_class": "decision_type",
            "retention_period": "organisation",
            "personal_data": "organisation",
        }


def test_a_later_change_of_the_settings_leaves_stored_documents_verifying(ctx):
    kind = _typed_decision(publicity_class="public", retention_period="permanent")
    approved_full()
    org_data.update_decision_type(user("admin"), kind, publicity_class="secret")
    records_ops.update_defaults(
        user("admin"), user("admin").organisation, personal_data=False, retention_period="10"
    )
    checked, problems = doc_ops.verify()
    assert checked == 2 and problems == []
    # The manifest shows what each document carries and what new ones would get.
    manifest = records_ops.manifest(db.session.get(Decision, 1))
    assert manifest["records"]["publicity_class"] == "secret"
    assert {d["records"]["publicity_class"] for d in manifest["documents"]} == {"public"}


def test_an_organisation_without_settings_gets_the_built_in_defaults(ctx):
    approved_full()
    props = custom_properties(_documents()[0].content)
    assert props["records_publicity_class"] == "public"
    assert props["records_retention_period"] == "permanent"
    assert props["records_personal_data"] == "yes"
    assert "records_task_class" not in props  # neither the type nor the organisation gave one


@pytest.mark.parametrize(
    "values, field, words",
    [
        ({"retention_period": "ten"}, "retention_period", "whole number of years"),
        ({"retention_period": "0"}, "retention_period", "whole number of years"),
        ({"publicity_class": "confidential"}, "publicity_class", "not a publicity class"),
        ({"personal_data": "maybe"}, "personal_data", "true or false"),
        ({"publicity_class": ""}, "publicity_class", "needs a value"),
        ({"task_class": "five"}, "task_class", "records management plan"),
        ({"colour": "red"}, "colour", "cannot be changed"),
    ],
)
def test_bad_defaults_are_refused_and_change_nothing(ctx, values, field, words):
    org = user("admin").organisation
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationFailed) as refused:
        records_ops.update_defaults(user("admin"), org, **values)
    assert field in refused.value.errors
    assert words in str(refused.value.errors[field][0])
    db.session.expire_all()
    assert records_ops.SETTING not in (db.session.get(Organisation, org.id).settings or {})
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_the_manifest_on_the_web_and_in_the_api(ctx, client):
    _typed_decision(publicity_class="secret", retention_period="10", personal_data=True)
    approved_full()
    token = issue_token(user("auditor"))
    login(client, "auditor")
    web = client.get("/decisions/1/records.json")
    assert web.status_code == 200 and web.mimetype == "application/json"
    api = client.get("/api/v1/decisions/1/records", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.get_json()
    for manifest in (web.get_json(), api.get_json()):
        assert manifest["format"] == "assess-records-manifest"
        assert manifest["decision"]["case_number"] == db.session.get(Decision, 1).case_number
        assert manifest["decision"]["decision_type"]["key"] == "service_network"
        assert manifest["records"]["sahke2"] == {
            "FunctionCode": "05.01.00",
            "PublicityClass": "Salassa pidettävä",
            "RetentionPeriod": 10,
            "PersonalData": "sisältää henkilötietoja",
        }
        docs = {d["reference"]: d for d in manifest["documents"]}
        for row in _documents():
            entry = docs[row.reference]
            assert entry["docx"]["sha256"] == row.sha256
            assert entry["data_fingerprint"] == row.revision.sha256
            assert entry["pdf"] is None  # no converter in this test: made later
            assert entry["records"]["retention_period"] == "10"
    other = client.get("/decisions/999/records.json")
    assert other.status_code == 404


def test_the_api_sets_a_decision_types_records_metadata(ctx, client):
    token = issue_token(user("admin"))
    headers = {"Authorization": f"Bearer {token}"}
    made = client.post(
        "/api/v1/decision-types",
        headers=headers,
        json={
            "key": "grant",
            "name_fi": "Avustus",
            "name_sv": "Bidrag",
            "name_en": "Grant",
            "publicity_class": "public",
            "retention_period": "10",
            "personal_data": True,
        },
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["retention_period"] == "10"
    bad = client.patch(
        "/api/v1/decision-types/grant", headers=headers, json={"retention_period": "forever"}
    )
    assert bad.status_code == 422
    assert "retention_period" in str(bad.get_json())
    changed = client.patch(
        "/api/v1/organisation/records-defaults",
        headers=headers,
        json={"publicity_class": "partly_secret"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["publicity_class"] == "partly_secret"
    assert (
        client.get("/api/v1/organisation/records-defaults", headers=headers).get_json()[
            "publicity_class"
        ]
        == "partly_secret"
    )


def test_admin_pages_set_the_defaults_and_a_types_values(demo, client):
    login(client, "admin")
    page = client.get("/admin/records")
    assert page.status_code == 200
    refused = post(
        client,
        "/admin/records",
        {"publicity_class": "public", "retention_period": "ever", "personal_data": "yes"},
    )
    assert refused.status_code == 422
    assert "whole number of years" in refused.get_data(as_text=True)
    saved = post(
        client,
        "/admin/records",
        {"publicity_class": "secret", "retention_period": "25", "personal_data": "no"},
    )
    assert saved.status_code == 302
    made = post(
        client,
        "/admin/decision-types/new",
        {
            "key": "grant",
            "name_fi": "Avustus",
            "name_sv": "Bidrag",
            "name_en": "Grant",
            "publicity_class": "",
            "retention_period": "permanent",
            "personal_data": "yes",
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    edit = client.get("/admin/decision-types/grant").get_data(as_text=True)
    assert 'value="permanent"' in edit
    with demo.app_context():
        org = user("admin").organisation
        assert records_ops.defaults_of(org)["retention_period"] == "25"
        assert records_ops.defaults_of(org)["publicity_class"] == "secret"
        kind = org_data.decision_type_by_key(org.id, "grant")
        assert (kind.publicity_class, kind.retention_period, kind.personal_data) == (
            None,
            "permanent",
            True,
        )
