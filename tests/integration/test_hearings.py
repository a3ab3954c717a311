"""Hearings (issue 18, hole 6): coded reasons for not hearing, statements against the
meeting date, and the councils the organisation's type has, on the page and in the API."""

import pytest

from assess.extensions import db
from assess.models import Decision, Organisation
from assess.operations import ValidationFailed
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import flags as flag_ops
from assess.operations import meetings as meeting_ops
from assess.operations.users import issue_token
from tests.support import login, post, use_language, user

OLDER_PEOPLE_LOSE = {
    "answers": {"groups_in_scope": ["older_people"], "dimensions_in_scope": ["access_to_services"]}
}


def started(kind="wellbeing_county", decision_id=1):
    db.session.get(Organisation, 1).kind = kind
    db.session.commit()
    a = ops.create_assessment(user("preparer"), db.session.get(Decision, decision_id))
    ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    return answer_ops.save_screening(
        user("preparer"),
        a,
        {"level": "full", "answers": {"s_older_disabled": "yes"}},
        expected_version=a.version,
    )


def with_negative_effect(a):
    p = user("preparer")
    a = answer_ops.save_section(p, a, "scoping", OLDER_PEOPLE_LOSE, expected_version=a.version)
    return answer_ops.patch(
        p,
        a,
        {
            "alternatives": [
                {"id": "ve0", "label": "VE0", "description": "As now.", "zero_option": True},
                {"id": "ve1", "label": "VE1", "description": "Close.", "recommended": True},
            ],
            "impacts": [
                {
                    "alternative": "ve1",
                    "group": "older_people",
                    "dimension": "access_to_services",
                    "direction": "negative",
                    "magnitude": "moderate",
                    "likelihood": "likely",
                    "rationale": "The trip grows from 3 to 28 km.",
                    "mitigation": "A service bus twice a week.",
                }
            ],
        },
        expected_version=a.version,
    )


def hear(a, **hearing):
    return answer_ops.save_section(
        user("preparer"),
        a,
        "hearings",
        {"hearings": [{"council": "older_people_council", **hearing}]},
        expected_version=a.version,
    )


def open_rules(a):
    return {f["rule"]: f for f in a.data["flags"] if f["status"] == "open"}


def test_only_an_acceptable_coded_reason_counts_as_heard(ctx):
    a = with_negative_effect(started())
    assert "consultation_required" in open_rules(a)
    a = hear(a, not_heard_reason="We had no time.")  # free text only: as before the list
    assert "consultation_required" in open_rules(a)
    a = hear(a, not_heard_code="no_time", not_heard_reason="Budget week.")
    assert "consultation_required" in open_rules(a)
    a = hear(a, not_heard_code="other")  # needs its text
    assert "consultation_required" in open_rules(a)
    a = hear(a, not_heard_code="other", not_heard_reason="The council's term ended in October.")
    assert "consultation_required" not in open_rules(a)
    assert a.content.hearings[0].not_heard_code == "other"


def test_an_unknown_code_and_a_statement_before_its_request_are_refused(ctx):
    a = started()
    before = a.version
    with pytest.raises(ValidationFailed) as err:
        hear(a, not_heard_code="later")
    assert "council_declined" in str(err.value.errors["hearings.0.not_heard_code"][0])
    with pytest.raises(ValidationFailed) as err:
        hear(a, requested_on="2026-11-10", answered_on="2026-11-09", statement="Yes.")
    assert "hearings.0.answered_on" in err.value.errors
    db.session.refresh(a)
    assert a.version == before and a.content.hearings == []


def test_a_statement_on_the_meeting_day_is_late_and_does_not_count(ctx):
    a = with_negative_effect(started())
    m = meeting_ops.create_meeting(
        user("secretary"),
        body_id=1,
        number=7,
        year=2026,
        starts_at="2026-12-10T14:00",
        place="Kokkola",
    )
    meeting_ops.add_item(user("secretary"), m, a.decision_id, expected_version=m.version)
    assert flag_ops.meeting_date(a).isoformat() == "2026-12-10"
    a = hear(a, requested_on="2026-11-20", answered_on="2026-12-10", statement="Against.")
    rules = open_rules(a)
    assert {"late_statement", "consultation_required"} <= set(rules)
    assert "10.12.2026" in rules["late_statement"]["message"]["fi"]
    assert rules["late_statement"]["severity"] == "medium"
    a = hear(a, requested_on="2026-11-20", answered_on="2026-12-09", statement="Against.")
    rules = open_rules(a)
    assert "late_statement" not in rules and "consultation_required" not in rules


def test_the_page_offers_the_reasons_and_the_councils_of_the_type(demo, client):
    with demo.app_context():
        aid = started(kind="municipality").id
        db.session.get(Organisation, 1).bilingual = True
        db.session.commit()
    login(client, "preparer")
    use_language(client, "en")
    page = client.get(f"/assessments/{aid}/sections/hearings").get_data(as_text=True)
    assert "Why they were not heard" in page
    assert "there was no time in the preparation (does not count as a hearing)" in page
    assert "NGOs and associations" in page and "client panel" in page
    # A municipality has no national languages committee and hears no municipalities.
    assert 'value="national_language_committee"' not in page
    assert 'value="municipalities_heard"' not in page
    assert 'value="older_people_council"' in page
    use_language(client, "fi")
    page = client.get(f"/assessments/{aid}/sections/hearings").get_data(as_text=True)
    assert "valmistelussa ei ollut aikaa (ei korvaa kuulemista)" in page
    form = {
        "hearings-0-council": "older_people_council",
        "hearings-0-not_heard_code": "heard_in_earlier_decision",
        "hearings-0-not_heard_reason": "",
        "version": "",
    }
    with demo.app_context():
        from assess.models import Assessment

        form["version"] = str(db.session.get(Assessment, aid).version)
    response = post(client, f"/assessments/{aid}/sections/hearings", form)
    assert response.status_code in (200, 302, 303)
    page = client.get(f"/assessments/{aid}/sections/hearings").get_data(as_text=True)
    # The reason needs the preparer's own words: the page says so.
    assert "kuvaa syy" in page


@pytest.fixture
def api(demo):
    client = demo.test_client()
    with demo.app_context():
        headers = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}

    def call(method, path, json=None):
        return client.open("/api/v1" + path, method=method, json=json, headers=headers)

    return call


def test_the_api_takes_and_shows_the_coded_reason(demo, api):
    with demo.app_context():
        aid = started().id
    bad = api(
        "POST",
        f"/assessments/{aid}/hearings",
        {"council": "client_panel", "not_heard_code": "later"},
    )
    assert bad.status_code == 422
    details = bad.get_json()["error"]["details"]
    assert "not_heard_code" in str(details) and "council_declined" in str(details)
    early = api(
        "POST",
        f"/assessments/{aid}/hearings",
        {"council": "client_panel", "requested_on": "2026-11-02", "answered_on": "2026-11-01"},
    )
    assert early.status_code == 422 and "answered_on" in str(early.get_json()["error"])
    done = api(
        "POST",
        f"/assessments/{aid}/hearings",
        {
            "council": "client_panel",
            "requested_on": "2026-11-02",
            "not_heard_code": "council_declined",
            "not_heard_reason": "No statement by 20.11.",
        },
    )
    assert done.status_code == 201, done.get_json()
    (hearing,) = done.get_json()["hearings"]
    assert hearing["not_heard_code"] == "council_declined"
