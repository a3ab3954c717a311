"""The impact matrix filled a row at a time (issue 20), steps counted against the per-cell
flow of before, by keyboard where a person would, axe on every page and error state.

The 30-cell case: the zero option and VE1, three groups, five dimensions.
A step is what a person waits for: a page load or a form submission (a save that redirects
is one submission and one page load).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_journeys import (
    checked,
    save_and_continue,
    screening,
    start,
    start_assessment,
    tick,
)

GROUPS = ["older people", "persons with disabilities", "rural and remote residents"]
DIMS = [
    "health, physical and mental",
    "wellbeing and functional capacity",
    "participation and inclusion",
    "access to services",
    "living environment and climate",
]


class Steps:
    """Page loads and form submissions of the page's main frame."""

    def __init__(self, page):
        self.loads = self.submissions = 0
        self.page = page
        page.on("request", self._seen)

    def _seen(self, request):
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            if request.method == "POST":
                self.submissions += 1
            else:
                self.loads += 1

    @property
    def total(self) -> int:
        return self.loads + self.submissions

    def reset(self) -> None:
        self.loads = self.submissions = 0


def prepare(page, server):
    """A full assessment with the 30-cell scope and two alternatives, at the matrix."""
    start(page, server)
    screening(
        page, ["Does it change the service network", "older people or persons"], "full assessment"
    )
    save_and_continue(page)
    start_assessment(page, server)
    tick(page, *GROUPS, *DIMS)
    page.locator("input[name=time_horizons]").first.check()
    save_and_continue(page)
    page.goto(server.url + "/assessments/1/sections/alternatives")
    page.locator("[name=alternatives-0-label]").fill("VE0")
    page.locator("[name=alternatives-0-description]").fill("The health station stays open.")
    tick(page, "This is the zero option (nothing changes)")
    with page.expect_navigation():  # the next row may already be on the page
        page.get_by_role("button", name="Save", exact=True).click()
    page.locator("[name=alternatives-1-label]").fill("VE1")
    page.locator("[name=alternatives-1-description]").fill("Services move to Kokkola.")
    page.locator("[name=alternatives-1-recommended]").check()
    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact assessment")
    checked(page)


def per_cell(page, section, group, dimension, zero):
    """Today's flow for one cell: its link, its page, its save (the per-cell page)."""
    page.locator(f"#{section}").get_by_role(
        "link", name=f"{group} / {dimension}: not assessed"
    ).click()
    checked(page)
    if zero:
        page.get_by_label("The situation without the decision").fill(f"{group}: 5 km away.")
    else:
        page.get_by_role("radio", name="▼ negative").check()
        page.get_by_role("radio", name="++ moderate").check()
        page.get_by_label("Rationale: who is affected, how and why").fill(f"{group}: 35 km.")
    page.get_by_role("button", name="Save the effect").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")


def label(group, dimension, field):
    return f"{group} / {dimension}: {field}"


