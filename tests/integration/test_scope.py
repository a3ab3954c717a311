"""Screening and scope checked against each other, through the pages and the API (issue 18,
[scope]): reasons for implied groups left out, out-of-scope cells refused, and the warning
before a narrowed scope removes recorded effects."""

import re

import pytest

import assess.api.endpoints  # noqa: F401  (declares the endpoints)
from assess.extensions import db
from assess.models import AuditEvent, Decision
from assess.operations import assessments as ops
from assess.operations.users import issue_token
from tests.support import SCREENING_NO, login, post, use_language, user
from tests.support import page_version as version
from tests.support import stored_data as data_of

SCOPING = "/assessments/1/sections/scoping"


@pytest.fixture
def preparer(demo, client):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    login(client, "preparer")
    use_language(client, "en")
    return client


def screen(client, **answers):
    url = "/assessments/1/screening"
    body = {**SCREENING_NO, **answers, "level": "light", "version": version(client, url)}
    assert post(client, url, body).status_code == 302


def scope(client, groups, dims=("access_to_services",), **extra):
    body = {
        "groups_in_scope": list(groups),
        "dimensions_in_scope": list(dims),
        "time_horizons": ["budget_year"],
        "version": version(client, SCOPING),
        **extra,
    }
    return post(client, SCOPING, body)


def cell(client, group, dimension="access_to_services"):
    url = f"/assessments/1/impacts/proposal/{group}/{dimension}"
    body = {
        "direction": "negative",
        "magnitude": "moderate",
        "rationale": "Longer trips.",
        "version": version(client, url),
    }
    return post(client, url, body)


def test_an_implied_group_left_out_is_flagged_until_its_reason_is_given(demo, preparer):
    screen(preparer, s_older_disabled="yes")
    assert scope(preparer, ["older_people"]).status_code == 302
    page = preparer.get(SCOPING).get_data(as_text=True)
    assert "Why is persons with disabilities left out of the scope?" in page
    assert 'name="exclusion-disabled"' in page
    assert "The screening says the decision may affect persons with disabilities" in page
    flags = [f["rule"] for f in data_of(demo)["flags"] if f["status"] == "open"]
    assert "implied_group_out_of_scope" in flags
    reason = "The fees concern home care for clients over 75 only."
    assert scope(preparer, ["older_people"], **{"exclusion-disabled": reason}).status_code == 302
    stored = data_of(demo)
    assert stored["scope_exclusions"] == {"disabled": reason}
    assert all(
        f["status"] == "resolved"
        for f in stored["flags"]
        if f["rule"] == "implied_group_out_of_scope"
    )
    assert reason in preparer.get(SCOPING).get_data(as_text=True)
    # Put back in the scope, the group needs no reason any more.
    assert scope(preparer, ["older_people", "disabled"]).status_code == 302
    assert data_of(demo)["scope_exclusions"] == {}


def test_an_effect_outside_the_scope_is_refused_on_the_page(demo, preparer):
    screen(preparer, s_many_residents="yes")
    scope(preparer, ["older_people"])
    response = cell(preparer, "children")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The group children (children) is not in the scope of this assessment" in page
    assert not data_of(demo).get("impacts")
    response = cell(preparer, "older_people", "health")
    assert response.status_code == 422
    assert "The dimension health, physical and mental (health) is not in the scope" in (
        response.get_data(as_text=True)
    )
    use_language(preparer, "fi")
    page = cell(preparer, "children").get_data(as_text=True)
    assert "Väestöryhmä lapset (children) ei kuulu tämän arvioinnin rajaukseen" in page


