"""The shipped questionnaire, the screening rule, validators, conditions, completeness."""

from pathlib import Path

import pytest
import yaml

from assess.definitions import DefinitionError
from assess.questionnaire import Context, load_forms, recommended_level, section_problems
from assess.questionnaire import answers as clean
from assess.questionnaire.completeness import cell_problems, visible

ROOT = Path(__file__).resolve().parents[2]
FORMS = load_forms(ROOT / "forms")
IVA = FORMS.latest("iva")
DOMAIN_GROUPS = [
    "children",
    "youth",
    "families",
    "working_age",
    "older_people",
    "disabled",
    "informal_carers",
    "swedish_speakers",
    "finnish_speakers",
    "sami",
    "sign_language_users",
    "immigrants",
    "genders",
    "lgbtiq",
    "low_income",
    "unemployed",
    "rural_residents",
    "mental_health_substance",
    "homeless",
    "roma",
    "staff",
    "businesses",
]


def test_the_shipped_form_has_the_domain_content():
    assert [g.id for g in IVA.groups] == DOMAIN_GROUPS
    assert len(IVA.dimensions) == 11 and len(IVA.screening.questions) == 13
    assert {c.id for c in IVA.councils} == {
        "youth_council",
        "older_people_council",
        "disability_council",
        "national_language_committee",
        "children_heard",
        "residents_heard",
        "staff_heard",
        # issue 18: the hearing kinds the method lacked
        "ngos_heard",
        "municipalities_heard",
        "client_panel",
        "sami_parliament",
    }
    assert (
        IVA.group("older_people").vulnerable
        and IVA.group("older_people").council == "older_people_council"
    )
    assert [v.id for v in IVA.scales["direction"].values] == [
        "positive",
        "negative",
        "neutral",
        "unknown",
    ]


def answers(*yes):
    return {q.id: ("yes" if q.id in yes else "no") for q in IVA.screening.questions}


@pytest.mark.parametrize(
    "yes, level",
    [
        ((), "none"),
        (("s_many_residents",), "light"),
        (("s_many_residents", "s_fees_eligibility"), "light"),
        (("s_children",), "full"),
        (("s_service_network",), "full"),
        (("s_language",), "full"),
        (("s_irreversible",), "full"),
        (("s_many_residents", "s_fees_eligibility", "s_staff"), "full"),
    ],
)
def test_recommended_level(yes, level):
    assert recommended_level(IVA, answers(*yes)) == level


def test_unknown_counts_as_yes():
    assert recommended_level(IVA, {**answers(), "s_gender": "unknown"}) == "light"


def test_nothing_answered_recommends_none():
    assert recommended_level(IVA, {}) == "none"


def problems_of(screening):
    return [str(p) for p in clean.screening_problems(IVA, screening)]


def test_screening_needs_every_answer_and_a_level():
    assert problems_of({}) == [
        "Answer every screening question (13 unanswered).",
        "Choose the level of the assessment.",
    ]


@pytest.mark.parametrize(
    "level, reason, exempt, ok",
    [
        ("full", "", None, True),
        ("light", "", None, False),  # below the recommended full, no reason
        ("light", "Only a small pilot.", None, True),
        ("none", "", None, False),
        ("none", "", "information_only", True),
        ("none", "Only for information.", None, True),
    ],
)
def test_level_below_recommended_needs_a_reason(level, reason, exempt, ok):
    screening = {
        "answers": answers("s_children"),
        "level": level,
        "level_reason": reason,
        "exempt_category": exempt,
    }
    assert (problems_of(screening) == []) is ok


def test_screening_refuses_unknown_ids_and_values():
    _, errors = clean.clean_screening(
        IVA,
        {
            "answers": {"s_nope": "yes", "s_children": "maybe"},
            "level": "huge",
            "exempt_category": "lottery",
        },
    )
    assert set(errors) == {
        "screening.answers.s_nope",
        "screening.answers.s_children",
        "screening.level",
        "screening.exempt_category",
    }


def test_cell_validators():
    good = {"direction": "negative", "magnitude": "large", "rationale": "Longer trips."}
    assert cell_problems(IVA, good) == []
    assert [str(p) for p in cell_problems(IVA, {"direction": "negative"})] == [
        "A non-neutral effect needs its magnitude.",
        "A non-neutral effect needs a rationale: who is affected, how and why.",
    ]
    assert cell_problems(IVA, {"direction": "neutral"}) == []


def test_a_cell_for_an_unknown_group_or_dimension_is_refused_by_id():
    _, errors = clean.clean_cell(
        IVA,
        {
            "alternative": "proposal",
            "group": "martians",
            "dimension": "health",
            "direction": "negative",
        },
        ["proposal"],
    )
    assert "group" in errors and "'martians'" in str(errors["group"][0])
    _, errors = clean.clean_cell(
        IVA,
        {"alternative": "proposal", "group": "children", "dimension": "weather", "colour": "red"},
        ["proposal"],
    )
    assert set(errors) == {"dimension", "colour"}


def test_over_long_text_is_refused_with_the_limit():
    _, errors = clean.clean_cell(
        IVA,
        {
            "alternative": "proposal",
            "group": "children",
            "dimension": "health",
            "rationale": "x" * 5001,
        },
        ["proposal"],
    )
    assert str(errors["rationale"][0]) == "At most 5000 characters are allowed; this has 5001."


def test_control_characters_are_dropped_but_text_kept():
    value, errors = clean.clean_cell(
        IVA,
        {
            "alternative": "proposal",
            "group": "children",
            "dimension": "health",
            "rationale": "a\x00b\x07c\nd 😀 עברית",
        },
        ["proposal"],
    )
    assert not errors and value["rationale"] == "abc\nd 😀 עברית"


