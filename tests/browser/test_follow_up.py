"""The follow-up and ex-post of a decided assessment, with the councils' summary (issue 18):
close refused saying what is missing, the follow-up recorded by keyboard, the summary
made in Swedish and stored with its checksum, then closed; axe on every page."""

import re

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from assess.operations import assessments as ops
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import acknowledge_high, to_review, user


def decided(app) -> int:
    with app.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        for who, trigger in (("reviewer", "approve"), ("secretary", "record_decision")):
            ops.fire(user(who), a, trigger, expected_version=a.version)
        return a.id


def test_follow_up_ex_post_and_the_councils_summary(page, live_server):
    aid = decided(live_server.app)
    log_in(page, live_server, "reviewer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + "/decisions/1")
    page.get_by_role("button", name="Start follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("Follow-up")

    # Closing is not possible yet, and the page says what is missing.
    blocked = page.locator(".blocked-steps")
    expect(blocked).to_contain_text("Close the follow-up")
    expect(blocked).to_contain_text("Halsualaisten käynnit Kokkolan terveyskeskuksessa")
    expect(blocked).to_contain_text("older people's council")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Record the follow-up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up of the assessment")
    expect(page.get_by_text("Before the follow-up can close")).to_be_visible()
    assert serious_violations(page) == []

    # A date in the future is refused, what was typed stays.
    page.get_by_label("Date observed (new)").fill("2999-01-01")
    page.get_by_label("Value observed").fill("412 trips")
    page.get_by_label("Note").fill("Counted by the bus operator.")
    older = page.get_by_role("group", name="older people: access to services")
    older.get_by_label("worse than expected").check()
    older.get_by_label("Lesson").fill("The bus ran too seldom for the morning appointments.")
    page.get_by_role("button", name="Save the follow-up").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be dated after today")
    expect(page.get_by_label("Value observed").first).to_have_value("412 trips")
    assert serious_violations(page) == []

    page.get_by_label("Date observed", exact=True).fill("2026-10-15")
    rural = page.get_by_role("group", name="rural and remote residents: access to services")
    # By keyboard: focus the first outcome, arrow to the second (better than expected).
    rural.get_by_label("as expected", exact=True).focus()
    page.keyboard.press("Space")
    rural.get_by_label("Lesson").fill("Trips grew as the plan foresaw.")
    page.get_by_role("button", name="Save the follow-up").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("The follow-up has been saved.")
    expect(page.get_by_text("Before the follow-up can close")).to_be_visible()
    assert serious_violations(page) == []

    # The council's summary, in Swedish.
    page.get_by_label("Language of the summary").select_option("sv")
    page.get_by_role("button", name="Make the summary for older people's council").click()
    expect(page.get_by_text("has been made and stored")).to_be_visible()
    expect(page.get_by_text("made, up to date")).to_be_visible()
    expect(page.get_by_text("The follow-up is complete: it can be closed.")).to_be_visible()
    summary = page.get_by_role("link", name=re.compile(rf"^SEU-{aid}-\d+-SV$"))
    expect(summary).to_be_visible()
    expect(page.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    assert serious_violations(page) == []
    with page.expect_download() as download:
        summary.click()
    assert download.value.suggested_filename.startswith(f"SEU-{aid}-")

    page.get_by_role("link", name="KPHA/412/2026").first.click()
    page.get_by_role("button", name="Close the follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("Closed")
    assert serious_violations(page) == []
