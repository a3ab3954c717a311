"""The policy as data (assess/policy): rule kinds, thresholds, overrides, the default, the
built-in default, and check() naming every problem with its path."""

from datetime import date
from pathlib import Path

import pytest

from assess.definitions import Problem
from assess.policy import BUILTIN, Applied, Known, Policy, apply, check, explanation
from assess.questionnaire import load_forms
from assess.workflow import load_workflows

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = {
    key: load_workflows(ROOT / "workflows").latest(key).definition
    for key in (
        "eva-standard",
        "eva-light",
    )
}
FORM = load_forms(ROOT / "forms").latest("iva")
KNOWN = Known(
    decision_types={"service_network_change", "procurement", "filling_post", "fee_change"},
    bodies={"council", "executive_board", "education_committee"},
    workflows=WORKFLOWS,
    exempt_categories={c.id for c in FORM.screening.exempt_categories},
    screening_questions={q.id for q in FORM.screening.questions},
)
LABELS = {"fi": "Oma kysymys", "sv": "Egen fråga", "en": "Own question"}


def policy_data(**changes):
    data = {
        "format": 1,
        "default": {"rule": "screen"},
        "rules": [
            {"decision_type": "service_network_change", "rule": "full"},
            {"decision_type": "procurement", "rule": "screen", "threshold_eur": 100000},
            {"decision_type": "procurement", "body": "executive_board", "rule": "light"},
            {
                "decision_type": "filling_post",
                "rule": "exempt",
                "exempt_category": "filling_posts",
            },
            {
                "decision_type": "fee_change",
                "rule": "light",
                "processes": {"light": "eva-standard"},
                "review": {"role": "admin", "body": "council"},
                "submit_days_before_meeting": 21,
            },
        ],
        "processes": {"screening": "eva-standard", "light": "eva-light", "full": "eva-standard"},
        "review": {"role": "reviewer", "body": None},
        "time_limits": {"submit_days_before_meeting": 14},
    }
    data.update(changes)
    return data


def checked(data=None) -> Policy:
    policy, problems = check(data or policy_data(), KNOWN, source="policy.yaml")
    assert problems == []
    assert policy is not None
    return policy


def applied(decision_type, body=None, amount_eur=None, policy=None) -> Applied:
    return apply(
        policy or checked(),
        decision_type=decision_type,
        body=body,
        amount_eur=amount_eur,
        policy_version=3,
        starts_on=date(2027, 1, 1),
    )


# --- rule kinds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision_type", "rule", "minimum", "category"),
    [
        ("service_network_change", "full", "full", None),
        ("fee_change", "light", "light", None),
        ("procurement", "screen", "none", None),
        ("filling_post", "exempt", "none", "filling_posts"),
    ],
)
def test_each_rule_kind_gives_its_minimum_level(decision_type, rule, minimum, category):
    result = applied(decision_type)
    assert (result.rule, result.minimum_level, result.exempt_category) == (rule, minimum, category)
    assert result.matched == "type"
    assert (result.policy_version, result.starts_on) == (3, date(2027, 1, 1))


# --- thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "minimum"),
    [(None, "none"), (0, "none"), (99_999, "none"), (100_000, "light"), (100_001, "light")],
)
def test_a_screen_threshold_is_at_least_light_at_and_above_the_limit(amount, minimum):
    result = applied("procurement", amount_eur=amount)
    assert result.rule == "screen"
    assert result.minimum_level == minimum
    assert result.threshold_eur == 100_000
    assert result.over_threshold is (minimum == "light")


def test_a_threshold_of_zero_makes_every_amount_light_but_not_an_unknown_one():
    data = policy_data(
        rules=[{"decision_type": "procurement", "rule": "screen", "threshold_eur": 0}]
    )
    policy = checked(data)
    assert applied("procurement", amount_eur=0, policy=policy).minimum_level == "light"
    assert applied("procurement", amount_eur=None, policy=policy).minimum_level == "none"


# --- matching order ---------------------------------------------------------------------


def test_a_per_body_rule_beats_the_types_rule():
    by_board = applied("procurement", body="executive_board", amount_eur=5)
    assert (by_board.rule, by_board.minimum_level, by_board.matched) == ("light", "light", "body")
    assert by_board.threshold_eur is None
    by_council = applied("procurement", body="council", amount_eur=5)
    assert (by_council.rule, by_council.matched) == ("screen", "type")


def test_a_body_rule_written_before_or_after_the_types_rule_wins_all_the_same():
    rules = policy_data()["rules"]
    reordered = checked(policy_data(rules=[rules[2], rules[1], *rules[3:]]))
    assert applied("procurement", body="executive_board", policy=reordered).rule == "light"
    assert applied("procurement", body="council", policy=reordered).rule == "screen"


