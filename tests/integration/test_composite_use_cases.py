"""A composite action happens whole or not at all, in the web and in the API alike.

Each test lets the first half run, then makes the second half find the agenda changed by
someone else in between (its stored version moved on), so it fails as stale: nothing of
the first half may stay - no transition, no revision, no document, no audit event, no
agenda change.
"""

import re

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from assess.extensions import db
from assess.models import AgendaItem, Assessment, AuditEvent, Decision, Document, Meeting, Revision
from assess.models.meeting import agenda_item_documents
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from assess.operations.users import issue_token
from tests.support import acknowledge_high, login, post, to_review, use_language, user


def approved(decision_id: int) -> Assessment:
    a = to_review(user("preparer"), db.session.get(Decision, decision_id))
    acknowledge_high(user("reviewer"), a)
    ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
    return a


def new_meeting() -> Meeting:
    return meeting_ops.create_meeting(
        user("secretary"), body_id=1, number=12, year=2026, starts_at="2026-12-15T14:00"
    )


def someone_else_changes(meeting_id: int) -> None:
    """Another secretary saved the agenda: its stored version moves on under our feet."""
    table = Meeting.__table__
    db.session.execute(
        table.update().where(table.c.id == meeting_id).values(version=table.c.version + 1)
    )


def after(monkeypatch, module, name: str, meeting_id: int, *, before: bool = False) -> list:
    """Make ``module.name`` (the second half) find the agenda changed by someone else;
    with ``before``, the change comes between the first half and it."""
    original, calls = getattr(module, name), []

    def second_half(*args, **kwargs):
        calls.append(name)
        if before:
            someone_else_changes(meeting_id)
            return original(*args, **kwargs)
        result = original(*args, **kwargs)
        someone_else_changes(meeting_id)
        return result

    monkeypatch.setattr(module, name, second_half)
    return calls


def state(meeting_id: int, assessment_id: int) -> dict:
    """Everything either half could have changed, read afresh from the database."""
    db.session.remove()
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    a, m = db.session.get(Assessment, assessment_id), db.session.get(Meeting, meeting_id)
    return {
        "assessment": (a.state, a.version, a.active),
        "meeting": (m.state, m.version, m.published_at),
        "items": [(i.decision_id, i.outcome, [d.id for d in i.documents]) for i in m.items],
        "events": count(AuditEvent),
        "revisions": count(Revision),
        "documents": count(Document),
        "item_rows": count(AgendaItem),
        "attached": db.session.scalar(select(func.count()).select_from(agenda_item_documents)),
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request):
    """The app with the demo data, on SQLite and on PostgreSQL."""
    return request.getfixturevalue("demo" if request.param == "sqlite" else "pg_app")


@pytest.fixture
def published(site):
    """A published agenda whose one item's assessment is approved, waiting for the outcome."""
    with site.app_context():
        a = approved(1)
        m = new_meeting()
        meeting_ops.add_item(user("secretary"), m, 1, expected_version=m.version)
        meeting_ops.attach_documents(user("secretary"), m, expected_version=m.version)
        meeting_ops.publish(user("secretary"), m, expected_version=m.version)
        return m.id, m.items[0].id, a.id


@pytest.fixture
def planned(site):
    """A planned agenda, and an approved decision that is on no agenda yet."""
    with site.app_context():
        a = approved(1)
        return new_meeting().id, a.id


@pytest.fixture
def secretary(site):
    client = site.test_client()
    login(client, "secretary")
    use_language(client, "en")
    return client


@pytest.fixture
def api(site):
    with site.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('secretary'))}"}
    client = site.test_client()
    return lambda path, json=None: client.post(
        "/api/v1" + path, json=json, headers={**token, "Accept-Language": "en"}
    )


# --- recording an outcome: the assessment's transition, then the agenda item -------------


def test_an_outcome_whose_item_is_stale_leaves_the_assessment_as_it_was_in_the_web(
    site, published, secretary, monkeypatch
):
    meeting_id, item_id, assessment_id = published
    url = f"/meetings/{meeting_id}"
    page = secretary.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    with site.app_context():
        before = state(meeting_id, assessment_id)
    fired = after(monkeypatch, ops, "fire", meeting_id)
    response = post(
        secretary,
        f"{url}/items/{item_id}/outcome",
        {"outcome": "approved", "version": version, "confirmed": "yes"},
    )
    assert fired == ["fire"]  # the first half ran
    assert response.status_code == 303  # Post/Redirect/Get (issue 20)
    assert "Someone else changed this agenda" in secretary.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    with site.app_context():
        assert state(meeting_id, assessment_id) == before
        assert before["assessment"][0] == "approved"


def test_an_outcome_whose_item_is_stale_leaves_the_assessment_as_it_was_in_the_api(
    site, published, api, monkeypatch
):
    meeting_id, item_id, assessment_id = published
    with site.app_context():
        before = state(meeting_id, assessment_id)
    fired = after(monkeypatch, ops, "fire", meeting_id)
    response = api(f"/meetings/{meeting_id}/items/{item_id}/outcome", {"outcome": "approved"})
    assert fired == ["fire"]
    assert response.status_code == 412, response.get_json()
    assert "Someone else changed this agenda" in response.get_json()["error"]["message"]
    with site.app_context():
        assert state(meeting_id, assessment_id) == before


