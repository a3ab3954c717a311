"""A decision's title and proposal in the other national language (issue 19): the API
accepts and returns them, refuses the decision's own or an unknown language naming the
field, audits them, and the revision's snapshot carries them with the document languages."""

import pytest

import assess.api.endpoints  # noqa: F401  (declares the endpoints)
from assess.extensions import db
from assess.models import AuditEvent, Decision
from assess.operations import assessments as assessment_ops
from assess.operations import decisions as decision_ops
from assess.operations.context import snapshot
from assess.operations.users import issue_token
from tests.support import user

SV = {"title": "Indragning av mottagningen", "proposal": "Regionstyrelsen beslutar att …"}


@pytest.fixture
def api(demo):
    with demo.app_context():
        token = issue_token(user("preparer"))
    client = demo.test_client()

    def call(method, path, json=None, headers=None):
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=all_headers)

    return call


def new_decision(**extra):
    return {
        "case_number": "KPHA/999/2026",
        "title": "Vastaanoton lakkauttaminen",
        "language": "fi",
        "body": 1,
        "proposal": "Aluehallitus päättää …",
        **extra,
    }


def test_the_api_takes_and_returns_the_swedish_title_and_proposal(api):
    made = api("POST", "/decisions", json=new_decision(translations={"sv": SV}))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["translations"] == {"sv": SV}
    got = api("GET", f"/decisions/{made.get_json()['id']}").get_json()
    assert got["translations"] == {"sv": SV}
    without = api("POST", "/decisions", json=new_decision(case_number="KPHA/998/2026"))
    assert without.get_json()["translations"] == {}


def test_the_decisions_own_language_is_refused_naming_the_field(api):
    wrong = api("POST", "/decisions", json=new_decision(translations={"fi": SV}))
    assert wrong.status_code == 422
    error = wrong.get_json()["error"]
    assert "translations.fi" in str(error["details"]), error
    unknown = api("POST", "/decisions", json=new_decision(translations={"en": SV}))
    assert unknown.status_code == 422
    assert "translations" in str(unknown.get_json()["error"]), unknown.get_json()
    extra = api(
        "POST", "/decisions", json=new_decision(translations={"sv": {**SV, "summary": "x"}})
    )
    assert extra.status_code == 422
    assert "summary" in str(extra.get_json()["error"]), extra.get_json()


def test_patch_replaces_them_and_a_change_of_language_asks_for_the_other(api, demo):
    made = api("POST", "/decisions", json=new_decision()).get_json()
    path = f"/decisions/{made['id']}"
    etag = f'"{made["version"]}"'
    patched = api("PATCH", path, json={"translations": {"sv": SV}}, headers={"If-Match": etag})
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["translations"] == {"sv": SV}
    # Swedish is now the decision's language: the Swedish texts cannot stay its translation.
    etag = patched.headers["ETag"]
    turned = api("PATCH", path, json={"language": "sv"}, headers={"If-Match": etag})
    assert turned.status_code == 422
    assert "translations.sv" in str(turned.get_json()["error"]["details"])
    both = api(
        "PATCH",
        path,
        json={"language": "sv", "translations": {"fi": {"title": "Lakkautus"}}},
        headers={"If-Match": etag},
    )
    assert both.status_code == 200, both.get_json()
    assert both.get_json()["translations"] == {"fi": {"title": "Lakkautus"}}
    with demo.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).where(
                AuditEvent.object_type == "decision", AuditEvent.object_id == made["id"]
            )
        ).all()
        fields = [c["field"] for e in events for c in e.changes]
    assert fields.count("translations") >= 2  # created with none, then set, then changed


def test_empty_texts_are_left_out(ctx):
    d = decision_ops.create_decision(
        user("preparer"),
        **{**new_decision(), "body_id": 1, "translations": {"sv": {"title": " ", "proposal": ""}}},
    )
    assert db.session.get(Decision, d.id).translations == {}


def test_the_snapshot_carries_the_translations_and_the_document_languages(ctx):
    preparer = user("preparer")
    d = decision_ops.create_decision(
        preparer, **{**new_decision(), "body_id": 1, "translations": {"sv": SV}}
    )
    a = assessment_ops.create_assessment(preparer, d)
    snap = snapshot(a, seq=1, user=preparer, transition={})
    assert snap["decision"]["translations"] == {"sv": SV}
    assert snap["document_languages"] == ["fi", "sv"]
    d.organisation.bilingual = False
    assert snapshot(a, seq=1, user=preparer, transition={})["document_languages"] == ["fi"]
    db.session.rollback()
