"""Screening and scope checked against each other (issue 18, [scope]): the definition's
conditions and implied groups, and the pure checks of the scope."""

from pathlib import Path

import pytest
import yaml

from assess.assessment_data import AssessmentData
from assess.definitions import DefinitionError
from assess.questionnaire import load_forms, scope
from assess.questionnaire.completeness import visible
from assess.questionnaire.organisation import OrgSettings
from assess.translation import render

ROOT = Path(__file__).resolve().parents[2]
IVA = load_forms(ROOT / "forms").latest("iva")
BILINGUAL = OrgSettings(kind="wellbeing_county", bilingual=True, minority_language="sv")


def _problems(tmp_path, mutate) -> list[str]:
    data = yaml.safe_load((ROOT / "forms" / "iva.yaml").read_text())
    mutate(data)
    (tmp_path / "iva.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError) as err:
        load_forms(tmp_path)
    return [str(p) for p in err.value.problems]


def _child_rights(d) -> dict:
    return next(
        q
        for s in d["sections"]
        for q in s.get("questions", [])
        if q["id"] == "child_rights_considerations"
    )


def test_a_condition_on_a_set_of_answers_shows_for_each_of_them():
    q = next(q for s in IVA.sections for q in s.questions if q.id == "child_rights_considerations")
    assert q.show_if.values == ["yes", "unknown"]
    for answer, shown in (("yes", True), ("unknown", True), ("no", False), (None, False)):
        data = {"screening": {"answers": {"s_children": answer} if answer else {}}}
        assert visible(q, data) is shown, answer


def test_a_condition_on_a_multi_choice_shows_when_any_value_is_chosen(tmp_path):
    d = yaml.safe_load((ROOT / "forms" / "iva.yaml").read_text())
    d["sections"][0]["questions"].append(
        {
            "id": "care_notes",
            "type": "long_text",
            "labels": {"fi": "a", "sv": "b", "en": "c"},
            "show_if": {"question": "groups_in_scope", "in": ["older_people", "disabled"]},
        }
    )
    (tmp_path / "iva.yaml").write_text(yaml.safe_dump(d, allow_unicode=True))
    form = load_forms(tmp_path).latest("iva")
    q = form.section("scoping").questions[-1]
    assert visible(q, {"answers": {"groups_in_scope": ["children", "disabled"]}})
    assert not visible(q, {"answers": {"groups_in_scope": ["children"]}})


def test_the_loader_refuses_a_set_with_a_value_the_question_cannot_have(tmp_path):
    def maybe(d):
        _child_rights(d)["show_if"] = {"question": "s_children", "in": ["yes", "maybe"]}

    problems = _problems(tmp_path, maybe)
    assert any(
        "child_rights_considerations).show_if.in" in p
        and "'maybe' is not a value of 's_children'" in p
        and "no, unknown, yes" in p
        for p in problems
    ), problems


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "s_children", "equals": "yes", "in": ["unknown"]},
        {"question": "s_children"},
        {"question": "s_children", "in": []},
    ],
)
def test_the_loader_refuses_a_condition_without_exactly_one_test(tmp_path, condition):
    def broken(d):
        _child_rights(d)["show_if"] = condition

    assert any("show_if" in p for p in _problems(tmp_path, broken))


def test_the_loader_refuses_an_unknown_implied_group(tmp_path):
    def pensioners(d):
        d["screening"]["questions"][1]["implies_groups"] = ["children", "pensioners"]

    problems = _problems(tmp_path, pensioners)
    assert any(
        "screening.questions.1(s_children).implies_groups.1" in p
        and "unknown group 'pensioners'" in p
        for p in problems
    ), problems


def test_the_shipped_form_implies_groups_from_its_screening():
    implied = {q.id: q.implies_groups for q in IVA.screening.questions if q.implies_groups}
    assert implied["s_children"] == ["children", "youth"]
    assert implied["s_older_disabled"] == ["older_people", "disabled"]
    assert {"swedish_speakers", "finnish_speakers", "sami"} <= set(implied["s_language"])
    assert implied["s_staff"] == ["staff"] and implied["s_gender"] == ["genders"]


