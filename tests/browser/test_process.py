"""The process on the decision page, by keyboard, with axe on every page on the way."""

import re

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def test_preparer_drives_the_process_and_auditor_reads_the_history(page, live_server):
    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + "/decisions/1")
    assert serious_violations(page) == []

    # By keyboard: focus the start and press Enter; it lands on the first question (issue 20).
    page.get_by_role("button", name="Start: answer the screening questions").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening")
    page.goto(live_server.url + "/decisions/1")
    expect(page.get_by_text("State:")).to_be_visible()
    expect(page.locator("svg.process-diagram")).to_be_visible()
    expect(page.get_by_text("Not possible yet")).to_be_visible()
    assert serious_violations(page) == []

    # Withdrawing needs a comment: the browser and the server both ask for it.
    comment = page.get_by_label(re.compile("Comment for: Withdraw"))
    comment.fill("Started on the wrong decision.")
    page.get_by_role("button", name="Withdraw").click()
    # Issue 20: withdrawing asks first, with the comment carried through.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw: are you sure?")
    expect(page.get_by_text("Started on the wrong decision.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Yes: Withdraw").click()
    expect(page.get_by_role("status")).to_contain_text("Withdrawn")
    expect(page.get_by_role("button", name="Start: answer the screening questions")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "auditor")
    page.goto(live_server.url + "/assessments/1/history")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("Started on the wrong decision.")
    assert serious_violations(page) == []
