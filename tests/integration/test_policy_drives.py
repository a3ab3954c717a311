"""The organisation's policy drives the assessment (issue 17): the rule applied and recorded
when an assessment starts, exempt decisions proposed for screen-out, the level floor, the
process following the level, versions, and a change of the decision's type."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, DecisionType, Revision
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import policies
from assess.operations.context import today
from assess.operations.policy_applied import BelowPolicyMinimum
from assess.operations.users import issue_token
from assess.workflow import TransitionBlocked
from tests.support import (
    acknowledge_high,
    complete_assessment,
    complete_screening,
    login,
    post,
    use_language,
    user,
)

POLICY = """
format: 1
decision_types:
  - id: service_network_change
    labels: {fi: Palveluverkon muutos, sv: Ändring av servicenätet, en: Service network change}
  - id: procurement
    labels: {fi: Hankinta, sv: Upphandling, en: Procurement}
  - id: fee_change
    labels: {fi: Maksujen muutos, sv: Ändring av avgifter, en: Fee change}
  - id: filling_post
    labels: {fi: Viran täyttö, sv: Tillsättning av tjänst, en: Filling a post}
  - id: statement
    labels: {fi: Lausunto, sv: Utlåtande, en: Statement}
default:
  rule: screen
rules:
  - decision_type: service_network_change
    rule: full
  - decision_type: fee_change
    rule: light
  - decision_type: procurement
    rule: screen
    threshold_eur: 100000
  - decision_type: procurement
    body: executive_board
    rule: light
  - decision_type: filling_post
    rule: exempt
    exempt_category: filling_posts
processes:
  screening: eva-standard
  light: eva-light
  full: eva-standard
time_limits:
  submit_days_before_meeting: 21
