"""Log in, switch language, keyboard use, and axe on every page of the foundation."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.support import DEMO_PASSWORDS


def log_in(page, server, role):
    email, password = DEMO_PASSWORDS[role]
    page.goto(server.url + "/login")
    page.get_by_label(re.compile("Sähköpostiosoite|E-postadress|E-mail address")).fill(email)
    field = page.get_by_label(re.compile("^(Salasana|Lösenord|Password)"))
    field.fill(password)
    field.press("Enter")  # submit by keyboard
    expect(page).to_have_url(server.url + "/")


def test_login_switch_language_and_axe(page, live_server):
    page.goto(live_server.url + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    assert serious_violations(page) == []

    # Keyboard: the first Tab reaches the skip link, Enter moves to the content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")

    # A wrong password is explained in the chosen language, with the focus order intact.
    page.get_by_label("E-postadress").fill("preparer@demo.example")
    page.get_by_label(re.compile("^Lösenord")).fill("wrong password here")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Kontrollera")
    assert serious_violations(page) == []

    log_in(page, live_server, "preparer")
    # The preparer's own preference (Finnish) applies once logged in.
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", name="Omat päätösasiat")).to_be_visible()
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="My decisions")).to_be_visible()
    assert serious_violations(page) == []


# Each role in one language (the structure is the same in all three), the admin in all.
LANGUAGES = {
    "preparer": ["fi"],
    "reviewer": ["sv"],
    "secretary": ["en"],
    "auditor": ["fi"],
    "admin": ["fi", "sv", "en"],
}


@pytest.mark.parametrize("role", LANGUAGES)
def test_every_page_of_each_role_passes_axe(page, live_server, role):
    log_in(page, live_server, role)
    paths = [
        "/",
        "/decisions",
        "/decisions?q=KPHA",
        "/decisions/1",
        "/account",
        "/no-such-page",
        "/meetings",
    ]
    if role in ("reviewer", "auditor"):
        paths += ["/cumulative"]
    if role in ("preparer", "admin"):
        paths += ["/decisions/new", "/decisions/1/edit"]
    if role == "admin":
        paths += ["/admin/users", "/admin/users/new", "/admin/users/1", "/admin/organisation"]
        paths += ["/admin/bodies", "/admin/bodies/new", "/admin/bodies/executive_board"]
        paths += ["/admin/decision-types", "/admin/decision-types/new"]
    else:
        paths += ["/admin/users"]  # the helpful 403 page
    for language in LANGUAGES[role]:
        page.goto(live_server.url + "/")
        switch = page.locator(f"button[name=language][value={language}]")
        if switch.count():
            switch.click()
        for path in paths:
            page.goto(live_server.url + path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            assert serious_violations(page) == [], (language, path)


def test_form_errors_are_announced_and_linked(page, live_server):
    log_in(page, live_server, "preparer")
    page.goto(live_server.url + "/decisions/new")
    page.get_by_role("button", name="Tallenna").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Asianumero")
    assert serious_violations(page) == []
    # The error link takes the keyboard focus to the field.
    summary.get_by_role("link").first.click()
    expect(page.locator("#case_number")).to_be_focused()
    expect(page.locator("#case_number")).to_have_attribute("aria-invalid", "true")
