"""The steps possible now are remembered per stored version, and always equal a fresh check."""

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
    cache = current_app.extensions.get("assess.options")
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