def test_a_type_without_a_rule_and_a_decision_without_a_type_get_the_default_rule():
    policy = checked(policy_data(default={"rule": "light"}))
    for kind in (None, "unruled_type"):
        result = applied(kind, policy=policy)
        assert (result.rule, result.minimum_level, result.matched) == ("light", "light", "default")


def test_a_body_rule_alone_does_not_apply_to_other_bodies():
    data = policy_data(
        rules=[{"decision_type": "procurement", "body": "executive_board", "rule": "full"}]
    )
    result = applied("procurement", body="council", policy=checked(data))
    assert (result.rule, result.matched) == ("screen", "default")


def test_no_policy_is_the_built_in_default():
    result = apply(None, decision_type="procurement", body="council", amount_eur=500_000)
    assert result.matched == "builtin"
    assert (result.rule, result.minimum_level) == ("screen", "none")
    assert result.processes == {
        "screening": "eva-standard",
        "light": "eva-light",
        "full": "eva-standard",
    }
    assert (result.review_role, result.review_body) == ("reviewer", None)
    assert result.submit_days_before_meeting == 14
    assert result.policy_version is None
    assert check(BUILTIN.dump(), KNOWN) == (BUILTIN, [])


# --- rule-level overrides ---------------------------------------------------------------


def test_a_rule_overrides_processes_review_and_time_limit():
    result = applied("fee_change")
    assert result.processes == {
        "screening": "eva-standard",
        "light": "eva-standard",
        "full": "eva-standard",
    }
    assert (result.review_role, result.review_body) == ("admin", "council")
    assert result.submit_days_before_meeting == 21


def test_without_overrides_a_rule_takes_the_policys_processes_review_and_time_limit():
    result = applied("service_network_change")
    assert result.processes["light"] == "eva-light"
    assert (result.review_role, result.review_body) == ("reviewer", None)
    assert result.submit_days_before_meeting == 14


def test_applied_dumps_and_loads_as_json():
    result = applied("procurement", amount_eur=150_000)
    data = result.dump()
    assert data["starts_on"] == "2027-01-01"
    assert data["minimum_level"] == "light"
    assert Applied.load(data) == result
    assert Applied.load({**data, "added_by_a_later_release": 1}) == result


# --- explanation ------------------------------------------------------------------------


def test_the_explanation_says_the_rule_the_date_and_the_version_in_three_languages():
    result = applied("service_network_change")
    label = {"fi": "Palveluverkon muutos", "sv": "Ändring av servicenätet"}
    assert explanation(result, type_label="Service network change", language="en") == (
        "Decision type Service network change: full assessment required by the policy of "
        "1.1.2027 (version 3)"
    )
    fi = explanation(result, type_label=label["fi"], language="fi")
    sv = explanation(result, type_label=label["sv"], language="sv")
    assert fi.startswith("Päätöstyyppi Palveluverkon muutos: ") and "1.1.2027" in fi
    assert "(versio 3)" in fi
    assert sv.startswith("Beslutstyp Ändring av servicenätet: ") and "(version 3)" in sv


def test_the_explanation_of_a_threshold_names_the_amount_and_the_threshold():
    text = explanation(
        applied("procurement", amount_eur=150_000), type_label="Procurement", language="en"
    )
    assert "150,000 euros" in text and "threshold of 100,000 euros" in text
    fi = explanation(
        applied("procurement", amount_eur=150_000), type_label="Hankinta", language="fi"
    )
    assert "150\xa0000" in fi


def test_the_explanation_of_an_exemption_names_its_category():
    text = explanation(
        applied("filling_post"),
        type_label="Filling a post",
        language="en",
        category_label="filling a post",
    )
    assert "exempt as filling a post" in text


def test_the_explanation_of_the_built_in_default_says_no_policy_is_in_force():
    result = apply(None, decision_type=None, body=None, amount_eur=None)
    assert explanation(result, type_label=None, language="en") == (
        "No decision type: the screening decides the level by the built-in default "
        "(no policy is in force)"
    )


# --- check: every problem, with its path ------------------------------------------------


def problems_of(data) -> set[tuple[str, str]]:
    policy, problems = check(data, KNOWN, source="policy.yaml")
    assert policy is None
    assert all(isinstance(p, Problem) and p.file == "policy.yaml" for p in problems)
    return {(p.path, p.message) for p in problems}


def paths_of(data) -> set[str]:
    return {path for path, _ in problems_of(data)}


def test_a_valid_policy_has_no_problems():
    policy = checked()
    assert len(policy.rules) == 5


