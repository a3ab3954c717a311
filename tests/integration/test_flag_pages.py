"""Flags on the pages: decision page summary, review page with acknowledging, guided form,
history, cumulative view."""

import re

import pytest
from markupsafe import escape

from assess.extensions import db
from assess.models import Decision
from assess.operations import assessments as ops
from tests.support import (
    acknowledge_high,
    login,
    post,
    to_review,
    use_language,
    user,
)


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


class Submitted:
    """A submitted assessment; read in a short application context, as requests need
    their own (see conftest)."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            a = to_review(user("preparer"), db.session.get(Decision, 1))
            self.id = a.id

    def get(self):
        with self.app.app_context():
            a = ops.get_assessment(user("preparer"), self.id)
            return {"data": a.data, "version": a.version}

    @property
    def data(self):
        return self.get()["data"]

    @property
    def version(self):
        return self.get()["version"]

    def approve(self):
        with self.app.app_context():
            a = ops.get_assessment(user("preparer"), self.id)
            acknowledge_high(user("reviewer"), a)
            step("reviewer", a, "approve")


@pytest.fixture
def submitted(demo):
    return Submitted(demo)


def as_(client, role):
    login(client, role)
    use_language(client, "en")
    return client


def high_flag(a):
    return next(f for f in a.data["flags"] if f["severity"] == "high" and f["status"] == "open")


def test_decision_page_summarises_the_flags_in_words(client, submitted):
    page = as_(client, "preparer").get("/decisions/1").get_data(as_text=True)
    # The count of open high flags, in words and a shape no effect direction uses (issue 20).
    assert "■</span> High</span>: " in page
    assert high_flag(submitted)["message"]["en"] in page
    assert f"/assessments/{submitted.id}/flags" in page


def test_reviewer_acknowledges_on_the_review_page(client, submitted):
    flag = high_flag(submitted)
    page = as_(client, "reviewer").get(f"/assessments/{submitted.id}/flags").get_data(as_text=True)
    assert flag["message"]["en"] in page and flag["resolve"]["en"] in page
    url = f"/assessments/{submitted.id}/flags/{flag['id']}/acknowledge"
    assert url in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)

    refused = post(client, url, {"comment": "  ", "version": version})
    assert refused.status_code == 422
    assert "The comment is required" in refused.get_data(as_text=True)
    assert high_flag(submitted)["id"] == flag["id"]  # still open

    done = post(client, url, {"comment": "Weighed <b>carefully</b>.", "version": version})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Acknowledged by Rasmus Backman" in page
    assert "Weighed &lt;b&gt;carefully&lt;/b&gt;." in page  # shown as typed, escaped

    history = client.get(f"/assessments/{submitted.id}/history").get_data(as_text=True)
    assert "Flag acknowledged" in history and "Weighed &lt;b&gt;carefully&lt;/b&gt;." in history


def test_preparer_sees_no_acknowledge_control(client, submitted):
    page = as_(client, "preparer").get(f"/assessments/{submitted.id}/flags").get_data(as_text=True)
    assert "/acknowledge" not in page
    flag = high_flag(submitted)
    response = post(
        client,
        f"/assessments/{submitted.id}/flags/{flag['id']}/acknowledge",
        {"comment": "mine", "version": submitted.version},
    )
    assert response.status_code == 403


def test_a_stale_acknowledgement_keeps_the_comment(client, submitted):
    flag = high_flag(submitted)
    as_(client, "reviewer")
    response = post(
        client,
        f"/assessments/{submitted.id}/flags/{flag['id']}/acknowledge",
        {"comment": "My long reasoning", "version": submitted.version - 1},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this assessment" in page and "My long reasoning" in page


def test_guided_pages_show_the_flags_that_concern_them(client, submitted):
    as_(client, "preparer")
    matrix = client.get(f"/assessments/{submitted.id}/sections/impacts").get_data(as_text=True)
    assert "Flags on this page" in matrix and "open flag" in matrix
    cell = client.get(
        f"/assessments/{submitted.id}/impacts/proposal/older_people/access_to_services"
    ).get_data(as_text=True)
    assert "Older people: access to services is negative in the proposal, and serious" in cell
    other = client.get(
        f"/assessments/{submitted.id}/impacts/proposal/rural_residents/access_to_services"
    ).get_data(as_text=True)
    assert "Older people: access to services" not in other
    hearings = client.get(f"/assessments/{submitted.id}/sections/hearings").get_data(as_text=True)
    # The older people's council was heard: its flag is gone. (Closing a county's unit
    # also calls for the client panel and the municipalities, issue 18: those stay.)
    flags_box = hearings.split("Flags on this page", 1)[-1].split("</ul>", 1)[0]
    assert "Flags on this page" in hearings and "client panel" in flags_box.lower()
    assert "older people" not in flags_box.lower()


def test_cumulative_page_lists_the_burdened_groups(client, submitted):
    submitted.approve()
    page = as_(client, "auditor").get("/cumulative").get_data(as_text=True)
    assert "Cumulative effects on population groups" in page
    assert 'href="#group-older_people"' in page
    assert "KPHA/412/2026" in page
    one = client.get("/cumulative?group=older_people").get_data(as_text=True)
    assert "All groups" in one and "KPHA/412/2026" in one
    assert client.get("/cumulative?group=nobody").status_code == 404


def test_every_flag_shows_its_basis_in_the_readers_language(client, submitted):
    """Issue 18, hole 9: the act of the organisation's type and the method source."""
    flags = [f for f in submitted.data["flags"] if f["status"] == "open"]
    assert flags and all(set(f["basis"]) == {"fi", "sv", "en"} for f in flags)
    as_(client, "reviewer")
    page = client.get(f"/assessments/{submitted.id}/flags").get_data(as_text=True)
    for f in flags:
        assert str(escape(f["basis"]["en"])) in page
    assert page.count("<strong>Basis:</strong>") == len(flags)
    use_language(client, "sv")
    page = client.get(f"/assessments/{submitted.id}/flags").get_data(as_text=True)
    assert "<strong>Grund:</strong>" in page and str(escape(flags[0]["basis"]["sv"])) in page
    assert "Metod: " in page
