"""The yearly report in the browser (issue 22): the wellbeing coordinator opens the yearly
reports from the menu, generates this year's, edits the overview, publishes it and downloads
the document and a CSV; the charts carry text alternatives; axe at 1200 and 375 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from assess.operations.demo_scenario import load_scenario
from tests.browser.axe import axe_at_both_widths, serious_violations
from tests.support import DEMO_PASSWORDS

EMAIL, PASSWORD = DEMO_PASSWORDS["coordinator"]  # the demo's wellbeing coordinator


def test_the_coordinator_edits_publishes_and_downloads_the_yearly_report(page, live_server):
    with live_server.app.app_context():
        assert load_scenario()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(live_server.url + "/login")
    page.get_by_label(re.compile("Sähköpostiosoite")).fill(EMAIL)
    field = page.get_by_label(re.compile("^Salasana"))
    field.fill(PASSWORD)
    field.press("Enter")
    expect(page).to_have_url(live_server.url + "/")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Yearly reports"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yearly reports")
    axe_at_both_widths(page)
    year = page.get_by_label("Year").locator("option").first.get_attribute("value")
    page.get_by_label("Year").select_option(year)
    with page.expect_navigation():
        page.get_by_role("button", name="Generate the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Yearly report {year}")
    expect(page.get_by_role("heading", name="Decisions by body")).to_be_visible()

    # Every chart is an image named by its text alternative, the numbers beside it.
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        name = charts.nth(i).locator("title").text_content()
        assert name and re.search(r"\d", name)
    axe_at_both_widths(page)

    # A blank overview is refused, said where; then the coordinator's own words are kept.
    page.get_by_label("Overview in Finnish").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the overview").click()
    expect(page.get_by_role("alert")).to_contain_text("Write the overview")
    assert serious_violations(page) == []
    page.get_by_label("Overview in Finnish").fill("Vuosi, jona arviointi vakiintui.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the overview").click()
    expect(page.get_by_text("The overview was saved.")).to_be_visible()
    expect(page.get_by_label("Overview in Finnish")).to_have_value(
        "Vuosi, jona arviointi vakiintui."
    )

    with page.expect_navigation():
        page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_text("The report was published.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the overview")).to_have_count(0)
    expect(page.get_by_text("Vuosi, jona arviointi vakiintui.")).to_be_visible()
    axe_at_both_widths(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="The report in Finnish (.docx)").click()
    assert download.value.suggested_filename == f"yearly-{year}-report-fi.docx"
    with open(download.value.path(), "rb") as fh:
        assert fh.read(2) == b"PK"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Decisions by body as CSV").click()
    assert download.value.suggested_filename == f"yearly-{year}-by_body-en.csv"
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        assert fh.readline().startswith("Body,Decisions,")
