"""Safe steps on the assessment (issue 20): approving and withdrawing ask to confirm first
(the plain submission does nothing); "Reopen" is no main action after an approval;
withdrawing is no step once the body has decided; a statement upload keeps the texts typed
on the hearings page."""

import re
from io import BytesIO

import pytest

from assess.extensions import db
from assess.models import Assessment, Decision
from assess.operations import assessments as ops
from assess.operations.users import issue_token
from tests.integration.test_guided import _with_hearing, data_of, preparer, started  # noqa: F401
from tests.support import acknowledge_high, login, post, to_review, use_language, user


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


@pytest.fixture
def in_review(demo):
    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        return a.id


@pytest.fixture
def reviewer(demo):
    client = demo.test_client()
    login(client, "reviewer")
    use_language(client, "en")
    return client


def state(demo, assessment_id) -> str:
    with demo.app_context():
        return db.session.get(Assessment, assessment_id).state


def test_approving_needs_its_confirmation(demo, in_review, reviewer):
    page = reviewer.get("/decisions/1").get_data(as_text=True)
    form = {"trigger": "approve", "version": version_on(page)}
    asked = post(reviewer, f"/assessments/{in_review}/transitions", form)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Approve the assessment: are you sure?" in text
    assert "The assessment documents are made from this version" in text
    assert 'name="trigger" value="approve"' in text and 'name="confirmed" value="yes"' in text
    assert state(demo, in_review) == "in_review"  # the plain submission did nothing
    done = post(reviewer, f"/assessments/{in_review}/transitions", {**form, "confirmed": "yes"})
    assert done.status_code == 302 and state(demo, in_review) == "approved"

    # Right after the approval, reopening is offered but not as the main action.
    page = reviewer.get("/decisions/1").get_data(as_text=True)
    reopen = re.search(r"<button[^>]*>Reopen</button>", page).group(0)
    assert "hds-button--secondary" in reopen and "btn-primary" not in reopen
    asked = post(
        reviewer,
        f"/assessments/{in_review}/transitions",
        {"trigger": "reopen", "comment": "Wrong figures.", "version": version_on(page)},
    )
    assert "Reopen: are you sure?" in asked.get_data(as_text=True)
    assert "Wrong figures." in asked.get_data(as_text=True)
    assert state(demo, in_review) == "approved"


def test_withdrawing_needs_its_confirmation_and_keeps_the_comment(demo, in_review, client):
    login(client, "preparer")
    use_language(client, "en")
    page = client.get("/decisions/1").get_data(as_text=True)
    form = {"trigger": "withdraw", "comment": "Line one.\nLine two.", "version": version_on(page)}
    asked = post(client, f"/assessments/{in_review}/transitions", form)
    text = asked.get_data(as_text=True)
    assert "Withdraw: are you sure?" in text and "cannot be taken back into use" in text
    assert state(demo, in_review) == "in_review"
    carried = re.search(r'name="comment" value="([^"]*)"', text).group(1)
    done = post(
        client,
        f"/assessments/{in_review}/transitions",
        {**form, "comment": carried, "confirmed": "yes"},
    )
    assert done.status_code == 302 and state(demo, in_review) == "withdrawn"
    with demo.app_context():
        assert "Line two." in str(ops.history(db.session.get(Assessment, in_review))[-1].transition)


def test_no_withdrawing_once_the_body_has_decided(demo, in_review, client):
    with demo.app_context():
        a = db.session.get(Assessment, in_review)
        ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        page_before = a.state
        ops.fire(user("secretary"), a, "record_decision", expected_version=a.version)
        token = issue_token(user("preparer"))
    assert page_before == "approved"
    login(client, "preparer")
    use_language(client, "en")
    page = client.get("/decisions/1").get_data(as_text=True)
    assert 'id="comment-withdraw"' not in page and "Withdraw" not in page
    refused = client.post(
        f"/api/v1/assessments/{in_review}/transitions",
        json={"trigger": "withdraw", "comment": "Too late."},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert refused.status_code == 409
    assert "can no longer be withdrawn" in str(refused.get_json())
    assert state(demo, in_review) == "decided"


def test_uploading_a_statement_keeps_what_was_typed(demo, preparer):  # noqa: F811
    url, hearing_id = _with_hearing(demo, preparer)
    page = preparer.get(url).get_data(as_text=True)
    assert 'form="section-form"' in page  # the upload is part of the section's form
    typed = {
        "hearings-0-id": hearing_id,
        "hearings-0-council": "older_people_council",
        "hearings-0-statement": "Typed, not saved yet.",
    }
    response = preparer.post(
        f"/assessments/1/hearings/{hearing_id}/statement",
        data={
            "csrf_token": preparer.csrf,
            "version": version_on(page),
            **typed,
            f"file-{hearing_id}": (BytesIO(b"%PDF-1.4 x"), "lausunto.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert data_of(demo)["hearings"][0]["attachment"]["filename"] == "lausunto.pdf"
    assert data_of(demo)["hearings"][0]["statement"] == "See the file."  # not saved by it
    page = preparer.get(url).get_data(as_text=True)
    assert "Typed, not saved yet." in page and "not saved yet: press Save" in page
    # Saving now keeps both the text and the file.
    post(preparer, url, {**typed, "version": version_on(page)})
    saved = data_of(demo)["hearings"][0]
    assert saved["statement"] == "Typed, not saved yet."
    assert saved["attachment"]["filename"] == "lausunto.pdf"


def test_a_refused_upload_keeps_what_was_typed_too(demo, preparer):  # noqa: F811
    url, hearing_id = _with_hearing(demo, preparer)
    page = preparer.get(url).get_data(as_text=True)
    response = preparer.post(
        f"/assessments/1/hearings/{hearing_id}/statement",
        data={
            "csrf_token": preparer.csrf,
            "version": version_on(page),
            "hearings-0-id": hearing_id,
            "hearings-0-council": "older_people_council",
            "hearings-0-statement": "Still here.",
            f"file-{hearing_id}": (BytesIO(b"MZ"), "virus.exe"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = preparer.get(url).get_data(as_text=True)
    assert "Upload a PDF, Word" in page and "Still here." in page
