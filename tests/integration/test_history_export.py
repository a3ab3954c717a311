"""One assessment's whole history exported with its hashes (issue 21): the web download and
the API give the same events; each event's hash is recomputed here with hashlib and json
only, as an auditor's own tool would; a changed value no longer matches; the download is
recorded; another organisation's assessment is not found."""

import hashlib
import json

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent
from assess.operations.demo_scenario import load_scenario
from assess.operations.users import issue_token
from tests.support import login, user


@pytest.fixture
def scenario(demo):
    """The demo scenario: assessment 1 approved after its whole life."""
    with demo.app_context():
        assert load_scenario()
    return demo


def independent_check(export: dict) -> int:
    """What an auditor writes outside the program: hashlib and json, nothing of ours."""
    checked = 0
    for item in export["events"]:
        text = json.dumps(item["event"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(item["prev_hash"].encode("ascii") + text.encode("utf-8"))
        if digest.hexdigest() != item["hash"]:
            raise AssertionError(f"event {item['id']} does not match its hash")
        checked += 1
    return checked


def _count(action):
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_the_exported_segment_verifies_with_hashlib_and_json_alone(scenario):
    app = scenario
    with app.app_context():
        events_of_assessment = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_type == "assessment", AuditEvent.object_id == 1)
        )
        before = _count("access.history_exported")
    client = app.test_client()
    login(client, "auditor")
    answer = client.get("/assessments/1/history/export.json")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    export = json.loads(answer.get_data(as_text=True))
    assert export["format"] == "assess-history/1"
    assert independent_check(export) == len(export["events"])
    # Every event of the assessment itself is in it, and the decision's and agenda's ones
    # that concern it: at least as many as the assessment's own.
    assert len(export["events"]) >= events_of_assessment > 0
    ids = [e["id"] for e in export["events"]]
    assert ids == sorted(ids)
    # The words a person reads are beside each event, in the reader's language.
    first = export["events"][0]["entries"][0]
    assert first["who"] and first["summary"] and first["kind_label"]
    with app.app_context():
        stored = db.session.get(AuditEvent, ids[0])
        assert export["events"][0]["hash"] == stored.hash
        assert _count("access.history_exported") == before + 1
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert last.action == "access.history_exported" and last.object_id == 1
        assert {"field": "format", "old": None, "new": "json"} in last.changes


def test_a_changed_value_no_longer_matches(scenario):
    client = scenario.test_client()
    login(client, "auditor")
    export = client.get("/assessments/1/history/export.json").get_json()
    export["events"][1]["event"]["actor_name"] += " "
    try:
        independent_check(export)
    except AssertionError as exc:
        assert str(export["events"][1]["id"]) in str(exc)
    else:
        raise AssertionError("a changed event still matched its hash")


def test_the_api_gives_the_same_events_and_records_the_reading(scenario):
    app = scenario
    with app.app_context():
        token = issue_token(user("auditor"))
        before = _count("access.history_exported")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "sv"}
    answer = client.get("/api/v1/assessments/1/history/export", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["language"] == "sv" and independent_check(body) == len(body["events"])
    login(client, "auditor")
    web = client.get("/assessments/1/history/export.json").get_json()
    # The same events, and after them the API's download itself, now in the history.
    assert [e["hash"] for e in web["events"]][: len(body["events"])] == [
        e["hash"] for e in body["events"]
    ]
    assert web["events"][-1]["event"]["action"] == "access.history_exported"
    assert len(web["events"]) == len(body["events"]) + 1
    with app.app_context():
        assert _count("access.history_exported") == before + 2
    assert client.get("/api/v1/assessments/999/history/export", headers=headers).status_code == 404
