"""Safe steps at meetings (issue 20): outcomes and "held" only from the meeting's start (in
the operations, so the web and the API refuse alike); a confirmation before publishing,
removing an item and recording an outcome, the plain submission doing nothing; refusals
answered with a redirect (Post/Redirect/Get) that keeps what was typed; the outcome chosen
kept after a refusal; editing and cancelling a meeting, audited; a published agenda changed
only by a correction with its reason."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AgendaItem, AuditEvent, Decision, Meeting
from assess.operations import Conflict, ValidationFailed, meeting_changes
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from assess.operations.users import issue_token
from tests.support import acknowledge_high, login, post, to_review, use_language, user

START = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)  # 14:00 in Helsinki


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(meeting_ops, "now", lambda: moment)


@pytest.fixture
def published(demo):
    """A published agenda whose one item's assessment is approved; the meeting on 15.12.2026."""
    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=12, year=2026, starts_at="2026-12-15T14:00"
        )
        meeting_ops.add_item(user("secretary"), m, 1, expected_version=m.version)
        meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
        meeting_ops.publish(user("secretary"), m, expected_version=m.version)
        return m.id, m.items[0].id


@pytest.fixture
def secretary(demo):
    client = demo.test_client()
    login(client, "secretary")
    use_language(client, "en")
    return client


def version(client, url) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="version" value="(\d+)"', page).group(1)


# --- the meeting's start ------------------------------------------------------------------


def test_outcomes_and_held_wait_for_the_meetings_start(demo, published, monkeypatch):
    meeting_id, item_id = published
    with demo.app_context():
        m = db.session.get(Meeting, meeting_id)
        before = events()
        at(monkeypatch, START.replace(minute=0, hour=11, second=59))  # a minute early
        with pytest.raises(Conflict, match="starts on 15.12.2026 14:00: outcomes can be"):
            meeting_ops.record_outcome(
                user("secretary"), m, item_id, "approved", expected_version=m.version
            )
        with pytest.raises(Conflict, match="marked held only from its start"):
            meeting_ops.set_state(user("secretary"), m, "held", expected_version=m.version)
        assert events() == before and m.items[0].outcome is None and m.state == "published"
        at(monkeypatch, START)  # from the start on
        meeting_ops.record_outcome(
            user("secretary"), m, item_id, "approved", expected_version=m.version
        )
        meeting_ops.set_state(user("secretary"), m, "held", expected_version=m.version)
        assert m.items[0].outcome == "approved" and m.state == "held"


def test_the_api_refuses_an_early_outcome_too(demo, published, monkeypatch):
    meeting_id, item_id = published
    at(monkeypatch, datetime(2026, 11, 27, tzinfo=UTC))  # 18 days before
    with demo.app_context():
        token = issue_token(user("secretary"))
    response = demo.test_client().post(
        f"/api/v1/meetings/{meeting_id}/items/{item_id}/outcome",
        json={"outcome": "approved"},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert "only from its start" in response.get_json()["error"]["message"]
    with demo.app_context():
        assert db.session.get(AgendaItem, item_id).outcome is None


# --- confirmation -----------------------------------------------------------------------------


def test_publishing_needs_its_confirmation(demo, secretary):
    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=3, year=2026, starts_at="2026-12-15T14:00"
        )
        meeting_ops.add_item_and_attach(user("secretary"), m, 1, expected_version=m.version)
        meeting_id = m.id
    url = f"/meetings/{meeting_id}"
    before = version(secretary, url)
    asked = post(secretary, url + "/publish", {"version": before})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Publish the agenda of meeting 3/2026?" in page and "cannot be unpublished" in page
    assert 'name="confirmed" value="yes"' in page and f'name="version" value="{before}"' in page
    with demo.app_context():
        assert db.session.get(Meeting, meeting_id).state == "planned"  # nothing done yet
    done = post(secretary, url + "/publish", {"version": before, "confirmed": "yes"})
    assert done.status_code == 302
    with demo.app_context():
        assert db.session.get(Meeting, meeting_id).state == "published"


