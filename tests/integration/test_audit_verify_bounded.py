"""`/api/v1/audit/verify` and the integrity page never walk the whole chain in a request
(issue 21): they go on from the last recorded walk, read at most AUDIT_VERIFY_REQUEST_LIMIT
events, say how many and from where, and keep a break the operator's walk from the first
event found."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent
from assess.operations.demo_scenario import load_scenario
from assess.operations.users import issue_token
from tests.integration.test_audit import _tamper
from tests.support import login, use_language, user


@pytest.fixture
def scenario(demo):
    with demo.app_context():
        assert load_scenario()
        token = issue_token(user("auditor"))
    client = demo.test_client()

    def verify():
        answer = client.get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    demo.verify = verify
    return demo


def _ids(app):
    with app.app_context():
        return db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()


def _walks(app):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.audit_verified")
        ).all()


def test_the_api_goes_on_from_the_last_recorded_walk_and_says_so(scenario):
    ids = _ids(scenario)
    first = scenario.verify()
    assert first["intact"] is True and first["complete"] is True
    assert first["checked_from_event"] == 0 and first["previous_walk"] is None
    assert first["events_checked"] == len(ids) and first["checked_up_to_event"] == ids[-1]
    assert first["verified_at"].endswith("+00:00")
    [walk] = _walks(scenario)
    assert walk.actor_type == "token" and walk.actor_name == user_name(scenario, "auditor")
    second = scenario.verify()
    # Only what was written since: the first call's own record.
    assert second["checked_from_event"] == ids[-1] and second["events_checked"] == 1
    assert second["previous_walk"]["last_event_id"] == ids[-1]
    assert second["previous_walk"]["from_first_event"] is True
    assert second["last_full_walk"] is None and len(_walks(scenario)) == 2


def user_name(app, role):
    with app.app_context():
        return user(role).name


def test_a_request_reads_at_most_the_limit_and_the_next_goes_on(scenario):
    scenario.config["AUDIT_VERIFY_REQUEST_LIMIT"] = 10
    ids = _ids(scenario)
    assert len(ids) > 25
    first = scenario.verify()
    assert first["intact"] is True and first["complete"] is False
    assert first["events_checked"] == 10 and first["checked_up_to_event"] == ids[9]
    second = scenario.verify()
    assert second["checked_from_event"] == ids[9] and second["events_checked"] == 10
    assert second["checked_up_to_event"] == ids[19] and second["complete"] is False
    # The page says where it stopped, in the reader's language.
    client = scenario.test_client()
    login(client, "auditor")
    use_language(client, "en")
    html = client.get("/audit").get_data(as_text=True)
    assert "Newer events were left for the next check: one check reads at most 10 events" in html
    use_language(client, "fi")
    html = client.get("/audit").get_data(as_text=True)
    assert "Uudemmat tapahtumat jäivät seuraavaan tarkistukseen" in html


def test_a_change_ahead_is_found_when_the_walks_reach_it(scenario):
    scenario.config["AUDIT_VERIFY_REQUEST_LIMIT"] = 10
    ids = _ids(scenario)
    target = ids[14]
    with scenario.app_context():
        _tamper("UPDATE audit_events SET actor_name = 'Someone else' WHERE id = :id", id=target)
    assert scenario.verify()["intact"] is True  # events 1-10 only
    broken = scenario.verify()
    assert broken["intact"] is False and broken["first_broken"] == target
    assert broken["checked_up_to_event"] is None


def test_a_break_found_by_the_walk_from_the_first_event_stays_shown(scenario):
    """The request's walk does not read old events again (nor, bounded, far enough): the
    operator's walk from the first event found the break, and the answer keeps it."""
    scenario.config["AUDIT_VERIFY_REQUEST_LIMIT"] = 5
    ids = _ids(scenario)
    old = ids[-3]
    with scenario.app_context():
        _tamper("UPDATE audit_events SET actor_name = 'Someone else' WHERE id = :id", id=old)
    out = scenario.test_cli_runner().invoke(args=["audit", "verify", "--workers", "1"])
    assert out.exit_code == 1 and f"BROKEN at event {old}" in out.output
    answer = scenario.verify()
    assert answer["checked_from_event"] == 0 and answer["events_checked"] == 5
    assert answer["intact"] is False and answer["first_broken"] == old
    assert answer["last_full_walk"]["intact"] is False


def test_a_walk_covers_every_event_in_bounded_steps(scenario):
    """Walks of 7 events one after the other read each event once and end at the head."""
    scenario.config["AUDIT_VERIFY_REQUEST_LIMIT"] = 7
    with scenario.app_context():
        total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    checked, answer = 0, {"complete": False}
    for _ in range(total):
        answer = scenario.verify()
        assert answer["intact"] is True
        checked += answer["events_checked"]
        if answer["complete"]:
            break
    assert answer["complete"] is True
    # Every event once, plus the walks' own records written along the way (less the last).
    assert checked == total + len(_walks(scenario)) - 1
