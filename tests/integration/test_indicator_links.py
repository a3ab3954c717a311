"""Indicators linked to the effects they follow (issue 18, hole 5): the API's
``indicators[].follows``, its refusal of an effect outside the scope, the indicators page's
checkboxes, and the flags that read the links."""

import re

import pytest

import assess.api.endpoints  # noqa: F401  (declares the endpoints)
from assess.extensions import db
from assess.models import Assessment
from assess.operations.users import issue_token
from tests.support import login, post, use_language, user

EFFECT = "older_people:access_to_services"


@pytest.fixture
def api(demo):
    with demo.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    client = demo.test_client()

    def call(method, path, json=None, headers=None):
        return client.open(
            "/api/v1" + path, method=method, json=json, headers={**token, **(headers or {})}
        )

    return call


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def patch(api, a, body):
    return api(
        "PATCH", f"/assessments/{a['id']}", json=body, headers={"If-Match": f'"{a["version"]}"'}
    )


@pytest.fixture
def assessment(api):
    """A full assessment: older people lose access to services (negative), rural residents'
    access is unknown; one planned indicator, linked to nothing yet."""
    bodies = ok(api("GET", "/bodies"))
    body = {"case_number": "LINK/1", "title": "T", "language": "fi", "body": bodies[0]["id"]}
    d = ok(api("POST", "/decisions", json=body), 201)
    a = ok(api("POST", f"/decisions/{d['id']}/assessment", json={}), 201)
    a = ok(api("POST", f"/assessments/{a['id']}/transitions", json={"trigger": "start_screening"}))
    form = ok(api("GET", f"/definitions/forms/{a['form']['key']}"))["definition"]
    answers = {q["id"]: "no" for q in form["screening"]["questions"]}
    answers.update(s_service_network="yes", s_older_disabled="yes")
    a = ok(patch(api, a, {"screening": {"answers": answers}, "level": "full"}))
    a = ok(api("POST", f"/assessments/{a['id']}/transitions", json={"trigger": "start_assessment"}))
    cell = {"alternative": "ve1", "dimension": "access_to_services", "rationale": "Trips."}
    return ok(
        patch(
            api,
            a,
            {
                "answers": {
                    "groups_in_scope": ["older_people", "rural_residents"],
                    "dimensions_in_scope": ["access_to_services"],
                },
                "alternatives": [
                    {"id": "ve0", "label": "VE0", "description": "As now.", "zero_option": True},
                    {"id": "ve1", "label": "VE1", "description": "Moves.", "recommended": True},
                ],
                "impacts": [
                    {
                        **cell,
                        "group": "older_people",
                        "direction": "negative",
                        "magnitude": "small",
                        "mitigation": "A service bus twice a week.",
                    },
                    {**cell, "group": "rural_residents", "direction": "unknown"},
                ],
                "indicators": [{"name": "Trips", "owner": "Paula", "review_date": "2027-12-31"}],
            },
        )
    )


def sent(indicator: dict, **change) -> dict:
    """An indicator as a PATCH gives it (GET adds the follow-up's observations, which only
    the follow-up records)."""
    return {k: v for k, v in indicator.items() if k != "observations"} | change


def open_rules(a) -> set[str]:
    return {f"{f['rule']}@{f.get('group') or ''}" for f in a["flags"] if f["status"] == "open"}


def test_the_api_links_an_indicator_to_the_effects_it_follows(api, assessment):
    a = assessment
    assert {"no_follow_up@", "unknown_without_plan@rural_residents"} <= open_rules(a)
    indicator = sent(a["indicators"][0], follows=[EFFECT, "rural_residents:access_to_services"])
    a = ok(patch(api, a, {"indicators": [indicator]}))
    assert a["indicators"][0]["follows"] == [EFFECT, "rural_residents:access_to_services"]
    assert ok(api("GET", f"/assessments/{a['id']}"))["indicators"][0]["follows"] == [
        EFFECT,
        "rural_residents:access_to_services",
    ]
    assert not {"no_follow_up@", "unknown_without_plan@rural_residents"} & open_rules(a)


def test_an_effect_outside_the_scope_is_refused_by_name_and_nothing_stored(api, assessment):
    a = assessment
    indicator = sent(a["indicators"][0], follows=[EFFECT, "children:health"])
    refused = api(
        "PATCH",
        f"/assessments/{a['id']}",
        json={"indicators": [indicator]},
        headers={"If-Match": f'"{a["version"]}"', "Accept-Language": "en"},
    )
    assert refused.status_code == 422
    [detail] = refused.get_json()["error"]["details"]
    assert detail["path"] == "indicators.0.follows"
    assert "children:health" in detail["message"] and "scope" in detail["message"]
    after = ok(api("GET", f"/assessments/{a['id']}"))
    assert after["version"] == a["version"] and after["indicators"][0]["follows"] == []
    # Not a list of texts: refused too, saying what is expected.
    wrong = patch(api, a, {"indicators": [sent(a["indicators"][0], follows=EFFECT)]})
    assert wrong.status_code == 422
    assert "group:dimension" in wrong.get_json()["error"]["details"][0]["message"]


def test_a_scope_given_in_the_same_patch_is_the_one_checked(api, assessment):
    a = assessment
    a = ok(
        patch(
            api,
            a,
            {
                "answers": {"groups_in_scope": ["older_people", "rural_residents", "children"]},
                "indicators": [sent(a["indicators"][0], follows=["children:access_to_services"])],
            },
        )
    )
    assert a["indicators"][0]["follows"] == ["children:access_to_services"]


def test_the_indicators_page_offers_the_negative_and_unknown_effects(demo, client, api, assessment):
    a = assessment
    login(client, "preparer")
    use_language(client, "en")
    url = f"/assessments/{a['id']}/sections/follow_up"
    page = client.get(url).get_data(as_text=True)
    # Checkboxes in a fieldset with a legend, one per effect, labelled by group and dimension.
    assert "Effects it follows" in page
    boxes = re.findall(r'<input[^>]*name="indicators-0-follows"[^>]*value="([^"]+)"', page)
    assert boxes == [EFFECT, "rural_residents:access_to_services"]
    assert "Older people: access to services (negative)" in page
    assert "(unknown)" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = post(
        client,
        url,
        {
            "indicators-0-id": a["indicators"][0]["id"],
            "indicators-0-name": "Trips",
            "indicators-0-owner": "Paula",
            "indicators-0-review_date": "2027-12-31",
            "indicators-0-follows": [EFFECT],
            "version": version,
        },
    )
    assert response.status_code == 302
    with demo.app_context():
        stored = db.session.get(Assessment, a["id"]).data["indicators"]
    assert stored[0]["follows"] == [EFFECT]
    page = client.get(url).get_data(as_text=True)
    assert re.search(
        rf'<input[^>]*checked[^>]*value="{EFFECT}"|<input[^>]*value="{EFFECT}"[^>]*checked', page
    )
