"""The screening an organisation's policy gives: questions off, own questions, threshold
(issue 17, "Screening criteria the organisation can adjust")."""

from pathlib import Path

import pytest

from assess.questionnaire import answers as clean
from assess.questionnaire import load_forms, recommended_level
from assess.questionnaire.organisation import OrgSettings
from assess.questionnaire.policy_screening import (
    check_screening,
    effective_form,
    investment_threshold,
    is_own,
    switched_off,
)

ROOT = Path(__file__).resolve().parents[2]
IVA = load_forms(ROOT / "forms").latest("iva")
LABELS = {"fi": "Koskeeko henkilöstöä?", "sv": "Gäller det personalen?", "en": "Staff?"}
BLOCK = {
    "investment_threshold_eur": 250_000,
    "questions_off": ["s_staff", "s_irreversible"],
    "own_questions": [
        {
            "id": "x_staff",
            "labels": LABELS,
            "help": {"fi": "Apua", "sv": "Hjälp", "en": "Help"},
            "recommends": "light",
        },
        {"id": "x_school", "labels": LABELS, "recommends": "full"},
    ],
}


def no_to_all(form):
    return {q.id: "no" for q in form.screening.questions}


def test_the_effective_screening_drops_the_switched_off_and_adds_the_own_questions():
    form = effective_form(IVA, BLOCK)
    ids = [q.id for q in form.screening.questions]
    shipped = [q.id for q in IVA.screening.questions]
    assert ids == [q for q in shipped if q not in ("s_staff", "s_irreversible")] + [
        "x_staff",
        "x_school",
    ]
    own = form.screening.questions[-2]
    assert own.labels.get("sv") == "Gäller det personalen?" and own.help.get("fi") == "Apua"
    assert switched_off(form) == {"s_staff", "s_irreversible"} and is_own(form, "x_school")
    assert not switched_off(IVA) and not is_own(IVA, "x_school")
    # The shipped questionnaire stays as it was: the shared content.
    assert [q.id for q in IVA.screening.questions] == shipped
    assert "s_irreversible" in IVA.screening.rule.full_if_any
    assert "s_irreversible" not in form.screening.rule.full_if_any
    # The same block gives the same object (the pages' classes are built once per form).
    assert effective_form(IVA, dict(BLOCK)) is form


def test_no_block_or_one_that_changes_no_question_is_the_shipped_form():
    assert effective_form(IVA, None) is IVA
    assert effective_form(IVA, {"investment_threshold_eur": 5}) is IVA


@pytest.mark.parametrize(
    "yes, level",
    [
        ([], "none"),
        (["x_staff"], "light"),  # an own "light" question alone recommends light
        (["x_staff", "s_gender"], "light"),
        (["x_staff", "s_gender", "s_discrimination"], "full"),  # it counts like the others
        (["x_school"], "full"),  # an own "full" question recommends full
        (["s_irreversible"], "none"),  # switched off: its answer no longer counts
        (["s_staff", "s_irreversible"], "none"),
        (["s_children"], "full"),  # the form's own rule still holds
    ],
)
def test_recommended_level_follows_the_effective_screening(yes, level):
    answers = {**no_to_all(IVA), **no_to_all(effective_form(IVA, BLOCK))}
    answers.update({q: "yes" for q in yes})
    # Either with the block as an argument or on the effective form: the same level.
    assert recommended_level(IVA, answers, BLOCK) == level
    assert recommended_level(effective_form(IVA, BLOCK), answers) == level


def test_unknown_counts_as_yes_for_own_questions_too():
    assert recommended_level(IVA, {"x_school": "unknown"}, BLOCK) == "full"
    assert recommended_level(IVA, {"x_staff": "unknown"}, BLOCK) == "light"


def test_without_a_block_own_answers_are_nothing_and_the_level_is_as_today():
    answers = {"x_school": "yes", "s_irreversible": "yes"}
    assert recommended_level(IVA, answers) == "full"
    assert recommended_level(IVA, {"x_school": "yes"}) == "none"


