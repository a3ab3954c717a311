"""Read-only by construction (issue 21): an auditor changes nothing, through any page or any
API endpoint. Reading too: every GET rule of ``app.url_map`` (pages, downloads, the API's
GET endpoints) leaves every table as it was but for the access events it appends
(``test_every_page_and_endpoint_an_auditor_reads_changes_nothing``).

Table-driven over EVERY rule of the application that takes a method other than GET, HEAD and
OPTIONS, and every API endpoint but a GET: as the demo's auditor, on the demo scenario's
real objects, the request is refused by the one guard of its front AND the database is as it
was (every table's row count and a checksum of its content; the audit log included, except
the access events that reading appends). The rules come from ``app.url_map`` and
``assess.api.ENDPOINTS``: a rule added later without an entry here fails
``test_the_table_has_every_rule_that_changes``; its entry needs only the values of its
arguments (most come from ``ARGUMENTS``).

The person's own account is the only exception (``assess.web.read_only.OWN_ACCOUNT``): each
is listed in ``OWN`` with its reason, and is shown to change only that person's own rows.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

import assess.api
from assess.api import ENDPOINTS
from assess.extensions import db
from assess.models import (
    AgendaItem,
    Assessment,
    AuditAddress,
    AuditEvent,
    Document,
    LoginSession,
    Meeting,
    Notification,
    PlanObjective,
    User,
)
from assess.operations.demo_scenario import load_scenario
from assess.operations.organisation_data import create_decision_type
from assess.operations.users import create_user, issue_token
from assess.roles import reads_only
from assess.web.read_only import OWN_ACCOUNT
from tests.support import csrf_token, login, use_language, user

SAFE = {"GET", "HEAD", "OPTIONS"}

# The value of each rule argument, by name: the demo scenario's real objects (filled in by
# the fixture). An entry of WEB or API overrides a name where the rule means another object.
ARGUMENTS = {
    "assessment_id": "{in_review}",
    "decision_id": "{decision}",
    "flag_id": "{flag}",
    "hearing_id": "{hearing}",
    "alternative": "{alternative}",
    "group": "{group}",
    "dimension": "{dimension}",
    "section_id": "scoping",
    "section": "scoping",
    "document_id": "{document}",
    "meeting_id": "{meeting}",
    "item_id": "{item}",
    "user_id": "{preparer}",
    "session_id": "{preparer_session}",
    "token_id": "{preparer_token}",
    "notification_id": "{notification}",
    "key": "{body}",
}


class Own:
    """The person's own account: allowed, for the reason given."""

    def __init__(self, reason: str):
        self.reason = reason