"""

_case = iter(range(1, 10_000))


def publish(text=POLICY, starts_on=None):
    version, problems = policies.import_policy(
        user("admin"), text, source="policy.yaml", publish=True, starts_on=starts_on or today()
    )
    assert problems == [] and version is not None
    return version


@pytest.fixture
def policy(ctx):
    return publish()


def body(key):
    org = user("preparer").organisation
    return next(b for b in org.bodies if b.key == key)


def decision(type_key=None, *, amount=None, body_key="wellbeing_committee", who="preparer"):
    org = user(who).organisation
    dtype = db.session.scalar(
        select(DecisionType).where(
            DecisionType.organisation_id == org.id, DecisionType.key == type_key
        )
    )
    data = {
        "case_number": f"POL/{next(_case)}/2027",
        "title": f"Päätös {type_key}",
        "language": "fi",
        "body_id": body(body_key).id,
        "proposal": "",
    }
    if dtype is not None:
        data["decision_type"] = dtype.key
    if amount is not None:
        data["amount_eur"] = amount
    return decision_ops.create_decision(user(who), **data)


def start(d):
    return ops.create_assessment(user("preparer"), d)


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def screen(a, level, reason=""):
    step("preparer", a, "start_screening")
    complete_screening(user("preparer"), a, level)
    if reason:
        answer_ops.save_screening(
            user("preparer"),
            a,
            {**a.content.screening.dump(), "level_reason": reason},
            expected_version=a.version,
        )


def events(a, action=None):
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == "assessment", AuditEvent.object_id == a.id
    )
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.session.scalars(stmt.order_by(AuditEvent.id)).all()


def changed(event, field):
    return next(c for c in event.changes if c["field"] == field)


# --- each rule kind, recorded when the assessment starts ----------------------------------


@pytest.mark.parametrize(
    ("type_key", "amount", "body_key", "rule", "minimum", "matched"),
    [
        ("service_network_change", None, "wellbeing_committee", "full", "full", "type"),
        ("fee_change", None, "wellbeing_committee", "light", "light", "type"),
        ("procurement", 80_000, "wellbeing_committee", "screen", "none", "type"),
        ("procurement", 100_000, "wellbeing_committee", "screen", "light", "type"),
        ("procurement", 150_000, "wellbeing_committee", "screen", "light", "type"),
        ("procurement", 80_000, "executive_board", "light", "light", "body"),
        ("statement", None, "wellbeing_committee", "screen", "none", "default"),
    ],
)
def test_the_rule_is_applied_and_recorded_when_the_assessment_starts(
    policy, type_key, amount, body_key, rule, minimum, matched
):
    a = start(decision(type_key, amount=amount, body_key=body_key))
    assert a.policy_version_id == policy.id
    assert a.policy["rule"] == rule and a.policy["minimum_level"] == minimum
    assert a.policy["matched"] == matched and a.policy["policy_version"] == policy.version
    created = events(a, "assessment.created")[0]
    assert changed(created, "policy_version")["new"] == policy.version
    assert changed(created, "policy")["new"]["rule"] == rule


def test_without_a_policy_the_built_in_default_applies(ctx):
    a = start(decision())
    assert a.policy_version_id is None
    assert a.policy["matched"] == "builtin" and a.policy["minimum_level"] == "none"
    assert (a.workflow_key, a.state) == ("eva-standard", "draft")


# --- exempt: proposed screen-out, confirmed by a reviewer ---------------------------------


def test_an_exempt_decision_gets_its_screen_out_proposed_and_a_reviewer_confirms(policy):
    d = decision("filling_post")
    a = ops.active_assessment(d)
    assert a is not None and a.state == "screen_out_proposed"
    screening = a.content.screening
    assert screening.level == "none" and screening.exempt_category == "filling_posts"
    actions = [e.action for e in events(a)]
    assert actions == [
        "assessment.created",
        "assessment.answers_saved",
        "assessment.transition",
        "assessment.transition",
    ]
    # Four eyes: the preparer who created the decision cannot confirm it.
    with pytest.raises(TransitionBlocked):
        step("preparer", a, "confirm_screen_out")
    step("reviewer", a, "confirm_screen_out")
    assert a.state == "screened_out"


def test_a_reviewer_may_reject_the_exempt_proposal_back_to_screening(policy):
    a = ops.active_assessment(decision("filling_post"))
    step("reviewer", a, "reject_screen_out", comment="This is a new post, not a filling.")
    assert a.state == "screening"


def test_a_decision_that_is_not_exempt_gets_no_assessment_by_itself(policy):
    assert ops.active_assessment(decision("fee_change")) is None


# --- the level floor ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_key", "amount", "refused", "allowed"),
    [
        ("service_network_change", None, ["none", "light"], "full"),
        ("fee_change", None, ["none"], "light"),
        ("procurement", 150_000, ["none"], "light"),
    ],
)
def test_a_level_below_the_minimum_is_refused(policy, type_key, amount, refused, allowed):
    a = start(decision(type_key, amount=amount))
    step("preparer", a, "start_screening")
    for level in refused:
        before = (a.version, dict(a.data))
        with pytest.raises(BelowPolicyMinimum) as err:
            complete_screening(user("preparer"), a, level)
        details = err.value.details[0]
        assert details["minimum_level"] == allowed if allowed != "full" else "full"
        assert details["rule"] == a.policy["rule"] and details["policy_version"] == 1
        assert details["decision_type"] == type_key
        assert (a.version, a.data) == before  # nothing stored
    complete_screening(user("preparer"), a, allowed)
    assert a.content.screening.level == allowed


def test_below_the_recommendation_still_needs_a_reason(policy):
    # The screening recommends full (a service network question is yes); a fee change
    # needs at least light; light is allowed, and a reason is still asked for.
    a = start(decision("fee_change"))
    step("preparer", a, "start_screening")

    form = answer_ops.form_for(a)
    answers = {q.id: "no" for q in form.screening.questions}
    answers.update(s_many_residents="yes", s_service_network="yes")
    answer_ops.save_screening(
        user("preparer"), a, {"answers": answers, "level": "light"}, expected_version=a.version
    )
    with pytest.raises(TransitionBlocked) as blocked:
        step("preparer", a, "start_assessment")
    assert any("reason" in str(r) for r in blocked.value.reasons)


def test_the_api_refuses_a_level_below_the_minimum_with_409(policy, demo):
    a = start(decision("service_network_change"))
    step("preparer", a, "start_screening")
    headers = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    client = demo.test_client()
    path = f"/api/v1/assessments/{a.id}"
    got = client.get(path, headers=headers)
    body_ = got.get_json()
    assert body_["policy"]["rule"] == "full" and body_["policy"]["minimum_level"] == "full"
    assert body_["policy"]["version"] == 1
    assert body_["policy"]["decision_type"] == "service_network_change"
    assert "Service network change" in body_["policy"]["explanation"]
    refused = client.patch(
        path, json={"level": "light"}, headers={**headers, "If-Match": got.headers["ETag"]}
    )
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "below_policy_minimum"
    detail = error["details"][0]
    assert detail["minimum_level"] == "full" and detail["rule"] == "full"
    assert detail["policy_version"] == 1 and detail["decision_type"] == "service_network_change"
    assert client.get(path, headers=headers).get_json()["level"] is None
    accepted = client.patch(
        path, json={"level": "full"}, headers={**headers, "If-Match": got.headers["ETag"]}
    )
    assert accepted.status_code == 200 and accepted.get_json()["level"] == "full"


def test_the_api_shows_the_rule_on_the_decision(policy, demo):
    d = decision("fee_change")
    headers = {
        "Authorization": f"Bearer {issue_token(user('preparer'))}",
        "Accept-Language": "fi",
    }
    got = demo.test_client().get(f"/api/v1/decisions/{d.id}", headers=headers).get_json()
    assert got["policy"]["rule"] == "light" and got["policy"]["minimum_level"] == "light"
    assert "Maksujen muutos" in got["policy"]["explanation"]


@pytest.fixture
def web(demo):
    """The demo with the policy published, and no application context held: each request
    of the test client gets its own."""
    with demo.app_context():
        publish()
    return demo


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fi", "Organisaation arviointimalli määrää"),
        ("sv", "Organisationens bedömningsmodell anger"),
        ("en", "assessment policy sets the lowest level"),
    ],
)
def test_the_guided_screening_page_refuses_a_level_below_the_minimum(web, language, message):
    with web.app_context():
        a = start(decision("service_network_change"))
        step("preparer", a, "start_screening")
        assessment_id, version = a.id, a.version
        questions = [q.id for q in answer_ops.form_for(a).screening.questions]
    client = web.test_client()
    login(client, "preparer")
    use_language(client, language)
    response = post(
        client,
        f"/assessments/{assessment_id}/screening",
        {
            **{q: "no" for q in questions},
            "level": "light",
            "level_reason": "Vain pieni muutos.",
            "version": version,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert message in page
    assert "Vain pieni muutos." in page  # the typed input is kept
    with web.app_context():
        stored = ops.get_assessment(user("preparer"), assessment_id)
        assert stored.content.screening.level is None


def test_the_decision_page_explains_the_rule(web):
    with web.app_context():
        decision_id = decision("service_network_change").id
    client = web.test_client()
    login(client, "preparer")
    use_language(client, "en")
    page = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "Decision type Service network change: full assessment required" in page
    use_language(client, "fi")
    page = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "Palveluverkon muutos" in page


# --- the process follows the level ------------------------------------------------------


def test_a_light_assessment_continues_in_the_light_process(policy):
    a = start(decision("fee_change"))
    assert a.workflow_key == "eva-standard"
    screen(a, "light")
    step("preparer", a, "start_assessment")
    assert (a.workflow_key, a.state) == ("eva-light", "in_assessment")
    transition = events(a, "assessment.transition")[-1]
    assert changed(transition, "workflow") == {
        "field": "workflow",
        "old": "eva-standard@1",
        "new": "eva-light@1",
    }
    revision = db.session.scalars(
        select(Revision).where(Revision.assessment_id == a.id).order_by(Revision.seq.desc())
    ).first()
    assert revision.snapshot["workflow"] == {"key": "eva-light", "version": 1}
    assert revision.snapshot["transition"]["workflow"]["old"] == "eva-standard@1"


def test_a_full_assessment_started_in_the_light_process_continues_with_a_follow_up(policy):
    a = ops.create_assessment(
        user("preparer"), decision("service_network_change"), workflow="eva-light"
    )
    screen(a, "full")
    step("preparer", a, "start_assessment")
    assert a.workflow_key == "eva-standard"
    complete_assessment(user("preparer"), a, "full")
    step("preparer", a, "submit")
    acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")
    step("secretary", a, "record_decision")
    step("preparer", a, "start_follow_up")
    assert a.state == "follow_up"


def test_without_a_policy_a_full_assessment_leaves_a_process_without_follow_up(ctx):
    a = ops.create_assessment(user("preparer"), decision(), workflow="eva-light")
    screen(a, "full")
    step("preparer", a, "start_assessment")
    assert a.workflow_key == "eva-standard"
    b = ops.create_assessment(user("preparer"), decision(), workflow="eva-light")
    screen(b, "light")
    step("preparer", b, "start_assessment")
    assert b.workflow_key == "eva-light"  # as before policies: no change
    c = start(decision())
    screen(c, "light")
    step("preparer", c, "start_assessment")
    assert c.workflow_key == "eva-standard"


# --- versions ---------------------------------------------------------------------------------


def test_an_assessment_keeps_the_version_it_started_under(policy):
    first = start(decision("fee_change"))
    stricter = POLICY.replace(
        "  - decision_type: fee_change\n    rule: light",
        "  - decision_type: fee_change\n    rule: full",
    )
    second_version = publish(stricter)
    assert second_version.version == 2
    second = start(decision("fee_change"))
    assert (first.policy["policy_version"], first.policy["rule"]) == (1, "light")
    assert (second.policy["policy_version"], second.policy["rule"]) == (2, "full")
    step("preparer", first, "start_screening")
    complete_screening(user("preparer"), first, "light")  # still version 1's floor
    assert first.content.screening.level == "light"


def test_a_version_starting_later_applies_from_its_day(policy):
    later = POLICY.replace("rule: light", "rule: full", 1)
    publish(later, starts_on=today() + timedelta(days=30))
    assert start(decision("fee_change")).policy["policy_version"] == 1


# --- a change of type re-applies the policy -------------------------------------------------


def test_a_change_of_type_re_applies_the_policy_and_blocks_a_level_now_too_low(policy):
    d = decision("fee_change")
    a = start(d)
    screen(a, "light")
    decision_ops.update_decision(
        user("preparer"),
        d,
        expected_version=d.version,
        case_number=d.case_number,
        title=d.title,
        language=d.language,
        body_id=d.body_id,
        proposal=d.proposal,
        decision_type="service_network_change",
    )
    assert a.policy["rule"] == "full" and a.policy["policy_version"] == 1
    event = events(a, "assessment.policy_applied")[-1]
    policy_change = changed(event, "policy")
    assert policy_change["old"]["rule"] == "light" and policy_change["new"]["rule"] == "full"
    assert a.content.screening.level == "light"  # the answers are not changed
    with pytest.raises(TransitionBlocked) as blocked:
        step("preparer", a, "start_assessment")
    assert any("raise the level" in str(r) for r in blocked.value.reasons)
    complete_screening(user("preparer"), a, "full")
    step("preparer", a, "start_assessment")
    assert a.state == "in_assessment"


def test_a_change_of_amount_over_the_threshold_re_applies_the_policy(policy):
    d = decision("procurement", amount=80_000)
    a = start(d)
    assert a.policy["minimum_level"] == "none"
    decision_ops.update_decision(
        user("preparer"),
        d,
        expected_version=d.version,
        case_number=d.case_number,
        title=d.title,
        language=d.language,
        body_id=d.body_id,
        proposal=d.proposal,
        decision_type="procurement",
        amount_eur=150_000,
    )
    assert a.policy["minimum_level"] == "light"


# --- the time limit -------------------------------------------------------------------------


def test_the_late_flag_counts_the_policys_days(policy):
    from assess.operations import flags as flag_ops

    a = start(decision("fee_change"))
    context = flag_ops.context(a, a.content)
    assert context.late_days == 21


def test_a_handover_to_a_process_without_the_state_is_refused(policy, app):
    a = start(decision("fee_change"))
    screen(a, "light")
    definition = ops.engine_for(a).definition
    light = ops.workflows().latest("eva-light").definition
    assert definition.handover_problems(light) == []
    broken = light.model_copy(update={"states": {"draft": light.states["draft"]}})
    assert "has no state 'in_assessment'" in definition.handover_problems(broken)[0]


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_gets_its_policy_and_the_scenario_runs_under_it(app):
    from assess.models import Assessment, Decision, Document

    def run(*args):
        return app.test_cli_runner().invoke(args=list(args))

    first = run("demo", "load")
    assert first.exit_code == 0, first.output
    assert "1 policies added" in first.output and "4 typed decisions added" in first.output
    scenario = run("demo", "scenario")
    assert scenario.exit_code == 0 and "meeting 12 planned" in scenario.output, scenario.output
    with app.app_context():
        rows = {a.decision.case_number: a for a in db.session.scalars(select(Assessment)).all()}
        closure = rows["KPHA/412/2026"]
        assert closure.decision.decision_type.key == "service_network_change"
        assert closure.policy["rule"] == "full" and closure.policy["policy_version"] == 1
        assert (closure.workflow_key, closure.state) == ("eva-standard", "approved")
        assert closure.content.screening.level == "full"
        evening = rows["KPHA/431/2026"]
        assert evening.policy["rule"] == "light"
        assert (evening.workflow_key, evening.state) == ("eva-light", "in_review")
        # The approved originals fi and sv and their agenda copies (issue 19).
        assert db.session.scalar(select(func.count()).select_from(Document)) == 4
        typed = db.session.scalars(select(Decision).where(Decision.decision_type_id.is_(None)))
        assert typed.all() == []
    again = run("demo", "load")
    assert "0 policies added" in again.output and "0 typed decisions added" in again.output


def test_the_history_page_shows_the_process_change(web):
    with web.app_context():
        a = start(decision("fee_change"))
        screen(a, "light")
        step("preparer", a, "start_assessment")
        assessment_id = a.id
    client = web.test_client()
    login(client, "preparer")
    use_language(client, "en")
    page = client.get(f"/assessments/{assessment_id}/history").get_data(as_text=True)
    # The processes by their names in the reader's language, never their ids (issue 21).
    assert "Ex-ante impact assessment (standard process)</del> → <ins>" in page
    assert "Ex-ante impact assessment (light process)</ins>" in page
    assert "eva-standard@1" not in page and "eva-light@1" not in page


# --- who reviews ----------------------------------------------------------------------------


def test_a_review_narrowed_to_a_body_lets_only_its_reviewers_approve(ctx):
    from assess.operations import users as user_ops
    from assess.operations.reviewer_bodies import set_review_bodies

    publish(
        POLICY.replace(
            "  - decision_type: filling_post\n    rule: exempt",
            "  - decision_type: filling_post\n    review: {body: executive_board}\n"
            "    rule: exempt",
        )
    )
    a = ops.active_assessment(decision("filling_post"))
    assert a.state == "screen_out_proposed"
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "confirm_screen_out")
    assert any("Aluehallitus" in str(r) for r in blocked.value.reasons), blocked.value.reasons
    assert set_review_bodies(user("admin"), user("reviewer"), ["executive_board"]) == [
        "executive_board"
    ]
    step("reviewer", a, "confirm_screen_out")
    assert a.state == "screened_out"
    with pytest.raises(Exception, match="not one of the organisation's bodies"):
        set_review_bodies(user("admin"), user("reviewer"), ["nowhere"])
    assert user_ops.user_by_email("reviewer@demo.example").id == user("reviewer").id


def test_the_policy_names_the_reviewing_role(ctx):
    publish(POLICY.replace("time_limits:", "review:\n  role: admin\ntime_limits:"))
    a = ops.active_assessment(decision("filling_post"))
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "confirm_screen_out")
    assert any("names the role" in str(r) for r in blocked.value.reasons)


def test_an_admin_links_a_reviewer_to_bodies_on_the_user_page(demo):
    with demo.app_context():
        reviewer_id = user("reviewer").id
    client = demo.test_client()
    login(client, "admin")
    use_language(client, "fi")
    page = client.get(f"/admin/users/{reviewer_id}").get_data(as_text=True)
    assert "Tarkastaa asiat" in page and 'value="executive_board"' in page
    response = post(
        client, f"/admin/users/{reviewer_id}/review-bodies", {"body": ["executive_board"]}
    )
    assert response.status_code == 302
    with demo.app_context():
        from assess.operations.reviewer_bodies import review_bodies

        assert review_bodies(user("reviewer")) == ["executive_board"]
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "user.review_bodies_set")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert changed(event, "review_bodies") == {
            "field": "review_bodies",
            "old": [],
            "new": ["executive_board"],
        }
    refused = post(client, f"/admin/users/{reviewer_id}/review-bodies", {"body": ["nowhere"]})
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "ei ole organisaation toimielin" in page
    with demo.app_context():
        assert review_bodies(user("reviewer")) == ["executive_board"]
    preparer = demo.test_client()
    login(preparer, "preparer")
    forbidden = post(preparer, f"/admin/users/{reviewer_id}/review-bodies", {"body": []})
    assert forbidden.status_code == 403