def test_removing_an_item_needs_its_confirmation(demo, secretary):
    with demo.app_context():
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=4, year=2026, starts_at="2026-12-15T14:00"
        )
        item = meeting_ops.add_item(user("secretary"), m, 1, expected_version=m.version)
        meeting_id, item_id = m.id, item.id
    url = f"/meetings/{meeting_id}"
    v = version(secretary, url)
    asked = post(secretary, f"{url}/items/{item_id}/remove", {"version": v})
    assert asked.status_code == 200
    assert "Remove item 1 from the agenda?" in asked.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(AgendaItem, item_id) is not None
    done = post(secretary, f"{url}/items/{item_id}/remove", {"version": v, "confirmed": "yes"})
    assert done.status_code == 302
    with demo.app_context():
        assert db.session.get(AgendaItem, item_id) is None


def test_recording_an_outcome_needs_its_confirmation(demo, published, secretary, monkeypatch):
    meeting_id, item_id = published
    at(monkeypatch, START)
    url = f"/meetings/{meeting_id}"
    form = {"outcome": "tabled", "note": "", "version": version(secretary, url)}
    asked = post(secretary, f"{url}/items/{item_id}/outcome", form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Record the outcome of item 1?" in page
    assert "tabled" in page and "The impact assessment stays as it is." in page
    assert 'name="outcome" value="tabled"' in page
    with demo.app_context():
        assert db.session.get(AgendaItem, item_id).outcome is None
    done = post(secretary, f"{url}/items/{item_id}/outcome", {**form, "confirmed": "yes"})
    assert done.status_code == 302
    with demo.app_context():
        assert db.session.get(AgendaItem, item_id).outcome == "tabled"


# --- Post/Redirect/Get and the outcome kept -------------------------------------------------------


def test_a_refused_outcome_redirects_and_keeps_the_chosen_outcome(
    demo, published, secretary, monkeypatch
):
    """The bug of issue 20: after a refusal the select went back to 'approved as proposed',
    and sending the form again recorded the wrong outcome."""
    meeting_id, item_id = published
    at(monkeypatch, START)
    url = f"/meetings/{meeting_id}"
    form = {"outcome": "returned", "note": "  ", "version": version(secretary, url)}
    refused = post(secretary, f"{url}/items/{item_id}/outcome", form)
    assert refused.status_code == 303
    assert refused.headers["Location"] == f"{url}#refused"
    page = secretary.get(url).get_data(as_text=True)
    assert "Say what the body changed or why it returned the decision." in page
    assert '<option value="returned" selected>' in page
    assert '<option value="approved" selected>' not in page
    # Sending the page's form again (its values) records what was meant.
    kept = re.search(rf'<select id="outcome-{item_id}".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="(\w+)" selected>', kept).group(1)
    again = {"outcome": chosen, "note": "More hearings first.", "confirmed": "yes"}
    again["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert post(secretary, f"{url}/items/{item_id}/outcome", again).status_code == 302
    with demo.app_context():
        assert db.session.get(AgendaItem, item_id).outcome == "returned"
    # The refusal is shown once: a reload shows the plain page.
    assert "Say what the body changed" not in secretary.get(url).get_data(as_text=True)


def test_an_early_outcome_in_the_web_is_a_redirect_with_the_reason(
    demo, published, secretary, monkeypatch
):
    meeting_id, item_id = published
    at(monkeypatch, datetime(2026, 11, 27, tzinfo=UTC))
    url = f"/meetings/{meeting_id}"
    form = {"outcome": "approved", "version": version(secretary, url), "confirmed": "yes"}
    refused = post(secretary, f"{url}/items/{item_id}/outcome", form)
    assert refused.status_code == 303
    page = secretary.get(url).get_data(as_text=True)
    assert "outcomes can be recorded only from its start" in page
    held = post(secretary, f"{url}/state", {"state": "held", "version": form["version"]})
    assert held.status_code == 303
    assert "marked held only from its start" in secretary.get(url).get_data(as_text=True)


# --- editing and cancelling -------------------------------------------------------------


def test_editing_a_planned_meeting_is_audited(demo, secretary):
    with demo.app_context():
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=5, year=2026, starts_at="2026-12-15T14:00"
        )
        meeting_id = m.id
    url = f"/meetings/{meeting_id}"
    v = version(secretary, url + "/edit")
    bad = post(secretary, url + "/edit", {"starts_at": "soon", "place": "Sali", "version": v})
    assert bad.status_code == 303
    page = secretary.get(bad.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Enter the date and time" in page and 'value="Sali"' in page
    done = post(
        secretary,
        url + "/edit",
        {"starts_at": "2026-12-16T09:30", "place": "Sali 2", "place_sv": "Sal 2", "version": v},
    )
    assert done.status_code == 302
    with demo.app_context():
        m = db.session.get(Meeting, meeting_id)
        assert (m.place, m.place_sv) == ("Sali 2", "Sal 2")
        assert meeting_ops.starts_text(m) == "16.12.2026 09:30"
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.edited")
        ).one()
        assert {c["field"] for c in event.changes} == {"starts_at", "place", "place_sv"}


def test_cancelling_needs_a_reason_and_frees_the_items(demo, published, secretary):
    meeting_id, item_id = published
    url = f"/meetings/{meeting_id}"
    v = version(secretary, url + "/edit")
    refused = post(secretary, url + "/cancel", {"reason": " ", "version": v})
    assert refused.status_code == 303
    assert "Say why the meeting is cancelled" in secretary.get(url + "/edit").get_data(as_text=True)
    asked = post(secretary, url + "/cancel", {"reason": "No quorum.", "version": v})
    assert asked.status_code == 200 and "Cancel meeting 12/2026?" in asked.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Meeting, meeting_id).state == "published"
    done = post(
        secretary, url + "/cancel", {"reason": "No quorum.", "version": v, "confirmed": "yes"}
    )
    assert done.status_code == 302
    with demo.app_context():
        m = db.session.get(Meeting, meeting_id)
        assert m.state == "cancelled" and m.cancel_reason == "No quorum." and m.cancelled_at
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.cancelled")
        ).one()
        assert {"field": "cancel_reason", "old": None, "new": "No quorum."} in event.changes
        # The decision waits for a meeting again: another agenda may take it.
        other = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=13, year=2026, starts_at="2027-01-12T14:00"
        )
        assert 1 in [d.id for d in meeting_ops.candidates(other)]
        meeting_ops.add_item(user("secretary"), other, 1, expected_version=other.version)
    assert "No quorum." in secretary.get(url).get_data(as_text=True)


