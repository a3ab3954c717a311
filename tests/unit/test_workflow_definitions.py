"""Workflow files: the shipped ones load with the public contract; broken ones are named."""

from pathlib import Path

import pytest
import yaml

from assess.definitions import DefinitionError
from assess.models import OUTCOMES
from assess.workflow import MEETING_OUTCOMES, WorkflowDefinition, load_workflows

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = {  # trigger: (sources, dest, roles) of eva-standard, from the issue
    "start_screening": ({"draft"}, "screening", {"preparer"}),
    "propose_screen_out": ({"screening"}, "screen_out_proposed", {"preparer"}),
    "confirm_screen_out": ({"screen_out_proposed"}, "screened_out", {"reviewer"}),
    "reject_screen_out": ({"screen_out_proposed"}, "screening", {"reviewer"}),
    "start_assessment": ({"screening"}, "in_assessment", {"preparer"}),
    "submit": ({"in_assessment"}, "in_review", {"preparer"}),
    "return_for_revision": ({"in_review"}, "in_assessment", {"reviewer"}),
    "approve": ({"in_review"}, "approved", {"reviewer"}),
    "record_decision": ({"approved", "screened_out"}, "decided", {"secretary"}),
    "start_follow_up": ({"decided"}, "follow_up", {"preparer", "reviewer"}),
    "close": ({"follow_up"}, "closed", {"reviewer"}),
    "reopen": ({"approved", "screened_out"}, "in_assessment", {"reviewer", "admin"}),
    # Added with the meetings: the secretary records that the body returned the decision.
    "return_for_preparation": ({"approved", "screened_out"}, "in_assessment", {"secretary"}),
    "withdraw": (
        {
            "draft",
            "screening",
            "screen_out_proposed",
            "screened_out",
            "in_assessment",
            "in_review",
            "approved",
            "decided",
            "follow_up",
        },
        "withdrawn",
        {"preparer", "reviewer", "admin"},
    ),
}
COMMENT_REQUIRED = {
    "reject_screen_out",
    "return_for_revision",
    "reopen",
    "withdraw",
    "return_for_preparation",
}


@pytest.fixture(scope="module")
def shipped():
    return load_workflows(ROOT / "workflows")


def test_eva_standard_keeps_the_public_contract(shipped):
    d = shipped.latest("eva-standard").definition
    assert d.initial == "draft"
    found = {t.trigger: (set(d.sources(t)), t.dest, set(t.roles)) for t in d.transitions}
    assert found == CONTRACT
    assert {t.trigger for t in d.transitions if t.comment_required} == COMMENT_REQUIRED
    assert {s for s, sd in d.states.items() if sd.final} == {"closed", "withdrawn"}
    approve = next(t for t in d.transitions if t.trigger == "approve")
    assert approve.guards == ["four_eyes", "no_unresolved_high_flags"]


def test_eva_light_is_shorter_with_the_same_review(shipped):
    light = shipped.latest("eva-light").definition
    standard = shipped.latest("eva-standard").definition
    assert len(light.states) < len(standard.states)
    for trigger in ("submit", "return_for_revision", "approve"):
        a = next(t for t in light.transitions if t.trigger == trigger)
        b = next(t for t in standard.transitions if t.trigger == trigger)
        assert (a.source, a.dest, a.roles, a.guards, a.comment_required) == (
            b.source,
            b.dest,
            b.roles,
            b.guards,
            b.comment_required,
        )


def _write(tmp_path, mutate, name="broken.yaml"):
    data = yaml.safe_load((ROOT / "workflows" / "eva-light.yaml").read_text())
    mutate(data)
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return tmp_path


def _t(data, trigger):
    return next(t for t in data["transitions"] if t["trigger"] == trigger)


