"""Lists that scale (issue 20), in the browser: each list's filters used by keyboard, the
address carrying them, the count and page count said in words, a reload keeping them, a
bad filter in the address named on the page; axe on every page and error state."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assess.extensions import db
from assess.models import AgendaItem, Body, Decision, Meeting
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.list_data import add_rows
from tests.support import user

PREFIX = "LISTA"
N = 60


@pytest.fixture
def server(live_server):
    with live_server.app.app_context():
        org_id = user("preparer").organisation_id
        bodies = list(db.session.scalars(select(Body.id).where(Body.organisation_id == org_id)))
        rows = add_rows(
            org_id,
            N,
            prefix=PREFIX,
            bodies=bodies,
            preparers=[user("preparer").id],
            reviewers=[user("reviewer").id],
        )
        first = db.session.scalar(
            select(Decision.id).where(Decision.case_number == f"{PREFIX}/5/2026")
        )
        starts = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
        meetings = [
            Meeting(
                organisation_id=org_id,
                body_id=bodies[k % len(bodies)],
                number=k + 1,
                year=2026,
                starts_at=starts + timedelta(days=30 * k),
                place="Sali",
                state=("planned", "published", "held")[k],
            )
            for k in range(3)
        ]
        db.session.add_all(meetings)
        db.session.flush()
        db.session.add(AgendaItem(meeting_id=meetings[0].id, decision_id=first, position=1))
        db.session.commit()
    live_server.rows = rows
    return live_server


def in_english(page):
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_decisions_filters_by_keyboard_in_the_address_and_kept_on_reload(page, server):
    log_in(page, server, "reviewer")
    in_english(page)
    page.goto(server.url + "/decisions")
    assert serious_violations(page) == []

    search = page.get_by_label("Search by case number or title")
    search.fill(PREFIX)
    search.press("Enter")  # the form is sent by keyboard
    expect(page).to_have_url(re.compile(rf"/decisions\?q={PREFIX}"))
    status = page.get_by_role("status")
    expect(status).to_have_text(f"{N} decisions found. Showing 1–25, page 1 of 3.")
    nav = page.get_by_role("navigation", name="Pages of the list")
    expect(nav.get_by_role("link", name="Page 1, the current page")).to_have_attribute(
        "aria-current", "page"
    )
    assert serious_violations(page) == []

    # The next page by keyboard keeps the search.
    next_page = nav.get_by_role("link", name="Next page")
    next_page.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"page=2.*q={PREFIX}|q={PREFIX}.*page=2"))
    expect(page.get_by_role("status")).to_contain_text("Showing 26–50, page 2 of 3.")

    # More filters: a state and a date range, sent with Enter from the date field.
    page.get_by_label("State of the assessment").select_option(label="In review")
    page.get_by_label("From").fill("2025-01-01")
    date_to = page.get_by_label("To", exact=True)
    date_to.fill("2025-01-02")
    with page.expect_navigation():
        date_to.press("Enter")
    expected = [
        r
        for r in server.rows
        if r.state == "in_review" and r.updated_at.date().isoformat() <= "2025-01-02"
    ]
    assert expected
    expect(page).to_have_url(re.compile(r"state=in_review"))
    assert "date_from=2025-01-01" in page.url and "date_to=2025-01-02" in page.url
    assert "page=" not in page.url  # a new filter starts from page 1
    found = f"{len(expected)} decision{'s' if len(expected) != 1 else ''} found."
    expect(page.get_by_role("status")).to_have_text(found)
    assert serious_violations(page) == []

    # A reload (or a bookmark) shows the same list with the same filters in the form.
    page.reload()
    expect(page.get_by_role("status")).to_have_text(found)
    expect(page.get_by_label("Search by case number or title")).to_have_value(PREFIX)
    expect(page.get_by_label("State of the assessment")).to_have_value("in_review")
    expect(page.get_by_label("From")).to_have_value("2025-01-01")

    # Clear filters: back to the whole list.
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(server.url + "/decisions")
    expect(page.get_by_label("Search by case number or title")).to_have_value("")

    # A bad filter in the address: named, linked to its field, the list unfiltered on it.
    page.goto(server.url + f"/decisions?q={PREFIX}&state=bogus&date_from=31.1.2025")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("'bogus' is not one of the choices of State")
    expect(alert).to_contain_text("'31.1.2025' is not a date")
    expect(page.get_by_role("status")).to_contain_text(f"{N} decisions found.")
    expect(page.get_by_label("State of the assessment")).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []


def test_the_review_queue_filters(page, server):
    log_in(page, server, "reviewer")
    in_english(page)
    in_review = [r for r in server.rows if r.state == "in_review"]
    queue = page.get_by_role("region", name="Waiting for review")
    expect(queue.get_by_role("status")).to_contain_text(
        f"{len(in_review)} assessments wait for review."
    )
    assert serious_violations(page) == []
    search = queue.get_by_label("Search by case number or title")
    search.fill(PREFIX)
    queue.get_by_label("Level").select_option(label="Full assessment")
    with page.expect_navigation():
        search.press("Enter")
    full = [r for r in in_review if r.level == "full"]
    assert full
    assert "level=full" in page.url and f"q={PREFIX}" in page.url
    queue = page.get_by_role("region", name="Waiting for review")
    word = "assessment waits" if len(full) == 1 else "assessments wait"
    expect(queue.get_by_role("status")).to_have_text(f"{len(full)} {word} for review.")
    page.reload()
    expect(queue.get_by_label("Level")).to_have_value("full")
    expect(queue.get_by_role("status")).to_have_text(f"{len(full)} {word} for review.")
    assert serious_violations(page) == []
    page.goto(server.url + "/?level=huge")
    expect(page.get_by_role("alert")).to_contain_text("'huge' is not one of the choices of Level")
    assert serious_violations(page) == []


def test_the_meetings_list_filters(page, server):
    log_in(page, server, "secretary")
    in_english(page)
    page.goto(server.url + "/meetings")
    expect(page.get_by_role("status")).to_have_text("3 meetings found.")
    assert serious_violations(page) == []
    search = page.get_by_label("Search by a case number or title on the agenda")
    search.fill(f"{PREFIX}/5/")
    with page.expect_navigation():
        search.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 meeting found.")
    assert "q=LISTA%2F5%2F" in page.url
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("State").select_option(label="held")
    date_from = page.get_by_label("From")
    date_from.fill("2026-05-01")
    with page.expect_navigation():
        date_from.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 meeting found.")
    page.reload()
    expect(page.get_by_label("State")).to_have_value("held")
    expect(page.get_by_role("status")).to_have_text("1 meeting found.")
    assert serious_violations(page) == []
    page.goto(server.url + "/meetings?date_to=2026-13-01")
    expect(page.get_by_role("alert")).to_contain_text("'2026-13-01' is not a date")
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_lists_fit_375_px(page, server, language):
    """The filter forms and tables at a phone's width: no sideways scrolling."""
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, server, "reviewer")
    button = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}[language]
    if page.locator("html").get_attribute("lang") != language:
        page.get_by_role("button", name=button).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    for url in (
        f"/decisions?q={PREFIX}",
        f"/decisions?state=bogus&date_from=x&q={PREFIX}",
        f"/?q={PREFIX}",
        "/meetings",
    ):
        page.goto(server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (url, width)
