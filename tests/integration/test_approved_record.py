"""An approved record stays what was approved (issue 15, item 4).

The attack: a preparer changed the proposal, the deciding body or the language of a decision
whose assessment was approved and on a published agenda; the assessment stayed approved and
the agenda item "ready", so the body would decide on a proposal nobody had assessed. Now the
change is refused, in the web (409, the reason on the form) and in the API (409 with the
reason), with nothing stored, while the assessment is under review, approved, screened out or
decided (the workflow's meanings, not state ids). The way to correct a proposal before the
meeting is the audited one: a reviewer reopens the assessment with a comment (the agenda item
is marked "assessment changed after publication"), the preparer changes the decision, and the
assessment is reviewed again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assess import audit
from assess.extensions import db
from assess.models import AgendaItem, Assessment, AuditEvent, Decision
from assess.operations import Conflict
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from assess.operations.context import today
from assess.operations.users import issue_token
from tests.support import acknowledge_high, login, post, to_review, use_language, user

NEW_PROPOSAL = "Aluehallitus päättää lakkauttaa myös Lohtajan vastaanoton."


def fire(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def approved_on_a_published_agenda():
    """Decision 1: its assessment approved and on the body's published agenda."""
    d = db.session.get(Decision, 1)
    a = to_review(user("preparer"), d)
    acknowledge_high(user("reviewer"), a)
    fire("reviewer", a, "approve")
    when = (today() + timedelta(days=14)).isoformat() + "T14:00"
    m = meeting_ops.create_meeting(
        user("secretary"), body_id=d.body_id, number=5, year=2026, starts_at=when, place="Kokkola"
    )
    meeting_ops.add_item(user("secretary"), m, d.id, expected_version=m.version)
    meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
    meeting_ops.publish(user("secretary"), m, expected_version=m.version)
    return d, a, m


def fields(d: Decision, **changed) -> dict:
    values = {
        "case_number": d.case_number,
        "title": d.title,
        "language": d.language,
        "body_id": d.body_id,
        "proposal": d.proposal,
    }
    return {**values, **changed}


def other_body(d: Decision) -> int:
    return next(b.id for b in d.organisation.bodies if b.id != d.body_id)


CHANGES = {
    "proposal": lambda d: {"proposal": NEW_PROPOSAL},
    "body": lambda d: {"body_id": other_body(d)},
    "language": lambda d: {"language": "sv"},
    "title": lambda d: {"title": d.title + " (muutettu)"},
}


def kept(d, a, m, before):
    """Nothing of the refused change is stored: the decision, the assessment, the agenda
    item and the audit log are as they were, and the chain verifies."""
    db.session.rollback()
    db.session.expire_all()
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == m.id))
    decision = db.session.get(Decision, d.id)
    now = (
        decision.version,
        decision.proposal,
        decision.body_id,
        decision.language,
        decision.title,
        db.session.get(Assessment, a.id).state,
        item.assessment_changed,
        events(),
    )
    assert now == before
    assert audit.verify(db.session).intact


def snapshot(d, a, m):
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == m.id))
    return (
        d.version,
        d.proposal,
        d.body_id,
        d.language,
        d.title,
        a.state,
        item.assessment_changed,
        events(),
    )


# --- the operations -------------------------------------------------------------------


@pytest.mark.parametrize("what", CHANGES)
def test_a_change_to_an_approved_decision_on_a_published_agenda_is_refused(ctx, what):
    d, a, m = approved_on_a_published_agenda()
    before = snapshot(d, a, m)
    with pytest.raises(Conflict) as refused:
        decision_ops.update_decision(
            user("preparer"), d, expected_version=d.version, **fields(d, **CHANGES[what](d))
        )
    message = refused.value.message.render("en")
    assert message.startswith("The assessment of this decision is 'Approved': ")
    assert "'Reopen' (reviewer / administrator)" in message, message
    kept(d, a, m, before)


