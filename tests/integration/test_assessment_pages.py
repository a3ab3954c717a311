"""The process on the decision page: start, buttons, blocked reasons, comments, history."""

import re

import pytest

from assess.extensions import db
from assess.models import Assessment, Decision
from assess.operations import assessments as ops
from tests.support import login, post, use_language, user


def start(client, decision_id=1):
    return post(client, f"/decisions/{decision_id}/assessment", {"workflow": "eva-standard"})


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def fire(client, trigger, comment="", assessment_id=1):
    page = client.get("/decisions/1").get_data(as_text=True)
    return post(
        client,
        f"/assessments/{assessment_id}/transitions",
        {"trigger": trigger, "comment": comment, "version": version_on(page)},
    )


@pytest.fixture
def preparer(client):
    login(client, "preparer")
    use_language(client, "en")
    return client


def test_preparer_starts_the_assessment_and_sees_the_process(preparer):
    page = preparer.get("/decisions/1").get_data(as_text=True)
    assert "Start: answer the screening questions" in page  # one step to the first question
    assert start(preparer).status_code == 302
    page = preparer.get("/decisions/1").get_data(as_text=True)
    assert "State:" in page and ">Draft<" in page
    assert "<svg" in page and "● Draft" in page  # the diagram, current state marked
    assert 'value="start_screening"' in page
    assert "Withdraw" in page and 'id="comment-withdraw"' in page


def test_a_transition_moves_the_state_and_says_so(preparer):
    start(preparer)
    response = fire(preparer, "start_screening")
    assert response.status_code == 302
    page = preparer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done: Start screening. The assessment is now &#39;Screening&#39;." in page
    # Blocked steps are listed with their reasons.
    assert "Not possible yet" in page
    assert "Choose the level of the assessment (light or full) in the screening first." in page


def test_a_missing_comment_is_refused_and_nothing_is_lost(demo, preparer):
    start(preparer)
    response = fire(preparer, "withdraw", comment="   ")
    assert response.status_code == 409
    assert "Write a comment: it is required for this step." in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Assessment, 1).state == "draft"


def test_a_blocked_step_keeps_the_typed_comment(demo, client):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    login(client, "reviewer")
    use_language(client, "en")
    response = post(
        client,
        "/assessments/1/transitions",
        {"trigger": "return_for_revision", "comment": "My long review text", "version": "2"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This step was not taken" in page
    assert "possible only when it is: In review" in page


def test_a_stale_page_is_refused_with_a_clear_message(demo, preparer):
    start(preparer)
    page = preparer.get("/decisions/1").get_data(as_text=True)
    with demo.app_context():  # someone else acts in between
        a = db.session.get(Assessment, 1)
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    response = post(
        preparer,
        "/assessments/1/transitions",
        {
            "trigger": "withdraw",
            "comment": "Not needed after all",
            "version": version_on(page),
            "confirmed": "yes",
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this assessment" in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Assessment, 1).state == "screening"


def test_only_preparers_start_an_assessment(client):
    login(client, "reviewer")
    assert start(client).status_code == 403


def test_history_is_readable_and_complete(demo, client):
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        ops.save_answers(
            user("preparer"), a, {"screening": {"level": "full"}}, expected_version=a.version
        )
        ops.fire(
            user("preparer"),
            a,
            "withdraw",
            comment="Päätös peruttiin <b>.",
            expected_version=a.version,
        )
    login(client, "auditor")
    use_language(client, "sv")
    page = client.get("/assessments/1/history").get_data(as_text=True)
    # Every event, once or more (the flags a change raised are entries of their own).
    assert len(set(re.findall(r'data-event="(\d+)"', page))) == 4
    assert "Påbörja behovsbedömningen" in page  # the step, in the reader's language
    assert "Påbörja behovsbedömningen: Utkast → Behovsbedömning" in page
    assert "Päätös peruttiin &lt;b&gt;." in page  # the comment as typed, escaped
    # The field by its label in the reader's language, never its id (issue 21).
    assert "Bedömningens nivå" in page and "screening.level" not in page
    assert "Paula Peltonen" in page


@pytest.mark.parametrize("role", ["preparer", "reviewer", "secretary", "auditor", "admin"])
def test_everyone_in_the_organisation_can_read_the_history(demo, client, role):
    with demo.app_context():
        ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
    login(client, role)
    assert client.get("/assessments/1/history").status_code == 200
    assert client.get("/assessments/1").status_code == 302
    assert client.get("/assessments/999/history").status_code == 404
