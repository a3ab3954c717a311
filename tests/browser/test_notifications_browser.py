"""A notification received in the inbox (issue 20): the preparer submits, the reviewer
sees the unread count in the header and the message, opens it, and the count drops."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def _prepared(live_server) -> int:
    """An assessment answered to the end, not yet submitted (built as the tests do)."""
    from assess.extensions import db
    from assess.models import Decision
    from assess.operations import demo_scenario
    from tests.support import user

    with live_server.app.app_context():
        decision = db.session.scalars(
            select(Decision).where(Decision.case_number == "KPHA/388/2026")
        ).one()
        demo_scenario.prepared(user("preparer"), decision)
        return decision.id


def test_review_request_reaches_the_reviewers_inbox(page, live_server):
    decision_id = _prepared(live_server)

    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()
    # The preparer's own inbox is empty: nothing they did is told to them.
    expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/decisions/{decision_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("In review")
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, "reviewer")
    page.get_by_role("button", name="In English").click()
    # Asked to review, and the open high flags to weigh: two unread.
    inbox = page.get_by_role("link", name=re.compile(r"^Inbox, 2 unread$"))
    expect(inbox).to_be_visible()
    assert serious_violations(page) == []
    inbox.click()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    # A string name matches a part of the link's name (a regular expression would stumble
    # on the case number's slashes).
    message = page.get_by_role(
        "link", name="Paula Peltonen asks you to review the assessment of KPHA/388/2026"
    )
    expect(message).to_be_visible()
    expect(page.get_by_text("Unread", exact=True)).to_have_count(2)
    assert serious_violations(page) == []

    message.click()
    expect(page).to_have_url(re.compile(f"/decisions/{decision_id}#assessment$"))  # where it lives
    expect(page.get_by_role("link", name=re.compile(r"^Inbox, 1 unread$"))).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name=re.compile(r"^Inbox")).click()
    expect(page.get_by_text("Unread", exact=True)).to_have_count(1)
    # A phone's width: the long titles wrap, nothing scrolls sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_navigation():
        page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no unread notifications.")).to_be_visible()
    assert serious_violations(page) == []

    # The choices of what comes by e-mail, on the account page.
    page.goto(f"{live_server.url}/account")
    box = page.get_by_label("Someone comments on an assessment I prepare or review")
    expect(box).not_to_be_checked()
    box.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the notification choices").click()
    expect(
        page.get_by_label("Someone comments on an assessment I prepare or review")
    ).to_be_checked()
    assert serious_violations(page) == []
