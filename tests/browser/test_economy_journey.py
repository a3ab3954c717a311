"""Issue 18, [economy]: a full assessment with the alternatives' costs, the zero option as the
baseline, the wellbeing plan's links and an indicator picked from the plan; a statement
received on the meeting day and an alternative without a cost estimate are each flagged and
then fixed. axe on every page."""

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from assess.operations import meetings as meeting_ops
from assess.operations.demo_plan import load_demo_plan
from tests.browser.test_journeys import (
    checked,
    common_sections,
    describe_baseline,
    fill_cell,
    plan_links,
    save_and_continue,
    screening,
    start,
    start_assessment,
    tick,
)
from tests.support import user

GROUPS = ["older people", "persons with disabilities", "Swedish speakers"]


def cost_line(page, alt, line, kind, timing, category, borne_by, amount, note):
    prefix = f"alternatives-{alt}-costs-{line}"
    group = page.get_by_role("group", name=f"Cost line {line + 1}").filter(
        has=page.locator(f"[name={prefix}-amount_eur]")
    )
    group.get_by_label("Cost or saving").select_option(kind)
    group.get_by_label("One-off or yearly").select_option(timing)
    group.get_by_label("Operating or investment").select_option(category)
    group.get_by_label("Borne by").select_option(borne_by)
    group.get_by_label("Amount (euros)").fill(amount)
    group.get_by_label("What it is").fill(note)


def test_full_assessment_with_costs_baseline_plan_and_a_flag_fixed(page, live_server):
    with live_server.app.app_context():
        assert load_demo_plan()["plan objectives"] > 0  # the seeds' wellbeing plan
        # The decision is on the agenda of the meeting of 10 December 2026.
        decision = db.session.get(Decision, 1)
        m = meeting_ops.create_meeting(
            user("secretary"),
            body_id=decision.body_id,
            number=12,
            year=2026,
            starts_at="2026-12-10T14:00",
            place="Kokkola",
        )
        meeting_ops.add_item(user("secretary"), m, decision.id, expected_version=m.version)
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
    common_sections(page, GROUPS, ["access to services"])
    # A statement received on the day of the meeting is late: flagged on the hearings page.
    page.goto(live_server.url + "/assessments/1/sections/hearings")
    page.locator("[name=hearings-0-answered_on]").fill("2026-12-10")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("on or after the day of the meeting")
    # The statement was in fact received on 20 November: the flag goes.
    page.locator("[name=hearings-0-answered_on]").fill("2026-11-20")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    expect(main).not_to_contain_text("on or after the day of the meeting")
    save_and_continue(page)

    # Alternatives: the zero option with what it costs anyway, then VE1 without costs.
    expect(page.get_by_role("heading", level=1)).to_have_text("Alternatives")
    page.locator("[name=alternatives-0-label]").fill("VE0")
    page.locator("[name=alternatives-0-description]").fill("The health station stays open.")
    tick(page, "This is the zero option (nothing changes)")
    cost_line(
        page, 0, 0, "cost", "one_off", "investment", "organisation", "280000", "Ventilation repairs"
    )
    page.locator("[name=alternatives-0-horizon_years]").fill("5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    page.locator("[name=alternatives-1-label]").fill("VE1")
    page.locator("[name=alternatives-1-description]").fill("Services move to Kokkola.")
    page.locator("[name=alternatives-1-recommended]").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    # VE1 has no cost estimate: flagged on the page, with what would resolve it.
    expect(main).to_contain_text("VE1 has no cost estimate")
    cost_line(
        page, 1, 0, "saving", "yearly", "operating", "organisation", "410000", "Two posts fewer"
    )
    page.locator("[name=alternatives-1-horizon_years]").fill("5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    expect(main).not_to_contain_text("VE1 has no cost estimate")
    # Another line by filling the blank one that each save offers.
    cost_line(page, 1, 1, "cost", "yearly", "operating", "residents", "35000", "Longer trips")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    # The lines are kept, with a blank one to add another.
    expect(page.locator("[name=alternatives-1-costs-1-amount_eur]")).to_have_value("35000")
    expect(page.locator("[name=alternatives-1-costs-2-amount_eur]")).to_have_value("")
    save_and_continue(page)

    # The matrix: VE0 describes the situation without the decision; VE1 is compared with it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact assessment")
    expect(page.get_by_role("main")).to_contain_text("Each effect is compared with VE0")
    ids = page.locator("section[id^=alt-]").evaluate_all("els => els.map(e => e.id)")
    for group in GROUPS:
        describe_baseline(page, group, "access to services", ids[0])
    page.locator(f"#{ids[1]}").get_by_role(
        "link", name="older people / access to services: not assessed"
    ).click()
    expect(page.locator("#baseline-cell")).to_contain_text("the health station is 5 km away")
    page.go_back()
    for group in GROUPS:
        fill_cell(page, group, "access to services", ids[1])
    expect(
        page.get_by_role("link", name="older people / access to services: described")
    ).to_have_count(1)
    checked(page)
    page.get_by_role("link", name="Continue").click()

    # Mitigation and comparison, then the wellbeing plan's objectives.
    page.locator("[name=comparison]").fill(
        "Over five years VE1 saves 2 050 000 € and costs residents 175 000 €; VE0 keeps "
        "access but needs 280 000 € of repairs."
    )
    page.locator("[name=recommendation_reason]").fill(
        "No doctors can be recruited to VE0; the service bus carries the trips."
    )
    save_and_continue(page)
    plan_links(page, helped="A mobile clinic brings services to the villages.")

    # Follow-up: an indicator picked from the plan.
    options = page.locator("[name=indicators-0-plan_indicator] option")
    picked = options.nth(1).get_attribute("value")
    assert picked, "the demo organisation's plan offers its indicators"
    page.locator("[name=indicators-0-plan_indicator]").select_option(picked)
    page.locator("[name=indicators-0-name]").fill("Visits of over-75s per month")
    page.locator("[name=indicators-0-baseline]").fill("310")
    page.locator("[name=indicators-0-review_date]").fill("2027-12-31")
    page.locator("[name=indicators-0-owner]").fill("Paula Peltonen")
    # Linked to the negative effects of VE1 it follows.
    followed = [f"{g[:1].upper()}{g[1:]}: access to services (negative)" for g in GROUPS]
    tick(page, *followed)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    checked(page)
    for label in followed:  # kept after the save
        expect(page.get_by_role("checkbox", name=label, exact=True).first).to_be_checked()
    save_and_continue(page)
    page.locator("[name=fi]").fill("Vastaanotto siirtyy Kokkolaan; palvelubussi lieventää.")
    page.locator("[name=sv]").fill("Mottagningen flyttar till Karleby; en servicebuss lindrar.")
    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert page.get_by_role("main").get_by_text("Not possible yet").count() == 0
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("The assessment is now 'In review'")
    checked(page)