def test_the_matrix_a_row_at_a_time_needs_3x_fewer_steps(page, live_server):
    prepare(page, live_server)
    ids = page.locator("section[id^=alt-]").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == 2
    steps = Steps(page)

    # Today's flow, driven for one cell of each alternative; the 30 cells cost the same each.
    per_cell(page, ids[0], GROUPS[0], DIMS[0], zero=True)
    zero_cell = steps.total
    steps.reset()
    per_cell(page, ids[1], GROUPS[0], DIMS[0], zero=False)
    scored_cell = steps.total
    cells = len(GROUPS) * len(DIMS)
    # The matrix page loaded once, then every cell through its own page.
    today = 1 + cells * zero_cell + cells * scored_cell

    # The new flow: a row per page, the next row after each save.
    steps.reset()
    page.goto(live_server.url + "/assessments/1/sections/impacts")
    checked(page)
    page.locator(f"#{ids[0]}").get_by_role("link", name=f"Edit the row: {GROUPS[0]}").click()
    for group in GROUPS:  # the zero option: the situation without the decision, described
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{group}: VE0")
        checked(page)
        expect(page.get_by_label(label(group, DIMS[0], "Direction of the effect"))).to_have_count(0)
        for dim in DIMS:
            box = page.get_by_label(label(group, dim, "The situation without the decision"))
            box.fill(f"{group}, {dim}: as today, the station 5 km away.")
        with page.expect_navigation():
            page.get_by_role("button", name="Save and go to the next row").click()
        expect(page.get_by_role("status").first).to_contain_text(f"Saved: {group} – VE0.")

    # VE1, older people: every dimension scored, by keyboard.
    group = GROUPS[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{group}: VE1")
    checked(page)
    expect(page.get_by_text("Without the decision:").first).to_be_visible()
    for dim in DIMS:
        direction = page.get_by_label(label(group, dim, "Direction of the effect"))
        direction.focus()
        direction.select_option("negative")
        page.get_by_label(label(group, dim, "Magnitude")).select_option("moderate")
        page.get_by_label(label(group, dim, "Rationale: who is affected, how and why")).fill(
            f"{dim}: the trip to the health station grows from 5 to 35 km."
        )
    page.get_by_label(label(group, DIMS[0], "Rationale: who is affected, how and why")).press("Tab")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go to the next row").click()

    # VE1, persons with disabilities: no significant effect on the whole row, one action.
    group = GROUPS[1]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{group}: VE1")
    checked(page)
    page.get_by_label("Why (optional)").fill("Accessible transport is provided by law.")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark the whole row: no significant effect").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved: no significant effect")

    # VE1, rural residents: copied from the zero option, then adjusted.
    group = GROUPS[2]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{group}: VE1")
    checked(page)
    page.get_by_label("Copy from alternative").select_option(label="VE0")
    with page.expect_navigation():
        page.get_by_role("button", name="Copy the row").click()
    expect(page.get_by_role("status").first).to_contain_text("Copied into")
    checked(page)
    first = page.get_by_label(label(group, DIMS[0], "The situation without the decision"))
    expect(first).to_have_count(0)
    rationale = page.get_by_label(label(group, DIMS[0], "Rationale: who is affected, how and why"))
    expect(rationale).to_have_value(re.compile("5 km away"))
    for dim in DIMS:
        page.get_by_label(label(group, dim, "Direction of the effect")).select_option("negative")
        page.get_by_label(label(group, dim, "Magnitude")).select_option("large")
        page.get_by_label(label(group, dim, "Rationale: who is affected, how and why")).fill(
            f"{dim}: 35 km to the health station, no bus on weekends."
        )
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to the matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact assessment")
    checked(page)
    new = steps.total
    for section in ids:
        rows = page.locator(f"#{section}").get_by_role("listitem")
        expect(rows).to_have_count(len(GROUPS))
        for i in range(len(GROUPS)):
            expect(rows.nth(i)).to_contain_text("done")
    print(
        f"\nThe 30-cell matrix: {new} steps a row at a time "
        f"({steps.loads} page loads, {steps.submissions} submissions) against {today} "
        f"cell by cell ({zero_cell} for a zero option's cell, {scored_cell} for a scored one, "
        f"and the matrix once): {today / new:.1f}x fewer."
    )
    assert new * 3 <= today, (new, today)

    # The comparison: a table per group, in words, fitting 375 px.
    page.get_by_role("link", name="Compare the alternatives side by side").click()
    checked(page)
    table = page.get_by_role("table", name="Effects on rural and remote residents by alternative")
    expect(table.get_by_role("columnheader", name="VE1")).to_have_count(1)
    expect(
        table.get_by_role("row", name=re.compile("^health, physical and mental"))
    ).to_contain_text("negative, large")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == [], page.url
    # A row's page fits too: the scales and the texts stack in one column.
    page.go_back()
    page.locator(f"#{ids[1]}").get_by_role("link", name=f"Edit the row: {GROUPS[0]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{GROUPS[0]}: VE1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_conflict_names_the_row_and_keeps_what_was_typed(page, live_server):
    prepare(page, live_server)
    ids = page.locator("section[id^=alt-]").evaluate_all("els => els.map(e => e.id)")
    ve1 = page.locator(f"#{ids[1]}")
    mine = ve1.get_by_role("link", name=f"Edit the row: {GROUPS[0]}").get_attribute("href")
    theirs = ve1.get_by_role("link", name=f"Edit the row: {GROUPS[1]}").get_attribute("href")
    other = page.context.new_page()  # the same person in a second tab, or a colleague
    other.goto(live_server.url + mine)
    page.goto(live_server.url + mine)
    checked(page)
    # Another row saved meanwhile is no conflict.
    elsewhere = page.context.new_page()
    elsewhere.goto(live_server.url + theirs)
    with elsewhere.expect_navigation():
        elsewhere.get_by_role("button", name="Mark the whole row: no significant effect").click()
    field = label(GROUPS[0], DIMS[0], "Rationale: who is affected, how and why")
    other.get_by_label(label(GROUPS[0], DIMS[0], "Direction of the effect")).select_option(
        "neutral"
    )
    with other.expect_navigation():
        other.get_by_role("button", name="Save the row").click()
    expect(other.get_by_role("status").first).to_contain_text("Saved:")
    page.get_by_label(label(GROUPS[0], DIMS[0], "Direction of the effect")).select_option(
        "negative"
    )
    page.get_by_label(field).fill("Typed before the conflict.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the row").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"The row {GROUPS[0]} – VE1 was changed by Paula Peltonen")
    expect(page.get_by_label(field)).to_have_value("Typed before the conflict.")
    expect(
        page.get_by_role("table", name=re.compile("The row as it is saved now"))
    ).to_contain_text("neutral (no significant effect)")
    assert serious_violations(page) == [], "the conflict"
    with page.expect_navigation():
        page.get_by_role("button", name="Save the row").click()
    expect(page.get_by_role("status").first).to_contain_text("still incomplete")
    checked(page)
