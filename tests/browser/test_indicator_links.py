"""Indicators linked to the effects they follow, in a browser (issue 18, hole 5): the
checkboxes on the follow-up page, used by keyboard; axe on the page; the flag that follows."""

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Assessment, Decision
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import prepared, user

OLDER = "Older people: access to services (negative)"
RURAL = "Rural and remote residents: access to services (negative)"


def test_the_preparer_links_an_indicator_by_keyboard(page, live_server):
    with live_server.app.app_context():
        aid = prepared(user("preparer"), db.session.get(Decision, 1), "full").id
    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()
    page.goto(live_server.url + f"/assessments/{aid}/sections/follow_up")

    # One group of checkboxes per indicator, named by its legend; the demo's indicator
    # follows both effects of the recommended alternative.
    effects = page.get_by_role("group", name="Effects it follows").first
    expect(effects.get_by_role("checkbox", name=OLDER)).to_be_checked()
    rural = effects.get_by_role("checkbox", name=RURAL)
    expect(rural).to_be_checked()
    assert serious_violations(page) == []

    # By keyboard: focus the rural residents' box and untick it with the space bar.
    rural.focus()
    page.keyboard.press("Space")
    expect(rural).not_to_be_checked()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")

    with live_server.app.app_context():
        data = db.session.get(Assessment, aid).content
    assert data.indicators[0].follows == ["older_people:access_to_services"]
    # The rural residents' longer trips are now followed by no planned indicator.
    [flag] = [f for f in data.flags if f.rule == "no_follow_up" and f.status == "open"]
    assert "rural and remote residents" in flag.message["en"].lower()

    page.goto(live_server.url + f"/assessments/{aid}/sections/follow_up")
    effects = page.get_by_role("group", name="Effects it follows").first
    expect(effects.get_by_role("checkbox", name=OLDER)).to_be_checked()
    expect(effects.get_by_role("checkbox", name=RURAL)).not_to_be_checked()
    assert serious_violations(page) == []
