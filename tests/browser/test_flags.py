"""A reviewer meets the flags: sees them, cannot approve, acknowledges, approves. By
keyboard where it matters, with axe on every page."""

import re

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import to_review, user


def submitted_assessment(app) -> int:
    with app.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        high = [f for f in a.data["flags"] if f["severity"] == "high" and f["status"] == "open"]
        assert high, "the realistic assessment raises at least one high flag"
        return a.id


def test_reviewer_acknowledges_the_high_flags_and_approves(page, live_server):
    assessment_id = submitted_assessment(live_server.app)
    log_in(page, live_server, "reviewer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + "/decisions/1")
    flags_box = page.locator("section[aria-labelledby=h-flags]")
    expect(flags_box).to_contain_text("High")
    expect(flags_box).to_contain_text("Older people: access to services is negative")
    assert serious_violations(page) == []

    # Approving is not possible yet, and the reasons name the flags.
    blocked = page.locator(".blocked-steps")
    expect(blocked).to_contain_text("Approve")
    expect(blocked).to_contain_text("High-severity flag not resolved or acknowledged")

    page.get_by_role("link", name=re.compile("All flags with their explanations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flags of the assessment")
    assert serious_violations(page) == []

    # An empty comment is refused and says what is needed.
    page.get_by_role("button", name="Acknowledge the flag").first.click()
    # The message is the refused box's description (aria-describedby), not only text nearby.
    expect(page.locator("textarea[aria-invalid=true]").first).to_have_accessible_description(
        re.compile("The comment is required")
    )
    assert serious_violations(page) == []

    # By keyboard: each high flag gets a comment and is acknowledged.
    n = 0
    while True:
        boxes = page.locator("li.flag-border-high textarea")
        if boxes.count() == 0:
            break
        box = boxes.first
        box.focus()
        page.keyboard.type(f"Accepted after weighing: the service bus covers it ({n}).")
        page.keyboard.press("Tab")  # to the button
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("The flag is acknowledged")
        n += 1
    assert n >= 1
    expect(page.locator("li.flag-border-high").first).to_contain_text("Acknowledged by Rasmus")

    page.goto(live_server.url + "/decisions/1")
    page.get_by_role("button", name="Approve").click()
    # Issue 20: approving asks first; only the confirmation's button approves.
    expect(page.get_by_role("heading", level=1)).to_contain_text("are you sure?")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Yes: Approve the assessment").click()
    expect(page.get_by_role("status")).to_contain_text("The assessment is now 'Approved'")

    # The documents were made at approval: listed with the paragraph to copy.
    documents = page.locator("#documents")
    expect(documents).to_contain_text(f"EVA-{assessment_id}-")
    expect(page.get_by_label(re.compile("Paragraph for the decision text"))).to_have_count(2)
    assert serious_violations(page) == []

    page.goto(live_server.url + f"/assessments/{assessment_id}/history")
    history = page.locator("ol.history")
    expect(history).to_contain_text("Flag acknowledged")
    expect(history).to_contain_text("Accepted after weighing: the service bus covers it (0).")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Cumulative effects").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cumulative effects")
    expect(page.locator("main")).to_contain_text("KPHA/412/2026")
    assert serious_violations(page) == []


def test_preparer_sees_the_flags_next_to_the_answers(page, live_server):
    assessment_id = submitted_assessment(live_server.app)
    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + f"/assessments/{assessment_id}/sections/impacts")
    expect(page.get_by_role("heading", name="Flags on this page")).to_be_visible()
    cell = page.get_by_role(
        "link", name=re.compile(r"older people \W access to services: .*open flag")
    )
    expect(cell.first).to_be_visible()
    assert serious_violations(page) == []
    cell.first.click()
    expect(page.locator(".flags-box")).to_contain_text("Older people: access to services")
    assert serious_violations(page) == []
