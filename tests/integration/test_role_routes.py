"""Every page × every role (issue 22): no one sees another organisation's case content, the
wellbeing coordinator included, whose regional view shows other organisations' totals only;
the coordinator reaches the reports of their own organisation and no administration.

Table-free on purpose: the pages come from ``app.url_map`` (every rule answering GET but the
API's, which tests/integration/test_api_access.py covers, and the static files), so a page
added later is checked without an entry here. Its arguments are filled with the demo
scenario's real objects (an unknown one gets 1, the id of the demo's first object of any
kind, or "x").
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assess.extensions import db
from assess.models import (
    AgendaItem,
    Assessment,
    Attachment,
    Decision,
    Document,
    Meeting,
    Notification,
    Organisation,
    PlanObjective,
    Revision,
    User,
)
from assess.operations.demo_scenario import load_scenario
from assess.operations.users import create_user
from tests.support import login

ROLES = ["anonymous", "preparer", "reviewer", "secretary", "auditor", "admin", "coordinator"]
PASSWORD = "a long enough password 2026"

# The coordinator's own pages: the reports of their organisation and the region's.
COORDINATOR_PAGES = ["/region", "/reports/yearly", "/reports/live", "/reports/missing"]

# A demo case number the decision form gives as its example of the format (its title and
# the other decisions are still looked for).
EXAMPLES = {"KPHA/412/2026"}


def _get_rules(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.endpoint != "static"
        and not rule.endpoint.startswith("api.")
    )


def fill(rule: str, ids: dict[str, object]) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if name in ids:
            return str(ids[name])
        return "1" if converter == "int:" else "x"

    return re.sub(r"<(\w+:)?(\w+)>", value, rule)


@pytest.fixture(scope="module")
def world(request):
    """The demo scenario in the demo organisation (which shares its figures with the region)
    and its case content; a neighbour organisation with one person of each role."""
    from assess.operations.demo import load_demo
    from assess.operations.demo_plan import load_demo_plan
    from tests.conftest import fresh_app, release_app

    app = fresh_app(request)
    with app.app_context():
        load_demo()
        assert load_scenario()
        load_demo_plan()
        demo = db.session.get(Organisation, 1)
        demo.shares_regional_figures = True
        approved = db.session.scalar(select(Assessment).where(Assessment.state == "approved"))
        in_review = db.session.scalar(select(Assessment).where(Assessment.state == "in_review"))
        cell = in_review.data["impacts"][0]
        common = {
            "alternative": cell["alternative"],
            "group": cell["group"],
            "dimension": cell["dimension"],
            "section_id": "scoping",
            "document_id": db.session.scalar(select(Document.id).limit(1)),
            "meeting_id": db.session.scalar(select(Meeting.id).limit(1)),
            "item_id": db.session.scalar(select(AgendaItem.id).limit(1)),
            "notification_id": db.session.scalar(select(Notification.id).limit(1)),
            "attachment_id": db.session.scalar(select(Attachment.id).limit(1)) or 1,
            "key": db.session.scalar(select(PlanObjective.key).limit(1)),
            "user_id": 1,
            "number": 1,
        }
        # Each page twice: with the approved assessment (documents, revisions, follow-up)
        # and with the one in review (open flags, hearings).
        id_sets = [
            {
                **common,
                "assessment_id": a.id,
                "decision_id": a.decision_id,
                "seq": db.session.scalar(
                    select(Revision.seq).where(Revision.assessment_id == a.id).limit(1)
                )
                or 1,
            }
            for a in (approved, in_review)
        ]
        decisions = db.session.scalars(select(Decision).where(Decision.organisation_id == 1))
        names = {u.name for u in db.session.scalars(select(User).where(User.organisation_id == 1))}
        cases = {s for d in decisions for s in (d.case_number, d.title) if s}
        secrets = sorted((cases | names) - EXAMPLES)
        neighbour = Organisation(name_fi="Naapurikunta", name_sv="Grannkommunen")
        db.session.add(neighbour)
        db.session.commit()
        for role in ROLES[1:]:
            create_user(
                organisation=neighbour,
                email=f"{role}@naapuri.example",
                name=f"Naapurin {role}",
                roles=[role],
                password=PASSWORD,
            )
        rules = _get_rules(app)
    yield app, id_sets, secrets, rules
    release_app(app)


def _client(app, email: str | None):
    browser = app.test_client()
    if email is not None:
        assert login(browser, email=email, password=PASSWORD).status_code == 302
    return browser


def test_the_pages_are_found(world):
    app, id_sets, secrets, rules = world
    assert len(rules) > 50 and "/region" in rules and "/decisions/<int:decision_id>" in rules
    assert len(secrets) > 10  # case numbers, titles and names of the demo organisation


@pytest.mark.parametrize("role", ROLES)
def test_another_organisations_role_sees_no_case_content_on_any_page(world, role):
    """As a person of the neighbour organisation, every page with the demo organisation's
    objects: never a server error, never a case number, title or name of a person of the
    demo organisation (the coordinator's regional view shows its totals, nothing more)."""
    app, id_sets, secrets, rules = world
    browser = _client(app, None if role == "anonymous" else f"{role}@naapuri.example")
    seen = {}
    for rule in rules:
        for ids in id_sets:
            path = fill(rule, ids)
            if path in seen:
                continue
            response = browser.get(path)
            seen[path] = response.status_code
            assert response.status_code < 500, (role, path, response.status_code)
            body = response.get_data()
            leaked = [s for s in secrets if s.encode() in body]
            assert leaked == [], (role, path, response.status_code, leaked)
    if role == "coordinator":
        assert seen["/region"] == 200  # the demo organisation shares: its totals are shown
        page = browser.get("/region").get_data(as_text=True)
        assert "Keski-Pohjanmaan hyvinvointialue" in page
    else:
        assert seen["/region"] in (302, 403)


def test_the_coordinator_reaches_their_own_reports_and_no_administration(world):
    app, id_sets, secrets, rules = world
    browser = app.test_client()
    assert login(browser, "coordinator").status_code == 302
    for path in COORDINATOR_PAGES:
        # The report pages come with the yearly report (issue 22's [report] and [import]
        # parts); each one on main is checked.
        if path in rules:
            response = browser.get(path)
            assert response.status_code == 200, (path, response.status_code)
    admin = [r for r in rules if r.startswith("/admin/") and "/document" not in r]
    assert len(admin) > 10
    for rule in admin:
        path = fill(rule, id_sets[0])
        assert browser.get(path).status_code == 403, path
    # Changing decisions and meetings is other people's work.
    for path in ("/decisions/new", f"/decisions/{id_sets[0]['decision_id']}/edit"):
        assert browser.get(path).status_code == 403, path