def test_implied_groups_follow_the_answers_and_the_organisation():
    answers = {"s_children": "unknown", "s_language": "yes", "s_staff": "no"}
    assert scope.implied_groups(IVA, BILINGUAL, answers) == {
        "children": ["s_children"],
        "youth": ["s_children"],
        "swedish_speakers": ["s_language"],
        "sami": ["s_language"],
    }
    # A monolingual organisation's language groups are not implied; a group it does not
    # use cannot be in its scope, so it is not implied either.
    mono = OrgSettings(groups_off=frozenset({"youth"}))
    assert scope.implied_groups(IVA, mono, answers) == {
        "children": ["s_children"],
        "sami": ["s_language"],
    }


def test_left_out_and_unexplained():
    data = AssessmentData.load(
        {
            "screening": {"answers": {"s_older_disabled": "yes"}},
            "answers": {"groups_in_scope": ["older_people"]},
            "scope_exclusions": {"disabled": "   "},
        }
    )
    assert scope.left_out(IVA, BILINGUAL, data) == {"disabled": ["s_older_disabled"]}
    assert scope.unexplained(IVA, BILINGUAL, data) == {"disabled": ["s_older_disabled"]}
    data.scope_exclusions = {"disabled": "Only clients over 75."}
    assert scope.unexplained(IVA, BILINGUAL, data) == {}


def test_reasons_merge_and_are_refused_when_malformed():
    clean, errors = scope.clean_exclusions(IVA, {"disabled": " Why. ", "children": ""})
    assert not errors and clean == {"disabled": "Why.", "children": ""}
    merged = scope.merged_exclusions(
        {"children": "old", "youth": "kept", "staff": "x"}, clean, ["staff"]
    )
    assert merged == {"disabled": "Why.", "youth": "kept"}  # staff is back in scope
    _, errors = scope.clean_exclusions(IVA, {"pensioners": "x", "staff": 3})
    assert set(errors) == {"scope_exclusions.pensioners", "scope_exclusions.staff"}
    _, errors = scope.clean_exclusions(IVA, ["disabled"])
    assert set(errors) == {"scope_exclusions"}


def test_an_out_of_scope_cell_is_named_by_group_and_dimension_in_each_language():
    problem = scope.cell_outside_problem(IVA, "children", "health", ["older_people"], ["health"])
    en, fi, sv = (str(render(problem, lang)) for lang in ("en", "fi", "sv"))
    assert "children (children)" in en and "health" in en
    assert "lapset (children)" in fi and "barn (children)" in sv
    both = scope.cell_outside_problem(IVA, "children", "health", [], [])
    assert "(health)" in str(render(both, "en")) and "(children)" in str(render(both, "en"))
    assert scope.cell_outside_problem(IVA, "children", "health", ["children"], ["health"]) is None


def test_a_narrowed_scope_removes_only_the_cells_it_leaves_out():
    cell = {"alternative": "ve1", "dimension": "health", "direction": "negative"}
    data = AssessmentData.load(
        {
            "answers": {
                "groups_in_scope": ["children", "youth"],
                "dimensions_in_scope": ["health"],
            },
            "impacts": [
                {**cell, "group": "children"},
                {**cell, "group": "youth"},
                {**cell, "group": "staff"},  # already outside: no one's change now
            ],
        }
    )
    removed = scope.removed_by(data, ["children"], ["health"])
    assert [c.group for c in removed] == ["youth"]
    answers = {"groups_in_scope": ["children"], "dimensions_in_scope": ["health"]}
    _, keys, errors = scope.on_save(IVA, data, answers, {})
    assert not keys and list(errors) == ["answers.groups_in_scope"]
    assert "ve1:youth:health" in str(render(errors["answers.groups_in_scope"][0], "en"))
    _, keys, errors = scope.on_save(IVA, data, answers, {"confirm_remove_cells": True})
    assert keys == {("ve1", "youth", "health")} and not errors