# Every web rule that may change something: the arguments it needs beyond ARGUMENTS, or Own.
WEB: dict[tuple[str, str], dict[str, str] | Own] = {
    ("POST", "/login"): Own("signing in (another account on the same browser)"),
    ("POST", "/logout"): Own("signing out ends their own session"),
    ("POST", "/language"): Own("the language of their own pages"),
    ("POST", "/account"): Own("their own password"),
    ("POST", "/account/tokens"): Own("an API token to read through the API, read-only there"),
    ("POST", "/account/tokens/<int:token_id>/revoke"): Own("their own API token"),
    ("POST", "/account/sessions/<int:session_id>/end"): Own("one of their own sessions"),
    ("POST", "/account/sessions/end-others"): Own("their own other sessions"),
    ("POST", "/account/notifications"): Own("their own notification choices"),
    ("POST", "/inbox/<int:notification_id>/read"): Own("one of their own notifications read"),
    ("POST", "/inbox/read-all"): Own("their own notifications read"),
    # Administration.
    ("POST", "/admin/organisation"): {},
    ("POST", "/audit/full-walk"): {},
    ("POST", "/admin/organisation/sharing"): {},
    ("POST", "/admin/organisation/sign-in"): {},
    ("POST", "/admin/records"): {},
    ("POST", "/admin/bodies/new"): {},
    ("POST", "/admin/bodies/<key>"): {},
    ("POST", "/admin/bodies/<key>/retire"): {},
    ("POST", "/admin/bodies/<key>/reactivate"): {},
    ("POST", "/admin/decision-types/new"): {},
    ("POST", "/admin/decision-types/<key>"): {"key": "{decision_type}"},
    ("POST", "/admin/decision-types/<key>/retire"): {"key": "{decision_type}"},
    ("POST", "/admin/decision-types/<key>/reactivate"): {"key": "{decision_type}"},
    ("POST", "/admin/plan/new"): {},
    ("POST", "/admin/plan/<key>"): {"key": "{objective}"},
    ("POST", "/admin/plan/<key>/retire"): {"key": "{objective}"},
    ("POST", "/admin/plan/<key>/reactivate"): {"key": "{objective}"},
    ("POST", "/admin/policy/draft"): {},
    ("POST", "/admin/policy/draft/yaml"): {},
    ("POST", "/admin/policy/draft/discard"): {},
    ("POST", "/admin/policy/publish"): {},
    # The yearly report (issue 22): the guard refuses before any report is looked up.
    ("POST", "/reports/yearly"): {},
    ("POST", "/reports/yearly/<int:report_id>/overview"): {"report_id": "1"},
    ("POST", "/reports/yearly/<int:report_id>/publish"): {"report_id": "1"},
    ("POST", "/admin/users/new"): {},
    ("POST", "/admin/users/<int:user_id>"): {},
    ("POST", "/admin/users/<int:user_id>/review-bodies"): {"user_id": "{reviewer}"},
    ("POST", "/admin/users/<int:user_id>/sessions/end"): {},
    ("POST", "/admin/users/<int:user_id>/sessions/<int:session_id>/end"): {},
    ("POST", "/admin/users/<int:user_id>/tokens/revoke"): {},
    ("POST", "/admin/users/<int:user_id>/tokens/<int:token_id>/revoke"): {},
    # Decisions and assessments.
    ("POST", "/decisions/new"): {},
    ("POST", "/decisions/<int:decision_id>/edit"): {},
    ("POST", "/decisions/<int:decision_id>/assessment"): {"decision_id": "{unassessed}"},
    ("POST", "/assessments/<int:assessment_id>/transitions"): {},
    ("POST", "/assessments/<int:assessment_id>/screening"): {},
    ("POST", "/assessments/<int:assessment_id>/sections/<section_id>"): {},
    ("POST", "/assessments/<int:assessment_id>/impacts/<alternative>/<group>/<dimension>"): {},
    ("POST", "/assessments/<int:assessment_id>/rows/<alternative>/<group>"): {},
    ("POST", "/assessments/<int:assessment_id>/rows/<alternative>/<group>/copy"): {},
    ("POST", "/assessments/<int:assessment_id>/rows/<alternative>/<group>/no-effect"): {},
    ("POST", "/assessments/<int:assessment_id>/hearings/<hearing_id>/statement"): {},
    ("POST", "/assessments/<int:assessment_id>/translations"): {},
    ("POST", "/assessments/<int:assessment_id>/flags/<flag_id>/acknowledge"): {},
    ("POST", "/assessments/<int:assessment_id>/flags/acknowledge"): {},
    ("POST", "/assessments/<int:assessment_id>/comments/<section>"): {},
    ("POST", "/assessments/<int:assessment_id>/follow-up"): {"assessment_id": "{approved}"},
    ("POST", "/assessments/<int:assessment_id>/follow-up/summaries"): {
        "assessment_id": "{approved}"
    },
    ("POST", "/documents/<int:document_id>/pdf"): {},
    # Meetings.
    ("POST", "/meetings"): {},
    ("POST", "/meetings/<int:meeting_id>/edit"): {},
    ("POST", "/meetings/<int:meeting_id>/cancel"): {},
    ("POST", "/meetings/<int:meeting_id>/state"): {},
    ("POST", "/meetings/<int:meeting_id>/publish"): {},
    ("POST", "/meetings/<int:meeting_id>/correct"): {},
    ("POST", "/meetings/<int:meeting_id>/documents"): {},
    ("POST", "/meetings/<int:meeting_id>/items"): {},
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/move"): {},
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/outcome"): {},
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/presenter"): {},
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/remove"): {},
}

