"""The integrity page (issue 21) in the browser: an auditor reaches it from the navigation,
reads that nothing was altered, downloads the report; axe at 1200 and 375 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assess.operations.demo_scenario import load_scenario
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def test_an_auditor_checks_the_integrity_and_downloads_the_report(page, live_server):
    with live_server.app.app_context():
        assert load_scenario()
    log_in(page, live_server, "auditor")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrity of the records")
    expect(page.get_by_role("status")).to_contain_text("Nothing was altered.")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (text)").click()
    assert download.value.suggested_filename == "integrity-report.txt"
    with open(download.value.path(), encoding="utf-8") as fh:
        assert "Intact: yes" in fh.read()
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []


def test_an_admin_asks_for_a_walk_from_the_first_event_by_keyboard(page, live_server):
    with live_server.app.app_context():
        assert load_scenario()
    log_in(page, live_server, "admin")  # Anders Holm reads English
    page.goto(f"{live_server.url}/audit")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Every event from the first:")).to_be_visible()
    ask = page.get_by_role("button", name="Ask for a walk from the first event")
    assert serious_violations(page) == []
    ask.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Asked for.")).to_be_visible()
    expect(page.get_by_text("was asked for at")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ new events? checked now\."))).to_be_visible()
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
