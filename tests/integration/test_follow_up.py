"""The follow-up of a decided assessment (issue 18, hole 8): observations, what actually
happened, the councils' summaries, and the close that waits for them."""

import hashlib
import io

import docx
import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Decision, Document
from assess.operations import Conflict, Forbidden, ValidationFailed
from assess.operations import assessments as ops
from assess.operations import documents as doc_ops
from assess.operations import follow_up as fu
from assess.workflow import TransitionBlocked
from tests.support import acknowledge_high, to_review, user

OBSERVED = {"on": "2026-10-15", "value": "412 trips", "note": "From the bus operator."}
EX_POST = [
    {
        "group": "older_people",
        "dimension": "access_to_services",
        "outcome": "worse",
        "lesson": "The bus ran too seldom for the morning appointments.",
    },
    {
        "group": "rural_residents",
        "dimension": "access_to_services",
        "outcome": "as_expected",
        "lesson": "Trips grew as the plan foresaw.",
    },
]


def step(who, a, trigger):
    return ops.fire(user(who), a, trigger, expected_version=a.version)


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def decided(ctx):
    a = to_review(user("preparer"), db.session.get(Decision, 1))
    acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")
    step("secretary", a, "record_decision")
    return a


def record_all(a, who="preparer"):
    indicator = a.content.indicators[0].id
    fu.save(
        user(who),
        a,
        {"indicators": [{"id": indicator, "observations": [OBSERVED]}], "ex_post": EX_POST},
        expected_version=a.version,
    )


def test_close_is_refused_saying_what_is_missing_then_allowed(decided):
    a = decided
    step("preparer", a, "start_follow_up")
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "close")
    reasons = [r.render("en") for r in blocked.value.reasons]
    assert any("Halsualaisten käynnit Kokkolan terveyskeskuksessa" in r for r in reasons), reasons
    assert any("older people: access to services" in r for r in reasons), reasons
    assert any("older people's council" in r for r in reasons), reasons
    assert all(r.render("fi") != r.render("en") for r in blocked.value.reasons)

    record_all(a)
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "close")
    assert [r.render("en") for r in blocked.value.reasons] == [
        "Make the follow-up summary for those heard: older people's council."
    ]
    doc = fu.make_summary(
        user("reviewer"), a, "older_people_council", "fi", expected_version=a.version
    )
    assert doc.kind == "follow_up" and doc.sha256 == hashlib.sha256(doc.content).hexdigest()
    step("reviewer", a, "close")
    assert a.state == "closed"


def test_a_changed_follow_up_needs_the_summary_again(decided):
    a = decided
    record_all(a)
    fu.make_summary(user("preparer"), a, "older_people_council", "sv", expected_version=a.version)
    rows = [dict(r) for r in EX_POST]
    rows[0]["outcome"] = "better"
    fu.save(user("reviewer"), a, {"ex_post": rows}, expected_version=a.version)
    step("preparer", a, "start_follow_up")
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "close")
    assert "make it again for: older people's council" in blocked.value.reasons[0].render("en")


def test_the_summary_is_in_the_councils_language_and_verifies(decided):
    a = decided
    record_all(a)
    doc = fu.make_summary(
        user("preparer"), a, "older_people_council", "sv", expected_version=a.version
    )
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(doc.content)).paragraphs)
    assert "Uppföljning av konsekvensbedömningen" in text
    assert "äldreråd" in text and "kuljetus Kokkolaan järjestetään" in text
    table = docx.Document(io.BytesIO(doc.content)).tables
    cells = [c.text for t in table for row in t.rows for c in row.cells]
    assert "412 trips" in " ".join(cells) and "sämre än väntat" in cells
    assert doc.revision.snapshot["follow_up_summary"] == {
        "council": "older_people_council",
        "language": "sv",
    }
    checked, problems = doc_ops.verify()
    assert checked >= 2 and problems == []
    # The decision's paragraph still comes from the assessment document.
    paragraphs = doc_ops.paragraphs(doc_ops.documents_of(a.decision))
    # (issue 19: the paragraph names the first follow-up review, so it is told by the
    # document it refers to: the assessment's, not the summary's.)
    assessment_doc = next(
        d for d in doc_ops.documents_of(a.decision) if d.language == "sv" and d.kind == "assessment"
    )
    assert paragraphs["sv"].endswith(f"(dokument {assessment_doc.reference}).")
    assert assessment_doc.reference != doc.reference


