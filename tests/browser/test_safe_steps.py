"""Safe steps in a browser (issue 20): the confirmation of removing an item, publishing and
recording an outcome; the outcome chosen kept after a refusal (no error page on a POST URL);
a statement upload keeping the text typed on the page; the unsaved-changes warning. axe on
every page and every error state."""

import re

import pytest
from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import meetings as meeting_ops
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import acknowledge_high, to_review, user

pytestmark = pytest.mark.usefixtures("meetings_started")


def english(page, server, role):
    log_in(page, server, role)
    page.get_by_role("button", name="In English").click()


def checked(page):
    assert serious_violations(page) == [], page.url


def test_confirmations_and_the_outcome_kept_after_a_refusal(page, live_server):
    with live_server.app.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        other = decision_ops.create_decision(
            user("preparer"),
            case_number="KPHA/700/2026",
            title="Väärä asia",
            language="fi",
            body_id=1,
            proposal="",
        )
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=30, year=2026, starts_at="2026-12-15T14:00"
        )
        meeting_ops.add_item_and_attach(user("secretary"), m, 1, expected_version=m.version)
        meeting_ops.add_item(user("secretary"), m, other.id, expected_version=m.version)
        url = f"{live_server.url}/meetings/{m.id}"
    english(page, live_server, "secretary")
    page.goto(url)
    checked(page)

    # Removing the wrong item asks first; going back changes nothing.
    page.get_by_role("button", name="Remove KPHA/700/2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove item 2 from the agenda?")
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    checked(page)
    page.get_by_role("link", name="No, go back").click()
    expect(page.locator(".agenda-item")).to_have_count(2)
    page.get_by_role("button", name="Remove KPHA/700/2026").click()
    page.get_by_role("button", name="Yes, remove the item").click()
    expect(page.get_by_role("status").first).to_contain_text("removed from the agenda")
    expect(page.locator(".agenda-item")).to_have_count(1)

    page.get_by_role("button", name="Publish the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the agenda of")
    checked(page)
    page.get_by_role("button", name="Yes, publish the agenda").click()
    expect(page.get_by_role("status").first).to_contain_text("The agenda is published.")
    checked(page)

    # A return without its note is refused: back on the meeting's page, the choice kept.
    outcome = page.get_by_label("Outcome of item 1")
    outcome.select_option("returned")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Record the outcome")).click()
    assert re.search(rf"/meetings/{m.id}#refused$", page.url), page.url
    expect(page.locator("#refused")).to_contain_text("why it returned the decision")
    expect(page.get_by_label("Outcome of item 1")).to_have_value("returned")
    checked(page)
    page.get_by_label(re.compile("Note")).fill("Hear the older people's council first.")
    page.get_by_role("button", name=re.compile("Record the outcome")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the outcome of item 1?")
    expect(page.get_by_text("returned for preparation")).to_be_visible()
    checked(page)
    page.get_by_role("button", name="Yes, record the outcome").click()
    expect(page.locator(".agenda-item")).to_contain_text(
        "returned for preparation: Hear the older people's council first."
    )
    checked(page)


def test_an_upload_keeps_the_text_typed_on_the_page(page, live_server, tmp_path):
    with live_server.app.app_context():
        p = user("preparer")
        a = ops.create_assessment(p, db.session.get(Decision, 1))
        ops.fire(p, a, "start_screening", expected_version=a.version)
        a = answer_ops.save_screening(p, a, {"level": "full"}, expected_version=a.version)
        answer_ops.save_section(
            p,
            a,
            "hearings",
            {"hearings": [{"council": "older_people_council", "statement": "Saved text."}]},
            expected_version=a.version,
        )
        url = f"{live_server.url}/assessments/{a.id}/sections/hearings"
    statement = tmp_path / "lausunto.txt"
    statement.write_text("Vanhusneuvosto puoltaa.")
    english(page, live_server, "preparer")
    page.goto(url)
    said = page.get_by_label(re.compile("What they said")).first
    said.fill("Typed before the upload, not saved.")
    page.get_by_label("Statement file").first.set_input_files(str(statement))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Upload")).first.click()
    expect(page.get_by_role("status").first).to_contain_text("The statement file was saved.")
    expect(page.get_by_role("link", name="lausunto.txt")).to_be_visible()
    expect(page.get_by_label(re.compile("What they said")).first).to_have_value(
        "Typed before the upload, not saved."
    )
    checked(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    page.goto(url)
    expect(page.get_by_label(re.compile("What they said")).first).to_have_value(
        "Typed before the upload, not saved."
    )
    expect(page.get_by_role("link", name="lausunto.txt")).to_be_visible()


def test_leaving_a_changed_form_warns_and_sending_it_does_not(page, live_server):
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    english(page, live_server, "secretary")
    page.goto(live_server.url + "/meetings")
    place = page.get_by_label("Place", exact=True)
    place.click()  # a person's own gesture: browsers ask only after one
    place.fill("Kokkola")
    page.goto(live_server.url + "/")
    assert dialogs == ["beforeunload"]

    # Unchanged: no question.
    page.goto(live_server.url + "/meetings")
    page.get_by_label("Place", exact=True).click()
    page.goto(live_server.url + "/")
    assert dialogs == ["beforeunload"]

    # Sent: no question either, also when the answer is a refusal.
    page.goto(live_server.url + "/meetings")
    page.get_by_label("Number of the meeting").click()
    page.get_by_label("Number of the meeting").fill("-3")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the meeting").click()
    expect(page.locator("#error-summary")).to_be_visible()
    checked(page)
    page.goto(live_server.url + "/")
    assert dialogs == ["beforeunload"]