def test_narrowing_the_scope_warns_and_removes_the_effects_only_when_confirmed(demo, preparer):
    screen(preparer, s_many_residents="yes")
    scope(preparer, ["older_people", "rural_residents"])
    assert cell(preparer, "older_people").status_code == 302
    assert cell(preparer, "rural_residents").status_code == 302
    before = data_of(demo)
    response = scope(preparer, ["older_people"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove the effects outside the new scope?" in page
    assert "these effects will be removed (1)" in page
    assert "rural and remote residents / access to services" in page
    assert data_of(demo) == before  # nothing saved yet
    # The confirmation page sends everything again, with the confirmation.
    resent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert resent["confirm_remove_cells"] == "1"
    body = {
        "groups_in_scope": ["older_people"],
        "dimensions_in_scope": ["access_to_services"],
        "time_horizons": ["budget_year"],
        "version": resent["version"],
        "confirm_remove_cells": "1",
    }
    assert post(preparer, SCOPING, body).status_code == 302
    after = data_of(demo)
    assert after["answers"]["groups_in_scope"] == ["older_people"]
    assert [c["group"] for c in after["impacts"]] == ["older_people"]
    with demo.app_context():
        event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
        assert any(c["field"].startswith("impacts") for c in event.changes)


@pytest.fixture
def api(demo, preparer):
    with demo.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    client = demo.test_client()

    def call(method, path, json=None, version=None):
        headers = {**token, **({"If-Match": f'"{version}"'} if version else {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=headers)

    return call


def _patch(api, body):
    a = api("GET", "/assessments/1").get_json()
    return api("PATCH", "/assessments/1", json=body, version=a["version"])


CELL = {
    "alternative": "proposal",
    "direction": "negative",
    "magnitude": "moderate",
    "rationale": "Longer trips.",
}


def test_the_api_refuses_an_out_of_scope_cell_naming_its_group_and_dimension(demo, api):
    r = _patch(api, {"screening": {"answers": {"s_older_disabled": "yes"}}, "level": "light"})
    assert r.status_code == 200, r.get_json()
    r = _patch(
        api,
        {
            "answers": {"groups_in_scope": ["older_people"], "dimensions_in_scope": ["health"]},
            "impacts": [
                {**CELL, "group": "older_people", "dimension": "health"},
                {**CELL, "group": "children", "dimension": "health"},
            ],
        },
    )
    assert r.status_code == 422
    [detail] = r.get_json()["error"]["details"]
    assert detail["path"] == "impacts.1"
    assert "children (children)" in detail["message"] and "(health)" in detail["message"]
    assert "groups_in_scope" not in data_of(demo).get("answers", {})  # nothing stored
    # The scope and its cells in one request: accepted.
    r = _patch(
        api,
        {
            "answers": {"groups_in_scope": ["older_people"], "dimensions_in_scope": ["health"]},
            "impacts": [{**CELL, "group": "older_people", "dimension": "health"}],
        },
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert "implied_group_out_of_scope" in {f["rule"] for f in body["flags"]}
    assert body["scope_exclusions"] == {}
    r = _patch(api, {"scope_exclusions": {"disabled": "Only clients over 75."}})
    assert r.get_json()["scope_exclusions"] == {"disabled": "Only clients over 75."}
    assert "implied_group_out_of_scope" not in {
        f["rule"] for f in r.get_json()["flags"] if f["status"] == "open"
    }
    r = _patch(api, {"scope_exclusions": {"pensioners": "x"}})
    assert r.status_code == 422
    assert r.get_json()["error"]["details"][0]["path"] == "scope_exclusions.pensioners"


def test_the_api_removes_cells_with_the_scope_only_when_told(demo, api):
    _patch(api, {"level": "light"})
    scope_ = {"groups_in_scope": ["older_people", "disabled"], "dimensions_in_scope": ["health"]}
    r = _patch(
        api,
        {
            "answers": scope_,
            "impacts": [
                {**CELL, "group": "older_people", "dimension": "health"},
                {**CELL, "group": "disabled", "dimension": "health"},
            ],
        },
    )
    assert r.status_code == 200, r.get_json()
    narrower = {"answers": {"groups_in_scope": ["older_people"]}}
    r = _patch(api, narrower)
    assert r.status_code == 422
    [detail] = r.get_json()["error"]["details"]
    assert detail["path"] == "answers.groups_in_scope"
    assert "proposal:disabled:health" in detail["message"]
    assert len(data_of(demo)["impacts"]) == 2
    r = _patch(api, {**narrower, "confirm_remove_cells": True})
    assert r.status_code == 200, r.get_json()
    assert [c["group"] for c in r.get_json()["impacts"]] == ["older_people"]


def test_the_document_prints_the_reasons_for_groups_left_out(demo):
    import io

    import docx

    from assess.documents.assessment import render
    from assess.operations import answers as answer_ops
    from assess.operations.context import snapshot
    from tests.support import prepared

    with demo.app_context():
        a = prepared(user("preparer"), db.session.get(Decision, 1), level="full")
        answer_ops.save_screening(
            user("preparer"),
            a,
            {
                "answers": {**a.content.screening.answers, "s_older_disabled": "yes"},
                "level": "full",
            },
            expected_version=a.version,
        )
        answer_ops.save_section(
            user("preparer"),
            a,
            "scoping",
            {"answers": {}, "scope_exclusions": {"disabled": "Only clients over 75."}},
            expected_version=a.version,
        )
        snap = snapshot(
            a, seq=1, user=user("preparer"), transition={"trigger": None, "to": a.state}
        )
        form = answer_ops.form_for(a)
        for language, heading, label in (
            ("fi", "jätetty rajauksen ulkopuolelle", "vammaiset henkilöt"),
            ("sv", "lämnats utanför avgränsningen", "personer med funktionsnedsättning"),
        ):
            d = docx.Document(io.BytesIO(render(snap, form, language, draft=True)))
            text = "\n".join(p.text for p in d.paragraphs)
            assert heading in text and f"{label}: Only clients over 75." in text