# --- a published agenda ----------------------------------------------------------------------


def test_a_published_agenda_changes_only_by_a_correction_with_its_reason(demo, published):
    meeting_id, item_id = published
    with demo.app_context():
        m = db.session.get(Meeting, meeting_id)
        other = decision_ops.create_decision(
            user("preparer"),
            case_number="KPHA/600/2026",
            title="Lisäasia",
            language="fi",
            body_id=1,
            proposal="",
        )
        before = events()
        with pytest.raises(Conflict, match="correct the published agenda and say why"):
            meeting_ops.add_item(user("secretary"), m, other.id, expected_version=m.version)
        with pytest.raises(Conflict, match="correct the published agenda and say why"):
            meeting_ops.remove_item(user("secretary"), m, item_id, expected_version=m.version)
        with pytest.raises(ValidationFailed) as no_reason:
            meeting_changes.edit_meeting(
                user("secretary"), m, starts_at="2026-12-16T14:00", expected_version=m.version
            )
        assert "correction" in no_reason.value.errors
        with pytest.raises(ValidationFailed):
            meeting_changes.correct_agenda(
                user("secretary"), m, "  ", remove=[item_id], expected_version=m.version
            )
        assert events() == before and len(m.items) == 1
        meeting_changes.correct_agenda(
            user("secretary"),
            m,
            "The item belongs to the January meeting.",
            remove=[item_id],
            expected_version=m.version,
        )
        assert m.items == [] and m.state == "published"
        removed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.item_removed")
        ).one()
        assert {
            "field": "correction",
            "old": None,
            "new": "The item belongs to the January meeting.",
        } in removed.changes
        shown = meeting_changes.corrections(m)
        assert [c.reason for c in shown] == ["The item belongs to the January meeting."]


def test_the_correction_page_records_the_reason(demo, published, secretary):
    meeting_id, item_id = published
    url = f"/meetings/{meeting_id}"
    v = version(secretary, url + "/edit")
    refused = post(secretary, url + "/correct", {"remove": str(item_id), "version": v})
    assert refused.status_code == 303
    page = secretary.get(url + "/edit").get_data(as_text=True)
    assert "Say why the published agenda is corrected" in page
    assert f'value="{item_id}" id="remove-{item_id}" checked' in page  # the choice kept
    done = post(
        secretary,
        url + "/correct",
        {"remove": str(item_id), "correction": "Wrong body.", "version": v},
    )
    assert done.status_code == 302
    page = secretary.get(url).get_data(as_text=True)
    assert "Corrections after publication" in page and "Wrong body." in page