def test_the_case_number_is_not_part_of_what_was_approved(ctx):
    d, a, m = approved_on_a_published_agenda()
    decision_ops.update_decision(
        user("preparer"), d, expected_version=d.version, **fields(d, case_number="KPHA/999/2026")
    )
    assert d.case_number == "KPHA/999/2026" and a.state == "approved"


def test_reopening_first_is_the_way_to_correct_the_proposal(ctx):
    d, a, m = approved_on_a_published_agenda()
    fire("reviewer", a, "reopen", "The proposal is extended to Lohtaja.")
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == m.id))
    assert item.assessment_changed is True  # "assessment changed after publication"
    decision_ops.update_decision(
        user("preparer"), d, expected_version=d.version, **fields(d, proposal=NEW_PROPOSAL)
    )
    assert d.proposal == NEW_PROPOSAL
    assert a.state == "in_assessment"  # reviewed again before the meeting may decide


def test_under_review_the_step_back_is_the_return_for_revision(ctx):
    d = db.session.get(Decision, 1)
    to_review(user("preparer"), d)
    with pytest.raises(Conflict) as refused:
        decision_ops.update_decision(
            user("preparer"), d, expected_version=d.version, **fields(d, proposal=NEW_PROPOSAL)
        )
    message = refused.value.message.render("en")
    assert "'In review'" in message and "'Return for revision' (reviewer)" in message


def test_after_the_decision_nothing_leads_back(ctx):
    d, a, m = approved_on_a_published_agenda()
    meeting_ops.record_outcome(
        user("secretary"), m, m.items[0].id, "approved", "", expected_version=m.version
    )
    assert ops.engine_for(a).definition.is_in_follow_up(a.state)
    with pytest.raises(Conflict) as refused:
        decision_ops.update_decision(
            user("preparer"), d, expected_version=d.version, **fields(d, proposal=NEW_PROPOSAL)
        )
    assert "can no longer change" in refused.value.message.render("en")
    assert "uudelleen" not in refused.value.message.render("fi")


def test_in_preparation_the_decision_is_free_to_change(ctx):
    d = db.session.get(Decision, 1)
    a = ops.create_assessment(user("preparer"), d)
    fire("preparer", a, "start_screening")
    decision_ops.update_decision(
        user("preparer"), d, expected_version=d.version, **fields(d, proposal=NEW_PROPOSAL)
    )
    assert d.proposal == NEW_PROPOSAL


def test_a_withdrawn_assessment_holds_nothing(ctx):
    d = db.session.get(Decision, 1)
    a = to_review(user("preparer"), d)
    fire("preparer", a, "withdraw", "Wrong case.")
    decision_ops.update_decision(
        user("preparer"), d, expected_version=d.version, **fields(d, proposal=NEW_PROPOSAL)
    )
    assert d.proposal == NEW_PROPOSAL


# --- the web ----------------------------------------------------------------------------


def test_web_the_change_is_refused_with_the_reason_and_nothing_stored(demo, client):
    with demo.app_context():
        d, a, m = approved_on_a_published_agenda()
        before = snapshot(d, a, m)
        ids = (d.id, a.id, m.id)
        form = {**fields(d, proposal=NEW_PROPOSAL), "version": d.version}
    login(client, "preparer")
    use_language(client, "en")
    page = client.get(f"/decisions/{ids[0]}/edit").get_data(as_text=True)
    assert 'id="held"' in page and "must first go back to preparation" in page
    refused = post(client, f"/decisions/{ids[0]}/edit", form)
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "The assessment of this decision is &#39;Approved&#39;" in text
    assert NEW_PROPOSAL in text  # what was typed is kept on the form
    use_language(client, "fi")
    refused_fi = post(client, f"/decisions/{ids[0]}/edit", form)
    assert refused_fi.status_code == 409
    assert "Tämän päätöksen arvioinnin tila on ”Hyväksytty”" in refused_fi.get_data(as_text=True)
    with demo.app_context():
        d, a, m = (
            db.session.get(Decision, ids[0]),
            db.session.get(Assessment, ids[1]),
            meeting_ops.get_meeting(user("secretary"), ids[2]),
        )
        kept(d, a, m, before)


