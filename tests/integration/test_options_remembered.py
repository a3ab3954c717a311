"""The steps possible now are remembered per stored version, and always equal a fresh check."""

from flask import current_app
from flask_babel import force_locale

from assess.extensions import db
from assess.models import Decision
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations.demo_scenario import prepared, to_review
from tests.support import user


def fresh(who, a) -> list:
    return shown(ops.engine_for(a).options(ops.facts(a), ops.actor(who)))


def shown(options) -> list:
    return [(o.transition.trigger, [str(r) for r in o.reasons]) for o in options]


def remembered() -> int:
    cache = current_app.extensions.get("assess.options")
    return len(cache._items) if cache else 0


def new_decision(case: str) -> Decision:
    return decision_ops.create_decision(user("preparer"), case_number=case, title=case,
                                        language="fi", body_id=1, proposal="")  # fmt: skip


def test_equal_to_a_fresh_check_per_version_user_and_language(ctx):
    preparer, reviewer = user("preparer"), user("reviewer")
    a = prepared(preparer, new_decision("OPT/1"))
    first = shown(ops.options(preparer, a))
    assert first == fresh(preparer, a)
    count = remembered()
    assert shown(ops.options(preparer, a)) == first  # answered from memory
    assert remembered() == count
    # Another user with other roles sees their own steps (submit is the preparer's).
    assert shown(ops.options(reviewer, a)) == fresh(reviewer, a) != first
    with force_locale("sv"):
        swedish = shown(ops.options(preparer, a))
        assert swedish == fresh(preparer, a)
    # A new version: the submission moves the assessment on, and the steps with it.
    ops.fire(preparer, a, "submit", expected_version=a.version)
    after = shown(ops.options(reviewer, a))
    assert after == fresh(reviewer, a)
    assert {t for t, _ in after} != {t for t, _ in first}


def test_a_new_preparer_of_the_decision_is_seen(ctx):
    # The four-eyes rule: whoever prepares the decision may not approve its assessment.
    reviewer = user("reviewer")
    a = to_review(user("preparer"), new_decision("OPT/2"))
    before = shown(ops.options(reviewer, a))
    decision = db.session.get(Decision, a.decision_id)
    decision.preparer_id = reviewer.id  # the decision handed to the reviewer
    db.session.flush()
    now = shown(ops.options(reviewer, a))
    assert now == fresh(reviewer, a) != before
    db.session.rollback()
    assert shown(ops.options(reviewer, a)) == before


def test_unsaved_changes_are_neither_remembered_nor_answered_from_memory(ctx):
    preparer = user("preparer")
    a = prepared(preparer, new_decision("OPT/3"))
    saved = shown(ops.options(preparer, a))
    count = remembered()
    data = dict(a.data)
    data["impacts"] = []  # unsaved: the assessment section is no longer complete
    a.data = data
    unsaved = shown(ops.options(preparer, a))
    assert unsaved == fresh(preparer, a) != saved
    assert remembered() == count
    db.session.rollback()
    assert shown(ops.options(preparer, a)) == saved
