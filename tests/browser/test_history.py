"""An auditor reads an assessment's history (issue 21): the timeline grouped by version,
filtered by keyboard, a bad filter named, axe on every state, at 375 px too."""

import re

from playwright.sync_api import expect

from assess.operations.demo_scenario import load_scenario
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def test_auditor_filters_the_history_by_keyboard(page, live_server):
    with live_server.app.app_context():
        assert load_scenario()
    log_in(page, live_server, "auditor")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + "/assessments/1/history")
    expect(page.get_by_role("heading", level=1)).to_have_text("History of the assessment")
    history = page.locator("ol.history")
    expect(history).to_contain_text("Start screening: Draft → Screening")
    expect(history).to_contain_text("Documents attached to the agenda of meeting")
    expect(page.get_by_role("heading", name=re.compile("^Version 4"))).to_be_visible()
    assert "screening.answers" not in history.inner_text()
    assert serious_violations(page) == []

    # The filters by keyboard only: choose with the arrow keys, submit with Enter.
    kind = page.get_by_label("Kind of entry")
    kind.focus()
    kind.select_option(label="Flags")
    page.get_by_label("Person").focus()
    page.keyboard.press("Tab")  # the part of the assessment
    page.keyboard.press("Tab")  # the button
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"kind=flag"))
    expect(history).to_contain_text("Flag acknowledged")
    expect(history).to_contain_text("The service bus and the mobile clinic carry it.")
    expect(history).not_to_contain_text("Start screening")
    expect(page.get_by_label("Kind of entry")).to_have_value("flag")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Clear the filters").click()
    expect(history).to_contain_text("Start screening")

    # A value that is no choice is named; the rest of the page still reads.
    page.goto(live_server.url + "/assessments/1/history?kind=gossip")
    expect(page.locator("main")).to_contain_text("gossip")
    expect(page.get_by_label("Kind of entry")).to_have_attribute("aria-invalid", "true")
    expect(history).to_contain_text("Start screening")
    assert serious_violations(page) == []

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/assessments/1/history?section=hearings")
    expect(history).to_contain_text("Hearings changed")
    assert serious_violations(page) == []