def test_check_names_every_problem_of_a_file_at_once():
    data = policy_data(
        rules=[
            {"decision_type": "no_such_type", "rule": "full"},
            {"decision_type": "procurement", "body": "no_such_body", "rule": "light"},
            {"decision_type": "procurement", "rule": "screen", "threshold_eur": "lots"},
            {"decision_type": "filling_post", "rule": "exempt"},
            {"decision_type": "fee_change", "rule": "exempt", "exempt_category": "holidays"},
            {"decision_type": "service_network_change", "rule": "full", "threshold_eur": 5},
            {"decision_type": "procurement", "rule": "light"},
        ],
        processes={"screening": "eva-nope", "light": "eva-light", "full": "eva-light"},
        screening={
            "investment_threshold_eur": -1,
            "questions_off": ["s_children", "s_unknown"],
            "own_questions": [
                {"id": "s_staff", "labels": LABELS, "recommends": "light"},
                {"id": "Bad Id", "labels": {"fi": "x"}, "recommends": "full"},
            ],
        },
    )
    found = problems_of(data)
    paths = {path for path, _ in found}
    expected = {
        "rules.0.decision_type",  # unknown decision type
        "rules.1.body",  # unknown body
        "rules.2.threshold_eur",  # not a number
        "rules.3.exempt_category",  # exempt without a category
        "rules.4.exempt_category",  # unknown exempt category
        "rules.5.threshold_eur",  # a threshold on a full rule
        "rules.6",  # the same type twice
        "processes.screening",  # unknown workflow
        "processes.full",  # no follow-up phase
        "screening.investment_threshold_eur",
        "screening.questions_off.1",
        "screening.own_questions.0.id",  # clashes with the form
        "screening.own_questions.1.id",  # bad id
        "screening.own_questions.1.labels.sv",
        "screening.own_questions.1.labels.en",
    }
    assert expected <= paths, expected - paths
    messages = dict(found)
    assert "unknown decision type 'no_such_type'" in messages["rules.0.decision_type"]
    assert "procurement" in messages["rules.0.decision_type"]  # says what would be right
    assert "unknown body 'no_such_body'" in messages["rules.1.body"]
    assert "whole number of euros" in messages["rules.2.threshold_eur"]
    assert "needs exempt_category" in messages["rules.3.exempt_category"]
    assert "filling_posts" in messages["rules.3.exempt_category"]
    assert "unknown exempt category 'holidays'" in messages["rules.4.exempt_category"]
    assert "screen rule only" in messages["rules.5.threshold_eur"]
    assert "duplicate rule: rules.2" in messages["rules.6"]
    assert "unknown workflow 'eva-nope'" in messages["processes.screening"]
    assert "no follow-up phase" in messages["processes.full"]
    assert messages["screening.own_questions.1.labels.sv"] == "missing translation (sv)"
    assert "unknown screening question 's_unknown'" in messages["screening.questions_off.1"]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"format": 2}, "format", "1"),
        ({"format": None}, "format", "1"),
        ({"colour": "blue"}, "colour", "unknown key"),
        ({"default": {"rule": "sometimes"}}, "default.rule", "'full'"),
        ({"default": {"rule": "screen", "threshold_eur": 1.5}}, "default.threshold_eur", "euros"),
        ({"default": {"rule": "screen", "threshold_eur": True}}, "default.threshold_eur", "euros"),
        ({"default": {"rule": "screen", "threshold_eur": "100 000"}}, "default.threshold_eur", ""),
        ({"default": {"rule": "light", "threshold_eur": 100}}, "default.threshold_eur", "screen"),
        ({"default": {"rule": "exempt"}}, "default.exempt_category", "needs"),
        (
            {"default": {"rule": "full", "exempt_category": "filling_posts"}},
            "default.exempt_category",
            "only an exempt",
        ),
        (
            {"default": {"rule": "full", "decision_type": "procurement"}},
            "default.decision_type",
            "every",
        ),
        ({"review": {"role": "mayor"}}, "review.role", "'reviewer'"),
        ({"review": {"role": "reviewer", "body": "parliament"}}, "review.body", "unknown body"),
        (
            {"time_limits": {"submit_days_before_meeting": -3}},
            "time_limits.submit_days_before_meeting",
            "days",
        ),
        (
            {"time_limits": {"submit_days_before_meeting": "two weeks"}},
            "time_limits.submit_days_before_meeting",
            "days",
        ),
        ({"processes": {"full": "eva-light"}}, "processes.full", "follow-up"),
        ({"title": {"fi": "Malli", "sv": "Modell"}}, "title.en", "missing translation (en)"),
        (
            {"reporting": {"text": {"fi": "", "sv": "x", "en": "x"}}},
            "reporting.text.fi",
            "empty translation",
        ),
        (
            {"decision_types": [{"id": "x", "labels": LABELS}, {"id": "x", "labels": LABELS}]},
            "decision_types.1.id",
            "duplicate",
        ),
        ({"decision_types": [{"id": "Not A Key", "labels": LABELS}]}, "decision_types.0.id", ""),
        ({"rules": [{"rule": "full"}]}, "rules.0.decision_type", "Field required"),
        (
            {
                "rules": [
                    {
                        "decision_type": "procurement",
                        "rule": "full",
                        "processes": {"full": "eva-light"},
                    }
                ]
            },
            "rules.0.processes.full",
            "follow-up",
        ),
        (
            {
                "rules": [
                    {"decision_type": "procurement", "rule": "full", "review": {"body": "nobody"}}
                ]
            },
            "rules.0.review.body",
            "unknown body",
        ),
        (
            {
                "rules": [
                    {"decision_type": "procurement", "rule": "full"},
                    {"decision_type": "procurement", "rule": "light"},
                ]
            },
            "rules.1",
            "duplicate",
        ),
        (
            {
                "rules": [
                    {"decision_type": "procurement", "body": "council", "rule": "full"},
                    {"decision_type": "procurement", "body": "council", "rule": "light"},
                ]
            },
            "rules.1",
            "body 'council'",
        ),
        (
            {
                "screening": {
                    "own_questions": [{"id": "x_staff", "labels": LABELS, "recommends": "none"}]
                }
            },
            "screening.own_questions.0.recommends",
            "'light'",
        ),
        (
            {
                "screening": {
                    "own_questions": [
                        {"id": "x_a", "labels": LABELS, "recommends": "full"},
                        {"id": "x_a", "labels": LABELS, "recommends": "full"},
                    ]
                }
            },
            "screening.own_questions.1.id",
            "duplicate",
        ),
    ],
)
def test_check_names_the_problem_and_its_path(change, path, words):
    found = problems_of(policy_data(**change))
    messages = [message for p, message in found if p == path]
    assert messages, (path, found)
    assert any(words in m for m in messages), messages


