"""Workflow files: the shipped ones load with the public contract; broken ones are named."""

from pathlib import Path

import pytest
import yaml

from assess import create_app
from assess.definitions import DefinitionError
from assess.workflow import load_workflows

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


def test_the_app_refuses_to_start_on_a_broken_definition(tmp_path):
    _write(tmp_path, lambda d: _t(d, "approve")["guards"].append("coffee_break"))
    with pytest.raises(DefinitionError, match="broken.yaml: transitions.7"):
        create_app("testing", WORKFLOWS_DIR=str(tmp_path))


def test_definitions_check_command(tmp_path):
    app = create_app("testing")
    ok = app.test_cli_runner().invoke(args=["definitions", "check"])
    assert ok.exit_code == 0 and "ok: workflow eva-standard version 1" in ok.output
    _write(tmp_path, lambda d: d["states"]["draft"]["labels"].pop("fi"))
    bad = app.test_cli_runner().invoke(args=["definitions", "check", "--workflows", str(tmp_path)])
    assert bad.exit_code == 1
    assert "broken.yaml: states.draft.labels.fi: missing translation (fi)" in bad.output