def test_bad_input_is_refused_whole_and_named(decided):
    a = decided
    before, version = events(), a.version
    with pytest.raises(ValidationFailed) as refused:
        fu.save(
            user("preparer"),
            a,
            {
                "indicators": [
                    {"id": "nope", "observations": []},
                    {
                        "id": a.content.indicators[0].id,
                        "observations": [{"on": "2999-01-01", "value": "1"}, {"on": "x"}],
                    },
                ],
                "ex_post": [
                    {"group": "children", "dimension": "health", "outcome": "worse"},
                    {**EX_POST[0], "outcome": "fine"},
                ],
            },
            expected_version=a.version,
        )
    errors = {k: [m.render("en") for m in v] for k, v in refused.value.errors.items()}
    assert "No indicator 'nope'" in errors["indicators.0.id"][0]
    assert "after today" in errors["indicators.1.observations.0.on"][0]
    assert "YYYY-MM-DD" in errors["indicators.1.observations.1.on"][0]
    assert "Give the value observed" in errors["indicators.1.observations.1.value"][0]
    assert "children:health is not a negative or unknown effect" in errors["ex_post.0"][0]
    assert "as_expected, better, worse, not_known" in errors["ex_post.1.outcome"][0]
    assert events() == before and a.version == version
    assert a.content.ex_post == [] and a.content.indicators[0].observations == []


def test_only_in_follow_up_and_only_preparers_and_reviewers(ctx, decided):
    with pytest.raises(Forbidden):
        fu.save(user("secretary"), decided, {"ex_post": []}, expected_version=decided.version)
    other = to_review(user("preparer"), db.session.get(Decision, 2))
    with pytest.raises(Conflict) as refused:
        fu.save(user("preparer"), other, {"ex_post": []}, expected_version=other.version)
    assert "after the decision" in refused.value.message.render("en")


def test_a_summary_only_for_a_council_heard_in_the_organisations_language(decided):
    a = decided
    with pytest.raises(ValidationFailed) as refused:
        fu.make_summary(user("preparer"), a, "youth_council", "en", expected_version=a.version)
    errors = {k: [m.render("en") for m in v] for k, v in refused.value.errors.items()}
    assert "older_people_council" in errors["council"][0]
    assert "fi" in errors["language"][0]
    assert db.session.scalar(select(func.count()).select_from(Document)) == len(
        doc_ops.languages_for(a.decision)
    )


def test_a_save_is_audited_and_checks_the_version(decided):
    a = decided
    before = events()
    record_all(a)
    assert events() == before + 1
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert last.action == "assessment.follow_up_saved"
    assert {c["field"].split(".")[0] for c in last.changes} == {"indicators", "ex_post"}
    from assess.operations import Stale

    with pytest.raises(Stale):
        fu.save(user("preparer"), a, {"ex_post": []}, expected_version=a.version - 1)


# --- the page ---------------------------------------------------------------------------


