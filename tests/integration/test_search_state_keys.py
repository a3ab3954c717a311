"""The state and the screening's level as search keys (issue 21): a transition changes the
state key, a screening the level key, through the operations, in the same transaction; the
search finds by them at once."""

from __future__ import annotations

from sqlalchemy import select

from assess.assessment_search import SearchFilters, search_keys
from assess.extensions import db
from assess.models import Assessment, AssessmentSearchKey, Decision
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations.demo_scenario import load_scenario
from assess.operations.search import search
from tests.support import user


def keys_of(assessment_id: int) -> set[str]:
    return set(
        db.session.scalars(
            select(AssessmentSearchKey.key).where(
                AssessmentSearchKey.assessment_id == assessment_id
            )
        )
    )


def state_and_level(assessment_id: int) -> set[str]:
    return {k for k in keys_of(assessment_id) if k.startswith(("state:", "level:"))}


def screen(a: Assessment, level: str) -> None:
    form = answer_ops.form_for(a)
    answer_ops.save_screening(
        user("preparer"),
        a,
        {
            "answers": {q.id: "no" for q in form.screening.questions},
            "level": level,
            "level_reason": "A technical correction of the fee table.",
        },
        expected_version=a.version,
    )


def found(**filters) -> set[int]:
    return {r.assessment_id for r in search(user("auditor"), SearchFilters(**filters)).items}


def test_a_transition_changes_the_state_key_and_a_screening_the_level_key(ctx):
    a = ops.create_assessment(user("preparer"), db.session.get(Decision, 2))
    assert state_and_level(a.id) == {"state:draft"}
    assert a.id in found(state="draft") and a.id not in found(state="screening")

    ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    assert state_and_level(a.id) == {"state:screening"}
    assert a.id in found(state="screening") and a.id not in found(state="draft")

    screen(a, "none")
    assert a.level == "none"
    assert state_and_level(a.id) == {"state:screening", "level:none"}
    assert a.id in found(state="screening", level="none")

    # The level changed again: the old level's key goes, the new one comes.
    screen(a, "light")
    assert state_and_level(a.id) == {"state:screening", "level:light"}
    assert a.id not in found(level="none") and a.id in found(level="light")

    screen(a, "none")
    ops.fire(user("preparer"), a, "propose_screen_out", expected_version=a.version)
    db.session.expire_all()
    a = db.session.get(Assessment, a.id)
    assert state_and_level(a.id) == {f"state:{a.state}", "level:none"}
    assert a.state != "screening"
    assert keys_of(a.id) == set(search_keys(a.data, state=a.state, level=a.level))
    assert a.id in found(state=a.state, level="none")
    assert a.id not in found(state="screening")


def test_every_assessment_has_its_state_and_level_keys(ctx):
    """The demo scenario's assessments, made through the operations, in their states."""
    assert load_scenario()
    every = list(db.session.scalars(select(Assessment)))
    assert len({(a.state, a.level) for a in every}) > 1
    for a in every:
        expected = {f"state:{a.state}"} | ({f"level:{a.level}"} if a.level else set())
        assert state_and_level(a.id) == expected, a.id
