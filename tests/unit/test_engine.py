"""Every transition of both workflows, every guard, the role x transition matrix."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assess.definitions import Labels
from assess.workflow import Actor, ContentChange, Facts, TransitionBlocked, load_workflows

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = load_workflows(ROOT / "workflows")
ROLES = ["preparer", "reviewer", "secretary", "auditor", "admin"]
PREPARER, REVIEWER = 1, 2


def good_facts(state: str) -> Facts:
    """Facts under which every guard passes (a reviewer who did not prepare it)."""
    return Facts(
        state=state,
        prepared_by=PREPARER,
        last_edited_by=PREPARER,
        decision_preparer=PREPARER,
        level="full",
    )


def all_transitions():
    for engine in WORKFLOWS:
        d = engine.definition
        for t in d.transitions:
            for source in d.sources(t):
                yield pytest.param(engine, t, source, id=f"{d.key}:{t.trigger}:{source}")


@pytest.mark.parametrize("engine, t, source", list(all_transitions()))
def test_every_transition_fires_for_an_allowed_role(engine, t, source):
    role = t.roles[0]
    actor = Actor(id=REVIEWER if role != "preparer" else PREPARER, roles=frozenset([role]))
    facts = good_facts(source)
    if t.trigger == "propose_screen_out":
        facts = Facts(state=source, level="none", level_reason="Only for information.")
    assert engine.fire(t.trigger, facts, actor, comment="Because.") == t.dest


@pytest.mark.parametrize("engine, t, source", list(all_transitions()))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(engine, t, source, role):
    actor = Actor(id=99, roles=frozenset([role]))
    facts = good_facts(source)
    if t.trigger == "propose_screen_out":
        facts = Facts(state=source, level="none", level_reason="Only for information.")
    if role in t.roles:
        assert engine.fire(t.trigger, facts, actor, comment="ok") == t.dest
    else:
        with pytest.raises(TransitionBlocked) as err:
            engine.fire(t.trigger, facts, actor, comment="ok")
        assert "Only a person with the role" in str(err.value.reasons[0])


def standard():
    return WORKFLOWS.latest("eva-standard")


def reasons(trigger, facts, roles=("reviewer",), actor_id=REVIEWER, comment="c"):
    with pytest.raises(TransitionBlocked) as err:
        standard().fire(trigger, facts, Actor(actor_id, frozenset(roles)), comment)
    return [str(r) for r in err.value.reasons]


def test_wrong_state_is_refused_with_the_states_it_needs():
    assert reasons("approve", good_facts("draft")) == [
        "This cannot be done while the assessment is 'Draft'; it is possible only when it "
        "is: In review."
    ]


def test_unknown_trigger_is_refused():
    assert reasons("teleport", good_facts("draft")) == ["'teleport' is not a step of this process."]


@pytest.mark.parametrize("who", ["prepared_by", "last_edited_by", "decision_preparer"])
@pytest.mark.parametrize(
    "trigger, state", [("approve", "in_review"), ("confirm_screen_out", "screen_out_proposed")]
)  # noqa: E501
def test_four_eyes_refuses_the_reviewer_who_prepared_or_edited(who, trigger, state):
    facts = Facts(state=state, **{who: REVIEWER})
    assert any("four-eyes" in r for r in reasons(trigger, facts))


def test_four_eyes_allows_another_reviewer():
    assert (
        standard().fire(
            "approve", good_facts("in_review"), Actor(REVIEWER, frozenset(["reviewer"]))
        )
        == "approved"
    )  # noqa: E501


@pytest.mark.parametrize(
    "trigger, state", [("approve", "in_review"), ("confirm_screen_out", "screen_out_proposed")]
)
def test_four_eyes_refuses_whoever_changed_the_content_whatever_their_roles(trigger, state):
    # Issue 15, item 3: B is neither the creator, the last editor nor the decision's
    # preparer, but changed the impacts and a section's answers since the last return.
    at = datetime(2026, 11, 27, 16, 5, tzinfo=ZoneInfo("Europe/Helsinki"))
    section = Labels(fi="Lieventäminen", sv="Lindring", en="Mitigation")
    facts = Facts(
        state=state,
        prepared_by=PREPARER,
        last_edited_by=PREPARER,
        decision_preparer=PREPARER,
        level="full",
        content_changes=(
            ContentChange(actor_id=PREPARER, at=at, parts=("summary",)),
            ContentChange(actor_id=REVIEWER, at=at, parts=("impacts",), sections=(section,)),
        ),
    )
    with pytest.raises(TransitionBlocked) as err:
        standard().fire(trigger, facts, Actor(REVIEWER, frozenset(["preparer", "reviewer"])), "c")
    (reason,) = err.value.reasons
    assert reason.render("en") == (
        "You changed the impacts, Mitigation of this assessment (last on 27/11/2026, 16:05) "
        "after it was last returned for preparation, so another reviewer must do this "
        "(four-eyes principle)."
    )
    assert "(vaikutukset, Lieventäminen; viimeksi 27.11.2026 16.05)" in reason.render("fi")
    assert "(konsekvenserna, Lindring; senast 2026-11-27 16:05)" in reason.render("sv")
    # Someone else's changes do not stop a reviewer who changed nothing.
    other = Actor(99, frozenset(["reviewer"]))
    assert standard().fire(trigger, facts, other, "c") in ("approved", "screened_out")


def test_sections_complete_lists_each_incomplete_section():
    facts = Facts(state="in_assessment", incomplete_sections=("Alternatives", "Hearings"))
    assert reasons("submit", facts, roles=("preparer",), actor_id=PREPARER) == [
        "Section 'Alternatives' is incomplete.",
        "Section 'Hearings' is incomplete.",
    ]


def test_no_unresolved_high_flags_lists_them():
    facts = Facts(state="in_review", unresolved_high_flags=("Missing mitigation for older people",))
    assert reasons("approve", facts) == [
        "High-severity flag not resolved or acknowledged: Missing mitigation for older people"
    ]


@pytest.mark.parametrize(
    "facts, expected",
    [
        (Facts(state="screening", level="full"), "Choose the level 'no assessment'"),
        (Facts(state="screening", level="none"), "Give a written reason"),
        (Facts(state="screening", level="none", level_reason="   "), "Give a written reason"),
    ],
)
def test_screen_out_needs_level_none_and_a_reason(facts, expected):
    found = reasons("propose_screen_out", facts, roles=("preparer",), actor_id=PREPARER)
    assert len(found) == 1 and found[0].startswith(expected)


@pytest.mark.parametrize(
    "ok", [{"level_reason": "Information only"}, {"exempt_category": "information_only"}]
)  # noqa: E501
def test_screen_out_with_a_reason_or_exempt_category(ok):
    facts = Facts(state="screening", level="none", **ok)
    actor = Actor(PREPARER, frozenset(["preparer"]))
    assert standard().fire("propose_screen_out", facts, actor) == "screen_out_proposed"


@pytest.mark.parametrize(
    "level, blocked", [(None, True), ("none", True), ("light", False), ("full", False)]
)  # noqa: E501
def test_start_assessment_needs_a_level(level, blocked):
    facts = Facts(state="screening", level=level)
    actor = Actor(PREPARER, frozenset(["preparer"]))
    if blocked:
        found = reasons("start_assessment", facts, roles=("preparer",), actor_id=PREPARER)
        assert found == [
            "Choose the level of the assessment (light or full) in the screening first."
        ]
    else:
        assert standard().fire("start_assessment", facts, actor) == "in_assessment"


@pytest.mark.parametrize(
    "trigger, state",
    [
        ("return_for_revision", "in_review"),
        ("reopen", "approved"),
        ("withdraw", "draft"),
        ("reject_screen_out", "screen_out_proposed"),
    ],
)  # noqa: E501
def test_comment_required(trigger, state):
    assert reasons(trigger, good_facts(state), roles=("reviewer",), comment="  ") == [
        "Write a comment: it is required for this step."
    ]


def test_every_reason_is_given_at_once():
    facts = Facts(state="in_review", prepared_by=7, unresolved_high_flags=("F1",))
    found = reasons("approve", facts, roles=("preparer",), actor_id=7)
    assert len(found) == 3  # role, four-eyes, the flag


def test_options_list_available_and_blocked_from_the_state():
    options = standard().options(good_facts("in_review"), Actor(REVIEWER, frozenset(["reviewer"])))
    by_trigger = {o.transition.trigger: o for o in options}
    assert set(by_trigger) == {"return_for_revision", "approve", "withdraw"}
    assert by_trigger["approve"].available
    # A required comment is asked for when the step is taken, not when it is listed.
    assert by_trigger["return_for_revision"].available


def test_firing_does_not_bind_the_machine_to_anything():
    engine = standard()
    engine.fire("start_screening", good_facts("draft"), Actor(PREPARER, frozenset(["preparer"])))
    assert engine.machine.models == []
