"""The regional view (issue 22): an organisation's consent, audited; the coordinators see
the yearly core figures of the organisations that agreed, side by side, and no case content.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Body, Decision, Organisation, User
from assess.operations import Forbidden, regional
from assess.operations import organisations as org_ops
from assess.operations.users import create_user, issue_token
from tests.support import DEMO_PASSWORDS, login, post, use_language, user

YEAR = 2026
COORDINATOR = DEMO_PASSWORDS["coordinator"][0]


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_sharing_is_audited_with_the_old_and_new_value(ctx):
    org = db.session.get(Organisation, 1)
    assert org.shares_regional_figures is False
    org_ops.set_regional_sharing(user("admin"), org, True)
    assert db.session.get(Organisation, 1).shares_regional_figures is True
    [event] = _events("organisation.sharing_changed")
    assert (event.object_type, event.object_id) == ("organisation", 1)
    assert event.actor_id == user("admin").id
    assert event.changes == [{"field": "shares_regional_figures", "old": False, "new": True}]
    # The same choice again records nothing.
    org_ops.set_regional_sharing(user("admin"), org, True)
    assert len(_events("organisation.sharing_changed")) == 1
    org_ops.set_regional_sharing(user("admin"), org, False)
    assert [e.changes for e in _events("organisation.sharing_changed")][-1] == [
        {"field": "shares_regional_figures", "old": True, "new": False}
    ]


@pytest.mark.parametrize("role", ["preparer", "reviewer", "secretary", "auditor", "coordinator"])
def test_only_the_organisations_admin_chooses(ctx, role):
    org = db.session.get(Organisation, 1)
    with pytest.raises(Forbidden):
        org_ops.set_regional_sharing(user(role), org, True)
    other = Organisation(name_fi="Naapuri", name_sv="Grannen")
    db.session.add(other)
    db.session.commit()
    with pytest.raises(Forbidden):  # another organisation's admin
        org_ops.set_regional_sharing(user("admin"), other, True)
    assert not db.session.get(Organisation, 1).shares_regional_figures
    assert not other.shares_regional_figures
    assert _events("organisation.sharing_changed") == []


def test_the_settings_page_offers_the_choice(demo, client):
    assert login(client, "admin").status_code == 302
    use_language(client, "en")
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert "Share our yearly figures with the region" in page
    assert (
        'name="shares_regional_figures"' in page
        and " checked" not in page.split('id="h-sharing"')[1]
    )
    response = post(client, "/admin/organisation/sharing", {"shares_regional_figures": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The yearly figures are now shared with the region." in page
    assert " checked" in page.split('id="h-sharing"')[1]
    with demo.app_context():
        assert db.session.get(Organisation, 1).shares_regional_figures is True
    # Unticked and saved: no longer shared, audited again.
    assert post(client, "/admin/organisation/sharing", {}).status_code == 302
    with demo.app_context():
        assert db.session.get(Organisation, 1).shares_regional_figures is False
        assert len(_events("organisation.sharing_changed")) == 2


@pytest.mark.parametrize("role", ["preparer", "reviewer", "secretary", "auditor", "coordinator"])
def test_no_one_else_changes_the_choice(demo, client, role):
    assert login(client, role).status_code == 302
    response = post(client, "/admin/organisation/sharing", {"shares_regional_figures": "y"})
    assert response.status_code == 403
    with demo.app_context():
        assert db.session.get(Organisation, 1).shares_regional_figures is False
        assert _events("organisation.sharing_changed") == []


CASES = {
    # name_fi: (shares, decisions in YEAR, decisions the year before)
    "Ankkala": (True, 3, 1),
    "Mörkölä": (False, 5, 0),
    "Pohjala": (True, 0, 2),
}


@pytest.fixture()
def region(demo):
    """Three more organisations, two of which share, each with decisions of its own
    (case numbers and titles the pages must not show); the demo's coordinator."""
    with demo.app_context():
        secrets = []
        for name, (shares, this_year, last_year) in CASES.items():
            org = Organisation(name_fi=name, name_sv=f"{name} (sv)", shares_regional_figures=shares)
            body = Body(organisation=org, name_fi=f"{name}n hallitus", name_sv=f"{name} styrelse")
            db.session.add_all([org, body])
            db.session.commit()
            preparer = create_user(
                organisation=org,
                email=f"valmistelija@{len(secrets)}.example",
                name=f"Valmistelija {name}",
                roles=["preparer"],
                password="a long enough password 2026",
            )
            for n, year in enumerate([YEAR] * this_year + [YEAR - 1] * last_year):
                case, title = f"SECRET/{name}/{n}", f"Salainen asia {name} {n}"
                secrets += [case, title]
                db.session.add(
                    Decision(
                        organisation=org,
                        body=body,
                        preparer=preparer,
                        case_number=case,
                        title=title,
                        language="fi",
                        meeting_date=date(year, 6, 1 + n),
                    )
                )
        db.session.commit()
        secrets += [d.case_number for d in db.session.scalars(select(Decision))]
        secrets += [d.title for d in db.session.scalars(select(Decision))]
        # The people, but the coordinator looking (the menu names them).
        people = [u.name for u in db.session.scalars(select(User)) if u.email != COORDINATOR]
    return demo, secrets + people


