"""The Translations page (issue 19) by keyboard: a preparer of a bilingual organisation
copies an original as a starting point (marked as an untranslated copy), writes the Swedish
text over it (then translated), and every state of the page passes axe."""

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import prepared, user


def test_a_preparer_copies_an_original_and_translates_it_by_keyboard(page, live_server):
    with live_server.app.app_context():
        aid = prepared(user("preparer"), db.session.get(Decision, 1), "full").id
    log_in(page, live_server, "preparer")  # Paula Peltonen reads Finnish
    page.goto(f"{live_server.url}/assessments/{aid}/sections/summary")
    nav = page.get_by_role("navigation", name="Arvioinnin osiot")
    nav.get_by_role("link", name="Käännökset").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Käännökset", level=1)).to_be_visible()
    expect(page.locator("#texts-count")).to_contain_text("puuttuu")
    assert serious_violations(page) == []

    copy = page.get_by_role("button", name="Kopioi alkuteksti pohjaksi").first
    path = copy.get_attribute("value")
    field = page.locator(f'textarea[name="text:{path}"]')
    status = page.locator(f"#{field.get_attribute('id')}-status")
    expect(status).to_contain_text("Puuttuu")
    copy.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(status).to_contain_text("Kääntämätön kopio")
    original = page.locator(f"#{field.get_attribute('id')}-original").inner_text()
    expect(field).to_have_value(original)
    assert serious_violations(page) == []

    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Mottagningen i Halsua dras in")
    save = page.get_by_role("button", name="Tallenna", exact=True)
    save.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_be_visible()
    expect(status).to_contain_text("Käännetty")
    expect(field).to_have_value("Mottagningen i Halsua dras in")
    assert serious_violations(page) == []
