"""The wellbeing coordinator's journey through the policy editor (issue 17), by keyboard only
(focus, Tab, Enter, Space, arrow keys; never a click), axe on every page on the way: a
decision type, a draft with a problem named at its field, the fix, publication with a start
date after a confirmation, the version listed."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from assess.operations.context import today
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in


def accessible(page) -> None:
    assert serious_violations(page) == [], page.url


def press(locator, key: str = "Enter") -> None:
    locator.focus()
    locator.press(key)


def choose(select, label: str) -> None:
    """Pick an option of a closed select with the arrow keys, as a keyboard user does."""
    select.focus()
    select.press("Home")
    for _ in range(20):
        if select.evaluate("s => s.options[s.selectedIndex].text") == label:
            return
        select.press("ArrowDown")
    raise AssertionError(f"no option {label!r}")


def type_into(field, text: str) -> None:
    field.focus()
    field.press("Control+a")
    field.press("Delete")
    field.press_sequentially(text)


def create_decision_type(page, key: str, fi: str, sv: str, en: str) -> None:
    """On the decision types page ([orgdata]'s), by keyboard."""
    press(page.get_by_role("link", name="New decision type"))
    accessible(page)
    type_into(page.get_by_label("Key"), key)
    type_into(page.get_by_label("Name in Finnish"), fi)
    type_into(page.get_by_label("Name in Swedish"), sv)
    type_into(page.get_by_label("Name in English"), en)
    page.get_by_label("Name in English").press("Enter")  # submit by keyboard
    expect(page.get_by_role("cell", name=key, exact=True)).to_be_visible()
    accessible(page)


def test_draft_check_fix_and_publish_by_keyboard(page, live_server):
    log_in(page, live_server, "admin")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the demo admin's language
    press(page.get_by_role("link", name="Decision types"))
    accessible(page)
    create_decision_type(page, "procurement", "Hankinta", "Upphandling", "Procurement")
    create_decision_type(
        page, "filling_post", "Viran täyttäminen", "Tillsättning av tjänst", "Filling a post"
    )

    press(page.get_by_role("link", name="Assessment policy").first)
    expect(page.get_by_role("heading", name="Assessment policy", level=1)).to_be_visible()
    accessible(page)
    press(page.get_by_role("link", name="Start a new draft"))
    expect(page.get_by_role("heading", name="New draft policy")).to_be_visible()
    accessible(page)

    procurement = page.get_by_role("group", name="Procurement")
    filling = page.get_by_role("group", name="Filling a post")
    choose(procurement.get_by_label("Rule"), "The screening decides")
    type_into(procurement.get_by_label("Threshold (euros)"), "100 000 e")
    choose(filling.get_by_label("Rule"), "Exempt: no assessment")  # and no category
    press(page.get_by_role("button", name="Save and check"))

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There are 2 problems")
    expect(summary.get_by_role("link", name="Procurement: Threshold (euros)")).to_contain_text(
        "whole euros"
    )
    expect(summary.get_by_role("link", name="Filling a post: Exempt category")).to_be_visible()
    accessible(page)
    # Nothing typed was lost; the field names its problem too.
    threshold = page.get_by_role("group", name="Procurement").get_by_label("Threshold (euros)")
    expect(threshold).to_have_value("100 000 e")
    expect(threshold).to_have_attribute("aria-invalid", "true")

    # The summary's link leads to the field (focus on it); fix both.
    press(summary.get_by_role("link", name="Procurement: Threshold (euros)"))
    expect(threshold).to_be_focused()
    type_into(threshold, "100000")
    choose(
        page.get_by_role("group", name="Filling a post").get_by_label("Exempt category"),
        "filling a post",
    )
    press(page.get_by_role("button", name="Save and check"))
    expect(page.get_by_role("status").first).to_contain_text("no problems")
    expect(page.locator("#error-summary")).to_have_count(0)
    accessible(page)

    press(page.get_by_role("link", name="Publish…"))
    starts_on = page.get_by_label("In force from")
    expect(starts_on).to_have_value((today() + timedelta(days=1)).isoformat())  # tomorrow
    accessible(page)
    press(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", name="Publish version 1?")).to_be_visible()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    accessible(page)
    press(page.get_by_role("button", name="Publish version 1"))

    expect(page.get_by_role("status").first).to_contain_text("Version 1 published")
    versions = page.get_by_role("table", name="Versions of the policy")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("coming into force")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("Anders Holm")
    accessible(page)


def test_the_other_policy_pages_pass_axe(page, live_server):
    """The pages the journey does not visit: a version, the YAML page with a problem, the
    publish page refusing, the discard confirmation (in Finnish, the coordinator's language)."""
    from assess.operations import policies
    from tests.support import user

    with live_server.app.app_context():
        admin = user("admin")
        policies.save_draft(admin, {**policies.builtin_data(), "rules": []})
        policies.publish(admin, today())
        policies.save_draft(admin, {**policies.builtin_data(), "default": {"rule": "exempt"}})
    log_in(page, live_server, "admin")
    press(page.get_by_role("button", name="Suomeksi"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    for path, expected in [
        ("/admin/policy", "Versio 1"),
        ("/admin/policy/versions/1", "Linjauksen versio 1"),
        ("/admin/policy/draft/yaml", "Muokkaa linjausta YAML-muodossa"),
        ("/admin/policy/publish", "Luonnosta ei voi julkaista"),
        ("/admin/policy/draft/discard", "Hylätäänkö luonnos, versio 2?"),
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_contain_text(expected)
        accessible(page)
