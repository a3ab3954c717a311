"""Who may call what through the API, on real objects: every endpoint × every role of the
organisation, and every endpoint × every role of another organisation (which must not
learn that the objects exist, let alone change them)."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import assess.api.agenda  # noqa: F401  (the agenda's presenters, issue 19)
import assess.api.endpoints  # noqa: F401  (declares the endpoints)
import assess.api.follow_up  # noqa: F401  (the follow-up, issue 18)
import assess.api.history  # noqa: F401  (the timeline and its export, issue 21)
import assess.api.matrix  # noqa: F401  (a row of the impact matrix, issue 20)
import assess.api.organisation_data  # noqa: F401  (bodies and decision types)
import assess.api.plan  # noqa: F401  (GET and PUT /plan)
import assess.api.policy  # noqa: F401  (GET /policy)
import assess.api.records  # noqa: F401  (records metadata and PDF/A downloads, issue 19)
import assess.api.regional  # noqa: F401  (the regional view, issue 22)
import assess.api.reports  # noqa: F401  (the yearly report's figures, issue 22)
import assess.api.review  # noqa: F401  (reviewers and section comments, issue 20)
import assess.api.revisions  # noqa: F401  (two revisions compared, issue 21)
import assess.api.search  # noqa: F401  (the search across assessments, issue 21)
import assess.api.translations  # noqa: F401  (texts and translations, issue 19)
from assess.api import ENDPOINTS
from assess.extensions import db
from assess.models import (
    AgendaItem,
    Assessment,
    AuditEvent,
    Body,
    Decision,
    Document,
    Meeting,
    MeetingDocument,
    Organisation,
)
from assess.operations.assessments import fire
from assess.operations.decisions import create_decision
from assess.operations.demo_scenario import acknowledge_high, load_scenario, to_review
from assess.operations.meetings import add_item_and_attach, create_meeting, publish
from assess.operations.organisation_data import create_decision_type
from assess.operations.policies import export_policy, import_policy
from assess.operations.users import create_user, issue_token
from assess.roles import READ_ONLY_ROLES
from tests.support import user

ROLES = ["preparer", "reviewer", "secretary", "auditor", "admin"]

# A request per endpoint, on the demo scenario's objects. The body is valid where a valid
# body leaves the world as it was for the next call (a blocked step, a refused
# publication); otherwise it is empty and the allowed roles get 422, after the role check.
CALLS = {
    ("GET", "/me"): ("/me", None),
    # The regional view (issue 22): coordinators only; no role of this table has it.
    ("GET", "/reports/regional"): ("/reports/regional", None),
    ("GET", "/bodies"): ("/bodies", None),
    ("GET", "/definitions/forms"): ("/definitions/forms", None),
    ("GET", "/definitions/forms/<key>"): ("/definitions/forms/iva", None),
    ("GET", "/definitions/workflows/<key>"): ("/definitions/workflows/{workflow}", None),
    ("POST", "/decisions"): ("/decisions", {}),
    ("POST", "/decisions/bulk"): ("/decisions/bulk", {"items": []}),  # issue 22, admins only
    ("GET", "/decisions"): ("/decisions", None),
    ("GET", "/assessments"): ("/assessments?state=approved", None),  # the search (issue 21)
    ("GET", "/decisions/<int:decision_id>"): ("/decisions/{decision}", None),
    ("PATCH", "/decisions/<int:decision_id>"): ("/decisions/{decision}", {}),  # no If-Match
    ("POST", "/decisions/<int:decision_id>/assessment"): ("/decisions/{decision}/assessment", {}),
    ("GET", "/assessments/<int:assessment_id>"): ("/assessments/{approved}", None),
    ("PATCH", "/assessments/<int:assessment_id>"): ("/assessments/{in_review}", {}),
    ("GET", "/assessments/<int:assessment_id>/impacts/<alternative>/<group>"): (
        "/assessments/{approved}/impacts/{row_approved}",
        None,
    ),
    ("PUT", "/assessments/<int:assessment_id>/impacts/<alternative>/<group>"): (  # no If-Match
        "/assessments/{in_review}/impacts/{row_in_review}",
        {},
    ),
    ("POST", "/assessments/<int:assessment_id>/hearings"): (
        "/assessments/{in_review}/hearings",
        {},
    ),
    ("POST", "/assessments/<int:assessment_id>/flags/<flag_id>/acknowledge"): (
        "/assessments/{in_review}/flags/{flag}/acknowledge",
        {},
    ),
    ("POST", "/assessments/<int:assessment_id>/transitions"): (
        "/assessments/{in_review}/transitions",
        {"trigger": "approve"},  # blocked for everyone: open high flags, or the wrong role
    ),
    ("GET", "/assessments/<int:assessment_id>/history"): ("/assessments/{approved}/history", None),
    ("GET", "/assessments/<int:assessment_id>/history/export"): (
        "/assessments/{approved}/history/export",
        None,
    ),
    ("GET", "/assessments/<int:assessment_id>/history/report"): (
        "/assessments/{approved}/history/report",
        None,
    ),
    # The yearly report's figures (issue 22).
    ("GET", "/reports/yearly"): ("/reports/yearly?year=2026", None),
    # The review loop (issue 20).
    ("GET", "/assessments/<int:assessment_id>/reviewers"): (
        "/assessments/{in_review}/reviewers",
        None,
    ),
    ("GET", "/assessments/<int:assessment_id>/comments"): (
        "/assessments/{in_review}/comments",
        None,
    ),
    ("POST", "/assessments/<int:assessment_id>/comments"): (
        "/assessments/{in_review}/comments",
        {},
    ),
    ("GET", "/assessments/<int:assessment_id>/revisions"): (
        "/assessments/{approved}/revisions",
        None,
    ),
    # Issue 21: two revisions compared (reading it is recorded as an access event).
    ("GET", "/assessments/<int:assessment_id>/compare"): (
        "/assessments/{approved}/compare?from=1&to=2",
        None,
    ),
    ("GET", "/assessments/<int:assessment_id>/documents"): (
        "/assessments/{approved}/documents",
        None,
    ),
    ("GET", "/documents/<int:document_id>"): ("/documents/{document}", None),
    ("POST", "/meetings"): ("/meetings", {}),
    ("GET", "/meetings/<int:meeting_id>"): ("/meetings/{meeting}", None),
    ("POST", "/meetings/<int:meeting_id>/items"): ("/meetings/{meeting}/items", {}),
    ("POST", "/meetings/<int:meeting_id>/publish"): ("/meetings/{meeting}/publish", None),
    ("GET", "/meetings/<int:meeting_id>/agenda"): ("/meetings/{meeting}/agenda", None),
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/outcome"): (
        "/meetings/{meeting}/items/{item}/outcome",
        {},
    ),
    ("PUT", "/meetings/<int:meeting_id>/items/<int:item_id>/presenter"): (
        "/meetings/{meeting}/items/{item}/presenter",
        {},
    ),
    ("GET", "/audit/verify"): ("/audit/verify", None),
    ("POST", "/bodies"): ("/bodies", {}),
    ("PATCH", "/bodies/<key>"): ("/bodies/{body}", {"name_fi": 7}),
    ("GET", "/decision-types"): ("/decision-types", None),
    ("POST", "/decision-types"): ("/decision-types", {}),
    ("PATCH", "/decision-types/<key>"): ("/decision-types/{decision_type}", {"name_fi": 7}),
    ("GET", "/policy"): ("/policy", None),
    ("GET", "/assessments/<int:assessment_id>/follow-up"): (
        "/assessments/{approved}/follow-up",
        None,
    ),
    ("PUT", "/assessments/<int:assessment_id>/follow-up"): (  # no If-Match
        "/assessments/{approved}/follow-up",
        {},
    ),
    ("POST", "/assessments/<int:assessment_id>/follow-up/summaries"): (
        "/assessments/{approved}/follow-up/summaries",
        {},
    ),
    ("GET", "/plan"): ("/plan", None),
    ("PUT", "/plan"): ("/plan", {"objectives": [{"key": "Not A Key"}]}),
    ("GET", "/assessments/<int:assessment_id>/texts"): ("/assessments/{approved}/texts", None),
    ("GET", "/assessments/<int:assessment_id>/translations"): (
        "/assessments/{approved}/translations",
        None,
    ),
    ("PUT", "/assessments/<int:assessment_id>/translations"): (  # no If-Match
        "/assessments/{in_review}/translations",
        {},
    ),
    ("GET", "/decisions/<int:decision_id>/records"): ("/decisions/{decision}/records", None),
    ("GET", "/organisation/records-defaults"): ("/organisation/records-defaults", None),
    ("PATCH", "/organisation/records-defaults"): (
        "/organisation/records-defaults",
        {"retention": 7},
    ),
    ("GET", "/documents/<int:document_id>/pdf"): ("/documents/{document}/pdf", None),
    ("GET", "/meetings/<int:meeting_id>/agenda/pdf"): ("/meetings/{published}/agenda/pdf", None),
}

# For another organisation's users, valid bodies: the request gets as far as looking up the
# object, and had it been theirs, would have changed it.
VALID = {
    ("POST", "/assessments/<int:assessment_id>/hearings"): {
        "council": "older_people_council",
        "requested_on": "2026-09-01",
    },
    ("POST", "/assessments/<int:assessment_id>/flags/<flag_id>/acknowledge"): {"comment": "Ok."},
    ("POST", "/assessments/<int:assessment_id>/comments"): {"section": "general", "body": "Hi."},
    ("POST", "/meetings/<int:meeting_id>/items"): {"decision": 1},
    ("PATCH", "/decisions/<int:decision_id>"): {"proposal": "Changed by a stranger."},
    ("POST", "/meetings/<int:meeting_id>/items/<int:item_id>/outcome"): {"outcome": "approved"},
    ("PUT", "/meetings/<int:meeting_id>/items/<int:item_id>/presenter"): {
        "user": 1,
        "title_fi": "kunnanjohtaja",
        "title_sv": "kommundirektör",
    },
    ("PATCH", "/bodies/<key>"): {"name_fi": "Renamed by a stranger"},
    ("PATCH", "/decision-types/<key>"): {"name_fi": "Renamed by a stranger"},
    ("PUT", "/assessments/<int:assessment_id>/follow-up"): {"ex_post": []},
    ("PUT", "/assessments/<int:assessment_id>/translations"): {"sv": {}},
    ("POST", "/assessments/<int:assessment_id>/follow-up/summaries"): {
        "council": "older_people_council",
        "language": "fi",
    },
}


@pytest.fixture(scope="module")
def world(request):
    """The demo scenario (an approved assessment with documents, one in review with open
    high flags, a meeting with both), tokens for every role, and another organisation
    with a user and token for every role."""
    from assess.operations.demo import load_demo
    from tests.conftest import fresh_app, release_app

    app = fresh_app(request)

    with app.app_context():
        load_demo()
        assert load_scenario()
        approved = db.session.scalar(select(Assessment).where(Assessment.state == "approved"))
        in_review = db.session.scalar(select(Assessment).where(Assessment.state == "in_review"))
        flag = next(
            f["id"]
            for f in in_review.data["flags"]
            if f["severity"] == "high" and f["status"] == "open"
        )
        meeting = db.session.scalar(select(Meeting))
        ids = {
            "decision": approved.decision_id,
            "approved": approved.id,
            "in_review": in_review.id,
            "flag": flag,
            "workflow": approved.workflow_key,
            "document": db.session.scalar(select(Document.id).limit(1)),
            "meeting": meeting.id,
            "item": db.session.scalar(select(AgendaItem.id).limit(1)),
            # A row of each assessment's matrix (issue 20): <alternative>/<group>.
            "row_approved": "{alternative}/{group}".format(**approved.data["impacts"][0]),
            "row_in_review": "{alternative}/{group}".format(**in_review.data["impacts"][0]),
            "case_number": approved.decision.case_number,
            "body": approved.decision.body.key,
            "decision_type": create_decision_type(
                user("admin"),
                key="strategy",
                name_fi="Strategia",
                name_sv="Strategi",
                name_en="Strategy",
            ).key,
        }
        # A PDF/A beside the approved document and a published agenda with its PDF/A, so
        # the PDF downloads have something to answer with (the suite's converter is off).
        document = db.session.get(Document, ids["document"])
        document.pdf = b"%PDF-1.7 made by the test"
        document.pdf_sha256 = hashlib.sha256(document.pdf).hexdigest()
        secretary = user("secretary")
        published = create_meeting(
            secretary,
            body_id=meeting.body_id,
            starts_at=(meeting.starts_at + timedelta(days=30)).isoformat(timespec="minutes"),
        )
        third = create_decision(
            user("preparer"),
            case_number="KPHA/499/2026",
            language="fi",
            body_id=meeting.body_id,
            title="Neuvolan aukioloajat",
            proposal="",
            decision_type=ids["decision_type"],
        )
        a = to_review(user("preparer"), third)
        acknowledge_high(user("reviewer"), a)
        fire(user("reviewer"), a, "approve", expected_version=a.version)
        add_item_and_attach(secretary, published, third.id, expected_version=published.version)
        publish(secretary, published, expected_version=published.version)
        for stored in db.session.scalars(
            select(MeetingDocument).where(MeetingDocument.meeting_id == published.id)
        ):
            stored.pdf = b"%PDF-1.7 made by the test"
            stored.pdf_sha256 = hashlib.sha256(stored.pdf).hexdigest()
        db.session.commit()
        ids["published"] = published.id
        # The built-in default, published: GET /policy has a version to answer with.
        admin = user("admin")
        _, problems = import_policy(
            admin, export_policy(admin.organisation), source="builtin", publish=True
        )
        assert not problems
        own = {r: {"Authorization": f"Bearer {issue_token(user(r))}"} for r in ROLES}
        other = Organisation(name_fi="Toinen kunta", name_sv="Annan kommun", bilingual=False)
        db.session.add_all(
            [other, Body(organisation=other, name_fi="Hallitus", name_sv="Styrelsen")]
        )
        db.session.commit()
        strangers = {}
        for r in ROLES:
            u = create_user(
                organisation=other,
                email=f"{r}@other.example",
                name=f"Other {r}",
                roles=[r],
                password="long enough password",
            )
            strangers[r] = {"Authorization": f"Bearer {issue_token(u)}"}
    yield app, ids, own, strangers
    release_app(app)


def _spec(method, rule):
    return next(e for e in ENDPOINTS if (e.method, e.rule) == (method, rule))


def call(app, method, path, json, headers):
    return app.test_client().open("/api/v1" + path, method=method, json=json, headers=headers)


def test_the_table_has_every_endpoint():
    assert {(e.method, e.rule) for e in ENDPOINTS if e.auth} == set(CALLS)


def _snapshot():
    # Reading that is itself recorded (issue 21: ``access.*`` events) changes nothing else.
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.not_like("access.%"))
        ),
        sorted(db.session.execute(select(Assessment.id, Assessment.version)).all()),
        sorted(db.session.execute(select(Meeting.id, Meeting.version, Meeting.state)).all()),
        sorted(db.session.execute(select(Decision.id, Decision.version)).all()),
    )


@pytest.mark.parametrize("key", sorted(CALLS), ids=lambda k: f"{k[0]} {k[1]}")
def test_every_role_of_the_organisation(world, key):
    """403 exactly for the roles the endpoint is not for; the others get through the role
    check (every read answers 200) and get one of the responses the document declares."""
    app, ids, own, _ = world
    spec = _spec(*key)
    path, json = CALLS[key]
    path = path.format(**ids)
    with app.app_context():
        before = _snapshot()
    for role in ROLES:
        response = call(app, spec.method, path, json, own[role])
        if role in READ_ONLY_ROLES and spec.method != "GET":
            # Auditors only read (issue 21): every change refused by one guard, first.
            assert response.status_code == 403, (role, response.get_json())
            assert response.get_json()["error"]["code"] == "read_only"
            continue
        if spec.roles and role not in spec.roles:
            assert response.status_code == 403, (role, response.get_json())
            assert response.get_json()["error"]["code"] == "forbidden"
            continue
        declared = {spec.status, *spec.errors}
        text = response.data[:300]  # bytes: documents are not text
        assert response.status_code in declared - {403}, (role, response.status_code, text)
        if spec.method == "GET":
            assert response.status_code == 200, (role, text)
    with app.app_context():
        assert _snapshot() == before  # no call in the table changes anything


def test_a_step_refused_for_a_role_says_which_role_it_needs(world):
    app, ids, own, _ = world
    headers = {**own["secretary"], "Accept-Language": "en"}
    path = f"/assessments/{ids['in_review']}/transitions"
    response = call(app, "POST", path, {"trigger": "approve"}, headers)
    assert response.status_code == 409
    assert any("reviewer" in r.lower() for r in response.get_json()["error"]["details"])


@pytest.mark.parametrize("key", sorted(CALLS), ids=lambda k: f"{k[0]} {k[1]}")
def test_another_organisation_sees_nothing_and_changes_nothing(world, key):
    """With another organisation's token, an id of this one is 'not found' (not 'forbidden',
    which would tell that it exists), lists leave its objects out, and nothing changes."""
    app, ids, _, strangers = world
    spec = _spec(*key)
    path, json = CALLS[key]
    path, json = path.format(**ids), VALID.get(key, json)
    with app.app_context():
        before = _snapshot()
        ours = {
            b.id: b.name_fi
            for b in db.session.scalars(select(Body).where(Body.organisation_id == 1))
        }
    for role in ROLES:
        response = call(app, spec.method, path, json, strangers[role])
        text = response.get_data(as_text=True)
        if spec.roles and role not in spec.roles:
            assert response.status_code == 403, role
        elif role in READ_ONLY_ROLES and spec.method != "GET":
            # Refused before the object is looked up: nothing learnt of it either.
            assert response.status_code == 403, role
            assert response.get_json()["error"]["code"] == "read_only"
        elif re.search(r"<(int:)?\w+>", spec.rule) and "definitions" not in spec.rule:
            assert response.status_code == 404, (role, text[:300])
            assert response.get_json()["error"]["code"] == "not_found"
        elif spec.rule == "/policy":  # the other organisation has published none
            assert response.status_code == 404, (role, text[:300])
        else:
            assert response.status_code in {200, 422}, (role, text[:300])
        assert ids["case_number"] not in text
        assert not any(name in text for name in ours.values())
    with app.app_context():
        assert _snapshot() == before


def test_another_organisations_bodies_and_decisions_cannot_be_used(world):
    app, ids, _, strangers = world
    mine = call(app, "GET", "/bodies", None, strangers["preparer"]).get_json()
    assert [b["name_fi"] for b in mine] == ["Hallitus"]
    with app.app_context():
        their_body = db.session.scalar(select(Body.id).where(Body.organisation_id == 1))
    made = call(
        app,
        "POST",
        "/decisions",
        {"case_number": "X/1", "title": "T", "language": "fi", "body": their_body},
        strangers["preparer"],
    )
    assert made.status_code == 422
    assert [d["path"] for d in made.get_json()["error"]["details"]] == ["body"]
    meeting = call(
        app,
        "POST",
        "/meetings",
        {"body": their_body, "starts_at": "2027-01-10T10:00"},
        strangers["secretary"],
    )
    assert meeting.status_code == 422
    assert [d["path"] for d in meeting.get_json()["error"]["details"]] == ["body"]
    own_meeting = call(
        app,
        "POST",
        "/meetings",
        {"body": mine[0]["id"], "starts_at": "2027-01-10T10:00"},
        strangers["secretary"],
    ).get_json()
    item = call(
        app,
        "POST",
        f"/meetings/{own_meeting['id']}/items",
        {"decision": ids["decision"]},
        strangers["secretary"],
    )
    assert item.status_code in (404, 422), item.get_json()
    assert ids["case_number"] not in item.get_data(as_text=True)
    listed = call(
        app, "GET", f"/decisions?case_number={ids['case_number']}", None, strangers["auditor"]
    ).get_json()
    assert listed["total"] == 0 and listed["items"] == []
    verify = call(app, "GET", "/audit/verify", None, strangers["auditor"]).get_json()
    assert verify["intact"] is True


# Outcomes and "held" wait for a meeting's start (issue 20); these meetings are dated ahead.
pytestmark = pytest.mark.usefixtures("meetings_started")
