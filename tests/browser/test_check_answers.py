"""Check your answers in a browser (issue 20): the start counted in steps, the screening's
lower level refused with the answers kept, the next step offered after the screening, the
glossary reached from a term by keyboard, and a change that returns to check your answers;
axe on every page and every error state."""

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in

# Before issue 20, from the decisions list to the first screening question: the list, the
# decision, "Start the impact assessment", "Start screening", "Open the assessment
# questionnaire" (the steps the earlier browser tests clicked).
STEPS_BEFORE = 5


def checked(page):
    assert serious_violations(page) == [], page.url


def test_start_check_change_and_return(page, live_server):
    with live_server.app.app_context():
        title = db.session.get(Decision, 1).title
    log_in(page, live_server, "preparer")
    page.get_by_role("button", name="In English").click()

    # The start, counted: every page the main frame loads (a form's POST and its redirect
    # load one page) from the decisions list to the first question.
    loads = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    page.goto(live_server.url + "/decisions")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    checked(page)
    page.get_by_role("button", name="Start: answer the screening questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening")
    steps = len(loads)
    print(f"\nsteps from the decisions list to the first question: {STEPS_BEFORE} -> {steps}")
    assert steps == 3 and steps < STEPS_BEFORE, loads

    # No recommendation before an answer.
    expect(page.get_by_text("Answer the questions to get a recommendation.")).to_be_visible()
    checked(page)

    # A lower level than recommended, without a reason: refused, the answers kept.
    for fieldset in page.locator("fieldset").all():
        no = fieldset.get_by_role("radio", name="no", exact=True)
        if no.count():
            no.check()
    children = page.locator("fieldset", has_text="Does it affect children or young people")
    children.get_by_role("radio", name="yes", exact=True).check()
    page.get_by_role("radio", name="light assessment").check()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("You chose a lower level than the recommended one")
    expect(children.get_by_role("radio", name="yes", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="light assessment")).to_be_checked()
    checked(page)  # the error state

    # With the reason it goes on, to the step that fixes the level (not to the scope).
    page.get_by_label("Reason for the level").fill("Only one school's timetable changes.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The screening is saved: what happens next"
    )
    expect(page.get_by_text("still in screening until you take it")).to_be_visible()
    checked(page)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scoping")
    checked(page)

    # The glossary from a term, by keyboard; the section's help folds.
    expect(page.locator("details.section-help")).not_to_have_attribute("open", "")
    page.get_by_role("link", name="scope", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary of the assessment's terms")
    assert page.url.endswith("/help/glossary#term-scope")
    expect(page.locator("#term-scope")).to_be_in_viewport()
    checked(page)
    page.go_back()

    # Answer the scope, then check the answers.
    for name in ("older people", "rural and remote residents"):
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_role("checkbox", name="access to services", exact=True).check()
    page.locator("input[name=time_horizons]").first.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    page.goto(live_server.url + "/assessments/1/check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    scoping = page.locator("section#scoping")
    expect(scoping).to_contain_text("older people, rural and remote residents")
    checked(page)

    # Change one answer and come back.
    scoping.get_by_role(
        "link", name="Change Which population groups does the decision affect?"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scoping")
    expect(page.get_by_role("link", name="Back to check your answers")).to_be_visible()
    checked(page)
    page.get_by_role("checkbox", name="persons with disabilities", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert "/assessments/1/check" in page.url
    expect(page.locator("section#scoping")).to_contain_text(
        "older people, persons with disabilities, rural and remote residents"
    )
    expect(page.get_by_role("heading", name="What happens when you submit")).to_be_visible()
    checked(page)
