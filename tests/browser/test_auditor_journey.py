"""The auditor's journey (issue 21): signs in, finds an assessment by a flag, opens its
history, compares two revisions, downloads the history's export; axe zero serious or
critical on every page."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.integration.test_revisions import MITIGATION, returned


def test_an_auditor_finds_reads_and_compares(page, live_server):
    with live_server.app.app_context():
        a, back, again = returned()
        aid, decision_id = a.id, a.decision_id
        rule = a.data["flags"][0]["rule"]
    log_in(page, live_server, "auditor")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Found by a flag, from the navigation.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Search assessments"
        ).click()
    assert serious_violations(page) == []
    page.get_by_label("Flag", exact=True).select_option(rule)
    text = page.get_by_label("Case number or title")
    text.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # keyboard only: the search sent with Enter
    assert f"flag={rule}" in page.url
    table = page.get_by_role("table", name="Assessments found")
    link = table.locator(f"a[href='/decisions/{decision_id}']")
    expect(link).to_have_count(1)
    assert serious_violations(page) == []

    # Its history, and the whole of it downloaded with its hashes.
    page.goto(live_server.url + f"/assessments/{aid}/history")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the whole history with its hashes (JSON)").click()
    with open(download.value.path(), encoding="utf-8") as fh:
        exported = json.load(fh)
    assert exported  # parsed: the events with their hashes

    # Two revisions compared.
    page.goto(live_server.url + f"/assessments/{aid}/revisions")
    page.get_by_label("Earlier: compare from").select_option(str(back))
    page.get_by_label("Later: compare to").select_option(str(again))
    with page.expect_navigation():
        page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("table", name="Impacts")).to_contain_text(MITIGATION)
    assert serious_violations(page) == []
