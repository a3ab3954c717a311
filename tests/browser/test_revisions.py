"""Revisions in a browser (issue 21): an auditor opens an assessment's revisions, compares the
returned revision with the one submitted again using the two selects, reads the differences
side by side (in words and marks), meets a bad revision number, and the reviewer sees what
changed since the return. Axe on every page and error state, also at 375 px."""

import re

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.integration.test_revisions import MITIGATION, RETURN_COMMENT, returned


def _in_english(page):
    page.get_by_role("button", name="In English").click()


def test_compare_two_revisions(page, live_server):
    app = live_server.app
    with app.app_context():
        a, back, again = returned()
        aid = a.id

    log_in(page, live_server, "auditor")
    _in_english(page)
    page.goto(live_server.url + f"/assessments/{aid}/revisions")
    expect(page.get_by_role("heading", name="Revisions of the assessment")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Revisions, newest first"))
    expect(table).to_contain_text(RETURN_COMMENT)
    assert serious_violations(page) == []

    page.get_by_label("Earlier: compare from").select_option(str(back))
    page.get_by_label("Later: compare to").select_option(str(again))
    with page.expect_navigation():
        page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", name="Compare revisions", exact=True)).to_be_visible()
    impacts = page.get_by_role("table", name="Impacts")
    expect(impacts).to_contain_text(MITIGATION)
    expect(impacts).to_contain_text("changed")  # the kind of change in words
    scope = page.get_by_role("table", name="Scope")
    expect(scope.get_by_role("row", name=re.compile("added"))).to_have_count(1)
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})

    # A revision that does not exist: the error says which, and what would be right.
    page.goto(live_server.url + f"/assessments/{aid}/compare?from={back}&to=77")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is no revision '77'")
    expect(page.get_by_label("Later: compare to")).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []

    # The reviewer's page says what changed since the return.
    page.context.clear_cookies()
    log_in(page, live_server, "reviewer")
    _in_english(page)
    page.goto(live_server.url + f"/assessments/{aid}/flags")
    since = page.get_by_role("region", name="What changed since the return")
    expect(since).to_contain_text("What changed since the return")
    expect(since).to_contain_text(MITIGATION)
    assert serious_violations(page) == []