def _no_case_content(text: str, secrets: list[str]) -> None:
    leaked = [s for s in secrets if s in text]
    assert leaked == []


def test_the_coordinator_sees_only_the_agreeing_organisations(region, client):
    app, secrets = region
    assert login(client, "coordinator").status_code == 302
    use_language(client, "en")
    response = client.get(f"/region?year={YEAR}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    table, rest = page.split('id="region-caption"', 1)[1].split("</table>", 1)
    assert "Ankkala" in table and "Pohjala" in table
    assert "Mörkölä" not in table
    assert "Mörkölä: not shared" in rest
    # The demo organisation does not share either (the default).
    assert "Keski-Pohjanmaan hyvinvointialue: not shared" in rest
    decisions_row = table.split('<th scope="row">Decisions</th>', 1)[1].split("</tr>")[0]
    assert [c.split(">")[1].split("<")[0] for c in decisions_row.split("<td")[1:]] == ["3", "0"]
    # The coverage by organisation as a chart named by its text alternative, with its
    # numbers in the table beside it (Pohjala decided nothing this year: not in the chart).
    figure = page.split('id="chart-region-coverage"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in figure and "<title" in figure
    alt = "Bar chart of the coverage by organisation in 2026: Ankkala 0 % of 3 decisions."
    assert alt.replace("2026", str(YEAR)) in figure
    beside = page.split('id="region-coverage-caption"', 1)[1].split("</table>", 1)[0]
    assert "Ankkala" in beside and "Pohjala" in beside and "Mörkölä" not in beside
    assert page.index('id="chart-region-coverage"') < page.index('id="region-caption"')
    _no_case_content(page, secrets)


def test_the_api_answers_the_same(region):
    app, secrets = region
    with app.app_context():
        token = issue_token(user("coordinator"))
    response = app.test_client().get(
        f"/api/v1/reports/regional?year={YEAR}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["year"] == YEAR
    by_name = {o["name"]["fi"]: o for o in body["organisations"]}
    assert by_name["Ankkala"]["shares"] is True
    assert by_name["Ankkala"]["figures"]["decisions"] == 3
    assert by_name["Pohjala"]["figures"]["decisions"] == 0
    assert by_name["Mörkölä"] == {
        "id": by_name["Mörkölä"]["id"],
        "name": {"fi": "Mörkölä", "sv": "Mörkölä (sv)"},
        "shares": False,
        "figures": None,
    }
    assert set(by_name["Ankkala"]["figures"]) == {
        "decisions",
        "assessed",
        "screened_out",
        "missing_required",
        "coverage",
        "days_to_approval",
        "flags_appeared",
        "groups_negative",
    }
    _no_case_content(response.get_data(as_text=True), secrets)
    last_year = app.test_client().get(
        f"/api/v1/reports/regional?year={YEAR - 1}", headers={"Authorization": f"Bearer {token}"}
    )
    by_name = {o["name"]["fi"]: o for o in last_year.get_json()["organisations"]}
    assert by_name["Pohjala"]["figures"]["decisions"] == 2


@pytest.mark.parametrize("role", ["preparer", "reviewer", "secretary", "auditor", "admin"])
def test_other_roles_are_refused(region, role):
    app, secrets = region
    browser = app.test_client()
    assert login(browser, role).status_code == 302
    page = browser.get(f"/region?year={YEAR}")
    assert page.status_code == 403
    _no_case_content(page.get_data(as_text=True).split("<main")[-1], secrets[:10])
    with app.app_context():
        token = issue_token(user(role))
    response = app.test_client().get(
        f"/api/v1/reports/regional?year={YEAR}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("year", ["1999", "abc", "20266", ""])
def test_a_bad_year_is_named(region, year):
    app, _ = region
    browser = app.test_client()
    assert login(browser, "coordinator").status_code == 302
    use_language(browser, "en")
    page = browser.get(f"/region?year={year}")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "is not a year of the reports: write a year from 2000 to" in text
    with app.app_context():
        token = issue_token(user("coordinator"))
    response = app.test_client().get(
        f"/api/v1/reports/regional?year={year}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    [detail] = response.get_json()["error"]["details"]
    assert detail["path"] == "year"


@pytest.mark.parametrize(
    "language, heading, not_shared",
    [("fi", "Alueen luvut", "ei jaettu"), ("sv", "Regionens siffror", "inte delade")],
)
def test_the_page_speaks_finnish_and_swedish(region, language, heading, not_shared):
    app, _ = region
    browser = app.test_client()
    assert login(browser, "coordinator").status_code == 302
    use_language(browser, language)
    page = browser.get(f"/region?year={YEAR}").get_data(as_text=True)
    assert f"{heading} {YEAR}" in page
    assert f"Mörkölä{' (sv)' if language == 'sv' else ''}: {not_shared}" in page


def test_core_figures_are_totals_only():
    figures = {
        "decisions": 10,
        "assessed": {"full": 1, "light": 2},
        "screened_out": 3,
        "missing_required": 1,
        "coverage": 0.6,
        "days_to_approval": {"median": 12.5, "p90": 30.0},
        "flags": {"a": {"appeared": 2}, "b": {"appeared": 3, "resolved": 1}},
        "groups": {"children": {"negative": 2, "positive": 1}, "older_people": {"positive": 4}},
        "by_body": {"board": {"decisions": 10}},
    }
    assert regional.core(figures) == {
        "decisions": 10,
        "assessed": {"full": 1, "light": 2},
        "screened_out": 3,
        "missing_required": 1,
        "coverage": 0.6,
        "days_to_approval": {"median": 12.5, "p90": 30.0},
        "flags_appeared": 5,
        "groups_negative": {"children": 2},
    }


def test_a_coordinator_of_any_organisation_sees_the_region(region):
    """The role is the installation's: a coordinator of another organisation sees the same
    agreeing organisations."""
    app, secrets = region
    with app.app_context():
        ankkala = db.session.scalar(select(Organisation).where(Organisation.name_fi == "Ankkala"))
        create_user(
            organisation=ankkala,
            email="koordinaattori@ankkala.example",
            name="Anna Ankka",
            roles=["coordinator"],
            password="a long enough password 2026",
        )
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 4
    browser = app.test_client()
    response = login(
        browser, email="koordinaattori@ankkala.example", password="a long enough password 2026"
    )
    assert response.status_code == 302
    page = browser.get(f"/region?year={YEAR}").get_data(as_text=True)
    assert "Pohjala" in page.split('id="region-caption"')[1].split("</table>")[0]
    _no_case_content(page, [s for s in secrets if s != "Anna Ankka"])
    assert DEMO_PASSWORDS["coordinator"][0] not in page