# Every API endpoint but a GET: its arguments beyond ARGUMENTS, and a body that would
# change something had the guard let it through (else the endpoint refuses it anyway).
API: dict[tuple[str, str], tuple[dict[str, str], dict | None]] = {
    ("POST", "/decisions"): (
        {},
        {"case_number": "A/1", "title": "By an auditor", "language": "fi", "body": 1},
    ),
    ("PATCH", "/decisions/<int:decision_id>"): ({}, {"proposal": "Changed by an auditor."}),
    ("POST", "/decisions/bulk"): (
        {},
        {
            "items": [
                {"case_number": "A/2", "title": "Bulk by an auditor", "language": "fi", "body": 1}
            ]
        },
    ),
    ("POST", "/decisions/<int:decision_id>/assessment"): ({"decision_id": "{unassessed}"}, {}),
    ("PATCH", "/assessments/<int:assessment_id>"): ({}, {}),
    ("PUT", "/assessments/<int:assessment_id>/impacts/<alternative>/<group>"): ({}, {}),
    ("POST", "/assessments/<int:assessment_id>/hearings"): (
        {},
        {"council": "older_people_council", "requested_on": "2026-09-01"},
    ),
    ("POST", "/assessments/<int:assessment_id>/flags/<flag_id>/acknowledge"): (
        {},
        {"comment": "Acknowledged by an auditor."},
    ),
    ("POST", "/assessments/<int:assessment_id>/transitions"): ({}, {"trigger": "return"}),
    ("POST", "/assessments/<int:assessment_id>/comments"): (
        {},
        {"section": "general", "body": "An auditor's comment."},
    ),
    ("PUT", "/assessments/<int:assessment_id>/translations"): ({}, {"sv": {}}),
    ("PUT", "/assessments/<int:assessment_id>/follow-up"): (
        {"assessment_id": "{approved}"},
        {"ex_post": []},
    ),
    ("POST", "/assessments/<int:assessment_id>/follow-up/summaries"): (
        {"assessment_id": "{approved}"},
        {"council": "older_people_council", "language": "fi"},
    ),
    ("POST", "/meetings"): ({}, {"body": 1, "starts_at": "2027-01-10T10:00"}),
    ("POST", "/meetings/<int:meeting_id>/items"): ({}, {"decision": 1}),
    ("POST", "/meetings/<int:meeting_id>/publish"): ({}, None),
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/outcome"): (
        {},
        {"outcome": "approved"},
    ),
    ("PUT", "/meetings/<int:meeting_id>/items/<int:item_id>/presenter"): (
        {},
        {"user": 1, "title_fi": "kunnanjohtaja", "title_sv": "kommundirektör"},
    ),
    ("POST", "/bodies"): ({}, {"name_fi": "Tarkastajan", "name_sv": "Revisorns"}),
    ("PATCH", "/bodies/<key>"): ({}, {"name_fi": "Renamed by an auditor"}),
    ("POST", "/decision-types"): (
        {},
        {"key": "audit", "name_fi": "Tarkastus", "name_sv": "Revision", "name_en": "Audit"},
    ),
    ("PATCH", "/decision-types/<key>"): (
        {"key": "{decision_type}"},
        {"name_fi": "Renamed by an auditor"},
    ),
    ("PUT", "/plan"): ({}, {"objectives": []}),
    ("PATCH", "/organisation/records-defaults"): ({}, {"retention": "permanent"}),
}


def fill(rule: str, overrides: dict[str, str], ids: dict) -> str:
    """The rule's path with its arguments' values (``<int:assessment_id>`` -> 2)."""

    def value(match: re.Match) -> str:
        name = match.group(2)
        template = overrides.get(name, ARGUMENTS.get(name))
        assert template is not None, f"no value for <{name}> of {rule}: add it to ARGUMENTS"
        return str(template).format(**ids)

    return re.sub(r"<([^>]+:)?(\w+)>", value, rule)


# Changed by any request, read or refused alike: when a session was last seen, when a token
# was last used. Neither is the organisation's data.
HOUSEKEEPING = {("login_sessions", "last_seen_at"), ("api_tokens", "last_used_at")}


def snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its content; the audit log without the
    access events (reading is recorded, issue 21) and their addresses."""
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in HOUSEKEEPING]
        query = select(*columns).order_by(*table.primary_key.columns)
        access = AuditEvent.action.like("access.%")
        if table.name == AuditEvent.__tablename__:
            query = query.where(~table.c.action.like("access.%"))
        elif table.name == AuditAddress.__tablename__:
            # The addresses of the access events, kept beside the chain (issue 16).
            query = query.where(~table.c.event_id.in_(select(AuditEvent.id).where(access)))
        rows = db.session.execute(query).all()
        digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        state[table.name] = (len(rows), digest)
    db.session.remove()
    return state


@pytest.fixture(scope="module")
def world(request):
    """The demo scenario (an approved assessment with documents, one in review with open
    high flags, a meeting), the demo's plan and a decision type, a decision without an
    assessment, a session and a token of the preparer; the auditor signed in (web, in
    English) and with a token (API)."""
    from assess.operations.decisions import create_decision
    from assess.operations.demo import load_demo
    from assess.operations.demo_plan import load_demo_plan
    from tests.conftest import fresh_app, release_app

    app = fresh_app(request)
    with app.app_context():
        load_demo()
        assert load_scenario()
        load_demo_plan()
        approved = db.session.scalar(select(Assessment).where(Assessment.state == "approved"))
        in_review = db.session.scalar(select(Assessment).where(Assessment.state == "in_review"))
        cell = in_review.data["impacts"][0]
        preparer, auditor = user("preparer"), user("auditor")
        ids = {
            "approved": approved.id,
            "in_review": in_review.id,
            "decision": in_review.decision_id,
            "unassessed": create_decision(
                preparer,
                case_number="KPHA/498/2026",
                language="fi",
                body_id=in_review.decision.body_id,
                title="Uimahallin aukioloajat",
                proposal="",
            ).id,
            "flag": next(
                f["id"]
                for f in in_review.data["flags"]
                if f["severity"] == "high" and f["status"] == "open"
            ),
            "hearing": in_review.data["hearings"][0]["id"],
            "alternative": cell["alternative"],
            "group": cell["group"],
            "dimension": cell["dimension"],
            "document": db.session.scalar(select(Document.id).limit(1)),
            "meeting": db.session.scalar(select(Meeting.id).limit(1)),
            "item": db.session.scalar(select(AgendaItem.id).limit(1)),
            "preparer": preparer.id,
            "reviewer": user("reviewer").id,
            "auditor": auditor.id,
            "body": in_review.decision.body.key,
            "decision_type": create_decision_type(
                user("admin"),
                key="strategy",
                name_fi="Strategia",
                name_sv="Strategi",
                name_en="Strategy",
            ).key,
            "objective": db.session.scalar(select(PlanObjective.key).limit(1)),
            "notification": db.session.scalar(select(Notification.id).limit(1)),
        }
        ids["preparer_token"] = _token_id(issue_token(preparer))
        # Another auditor tries the own-account actions (signing out, ending the other
        # sessions), so that the auditor signed in here stays signed in.
        ids["own_auditor"] = create_user(
            organisation=auditor.organisation,
            email=OWN_AUDITOR[0],
            name="Olli Oma",
            roles=["auditor"],
            password=OWN_AUDITOR[1],
        ).id
        api_headers = {"Authorization": f"Bearer {issue_token(auditor)}", "Accept-Language": "en"}
    preparer_browser = app.test_client()
    assert login(preparer_browser, "preparer").status_code == 302
    with app.app_context():
        ids["preparer_session"] = db.session.scalar(
            select(LoginSession.id).where(LoginSession.user_id == ids["preparer"])
        )
    browser = app.test_client()
    assert login(browser, "auditor").status_code == 302
    use_language(browser, "en")
    browser.csrf = csrf_token(browser.get("/account").get_data(as_text=True))
    yield app, ids, browser, api_headers
    release_app(app)


def _token_id(token: str) -> int:
    from assess.models import ApiToken
    from assess.operations.users import token_hash

    return db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)))


def _changing_rules(app) -> set[tuple[str, str, str]]:
    return {
        (method, rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in SAFE
    }


def test_the_table_has_every_rule_that_changes(world):
    """A rule added without an entry here fails: give it its arguments' values (or, if it
    only changes the person's own account, an Own with the reason and an entry in
    assess/web/read_only.py's OWN_ACCOUNT)."""
    app = world[0]
    rules = _changing_rules(app)
    web = {(m, r) for m, r, endpoint in rules if not endpoint.startswith("api.")}
    assert sorted(web - set(WEB)) == [], "rules that change, missing from WEB"
    assert sorted(set(WEB) - web) == [], "WEB names rules the application no longer has"
    endpoints = {(e.method, e.rule) for e in ENDPOINTS if e.method not in SAFE}
    assert sorted(endpoints - set(API)) == [], "API endpoints that change, missing from API"
    assert sorted(set(API) - endpoints) == [], "API names endpoints that no longer exist"


def test_every_api_rule_is_a_declared_endpoint(world):
    """A route on the API's blueprint not declared with ``endpoint`` would not pass through
    ``_answer`` and its guard."""
    app = world[0]
    routed = {(m, r) for m, r, endpoint in _changing_rules(app) if endpoint.startswith("api.")}
    declared = {(e.method, assess.api.bp.url_prefix + e.rule) for e in ENDPOINTS}
    assert sorted(routed - declared) == []