def test_a_returned_outcome_reopens_nothing_when_its_item_is_stale(
    site, published, api, monkeypatch
):
    """Returned for preparation: the assessment would go back to editing (and its flags'
    approved effects be forgotten): none of it stays."""
    meeting_id, item_id, assessment_id = published
    with site.app_context():
        before = state(meeting_id, assessment_id)
    after(monkeypatch, ops, "fire", meeting_id)
    response = api(
        f"/meetings/{meeting_id}/items/{item_id}/outcome",
        {"outcome": "returned", "note": "More hearings first."},
    )
    assert response.status_code == 412, response.get_json()
    with site.app_context():
        assert state(meeting_id, assessment_id) == before


def test_without_interference_the_outcome_is_recorded_in_one_commit(site, published, api):
    meeting_id, item_id, assessment_id = published
    commits = []
    listener = lambda session: commits.append(1)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        response = api(f"/meetings/{meeting_id}/items/{item_id}/outcome", {"outcome": "approved"})
    finally:
        event.remove(Session, "after_commit", listener)
    assert response.status_code == 200, response.get_json()
    assert len(commits) == 1
    with site.app_context():
        now = state(meeting_id, assessment_id)
    assert now["assessment"][0] == "decided" and now["items"][0][1] == "approved"


# --- the API's add-an-item (then attach its documents) ----------------------------------


def test_an_item_whose_documents_cannot_be_attached_is_not_added(site, planned, api, monkeypatch):
    meeting_id, assessment_id = planned
    with site.app_context():
        before = state(meeting_id, assessment_id)
    attached = after(monkeypatch, meeting_ops, "attach_documents", meeting_id, before=True)
    response = api(f"/meetings/{meeting_id}/items", {"decision": 1})
    assert attached == ["attach_documents"]  # the item was added before it
    assert response.status_code == 412, response.get_json()
    with site.app_context():
        assert state(meeting_id, assessment_id) == before
        assert before["items"] == []


# --- the API's publish (attach what is missing, then publish) ---------------------------


def test_an_agenda_that_cannot_be_published_gets_no_documents_attached(
    site, planned, api, monkeypatch
):
    meeting_id, assessment_id = planned
    with site.app_context():
        m = db.session.get(Meeting, meeting_id)
        meeting_ops.add_item(user("secretary"), m, 1, expected_version=m.version)
        before = state(meeting_id, assessment_id)
    published = after(monkeypatch, meeting_ops, "publish", meeting_id, before=True)
    response = api(f"/meetings/{meeting_id}/publish")
    assert published == ["publish"]
    assert response.status_code == 412, response.get_json()
    with site.app_context():
        now = state(meeting_id, assessment_id)
    assert before["items"][0][2] == [] and before["meeting"][0] == "planned"
    assert now == before


def test_a_refused_publication_attaches_nothing_either(site, planned, api):
    """Not ready (a second item lacks an assessment): the documents of the first one are
    not attached half-way by the same request."""
    meeting_id, assessment_id = planned
    with site.app_context():
        m = db.session.get(Meeting, meeting_id)
        meeting_ops.add_item(user("secretary"), m, 1, expected_version=m.version)
        other = decision_ops.create_decision(
            user("preparer"), case_number="C/2", title="Not assessed", language="fi", body_id=1
        )
        meeting_ops.add_item(user("secretary"), m, other.id, expected_version=m.version)
        before = state(meeting_id, assessment_id)
    response = api(f"/meetings/{meeting_id}/publish")
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "agenda_not_ready"
    with site.app_context():
        assert state(meeting_id, assessment_id) == before


# --- logging in: the attempt's record and the language chosen before it -------------------


def test_logging_in_keeps_the_chosen_language_in_the_same_commit(site):
    from assess.models import LoginAttempt, User
    from assess.operations.users import create_user

    with site.app_context():
        create_user(
            organisation=user("preparer").organisation,
            email="new@demo.example",
            name="New Person",
            roles=["preparer"],
            password="a long enough password 2026",
        )
    client = site.test_client()
    use_language(client, "sv")
    commits = []
    listener = lambda session: commits.append(1)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        response = login(client, email="new@demo.example", password="a long enough password 2026")
    finally:
        event.remove(Session, "after_commit", listener)
    assert response.status_code == 302
    assert len(commits) == 1
    with site.app_context():
        assert user("new@demo.example").preferred_language == "sv"
        attempts = db.session.scalars(
            select(LoginAttempt).where(LoginAttempt.email == "new@demo.example")
        ).all()
        assert [a.succeeded for a in attempts] == [True]
        assert db.session.scalar(select(User.id).where(User.email == "new@demo.example"))


# Outcomes and "held" wait for a meeting's start (issue 20); these meetings are dated ahead.
pytestmark = pytest.mark.usefixtures("meetings_started")
