"""Free texts in both national languages: their paths, and each read in a language."""

from assess.assessment_data import AssessmentData, SnapshotDecision, Translation
from assess.bilingual import in_language, missing, text_paths
from tests.unit.test_flags import FORM  # the shipped form, loaded once

DATA = AssessmentData.load(
    {
        "screening": {"level": "full", "level_reason": ""},
        "alternatives": [{"id": "a1", "label": "Lakkautus", "description": ""}],
        "impacts": [
            {
                "alternative": "a1",
                "group": "older_people",
                "dimension": "services",
                "direction": "negative",
                "rationale": "Matka pitenee.",
                "mitigation": "",
            }
        ],
        "translations": {
            "sv": {
                "alternatives.a1.label": {"text": "Indragning"},
                "impacts.a1.older_people.services.rationale": {
                    "text": "Matka pitenee.",
                    "copied": True,
                },
            }
        },
    }
)


def test_paths_name_every_non_empty_text_once():
    assert text_paths(DATA, FORM) == [
        ("alternatives.a1.label", "Lakkautus"),
        ("impacts.a1.older_people.services.rationale", "Matka pitenee."),
    ]


def test_a_copy_is_read_as_the_original_and_counts_missing():
    assert in_language(DATA, "alternatives.a1.label", "Lakkautus", "sv", "fi") == (
        "Indragning",
        True,
    )
    path = "impacts.a1.older_people.services.rationale"
    assert in_language(DATA, path, "Matka pitenee.", "sv", "fi") == ("Matka pitenee.", False)
    assert missing(DATA, FORM, "sv", "fi") == [path]
    assert missing(DATA, FORM, "fi", "fi") == []


def test_a_translation_given_is_no_longer_missing():
    data = DATA.model_copy(deep=True)
    data.translations["sv"]["impacts.a1.older_people.services.rationale"] = Translation(
        text="Resan blir längre."
    )
    assert missing(data, FORM, "sv", "fi") == []


def test_the_decision_title_falls_back_to_the_original():
    d = SnapshotDecision.load(
        {
            "id": 1,
            "case_number": "K-1",
            "title": "Otsikko",
            "language": "fi",
            "body": {"id": 1, "fi": "Hallitus"},
            "translations": {"sv": {"title": "Rubrik"}},
        }
    )
    assert d.title_in("sv") == ("Rubrik", True)
    assert d.proposal_in("sv") == ("", False)
    assert d.title_in("fi") == ("Otsikko", True)
