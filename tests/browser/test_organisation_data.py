"""An admin creates a decision type with the keyboard, sees the problem named, fixes it; the
pages pass axe, and a preparer then chooses the type on the decision form (issue 17)."""

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def test_an_admin_creates_a_decision_type_and_a_preparer_chooses_it(page, live_server):
    log_in(page, live_server, "admin")  # Anders Holm reads English
    page.goto(live_server.url + "/admin/decision-types/new")
    page.get_by_label("Key").fill("Hankinta")
    page.get_by_label("Name in Finnish").fill("Hankinta")
    page.get_by_label("Name in English").fill("Procurement")
    page.get_by_label("Name in English").press("Enter")  # submit by keyboard

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The key 'Hankinta' is not valid")
    expect(summary).to_contain_text("Enter the name in Swedish.")
    assert serious_violations(page) == []
    summary.get_by_role("link", name="Name in Swedish").press("Enter")
    expect(page.get_by_label("Name in Swedish")).to_be_focused()

    page.get_by_label("Name in Swedish").fill("Upphandling")
    page.get_by_label("Key").fill("procurement")
    page.get_by_label("Key").press("Enter")
    expect(page.get_by_role("cell", name="procurement", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    page.context.clear_cookies()
    log_in(page, live_server, "preparer")  # Paula Peltonen reads Finnish
    page.goto(live_server.url + "/decisions/new")
    select = page.get_by_label("Päätöstyyppi")
    select.select_option("procurement")
    expect(select).to_have_value("procurement")
    assert serious_violations(page) == []
