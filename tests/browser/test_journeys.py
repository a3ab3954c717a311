"""Whole journeys through the guided form, by keyboard where a person would, axe everywhere.

The realistic case: closing a small health station in a bilingual county; the zero option
and one alternative; older people, persons with disabilities, Swedish speakers and rural
residents in scope.
"""

import re

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in

GROUPS = [
    "older people",
    "persons with disabilities",
    "Swedish speakers",
    "rural and remote residents",
]


def checked(page):
    """axe on the page, and no refused input on it."""
    expect(page.locator("#error-summary")).to_have_count(0)
    assert serious_violations(page) == [], page.url


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)


def start(page, server):
    log_in(page, server, "preparer")
    page.get_by_role("button", name="In English").click()
    page.goto(server.url + "/decisions/1")
    # One step from the decision to the first question (issue 20).
    page.get_by_role("button", name="Start: answer the screening questions").click()
    checked(page)


def screening(page, yes, level, **extra):
    for question in page.locator("fieldset").all():
        if question.get_by_role("radio", name="no", exact=True).count():
            question.get_by_role("radio", name="no", exact=True).check()
    for text in yes:
        page.locator("fieldset", has_text=text).get_by_role("radio", name="yes", exact=True).press(
            "Space"
        )  # keyboard: space selects the focused radio button
    page.get_by_role("radio", name=level).check()
    for name, value in extra.items():
        page.locator(f"[name={name}]").select_option(value)


def start_assessment(page, server):
    """After the screening: the process step on the decision page, then back to the form."""
    page.goto(server.url + "/decisions/1")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("status").first).to_contain_text("'In assessment'")
    checked(page)
    page.goto(server.url + "/assessments/1/sections/scoping")


def tick(page, *labels):
    for label in labels:
        box = page.get_by_role("checkbox", name=label, exact=True)
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()


def describe_baseline(page, group, dimension, alternative_section):
    """A cell of the zero option: the situation without the decision, not scored."""
    page.locator(f"#{alternative_section}").get_by_role(
        "link", name=f"{group} / {dimension}: not assessed"
    ).click()
    checked(page)
    expect(page.get_by_role("radio", name="▼ negative")).to_have_count(0)
    page.get_by_label("The situation without the decision").fill(
        f"{group}: the health station is 5 km away; 310 visits of over-75s a month."
    )
    page.get_by_label("Evidence (sources)").fill("Visit statistics 2025.")
    page.get_by_role("button", name="Save the effect").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")