def test_the_page_records_the_follow_up_and_makes_the_summary(client, demo):
    from tests.support import csrf_token, login, use_language

    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        step("reviewer", a, "approve")
        step("secretary", a, "record_decision")
        aid, indicator, version = a.id, a.content.indicators[0].id, a.version
    login(client, "reviewer")
    use_language(client, "en")
    page = client.get(f"/assessments/{aid}/follow-up").get_data(as_text=True)
    assert (
        "Before the follow-up can close" in page
        and "Halsualaisten käynnit Kokkolan terveyskeskuksessa" in page
    )
    form = {
        "csrf_token": csrf_token(page),
        "version": str(version),
        f"obs-{indicator}-rows": "1",
        f"obs-{indicator}-0-on": "2999-01-01",
        f"obs-{indicator}-0-value": "412 trips",
        "ex-older_people--access_to_services-outcome": "worse",
        "ex-older_people--access_to_services-lesson": "The bus ran too seldom.",
    }
    refused = client.post(f"/assessments/{aid}/follow-up", data=form)
    assert refused.status_code == 422
    assert "cannot be dated after today" in refused.get_data(as_text=True)
    assert 'value="412 trips"' in refused.get_data(as_text=True)  # what was typed is kept
    form[f"obs-{indicator}-0-on"] = "2026-10-15"
    saved = client.post(f"/assessments/{aid}/follow-up", data=form, follow_redirects=True)
    assert saved.status_code == 200 and "The follow-up has been saved." in saved.get_data(
        as_text=True
    )
    page = saved.get_data(as_text=True)
    made = client.post(
        f"/assessments/{aid}/follow-up/summaries",
        data={
            "csrf_token": csrf_token(page),
            "version": str(version + 1),
            "council": "older_people_council",
            "language": "fi",
        },
        follow_redirects=True,
    )
    text = made.get_data(as_text=True)
    assert "has been made and stored" in text and "made, up to date" in text
    with demo.app_context():
        doc = db.session.scalar(select(Document).where(Document.kind == "follow_up"))
        assert doc.sha256 in text and f"/documents/{doc.id}" in text
    history = client.get(f"/assessments/{aid}/history").get_data(as_text=True)
    assert "Follow-up recorded" in history and "Follow-up summary made for those heard" in history


# --- the API ------------------------------------------------------------------------------


def test_the_follow_up_through_the_api(demo):
    import assess.api.follow_up  # noqa: F401  (declares the endpoints)
    from assess.operations.users import issue_token

    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        step("reviewer", a, "approve")
        step("secretary", a, "record_decision")
        aid = a.id
        headers = {
            "Authorization": f"Bearer {issue_token(user('reviewer'))}",
            "Accept-Language": "en",
        }
    client = demo.test_client()
    url = f"/api/v1/assessments/{aid}/follow-up"
    got = client.get(url, headers=headers)
    body = got.get_json()
    assert got.status_code == 200 and body["may_record"] is True
    assert body["heard"] == ["older_people_council"] and body["summaries"] == []
    assert {(e["group"], e["direction"]) for e in body["effects_followed"]} == {
        ("older_people", "negative"),
        ("rural_residents", "negative"),
    }
    assert any("Halsualaisten käynnit Kokkolan terveyskeskuksessa" in m for m in body["missing"])
    indicator = body["indicators"][0]["id"]
    match = {"If-Match": got.headers["ETag"]}
    assert client.put(url, json={"ex_post": []}, headers=headers).status_code == 428

    refused = client.put(
        url,
        json={"ex_post": [{"group": "children", "dimension": "health", "outcome": "worse"}]},
        headers={**headers, **match},
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["path"] == "ex_post.0"

    saved = client.put(
        url,
        json={"indicators": [{"id": indicator, "observations": [OBSERVED]}], "ex_post": EX_POST},
        headers={**headers, **match},
    )
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["indicators"][0]["observations"] == [OBSERVED]
    assert body["ex_post"] == EX_POST
    # The assessment itself leaves them out: its indicators go back in a PATCH as they are.
    whole = client.get(f"/api/v1/assessments/{aid}", headers=headers).get_json()
    assert "observations" not in whole["indicators"][0] and "ex_post" not in whole
    assert body["missing"] == [
        "Make the follow-up summary for those heard: older people's council."
    ]
    made = client.post(
        url + "/summaries",
        json={"council": "older_people_council", "language": "sv"},
        headers={**headers, "If-Match": saved.headers["ETag"]},
    )
    assert made.status_code == 201, made.get_json()
    summary = made.get_json()["summaries"][0]
    assert summary["council"] == "older_people_council" and summary["up_to_date"] is True
    assert made.get_json()["missing"] == []
    download = client.get("/api/v1" + summary["url"].split("/api/v1", 1)[1], headers=headers)
    assert hashlib.sha256(download.data).hexdigest() == summary["sha256"]
