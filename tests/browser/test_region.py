"""The regional view (issue 22) in the browser: the admin agrees to share the organisation's
yearly figures on the settings page (by keyboard), the coordinator reaches /region from the
navigation and reads the organisation's totals; axe at 1200 and 375 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assess.operations.context import today
from assess.operations.decision_import import import_decisions
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import user


def test_the_admin_shares_and_the_coordinator_reads_the_region(page, live_server):
    with live_server.app.app_context():
        year = today().year
        # A decision of this year from the case-management system, not assessed: 0 %.
        item = {
            "case_number": "KPHA/9/REGION",
            "title": "Alueen asia",
            "body": "executive_board",
            "meeting_date": f"{year}-01-15",
            "outcome": "approved",
            "language": "fi",
        }
        import_decisions(user("admin"), [item], via="csv")
    log_in(page, live_server, "admin")
    page.goto(live_server.url + "/admin/organisation")
    sharing = page.get_by_label("Share our yearly figures with the region")
    expect(sharing).not_to_be_checked()
    assert serious_violations(page) == []
    sharing.focus()
    page.keyboard.press("Space")
    expect(sharing).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the sharing choice").click()
    expect(page.get_by_text("The yearly figures are now shared with the region.")).to_be_visible()
    expect(page.get_by_label("Share our yearly figures with the region")).to_be_checked()
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, "coordinator")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Region").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Regional figures")
    table = page.get_by_role("table", name="The core figures")
    expect(table).to_contain_text("Keski-Pohjanmaan hyvinvointialue")
    expect(table.get_by_role("rowheader", name="Decisions")).to_be_visible()
    # The coverage by organisation as a picture named by its numbers, the table beside it.
    chart = page.get_by_role(
        "img", name=re.compile(r"^Bar chart of the coverage by organisation in \d{4}: .+ 0 %")
    )
    expect(chart).to_be_visible()
    beside = page.get_by_role("table", name=f"Coverage of {year} by organisation")
    expect(beside).to_contain_text("Keski-Pohjanmaan hyvinvointialue")
    expect(beside).to_contain_text("0.0%")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
