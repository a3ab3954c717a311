"""The return loop in a browser (issue 20, review): the reviewer weighs the flags beside the
cells they concern, acknowledges two with one reasoning, returns the assessment with a
comment; the preparer logs in and sees the comment on the dashboard, the decision page and
the section, answers it in the section's comments and submits again choosing the reviewer.
Axe on every page and every error state."""

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Assessment, Decision
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import to_review, user

RETURN = "Describe how the older people's longer trips are mitigated, with the service bus."
ANSWER = "The service bus runs twice a week from the village; I added it to the mitigation."


def _in_english(page):
    page.get_by_role("button", name="In English").click()


def test_the_return_loop(page, live_server):
    app = live_server.app
    with app.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        aid, did = a.id, a.decision_id
        open_flags = [f for f in a.content.flags if f.status == "open"]
        assert len(open_flags) >= 2

    # The reviewer: the flags beside what they judge, two acknowledged with one reasoning.
    log_in(page, live_server, "reviewer")
    _in_english(page)
    page.goto(live_server.url + f"/assessments/{aid}/flags")
    cells = page.locator("details.flag-cells").first
    expect(cells).to_contain_text("Rationale")
    expect(cells).to_contain_text("Mitigation")
    assert serious_violations(page) == []

    bulk = page.locator("#acknowledge-many")
    bulk.get_by_label("Reasoning: why are these acceptable?").fill("Both come from the closure.")
    bulk.get_by_role("button", name="Acknowledge the chosen flags").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one flag")
    # What was typed is kept after the error.
    expect(bulk.get_by_label("Reasoning: why are these acceptable?")).to_have_value(
        "Both come from the closure."
    )
    assert serious_violations(page) == []
    boxes = bulk.get_by_role("checkbox")
    boxes.nth(0).check()
    boxes.nth(1).check()
    with page.expect_navigation():
        bulk.get_by_role("button", name="Acknowledge the chosen flags").click()
    expect(page.get_by_role("status")).to_contain_text("The chosen flags are acknowledged")
    expect(page.locator("main")).to_contain_text("Both come from the closure.")
    assert serious_violations(page) == []

    # ... and returns it with a comment.
    page.goto(live_server.url + f"/decisions/{did}")
    page.get_by_label("Comment for: Return for revision").fill(RETURN)
    with page.expect_navigation():
        page.get_by_role("button", name="Return for revision").click()
    expect(page.get_by_role("status")).to_contain_text("In assessment")
    assert serious_violations(page) == []

    # The preparer sees the comment on the dashboard, the decision page and the sections.
    page.context.clear_cookies()
    log_in(page, live_server, "preparer")
    _in_english(page)
    returned = page.locator("section[aria-labelledby=h-returned]")
    expect(returned).to_contain_text("Returned to you for revision")
    expect(returned).to_contain_text("Rasmus Backman")
    expect(returned).to_contain_text(RETURN)
    assert serious_violations(page) == []

    returned.get_by_role("link", name="KPHA/412/2026").click()
    notice = page.locator("#returned-notice")
    expect(notice).to_contain_text("Returned by Rasmus Backman")
    expect(notice).to_contain_text(RETURN)
    assert serious_violations(page) == []

    page.goto(live_server.url + f"/assessments/{aid}/sections/mitigation")
    expect(page.locator("#returned-notice")).to_contain_text(RETURN)
    assert serious_violations(page) == []

    # An empty comment is refused beside the field; then the answer is added to the thread.
    thread = page.locator("#comments-mitigation")
    thread.get_by_role("button", name="Add the comment").click()
    expect(page.locator("#comments-mitigation")).to_contain_text("The comment is empty")
    assert serious_violations(page) == []
    page.locator("#comments-mitigation").get_by_label("Your comment").fill(ANSWER)
    with page.expect_navigation():
        page.locator("#comments-mitigation").get_by_role("button", name="Add the comment").click()
    expect(page.locator("#comments-mitigation")).to_contain_text(ANSWER)
    expect(page.locator("#comments-mitigation")).to_contain_text("Paula Peltonen")
    assert serious_violations(page) == []

    # Submitted again: the reviewer who returned it is preselected.
    page.goto(live_server.url + f"/decisions/{did}")
    reviewer = page.get_by_label("Reviewer", exact=True)
    expect(reviewer).to_have_value(str(_id_of("reviewer", app)))
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("In review")
    expect(page.locator("#returned-notice")).to_have_count(0)
    assert serious_violations(page) == []
    page.goto(live_server.url + "/")
    expect(page.locator("section[aria-labelledby=h-returned]")).to_have_count(0)
    with app.app_context():
        assert db.session.get(Assessment, aid).reviewer_id == _id_of("reviewer", app)


def _id_of(role, app) -> int:
    with app.app_context():
        return user(role).id