def plan_links(page, helped=None):
    """The wellbeing plan's page: every objective weighed (the first one helped, if asked)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing plan")
    objectives = page.locator("fieldset", has=page.get_by_role("radio", name="Not assessed"))
    if not objectives.count():  # the organisation has entered no plan: nothing to weigh
        checked(page)
        page.get_by_role("link", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up")
        return
    for i in range(objectives.count()):
        choice = "Helps the objective" if helped and i == 0 else "Neutral: does not bear on it"
        objectives.nth(i).get_by_role("radio", name=choice).check()
    if helped:
        page.get_by_label("Why, in a sentence or two").first.fill(helped)
    save_and_continue(page)


def fill_cell(page, group, dimension, alternative_section=None):
    scope = page.locator(f"#{alternative_section}") if alternative_section else page
    scope.get_by_role("link", name=f"{group} / {dimension}: not assessed").click()
    checked(page)
    page.get_by_role("radio", name="▼ negative").check()
    page.get_by_role("radio", name="++ moderate").check()
    page.get_by_role("radio", name="likely", exact=True).check()
    page.get_by_label("Rationale: who is affected, how and why").fill(
        f"{group}: the trip to the nearest health station grows from 5 to 35 km."
    )
    page.get_by_label("Evidence (sources)").fill("Visit statistics 2025; council statement.")
    page.get_by_label("Mitigation: what reduces a negative effect").fill(
        "A service bus twice a week and a mobile clinic once a month."
    )
    page.get_by_role("button", name="Save the effect").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")


def common_sections(page, groups, dims):
    # Scoping
    tick(page, *groups, *dims)
    page.locator("input[name=time_horizons]").first.check()
    save_and_continue(page)
    # Evidence
    page.locator("[name=sources-0-title]").fill("Visit statistics of the health station 2025")
    page.locator("[name=sources-0-kind]").select_option("statistics")
    save_and_continue(page)
    # Hearings
    page.locator("[name=hearings-0-council]").select_option("older_people_council")
    page.locator("[name=hearings-0-requested_on]").fill("2026-09-01")
    page.locator("[name=hearings-0-answered_on]").fill("2026-09-20")
    page.locator("[name=hearings-0-statement]").fill("Transport to the centre must be arranged.")
    page.locator("[name=hearings-0-taken_into_account]").fill("A service bus is part of VE1.")
    save_and_continue(page)


def finish(page, comparison=True):
    if comparison:
        page.locator("[name=comparison]").fill("VE1 saves 400,000 € a year; VE0 keeps access.")
        page.locator("[name=recommendation_reason]").fill("No doctors can be recruited to VE0.")
        save_and_continue(page)
    else:  # the light level has no alternatives to compare (issue 18, hole 7)
        page.get_by_label("How are the negative effects mitigated?").fill(
            "A service bus twice a week, from the first day."
        )
        save_and_continue(page)
    plan_links(page)
    page.locator("[name=indicators-0-name]").fill("Visits of over-75s per month")
    page.locator("[name=indicators-0-baseline]").fill("310")
    page.locator("[name=indicators-0-review_date]").fill("2027-12-31")
    page.locator("[name=indicators-0-owner]").fill("Paula Peltonen")
    save_and_continue(page)
    page.locator("[name=fi]").fill(
        "Vastaanoton lakkauttaminen pidentää ikääntyneiden matkoja; "
        "palvelubussi lieventää vaikutusta."
    )
    page.locator("[name=sv]").fill(
        "Nedläggningen förlänger äldres resor; en servicebuss lindrar konsekvensen."
    )
    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    missing = page.locator("main dd ul, main ul").all_inner_texts()
    assert page.get_by_role("main").get_by_text("Not possible yet").count() == 0, missing
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("The assessment is now 'In review'")
    checked(page)


def test_full_assessment_to_review(page, live_server):
    start(page, live_server)
    screening(
        page,
        [
            "Does it change the service network",
            "older people or persons",
            "services in Swedish or Finnish",
        ],
        "full assessment",
    )
    save_and_continue(page)
    start_assessment(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Scoping")
    common_sections(page, GROUPS, ["access to services", "linguistic rights"])
    # Alternatives: the zero option first, then one more with the blank "add another" row.
    page.locator("[name=alternatives-0-label]").fill("VE0")
    page.locator("[name=alternatives-0-description]").fill("The health station stays open.")
    tick(page, "This is the zero option (nothing changes)")
    with page.expect_navigation():  # the next row may already be on the page
        page.get_by_role("button", name="Save", exact=True).click()
    page.locator("[name=alternatives-1-label]").fill("VE1")
    page.locator("[name=alternatives-1-description]").fill("Services move to Kokkola.")
    page.locator("[name=alternatives-1-recommended]").check()
    save_and_continue(page)
    # The matrix: every group in each alternative.
    ids = page.locator("section[id^=alt-]").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == 2
    for group in GROUPS:  # the zero option is the baseline, described (issue 18)
        describe_baseline(page, group, "access to services", ids[0])
        fill_cell(page, group, "access to services", ids[1])
    checked(page)
    page.get_by_role("link", name="Continue").click()
    finish(page)


def test_light_assessment_to_review(page, live_server):
    start(page, live_server)
    screening(page, ["Does it affect many residents"], "light assessment")
    save_and_continue(page)
    start_assessment(page, live_server)
    common_sections(page, ["older people"], ["access to services"])
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Impact"))
    fill_cell(page, "older people", "access to services")
    page.get_by_role("link", name="Continue").click()
    finish(page, comparison=False)


def test_screened_out_with_an_exempt_category(page, live_server):
    start(page, live_server)
    screening(page, [], "no assessment", exempt_category="information_only")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    page.goto(live_server.url + "/decisions/1")
    page.get_by_role("button", name="Propose that no assessment is needed").click()
    expect(page.get_by_role("status").first).to_contain_text("No assessment proposed")
    checked(page)