BROKEN = {
    "unknown guard": (
        lambda d: _t(d, "approve")["guards"].append("coffee_break"),
        "transitions.7(approve).guards.2",
        "unknown guard 'coffee_break'",
    ),
    "unknown role": (
        lambda d: _t(d, "approve")["roles"].append("mayor"),
        "transitions.7.roles.1",
        "Input should be",
    ),
    "unreachable state": (
        lambda d: d["states"].update(
            {"limbo": {"labels": {"fi": "a", "sv": "b", "en": "c"}, "final": True}}
        ),
        "states.limbo",
        "cannot be reached",
    ),
    "transition from a final state": (
        lambda d: _t(d, "reopen")["source"].append("withdrawn"),
        "transitions.9(reopen).source.2",
        "final state",
    ),
    "duplicate trigger from one state": (
        lambda d: d["transitions"].append({**_t(d, "submit"), "dest": "approved"}),
        "transitions.12(submit)",
        "declared twice from state 'in_assessment'",
    ),
    "missing translation": (
        lambda d: d["states"]["draft"]["labels"].pop("sv"),
        "states.draft.labels.sv",
        "missing translation (sv)",
    ),
    "empty translation": (
        lambda d: _t(d, "submit")["labels"].update({"en": ""}),
        "transitions.5.labels.en",
        "empty translation (en)",
    ),
    "unknown destination": (
        lambda d: _t(d, "submit").update({"dest": "in_reveiw"}),
        "transitions.5(submit).dest",
        "unknown state 'in_reveiw'",
    ),
    "misspelt key": (
        lambda d: _t(d, "submit").update({"comment_requird": True}),
        "transitions.5.comment_requird",
        "unknown key",
    ),
    # What the rest of the product asks the workflow (docs/workflows.md, "What the states mean").
    "no submit trigger": (
        lambda d: d.pop("submit_for_review"),
        "submit_for_review",
        "missing: name the trigger that submits an assessment for review",
    ),
    "unknown submit trigger": (
        lambda d: d.update({"submit_for_review": "sumbit"}),
        "submit_for_review",
        "unknown trigger 'sumbit'; expected one of: ",
    ),
    "submit that does not lead to review": (
        lambda d: d.update({"submit_for_review": "start_assessment"}),
        "submit_for_review",
        "leads to 'in_assessment', which does not await review",
    ),
    "no outcomes": (
        lambda d: d.pop("outcomes"),
        "outcomes",
        "missing: for each meeting outcome (approved, approved_amended, returned, tabled, "
        "rejected) name the trigger it fires",
    ),
    "an outcome left out": (
        lambda d: d["outcomes"].pop("tabled"),
        "outcomes.tabled",
        "missing: name the trigger this meeting outcome fires, or null",
    ),
    "unknown outcome": (
        lambda d: d["outcomes"].update({"postponed": None}),
        "outcomes.postponed",
        "unknown meeting outcome; expected one of: approved, approved_amended",
    ),
    "outcome firing an unknown trigger": (
        lambda d: d["outcomes"].update({"returned": "send_back"}),
        "outcomes.returned",
        "unknown trigger 'send_back'; expected one of: ",
    ),
    "outcome firing a trigger no ready state has": (
        lambda d: d["outcomes"].update({"approved": "submit"}),
        "outcomes.approved",
        "trigger 'submit' leaves no state that is ready for an agenda",
    ),
    "no state ready for an agenda": (
        lambda d: [
            s.pop(k, None)
            for s in d["states"].values()
            for k in ("ready_for_agenda", "approved", "in_follow_up")
        ],
        "states",
        "no state is ready_for_agenda: true",
    ),
    "no approved state": (
        lambda d: d["states"]["approved"].pop("approved"),
        "states",
        "no state is approved: true",
    ),
    "an editable state ready for an agenda": (
        lambda d: d["states"]["screening"].update({"ready_for_agenda": True}),
        "states.screening.ready_for_agenda",
        "an editable state cannot also be ready_for_agenda",
    ),
    "an editable state awaiting review": (
        lambda d: d["states"]["in_assessment"].update({"awaits_review": True}),
        "states.in_assessment.awaits_review",
        "an editable state cannot also be awaits_review",
    ),
    "a state awaiting review and ready": (
        lambda d: d["states"]["in_review"].update({"ready_for_agenda": True}),
        "states.in_review.ready_for_agenda",
        "a state awaiting review is not ready for an agenda",
    ),
    "an approved state not ready": (
        lambda d: d["states"]["approved"].pop("ready_for_agenda"),
        "states.approved.ready_for_agenda",
        "an approved state is ready for an agenda: add ready_for_agenda: true",
    ),
    "a state in follow-up not ready": (
        lambda d: d["states"]["decided"].pop("ready_for_agenda"),
        "states.decided.ready_for_agenda",
        "add ready_for_agenda: true",
    ),
    "a state that ends the assessment but is not final": (
        lambda d: d["states"]["in_review"].update({"active": False}),
        "states.in_review.active",
        "only a final state can end the assessment: add final: true",
    ),
    # Issue 15, item 3: an approval without a second person cannot be declared.
    "an approval that is not a four-eyes step": (
        lambda d: _t(d, "approve").update({"guards": ["no_unresolved_high_flags"]}),
        "transitions.7(approve).guards",
        "this step approves the assessment, so it must be a four-eyes step: add 'four_eyes'",
    ),
    "a confirmation with documents that is not a four-eyes step": (
        lambda d: _t(d, "confirm_screen_out").pop("guards"),
        "transitions.2(confirm_screen_out).guards",
        "must be a four-eyes step",
    ),
    "misspelt meaning": (
        lambda d: d["states"]["approved"].update({"ready_for_agnda": True}),
        "states.approved.ready_for_agnda",
        "unknown key",
    ),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_definition_is_named(tmp_path, kind):
    mutate, path, message = BROKEN[kind]
    with pytest.raises(DefinitionError) as err:
        load_workflows(_write(tmp_path, mutate))
    problems = [(p.file, p.path, p.message) for p in err.value.problems]
    assert any(f == "broken.yaml" and p == path and message in m for f, p, m in problems), problems


def test_invalid_yaml_names_the_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("key: x\nstates: [\n")
    with pytest.raises(DefinitionError) as err:
        load_workflows(tmp_path)
    assert "bad.yaml: line 3" in str(err.value)


def test_the_same_key_and_version_twice_is_refused(tmp_path):
    _write(tmp_path, lambda d: None, "a.yaml")
    _write(tmp_path, lambda d: None, "b.yaml")
    with pytest.raises(DefinitionError, match="already defined in a.yaml"):
        load_workflows(tmp_path)


def test_several_versions_load_side_by_side(tmp_path):
    _write(tmp_path, lambda d: None, "v1.yaml")
    _write(tmp_path, lambda d: d.update({"version": 2}), "v2.yaml")
    loaded = load_workflows(tmp_path)
    assert loaded.latest("eva-light").definition.version == 2
    assert loaded.get("eva-light", 1).definition.version == 1


def test_the_meaning_of_the_shipped_workflows(shipped):
    """What meetings, dashboards and flags ask of eva-standard and eva-light."""
    W = WorkflowDefinition
    for key, ready, follow_up in (
        (
            "eva-standard",
            {"approved", "screened_out", "decided", "follow_up", "closed"},
            {
                "decided",
                "follow_up",
            },
        ),
        ("eva-light", {"approved", "screened_out", "decided"}, {"decided"}),
    ):
        d = shipped.latest(key).definition
        assert d.states_where(W.is_ready_for_agenda) == ready
        assert d.states_where(W.is_in_follow_up) == follow_up
        assert d.states_where(W.awaits_review) == {"in_review", "screen_out_proposed"}
        assert d.states_where(W.is_approved) == {"approved"}
        assert d.states_where(W.leads_to_approval) == {"in_review"}
        assert d.states_where(W.is_editable) == {"draft", "screening", "in_assessment"}
        assert d.states_where(lambda d, s: not d.is_active(s)) == {"withdrawn"}
        assert d.submit_trigger == "submit"
        assert {o: d.outcome_trigger(o) for o in MEETING_OUTCOMES} == {
            "approved": "record_decision",
            "approved_amended": "record_decision",
            "rejected": "record_decision",
            "returned": "return_for_preparation",
            "tabled": None,
        }
    assert shipped.states_where(W.awaits_review) == {
        ("eva-standard", 1): {"in_review", "screen_out_proposed"},
        ("eva-light", 1): {"in_review", "screen_out_proposed"},
    }


def test_which_states_hold_the_decision_and_the_way_back(shipped):
    """Issue 15, item 4: the decision's proposal, body, language and title stay while a
    reviewer weighs them, once approved or screened out, and once decided; what leads back to
    preparation is read from the workflow, the meeting's own return excluded."""
    W = WorkflowDefinition
    renamed = load_workflows(ROOT / "tests" / "data" / "workflows").latest("eva-renamed")
    for d, held, back in (
        (
            shipped.latest("eva-standard").definition,
            {"screen_out_proposed", "screened_out", "in_review", "approved", "decided"}
            | {"follow_up", "closed"},
            {"approved": ["reopen"], "in_review": ["return_for_revision"], "decided": []},
        ),
        (
            shipped.latest("eva-light").definition,
            {"screen_out_proposed", "screened_out", "in_review", "approved", "decided"},
            {"screened_out": ["reopen"], "screen_out_proposed": ["reject_screen_out"]},
        ),
        (
            renamed.definition,
            {"exemption_asked", "exempted", "with_reviewer", "signed_off", "resolved"}
            | {"monitoring", "archived"},
            {"signed_off": ["reopen_case"], "with_reviewer": ["send_back"], "monitoring": []},
        ),
    ):
        assert d.states_where(W.holds_decision) == held
        for state, triggers in back.items():
            assert [t.trigger for t in d.back_to_preparation(state)] == triggers


def test_texts_of_a_state_fall_back_to_its_label(tmp_path):
    def strip(d):
        d["states"]["approved"].pop("next_step")
        d["states"]["draft"].pop("not_ready")

    d = load_workflows(_write(tmp_path, strip)).latest("eva-light").definition
    assert d.next_step("approved") == d.states["approved"].labels
    assert d.next_step("draft").en == "Start the screening."
    assert d.not_ready("draft") is None
    assert d.not_ready("screening").en == "The screening is not finished."
    with pytest.raises(LookupError):
        d.outcome_trigger("postponed")
    with pytest.raises(LookupError):
        d.is_ready_for_agenda("limbo")


def test_the_workflow_knows_every_outcome_an_agenda_item_can_have():
    assert set(MEETING_OUTCOMES) == set(OUTCOMES)


def test_the_steps_that_may_return_an_assessment_to_preparation(shipped):
    """A return is a step from a state that cannot be edited into one that can: the reviewer's
    return, a refused screen-out, a reopening, the meeting's return. The returned notice and
    the changes since the return read a revision's recorded step only for these."""
    for key in ("eva-standard", "eva-light"):
        assert shipped.latest(key).definition.returning_triggers() == {
            "return_for_revision",
            "reject_screen_out",
            "reopen",
            "return_for_preparation",
        }
    # Derived from the states, as the contract above says them: not a list kept by hand.
    definition = shipped.latest("eva-standard").definition
    for trigger, (sources, dest, _) in CONTRACT.items():
        returns = definition.is_editable(dest) and any(
            not definition.is_editable(s) for s in sources
        )
        assert (trigger in definition.returning_triggers()) == returns, trigger
