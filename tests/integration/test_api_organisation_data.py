"""The API's bodies and decision types (issue 17) and the decision's type and amount."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Body, Decision, DecisionType
from assess.operations.users import issue_token
from tests.support import user

ROLES = ["preparer", "reviewer", "secretary", "auditor", "admin"]
TYPE = {
    "key": "procurement",
    "name_fi": "Hankinta",
    "name_sv": "Upphandling",
    "name_en": "Procurement",
}
DECISION = {"case_number": "KPHA/9/2027", "title": "Hankinta", "language": "fi", "body": 1}


@pytest.fixture
def api(demo):
    with demo.app_context():
        tokens = {role: f"Bearer {issue_token(user(role))}" for role in ROLES}
    client = demo.test_client()

    def call(method, path, who="preparer", json=None, headers=None):
        headers = {"Authorization": tokens[who], **(headers or {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=headers)

    return call


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def stored(demo):
    with demo.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Body, DecisionType, Decision, AuditEvent)
        )


def refused(response, status, path=None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if path is not None:
        assert path in [d["path"] for d in error["details"]], error
    return error


def test_bodies_list_keys_kinds_and_whether_active(api):
    bodies = ok(api("GET", "/bodies", who="auditor"))
    assert bodies[0] == {
        "id": 1,
        "key": "executive_board",
        "kind": "executive_board",
        "name_fi": "Aluehallitus",
        "name_sv": "Välfärdsområdesstyrelsen",
        "active": True,
    }


def test_an_admin_token_creates_renames_and_retires_a_body(demo, api):
    new = {"key": "council", "kind": "council", "name_fi": "Aluevaltuusto", "name_sv": "Fullm."}
    body = ok(api("POST", "/bodies", who="admin", json=new), 201)
    assert {k: body[k] for k in new} == new and body["active"] is True
    body = ok(
        api(
            "PATCH",
            "/bodies/council",
            who="admin",
            json={"name_sv": "Välfärdsfullmäktige", "active": False},
        )
    )
    assert (body["name_sv"], body["active"]) == ("Välfärdsfullmäktige", False)
    with demo.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "body")
        ).all()
        via = db.session.scalars(
            select(AuditEvent.actor_type).where(AuditEvent.object_type == "body")
        ).all()
    assert actions == ["body.created", "body.updated", "body.retired"]
    assert set(via) == {"token"}
    assert [b["key"] for b in ok(api("GET", "/bodies")) if not b["active"]] == ["council"]


@pytest.mark.parametrize(
    "who, json, status, path",
    [
        ("preparer", {"key": "x", "kind": "board", "name_fi": "X", "name_sv": "X"}, 403, None),
        (
            "admin",
            {"key": "executive_board", "kind": "board", "name_fi": "X", "name_sv": "X"},
            422,
            "key",
        ),
        (
            "admin",
            {"key": "Iso Kirjain", "kind": "board", "name_fi": "X", "name_sv": "X"},
            422,
            "key",
        ),
        ("admin", {"key": "x", "kind": "senate", "name_fi": "X", "name_sv": "X"}, 422, "kind"),
        ("admin", {"key": "x", "kind": "board", "name_fi": "X", "name_sv": ""}, 422, "name_sv"),
        ("admin", {"key": "x", "kind": "board", "name_fi": "X"}, 422, "name_sv"),
        (
            "admin",
            {"key": "x", "kind": "board", "name_fi": "X", "name_sv": "X", "id": 5},
            422,
            "id",
        ),
    ],
)
def test_a_refused_body_stores_nothing(demo, api, who, json, status, path):
    before = stored(demo)
    refused(api("POST", "/bodies", who=who, json=json), status, path)
    assert stored(demo) == before


def test_patching_an_unknown_body_or_type_is_404_naming_the_key(demo, api):
    error = refused(api("PATCH", "/bodies/senate", who="admin", json={"active": False}), 404)
    assert "'senate'" in error["message"]
    error = refused(api("PATCH", "/decision-types/nope", who="admin", json={"active": False}), 404)
    assert "'nope'" in error["message"]


def test_a_refused_patch_changes_nothing(demo, api):
    before = stored(demo)
    refused(
        api("PATCH", "/bodies/executive_board", who="admin", json={"name_fi": "", "active": False}),
        422,
        "name_fi",
    )
    refused(api("PATCH", "/bodies/executive_board", who="reviewer", json={"active": False}), 403)
    assert stored(demo) == before
    assert ok(api("GET", "/bodies"))[0]["active"] is True


def test_decision_types_are_created_read_in_the_clients_language_and_retired(api):
    assert ok(api("GET", "/decision-types")) == []
    created = ok(
        api("POST", "/decision-types", who="admin", json={**TYPE, "task_class": "02.07.00"}), 201
    )
    assert created["task_class"] == "02.07.00" and created["name"] == "Procurement"
    listed = ok(api("GET", "/decision-types", who="auditor", headers={"Accept-Language": "sv"}))
    assert [(t["key"], t["name"], t["active"]) for t in listed] == [
        ("procurement", "Upphandling", True)
    ]
    patched = ok(
        api(
            "PATCH",
            "/decision-types/procurement",
            who="admin",
            json={"name_en": "Purchase", "active": False},
        )
    )
    assert (patched["name_en"], patched["active"]) == ("Purchase", False)


def test_a_refused_decision_type_stores_nothing(demo, api):
    ok(api("POST", "/decision-types", who="admin", json=TYPE), 201)
    before = stored(demo)
    refused(api("POST", "/decision-types", who="admin", json=TYPE), 422, "key")
    refused(
        api("POST", "/decision-types", who="admin", json={**TYPE, "key": "b", "task_class": "x"}),
        422,
        "task_class",
    )
    refused(api("POST", "/decision-types", who="preparer", json={**TYPE, "key": "b"}), 403)
    assert stored(demo) == before


def test_a_decision_carries_its_type_and_amount(api):
    ok(api("POST", "/decision-types", who="admin", json=TYPE), 201)
    d = ok(
        api(
            "POST",
            "/decisions",
            json={**DECISION, "decision_type": "procurement", "amount_eur": 150000},
            headers={"Accept-Language": "fi"},
        ),
        201,
    )
    assert (d["decision_type"], d["decision_type_name"], d["amount_eur"]) == (
        "procurement",
        "Hankinta",
        150000,
    )
    again = ok(api("GET", f"/decisions/{d['id']}", headers={"Accept-Language": "sv"}))
    assert again["decision_type_name"] == "Upphandling"
    patched = ok(
        api(
            "PATCH",
            f"/decisions/{d['id']}",
            json={"amount_eur": 80000},
            headers={"If-Match": f'"{d["version"]}"'},
        )
    )
    assert (patched["decision_type"], patched["amount_eur"]) == ("procurement", 80000)


def test_an_organisation_without_types_needs_no_type(api):
    d = ok(api("POST", "/decisions", json=DECISION), 201)
    assert (d["decision_type"], d["decision_type_name"], d["amount_eur"]) == (None, None, None)
    error = refused(
        api(
            "POST",
            "/decisions",
            json={**DECISION, "case_number": "X/1", "decision_type": "procurement"},
        ),
        422,
        "decision_type",
    )
    assert "has none" in error["details"][0]["message"]


@pytest.mark.parametrize(
    "extra, words",
    [
        ({}, "Choose the decision type, one of: procurement, strategy."),
        (
            {"decision_type": "purchase"},
            "'purchase' is not one of your organisation's decision types",
        ),
        ({"decision_type": "old"}, "The decision type old is retired"),
        ({"decision_type": "procurement", "amount_eur": -1}, "greater than or equal to 0"),
        ({"decision_type": "procurement", "amount_eur": "150000"}, "valid integer"),
        ({"decision_type": 7}, "valid string"),
    ],
)
def test_a_decision_with_a_bad_type_or_amount_is_422_and_stores_nothing(demo, api, extra, words):
    for t in (TYPE, {**TYPE, "key": "strategy"}, {**TYPE, "key": "old"}):
        ok(api("POST", "/decision-types", who="admin", json=t), 201)
    ok(api("PATCH", "/decision-types/old", who="admin", json={"active": False}))
    before = stored(demo)
    error = refused(api("POST", "/decisions", json={**DECISION, **extra}), 422)
    messages = [d["message"] for d in error["details"]]
    assert any(words in m for m in messages), messages
    assert stored(demo) == before


def test_patching_a_decision_to_an_unknown_type_is_422_naming_it(demo, api):
    ok(api("POST", "/decision-types", who="admin", json=TYPE), 201)
    d = ok(api("GET", "/decisions/1"))
    error = refused(
        api(
            "PATCH",
            "/decisions/1",
            json={"decision_type": "purchase"},
            headers={"If-Match": f'"{d["version"]}"'},
        ),
        422,
        "decision_type",
    )
    assert "'purchase'" in error["details"][0]["message"]
    # A decision made before the types keeps working when its type is left alone.
    patched = ok(
        api(
            "PATCH",
            "/decisions/1",
            json={"title": "Uusi otsikko"},
            headers={"If-Match": f'"{d["version"]}"'},
        )
    )
    assert (patched["title"], patched["decision_type"]) == ("Uusi otsikko", None)
