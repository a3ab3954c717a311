"""The scope page in a browser (issue 18, [scope]): the reason beside an implied group left
out, and the warning before a narrowed scope removes a recorded effect; axe on each page."""

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def test_scope_asks_why_an_implied_group_is_left_out_and_warns_before_removing(page, live_server):
    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + "/decisions/1")
    # One step from the decision to the first question (issue 20).
    page.get_by_role("button", name="Start: answer the screening questions").click()
    for fieldset in page.locator("fieldset").all():
        no = fieldset.get_by_role("radio", name="no", exact=True)
        if no.count():
            no.check()
    for question in ("Does it change the service network", "older people or persons with"):
        page.locator("fieldset", has_text=question).get_by_role(
            "radio", name="yes", exact=True
        ).check()
    page.get_by_role("radio", name="full assessment").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")

    # The screening implies older people and persons with disabilities; one is left out.
    page.goto(live_server.url + "/assessments/1/sections/scoping")
    for name in ("older people", "rural and remote residents"):
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_role("checkbox", name="access to services", exact=True).check()
    page.locator("input[name=time_horizons]").first.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    reason = page.get_by_label("Why is persons with disabilities left out of the scope?")
    expect(reason).to_be_visible()
    expect(
        page.get_by_text("The screening says the decision may affect persons with")
    ).to_be_visible()
    assert serious_violations(page) == []
    reason.fill("The change concerns home care for clients over 75 only.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    expect(
        page.get_by_text("The screening says the decision may affect persons with")
    ).to_have_count(0)

    # An effect on rural residents, then the scope narrowed: the page warns first.
    page.goto(
        live_server.url + "/assessments/1/impacts/proposal/rural_residents/access_to_services"
    )
    page.get_by_role("radio", name="▼ negative").check()
    page.get_by_role("radio", name="+++ large").check()
    page.get_by_label("Rationale: who is affected, how and why").fill("Trips grow to 35 km.")
    page.get_by_role("button", name="Save the effect").click()
    page.goto(live_server.url + "/assessments/1/sections/scoping")
    page.get_by_role("checkbox", name="rural and remote residents", exact=True).uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove the effects outside the new scope?"
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "rural and remote residents / access to services"
    )
    assert serious_violations(page) == []
    page.get_by_role("button", name="Remove the effects and save the scope").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    page.goto(live_server.url + "/assessments/1/sections/impacts")
    expect(page.locator("table.matrix").first).not_to_contain_text("rural and remote residents")