def test_a_rule_may_use_a_type_the_file_itself_defines():
    data = policy_data(
        decision_types=[{"id": "strategy", "labels": LABELS, "task_class": "00.01.00"}],
        rules=[{"decision_type": "strategy", "rule": "full"}],
    )
    policy = checked(data)
    assert policy.decision_type("strategy").task_class == "00.01.00"


def test_what_is_not_a_mapping_is_one_problem():
    assert check(["rules"], KNOWN, source="f.yaml") == (
        None,
        [Problem("f.yaml", "", "a policy is a mapping of keys (format, default, rules ...)")],
    )


def test_a_file_with_a_shape_problem_still_has_its_unknown_names_named():
    data = policy_data(
        rules=[
            {"decision_type": "procurement", "rule": "screen", "threshold_eur": "many"},
            {"decision_type": "no_such_type", "rule": "full"},
        ]
    )
    assert {"rules.0.threshold_eur", "rules.1.decision_type"} <= paths_of(data)


def test_an_own_question_with_every_label_is_accepted():
    data = policy_data(
        screening={
            "investment_threshold_eur": 250000,
            "questions_off": ["s_gender"],
            "own_questions": [
                {"id": "x_staff", "labels": LABELS, "help": LABELS, "recommends": "light"}
            ],
        }
    )
    policy = checked(data)
    assert policy.screening.own_questions[0].recommends == "light"
    assert policy.dump()["screening"]["investment_threshold_eur"] == 250000


def test_problems_come_in_the_order_of_the_file():
    data = policy_data(
        rules=[
            {"decision_type": "procurement", "rule": "screen", "threshold_eur": "x"},
            {"decision_type": "nope", "rule": "full"},
        ],
        review={"role": "mayor"},
    )
    paths = [p.path for p in check(data, KNOWN)[1]]
    assert paths == ["rules.0.threshold_eur", "rules.1.decision_type", "review.role"]


def test_a_level_the_file_leaves_out_must_have_its_default_workflow_loaded():
    only_light = Known(**{**KNOWN.__dict__, "workflows": {"eva-light": WORKFLOWS["eva-light"]}})
    problems = check({"format": 1, "processes": {"light": "eva-light"}}, only_light)[1]
    assert {p.path for p in problems} == {"processes.screening", "processes.full"}
    assert all("default workflow 'eva-standard' is not loaded" in p.message for p in problems)


def test_a_retired_type_or_body_is_named_as_retired():
    known = Known(
        **{
            **KNOWN.__dict__,
            "retired_decision_types": {"old_type"},
            "retired_bodies": {"old_board"},
        }
    )
    data = policy_data(rules=[{"decision_type": "old_type", "body": "old_board", "rule": "full"}])
    messages = {p.path: p.message for p in check(data, known)[1]}
    assert "'old_type' is retired" in messages["rules.0.decision_type"]
    assert "'old_board' is retired" in messages["rules.0.body"]