def test_web_after_reopening_the_preparer_corrects_the_proposal(demo, client):
    with demo.app_context():
        d, a, m = approved_on_a_published_agenda()
        fire("reviewer", a, "reopen", "The proposal is extended to Lohtaja.")
        decision_id = d.id
        form = {**fields(d, proposal=NEW_PROPOSAL), "version": d.version}
    login(client, "preparer")
    assert 'id="held"' not in client.get(f"/decisions/{decision_id}/edit").get_data(as_text=True)
    saved = post(client, f"/decisions/{decision_id}/edit", form)
    assert saved.status_code == 302
    with demo.app_context():
        assert db.session.get(Decision, decision_id).proposal == NEW_PROPOSAL


# --- the API ----------------------------------------------------------------------------


@pytest.fixture
def api(demo):
    with demo.app_context():
        token = issue_token(user("preparer"))
    client = demo.test_client()

    def call(method, path, json=None, headers=None):
        headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=headers)

    return call


@pytest.mark.parametrize(
    "change",
    [
        {"proposal": NEW_PROPOSAL},
        {"language": "sv"},
        {"body": "other"},
        {"title": "Toinen otsikko"},
    ],
)
def test_api_the_change_is_refused_with_409_and_the_reason(demo, api, change):
    with demo.app_context():
        d, a, m = approved_on_a_published_agenda()
        before = snapshot(d, a, m)
        ids, version = (d.id, a.id, m.id), d.version
        if change.get("body") == "other":
            change = {"body": other_body(d)}
    for language, expected in (
        ("en", "The assessment of this decision is 'Approved': "),
        ("fi", "Tämän päätöksen arvioinnin tila on ”Hyväksytty”"),
        ("sv", "Bedömningen av det här beslutet är ”Godkänd”"),
    ):
        refused = api(
            "PATCH",
            f"/decisions/{ids[0]}",
            json=change,
            headers={"If-Match": f'"{version}"', "Accept-Language": language},
        )
        assert refused.status_code == 409, refused.get_json()
        error = refused.get_json()["error"]
        assert error["code"] == "conflict"
        assert error["message"].startswith(expected), error["message"]
        if language == "en":
            field = {"proposal": "proposal", "language": "language", "body": "deciding body"}
            named = field.get(next(iter(change)), "title")
            assert error["details"] == [f"Not changed: {named}."]
    with demo.app_context():
        d, a, m = (
            db.session.get(Decision, ids[0]),
            db.session.get(Assessment, ids[1]),
            meeting_ops.get_meeting(user("secretary"), ids[2]),
        )
        kept(d, a, m, before)


def test_api_patch_changes_a_draft_and_needs_if_match(demo, api):
    with demo.app_context():
        d = db.session.get(Decision, 1)
        decision_id, version = d.id, d.version
    missing = api("PATCH", f"/decisions/{decision_id}", json={"proposal": NEW_PROPOSAL})
    assert missing.status_code == 428
    stale = api(
        "PATCH",
        f"/decisions/{decision_id}",
        json={"proposal": NEW_PROPOSAL},
        headers={"If-Match": f'"{version + 5}"'},
    )
    assert stale.status_code == 412
    changed = api(
        "PATCH",
        f"/decisions/{decision_id}",
        json={"proposal": NEW_PROPOSAL},
        headers={"If-Match": f'"{version}"'},
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["proposal"] == NEW_PROPOSAL and body["version"] == version + 1
    assert changed.headers["ETag"] == f'"{version + 1}"'
    with demo.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "decision.updated", AuditEvent.object_id == decision_id)
            .order_by(AuditEvent.id.desc())
        )
        assert [c["field"] for c in event.changes] == ["proposal"]


# Outcomes and "held" wait for a meeting's start (issue 20); these meetings are dated ahead.
pytestmark = pytest.mark.usefixtures("meetings_started")
