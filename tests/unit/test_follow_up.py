"""What the follow-up must record before the assessment may close (issue 18, hole 8): the
pure part, on the shipped questionnaire."""

from pathlib import Path

import pytest

from assess.assessment_data import AssessmentData
from assess.questionnaire import load_form
from assess.questionnaire.follow_up import follow_up_of, followed_effects, heard_councils, missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def form():
    loaded, problems = load_form(ROOT / "forms" / "iva.yaml")
    assert problems == []
    return loaded


def data(**extra) -> AssessmentData:
    base = {
        "answers": {
            "groups_in_scope": ["children", "older_people"],
            "dimensions_in_scope": ["health", "access_to_services"],
        },
        "alternatives": [
            {"id": "ve0", "label": "VE0", "zero_option": True},
            {"id": "ve1", "label": "VE1", "recommended": True},
        ],
        "impacts": [
            {
                "alternative": "ve1",
                "group": "children",
                "dimension": "health",
                "direction": "unknown",
            },
            {
                "alternative": "ve1",
                "group": "older_people",
                "dimension": "access_to_services",
                "direction": "negative",
            },
            # Not followed: positive, the zero option's, outside the scope.
            {
                "alternative": "ve1",
                "group": "children",
                "dimension": "access_to_services",
                "direction": "positive",
            },
            {
                "alternative": "ve0",
                "group": "children",
                "dimension": "health",
                "direction": "negative",
            },
            {
                "alternative": "ve1",
                "group": "disabled",
                "dimension": "health",
                "direction": "negative",
            },
        ],
        "hearings": [
            {"id": "h1", "council": "youth_council", "statement": "We were asked."},
            {
                "id": "h2",
                "council": "older_people_council",
                "not_heard_code": "council_declined",
                "not_heard_reason": "Declined.",
            },
            {"id": "h3", "council": "disability_council", "answered_on": "2026-09-01"},
            {"id": "h4", "council": "youth_council", "answered_on": "2026-09-02"},
        ],
        "indicators": [{"id": "i1", "name": "Waiting time"}],
    }
    return AssessmentData.load({**base, **extra})


def test_only_the_recommended_alternatives_negative_or_unknown_cells_in_scope(form):
    assert [(c.group, c.dimension) for c in followed_effects(data())] == [
        ("children", "health"),
        ("older_people", "access_to_services"),
    ]


def test_heard_means_a_statement_an_answer_or_a_file_not_a_reason_why_not():
    assert heard_councils(data()) == ["youth_council", "disability_council"]


def test_everything_missing_is_named(form):
    reasons = [r.render("en") for r in missing(form, data(), {})]
    assert reasons == [
        "Record an observed value and its date for each indicator: Waiting time.",
        "Say what actually happened and the lesson (at least 3 words) for each negative or "
        "unknown effect: children: health, physical and mental; older people: access to services.",
        "Make the follow-up summary for those heard: youth council, disability council.",
    ]


def test_a_trivial_lesson_or_no_outcome_does_not_count(form):
    ex_post = [
        {"group": "children", "dimension": "health", "outcome": "better", "lesson": "ok -"},
        {
            "group": "older_people",
            "dimension": "access_to_services",
            "lesson": "A real lesson here.",
        },
    ]
    reasons = [r.render("en") for r in missing(form, data(ex_post=ex_post), {})]
    assert "children: health, physical and mental; older people: access to services." in reasons[1]


def test_complete_when_all_is_recorded_and_the_summaries_report_it(form):
    done = data(
        indicators=[
            {
                "id": "i1",
                "name": "Waiting time",
                "observations": [{"on": "2026-10-01", "value": "3 weeks"}],
            }
        ],
        ex_post=[
            {
                "group": "children",
                "dimension": "health",
                "outcome": "not_known",
                "lesson": "The register shows no change yet.",
            },
            {
                "group": "older_people",
                "dimension": "access_to_services",
                "outcome": "worse",
                "lesson": "The bus ran too seldom.",
            },
        ],
    )
    current = follow_up_of(done)
    assert missing(form, done, {"youth_council": current, "disability_council": current}) == []
    older = follow_up_of(data())
    reasons = missing(form, done, {"youth_council": current, "disability_council": older})
    assert [r.render("en") for r in reasons] == [
        "The follow-up changed after the summary was made; make it again for: disability council."
    ]
    assert all(r.render("sv") != r.render("en") for r in reasons)
