"""GET /api/v1/policy: the published version in force, with its id and dates; 404 saying
what to do when none is; documented in the OpenAPI document."""

from datetime import timedelta

import pytest

from assess.operations import policies as ops
from assess.operations.context import today
from assess.operations.users import issue_token
from tests.support import user

POLICY = {
    "format": 1,
    "title": {"fi": "Arviointimalli", "sv": "Bedömningsmodell", "en": "Assessment model"},
    "default": {"rule": "screen", "threshold_eur": 100000},
}


@pytest.fixture
def api(demo):
    with demo.app_context():
        token = issue_token(user("preparer"))
    client = demo.test_client()

    def get(path, **headers):
        return client.get("/api/v1" + path, headers={"Authorization": f"Bearer {token}", **headers})

    return get


def publish(app, data, starts_on):
    with app.app_context():
        ops.save_draft(user("admin"), data)
        version = ops.publish(user("admin"), starts_on)
        return version.id, version.version


def test_no_policy_in_force_is_a_404_that_says_what_applies(api):
    for language, words in (
        ("en", "built-in default"),
        ("fi", "sisäänrakennettu oletus"),
        ("sv", "inbyggda standarden"),
    ):
        response = api("/policy", **{"Accept-Language": language})
        assert response.status_code == 404
        error = response.get_json()["error"]
        assert error["code"] == "not_found" and words in error["message"]


def test_the_published_version_in_force_with_its_id_and_dates(demo, api):
    start = today()
    version_id, number = publish(demo, POLICY, start)
    body = api("/policy").get_json()
    assert (body["id"], body["version"], body["starts_on"]) == (version_id, number, str(start))
    assert body["published_at"].endswith("+00:00")
    policy = body["policy"]
    assert policy["title"]["sv"] == "Bedömningsmodell"
    assert policy["default"]["rule"] == "screen" and policy["default"]["threshold_eur"] == 100000
    # Every key is given, the defaults spelled out: a client need not know them.
    assert policy["processes"] == {
        "screening": "eva-standard",
        "light": "eva-light",
        "full": "eva-standard",
    }
    assert policy["time_limits"] == {"submit_days_before_meeting": 14}


def test_a_later_version_shows_from_its_start_date_and_a_draft_never(demo, api):
    first_id, _ = publish(demo, POLICY, today())
    later = today() + timedelta(days=7)
    second_id, _ = publish(demo, {**POLICY, "default": {"rule": "light"}}, later)
    with demo.app_context():
        ops.save_draft(user("admin"), {"format": 1, "default": {"rule": "full"}})
    assert api("/policy").get_json()["id"] == first_id
    on_later = api(f"/policy?on={later.isoformat()}").get_json()
    assert (on_later["id"], on_later["policy"]["default"]["rule"]) == (second_id, "light")
    assert api(f"/policy?on={(today() - timedelta(days=1)).isoformat()}").status_code == 404
    bad = api("/policy?on=1.1.2027")
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["path"] == "on"


def test_the_policy_needs_a_token(demo):
    response = demo.test_client().get("/api/v1/policy")
    assert response.status_code == 401


def test_the_openapi_document_describes_it(demo):
    document = demo.test_client().get("/api/v1/openapi.json").get_json()
    get = document["paths"]["/api/v1/policy"]["get"]
    assert {"200", "401", "404"} <= set(get["responses"])
    schema = document["components"]["schemas"]["PolicyOut"]
    assert {"id", "version", "starts_on", "published_at", "policy"} <= set(schema["properties"])
    assert "Policy" in document["components"]["schemas"]
