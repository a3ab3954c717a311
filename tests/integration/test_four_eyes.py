"""Four eyes on content, not on names (issue 15, item 3).

The attack: person B holds both the preparer and the reviewer role. B turns the impacts
from negative to positive, A (the preparer) makes a trivial save so that B is no longer
the last editor, B submits, acknowledges the flags and approves. The old rule looked only
at who created the assessment, who edited it last and who prepared the decision, so B
passed. Now anyone who changed the content since the last return to preparation, or who
prepared it, is refused, whatever their roles, and the reason says what they changed and
when: in the operations, the web and the API, for the approval and for confirming a
screen-out.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess import audit
from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision, User
from assess.operations import Forbidden
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import flags as flag_ops
from assess.operations.users import create_user, issue_token
from assess.workflow import TransitionBlocked
from tests.support import (
    acknowledge_high,
    complete_screening,
    login,
    post,
    prepared,
    use_language,
    user,
)

BOTH = ("both@demo.example", "Bea Both", "two-hats-2026-xq")


def both_roles():
    """B: a person who is a preparer and a reviewer, as small bodies' officials often are."""
    email, name, password = BOTH
    found = db.session.scalar(select(User).where(User.email == email))
    if found is not None:
        return found
    return create_user(
        organisation=user("preparer").organisation,
        email=email,
        name=name,
        roles=["preparer", "reviewer"],
        password=password,
        preferred_language="en",
    )


def fire(who, a, trigger, comment=""):
    return ops.fire(who, a, trigger, comment=comment, expected_version=a.version)


def positive(a):
    """The rural residents' cells turned from negative to positive, as B does (the older
    people's stay negative: a high flag stays for the review to weigh)."""
    return [
        {**c.dump(), "direction": "positive", "mitigation": ""}
        for c in a.content.impacts
        if c.direction == "negative" and c.group == "rural_residents"
    ]


def trivial_save(a):
    """A (the preparer) saves a summary with a full stop more: the last editor is A again."""
    summary = dict(a.content.summary)
    summary["fi"] = summary.get("fi", "") + "."
    answer_ops.save_section(
        user("preparer"), a, "summary", {"summary": summary}, expected_version=a.version
    )


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def tampered(ctx):
    """A prepared the assessment, B turned the impacts positive, A saved trivially."""
    b = both_roles()
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    for cell in positive(a):
        answer_ops.save_cell(b, a, cell, expected_version=a.version)
    trivial_save(a)
    assert a.last_edited_by_id == user("preparer").id
    return a


# --- the operations -----------------------------------------------------------------


def test_who_changed_the_impacts_cannot_approve_whatever_their_roles(tampered):
    a, b = tampered, both_roles()
    fire(b, a, "submit")  # submitting is a preparer's step: allowed
    with pytest.raises(Forbidden) as refused_ack:
        acknowledge_high(b, a)
    assert "the impacts" in str(refused_ack.value)
    before, version = events(), a.version
    with pytest.raises(TransitionBlocked) as refused:
        fire(b, a, "approve")
    texts = [r.render("en") for r in refused.value.reasons]
    four_eyes = next(t for t in texts if "four-eyes" in t)
    assert four_eyes.startswith("You changed the impacts of this assessment (last on ")
    assert "after it was last returned for preparation" in four_eyes
    db.session.rollback()
    assert (a.state, a.version, events()) == ("in_review", version, before)
    assert audit.verify(db.session).intact


def test_the_reason_names_the_sections_and_the_time_in_the_readers_language(tampered):
    a, b = tampered, both_roles()
    answer_ops.save_section(
        b,
        a,
        "mitigation",
        {"answers": {"recommendation_reason": "Costs."}},
        expected_version=a.version,
    )
    fire(b, a, "submit")
    with pytest.raises(TransitionBlocked) as refused:
        fire(b, a, "approve")
    reason = next(r for r in refused.value.reasons if "four-eyes" in r.render("en"))
    when = db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.object_id == a.id,
            AuditEvent.actor_id == b.id,
            AuditEvent.action == "assessment.answers_saved",
        )
    )
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo("Europe/Helsinki"))
    en, fi, sv = (reason.render(lang) for lang in ("en", "fi", "sv"))
    section = answer_ops.form_for(a).section("mitigation").labels
    assert section.en in en and section.fi in fi and section.sv in sv
    assert local.strftime("%d/%m/%Y, %H:%M") in en
    # Finnish writes the hour without a leading zero (H.mm): 0.25 after midnight, 10.25 later.
    assert f"{local.day}.{local.month}.{local.year} {local.hour}.{local:%M}" in fi
    assert local.strftime("%Y-%m-%d %H:%M") in sv
    assert "(vaikutukset" in fi and "(konsekvenserna" in sv  # the impacts, translated


def test_another_reviewer_who_changed_nothing_approves(tampered):
    a = tampered
    fire(both_roles(), a, "submit")
    acknowledge_high(user("reviewer"), a)
    fire(user("reviewer"), a, "approve")
    assert a.state == "approved"