def test_the_own_account_exceptions_are_the_guards(world):
    app = world[0]
    endpoint = {(m, r): e for m, r, e in _changing_rules(app)}
    own = {endpoint[key] for key, entry in WEB.items() if isinstance(entry, Own)}
    assert own == set(OWN_ACCOUNT)
    assert all(entry.reason for entry in WEB.values() if isinstance(entry, Own))


REFUSED_WEB = sorted(k for k, v in WEB.items() if not isinstance(v, Own))


@pytest.mark.parametrize("key", REFUSED_WEB, ids=lambda k: f"{k[0]} {k[1]}")
def test_a_page_refuses_every_change_to_an_auditor(world, key):
    app, ids, browser, _ = world
    method, rule = key
    overrides = WEB[key]
    assert isinstance(overrides, dict)
    path = fill(rule, overrides, ids)
    with app.app_context():
        before = snapshot()
    response = browser.open(path, method=method, data={"csrf_token": browser.csrf})
    page = response.get_data(as_text=True)
    assert response.status_code == 403, (path, response.status_code, page[:300])
    assert "Auditors only read" in page  # the guard's page, not another refusal
    assert "Nothing was changed." in page
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("key", sorted(API), ids=lambda k: f"{k[0]} {k[1]}")
def test_the_api_refuses_every_change_to_an_auditor(world, key):
    app, ids, _, headers = world
    method, rule = key
    overrides, body = API[key]
    path = fill(rule, overrides, ids)
    with app.app_context():
        version = db.session.get(Assessment, ids["in_review"]).version
        before = snapshot()
    response = app.test_client().open(
        "/api/v1" + path,
        method=method,
        json=body,
        headers={**headers, "If-Match": f'"{version}"'},
    )
    assert response.status_code == 403, (path, response.get_data(as_text=True)[:300])
    error = response.get_json()["error"]
    assert error["code"] == "read_only"
    assert error["message"].startswith("Auditors only read")
    with app.app_context():
        assert snapshot() == before


OWN_AUDITOR = ("olli.oma@demo.example", "lighthouse pebble marmalade")

# What the person's own account may change: their own rows, and the audit events about them.
OWN_TABLES = {"users", "login_sessions", "api_tokens", "notifications", "login_attempts"}
OWN_BODIES = {
    "/login": {"email": OWN_AUDITOR[0], "password": OWN_AUDITOR[1]},
    "/language": {"language": "sv", "next": "/"},
    "/account": {"current": "wrong password", "password": "x", "confirm": "x"},
    "/account/tokens": {"expires_in_days": "30"},
    "/account/notifications": {"email_assessment_returned": "on"},
}


@pytest.mark.parametrize(
    "key", sorted(k for k, v in WEB.items() if isinstance(v, Own)), ids=lambda k: k[1]
)
def test_the_own_account_changes_only_the_persons_own_rows(world, key):
    """Not refused by the guard, and what it changes is the auditor's own: their row, their
    sessions, tokens, notifications and log-in attempts, and audit events about them."""
    app, ids, _, _ = world
    method, rule = key
    browser = app.test_client()
    email, password = OWN_AUDITOR
    assert login(browser, email=email, password=password).status_code == 302
    me = ids["own_auditor"]
    with app.app_context():
        own_session = db.session.scalar(
            select(LoginSession.id)
            .where(LoginSession.user_id == me, LoginSession.ended_at.is_(None))
            .order_by(LoginSession.id.desc())
        )
        own_token = _token_id(issue_token(db.session.get(User, me)))
        last_event = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
        before = snapshot()
    # Their own session and token, not the preparer's.
    own_ids = {**ids, "preparer_session": own_session, "preparer_token": own_token}
    path = fill(rule, {}, own_ids)
    data = {"csrf_token": browser.csrf, **OWN_BODIES.get(rule, {})}
    response = browser.open(path, method=method, data=data)
    assert "Auditors only read" not in response.get_data(as_text=True)
    assert response.status_code != 403
    with app.app_context():
        after = snapshot()
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last_event)).all()
        changed = {t for t in after if after[t] != before[t]} - {"audit_events", "audit_addresses"}
        assert changed <= OWN_TABLES, changed
        for event in events:
            assert event.actor_id in (me, None), (event.action, event.actor_id)
            if event.object_type == "user":
                assert event.object_id == me, event.action


