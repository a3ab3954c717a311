"""The guided form in a browser: screening, scoping, a matrix cell; axe on every page."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_preparer_fills_screening_scoping_and_a_cell(page, live_server):
    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + "/decisions/1")
    # One step from the decision to the first question (issue 20).
    page.get_by_role("button", name="Start: answer the screening questions").click()

    # Screening: answer by keyboard-operable radio buttons.
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening")
    assert serious_violations(page) == []
    for fieldset in page.locator("fieldset").all():
        no = fieldset.get_by_role("radio", name="no", exact=True)
        if no.count():
            no.check()
    page.locator("fieldset", has_text="Does it change the service network").get_by_role(
        "radio", name="yes", exact=True
    ).check()
    page.get_by_role("radio", name="full assessment").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    assert serious_violations(page) == []

    # Scoping: groups and dimensions in scope.
    page.goto(live_server.url + "/assessments/1/sections/scoping")
    for name in (
        "older people",
        "persons with disabilities",
        "Swedish speakers",
        "rural and remote residents",
    ):
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_role("checkbox", name="access to services", exact=True).check()
    page.get_by_role("checkbox", name="linguistic rights", exact=True).check()
    page.locator("input[name=time_horizons]").first.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    assert serious_violations(page) == []

    # The matrix and one cell.
    page.goto(live_server.url + "/assessments/1/sections/impacts")
    assert serious_violations(page) == []
    page.get_by_role("link", name="older people / access to services: not assessed").first.click()
    assert serious_violations(page) == []
    page.get_by_role("radio", name="▼ negative").check()
    page.get_by_role("button", name="Save the effect").click()
    expect(page.get_by_role("alert")).to_contain_text("needs its magnitude")  # server says what
    page.get_by_role("radio", name="+++ large").check()
    page.get_by_label("Rationale: who is affected, how and why").fill(
        "The nearest health station closes; trips grow from 5 to 35 km."
    )
    page.get_by_label("Mitigation: what reduces a negative effect").fill(
        "A service bus twice a week."
    )
    page.get_by_role("button", name="Save the effect").click()
    expect(page.locator("table.matrix").first).to_contain_text("▼ negative, large")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(DOCS / "impact-matrix.png"), full_page=True)

    page.goto(live_server.url + "/assessments/1/check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert serious_violations(page) == []