def test_the_legitimate_path_a_prepares_and_b_reviews(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    fire(user("preparer"), a, "submit")
    b = both_roles()  # holds the preparer role too, but changed nothing
    acknowledge_high(b, a)
    fire(b, a, "approve")
    assert a.state == "approved"


def test_the_preparer_with_a_reviewer_role_still_cannot_approve(ctx):
    b = both_roles()
    a = prepared(b, db.session.get(Decision, 1))
    fire(b, a, "submit")
    with pytest.raises(TransitionBlocked) as refused:
        fire(b, a, "approve")
    assert any("four-eyes" in r.render("en") for r in refused.value.reasons)


def test_a_return_to_preparation_starts_the_count_again(tampered):
    a, b = tampered, both_roles()
    fire(b, a, "submit")
    fire(user("reviewer"), a, "return_for_revision", "Check the impacts again.")
    trivial_save(a)
    fire(user("preparer"), a, "submit")
    # What B changed before the return was sent back and reviewed again; B changed
    # nothing since, so B may be the second pair of eyes now.
    acknowledge_high(b, a)
    fire(b, a, "approve")
    assert a.state == "approved"


def test_acknowledging_flags_and_comments_are_not_content_changes(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    fire(user("preparer"), a, "submit")
    b = both_roles()
    acknowledge_high(b, a)  # B weighs the flags: the review's own work
    fire(user("reviewer"), a, "return_for_revision", "Please check.")
    fire(user("preparer"), a, "submit")
    acknowledge_high(b, a)
    fire(b, a, "approve")
    assert a.state == "approved"


def test_who_changed_the_screening_cannot_confirm_the_screen_out(ctx):
    b = both_roles()
    preparer = user("preparer")
    a = ops.create_assessment(preparer, db.session.get(Decision, 1))
    fire(preparer, a, "start_screening")
    complete_screening(preparer, a)
    # B says no assessment is needed; A re-saves the screening as it is then.
    answer_ops.save_screening(
        b,
        a,
        {
            "answers": a.content.screening.answers,
            "level": "none",
            "level_reason": "Only a change of wording.",
        },
        expected_version=a.version,
    )
    fire(preparer, a, "propose_screen_out")
    with pytest.raises(TransitionBlocked) as refused:
        fire(b, a, "confirm_screen_out")
    texts = [r.render("en") for r in refused.value.reasons]
    assert any(t.startswith("You changed the screening of this assessment") for t in texts)
    fire(user("reviewer"), a, "confirm_screen_out")
    assert a.state == "screened_out"


def test_the_options_show_the_reason_before_the_step_is_tried(tampered):
    a, b = tampered, both_roles()
    fire(b, a, "submit")
    approve = next(o for o in ops.options(b, a) if o.transition.trigger == "approve")
    assert any("You changed the impacts" in r.render("en") for r in approve.reasons)
    assert not flag_ops.may_acknowledge(b, a)


# --- the web --------------------------------------------------------------------------


def _tampered_in_the_web(demo, client):
    """A prepares; B turns every negative cell positive through the guided form's pages."""
    with demo.app_context():
        b_id = both_roles().id
        a = prepared(user("preparer"), db.session.get(Decision, 1))
        cells, assessment_id = positive(a), a.id
    login(client, email=BOTH[0], password=BOTH[2])
    use_language(client, "en")
    for cell in cells:
        with demo.app_context():
            version = db.session.get(Assessment, assessment_id).version
        url = (
            f"/assessments/{assessment_id}/impacts/"
            f"{cell['alternative']}/{cell['group']}/{cell['dimension']}"
        )
        fields = {
            k: v for k, v in cell.items() if k not in ("alternative", "group", "dimension") and v
        }
        response = post(client, url, {**fields, "version": version})
        assert response.status_code == 302, response.get_data(as_text=True)
    with demo.app_context():
        a = db.session.get(Assessment, assessment_id)
        changed = {(c["alternative"], c["group"], c["dimension"]) for c in cells}
        assert all(c.direction == "positive" for c in a.content.impacts if c.key in changed)
        assert a.last_edited_by_id == b_id
        trivial_save(a)
        return a.id


def _version(demo, assessment_id):
    with demo.app_context():
        return db.session.get(Assessment, assessment_id).version


def test_web_the_attack_is_refused_with_the_reason(demo, client):
    assessment_id = _tampered_in_the_web(demo, client)
    url = f"/assessments/{assessment_id}/transitions"
    submitted = post(client, url, {"trigger": "submit", "version": _version(demo, assessment_id)})
    assert submitted.status_code == 302
    with demo.app_context():
        a = db.session.get(Assessment, assessment_id)
        flags = [f.id for f in a.content.flags if f.severity == "high" and f.status == "open"]
    assert flags  # the rural residents' cells stay negative: a high flag is left to weigh
    review = client.get(f"/assessments/{assessment_id}/flags").get_data(as_text=True)
    assert 'id="acknowledge-refused"' in review and "You changed the impacts" in review
    assert f"/flags/{flags[0]}/acknowledge" not in review  # no control to try
    for flag_id in flags:
        refused_ack = post(
            client,
            f"/assessments/{assessment_id}/flags/{flag_id}/acknowledge",
            {"comment": "Fine.", "version": _version(demo, assessment_id)},
        )
        assert refused_ack.status_code == 403
        assert "You changed the impacts of this assessment" in refused_ack.get_data(as_text=True)
    with demo.app_context():
        before = events()
    version = _version(demo, assessment_id)
    refused = post(client, url, {"trigger": "approve", "version": version})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "You changed the impacts of this assessment (last on " in page
    use_language(client, "fi")
    refused_fi = post(client, url, {"trigger": "approve", "version": version})
    assert refused_fi.status_code == 409
    assert "Muutit tämän arvioinnin sisältöä (vaikutukset" in refused_fi.get_data(as_text=True)
    with demo.app_context():
        a = db.session.get(Assessment, assessment_id)
        assert (a.state, a.version, events()) == ("in_review", version, before)
        assert audit.verify(db.session).intact


def test_web_another_reviewer_approves(demo, client):
    assessment_id = _tampered_in_the_web(demo, client)
    url = f"/assessments/{assessment_id}/transitions"
    post(client, url, {"trigger": "submit", "version": _version(demo, assessment_id)})
    with demo.app_context():
        acknowledge_high(user("reviewer"), db.session.get(Assessment, assessment_id))
    reviewer = demo.test_client()
    login(reviewer, "reviewer")
    form = {"trigger": "approve", "version": _version(demo, assessment_id), "confirmed": "yes"}
    approved = post(reviewer, url, form)
    assert approved.status_code == 302
    with demo.app_context():
        assert db.session.get(Assessment, assessment_id).state == "approved"


# --- the API --------------------------------------------------------------------------


@pytest.fixture
def api(demo):
    with demo.app_context():
        tokens = {
            "a": issue_token(user("preparer")),
            "b": issue_token(both_roles()),
            "c": issue_token(user("reviewer")),
        }
    client = demo.test_client()

    def call(method, path, who, json=None, headers=None):
        headers = {"Authorization": f"Bearer {tokens[who]}", **(headers or {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=headers)

    return call


def _prepared_for_the_api(demo):
    with demo.app_context():
        a = prepared(user("preparer"), db.session.get(Decision, 1))
        return a.id, positive(a)


def test_api_the_attack_is_refused_with_409_and_the_reason(demo, api):
    assessment_id, cells = _prepared_for_the_api(demo)
    path = f"/assessments/{assessment_id}"
    current = api("GET", path, "b").get_json()
    others = [
        c
        for c in current["impacts"]
        if (c["alternative"], c["group"], c["dimension"])
        not in {(x["alternative"], x["group"], x["dimension"]) for x in cells}
    ]
    changed = api(
        "PATCH",
        path,
        "b",
        json={"impacts": others + cells},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert changed.status_code == 200, changed.get_json()
    version = changed.get_json()["version"]
    summary = {**changed.get_json()["summary"]}
    summary["fi"] = summary.get("fi", "") + "."
    trivial = api(
        "PATCH", path, "a", json={"summary": summary}, headers={"If-Match": f'"{version}"'}
    )
    assert trivial.status_code == 200, trivial.get_json()
    submitted = api("POST", path + "/transitions", "b", json={"trigger": "submit"})
    assert submitted.status_code == 200, submitted.get_json()
    for flag in submitted.get_json()["flags"]:
        if flag["severity"] == "high" and flag["status"] == "open":
            ack = api(
                "POST", f"{path}/flags/{flag['id']}/acknowledge", "b", json={"comment": "Fine."}
            )
            assert ack.status_code == 403, ack.get_json()
    with demo.app_context():
        before = events()
    for language, expected in (
        ("en", "You changed the impacts of this assessment (last on "),
        ("fi", "Muutit tämän arvioinnin sisältöä (vaikutukset"),
        ("sv", "Du ändrade innehållet i den här bedömningen (konsekvenserna"),
    ):
        refused = api(
            "POST",
            path + "/transitions",
            "b",
            json={"trigger": "approve"},
            headers={"Accept-Language": language},
        )
        assert refused.status_code == 409
        error = refused.get_json()["error"]
        assert error["code"] == "transition_blocked"
        assert any(expected in str(d) for d in error["details"]), error["details"]
    with demo.app_context():
        a = db.session.get(Assessment, assessment_id)
        assert (a.state, events()) == ("in_review", before)
        assert audit.verify(db.session).intact
    for flag in submitted.get_json()["flags"]:
        if flag["severity"] == "high" and flag["status"] == "open":
            api("POST", f"{path}/flags/{flag['id']}/acknowledge", "c", json={"comment": "Ok."})
    approved = api("POST", path + "/transitions", "c", json={"trigger": "approve"})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "approved"
