"""The wellbeing plan (issue 18, [plan]): an admin enters an objective of the plan with the
keyboard, sees what is missing named and fixes it; a preparer says the decision harms it
and the flag plan_not_considered goes away; every page passes axe."""

from playwright.sync_api import expect

from assess.extensions import db
from assess.models import Decision
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from tests.browser.axe import serious_violations
from tests.browser.test_foundation import log_in
from tests.support import user


def _full_assessment(app) -> int:
    with app.app_context():
        preparer = user("preparer")
        a = ops.create_assessment(preparer, db.session.get(Decision, 1))
        ops.fire(preparer, a, "start_screening", expected_version=a.version)
        form = answer_ops.form_for(a)
        answer_ops.save_screening(
            preparer,
            a,
            {
                "answers": {q.id: "yes" for q in form.screening.questions},
                "level": "full",
                "level_reason": "",
            },
            expected_version=a.version,
        )
        return a.id


def test_an_admin_enters_the_plan_and_a_preparer_links_the_decision(page, live_server):
    log_in(page, live_server, "admin")  # Anders Holm reads English
    page.goto(live_server.url + "/admin/plan")
    assert serious_violations(page) == []
    page.get_by_role("link", name="New objective").click()
    page.get_by_label("Key").fill("mental_health_substance_use")
    page.get_by_label("Objective in Finnish").fill(
        "Mielenterveyden edistäminen ja päihdeongelmien vähentäminen"
    )
    page.get_by_label("Objective in English").fill(
        "Promoting mental health and reducing substance-use problems"
    )
    page.get_by_label("First year of the plan").fill("2026")
    page.get_by_label("Last year of the plan").fill("2029")
    page.get_by_label("Indicator id").fill("4559")
    page.get_by_label("Name in Finnish").fill("Mielenterveyden avohoitokäynnit")
    page.get_by_label("Name in Swedish").fill("Besök inom öppen psykiatrisk vård")
    page.get_by_label("Name in English").fill("Mental health outpatient visits")
    page.get_by_label("Name in English").press("Enter")  # submit by keyboard

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the objective in Swedish.")
    assert serious_violations(page) == []
    summary.get_by_role("link", name="Objective in Swedish").press("Enter")
    expect(page.get_by_label("Objective in Swedish")).to_be_focused()
    page.get_by_label("Objective in Swedish").fill(
        "Främjande av psykisk hälsa och minskning av missbruksproblem"
    )
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_role("cell", name="mental_health_substance_use", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    aid = _full_assessment(live_server.app)
    page.context.clear_cookies()
    log_in(page, live_server, "preparer")  # Paula Peltonen reads Finnish
    page.goto(f"{live_server.url}/assessments/{aid}/sections/wellbeing_plan")
    expect(
        page.get_by_text("Arvioinnissa ei kerrota, miten päätös vaikuttaa")
    ).to_be_visible()  # the flag
    assert serious_violations(page) == []
    objective = page.get_by_role(
        "group", name="Mielenterveyden edistäminen ja päihdeongelmien vähentäminen (2026–2029)"
    )
    objective.get_by_label("Heikentää tavoitetta").check()
    page.get_by_label("Miksi, lauseella tai kahdella").fill(
        "Päihdepoliklinikka siirtyy 30 km kauemmas."
    )
    page.get_by_role("button", name="Tallenna", exact=True).press("Enter")
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(objective.get_by_label("Heikentää tavoitetta")).to_be_checked()
    expect(page.get_by_text("Arvioinnissa ei kerrota, miten päätös vaikuttaa")).to_have_count(0)
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/assessments/{aid}/sections/follow_up")
    choice = page.get_by_label("Hyvinvointisuunnitelman mittari").first
    choice.select_option("mental_health_substance_use:4559")
    expect(choice).to_have_value("mental_health_substance_use:4559")
    assert serious_violations(page) == []
