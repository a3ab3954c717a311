"""The coordinator's list of decisions that lacked a required assessment (issue 22,
/reports/missing) in the browser: reached from the yearly reports' page, sorted and its CSV
downloaded by keyboard alone; the imported decisions' rows say who must act; axe zero serious
or critical at 1200 and 375 px."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from assess.operations.decision_import import import_decisions
from assess.operations.demo_policy import load_demo_policy
from tests.browser.axe import axe_at_both_widths
from tests.browser.test_foundation import log_in
from tests.support import user

# The demo policy asks a full assessment of a service network change and a light one of a
# fee change; it is in force from today, so these decisions meet later.
ITEMS = [
    {
        "case_number": "KPHA/1/2027",
        "title": "Palveluverkon muutos",
        "body": "executive_board",
        "decision_type": "service_network_change",
        "meeting_date": "2027-02-03",
        "outcome": "approved",
        "language": "fi",
    },
    {
        "case_number": "KPHA/2/2027",
        "title": "Maksujen muutos",
        "body": "wellbeing_committee",
        "decision_type": "fee_change",
        "meeting_date": "2027-01-20",
        "outcome": "",
        "language": "fi",
    },
]


def _tab_to(page, locator, most=60):
    """Press Tab until ``locator`` has the focus (it must be reachable by keyboard)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{locator} not reached by Tab")


def test_the_coordinator_follows_up_the_missing_assessments(page, live_server):
    with live_server.app.app_context():
        load_demo_policy()
        import_decisions(user("admin"), [dict(i) for i in ITEMS], via="csv")
    page.set_viewport_size({"width": 1200, "height": 900})
    log_in(page, live_server, "coordinator")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Yearly reports"
        ).click()
    link = page.get_by_role("link", name="Decisions that needed an assessment and have none")
    _tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decisions that needed an assessment and have none"
    )
    expect(page.get_by_role("status")).to_have_text("2 decisions lack a required assessment.")
    # Per body, each row naming who must act: nobody has started on an imported decision.
    board = page.get_by_role(
        "table", name="Decisions of Aluehallitus lacking a required assessment"
    )
    expect(board).to_contain_text("KPHA/1/2027")
    expect(board).to_contain_text("No preparer: the body's secretary")
    expect(page.get_by_role("table").filter(has_text="KPHA/2/2027")).to_contain_text("imported")
    axe_at_both_widths(page)

    # Sorting by keyboard: choose the order, then the button.
    order = page.get_by_label("Order")
    _tab_to(page, order)
    options = order.locator("option")
    last = options.nth(options.count() - 1).get_attribute("value")
    order.select_option(last)
    _tab_to(page, page.get_by_role("button", name="Sort"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"sort={last}" in page.url
    expect(page.get_by_role("status")).to_have_text("2 decisions lack a required assessment.")

    # The same rows as CSV, by keyboard.
    _tab_to(page, page.get_by_role("link", name="Download the list as CSV"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "KPHA/1/2027" in text and "KPHA/2/2027" in text
    axe_at_both_widths(page)