def test_screening_answers_accept_own_ids_and_refuse_switched_off_and_unknown_ones():
    form = effective_form(IVA, BLOCK)
    value, errors = clean.clean_screening(form, {"answers": {"x_school": "yes", "s_gender": "no"}})
    assert not errors and value["answers"] == {"x_school": "yes", "s_gender": "no"}
    assert value["recommended_level"] == "full"
    _, errors = clean.clean_screening(form, {"answers": {"s_staff": "yes"}})
    assert "switched off" in str(errors["screening.answers.s_staff"][0])
    _, errors = clean.clean_screening(form, {"answers": {"x_nope": "yes"}})
    assert "x_nope" in str(errors["screening.answers.x_nope"][0])
    _, errors = clean.clean_screening(form, {"answers": {"x_staff": "maybe"}})
    assert "screening.answers.x_staff" in errors
    # The shipped form knows nothing of the organisation's own questions.
    _, errors = clean.clean_screening(IVA, {"answers": {"x_school": "yes"}})
    assert "screening.answers.x_school" in errors


def test_completeness_counts_the_effective_questions():
    form = effective_form(IVA, BLOCK)
    every = {"answers": no_to_all(form), "level": "none", "level_reason": "nothing"}
    assert clean.screening_problems(form, every) == []
    # The shipped form would miss the two switched-off questions...
    assert clean.screening_problems(IVA, every)
    # ...and the effective one misses an own question left unanswered.
    del every["answers"]["x_staff"]
    assert clean.screening_problems(form, every)
    assert clean.screening_problems(form, {**every, "exempt_category": "filling_posts"}) == []


def test_a_lower_level_than_an_own_question_recommends_needs_a_reason():
    form = effective_form(IVA, BLOCK)
    screening = {"answers": {**no_to_all(form), "x_school": "yes"}, "level": "light"}
    problems = clean.screening_problems(form, screening)
    assert any("lower than the recommended" in str(p) for p in problems)
    assert clean.screening_problems(form, {**screening, "level_reason": "why"}) == []


def test_the_investment_threshold_comes_from_the_policy_then_the_settings_then_the_default():
    assert investment_threshold(BLOCK, 150_000) == 250_000
    assert investment_threshold({"questions_off": ["s_staff"]}, 150_000) == 150_000
    assert investment_threshold(None, None) == 100_000
    assert investment_threshold({"investment_threshold_eur": 0}, 150_000) == 0

    class Org:
        bilingual = False
        minority_language = "none"
        settings = {"investment_threshold_eur": 150_000}

    assert OrgSettings.of(Org()).investment_threshold_eur == 150_000
    assert OrgSettings.of(Org(), BLOCK).investment_threshold_eur == 250_000


def test_a_valid_block_has_no_problem():
    assert check_screening(IVA, BLOCK) == []
    assert check_screening(IVA, None) == []
    assert check_screening({"s_staff", "s_gender"}, {"questions_off": ["s_staff"]}) == []


def test_every_problem_of_the_block_is_named_with_its_path():
    block = {
        "questions_off": ["s_nope", "s_staff", "s_staff"],
        "own_questions": [
            {"id": "s_children", "labels": LABELS, "recommends": "full"},  # the form's id
            {"id": "child_rights_considerations", "labels": LABELS, "recommends": "full"},
            {"id": "x_a", "labels": LABELS, "recommends": "light"},
            {"id": "x_a", "labels": LABELS, "recommends": "light"},
        ],
    }
    problems = {p.path: p.message for p in check_screening(IVA, block, source="policy.yaml")}
    assert set(problems) == {
        "screening.questions_off.0",
        "screening.questions_off.2",
        "screening.own_questions.0.id",
        "screening.own_questions.1.id",
        "screening.own_questions.3.id",
    }
    assert "s_nope" in problems["screening.questions_off.0"]
    assert "s_many_residents" in problems["screening.questions_off.0"]  # what would be right
    assert "already a question of the form" in problems["screening.own_questions.0.id"]
    assert "duplicate" in problems["screening.own_questions.3.id"]
    assert {p.file for p in check_screening(IVA, block, source="policy.yaml")} == {"policy.yaml"}


def test_switching_off_every_question_is_a_problem_unless_own_ones_are_asked():
    every = [q.id for q in IVA.screening.questions]
    problems = check_screening(IVA, {"questions_off": every})
    assert [p.path for p in problems] == ["screening.questions_off"]
    own = [{"id": "x_only", "labels": LABELS, "recommends": "full"}]
    assert check_screening(IVA, {"questions_off": every, "own_questions": own}) == []


def test_a_malformed_block_is_passed_over_not_raised():
    # Its shape is the policy model's to name (tests/unit/test_policy.py); each problem once.
    block = {
        "questions_off": "s_staff",
        "own_questions": [{"id": 5, "labels": {"fi": "a"}, "recommends": "some"}, "x"],
        "investment_threshold_eur": "lots",
    }
    assert check_screening(IVA, block) == []
    assert check_screening(IVA, ["not", "a", "mapping"]) == []
