"""The summary's first draft (issue 19): each language's field in its own language, with the
level's and the groups' labels, never their ids."""

from assess.assessment_data import AssessmentData
from assess.questionnaire.summary_draft import draft_summary
from tests.unit.test_flags import FORM

DATA = AssessmentData.load(
    {
        "screening": {"level": "full"},
        "impacts": [
            {
                "alternative": "ve1",
                "group": "older_people",
                "dimension": "access_to_services",
                "direction": "negative",
            },
            {
                "alternative": "ve1",
                "group": "children",
                "dimension": "access_to_services",
                "direction": "positive",
            },
        ],
    }
)


def test_each_language_gets_its_own_words():
    fi, sv = draft_summary(DATA, FORM, "fi"), draft_summary(DATA, FORM, "sv")
    older = FORM.group("older_people").labels
    assert fi == f"Arvioinnin taso: laaja arviointi. Kielteisiä vaikutuksia: {older.fi}."
    assert sv == f"Bedömningens nivå: omfattande bedömning. Negativa konsekvenser: {older.sv}."
    for text in (fi, sv):
        assert "full" not in text and "older_people" not in text


def test_nothing_to_say_without_a_level_or_negative_effects():
    assert draft_summary(AssessmentData.load({}), FORM, "sv") == ""
