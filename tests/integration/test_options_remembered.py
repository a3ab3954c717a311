"""The steps possible now: what is remembered per stored version (the completeness of the
sections) and what is read afresh (everything else), and that the answer always equals a
fresh check, also after a change another worker made without a new version of the
assessment."""

from flask import current_app
from flask_babel import force_locale

from assess.extensions import db
from assess.models import Decision
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import reading
from assess.operations.demo_scenario import prepared, to_review
from tests.support import user


def fresh(who, a) -> list:
    return shown(ops.engine_for(a).options(ops.facts(a), ops.actor(who)))


def shown(options) -> list:
    return [(o.transition.trigger, [str(r) for r in o.reasons]) for o in options]


def read(who, a) -> list:
    """What a GET shows: options inside reading(), from a session with nothing pending."""
    db.session.commit()
    with reading():
        return shown(ops.options(who, a))


def remembered() -> int:
    cache = current_app.extensions.get("assess.completeness")
    return len(cache._items) if cache else 0


def new_decision(case: str) -> Decision:
    return decision_ops.create_decision(
        user("preparer"), case_number=case, title=case, language="fi", body_id=1, proposal=""
    )


def test_equal_to_a_fresh_check_per_version_user_and_language(ctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    a = prepared(preparer, new_decision("OPT/1"))
    first = read(preparer, a)
    assert first == fresh(preparer, a)
    count = remembered()
    assert count >= 1
    assert read(preparer, a) == first  # answered from memory
    assert remembered() == count
    # Another user with other roles sees their own steps (submit is the preparer's).
    assert read(reviewer, a) == fresh(reviewer, a) != first
    with force_locale("sv"):
        assert read(preparer, a) == fresh(preparer, a)
    # A new version: the submission moves the assessment on, and the steps with it.
    ops.fire(preparer, a, "submit", expected_version=a.version)
    after = read(reviewer, a)
    assert after == fresh(reviewer, a)
    assert {t for t, _ in after} != {t for t, _ in first}


def test_a_new_preparer_of_the_decision_is_seen(ctx):
    # The four-eyes rule: whoever prepares the decision may not approve its assessment.
    reviewer = user("reviewer")
    a = to_review(user("preparer"), new_decision("OPT/2"))
    before = read(reviewer, a)
    decision = db.session.get(Decision, a.decision_id)
    decision.preparer_id = reviewer.id  # the decision handed to the reviewer
    db.session.commit()
    assert read(reviewer, a) == fresh(reviewer, a) != before


def test_the_decisions_language_and_a_bilingual_organisation_are_seen(ctx):
    # The summary is needed in the decision's language, or in fi and sv when the
    # organisation is bilingual; neither change makes a new version of the assessment.
    preparer = user("preparer")
    a = prepared(preparer, new_decision("OPT/4"))
    a.data = {**a.data, "summary": {"fi": "Tiivistelmä."}}
    decision = a.decision
    decision.language, decision.organisation.bilingual = "fi", False
    db.session.commit()
    complete = read(preparer, a)
    assert complete == fresh(preparer, a)
    decision.language = "sv"
    db.session.commit()
    assert read(preparer, a) == fresh(preparer, a) != complete
    decision.language, decision.organisation.bilingual = "fi", True
    db.session.commit()
    assert read(preparer, a) == fresh(preparer, a) != complete


def test_only_committed_state_read_inside_reading_is_remembered(ctx):
    preparer = user("preparer")
    a = prepared(preparer, new_decision("OPT/3"))
    saved = read(preparer, a)
    count = remembered()
    # Unsaved: the assessment section is no longer complete.
    a.data = {**a.data, "impacts": []}
    unsaved = shown(ops.options(preparer, a))
    assert unsaved == fresh(preparer, a) != saved
    db.session.flush()  # flushed, not committed: still not what others see
    with reading():
        assert shown(ops.options(preparer, a)) == unsaved
    assert remembered() == count
    db.session.rollback()
    assert read(preparer, a) == saved
    # Outside reading() (a page after a change, say) nothing is remembered.
    ops.options(user("reviewer"), a)
    assert remembered() == count


def test_a_reviewer_linked_to_the_reviewing_body_is_seen(ctx):
    # The policy gives the review to a body: only its linked reviewers may approve. Linking
    # a reviewer changes the users' rows, not the assessment: no new version of it.
    from assess.operations.reviewer_bodies import set_review_bodies
    from tests.integration.test_policy_drives import POLICY, decision, publish

    publish(
        POLICY.replace(
            "  - decision_type: filling_post\n    rule: exempt",
            "  - decision_type: filling_post\n    review: {body: executive_board}\n"
            "    rule: exempt",
        )
    )
    reviewer = user("reviewer")
    a = ops.active_assessment(decision("filling_post"))
    db.session.commit()
    version = a.version
    before = read(reviewer, a)
    assert before == fresh(reviewer, a)
    assert [r for t, r in before if t == "confirm_screen_out"] != [[]]  # blocked: not linked
    set_review_bodies(user("admin"), reviewer, ["executive_board"])
    db.session.expire_all()  # as another worker's next request would read it
    after = read(reviewer, a)
    assert a.version == version
    assert after == fresh(reviewer, a) != before
    assert [r for t, r in after if t == "confirm_screen_out"] == [[]]  # now allowed


def test_a_follow_up_summary_written_is_seen(ctx):
    from assess.operations import follow_up as fu
    from tests.integration.test_follow_up import record_all
    from tests.support import acknowledge_high, to_review

    preparer, reviewer = user("preparer"), user("reviewer")
    a = to_review(preparer, db.session.get(Decision, 1))
    acknowledge_high(reviewer, a)
    for who, trigger in (
        (reviewer, "approve"),
        (user("secretary"), "record_decision"),
        (preparer, "start_follow_up"),
    ):
        ops.fire(who, a, trigger, expected_version=a.version)
    record_all(a)
    before = read(reviewer, a)
    assert before == fresh(reviewer, a)
    assert [r for t, r in before if t == "close"] == [
        ["Make the follow-up summary for those heard: older people's council."]
    ]
    fu.make_summary(reviewer, a, "older_people_council", "fi", expected_version=a.version)
    db.session.expire_all()
    after = read(reviewer, a)
    assert after == fresh(reviewer, a) != before
    assert [r for t, r in after if t == "close"] == [[]]


def test_the_remembered_part_is_a_function_of_its_key_only(ctx):
    # What is remembered must not depend on anything outside its key: computed for one
    # user, it serves another with other roles, and equals a fresh computation.
    preparer, reviewer = user("preparer"), user("reviewer")
    a = prepared(preparer, new_decision("OPT/5"))
    db.session.commit()
    with reading():
        ops.options(preparer, a)
    cache = current_app.extensions["assess.completeness"]
    key = (a.id, a.version, a.decision.language, bool(a.decision.organisation.bilingual))
    assert cache.get(key) == ops.completeness(a)
    assert read(reviewer, a) == fresh(reviewer, a)
