"""The review loop that talks to people (issue 20, review): the reviewer chosen when
submitting (web and API, with the four-eyes rule), the return's comment shown to the
preparer until the assessment is submitted again, comments per section (audited,
validated, kept with the revision) and acknowledging several flags with one reasoning."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Assessment, AssessmentComment, AuditEvent, Decision, Notification
from assess.operations import Forbidden, NotFound, ValidationFailed
from assess.operations import assessments as ops
from assess.operations import comments as comment_ops
from assess.operations import review as review_ops
from assess.operations.users import create_user, issue_token
from tests.support import login, post, prepared, use_language, user

RETURN_COMMENT = "Kuvaa ikääntyneiden matkojen lieventäminen tarkemmin."


def second_reviewer(name="Rita Reviewer", email="rita@demo.example", roles=("reviewer",)):
    return create_user(
        organisation=user("preparer").organisation,
        email=email,
        name=name,
        roles=list(roles),
        password="long enough password 2026",
        preferred_language="en",
    )


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def returned_once(reviewer=None):
    """Prepared, submitted to the demo reviewer, returned with a comment."""
    reviewer = reviewer or user("reviewer")
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    review_ops.submit(user("preparer"), a, "submit", reviewer.id, expected_version=a.version)
    ops.fire(reviewer, a, "return_for_revision", comment=RETURN_COMMENT, expected_version=a.version)
    return a


def test_candidates_are_reviewers_the_four_eyes_rule_allows(ctx):
    rita = second_reviewer()
    both = second_reviewer("Bea Both", "both@demo.example", ("preparer", "reviewer"))
    a = prepared(both, db.session.get(Decision, 1))
    names = [p.name for p in review_ops.candidates(user("preparer"), a)]
    # Bea prepared it: never her own reviewer, though she holds the role; the preparer and
    # the secretary hold no reviewer role.
    assert names == ["Rasmus Backman", rita.name]


def test_submit_stores_the_reviewer_with_the_step_in_one_version(ctx):
    rita = second_reviewer()
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    version = a.version
    review_ops.submit(user("preparer"), a, "submit", rita.id, expected_version=version)
    db.session.expire_all()
    a = db.session.get(Assessment, a.id)
    assert (a.state, a.reviewer_id, a.version) == ("in_review", rita.id, version + 1)
    # The chosen reviewer is the one told (notify's hook in the step reads the choice).
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "review_requested")
    ).all()
    assert told == [rita.id]
    chosen = events("assessment.reviewer_chosen")
    assert chosen[-1].changes == [
        {"field": "reviewer", "old": None, "new": rita.id, "name": rita.name}
    ]


def test_a_person_who_may_not_review_is_refused_and_nothing_changes(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    version, count = a.version, db.session.scalar(select(func.count(AuditEvent.id)))
    for who in (user("preparer").id, user("secretary").id, 999999, "x"):
        with pytest.raises(ValidationFailed) as exc:
            review_ops.submit(user("preparer"), a, "submit", who, expected_version=version)
        assert "reviewer_id" in exc.value.errors
    db.session.expire_all()
    a = db.session.get(Assessment, a.id)
    assert (a.state, a.reviewer_id, a.version) == ("in_assessment", None, version)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count


def test_a_reviewer_with_a_step_to_no_reviewer_is_refused(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    with pytest.raises(ValidationFailed):
        review_ops.submit(
            user("preparer"), a, "withdraw", user("reviewer").id, "No.", expected_version=a.version
        )
    assert a.state == "in_assessment"


def test_the_return_is_shown_until_submitted_again_and_the_reviewer_is_preselected(ctx):
    a = returned_once()
    notice = review_ops.returned(a, "en")
    assert notice is not None
    assert (notice.by, notice.comment, notice.step) == (
        "Rasmus Backman",
        RETURN_COMMENT,
        "Return for revision",
    )
    assert [x.id for x, _ in review_ops.returned_to(user("preparer"), "en")] == [a.id]
    assert review_ops.default_reviewer(user("preparer"), a).id == user("reviewer").id
    # Submitted again without saying: the one who returned it gets it back.
    review_ops.submit(user("preparer"), a, "submit", expected_version=a.version)
    assert a.reviewer_id == user("reviewer").id
    assert review_ops.returned(a, "en") is None
    assert review_ops.returned_to(user("preparer"), "en") == []


def test_add_comment_is_audited_and_kept_with_the_revision(ctx):
    a = returned_once()
    seq = max(r.seq for r in a.revisions)
    c = comment_ops.add_comment(user("preparer"), a, "mitigation", "  Lisäsin kuljetustuen.  ")
    assert (c.section, c.body, c.revision_seq, c.author_id) == (
        "mitigation",
        "Lisäsin kuljetustuen.",
        seq,
        user("preparer").id,
    )
    [event] = events("assessment.commented")
    assert event.object_id == a.id and event.actor_id == user("preparer").id
    assert event.changes[0]["field"] == "comments.mitigation"
    assert event.changes[0]["new"] == "Lisäsin kuljetustuen."
    assert [x.body for x in comment_ops.thread(a, "mitigation")] == ["Lisäsin kuljetustuen."]


@pytest.mark.parametrize(
    "section, body, field",
    [("nope", "Text.", "section"), ("general", "   ", "body"), ("general", "x" * 5001, "body")],
)
def test_add_comment_refuses_bad_input_and_stores_nothing(ctx, section, body, field):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    with pytest.raises(ValidationFailed) as exc:
        comment_ops.add_comment(user("preparer"), a, section, body)
    assert field in exc.value.errors
    assert db.session.scalar(select(func.count(AssessmentComment.id))) == 0
    assert events("assessment.commented") == []


def test_add_comment_only_by_those_who_take_part(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    with pytest.raises(Forbidden):
        comment_ops.add_comment(user("auditor"), a, "general", "Read only.")
    from assess.models import Organisation

    other = Organisation(name_fi="Toinen", name_sv="Annan", bilingual=False)
    db.session.add(other)
    db.session.commit()
    stranger = create_user(
        organisation=other,
        email="x@other.example",
        name="Stranger",
        roles=["reviewer"],
        password="long enough password 2026",
    )
    with pytest.raises(NotFound):
        comment_ops.add_comment(stranger, a, "general", "Hello.")
    assert db.session.scalar(select(func.count(AssessmentComment.id))) == 0


def _reviewed():
    """Submitted, with at least two open high flags for the reviewer."""
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    review_ops.submit(user("preparer"), a, "submit", None, expected_version=a.version)
    return a


def test_acknowledge_many_audits_each_flag_with_the_one_reason(ctx):
    a = _reviewed()
    ids = [f.id for f in a.content.flags if f.status == "open"][:2]
    assert len(ids) == 2, "the realistic assessment has several open flags"
    review_ops.acknowledge_many(
        user("reviewer"), a, ids, "Same cause: the reception closes.", expected_version=a.version
    )
    acked = {f.id: f for f in a.content.flags if f.id in ids}
    assert all(f.status == "acknowledged" for f in acked.values())
    assert {f.acknowledged.comment for f in acked.values()} == {"Same cause: the reception closes."}
    done = events("assessment.flag_acknowledged")
    assert sorted(e.changes[0]["field"] for e in done) == sorted(f"flags.{i}" for i in ids)


def test_acknowledge_many_is_all_or_nothing(ctx):
    a = _reviewed()
    first = next(f.id for f in a.content.flags if f.status == "open")
    version = a.version
    with pytest.raises(NotFound):
        review_ops.acknowledge_many(
            user("reviewer"), a, [first, "no-such-flag"], "Reason.", expected_version=version
        )
    db.session.expire_all()
    a = db.session.get(Assessment, a.id)
    assert a.version == version
    assert next(f for f in a.content.flags if f.id == first).status == "open"
    assert events("assessment.flag_acknowledged") == []
    with pytest.raises(ValidationFailed):
        review_ops.acknowledge_many(user("reviewer"), a, [], "Reason.", expected_version=version)


# --- the web ------------------------------------------------------------------------------


def test_web_submit_with_a_reviewer_and_the_refusal(client, demo):
    with demo.app_context():
        a = prepared(user("preparer"), db.session.get(Decision, 1))
        aid, version, did = a.id, a.version, a.decision_id
        reviewer_id, preparer_id = user("reviewer").id, user("preparer").id
    login(client, "preparer")
    use_language(client, "en")
    page = client.get(f"/decisions/{did}").get_data(as_text=True)
    assert 'name="reviewer_id"' in page and "Rasmus Backman" in page
    url = f"/assessments/{aid}/transitions"
    refused = post(
        client,
        url,
        {"trigger": "submit", "version": version, "reviewer_id": str(preparer_id)},
    )
    assert refused.status_code == 422
    assert "may not review this assessment" in refused.get_data(as_text=True)
    done = post(
        client, url, {"trigger": "submit", "version": version, "reviewer_id": str(reviewer_id)}
    )
    assert done.status_code == 302
    with demo.app_context():
        a = db.session.get(Assessment, aid)
        assert (a.state, a.reviewer_id) == ("in_review", reviewer_id)


def test_web_return_notice_on_dashboard_decision_and_sections(client, demo):
    with demo.app_context():
        a = returned_once()
        aid, did = a.id, a.decision_id
    login(client, "preparer")
    for url in ("/", f"/decisions/{did}", f"/assessments/{aid}/sections/mitigation"):
        page = client.get(url).get_data(as_text=True)
        assert RETURN_COMMENT in page, url
        assert "Rasmus Backman" in page, url


def test_web_section_comment(client, demo):
    with demo.app_context():
        a = returned_once()
        aid, did = a.id, a.decision_id
    login(client, "preparer")
    use_language(client, "en")
    url = f"/assessments/{aid}/comments/mitigation"
    here = f"/assessments/{aid}/sections/mitigation"
    empty = post(client, url, {"body": " ", "next": here})
    assert empty.status_code == 302  # back to the page, the error beside the field
    assert empty.headers["Location"].startswith(here)
    page = client.get(empty.headers["Location"]).get_data(as_text=True)
    assert "The comment is empty" in page and 'aria-invalid="true"' in page
    # Another site is never where the form goes back to.
    away = post(client, url, {"body": " ", "next": "//evil.example/x"})
    assert away.headers["Location"].startswith(f"/decisions/{did}")
    done = post(client, url, {"body": "Kuljetustuki lisätty.", "next": here})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Kuljetustuki lisätty." in page
    with demo.app_context():
        assert [c.body for c in db.session.scalars(select(AssessmentComment))] == [
            "Kuljetustuki lisätty."
        ]


def test_web_bulk_acknowledge(client, demo):
    with demo.app_context():
        a = _reviewed()
        aid, version = a.id, a.version
        ids = [f.id for f in a.content.flags if f.status == "open"][:2]
    login(client, "reviewer")
    page = client.get(f"/assessments/{aid}/flags").get_data(as_text=True)
    assert 'name="flag"' in page
    url = f"/assessments/{aid}/flags/acknowledge"
    refused = post(client, url, {"version": version, "comment": "Why.", "flag": []})
    assert refused.status_code == 422
    done = post(client, url, {"version": version, "comment": "Shared cause.", "flag": ids})
    assert done.status_code == 302
    with demo.app_context():
        a = db.session.get(Assessment, aid)
        assert {f.id for f in a.content.flags if f.status == "acknowledged"} >= set(ids)


# --- the API ------------------------------------------------------------------------------


def _api(client, method, path, token, json=None):
    return client.open(
        f"/api/v1{path}", method=method, json=json, headers={"Authorization": f"Bearer {token}"}
    )


def test_api_reviewer_choice_and_422(client, demo):
    with demo.app_context():
        a = prepared(user("preparer"), db.session.get(Decision, 1))
        aid = a.id
        token = issue_token(user("preparer"))
        reviewer_id, preparer_id = user("reviewer").id, user("preparer").id
    listed = _api(client, "GET", f"/assessments/{aid}/reviewers", token).get_json()
    assert [p["id"] for p in listed["reviewers"]] == [reviewer_id]
    assert listed["reviewer"] is None and listed["returned"] is None
    refused = _api(
        client,
        "POST",
        f"/assessments/{aid}/transitions",
        token,
        {"trigger": "submit", "reviewer_id": preparer_id},
    )
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"]["details"][0]["path"] == "reviewer_id"
    assert "may not review" in body["error"]["details"][0]["message"]
    done = _api(
        client,
        "POST",
        f"/assessments/{aid}/transitions",
        token,
        {"trigger": "submit", "reviewer_id": reviewer_id},
    )
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["state"], done.get_json()["reviewer"]) == ("in_review", reviewer_id)


def test_api_comments(client, demo):
    with demo.app_context():
        a = returned_once()
        aid = a.id
        token = issue_token(user("preparer"))
    listed = _api(client, "GET", f"/assessments/{aid}/reviewers", token).get_json()
    assert listed["returned"]["comment"] == RETURN_COMMENT
    bad = _api(client, "POST", f"/assessments/{aid}/comments", token, {"section": "x", "body": "a"})
    assert bad.status_code == 422
    made = _api(
        client,
        "POST",
        f"/assessments/{aid}/comments",
        token,
        {"section": "general", "body": "Korjattu."},
    )
    assert made.status_code == 201
    got = _api(client, "GET", f"/assessments/{aid}/comments", token).get_json()
    assert [(c["section"], c["body"], c["author"]) for c in got["items"]] == [
        ("general", "Korjattu.", "Paula Peltonen")
    ]


def test_the_reviewer_who_returned_it_is_preselected_when_none_was_chosen(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    ops.fire(user("preparer"), a, "submit", expected_version=a.version)  # no one chosen
    ops.fire(user("reviewer"), a, "return_for_revision", comment="Fix.", expected_version=a.version)
    assert a.reviewer_id is None
    assert review_ops.default_reviewer(user("preparer"), a).id == user("reviewer").id