def test_the_checksum_sees_a_change(world):
    """The snapshot is no blind spot: the auditor choosing their language changes it."""
    app, ids, browser, _ = world
    with app.app_context():
        before = snapshot()
    browser.post("/language", data={"language": "fi", "next": "/", "csrf_token": browser.csrf})
    with app.app_context():
        assert db.session.get(User, ids["auditor"]).preferred_language == "fi"
        after = snapshot()
    browser.post("/language", data={"language": "en", "next": "/", "csrf_token": browser.csrf})
    assert after["users"] != before["users"]


@pytest.mark.parametrize(
    "language, title, api_start, role, preparer",
    [
        ("fi", "Auditoijat vain lukevat", "Auditoijat vain lukevat", "auditoija", "valmistelija"),
        ("sv", "Revisorer läser endast", "Revisorer läser endast", "revisor", "beredare"),
    ],
)
def test_the_refusal_speaks_the_readers_language(world, language, title, api_start, role, preparer):
    app, ids, _, headers = world
    browser = app.test_client()
    email, password = OWN_AUDITOR  # their language changes; the other auditor's stays
    assert login(browser, email=email, password=password).status_code == 302
    use_language(browser, language)
    browser.csrf = csrf_token(browser.get("/account").get_data(as_text=True))
    page = browser.post("/decisions/new", data={"csrf_token": browser.csrf})
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert title in text
    response = app.test_client().post(
        "/api/v1/decisions", json={}, headers={**headers, "Accept-Language": language}
    )
    error = response.get_json()["error"]
    assert error["message"].startswith(api_start)
    assert role in error["message"]  # the auditor's role, named in the client's language
    assert preparer in error["details"][0]  # who makes the change


def test_the_refusal_says_who_may_act(world):
    app, ids, browser, headers = world
    page = browser.post("/decisions/new", data={"csrf_token": browser.csrf}).get_data(as_text=True)
    assert "This change is made by people with one of these roles:" in page
    assert "<strong>preparer</strong>" in page
    response = app.test_client().post("/api/v1/decisions", json={}, headers=headers)
    assert response.get_json()["error"]["details"] == ["This change is made by: preparer."]
    # A step of the workflow names no role of its own: every role that changes is named.
    page = browser.post(
        f"/assessments/{ids['in_review']}/transitions", data={"csrf_token": browser.csrf}
    ).get_data(as_text=True)
    assert "preparers, reviewers, board secretaries and administrators" in page


def test_a_person_with_a_role_that_changes_is_not_read_only():
    assert reads_only(["auditor"])
    assert reads_only([])
    assert not reads_only(["auditor", "preparer"])
    assert not reads_only(["admin"])


# The values of the arguments only GET rules take (beyond ARGUMENTS). Another object than
# one that exists answers 404, which proves as much: nothing may change either way.
GET_ARGUMENTS = {
    "assessment_id": "{approved}",  # the one with documents, revisions and a long history
    "attachment_id": "1",
    "fmt": "docx",  # the PDF is the same report through LibreOffice
    "seq": "1",
    "number": "1",
    "report_id": "1",
    "name": "report.docx",
}


def _reading_rules(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint != "static"
    )


def test_every_page_and_endpoint_an_auditor_reads_changes_nothing(world):
    """Every GET rule of the application (pages, downloads, API endpoints), as the auditor:
    no table changes but the audit log's access events that reading appends. A rule added
    later is in it without an entry; one whose argument has no value here fails by name."""
    app, ids, browser, headers = world
    rules = _reading_rules(app)
    assert len(rules) > 80  # the url map is read, not an empty list
    changed, failed, answered = [], [], {}
    with app.app_context():
        before = snapshot()
    for rule, endpoint in rules:
        path = fill(rule, GET_ARGUMENTS, ids)
        if endpoint.startswith("api."):
            response = app.test_client().get(path, headers=headers)
        else:
            response = browser.get(path)
        if response.status_code >= 500:
            failed.append((path, response.status_code))
        answered[path] = response.status_code
        with app.app_context():
            after = snapshot()
        if after != before:
            changed.append((path, sorted(t for t in after if after[t] != before[t])))
        before = after
    assert failed == []
    assert changed == []
    # Most were read indeed, not refused or missing: the walk proves something.
    # (Administration pages refuse an auditor with 403: a read too, and changing nothing.)
    assert sum(1 for status in answered.values() if status == 200) > len(rules) // 2, answered
    assert answered[f"/assessments/{ids['approved']}/history/report.docx"] == 200
    # Still signed in: no page read signed the auditor out on the way.
    assert browser.get("/account").status_code == 200
