"""Search across assessments (issue 21) in the browser: an auditor reaches the page from
the navigation, filters by keyboard, reads the count in words and the result table, and a
bad value in the address is named in the error summary; axe on each page and state."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assess.operations.demo_scenario import load_scenario
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def test_an_auditor_searches_by_keyboard(page, live_server):
    with live_server.app.app_context():
        assert load_scenario()  # one approved full assessment, one light in review
    log_in(page, live_server, "auditor")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Search assessments"
    )
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/assessments/search")
    expect(page.get_by_role("status")).to_have_text("2 assessments found.")
    assert serious_violations(page) == []

    # A filter chosen and the search sent from the keyboard: Enter in the text field.
    page.get_by_label("A high flag acknowledged, not resolved").select_option(label="Yes")
    text = page.get_by_label("Case number or title")
    text.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "acknowledged_high=true" in page.url
    expect(page.get_by_role("status")).to_have_text("1 assessment found.")
    table = page.get_by_role("table", name="Assessments found")
    expect(table.get_by_role("row")).to_have_count(2)  # the heading and one assessment
    expect(table).to_contain_text("Full assessment")
    expect(page.get_by_role("link", name="Download the result as CSV")).to_have_attribute(
        "href", re.compile(r"search\.csv\?acknowledged_high=true")
    )
    expect(page.get_by_label("A high flag acknowledged, not resolved")).to_have_value("true")
    assert serious_violations(page) == []

    # At 375 px the filters and the result fit without sideways scrolling.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1200, "height": 800})

    # A bad value in the address: named with what would be right, nothing searched.
    page.goto(live_server.url + "/assessments/search?level=huge&to=31.1.2026")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("level: 'huge' is not one of its values")
    expect(summary).to_contain_text("to: '31.1.2026' is not a date")
    expect(page.get_by_role("status")).to_have_count(0)
    expect(page.get_by_label("Level")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile("^Error:"))
    assert serious_violations(page) == []