def conditional():
    section = IVA.section("scoping")
    return next(q for q in section.questions if q.show_if is not None)


def test_conditional_question_appears_and_disappears():
    q = conditional()
    assert q.show_if.question == "s_children"
    assert visible(q, {"screening": {"answers": {"s_children": "yes"}}})
    assert not visible(q, {"screening": {"answers": {"s_children": "no"}}})
    scoping = IVA.section("scoping")
    base = {
        "answers": {
            "groups_in_scope": ["children"],
            "dimensions_in_scope": ["health"],
            "time_horizons": ["budget_year"],
        }
    }
    ctx = Context(level="full")
    hidden = section_problems(
        IVA, scoping, {**base, "screening": {"answers": {"s_children": "no"}}}, ctx
    )
    shown = section_problems(
        IVA, scoping, {**base, "screening": {"answers": {"s_children": "yes"}}}, ctx
    )
    assert hidden == [] and len(shown) == 1


def test_full_level_needs_two_alternatives_with_a_zero_option_or_a_reason():
    section = IVA.section("alternatives")
    one = {"alternatives": [{"id": "a", "label": "VE1", "description": "d", "recommended": True}]}
    assert section_problems(IVA, section, one, Context(level="full"))
    two = {
        "alternatives": one["alternatives"]
        + [{"id": "b", "label": "VE0", "description": "as now", "zero_option": True}]
    }
    assert section_problems(IVA, section, two, Context(level="full")) == []
    reasoned = {**one, "answers": {"single_alternative_reason": "Required by law."}}
    assert section_problems(IVA, section, reasoned, Context(level="full")) == []


def test_a_group_in_scope_without_cells_is_incomplete():
    section = IVA.section("impacts")
    data = {
        "answers": {
            "groups_in_scope": ["older_people", "disabled"],
            "dimensions_in_scope": ["access_to_services"],
        },
        "impacts": [
            {
                "alternative": "proposal",
                "group": "older_people",
                "dimension": "access_to_services",
                "direction": "neutral",
            }
        ],
    }
    problems = [str(p) for p in section_problems(IVA, section, data, Context(level="light"))]
    assert problems == ["persons with disabilities: no effect assessed in the proposal."]


def test_summary_limit_and_languages():
    section = IVA.section("summary")
    ctx = Context(level="light", language="fi", bilingual=True)
    problems = [
        str(p) for p in section_problems(IVA, section, {"summary": {"fi": "x" * 1501}}, ctx)
    ]
    assert problems == [
        "The summary in Finnish is 1501 characters; at most 1500.",
        "Write the summary in Swedish.",
    ]


def _broken(tmp_path, mutate):
    data = yaml.safe_load((ROOT / "forms" / "iva.yaml").read_text())
    mutate(data)
    (tmp_path / "iva.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError) as err:
        load_forms(tmp_path)
    return [str(p) for p in err.value.problems]


def test_broken_forms_are_named(tmp_path):
    def unknown_group(d):
        d["groups"][0]["council"] = "the_senate"

    assert any(
        "iva.yaml: groups.0.council: unknown council 'the_senate'" in p
        for p in _broken(tmp_path, unknown_group)
    )

    def bad_condition(d):
        d["sections"][0]["questions"][0]["show_if"] = {"question": "s_astrology", "equals": "yes"}

    assert any(
        "show_if.question" in p and "s_astrology" in p for p in _broken(tmp_path, bad_condition)
    )

    def unknown_group_in_a_section(d):
        scoping = d["sections"][0]
        scoping["questions"].append(
            {
                "id": "elderly_care_notes",
                "type": "long_text",
                "labels": {"fi": "a", "sv": "b", "en": "c"},
                "show_if": {"question": "groups_in_scope", "equals": "pensioners"},
            }
        )

    assert any(
        "sections.0(scoping).questions.5(elderly_care_notes).show_if.equals" in p
        and "'pensioners' is not a value of 'groups_in_scope'" in p
        for p in _broken(tmp_path, unknown_group_in_a_section)
    )

    def missing_translation(d):
        del d["dimensions"][0]["labels"]["sv"]

    assert any(
        "iva.yaml: dimensions.0.labels.sv: missing translation (sv)" in p
        for p in _broken(tmp_path, missing_translation)
    )

    def duplicate(d):
        d["groups"].append(dict(d["groups"][0]))

    assert any("duplicate id 'children'" in p for p in _broken(tmp_path, duplicate))


def test_the_serious_effect_table_is_checked_against_the_scales(tmp_path):
    """Issue 18: the table names only values of the scales, scores every one, and only the
    four factors."""

    def unknown_value(d):
        d["serious_effect"]["points"]["magnitude"]["huge"] = 9

    assert any(
        "serious_effect.points.magnitude.huge" in p
        and "'huge' is not a value of the scale 'magnitude'" in p
        for p in _broken(tmp_path, unknown_value)
    )

    def missing_value(d):
        del d["serious_effect"]["points"]["duration"]["permanent"]

    assert any(
        "serious_effect.points.duration" in p and "no points for permanent" in p
        for p in _broken(tmp_path, missing_value)
    )

    def unknown_factor(d):
        d["serious_effect"]["unrated"]["confidence"] = 1

    assert any(
        "serious_effect.unrated.confidence" in p and "unknown factor 'confidence'" in p
        for p in _broken(tmp_path, unknown_factor)
    )

    def no_table(d):
        del d["serious_effect"]

    assert any("serious_effect" in p for p in _broken(tmp_path, no_table))
